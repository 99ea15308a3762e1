"""Reference numeric check of entrywise.thm (numpy only), independent of matproof:
run `python3 check_entrywise.py`. Each entry: name -> (expect, function(rng) -> (lhs, rhs));
gradients against central finite differences, differentials against directional
derivatives (the symbols whose differential is named vary; the others are constant)."""
import numpy as np

from refcheck import P, R, fd_dir, fd_grad, invertible, mat, run, s, spd, vec

inv, tr = np.linalg.inv, np.trace
N = 4


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def c6(r):
    a, X, S = vec(r), mat(r), mat(r)
    return fd_grad(lambda M: s(a.T @ (X - M) @ a), S), -a @ a.T


def k2(r):
    b, C, x, dx = vec(r), mat(r), vec(r), vec(r)
    return fd_dir(lambda v: s(b.T @ C @ v) * np.tanh(C), x, dx), s(b.T @ C @ dx) * np.tanh(C)


def k3(r):
    b, x, X, dx = vec(r), vec(r), invertible(r), vec(r)
    return (fd_dir(lambda v: s(b.T @ v) * (-X) @ (-v), x, dx),
            s(b.T @ dx) * (-X) @ (-x) + s(b.T @ x) * (-X) @ (-dx))


def k4(r):
    a, b, X, dX = vec(r), vec(r), invertible(r), mat(r)
    Xi = inv(X)
    lhs = fd_dir(lambda M: inv(M) @ b @ a.T @ (M - M) @ a, X, dX)
    return lhs, (-Xi @ dX @ Xi) @ b @ a.T @ (X - X) @ a + Xi @ b @ a.T @ (dX - dX) @ a


def g5(r):
    X, x = mat(r), vec(r)
    return (fd_grad(lambda M: s((M @ M @ x).T @ (M @ M @ x)), X),
            2 * X @ X @ x @ x.T @ X.T + 2 * X.T @ X @ X @ x @ x.T)


CHECKS = {
    "e-1": (P, lambda r: (lambda p: (np.tanh(-p), -np.tanh(p)))(mat(r))),
    "e-2": (P, lambda r: (lambda p: (np.sin(-p), -np.sin(p)))(mat(r))),
    "e-3": (P, lambda r: (lambda p: (np.cos(-p), np.cos(p)))(mat(r))),
    "e-4": (P, lambda r: (lambda p, q: (np.exp(p + q), np.exp(p) * np.exp(q)))(mat(r), mat(r))),
    "e-5": (P, lambda r: (lambda p: (np.exp(p).T, np.exp(p.T)))(mat(r, 3, 4))),
    "e-6": (P, lambda r: (lambda p: (sigmoid(p).T, sigmoid(p.T)))(mat(r, 3, 4))),
    "e-7": (P, lambda r: (lambda p, q: ((p * q).T, p.T * q.T))(mat(r, 3, 4), mat(r, 3, 4))),
    "e-8": (P, lambda r: (lambda p: (np.log(np.exp(p)), p))(mat(r))),
    "e-9": (P, lambda r: (lambda p: (sigmoid(-p), 1 - sigmoid(p)))(mat(r))),
    "e-10": (P, lambda r: (lambda p: (np.tanh(p), 2 * sigmoid(2 * p) - 1))(mat(r))),
    "e-11": (P, lambda r: (lambda p, q: (np.sum(p * q), tr(p.T @ q)))(mat(r, 3, 4), mat(r, 3, 4))),
    "e-12": (P, lambda r: (lambda p: (np.exp(np.log(p)), p))(np.abs(mat(r)) + 0.1)),
    "e-13": (P, lambda r: (lambda x, y: (np.log(x * y), np.log(x) + np.log(y)))(np.abs(vec(r)) + 0.1, np.abs(vec(r)) + 0.1)),
    "e-14": (P, lambda r: (lambda p: (np.log(p * p * p), 3 * np.log(p)))(np.abs(vec(r)) + 0.1)),
    "w-3": (R, lambda r: (lambda x: (np.sqrt(x * x), x))(vec(r))),
    "c-1": (P, lambda r: (lambda X, dX: (fd_dir(lambda M: 3 * M, X, dX), 3 * dX))(mat(r), mat(r))),
    "c-2": (P, lambda r: (lambda b, X, dX: (fd_dir(lambda M: b * M, X, dX), dX * b))(r.standard_normal(), mat(r), mat(r))),
    "c-3": (P, lambda r: (lambda a, X, S, dX: (fd_dir(lambda M: a * M @ inv(S), X, dX), a * dX @ inv(S)))(
        r.standard_normal(), mat(r), invertible(r), mat(r))),
    "c-4": (P, lambda r: (lambda A, B: (2 * (A + B), 2 * A + 2 * B))(mat(r), mat(r))),
    "c-5": (P, lambda r: (lambda b, B, X: (b * (B + X), b * B + b * X))(r.standard_normal(), mat(r), mat(r))),
    "c-6": (P, c6),
    "g-1": (P, lambda r: (lambda X: (fd_grad(lambda M: tr(np.tanh(M)), X), (1 - np.tanh(X) ** 2) * np.eye(N)))(mat(r))),
    "g-2": (P, lambda r: (lambda X: (fd_grad(lambda M: tr(np.exp(M)), X), np.exp(X) * np.eye(N)))(mat(r))),
    "g-3": (P, lambda r: (lambda X: (fd_grad(lambda M: tr(np.sin(M)), X), np.cos(X) * np.eye(N)))(mat(r))),
    "g-4": (P, lambda r: (lambda A, X: (fd_grad(lambda M: tr(A @ np.tanh(M)), X), (1 - np.tanh(X) ** 2) * A.T))(
        mat(r), mat(r))),
    "g-5": (P, g5),
    "k-1": (P, lambda r: (lambda S, X: (-inv(S.T) @ X @ X, -inv(S.T.T.T.T).T @ X @ X))(spd(r), invertible(r))),
    "k-2": (P, k2),
    "k-3": (P, k3),
    "k-4": (P, k4),
    "w-1": (R, lambda r: (lambda p: (np.tanh(-p), np.tanh(p)))(mat(r))),
    "w-2": (R, lambda r: (lambda p, q: (np.exp(p + q), np.exp(p) @ np.exp(q)))(mat(r), mat(r))),
}


if __name__ == "__main__":
    run("entrywise.thm", CHECKS)
