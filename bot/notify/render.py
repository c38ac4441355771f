"""What officers and operators hear: one short text per event, in the officer's language, with the code.

Payload values are plain JSON written by the service that raised the event; moments are ISO 8601
strings (UTC) and are shown in the local time zone, days as ISO dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.protocol import Button
from core.notify.delivery import RenderError
from i18n import format_date, format_datetime, gettext, ngettext
from i18n.labels import N_

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TRANSCRIPT_LINES = 3


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    ref_id: int | None = None


@dataclass(frozen=True, slots=True)
class Ctx:
    lang: str
    tz: ZoneInfo
    payload: dict[str, Any]

    def get(self, key: str) -> Any:
        if key not in self.payload or self.payload[key] in (None, ""):
            raise RenderError(f"payload lacks {key!r}")
        return self.payload[key]

    def first(self, *keys: str) -> Any:
        """The first of `keys` the payload has (services name some things differently)."""
        for key in keys:
            if self.payload.get(key) not in (None, ""):
                return self.payload[key]
        raise RenderError(f"payload lacks {keys[0]!r}")

    def moment(self, *keys: str) -> str:
        return format_datetime(datetime.fromisoformat(str(self.first(*keys))), self.lang, self.tz)

    def opt(self, key: str, default: str = "") -> Any:
        value = self.payload.get(key)
        return default if value in (None, "") else value

    def day(self, key: str) -> str:
        return format_date(date.fromisoformat(str(self.get(key))[:10]), self.lang)

    def names(self, key: str) -> str:
        value = self.get(key)
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _received(c: Ctx) -> str:
    return gettext(c.lang, "We received %(code)s. We will tell you when it is checked. Send /status to follow it.",
                   code=c.get("code"))


def _clause(c: Ctx, key: str) -> str:
    """A reason set inside a sentence that goes on after it: its own closing period would make "..".
    (Media refusals and editors' notes are whole sentences, "Tệp bị hỏng và không phát được.")"""
    return str(c.get(key)).rstrip().rstrip(".").rstrip()


def _failed(c: Ctx) -> str:
    return gettext(
        c.lang,
        "%(code)s could not be processed: %(reason)s. Please send the file again, or a shorter "
        "or clearer recording; /status shows the details.",
        code=c.get("code"),
        reason=_clause(c, "reason"),
    )


def _ready(c: Ctx) -> Message:
    lines = [line for line in str(c.opt("transcript")).splitlines() if line.strip()][:TRANSCRIPT_LINES]
    language = c.get("language")
    if lines:
        text = gettext(
            c.lang,
            "%(code)s is ready for the editors. Detected language: %(detected)s. It begins:\n%(lines)s\n"
            "Is the language right?",
            code=c.get("code"),
            detected=language,
            lines="\n".join(lines),
        )
    else:
        text = gettext(
            c.lang,
            "%(code)s is ready for the editors. Detected language: %(detected)s. Is the language right?",
            code=c.get("code"),
            detected=language,
        )
    ref = str(c.opt("submission_id", c.get("code")))
    buttons = ((Button(gettext(c.lang, "Yes, correct"), "language.confirm", ref),
                Button(gettext(c.lang, "No, change it"), "language.correct", ref)),)
    sid = c.payload.get("submission_id")
    return Message(text, buttons, int(sid) if isinstance(sid, int) else None)


def _approved(c: Ctx) -> str:
    if c.payload.get("where"):
        return gettext(c.lang, "%(code)s was approved. Planned on %(where)s from %(when)s.",
                       code=c.get("code"), where=c.names("where"), when=c.moment("start", "valid_from"))
    return gettext(c.lang, "%(code)s was approved. It will air from %(when)s to %(until)s.",
                   code=c.get("code"), when=c.moment("start", "valid_from"), until=c.moment("end", "valid_to"))


def _rejected(c: Ctx) -> str:
    return gettext(
        c.lang, "%(code)s was not approved. The editor's reason: %(reason)s", code=c.get("code"), reason=c.get("reason")
    )


def _changes(c: Ctx) -> str:
    return gettext(
        c.lang,
        "%(code)s needs changes before it can air. The editor asks: %(reason)s. Send a corrected version.",
        code=c.get("code"),
        reason=_clause(c, "reason"),
    )


def _first_aired(c: Ctx) -> str:
    return gettext(
        c.lang,
        "%(code)s aired for the first time on %(board)s at %(when)s.",
        code=c.first("code", "title"),
        board=c.first("board_name", "board"),
        when=c.moment("at", "started_at"),
    )


def _weekly(c: Ctx) -> str:
    items = c.payload.get("items") or []
    head = gettext(c.lang, "Airing from %(start)s to %(end)s:", start=c.day("week_start"), end=c.day("week_end"))
    if not items:
        return head + "\n" + gettext(c.lang, "None of your items aired this week.")
    lines = [ngettext(c.lang, "%(code)s: aired %(n)d time", "%(code)s: aired %(n)d times", int(item.get("plays", 0)),
                      code=item.get("code") or "?") for item in items[:20]]
    return "\n".join([head, *lines])


def _emergency_started(c: Ctx) -> str:
    return gettext(c.lang, "EMERGENCY broadcast started on %(clusters)s at %(when)s: %(title)s",
                   clusters=c.names("clusters"), when=c.moment("at", "started_at"), title=c.get("title"))


def _emergency_ended(c: Ctx) -> str:
    return gettext(c.lang, "Emergency broadcast ended on %(clusters)s at %(when)s: %(title)s",
                   clusters=c.names("clusters"), when=c.moment("at", "ended_at"), title=c.get("title"))


def _alert_issued(c: Ctx) -> str:
    until = c.moment("expires") if c.opt("expires") else "-"
    return gettext(c.lang, "WARNING for %(areas)s: %(title)s (%(severity)s, until %(until)s)",
                   areas=c.names("areas"), title=c.first("title", "event"), severity=c.opt("severity", "?"),
                   until=until)


def _translation_requested(c: Ctx) -> str:
    return gettext(c.lang, "Please translate %(code)s into %(target)s. Note: %(note)s",
                   code=c.get("code"), target=c.get("language"), note=c.opt("note", "-"))


def _translation_completed(c: Ctx) -> str:
    return gettext(
        c.lang, "The %(target)s translation of %(code)s is ready.", code=c.get("code"), target=c.get("language")
    )


def _emergency_unconfirmed(c: Ctx) -> str:
    return gettext(c.lang, "URGENT: board %(board)s (%(cluster)s) has not confirmed the emergency broadcast started at "
                           "%(when)s. Please check the screen.", board=c.first("board_name", "board"),
                   cluster=c.opt("cluster", "-"), when=c.moment("since", "started_at"))


def _submission_emergency(c: Ctx) -> str:
    return gettext(c.lang, "Emergency submission %(code)s from %(unit)s needs review now: %(title)s",
                   code=c.get("code"), unit=c.opt("unit", "?"), title=c.opt("title", "-"))


def _board_offline(c: Ctx) -> str:
    return gettext(
        c.lang,
        "Board %(board)s (%(cluster)s) stopped reporting at %(when)s. Please check its power and network.",
        board=c.first("board_name", "board"),
        cluster=c.opt("cluster", "-"),
        when=c.moment("since", "last_seen_at"),
    )


def _board_online(c: Ctx) -> str:
    return gettext(c.lang, "Board %(board)s (%(cluster)s) is back online since %(when)s.",
                   board=c.first("board_name", "board"), cluster=c.opt("cluster", "-"), when=c.moment("at", "back_at"))


INCIDENT_KINDS = {"technical": N_("technical"), "security": N_("security")}  # the words of the incidents page


def _incident_reported(c: Ctx) -> str:
    where = " · ".join(str(v) for v in (c.opt("board_name") or c.opt("board"), c.opt("cluster_name") or
                                        c.opt("cluster"), c.opt("place")) if v) or "-"
    kind = INCIDENT_KINDS.get(str(c.get("kind")), INCIDENT_KINDS["technical"])
    return gettext(c.lang, "Incident %(number)s (%(kind)s) at %(where)s: %(title)s. Reported by %(reporter)s. Please "
                           "acknowledge it by %(due)s on the Incidents page.",
                   number=c.get("number"), kind=gettext(c.lang, kind), where=where, title=c.get("title"),
                   reporter=c.opt("reporter", "-"), due=c.moment("ack_due_at"))


def _incident_escalated(c: Ctx) -> str:
    return gettext(c.lang, "Incident %(number)s (%(title)s) was not acknowledged in time and is escalated to your "
                           "unit. Please handle it on the Incidents page.", number=c.get("number"),
                   title=c.get("title"))


def _reminder(c: Ctx) -> str:
    days = int(c.get("days"))
    values = {"rule": c.get("rule"), "due": c.day("due_on"), "unit": c.get("unit")}
    if days < 0:
        return ngettext(c.lang, "Reminder: %(unit)s must complete \"%(rule)s\" by %(due)s (in %(n)d day).",
                        "Reminder: %(unit)s must complete \"%(rule)s\" by %(due)s (in %(n)d days).", -days, **values)
    if days == 0:
        return gettext(c.lang, "Reminder: today (%(due)s) is the deadline for %(unit)s: \"%(rule)s\".", **values)
    return ngettext(c.lang, "Overdue: %(unit)s has not yet completed \"%(rule)s\", due %(due)s (%(n)d day late). "
                            "Please send it now.",
                    "Overdue: %(unit)s has not yet completed \"%(rule)s\", due %(due)s (%(n)d days late). "
                    "Please send it now.", days, **values)


def _escalation(c: Ctx) -> str:
    return gettext(c.lang, "Overdue: %(unit)s has not completed \"%(rule)s\" due %(due)s. Its officers were reminded.",
                   unit=c.get("unit"), rule=c.get("rule"), due=c.day("due_on"))


def _account_idle(c: Ctx) -> str:
    return gettext(c.lang, "Your bangtin web account was turned off after %(n)s days without a login "
                           "(a security rule). "
                           "Ask an administrator of your unit to turn it on again.", n=c.get("days"))


RENDERERS: dict[str, Callable[[Ctx], str | Message]] = {
    "submission.received": _received,
    "submission.failed": _failed,
    "submission.ready": _ready,
    "submission.emergency": _submission_emergency,
    "review.approved": _approved,
    "review.rejected": _rejected,
    "review.changes_requested": _changes,
    "play.first": _first_aired,
    "airing.weekly": _weekly,
    "emergency.started": _emergency_started,
    "emergency.ended": _emergency_ended,
    "emergency.unconfirmed": _emergency_unconfirmed,
    "alert.issued": _alert_issued,
    "board.offline": _board_offline,
    "board.online": _board_online,
    "incident.reported": _incident_reported,
    "incident.escalated": _incident_escalated,
    "translation.requested": _translation_requested,
    "translation.completed": _translation_completed,
    "reminder.due": _reminder,
    "obligation.overdue": _escalation,
    "account.disabled_idle": _account_idle,
}
EVENTS = frozenset(RENDERERS)


def render(event: str, payload: dict[str, Any], language: str, *, tz: ZoneInfo = DEFAULT_TZ) -> Message:
    """The message for one outbox row; RenderError for an unknown event or a payload missing a key."""
    build = RENDERERS.get(event)
    if build is None:
        raise RenderError(f"no text for event {event!r}")
    try:
        out = build(Ctx(language, tz, payload or {}))
    except (ValueError, TypeError) as exc:
        raise RenderError(f"{event}: {exc}") from exc
    return out if isinstance(out, Message) else Message(out)
