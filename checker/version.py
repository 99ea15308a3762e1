"""matproof's version: a module of its own, so that a module deep in the package (the
compiled-rule cache key) can read it without importing the package's API above it."""
__version__ = "0.1.0"
