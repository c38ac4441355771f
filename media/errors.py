"""Typed errors of the media pipeline: a rejection the officer is told about, or a retryable hiccup."""

from __future__ import annotations

from typing import Any

from core.errors import BangtinError


class MediaRejected(BangtinError):
    """The file cannot become board content; `code` is stable, `message` is an English msgid.

    The message goes through i18n (`media.po`) before an officer reads it, with `values` filled in.
    """

    def __init__(self, code: str, message: str, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.code = code
        self.message = message
        self.values = values

    def reason(self, language: str | None = "vi") -> str:
        """The rejection in the officer's language."""
        from i18n import gettext

        return gettext(language, self.message, **self.values)


class TransientMediaError(BangtinError):
    """Worth trying again later (disk full, database busy): the task is retried, nothing is failed."""
