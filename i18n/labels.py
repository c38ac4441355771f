"""Display labels of the domain's codes (roles, duties, unit kinds, Điều 7 categories, states).

`N_` only marks a string for extraction; translate at display time with `i18n.gettext(lang, label)`.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    return message


def P_(context: str, message: str) -> tuple[str, str]:
    """Marks a message with a context (one English word, two meanings); translated with pgettext."""
    return (context, message)


ROLES = {
    "administrator": N_("administrator"),
    "editor": N_("editor"),
    "operator": N_("operator"),
    "translator": N_("translator"),
    "inspector": N_("inspector"),
    "contributor": N_("contributor"),
}

DUTIES = {
    "provincial_editor": N_("provincial editor unit"),
    "cluster_operator": N_("cluster operator"),
    "contributor": N_("information supplier"),
    "emergency_sender": N_("may send emergencies"),
    "translator": N_("translation"),
    "document_sender": N_("may send documents"),
}

UNIT_KINDS = {
    "province": N_("province"),
    "department": N_("department"),
    "commune": N_("commune"),
    "ward": N_("ward"),
    "district": N_("district (until 30 June 2025)"),
    "border_guard": N_("border guard"),
    "press": N_("press and broadcasting"),
    "economic_zone": N_("economic zone board"),
    "other": N_("other"),
}

# Điều 7 of Decision 20/2024/QĐ-UBND, short enough for a chat button.
CATEGORIES = {
    "1": N_("Party and State policy, law"),
    "2a": N_("Local development projects"),
    "2b": N_("Politics, economy, culture, science"),
    "2c": N_("Security, order, military"),
    "2d": N_("Disaster, rescue, fire, epidemic"),
    "2đ": N_("Good people, good deeds"),
    "2e": N_("Fighting law violations"),
    "2g": N_("Products and services for local life"),
    "3": N_("Access to information, grassroots democracy"),
    "4": N_("Foreign information, promoting Lai Châu"),
    "5": N_("Advertising"),
}

SUBMISSION_STATES = {
    "draft": N_("draft"),
    "received": N_("received"),
    "processing": N_("processing"),
    "ready": N_("waiting for review"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "changes_requested": N_("changes requested"),
    "failed": N_("processing failed"),
    "cancelled": N_("cancelled"),
}

# --- every other enumeration a person sees (issue 15): a page shows `label(kind, code)`, never a code.

PRIORITIES = {"normal": N_("normal"), "priority": N_("priority"), "emergency": N_("emergency")}

CLUSTER_KINDS = {"border_gate": N_("border gate"), "public": N_("public place")}

DAY_PARTS = {"morning": N_("morning"), "afternoon": N_("afternoon"), "evening": N_("evening")}

BOARD_STATUSES = {"unpaired": N_("not paired yet"), "online": N_("online"), "offline": N_("offline"),
                  "retired": N_("retired")}

CHANNELS = {"telegram": N_("Telegram"), "zalo": N_("Zalo"), "web": N_("web page"), "cli": N_("command line"),
            "api": N_("API"), "player": N_("board player"), "system": N_("the system")}

TARGETS = {"own_unit": N_("my unit's boards"), "border_gate": N_("border-gate clusters"), "cluster": N_("one cluster"),
           "board": N_("one board"), "all": N_("every board"), "cluster_kind": N_("every cluster of a kind")}

MEDIA_KINDS = {"video": N_("video clip"), "image": N_("photo"), "audio": N_("audio"), "text": N_("written notice"),
               "document": N_("document")}

TRACK_KINDS = {"transcript": N_("transcript"), "translation": N_("translation")}

DECISIONS = {"approved": N_("approved"), "rejected": N_("rejected"), "changes_requested": N_("changes requested"),
             "correction": N_("corrected"), "translation_requested": N_("translation requested")}

TRANSLATION_STATES = {"open": N_("waiting for the translator"), "done": N_("translated"), "cancelled": N_("cancelled")}

JOB_STATUSES = {"pending": N_("waiting"), "running": N_("in progress"), "done": N_("done"),
                "unavailable": N_("unavailable"), "failed": N_("failed")}

INCIDENT_STATUSES = {"open": N_("open"), "acknowledged": N_("acknowledged"), "escalated": N_("escalated"),
                     "resolved": N_("resolved")}

INCIDENT_KINDS = {
    "board_offline": N_("board offline"),
    "technical": N_("technical"),
    "security": N_("information security"),
}

RECURRENCES = {"monthly": N_("monthly"), "quarterly": N_("quarterly"), "yearly": N_("yearly")}

FULFILMENTS = {
    "submission": N_("submissions of the unit"),
    "report": N_("an uploaded report"),
    "supply": N_("items approved for border-gate clusters"),
}

OBLIGATION_STATUSES = {
    "open": N_("open"),
    "overdue": N_("overdue"),
    "fulfilled": N_("fulfilled"),
    "waived": N_("waived"),
}

NOTIFICATION_STATES = {
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "undeliverable": N_("undeliverable"),
}

AUDIT_OBJECTS = {
    "submission": N_("submission"),
    "content_item": N_("content item"),
    "officer": N_("officer"),
    "unit": N_("unit"),
    "cluster": N_("cluster"),
    "board": N_("board"),
    "invite": N_("invite"),
    "emergency": N_("emergency"),
    "incident": N_("incident"),
    "obligation": N_("obligation"),
    "deadline_rule": N_("deadline rule"),
    "api_token": N_("API token"),
    "translation_request": N_("translation request"),
    "path": N_("page"),
    "channel_account": N_("chat account"),
    "audit": N_("audit log"),
    "plan": N_("plan"),
    "unit_duty": N_("duty of a unit"),
    "deadline_rule_unit": N_("unit named in a deadline rule"),
}

AUDIT_ACTIONS = {
    "access.denied": N_("access refused"),
    "api_token.created": N_("API token created"),
    "api_token.revoked": N_("API token revoked"),
    "audit.exported": N_("audit log exported"),
    "auth.login": N_("logged in"),
    "auth.login_failed": N_("failed login"),
    "auth.login_locked": N_("login locked"),
    "auth.logout": N_("logged out"),
    "auth.totp_disabled": N_("second factor turned off"),
    "auth.totp_enrolled": N_("second factor turned on"),
    "auth.password_changed": N_("password changed"),
    "board.paired": N_("board paired"),
    "board.token_issued": N_("board token issued"),
    "board.token_revoked": N_("board token revoked"),
    "board.updated": N_("board changed"),
    "channel_account.bound": N_("chat account linked"),
    "cluster.updated": N_("cluster changed"),
    "cluster.windows_changed": N_("broadcast windows changed"),
    "content_item.reused": N_("item reused"),
    "deadline_rule.created": N_("deadline rule created"),
    "deadline_rule.updated": N_("deadline rule changed"),
    "emergency.acknowledged": N_("emergency confirmed by a board"),
    "emergency.started": N_("emergency started"),
    "emergency.stopped": N_("emergency ended"),
    "incident.closed": N_("incident closed"),
    "incident.opened": N_("incident opened"),
    "invite.created": N_("invite created"),
    "invite.revoked": N_("invite revoked"),
    "obligation.fulfilled": N_("obligation fulfilled"),
    "officer.created": N_("officer added"),
    "officer.deactivated": N_("officer deactivated"),
    "officer.updated": N_("officer changed"),
    "review.approved": N_("approved"),
    "review.corrected": N_("corrected"),
    "review.lock_broken": N_("edit lock taken over"),
    "review.reopened": N_("sent back for approval"),
    "review.subtitles_corrected": N_("subtitles corrected"),
    "review.rejected": N_("rejected"),
    "review.changes_requested": N_("changes requested"),
    "submission.asset_added": N_("file added"),
    "submission.cancelled": N_("submission cancelled"),
    "submission.drafted": N_("submission started"),
    "submission.language_confirmed": N_("language confirmed"),
    "submission.language_corrected": N_("language corrected"),
    "submission.received": N_("submission received"),
    "translation.completed": N_("translation delivered"),
    "translation.requested": N_("translation requested"),
    "unit.updated": N_("unit changed"),
    "unit.carried_over": N_("work handed over to the successor"),
    "unit_duty.created": N_("duty given"),
    "unit_duty.updated": N_("duty ended"),
}

# What moves from an ended unit to its successor (core/org/succession.py), on the unit page.
HANDOVERS = {
    "officers": N_("officers"),
    "clusters": N_("clusters"),
    "obligations": N_("open obligations"),
    "waived": N_("obligations the successor already owed"),
    "duties": N_("duties"),
    "rules": N_("deadline rules naming it"),
}

# Names of languages in the reader's language ("tiếng Anh"); the bot's language buttons use each
# language's own name ("English", "中文") under the same English ids, hence the context.
LANGUAGES = {
    "vi": P_("language name", "Vietnamese"),
    "en": P_("language name", "English"),
    "zh": P_("language name", "Chinese"),
    "hmn": P_("language name", "Hmong"),
    "blt": P_("language name", "Tai Dam (Thái đen)"),
    "ium": P_("language name", "Iu Mien (Dao)"),
    "hni": P_("language name", "Hani (Hà Nhì)"),
    "th": P_("language name", "Thai (Thailand)"),
    "lo": P_("language name", "Lao"),
    "twh": P_("language name", "Tai Don (Thái Trắng)"),
    "pcc": P_("language name", "Bouyei (Giáy)"),
    "khb": P_("language name", "Tai Lü (Lự)"),
    "zng": P_("language name", "Mang (Mảng)"),
    "kjm": P_("language name", "Khang (Kháng)"),
    "kjg": P_("language name", "Khmu (Khơ Mú)"),
    "lhu": P_("language name", "Lahu (La Hủ)"),
    "cnc": P_("language name", "Côông (Cống)"),
    "slt": P_("language name", "Sila (Si La)"),
    "und": P_("language name", "undetermined"),
}

NOTIFICATION_EVENTS = {
    "submission.received": N_("received"),
    "submission.failed": N_("could not be processed"),
    "submission.ready": N_("ready for the editors"),
    "review.approved": N_("approved"),
    "review.rejected": N_("rejected"),
    "review.changes_requested": N_("changes requested"),
    "play.first": N_("first aired"),
    "reminder.due": N_("deadline reminder"),
    "obligation.overdue": N_("deadline passed"),
    "emergency.started": N_("emergency started"),
    "emergency.ended": N_("emergency ended"),
    "emergency.unconfirmed": N_("emergency not confirmed by a board"),
    "submission.emergency": N_("emergency sent"),
    "translation.requested": N_("translation requested"),
    "translation.completed": N_("translation delivered"),
    "board.offline": N_("board offline"),
    "board.online": N_("board back online"),
    "incident.reported": N_("incident reported"),
    "incident.escalated": N_("incident escalated"),
    "weekly.summary": N_("weekly summary"),
}

# What the officer's home says about each of their submissions (core/services/home.py OFFICER_STAGES).
OFFICER_STAGES = {
    "received": N_("received"),
    "processing": N_("being processed"),
    "waiting": N_("waiting for review"),
    "approved": N_("approved"),
    "aired": N_("aired"),
    "returned": N_("returned"),
    "failed": N_("could not be processed"),
}

# Why an approved item is not in a board's plan (core/services/schedule.py).
LEFT_OUT = {
    "period_over": N_("its airing period is over"),
    "not_started": N_("its airing period has not begun"),
    "ad_cap": N_("the advertising cap of the window is reached"),
    "windows_full": N_("the windows are full"),
    "no_window": N_("the board has no window that day"),
    "no_length": N_("its length is unknown"),
}

# One place that maps a kind of code onto its labels: templates call `label("board_status", b.status)`.
KINDS: dict[str, dict[str, Any]] = {
    "role": ROLES,
    "duty": DUTIES,
    "unit_kind": UNIT_KINDS,
    "category": CATEGORIES,
    "state": SUBMISSION_STATES,
    "priority": PRIORITIES,
    "cluster_kind": CLUSTER_KINDS,
    "day_part": DAY_PARTS,
    "board_status": BOARD_STATUSES,
    "channel": CHANNELS,
    "target": TARGETS,
    "media_kind": MEDIA_KINDS,
    "track_kind": TRACK_KINDS,
    "decision": DECISIONS,
    "translation_state": TRANSLATION_STATES,
    "job_status": JOB_STATUSES,
    "incident_status": INCIDENT_STATUSES,
    "incident_kind": INCIDENT_KINDS,
    "recurrence": RECURRENCES,
    "fulfilment": FULFILMENTS,
    "obligation_status": OBLIGATION_STATUSES,
    "notification_state": NOTIFICATION_STATES,
    "audit_object": AUDIT_OBJECTS,
    "audit_action": AUDIT_ACTIONS,
    "language": LANGUAGES,
    "event": NOTIFICATION_EVENTS,
    "stage": OFFICER_STAGES,
    "left_out": LEFT_OUT,
    "handover": HANDOVERS,
}


def label_id(kind: str, code: object) -> str | tuple[str, str] | None:
    """The English msgid (or (context, msgid)) that names `code` of `kind`, or None when it has no label."""
    return KINDS.get(kind, {}).get(str(code)) if code is not None else None
