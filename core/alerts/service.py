"""CAP ingest: one path for the API, the feeds and the command line.

A message is parsed (no DTDs, no entities), validated, stored whole, and then: an Actual severe and
urgent Alert from a sender the policy trusts starts an emergency on the clusters of the units its areas
name; Update and Cancel stop what their references started (an Update starts the new text); `expires`
ends it; lesser alerts wait for an editor as priority submissions; Test/Exercise are only logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from core.airing import emergencies
from core.airing.models import Cluster, Emergency
from core.alerts import areas as area_match
from core.alerts import cap
from core.alerts.models import AlertMessage
from core.alerts.policy import SEVERE, may_start_unattended
from core.intake.models import Submission
from core.notify import outbox
from core.org import service as org
from core.org.models import Officer, Unit
from core.records import audit
from core.types import Channel, Duty, Role, SubmissionState, utcnow

SYSTEM_NAME = "Hệ thống cảnh báo CAP"  # the officer on whose behalf unattended emergencies start
SYSTEM_USERNAME = "he-thong-canh-bao"  # never has a password: nobody logs in as it
URGENT = {"Immediate", "Expected"}
NEVER_AIRED = {"Test", "Exercise", "System", "Draft"}


@dataclass(slots=True)
class Outcome:
    """What one ingest did; `to_json` is the API's and the command's answer."""

    alert_id: int | None
    outcome: str
    reason: str | None = None
    identifier: str | None = None
    duplicate: bool = False
    emergency_id: int | None = None
    stopped_emergency_ids: list[int] = field(default_factory=list)
    submission_id: int | None = None
    units: list[str] = field(default_factory=list)
    clusters: list[str] = field(default_factory=list)
    needs_editor: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "identifier": self.identifier,
            "outcome": self.outcome,
            "reason": self.reason,
            "duplicate": self.duplicate,
            "emergency_id": self.emergency_id,
            "stopped_emergency_ids": self.stopped_emergency_ids,
            "submission_id": self.submission_id,
            "units": self.units,
            "clusters": self.clusters,
            "needs_editor": self.needs_editor,
        }


def system_officer(session: Session, *, on: date) -> Officer:
    """The account unattended emergencies are started by (made once, in the provincial editor unit)."""
    officer = session.exec(select(Officer).where(Officer.username == SYSTEM_USERNAME)).first()
    if officer is not None:
        return officer
    holders = org.units_with_duty(session, duty=Duty.provincial_editor, on=on)
    unit = holders[0] if holders else session.exec(select(Unit).order_by(col(Unit.id))).first()
    if unit is None:
        raise RuntimeError("no unit exists: seed the organisation first")
    officer = Officer(
        unit_id=unit.id or 0,
        full_name=SYSTEM_NAME,
        role=Role.administrator.value,
        username=SYSTEM_USERNAME,
        password_hash=None,
    )
    session.add(officer)
    session.flush()
    return officer


def ingest(
    session: Session, *, raw: bytes, via: str, actor: audit.Actor, on: date, now: datetime | None = None
) -> Outcome:
    """Take one CAP message; the same identifier twice does nothing the second time."""
    now = now or utcnow()
    try:
        alert = cap.parse(raw)
    except cap.CapRefused as refused:
        row = AlertMessage(
            xml=raw[: cap.MAX_BYTES].decode("utf-8", "replace"),
            via=via,
            outcome="refused",
            reason=refused.reason,
            received_at=now,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="alert.refused",
            object_type="alert",
            object_id=row.id,
            after={"reason": refused.reason, "via": via},
        )
        return Outcome(row.id, "refused", refused.reason)
    earlier = session.exec(select(AlertMessage).where(AlertMessage.identifier == alert.identifier)).first()
    if earlier is not None:
        return Outcome(
            earlier.id,
            earlier.outcome,
            earlier.reason,
            alert.identifier,
            duplicate=True,
            emergency_id=earlier.emergency_id,
            submission_id=earlier.submission_id,
        )
    info, in_vietnamese = alert.info_for("vi")
    row = AlertMessage(
        identifier=alert.identifier,
        sender=alert.sender,
        sent=alert.sent,
        status=alert.status,
        msg_type=alert.msg_type,
        xml=raw.decode("utf-8", "replace"),
        via=via,
        received_at=now,
        references=[r[1] for r in alert.references],
        expires=alert.expires,
        outcome="logged",
    )
    if info is not None:
        row.event, row.urgency, row.severity, row.certainty = info.event, info.urgency, info.severity, info.certainty
        row.language, row.headline, row.description = info.language, info.headline, info.description
        row.areas = [{"description": a.description, "geocodes": [list(g) for g in a.geocodes]} for a in info.areas]
    try:
        # A feed poll and an API push of one message may race: the unique identifier decides, and the
        # loser answers as a repeat instead of failing.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        earlier = session.exec(select(AlertMessage).where(AlertMessage.identifier == alert.identifier)).one()
        return Outcome(
            earlier.id,
            earlier.outcome,
            earlier.reason,
            alert.identifier,
            duplicate=True,
            emergency_id=earlier.emergency_id,
            submission_id=earlier.submission_id,
        )
    result = _decide(session, row=row, alert=alert, info=info, in_vietnamese=in_vietnamese, on=on, now=now, actor=actor)
    row.outcome, row.reason = result.outcome, result.reason
    row.emergency_id, row.submission_id, row.needs_editor = (
        result.emergency_id,
        result.submission_id,
        result.needs_editor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"alert.{result.outcome}",
        object_type="alert",
        object_id=row.id,
        after={
            "identifier": alert.identifier,
            "sender": alert.sender,
            "status": alert.status,
            "msgType": alert.msg_type,
            "severity": row.severity,
            "via": via,
            "reason": result.reason,
            "emergency_id": result.emergency_id,
            "stopped": result.stopped_emergency_ids,
            "clusters": result.clusters,
        },
    )
    result.alert_id, result.identifier = row.id, alert.identifier
    return result


def _decide(
    session: Session,
    *,
    row: AlertMessage,
    alert: cap.CapAlert,
    info: cap.CapInfo | None,
    in_vietnamese: bool,
    on: date,
    now: datetime,
    actor: audit.Actor,
) -> Outcome:
    if alert.status in NEVER_AIRED:
        return Outcome(None, "logged", f"status {alert.status}: logged, never aired")
    if alert.msg_type in {"Ack", "Error"}:
        return Outcome(None, "logged", f"msgType {alert.msg_type}: nothing to air")
    stopped: list[int] = []
    if alert.msg_type in {"Update", "Cancel"}:
        earlier = list(
            session.exec(
                select(AlertMessage).where(col(AlertMessage.identifier).in_([r[1] for r in alert.references]))
            ).all()
        )
        if not earlier and alert.msg_type == "Cancel":
            return Outcome(None, "unknown_reference", "no earlier message of those references was received")
        stopped = _stop_earlier(session, earlier=earlier, on=on, now=now, actor=actor)
        if alert.msg_type == "Cancel":
            return Outcome(None, "cancelled", None, stopped_emergency_ids=stopped)
    assert info is not None  # Alert and Update always carry one (cap.parse)
    if alert.expires is not None and alert.expires <= now:
        return Outcome(None, "expired", "it had expired when it arrived", stopped_emergency_ids=stopped)
    units = area_match.match_units(session, areas=info.areas, on=on)
    clusters = area_match.clusters_of(session, unit_ids=[u.id or 0 for u in units])
    row.unit_ids, row.cluster_ids = [u.id or 0 for u in units], [c.id or 0 for c in clusters]
    base = Outcome(
        None,
        "no_match",
        None,
        stopped_emergency_ids=stopped,
        units=[u.code for u in units],
        clusters=[c.code for c in clusters],
        needs_editor=not in_vietnamese,
    )
    if not units:
        base.reason = "no unit matches the alert's areas"
        _to_editors(session, row=row, alert=alert, info=info, on=on, base=base)
        return base
    _tell_units(session, row=row, info=info, units=units)
    severe = info.urgency in URGENT and info.severity in SEVERE
    if severe and clusters and may_start_unattended(session, sender=alert.sender, severity=info.severity):
        emergency = emergencies.start_emergency(
            session,
            officer=system_officer(session, on=on),
            actor=actor,
            on=on,
            cluster_ids=[c.id or 0 for c in clusters],
            all_clusters=False,
            content_item_id=None,
            text=screen_text(info, in_vietnamese),
            ends_at=alert.expires,
        )
        base.outcome = "updated" if alert.msg_type == "Update" else "emergency"
        base.emergency_id = emergency.id
        if not in_vietnamese:
            base.reason = f"shown in {info.language}: no Vietnamese info"
            _to_editors(session, row=row, alert=alert, info=info, on=on, base=base, submit=False)
        return base
    base.outcome = "for_editor"
    if not clusters:
        base.reason = "no cluster is sited in the matched units"
    elif severe:
        base.reason = "the policy does not let this sender start an emergency at this severity"
    else:
        base.reason = f"{info.severity}/{info.urgency}: waits for an editor"
    _to_editors(session, row=row, alert=alert, info=info, on=on, base=base)
    return base


def screen_text(info: cap.CapInfo, in_vietnamese: bool) -> str:
    """Headline and description (and instruction) for the screen; a foreign text carries its language tag."""
    parts = [p for p in (info.headline or info.event, info.description, info.instruction) if p]
    text = "\n".join(parts)
    text = text if in_vietnamese else f"[{info.language}] {text}"
    return text[: emergencies.MAX_TEXT]


def _stop_earlier(
    session: Session, *, earlier: list[AlertMessage], on: date, now: datetime, actor: audit.Actor
) -> list[int]:
    stopped = []
    officer = system_officer(session, on=on)
    for old in earlier:
        if old.emergency_id is not None and old.ended_at is None:
            emergency = session.get(Emergency, old.emergency_id)
            if emergency is not None and emergency.ended_at is None:
                emergencies.stop_emergency(session, emergency_id=emergency.id or 0, officer=officer, actor=actor, on=on)
                stopped.append(emergency.id or 0)
            old.ended_at = now
            session.add(old)
    return stopped


def _tell_units(session: Session, *, row: AlertMessage, info: cap.CapInfo, units: list[Unit]) -> None:
    """Every active officer of the named units hears of the warning (once per alert), urgently."""
    officer_ids = session.exec(select(Officer.id).where(
        col(Officer.unit_id).in_([u.id for u in units]), col(Officer.is_active),
        or_(col(Officer.username).is_(None), Officer.username != SYSTEM_USERNAME))).all()
    outbox.notify_many(
        session,
        officer_ids=[i for i in officer_ids if i is not None],
        event="alert.issued",
        object_type="alert",
        object_id=row.id,
        urgent=True,
        payload={
            "event": info.event,
            "title": info.headline or info.event,
            "severity": info.severity,
            "areas": [a.description for a in info.areas],
            "expires": row.expires.isoformat() if row.expires else None,
        },
    )


def _to_editors(
    session: Session,
    *,
    row: AlertMessage,
    alert: cap.CapAlert,
    info: cap.CapInfo,
    on: date,
    base: Outcome,
    submit: bool = True,
) -> None:
    """A priority submission in the review queue (unless the emergency already runs), and the editors told."""
    officer = system_officer(session, on=on)
    code = f"CAP-{row.id}"
    if submit:
        target = session.get(Cluster, row.cluster_ids[0]) if len(row.cluster_ids) == 1 else None
        submission = Submission(
            officer_id=officer.id or 0,
            unit_id=officer.unit_id,
            channel=Channel.system.value,
            state=SubmissionState.ready.value,
            kind="text",
            category="2d",
            title=(info.headline or info.event)[:300],
            body=screen_text(info, True),
            caption=info.description,
            is_emergency=info.severity in SEVERE,
            language=info.language.split("-")[0].lower(),
            language_needs_review=True,
            target_kind="cluster" if target else None,
            target_cluster_id=target.id if target else None,
            wished_end=alert.expires,
            dedupe_key=f"cap:{alert.identifier}"[:128],
            received_at=utcnow(),
            code=code,
        )
        session.add(submission)
        session.flush()
        base.submission_id = submission.id
    base.needs_editor = True
    editors = org.editors_on(session, on=on, roles=(Role.editor,))
    outbox.notify_many(
        session,
        officer_ids=[o.id for o in editors if o.id is not None],
        event="submission.emergency",
        object_type="alert",
        object_id=row.id,
        urgent=True,
        payload={"code": code, "unit": alert.sender, "title": info.headline or info.event},
    )


def expire_due(session: Session, *, now: datetime, actor: audit.Actor, on: date) -> int:
    """End the emergencies of alerts whose `expires` has passed (the boards already stopped by the clock)."""
    rows = session.exec(
        select(AlertMessage).where(
            col(AlertMessage.emergency_id).is_not(None),
            col(AlertMessage.ended_at).is_(None),
            col(AlertMessage.expires) <= now,
        )
    ).all()
    for row in rows:
        _stop_earlier(session, earlier=[row], on=on, now=now, actor=actor)
        audit.record(
            session,
            actor=actor,
            action="alert.expired",
            object_type="alert",
            object_id=row.id,
            after={"identifier": row.identifier, "emergency_id": row.emergency_id},
        )
    return len(rows)


def recent(session: Session, *, include_tests: bool, limit: int = 200) -> list[AlertMessage]:
    """Received messages, newest first; tests and exercises only for administrators."""
    query = select(AlertMessage).order_by(col(AlertMessage.id).desc()).limit(limit)
    if not include_tests:
        query = query.where(col(AlertMessage.status).is_(None) | col(AlertMessage.status).not_in(list(NEVER_AIRED)))
    return list(session.exec(query).all())
