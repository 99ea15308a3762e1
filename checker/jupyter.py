"""IPython magics (`%load_ext checker`): `%matproof IDENTITY` settles one identity and
`%%matproof` a cell of `.thm` text (lets, theorems, use lines); the result renders as LaTeX
in a notebook (`Result._repr_latex_`) and as text in a terminal. IPython is an optional
extra (`pip install 'matproof[jupyter]'`): nothing else imports this module."""
from __future__ import annotations


class Results(list):
    """The results of a cell: shown one under the other."""

    def _repr_latex_(self) -> str:
        return "\n\n".join(r._repr_latex_() for r in self)

    def __repr__(self) -> str:
        return "\n".join(str(r) for r in self)


def matproof(line: str, cell: str | None = None):
    """`%matproof IDENTITY` or `%%matproof` with a cell of theorems; bad input is shown as
    the CLI shows it (a located message), never as a traceback."""
    from .errors import MatproofError
    from .pipeline import prove, prove_text
    try:
        if cell is None:
            return prove(line.strip(), filename="<%matproof>")
        return Results(prove_text(cell, filename="<%%matproof>"))
    except MatproofError as e:
        print(e.render())
        return None


def load(ipython) -> None:
    ipython.register_magic_function(matproof, magic_kind="line_cell", magic_name="matproof")
