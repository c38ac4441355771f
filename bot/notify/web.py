"""The web lane of delivery: the notification row itself is the officer's /gui inbox entry; where the
deployment has SMTP settings and the officer an e-mail address, a copy goes by e-mail (aiosmtplib)."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from core.notify.delivery import SendResult
from core.settings import Settings
from i18n import gettext

log = logging.getLogger("notify.web")
SMTP_TIMEOUT = 20


class WebInboxSender:
    """`Sender` of the "web" lane: always delivered (to the inbox); the e-mail copy is best effort, noted on the row."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def deliver(self, address: str, message: Any) -> SendResult:
        if "@" not in address or not self.settings.smtp_host:
            return SendResult("ok")
        try:
            await self.send_mail(address, message.text)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            log.warning("notify.email_failed", extra={"error": str(exc)})
            return SendResult(
                "ok", error=f"in the web inbox; the e-mail copy failed: {type(exc).__name__}: {exc}"[:300]
            )
        return SendResult("ok")

    async def send_mail(self, to: str, text: str) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"], mail["To"] = s.smtp_from, to
        mail["Subject"] = gettext(
            s.default_language, "Public information boards: %(line)s", line=text.splitlines()[0][:80]
        )
        mail.set_content(text)
        await aiosmtplib.send(
            mail,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            start_tls=s.smtp_starttls,
            timeout=SMTP_TIMEOUT,
        )

    async def close(self) -> None:
        return None
