"""Numeric semantics: evaluation, random instances, and the numeric test of claims.

numpy is imported here and only here (and by the modules below), so the CLI
stays light until a command actually evaluates something.
"""
from .evaluate import Domain, Env, Unsupported, evaluate
from .instances import draw_instance
from .test import NumericResult, numeric_test

__all__ = ["Domain", "Env", "Unsupported", "evaluate", "draw_instance", "NumericResult",
           "numeric_test"]
