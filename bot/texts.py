"""Every sentence and keyboard the intake conversation shows, through i18n (Vietnamese first)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import i18n
from bot.protocol import Button, Reply
from core.airing.models import Cluster
from core.intake.models import Submission
from core.types import Category, MediaKind, SubmissionState, TargetKind
from i18n.labels import N_

CATEGORY_LABELS: dict[str, str] = {
    "1": N_("Policy and law"),
    "2a": N_("Development projects"),
    "2b": N_("Knowledge"),
    "2c": N_("Security and order"),
    "2d": N_("Disasters, rescue, epidemics"),
    "2đ": N_("Good examples"),
    "2e": N_("Against law violations"),
    "2g": N_("Local products and services"),
    "3": N_("Access to information"),
    "4": N_("Foreign information"),
    "5": N_("Advertising"),
}
KIND_LABELS = {
    "video": N_("video clip"),
    "image": N_("photo"),
    "audio": N_("audio"),
    "text": N_("written notice"),
    "document": N_("document"),
}
STATE_LABELS = {
    "received": N_("received"),
    "processing": N_("processing"),
    "ready": N_("waiting for review"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "changes_requested": N_("changes requested"),
    "failed": N_("failed"),
}
# What the media job is doing (its progress_step), for the officer's progress message and /status.
STEP_LABELS = {
    "probe": N_("checking the file…"),
    "normalise": N_("processing the video…"),
    "poster": N_("choosing a cover picture…"),
    "transcribe": N_("transcribing the speech…"),
    "language": N_("recognising the language…"),
    "done": N_("ready for the editors"),
}
TARGET_LABELS = {
    "own_unit": N_("My unit's boards"),
    "border_gate": N_("Border-gate clusters"),
    "cluster": N_("Choose a cluster"),
}
PERIOD_DAYS = (7, 3, 14, 30)


def t(lang: str, message: str, **values: Any) -> str:
    return i18n.gettext(lang, message, **values)


def when(moment: datetime | None, lang: str, tz: ZoneInfo) -> str:
    return i18n.format_datetime(moment, lang, tz) if moment else "?"


def day(moment: datetime | None, lang: str, tz: ZoneInfo) -> str:
    return i18n.format_date(moment.astimezone(tz).date(), lang) if moment else "?"


def category_label(lang: str, code: str | None) -> str:
    return f"{code} · {t(lang, CATEGORY_LABELS[code])}" if code in CATEGORY_LABELS else "—"


def category_keyboard(lang: str, *, emergency_allowed: bool) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(category_label(lang, str(c)), "cat", str(c)) for c in Category]
    rows = [tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2)]
    if emergency_allowed:
        rows.insert(0, (Button(t(lang, N_("EMERGENCY (alerts the editors now)")), "cat", "sos"),))
    return tuple(rows)


def target_keyboard(lang: str) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(t(lang, TARGET_LABELS[k]), "tgt", k),) for k in ("own_unit", "border_gate", "cluster"))


def cluster_keyboard(lang: str, clusters: list[Cluster]) -> tuple[tuple[Button, ...], ...]:
    rows = tuple((Button(c.name, "cl", str(c.id)),) for c in clusters)
    return rows + ((Button(t(lang, N_("Back")), "tgt", "back"),),)


def period_keyboard(lang: str) -> tuple[tuple[Button, ...], ...]:
    first = Button(t(lang, N_("As soon as possible, for 7 days")), "per", "7")
    others = tuple(Button(i18n.ngettext(lang, "%(n)d day", "%(n)d days", n), "per", str(n)) for n in PERIOD_DAYS[1:])
    return ((first,), others)


def title_keyboard(lang: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t(lang, N_("No title")), "title", "skip"),),)


def summary_keyboard(lang: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t(lang, N_("Send")), "sum", "send"), Button(t(lang, N_("Edit")), "sum", "edit"),
             Button(t(lang, N_("Cancel")), "sum", "cancel")),)


def duplicate_keyboard(lang: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t(lang, N_("Yes, send it again")), "dup", "yes"), Button(t(lang, N_("No, drop it")), "dup", "no")),)


def menu_keyboard(lang: str) -> tuple[tuple[Button, ...], ...]:
    """The buttons under the help text: what an officer may start besides sending material."""
    return ((Button(t(lang, N_("Report an incident")), "inc.start"),),)


def language_keyboard() -> tuple[tuple[Button, ...], ...]:
    return ((Button("Tiếng Việt", "lang", "vi"), Button("English", "lang", "en")),)


def target_label(lang: str, sub: Submission, cluster: Cluster | None) -> str:
    if sub.target_kind == str(TargetKind.cluster) and cluster is not None:
        return t(lang, N_("cluster %(name)s"), name=cluster.name)
    return t(lang, TARGET_LABELS.get(sub.target_kind or "", "—")) if sub.target_kind else "—"


def summary(lang: str, tz: ZoneInfo, sub: Submission, *, files: int, cluster: Cluster | None,
            uploads_pending: int = 0) -> Reply:
    lines = [
        t(lang, N_("Please check before sending:")),
        t(lang, N_("Content: %(kind)s"), kind=t(lang, KIND_LABELS.get(sub.kind or "", N_("written notice")))),
        t(lang, N_("Category: %(label)s"), label=category_label(lang, sub.category)),
        t(lang, N_("Airs on: %(target)s"), target=target_label(lang, sub, cluster)),
        # The period ends at an exclusive instant (midnight after the last day): show the last day.
        t(lang, N_("Period: %(start)s – %(end)s"), start=day(sub.wished_start, lang, tz),
          end=day(sub.wished_end - timedelta(seconds=1) if sub.wished_end else None, lang, tz)),
        t(lang, N_("Title: %(title)s"), title=sub.title or t(lang, N_("(none)"))),
    ]
    if files:
        lines.insert(2, i18n.ngettext(lang, "Files: %(n)d", "Files: %(n)d", files))
    if sub.is_emergency:
        lines.append(t(lang, N_("EMERGENCY: the editors on duty will be alerted at once.")))
    if uploads_pending:
        lines.append(t(lang, N_("The large file is still to be uploaded through the link; you can send now.")))
    return Reply("\n".join(lines), summary_keyboard(lang))


def progress_text(lang: str, step: str | None, percent: int) -> str:
    """The officer's progress line, e.g. 'Đang xử lý video… 60 %'."""
    label = t(lang, STEP_LABELS.get(step or "", STEP_LABELS["normalise"]))
    return t(lang, N_("%(step)s %(percent)d %%"), step=label[:1].upper() + label[1:], percent=max(0, min(100, percent)))


def status_lines(lang: str, tz: ZoneInfo, rows: list[Submission]) -> str:
    if not rows:
        return t(lang, N_("You have not sent anything yet."))
    lines = [t(lang, N_("Your last submissions:"))]
    for sub in rows:
        state = t(lang, STATE_LABELS.get(sub.state, sub.state))
        if sub.state == str(SubmissionState.processing):
            state = progress_text(lang, sub.progress_step, sub.progress)
        lines.append(t(lang, N_("%(code)s · %(when)s · %(kind)s · %(state)s"), code=sub.code or "?",
                       when=when(sub.received_at, lang, tz),
                       kind=t(lang, KIND_LABELS.get(sub.kind or "", N_("written notice"))), state=state))
        if sub.state == str(SubmissionState.failed) and sub.failure_reason:
            lines.append("   " + sub.failure_reason)
    return "\n".join(lines)


def kind_label(lang: str, kind: MediaKind | str) -> str:
    return t(lang, KIND_LABELS.get(str(kind), N_("file")))
