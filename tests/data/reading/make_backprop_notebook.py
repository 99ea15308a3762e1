"""Writes backprop.ipynb (a notebook as a data scientist would keep it) with nbformat, so that
the notebook under test is reviewed as text. Run it after editing the cells."""
import nbformat
from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell

cells = []
md = lambda s: cells.append(new_markdown_cell(s))
code = lambda s: cells.append(new_code_cell(s))

md(r"""# Backprop for a two-layer network, by hand

I keep getting the shapes wrong in my backward pass, so this notebook derives every gradient
with differentials and then checks it against finite differences.

Setup: input $x \in \mathbb{R}^{d}$, hidden width $h$, $k$ classes.

$$
\newcommand{\vect}[1]{\boldsymbol{#1}}
\newcommand{\softmax}{\operatorname{softmax}}
\newcommand{\lse}{\operatorname{logsumexp}}
$$

<!-- matproof: let W_1: h×d -->
<!-- matproof: let W_2: k×h -->
<!-- matproof: let x: d -->""")

code("""import numpy as np
rng = np.random.default_rng(0)
d, h, k = 5, 4, 3
W1, W2 = rng.normal(size=(h, d)), rng.normal(size=(k, h))
x, y = rng.normal(size=d), np.eye(k)[1]""")

md(r"""## Forward pass

The network is
$a = W_1 x$, $z = \tanh(a)$, $o = W_2 z$, and the loss is the softmax cross-entropy
$L(o) = \lse(o) - y^\top o$ with a one-hot $y$.

Useful facts about the pieces:

$$\lse(o) = \log(\mathbf{1}^\top e^{o}), \qquad \softmax(o) = \frac{e^{o}}{\mathbf{1}^\top e^{o}}$$

$$ \mathbf{1}^\top \softmax(o) = 1 $$""")

code("""a = W1 @ x; z = np.tanh(a); o = W2 @ z
L = np.log(np.exp(o).sum()) - y @ o""")

md(r"""## Backward pass

Output layer first. Since $\nabla_o \lse(o) = \softmax(o)$,

$$\nabla_{o} L = \softmax(o) - y .$$

<!-- matproof: let o: k -->
<!-- matproof: let \delta_2: k -->

Write $\delta_2 = \softmax(o) - y$. The differential of the loss through $o = W_2 z$ is

$$\mathrm{d}L = \delta_2^\top \,\mathrm{d}o = \delta_2^\top (\mathrm{d}W_2)\, z + \delta_2^\top W_2\, \mathrm{d}z$$

and reading off the gradients:

\begin{align}
\frac{\partial}{\partial W_2}\, \delta_2^\top W_2 z &= \delta_2 z^\top \\
\nabla_z\, \delta_2^\top W_2 z &= W_2^\top \delta_2
\end{align}

The hidden layer: $\mathrm{d}z = (\mathbf{1} - z \circ z) \circ \mathrm{d}a$ because
$\tanh' = 1 - \tanh^2$. So

$$\nabla_{a}\, g^\top \tanh(a) = (\mathbf{1} - \tanh(a)\circ\tanh(a)) \circ g = g - \tanh^2(a)$$

<!-- matproof: let a: h -->
<!-- matproof: let g: h -->

and with $a = W_1 x$,

$$\frac{\partial}{\partial W_1}\, g^\top \tanh(W_1 x) = \left(g \circ (\mathbf{1} - \tanh^2(W_1 x))\right) x^\top$$

$$\nabla_{x}\, g^\top \tanh(W_1 x) = W_1 \left(g \circ (\mathbf{1} - \tanh^2(W_1 x))\right)$$""")

code("""delta2 = np.exp(o) / np.exp(o).sum() - y
gW2 = np.outer(delta2, z)
g = W2.T @ delta2
gW1 = np.outer(g * (1 - z**2), x)""")

md(r"""## Weight decay

Adding $\frac{\lambda}{2}\left(\|W_1\|_F^2 + \|W_2\|_F^2\right)$ to the loss adds $\lambda W_i$ to each gradient:

<!-- matproof: let \lambda: scalar -->

$$\frac{\partial}{\partial W_1} \frac{\lambda}{2}\|W_1\|_F^2 = \lambda W_1, \qquad
\frac{\partial}{\partial W_2} \frac{\lambda}{2}\operatorname{tr}(W_2^\top W_2) = 2\lambda W_2$$

The Frobenius norm and the trace agree:

$$\|W_1\|_F^2 = \operatorname{tr}(W_1^\top W_1) = \operatorname{tr}(W_1 W_1^\top) = \sum_{i,j} (W_1)_{ij}^2$$""")

md(r"""## Sanity checks on the algebra

A few identities I used while simplifying the code (vectorised form of the batch version):

$$ (W_2 W_1)^\top = W_1^\top W_2^\top $$

$$ \operatorname{vec}(\delta_2 z^\top) = z \otimes \delta_2 $$

$$ \delta_2^\top W_2 z = \operatorname{tr}(W_2 z \delta_2^\top) = z^\top W_2^\top \delta_2 $$

$$ (\mathbf{1} - z\circ z)\circ g = g - z \circ z \circ g $$

$$ \operatorname{diag}(z)\, g = z \circ g $$

$$ \operatorname{diag}(z)^2 = \operatorname{diag}(z \circ z) $$

$$ \|W_1 x\|^2 = x^\top W_1^\top W_1 x $$

$$ \sigma(-o) = \mathbf{1} - \sigma(o) $$

and for the batch version with inputs stacked as the columns of $X$,

<!-- matproof: let X: d×N -->
<!-- matproof: let G: h×N -->

$$ \frac{\partial}{\partial W_1} \operatorname{tr}(G^\top W_1 X) = G X^\top $$

$$ \nabla_{W_1} \tfrac12 \| W_1 X - G \|_F^2 = (W_1 X - G) X^\top $$""")

code("""# finite-difference check
eps = 1e-6
num = np.zeros_like(W1)
for i in range(h):
    for j in range(d):
        E = np.zeros_like(W1); E[i, j] = eps
        Lp = np.log(np.exp(W2 @ np.tanh((W1 + E) @ x)).sum()) - y @ (W2 @ np.tanh((W1 + E) @ x))
        num[i, j] = (Lp - L) / eps
print(np.abs(num - gW1).max())""")

nb = new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(nb, str(__import__("pathlib").Path(__file__).with_name("backprop.ipynb")))
