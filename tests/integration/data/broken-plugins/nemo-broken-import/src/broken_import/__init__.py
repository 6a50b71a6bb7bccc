"""Fails at import: a dependency that is not installed."""

import a_module_that_is_not_installed  # noqa: F401
