"""Reference numeric check of derivatives.thm (numpy only), independent of matproof: run
`python3 check_derivatives.py`. Each entry: name -> (expect, function(rng) -> (lhs, rhs)).
Jacobians (numerator layout: column j is ∂f/∂xⱼ, vec stacks columns) by central differences,
Hessians by central differences of a central-difference gradient, and the gradient in a
symmetric S as sym(G₀) of the unconstrained one."""
import numpy as np

from refcheck import H, P, R, fd_grad, invertible, mat, run, s, spd, vec

inv, tr = np.linalg.inv, np.trace
N, M = 4, 3


def sym(r):
    a = mat(r)
    return a + a.T


def vecm(X):
    return X.reshape(-1, 1, order="F")


def unvec(v, shape):
    return v.reshape(shape, order="F")


def fd_jac(f, x):
    """∂f/∂xᵀ for a vector or matrix x (through vec), f returning an array (flattened by vec)."""
    cols = []
    base = vecm(x)
    for j in range(base.shape[0]):
        e = np.zeros_like(base)
        e[j] = H
        up, down = f(unvec(base + e, x.shape)), f(unvec(base - e, x.shape))
        cols.append((vecm(np.atleast_2d(up)) - vecm(np.atleast_2d(down)))[:, 0] / (2 * H))
    return np.stack(cols, axis=1)


def fd_hess(f, x):
    h = 1e-4
    g = lambda z: fd_jac(f, z)[0]   # noqa: E731  (a row: ∂f/∂xᵀ)
    base = vecm(x)
    rows = []
    for j in range(base.shape[0]):
        e = np.zeros_like(base)
        e[j] = h
        rows.append((g(unvec(base + e, x.shape)) - g(unvec(base - e, x.shape))) / (2 * h))
    return np.array(rows)


def symgrad(f, S):
    G = fd_grad(f, S)
    return (G + G.T) / 2


CHECKS = {
    "j-1": (P, lambda r: (lambda A, x, y: (fd_jac(lambda z: A @ z + A @ y, x), A))(mat(r, M, N), vec(r), vec(r))),
    "j-2": (P, lambda r: (lambda x: (fd_jac(lambda z: z * z, x), 2 * np.diagflat(x)))(vec(r))),
    "j-3": (P, lambda r: (lambda x: (fd_jac(np.exp, x), np.diagflat(np.exp(x))))(vec(r))),
    "j-4": (P, lambda r: (lambda x: (fd_jac(lambda z: z / np.linalg.norm(z), x),
                                     np.eye(N) / np.linalg.norm(x) - x @ x.T / np.linalg.norm(x) ** 3))(vec(r))),
    "j-5": (P, lambda r: (lambda c, x: (fd_jac(lambda z: s(c.T @ z) * z, x), s(c.T @ x) * np.eye(N) + x @ c.T))(
        vec(r), vec(r))),
    "j-6": (P, lambda r: (lambda B, x: (fd_jac(lambda z: B @ z, x).T, B.T))(mat(r), vec(r))),
    "j-7": (P, lambda r: (lambda A, x: (fd_jac(lambda z: 1 / (1 + np.exp(-A @ z)), x),
                                        np.diagflat((lambda q: q * (1 - q))(1 / (1 + np.exp(-A @ x)))) @ A))(
        mat(r, M, N), vec(r))),
    "j-8": (P, lambda r: (lambda B, x: (fd_jac(lambda z: z.T @ B @ z, x), x.T @ (B + B.T)))(mat(r), vec(r))),
    "v-1": (P, lambda r: (lambda B, X: (fd_jac(lambda Z: Z @ B, X), np.kron(B.T, np.eye(M))))(mat(r), mat(r, M, N))),
    "v-2": (P, lambda r: (lambda B, X: (fd_jac(lambda Z: B @ Z, X), np.kron(np.eye(M), B)))(mat(r), mat(r, N, M))),
    "v-3": (P, lambda r: (lambda X, C: (fd_jac(lambda Z: inv(Z) @ C, X), -np.kron(C.T @ inv(X).T, inv(X))))(
        invertible(r), mat(r, N, M))),
    "v-4": (P, lambda r: (lambda B, X: (fd_jac(lambda Z: tr(B @ Z), X), vecm(B.T).T))(mat(r), mat(r))),
    "v-5": (P, lambda r: (lambda X: (fd_jac(lambda Z: np.log(np.linalg.det(Z)), X), vecm(inv(X).T).T))(spd(r))),
    "h-1": (P, lambda r: (lambda c, x: (fd_hess(lambda z: s(c.T @ z), x), np.zeros((N, N))))(vec(r), vec(r))),
    "h-2": (P, lambda r: (lambda S, x: (fd_hess(lambda z: s(z.T @ S @ z), x), 2 * S))(sym(r), vec(r))),
    "h-3": (P, lambda r: (lambda x: (fd_hess(lambda z: s(z.T @ z), x), 2 * np.eye(N)))(vec(r))),
    "h-4": (P, lambda r: (lambda c, x: (fd_hess(lambda z: s(c.T @ z) ** 2, x), 2 * c @ c.T))(vec(r), vec(r))),
    "h-5": (P, lambda r: (lambda x: (fd_hess(lambda z: np.sum(np.exp(z)), x), np.diagflat(np.exp(x))))(vec(r))),
    "h-6": (P, lambda r: (lambda B, X: (fd_hess(lambda Z: tr(Z.T @ B @ Z), X), np.kron(np.eye(M), B + B.T)))(
        mat(r), mat(r, N, M))),
    "s-1": (P, lambda r: (lambda S, B: (symgrad(lambda Z: tr(Z @ B), S), (B + B.T) / 2))(sym(r), mat(r))),
    "s-2": (P, lambda r: (lambda S, x: (symgrad(lambda Z: s(x.T @ Z @ x), S), x @ x.T))(sym(r), vec(r))),
    "s-3": (P, lambda r: (lambda Pm: (symgrad(lambda Z: np.log(np.linalg.det(Z)), Pm), inv(Pm)))(spd(r))),
    "s-4": (P, lambda r: (lambda Pm, S: (symgrad(lambda Z: tr(inv(Z) @ S), Pm), -inv(Pm) @ S @ inv(Pm)))(
        spd(r), sym(r))),
    "w-1": (R, lambda r: (lambda x: (fd_jac(lambda z: z * z, x), np.diagflat(x)))(vec(r))),
    "w-2": (R, lambda r: (lambda B, X: (fd_jac(lambda Z: Z @ B, X), np.kron(B, np.eye(N))))(mat(r), mat(r))),
    "w-3": (R, lambda r: (lambda x: (fd_hess(lambda z: s(z.T @ z), x), np.eye(N)))(vec(r))),
    "w-4": (R, lambda r: (lambda S, B: (symgrad(lambda Z: tr(Z @ B), S), B))(sym(r), mat(r))),
    "w-5": (R, lambda r: (lambda B, x: (fd_jac(lambda z: B @ z, x), B.T))(mat(r), vec(r))),
}


if __name__ == "__main__":
    run("derivatives.thm", CHECKS)
