"""matproof: prove matrix-calculus identities by rewriting.

The Python API::

    import checker
    r = checker.prove("∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ")
    r.status          # 'proved', 'refuted', 'unknown' or 'error'
    r.counterexample  # for refuted results

Heavy modules (numpy, sympy) are imported only by the functions that use
them, so `import checker` and the CLI start quickly.
"""
__version__ = "0.1.0"


def prove(text: str, **options):
    """Settle the first theorem in `text`; see `checker.prove.prove`."""
    from .prove import prove as _prove
    return _prove(text, **options)


def parse(text: str, filename: str = "<input>"):
    """Parse a file's text into a `Document` of theorems and rules."""
    from .parse import parse_text
    return parse_text(text, filename)


__all__ = ["prove", "parse", "__version__"]
