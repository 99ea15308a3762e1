"""Reference numeric check of laws.thm (numpy only), independent of matproof: run
`python3 check_laws.py`. Each entry: name -> (expect, function(rng) -> (lhs, rhs)).
Gradients by central differences; a differential d F(X) in the direction dX by central
differences of F."""
import numpy as np

from refcheck import H, P, R, fd_dir, fd_grad, invertible, mat, run, spd, vec

inv, tr, det, mp = np.linalg.inv, np.trace, np.linalg.det, np.linalg.matrix_power
N, M = 4, 3
D = np.diagflat          # diag of a vector


def dpow(k):
    """d(X^k) at X in the direction dX, against the written-out sum the theorem claims."""
    def check(r):
        X, dX = invertible(r), mat(r)
        return fd_dir(lambda Z: mp(Z, k), X, dX), dX, X
    return check


def p2(r):
    actual, dX, X = dpow(3)(r)
    return actual, dX @ X @ X + X @ dX @ X + X @ X @ dX


def p3(r):
    actual, dX, X = dpow(-2)(r)
    Xi = inv(X)
    return actual, -Xi @ dX @ Xi @ Xi - Xi @ Xi @ dX @ Xi


def p5(r):
    a, da = r.standard_normal(), r.standard_normal()
    return fd_dir(lambda t: t ** 4, a, da), 4 * a ** 3 * da


def wp1(r):
    actual, dX, X = dpow(2)(r)
    return actual, 2 * X @ dX


def I(n):
    return np.eye(n)


def lam(r):
    return abs(r.standard_normal()) + 0.5


def i3(r):
    A, u, v = invertible(r), vec(r), vec(r)
    Ai = inv(A)
    return inv(A + u @ v.T), Ai - Ai @ u @ v.T @ Ai / (1 + v.T @ Ai @ u)


def i10(r):
    A, U, C, V = invertible(r), mat(r, N, 2), invertible(r, 2), mat(r, 2, N)
    Ai = inv(A)
    return inv(A + U @ C @ V), Ai - Ai @ U @ inv(inv(C) + V @ Ai @ U) @ V @ Ai


CHECKS = {
    "p-1": (P, lambda r: (lambda X: (fd_grad(lambda Z: tr(mp(Z, 3)), X), 3 * mp(X, 2).T))(invertible(r))),
    "p-2": (P, p2),
    "p-3": (P, p3),
    "p-4": (P, lambda r: (lambda A, X: (fd_grad(lambda Z: tr(A @ Z @ Z), X), (X @ A + A @ X).T))(mat(r), invertible(r))),
    "p-5": (P, p5),
    "p-6": (P, lambda r: (lambda X: (det(mp(X, 3)), det(X) ** 3))(invertible(r))),
    "p-7": (P, lambda r: (lambda A, X: (fd_grad(lambda Z: tr(mp(Z, 4) @ A), X),
                                        (A @ mp(X, 3) + X @ A @ mp(X, 2) + mp(X, 2) @ A @ X + mp(X, 3) @ A).T))(
        mat(r), invertible(r))),
    "w-p1": (R, wp1),
    "w-p2": (R, lambda r: (lambda X: (fd_grad(lambda Z: tr(mp(Z, 3)), X), 3 * mp(X, 2)))(invertible(r))),
    "h-1": (P, lambda r: (lambda c, Y, b: (D(c) @ Y @ D(b), (c @ b.T) * Y))(vec(r, M), mat(r, M, N), vec(r))),
    "h-2": (P, lambda r: (lambda a, b: (D(a * b), D(a) @ D(b)))(vec(r), vec(r))),
    "h-3": (P, lambda r: (lambda a, b: (D(a).T @ b, a * b))(vec(r), vec(r))),
    "h-4": (P, lambda r: (lambda c, Y, Z, b: (c.T @ (Y * Z) @ b, tr(D(c) @ Y @ D(b) @ Z.T)))(
        vec(r, M), mat(r, M, N), mat(r, M, N), vec(r))),
    "h-5": (P, lambda r: (lambda a, b: (tr(D(a) @ D(b)), a.T @ b))(vec(r), vec(r))),
    "h-6": (P, lambda r: (lambda a, b: (D(a) @ D(b), D(b) @ D(a)))(vec(r), vec(r))),
    "h-7": (P, lambda r: (lambda a: (tr(D(a)), a.sum()))(vec(r))),
    "h-8": (P, lambda r: (lambda a: (np.diag(D(a)).reshape(-1, 1), a))(vec(r))),
    "w-h1": (R, lambda r: (lambda a, B, b: (D(a) @ B @ D(b), (b @ a.T) * B))(vec(r), mat(r), vec(r))),
    "w-h2": (R, lambda r: (lambda a, B: (D(a) @ B, B @ D(a)))(vec(r), mat(r))),
    "w-h3": (R, lambda r: (lambda a, b: (D(a * b), D(a) + D(b)))(vec(r), vec(r))),
    "i-1": (P, lambda r: (lambda G, l: (inv(G.T @ G + l * I(N)) @ G.T, G.T @ inv(G @ G.T + l * I(M))))(
        mat(r, M, N), lam(r))),
    "i-2": (P, lambda r: (lambda A, B: (inv(I(N) + A @ B) @ A, A @ inv(I(N) + B @ A)))(mat(r), mat(r))),
    "i-3": (P, i3),
    "i-4": (P, lambda r: (lambda A: (inv(I(N) + A), I(N) - inv(I(N) + A) @ A))(mat(r))),
    "i-5": (P, lambda r: (lambda A, B: (inv(A + B) @ (A + B), I(N)))(mat(r), mat(r))),
    "w-i1": (R, lambda r: (lambda G, l: (inv(G.T @ G + l * I(N)) @ G.T, inv(G.T @ G + l * I(N)) @ G.T @ G @ G.T))(
        mat(r, M, N), lam(r))),
    "w-i2": (R, lambda r: (lambda A, u, v: (inv(A + u @ v.T), inv(A) + inv(A) @ u @ v.T @ inv(A) / (1 + v.T @ inv(A) @ u)))(
        invertible(r), vec(r), vec(r))),
    "k-1": (P, lambda r: (lambda A, Q: (det(np.kron(A, Q)), det(A) ** M * det(Q) ** N))(mat(r), mat(r, M, M))),
    "w-k1": (R, lambda r: (lambda A, Q: (det(np.kron(A, Q)), det(A) ** N * det(Q) ** M))(mat(r), mat(r, M, M))),
    "k-2": (P, lambda r: (lambda w, z: (np.kron(I(N), w) @ z, np.kron(z, w)))(vec(r, M), vec(r))),
    "k-3": (P, lambda r: (lambda w, z: (jac(lambda t: vecm(w @ t.T), z), np.kron(I(N), w)))(vec(r, M), vec(r))),
    "k-4": (P, lambda r: (lambda z: (jac(lambda t: vecm(t @ t.T), z), np.kron(z, I(N)) + np.kron(I(N), z)))(vec(r))),
    "w-k2": (R, lambda r: (lambda w, z: (np.kron(I(N), w) @ z, np.kron(w, z)))(vec(r, M), vec(r))),
    "r-1": (P, lambda r: (lambda y: (y / y, np.ones_like(y)))(vec(r))),
    "r-2": (P, lambda r: (lambda y: (np.exp(-np.log(y)) * y, np.ones_like(y)))(pos(r))),
    "r-3": (P, lambda r: (lambda y, dy: (fd_dir(lambda u: 1 / u, y, dy), -(1 / y) * (1 / y) * dy))(vec(r), vec(r))),
    "r-4": (P, lambda r: (lambda a, b: (inv(D(a)) @ b, b / a))(vec(r), vec(r))),
    "r-5": (P, lambda r: (lambda y, dy: (fd_dir(np.log, y, dy), inv(D(y)) @ dy))(pos(r), vec(r))),
    "r-6": (P, lambda r: (lambda A: (fd_grad(lambda Z: np.log(Z).sum(), A), 1 / A))(pos(r, N))),
    "s-1": (P, lambda r: (lambda t: (softmax(t), np.exp(t) / (np.ones((N, N)) @ np.exp(t))))(vec(r))),
    "s-2": (P, lambda r: (lambda t: (lse(t), np.log(np.exp(t).sum())))(vec(r))),
    "s-3": (P, lambda r: (lambda t: (fd_grad(lse, t), softmax(t)))(vec(r))),
    "s-4": (P, lambda r: (lambda t, y: (fd_grad(lambda u: lse(u) - (y.T @ u).item(), t), softmax(t) - y))(
        vec(r), vec(r))),
    "w-r1": (R, lambda r: (lambda a, b: (a / b, b / a))(vec(r), vec(r))),
    "w-s1": (R, lambda r: (lambda t: (fd_grad(lse, t), np.exp(t)))(vec(r))),
    "w-s2": (R, lambda r: (lambda t, dt: (fd_dir(softmax, t, dt), softmax(t) * dt))(vec(r), vec(r))),
    "w-s3": (R, lambda r: (lambda t, y: (fd_grad(lambda u: -(y.T @ np.log(softmax(u))).item(), t),
                                         softmax(t) - y))(vec(r), vec(r))),
    "q-1": (P, lambda r: (lambda X: (fd_grad(lambda Z: tr(Z @ Z), X), 2 * X.T))(invertible(r))),
    "q-2": (P, lambda r: (lambda X: (fd_grad(lambda Z: tr(mp(Z, 4)), X), 4 * mp(X, 3).T))(invertible(r))),
    "q-3": (P, lambda r: (lambda X, a, b: (fd_grad(lambda Z: (a.T @ Z @ Z @ b).item(), X),
                                           a @ b.T @ X.T + X.T @ a @ b.T))(invertible(r), vec(r), vec(r))),
    "q-4": (P, lambda r: (lambda X: (fd_grad(lambda Z: det(Z @ Z), X), 2 * det(X) ** 2 * inv(X).T))(invertible(r))),
    "q-5": (P, lambda r: (lambda X: (fd_grad(lambda Z: tr(inv(Z)), X), -mp(inv(X), 2).T))(invertible(r))),
    "q-6": (P, lambda r: (lambda A, X: (fd_grad(lambda Z: tr(A @ mp(Z, 3)), X),
                                        (A @ X @ X + X @ A @ X + X @ X @ A).T))(mat(r), invertible(r))),
    "h-9": (P, lambda r: (lambda a, b, y: ((a * b).T @ y, a.T @ D(b) @ y))(vec(r), vec(r), vec(r))),
    "h-10": (P, lambda r: (lambda a, b: (D(a) @ b, D(b) @ a))(vec(r), vec(r))),
    "h-11": (P, lambda r: (lambda a, b: (np.ones((1, N)) @ (a * b), a.T @ b))(vec(r), vec(r))),
    "h-12": (P, lambda r: (lambda a, b: (D(a) @ D(b) @ np.ones((N, 1)), a * b))(vec(r), vec(r))),
    "i-6": (P, lambda r: (lambda A, B: (inv(A + B), inv(A) - inv(A) @ B @ inv(A + B)))(invertible(r), invertible(r))),
    "i-7": (P, lambda r: (lambda A, B: (inv(A + B), inv(B) - inv(A + B) @ A @ inv(B)))(invertible(r), invertible(r))),
    "i-8": (P, lambda r: (lambda A: (inv(I(N) + A) @ A, A @ inv(I(N) + A)))(mat(r))),
    "i-9": (P, lambda r: (lambda G, l: (inv(G.T @ G + l * I(N)) @ G.T @ G, I(N) - l * inv(G.T @ G + l * I(N))))(
        mat(r, M, N), lam(r))),
    "s-5": (P, lambda r: (lambda t: (np.ones((1, N)) @ softmax(t), 1.0))(vec(r))),
    "s-6": (P, lambda r: (lambda t, dt: (fd_dir(lse, t, dt), (softmax(t).T @ dt).item()))(vec(r), vec(r))),
    "s-7": (P, lambda r: (lambda A, a: (fd_grad(lambda u: lse(A @ u), a), A.T @ softmax(A @ a)))(mat(r), vec(r))),
    "s-8": (P, lambda r: (lambda t: (softmax(t) * (1 / softmax(t)), np.ones((N, 1))))(vec(r))),
    "r-7": (P, lambda r: (lambda a, b, da, db: (fd_dir(lambda u: u[:N] / u[N:], np.vstack([a, b]), np.vstack([da, db])),
                                                da / b - a * db / b / b))(vec(r), vec(r), vec(r), vec(r))),
    "r-8": (P, lambda r: (lambda a, t: (fd_grad(lambda u: (a / u).sum(), t), -a / t / t))(vec(r), pos(r))),
    "r-9": (P, lambda r: (lambda a: (np.log(1 / a), -np.log(a)))(pos(r))),
    "r-10": (P, lambda r: (lambda a, b: ((a / b).T, a.T / b.T))(vec(r), vec(r))),
    "w-q1": (R, lambda r: (lambda X: (fd_grad(lambda Z: tr(Z @ Z), X), 2 * X))(invertible(r))),
    "w-i3": (R, lambda r: (lambda A, B: (inv(A + B), inv(A) + inv(B)))(invertible(r), invertible(r))),
    "w-s4": (R, lambda r: (lambda A, a: (fd_grad(lambda u: lse(A @ u), a), softmax(A @ a)))(mat(r), vec(r))),
    "w-k3": (R, lambda r: (lambda A: (det(np.kron(A, I(M))), det(A) ** N))(mat(r))),
    "i-10": (P, i10),
    "i-11": (P, lambda r: (lambda A, u, v: (det(A + u @ v.T), (1 + v.T @ inv(A) @ u).item() * det(A)))(
        invertible(r), vec(r), vec(r))),
    "c-1": (P, lambda r: (lambda A: (K(M, N) @ vecm(A), vecm(A.T)))(mat(r, M, N))),
    "c-2": (P, lambda r: (K(M, N).T, K(N, M))),
    "c-3": (P, lambda r: (inv(K(M, N)), K(N, M))),
    "c-4": (P, lambda r: (lambda A, B: (K(5, M) @ np.kron(A, B) @ K(N, 2), np.kron(B, A)))(mat(r, M, N), mat(r, 5, 2))),
    "c-5": (P, lambda r: (lambda X: (jac(lambda v: vecm(v.reshape(M, N, order="F").T), vecm(X)), K(M, N)))(
        mat(r, M, N))),
    "c-6": (P, lambda r: (lambda S: (hess_vec(lambda Z: tr(Z @ Z), S), 2 * K(N, N)))(mat(r))),
    "w-c1": (R, lambda r: (lambda X: (jac(lambda v: vecm(v.reshape(M, N, order="F").T), vecm(X)), K(N, M)))(
        mat(r, M, N))),
    "w-c2": (R, lambda r: (lambda A: (K(M, N) @ vecm(A), vecm(A)))(mat(r, M, N))),
    "g-1": (P, lambda r: (lambda a, t: (fd_grad(lambda u: (a.T @ u).item() ** (1 / 3), t),
                                        (a.T @ t).item() ** (-2 / 3) / 3 * a))(pos(r), pos(r))),
    "g-2": (P, lambda r: (lambda a, da: (fd_dir(lambda u: u ** (2 / 3), a, da), 2 / 3 * a ** (-1 / 3) * da))(
        abs(r.standard_normal()) + 0.5, r.standard_normal())),
    "g-3": (P, lambda r: (lambda t: (((t.T @ t).item() ** 2) ** 0.5, (t.T @ t).item()))(vec(r))),
    "g-4": (P, lambda r: (lambda A, t: (fd_grad(lambda u: (u.T @ A @ u).item() ** 0.25, t),
                                        0.25 * (t.T @ A @ t).item() ** (-0.75) * (A + A.T) @ t))(spd(r), vec(r))),
    "w-g1": (R, lambda r: (lambda a, t: (((a.T @ t).item() ** 2) ** 0.5, (a.T @ t).item()))(vec(r), vec(r))),
    "w-g2": (R, lambda r: (lambda a, da: (fd_dir(lambda u: u ** (2 / 3), a, da), 2 / 3 * a ** (-2 / 3) * da))(
        abs(r.standard_normal()) + 2.5, 1.0)),
    "h-13": (P, lambda r: (lambda a, A, b: (fd_grad(lambda Z: (a.T @ np.tanh(Z) @ b).item(), A),
                                            D(a) @ (1 - np.tanh(A) ** 2) @ D(b)))(vec(r), mat(r), vec(r))),
    "h-14": (P, lambda r: (lambda a, A, b: (fd_grad(lambda Z: (a.T @ np.exp(Z) @ b).item(), A),
                                            D(a) @ np.exp(A) @ D(b)))(vec(r), mat(r), vec(r))),
    "h-15": (P, lambda r: (lambda A, B, t: (jac(lambda u: B @ np.tanh(A @ u), t).T,
                                            A.T @ D(1 - np.tanh(A @ t) ** 2) @ B.T))(mat(r), mat(r), vec(r))),
    "i-12": (P, lambda r: (lambda S, b, t: ((t.T @ S @ t + 2 * b.T @ t).item(),
                                            ((t + inv(S) @ b).T @ S @ (t + inv(S) @ b) - b.T @ inv(S) @ b).item()))(
        spd(r), vec(r), vec(r))),
    "w-h4": (R, lambda r: (lambda A, B, t: (jac(lambda u: B @ np.tanh(A @ u), t).T,
                                            D(1 - np.tanh(A @ t) ** 2) @ A.T @ B.T))(mat(r), mat(r), vec(r))),
    "s-9": (P, lambda r: (lambda X, W: (fd_grad(lambda V: np.log(np.exp(X @ V).sum(axis=1)).sum(), W),
                                        X.T @ (np.exp(X @ W) / (np.exp(X @ W) @ np.ones((M, 1)) @ np.ones((1, M))))))(
        mat(r, 5, N), mat(r, N, M))),
    "i-13": (P, lambda r: (lambda G: (inv(G.T @ G) @ G.T @ G, I(N)))(mat(r, 6, N))),
    "i-14": (P, lambda r: (lambda G: (G @ inv(G.T @ G) @ G.T @ G, G))(mat(r, 6, N))),
    "w-i4": (R, lambda r: (lambda G: (G @ inv(G.T @ G) @ G.T, I(6)))(mat(r, 6, N))),
    "r-11": (P, lambda r: (lambda t, dt: (fd_dir(lambda u: np.log(1 / (1 + np.exp(-u))), t, dt),
                                          (1 - 1 / (1 + np.exp(-t))) * dt))(vec(r), vec(r))),
    "r-12": (P, lambda r: (lambda t: ((1 - t) / (1 - t), np.ones_like(t)))(vec(r))),
    "s-10": (P, lambda r: (lambda X, y, w: (fd_grad(lambda u: ce(X, y, u), w), X.T @ (sig(X @ w) - y)))(
        mat(r, 5, N), (r.random((5, 1)) < 0.5).astype(float), vec(r))),
    "h-16": (P, lambda r: (lambda a, b: (np.ones((1, N)) @ (a * b), a.T @ b))(vec(r), vec(r))),
}


def sig(z):
    return 1 / (1 + np.exp(-z))


def ce(X, y, w):
    p = sig(X @ w)
    return (-(y.T @ np.log(p)) - ((1 - y).T @ np.log(1 - p))).item()


def K(m, n):
    """The commutation matrix: K vec(A) = vec(Aᵀ) for an m×n A, built from that property."""
    out = np.zeros((m * n, m * n))
    for j in range(m * n):
        e = np.zeros((m * n, 1))
        e[j] = 1
        out[:, j] = vecm(e.reshape(m, n, order="F").T)[:, 0]
    return out


def hess_vec(f, X):
    """∂²f/∂vec(X)∂vec(X)ᵀ by central differences of central differences."""
    n = X.size
    h = 1e-4
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            g = lambda a, b: f(X + (a + b).reshape(X.shape, order="F"))   # noqa: E731
            out[i, j] = (g(ei, ej) - g(ei, -ej) - g(-ei, ej) + g(-ei, -ej)) / (4 * h * h)
    return out


def pos(r, m=1):
    """Positive entries: a column (m = 1) or an N×m matrix."""
    return np.abs(r.standard_normal((N, m))) + 0.5


def softmax(t):
    w = np.exp(t - t.max())
    return w / w.sum()


def lse(t):
    return float(np.log(np.exp(t).sum()))


def vecm(X):
    return X.reshape(-1, 1, order="F")


def jac(f, x):
    """∂f/∂xᵀ of a vector function of a vector, by central differences (column j: ∂f/∂xⱼ)."""
    cols = []
    for j in range(x.shape[0]):
        e = np.zeros_like(x)
        e[j] = H
        cols.append(((f(x + e) - f(x - e)) / (2 * H))[:, 0])
    return np.stack(cols, axis=1)


if __name__ == "__main__":
    run("laws.thm", CHECKS)
