"""Reference numeric check of normal_forms.thm (numpy only), independent of matproof:
run `python3 check_normal_forms.py`. Each entry: name -> (expect, function(rng) -> (lhs, rhs));
gradients against central finite differences. Sizes: n = 4, m = 3."""
import numpy as np

from refcheck import P, R, fd_grad, invertible, mat, run, s, vec

inv, tr = np.linalg.inv, np.trace
N, M = 4, 3


def mats(r, k, maker=mat):
    return [maker(r) for _ in range(k)]


def nf4(r):
    A, B, C, D, E, F = mats(r, 6)
    return (A + B) @ (C + D) @ (E + F), (A @ C @ E + A @ C @ F + A @ D @ E + A @ D @ F + B @ C @ E + B @ C @ F
                                        + B @ D @ E + B @ D @ F)


def nf21(r):
    A, B, C, D, E, F = mats(r, 6)
    return ((A + B) @ (C + D) @ (E + F) + (A - B) @ (C - D) @ (E - F),
            2 * (A @ C @ E + A @ D @ F + B @ C @ F + B @ D @ E))


def nf12(r):
    A, x, b = mat(r, M, N), vec(r), vec(r, M)
    return np.linalg.norm(A @ x - b) ** 2, s(x.T @ A.T @ A @ x - 2 * b.T @ A @ x + b.T @ b)


def g1(r):
    A, B, C, X = mats(r, 4)
    f = lambda Y: tr(Y.T @ A @ Y @ B @ Y.T @ C @ Y)
    return fd_grad(f, X), (A @ X @ B @ X.T @ C @ X + A.T @ X @ X.T @ C.T @ X @ B.T + C @ X @ X.T @ A @ X @ B
                           + C.T @ X @ B.T @ X.T @ A.T @ X)


def g2(r):
    A, B, X = mats(r, 3)
    T = X.T
    return fd_grad(lambda Y: tr(Y @ A @ Y @ B @ Y), X), T @ B.T @ T @ A.T + A.T @ T @ T @ B.T + B.T @ T @ A.T @ T


def g6(r):
    A, X = mat(r) + N * np.eye(N), mat(r, N, M)
    Mi, Mti = inv(X.T @ A @ X), inv(X.T @ A.T @ X)
    return fd_grad(lambda Y: tr(inv(Y.T @ A @ Y)), X), -A @ X @ Mi @ Mi - A.T @ X @ Mti @ Mti


def g7(r):
    # (X B Xᵀ)⁻¹ needs X with no more rows than columns: here X is 3×4
    X, B, C = mat(r, M, N), mat(r) + N * np.eye(N), mat(r, M, M)
    Mi, Mti = inv(X @ B @ X.T), inv(X @ B.T @ X.T)
    return fd_grad(lambda Y: tr(inv(Y @ B @ Y.T) @ C), X), -Mti @ C.T @ Mti @ X @ B.T - Mi @ C @ Mi @ X @ B


def g9(r):
    A, B, X = mat(r), mat(r), invertible(r)
    Xit = inv(X).T
    return (fd_grad(lambda Y: tr(A @ inv(Y) @ B @ inv(Y)), X),
            -Xit @ A.T @ Xit @ B.T @ Xit - Xit @ B.T @ Xit @ A.T @ Xit)


def pos_pair(r):
    x, y = vec(r), vec(r)
    return (x, y) if s(x.T @ y) > 0 else (-x, y)


CHECKS = {
    "nf-1": (P, lambda r: (lambda A, B, C, D: (inv(A @ B @ C @ D), inv(D) @ inv(C) @ inv(B) @ inv(A)))(
        *mats(r, 4, invertible))),
    "nf-2": (P, lambda r: (lambda A, B, C, D, E: ((A @ B @ C @ D @ E).T, E.T @ D.T @ C.T @ B.T @ A.T))(*mats(r, 5))),
    "nf-3": (P, lambda r: (lambda A, B, C: ((inv(A @ B) @ C).T, C.T @ inv(A).T @ inv(B).T))(
        invertible(r), invertible(r), mat(r))),
    "nf-4": (P, nf4),
    "nf-5": (P, lambda r: (lambda A, B: ((A + B).T @ (A - B), A.T @ A - A.T @ B + B.T @ A - B.T @ B))(*mats(r, 2))),
    "nf-6": (P, lambda r: (lambda A, B: ((A + B) @ (A + B), A @ A + A @ B + B @ A + B @ B))(*mats(r, 2))),
    "nf-7": (P, lambda r: (lambda X, Y: ((X - Y) @ (X + Y) - (X @ X - Y @ Y), X @ Y - Y @ X))(*mats(r, 2))),
    "nf-8": (P, lambda r: (lambda A, B, C, D: (tr(A @ B @ C @ D), tr(D.T @ C.T @ B.T @ A.T)))(*mats(r, 4))),
    "nf-9": (P, lambda r: (lambda A, B, C, D: (tr(A @ B @ C @ D), tr(C @ D @ A @ B)))(*mats(r, 4))),
    "nf-10": (P, lambda r: (lambda a, b, X: (s(a.T @ X @ b + b.T @ X.T @ a), 2 * s(a.T @ X @ b)))(vec(r), vec(r), mat(r))),
    "nf-11": (P, lambda r: (lambda x, y: (s((x + y).T @ (x + y)), s(x.T @ x + 2 * x.T @ y + y.T @ y)))(vec(r), vec(r))),
    "nf-12": (P, nf12),
    "nf-13": (P, lambda r: (lambda X: (np.linalg.norm(X, "fro") ** 2, tr(X.T @ X)))(mat(r))),
    "nf-14": (P, lambda r: (lambda A, B, C, D: (tr(A @ (B + C) @ D), tr(D @ A @ B) + tr(C @ D @ A)))(*mats(r, 4))),
    "nf-15": (P, lambda r: (lambda X, A: (inv(X) @ (X + A), np.eye(N) + inv(X) @ A))(invertible(r), mat(r))),
    "nf-16": (P, lambda r: (lambda A: ((np.eye(N) + A).T, np.eye(N) + A.T))(mat(r))),
    "nf-17": (P, lambda r: (lambda A, B, C: (np.sum((A + B) * C), np.sum(C * A) + tr(B.T @ C)))(*mats(r, 3))),
    "nf-18": (P, lambda r: (lambda A, B: (3 * (A - 2 * B).T + 6 * B.T, 3 * A.T))(*mats(r, 2))),
    "nf-19": (P, lambda r: (lambda x, y, z, w: (x @ (y.T @ z) @ w.T, s(z.T @ y) * x @ w.T))(*mats(r, 4, vec))),
    "nf-20": (P, lambda r: (lambda a, b, c, A, B, C: ((a * A + b * B) @ (c * C), a * c * A @ C + b * c * B @ C))(
        *r.standard_normal(3), *mats(r, 3))),
    "nf-21": (P, nf21),
    "nf-22": (P, lambda r: (lambda A, B, C, D: (((A + B) @ (C + D)).T, C.T @ A.T + C.T @ B.T + D.T @ A.T + D.T @ B.T))(
        *mats(r, 4))),
    "nf-23": (P, lambda r: (lambda A, B: (tr((A + B) @ (A - B)), tr(A @ A) - tr(B @ B)))(*mats(r, 2))),
    "g-1": (P, g1),
    "g-2": (P, g2),
    "g-3": (P, lambda r: (lambda X: (fd_grad(lambda Y: tr(Y @ Y @ Y), X), 3 * X.T @ X.T))(mat(r))),
    "g-4": (P, lambda r: (lambda X: (fd_grad(lambda Y: tr(Y) * tr(Y @ Y), X), tr(X @ X) * np.eye(N) + 2 * tr(X) * X.T))(
        mat(r))),
    "g-5": (P, lambda r: (lambda X, B: (fd_grad(lambda Y: tr(tr(Y) * Y @ B), X), tr(X @ B) * np.eye(N) + tr(X) * B.T))(
        mat(r), mat(r))),
    "g-6": (P, g6),
    "g-7": (P, g7),
    "g-8": (P, lambda r: (lambda a, b, X: (fd_grad(lambda Y: s(a.T @ inv(Y) @ b), X),
                                           -inv(X).T @ a @ b.T @ inv(X).T))(vec(r), vec(r), invertible(r))),
    "g-9": (P, g9),
    "g-10": (P, lambda r: (lambda A, x: (fd_grad(lambda v: s(v.T @ A @ v) ** 2, x), 2 * s(x.T @ A @ x) * (A + A.T) @ x))(
        mat(r), vec(r))),
    "g-11": (P, lambda r: (lambda x, y: (fd_grad(lambda v: np.sqrt(s(v.T @ y)), x), s(x.T @ y) ** -0.5 * y / 2))(
        *pos_pair(r))),
    "g-12": (P, lambda r: (lambda x: (fd_grad(lambda v: s(v.T @ v) ** 0.5, x), x * s(x.T @ x) ** -0.5))(vec(r))),
    "g-13": (P, lambda r: (lambda A, x: (fd_grad(lambda v: 1 / s(v.T @ A @ v), x), -s(x.T @ A @ x) ** -2 * (A + A.T) @ x))(
        mat(r) + N * np.eye(N), vec(r))),
    "g-14": (P, lambda r: (lambda A, x: (fd_grad(lambda v: np.linalg.norm(A @ v), x), A.T @ A @ x / np.linalg.norm(A @ x)))(
        mat(r, M, N), vec(r))),
    "g-15": (P, lambda r: (lambda A, b, x: (fd_grad(lambda v: s(v.T @ A @ v) * s(b.T @ v), x),
                                            s(b.T @ x) * (A + A.T) @ x + s(x.T @ A @ x) * b))(mat(r), vec(r), vec(r))),
    "g-16": (P, lambda r: (lambda X: (fd_grad(lambda Y: tr(Y.T @ Y @ Y.T @ Y), X), 4 * X @ X.T @ X))(mat(r))),
    "g-17": (P, lambda r: (lambda A, B, C, X: (fd_grad(lambda Y: tr(A @ Y @ B @ Y.T @ C), X),
                                               A.T @ C.T @ X @ B.T + C @ A @ X @ B))(*mats(r, 4))),
    "g-18": (P, lambda r: (lambda a, b, c, d, X: (fd_grad(lambda Y: s(a.T @ Y @ b) * s(c.T @ Y @ d), X),
                                                  s(c.T @ X @ d) * a @ b.T + s(a.T @ X @ b) * c @ d.T))(
        *mats(r, 4, vec), mat(r))),
    "g-20": (P, lambda r: (lambda X: (fd_grad(lambda Y: tr(inv(Y) @ inv(Y)), X), -2 * inv(X).T @ inv(X).T @ inv(X).T))(
        invertible(r))),
    "w-1": (R, lambda r: (lambda A, B, C: (inv(A @ B @ C), inv(A) @ inv(B) @ inv(C)))(*mats(r, 3, invertible))),
    "w-2": (R, lambda r: (lambda A, X: (fd_grad(lambda Y: tr(Y @ A @ Y), X), 2 * A.T @ X.T))(mat(r), mat(r))),
    "w-3": (R, lambda r: (lambda A, B, C, D: (tr(A @ B @ C @ D), tr(A @ C @ B @ D)))(*mats(r, 4))),
    "w-4": (R, lambda r: (lambda A, B: ((A + B) @ (A - B), A @ A - B @ B))(*mats(r, 2))),
}


if __name__ == "__main__":
    run("normal_forms.thm", CHECKS)
