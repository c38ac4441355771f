"""Typed errors raised by `core`; each edge (CLI, web, bot, task) turns them into one answer."""


class BangtinError(Exception):
    """Base of every error the system raises on purpose."""


class ConfigError(BangtinError):
    """A setting is missing or wrong; the message names the variable."""


class NotFound(BangtinError):
    """The object does not exist, or the caller may not know that it does."""


class Invalid(BangtinError):
    """Input that breaks a rule; the message says which field and why."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AlreadyRunning(BangtinError):
    """Another process holds the lock this one needs."""


class FieldInvalid(Invalid):
    """`message` is an English catalog id with `%(name)s` placeholders filled from `values`."""

    def __init__(self, message: str, *, field: str, **values: object) -> None:
        super().__init__(message, field=field)
        self.values = values

    def __str__(self) -> str:
        return str(self.args[0]) % self.values if self.values else str(self.args[0])
