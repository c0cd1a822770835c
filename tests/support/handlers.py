"""Loads a function's `app.py` the way Lambda does (local/handlers.py), once per session and name."""

from functools import cache

from local.handlers import FUNCTIONS, Context, load_handler_module

load_function = cache(load_handler_module)

__all__ = ["FUNCTIONS", "Context", "load_function"]
