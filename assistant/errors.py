"""The errors newsqa raises for expected failures (re-exported from the index layer)."""

from index.errors import ConfigError, InputError, NewsqaError, StoreError

__all__ = ["ConfigError", "InputError", "NewsqaError", "StoreError"]
