"""Reference numeric check of properties.thm (numpy only), independent of matproof:
run `python3 check_properties.py`. Each entry: name -> (expect, function(rng) -> (lhs, rhs)).
Declared matrices are drawn with their property (symmetric, spd, orthogonal, diagonal); the
`n-*` theorems draw the same identity's matrices without it. Gradients are against central
finite differences over every entry (the unconstrained gradient), differentials against
directional derivatives."""
import numpy as np

from refcheck import P, R, fd_dir, fd_grad, invertible, mat, run, s, spd, vec

inv, tr, det = np.linalg.inv, np.trace, np.linalg.det
N, K = 4, 3


def sym(r):
    a = mat(r)
    return a + a.T


def orth(r):
    q, _ = np.linalg.qr(mat(r))
    return q


def dg(r):
    return np.diag(r.standard_normal(N))


def logdet(X):
    sign, ld = np.linalg.slogdet(X)
    assert sign > 0
    return ld


def quad_x(S, solve):
    """∂((x − μ)ᵀ M (x − μ))/∂x against 2 M (x − μ), M = solve(S)."""
    def f(r):
        Sm, x, mu = S(r), vec(r), vec(r)
        return fd_grad(lambda v: s((v - mu).T @ solve(Sm) @ (v - mu)), x), 2 * solve(Sm) @ (x - mu)
    return f


def quad_sigma(S):
    def f(r):
        Sm, x, mu = S(r), vec(r), vec(r)
        v = x - mu
        return fd_grad(lambda M: s(v.T @ inv(M) @ v), Sm), -inv(Sm) @ v @ v.T @ inv(Sm)
    return f


def rayleigh(r):
    S, x = sym(r), vec(r)
    q = s(x.T @ x)
    return (fd_grad(lambda v: s(v.T @ S @ v) / s(v.T @ v), x),
            2 / q * S @ x - 2 * s(x.T @ S @ x) / q / q * x)


def nll(r):
    Sg, x, mu = spd(r), vec(r), vec(r)
    v = x - mu
    return (fd_grad(lambda M: logdet(M) + s(v.T @ inv(M) @ v), Sg),
            inv(Sg) - inv(Sg) @ v @ v.T @ inv(Sg))


CHECKS = {
    "p-1": (P, lambda r: (lambda S: (S.T, S))(sym(r))),
    "p-2": (P, lambda r: (lambda S, x: (fd_grad(lambda v: s(v.T @ S @ v), x), 2 * S @ x))(sym(r), vec(r))),
    "p-3": (P, lambda r: (lambda S, x, dx: (fd_dir(lambda v: v.T @ S @ v, x, dx), 2 * x.T @ S @ dx))(
        sym(r), vec(r), vec(r))),
    "p-4": (P, lambda r: (lambda S: (inv(S).T, inv(S)))(sym(r))),
    "p-5": (P, lambda r: (lambda S, X: ((X.T @ S @ X).T, X.T @ S @ X))(sym(r), mat(r, N, K))),
    "p-6": (P, lambda r: (lambda S, A: (tr(S.T @ A), tr(S.T @ A.T)))(sym(r), mat(r))),
    "p-7": (P, lambda r: (lambda S, W: (fd_grad(lambda M: tr(M.T @ S @ M), W), 2 * S @ W))(sym(r), mat(r, N, K))),
    "p-8": (P, rayleigh),
    "p-9": (P, lambda r: (lambda S, x, y: (y.T @ S @ x, x.T @ S @ y))(sym(r), vec(r), vec(r))),
    "p-10": (P, lambda r: (lambda S: (inv(S).T, inv(S)))(spd(r))),
    "p-11": (P, quad_x(spd, inv)),
    "p-12": (P, lambda r: (lambda S, x, mu: (fd_grad(lambda m: s((x - m).T @ inv(S) @ (x - m)), mu),
                                             -2 * inv(S) @ (x - mu)))(spd(r), vec(r), vec(r))),
    "p-13": (P, lambda r: (lambda S, x, mu: (fd_grad(lambda m: -0.5 * s((x - m).T @ inv(S) @ (x - m)), mu),
                                             inv(S) @ (x - mu)))(spd(r), vec(r), vec(r))),
    "p-14": (P, quad_sigma(spd)),
    "p-15": (P, lambda r: (lambda S: (fd_grad(logdet, S), inv(S)))(spd(r))),
    "p-16": (P, lambda r: (lambda Sg, S: (fd_grad(lambda M: tr(S @ M) - logdet(M), Sg), S - inv(Sg)))(spd(r), sym(r))),
    "p-17": (P, nll),
    "p-18": (P, lambda r: (lambda S, dS: (fd_dir(logdet, S, dS), tr(inv(S) @ dS)))(spd(r), sym(r))),
    "p-19": (P, lambda r: (lambda Sg, S: (fd_grad(lambda M: tr(inv(M) @ S), Sg), -inv(Sg) @ S @ inv(Sg)))(spd(r), sym(r))),
    "p-20": (P, lambda r: (lambda S: (fd_grad(lambda M: np.log(det(M)), S), inv(S)))(spd(r))),
    "l-1": (P, lambda r: (lambda S: (logdet(S), np.log(det(S))))(spd(r))),
    "p-21": (P, lambda r: (lambda Q: (Q.T @ Q, np.eye(N)))(orth(r))),
    "p-22": (P, lambda r: (lambda Q: (Q @ Q.T, np.eye(N)))(orth(r))),
    "p-23": (P, lambda r: (lambda Q: (inv(Q), Q.T))(orth(r))),
    "p-24": (P, lambda r: (lambda Q, x: (np.linalg.norm(Q @ x), np.linalg.norm(x)))(orth(r), vec(r))),
    "p-25": (P, lambda r: (lambda Q: (det(Q) ** 2, 1.0))(orth(r))),
    "p-26": (P, lambda r: (lambda Q, A: (tr(Q.T @ A @ Q), tr(A)))(orth(r), mat(r))),
    "p-27": (P, lambda r: (lambda Q, A: (np.linalg.norm(Q @ A), np.linalg.norm(A)))(orth(r), mat(r))),
    "p-28": (P, lambda r: (lambda D: (D.T, D))(dg(r))),
    "p-29": (P, lambda r: (lambda D, x: (D @ x, np.diag(D)[:, None] * x))(dg(r), vec(r))),
    "p-30": (P, lambda r: (lambda D, E: (D @ E, E @ D))(dg(r), dg(r))),
    "p-31": (P, lambda r: (lambda D: (np.diag(np.diag(D)), D))(dg(r))),
    "p-32": (P, lambda r: (lambda D, x: (fd_grad(lambda v: s(v.T @ D @ v), x), 2 * D @ x))(dg(r), vec(r))),
    "p-33": (P, lambda r: (lambda D, x, y: (x.T @ D @ y, y.T @ D @ x))(dg(r), vec(r), vec(r))),
    "l-2": (P, lambda r: (lambda Y: (det(2 * Y), 8 * det(Y)))(mat(r, 3, 3))),
    "l-3": (P, lambda r: (lambda Y: (det(-Y), -det(Y)))(mat(r, 3, 3))),
    "l-4": (P, lambda r: (lambda Y, Z: (det(inv(Y) @ Z @ Y), det(Z)))(invertible(r)[:3, :3], mat(r, 3, 3))),
    "l-5": (P, lambda r: (lambda Q, Y: (det(Q) ** 2 * det(2 * Y), 8 * det(Y)))(orth(r), mat(r, 3, 3))),
    "n-12": (R, lambda r: (lambda Y: (det(2 * Y), 2 * det(Y)))(mat(r, 3, 3))),
    "l-6": (P, lambda r: (lambda a, U: (det(a * U), a ** N * det(U)))(r.standard_normal(), mat(r))),
    "l-7": (P, lambda r: (lambda U: (det(-inv(U)), (-1) ** N / det(U)))(invertible(r))),
    "n-13": (R, lambda r: (lambda a, U: (det(a * U), a * det(U)))(r.standard_normal() + 2, mat(r))),
    "n-1": (R, lambda r: (lambda M: (M.T, M))(mat(r))),
    "n-2": (R, lambda r: (lambda M, x: (fd_grad(lambda v: s(v.T @ M @ v), x), 2 * M @ x))(mat(r), vec(r))),
    "n-3": (R, lambda r: (lambda M, X: ((X.T @ M @ X).T, X.T @ M @ X))(mat(r), mat(r, N, K))),
    "n-4": (R, quad_x(invertible, inv)),
    "n-5": (R, quad_sigma(invertible)),
    "n-6": (R, lambda r: (lambda P_: (P_.T @ P_, np.eye(N)))(mat(r))),
    "n-7": (R, lambda r: (lambda P_, x: (np.linalg.norm(P_ @ x), np.linalg.norm(x)))(mat(r), vec(r))),
    "n-8": (R, lambda r: (lambda G, H_: (G @ H_, H_ @ G))(mat(r), mat(r))),
    "n-9": (R, lambda r: (lambda G, x: (G @ x, np.diag(G)[:, None] * x))(mat(r), vec(r))),
    "n-10": (R, lambda r: (lambda P_, A: (tr(P_.T @ A @ P_), tr(A)))(mat(r), mat(r))),
    "n-11": (R, lambda r: (lambda M, x, y: (y.T @ M @ x, x.T @ M @ y))(mat(r), vec(r), vec(r))),
}


if __name__ == "__main__":
    run("properties.thm", CHECKS)
