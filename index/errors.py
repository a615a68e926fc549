"""Errors with one-line messages that name the input or setting and the fix."""


class NewsqaError(Exception):
    """Base of every expected failure; its message is shown without a traceback."""


class InputError(NewsqaError):
    """A file, line or field that cannot be read."""


class ConfigError(NewsqaError):
    """A setting that is missing, malformed or inconsistent."""


class StoreError(NewsqaError):
    """The vector store cannot be reached or holds something unexpected."""


def check_choice(variable: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raise ConfigError unless `value` is one of `allowed`, naming the variable and the choices."""
    if value not in allowed:
        raise ConfigError(f"{variable}={value!r} is not one of {', '.join(allowed)}")
