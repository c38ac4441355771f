"""A form error whose English message has placeholders, translated and filled at the edge."""

from __future__ import annotations

from core.errors import Invalid


class FieldInvalid(Invalid):
    """`message` is an English catalog id with `%(name)s` placeholders filled from `values`."""

    def __init__(self, message: str, *, field: str, **values: object) -> None:
        super().__init__(message, field=field)
        self.values = values

    def __str__(self) -> str:
        return str(self.args[0]) % self.values if self.values else str(self.args[0])
