"""Submitting: media and notices become a draft; buttons collect category, target, period, title; "Gửi"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot import texts
from bot.flows.turn import Turn
from bot.protocol import Reply
from core.airing.models import Cluster
from core.errors import Invalid, NotFound
from core.intake import service as intake
from core.intake import uploads
from core.intake.models import Submission
from core.intake.rules import (
    CAPTION_LIMIT,
    IncomingFile,
    IntakeRefused,
    check_notice,
    check_title,
    clean_caption,
    log_intake,
    may_mark_emergency,
)
from core.storage import StoredObject
from core.types import Channel, MediaKind, SubmissionState, TargetKind, utcnow
from i18n.labels import N_

REFUSALS = {
    "unsupported_file": N_(
        "I cannot take the file %(filename)s. Please send a video, a photo, a voice note or an "
        "audio file (a clip sent as a file is fine)."
    ),
    "document_not_allowed": N_(
        "Your unit may not send documents such as %(filename)s for the boards. Please send "
        "a video, a photo or an audio file, or type the notice as a message."
    ),
    "too_long": N_(
        "This video lasts %(actual)d minutes; the boards take at most %(minutes)d minutes. "
        "Please cut it shorter and send it again."
    ),
    "too_long_audio": N_(
        "This recording lasts %(actual)d minutes; the boards take at most %(minutes)d minutes. "
        "Please cut it shorter and send it again."
    ),
    "too_big": N_(
        "This file is bigger than %(limit_mb)d MB, the most the system takes. Please send a smaller version."
    ),
    "title_no_words": N_('The title needs words, not only emoji. Write a short title or press "No title".'),
    "title_too_long": N_("The title is too long (at most %(limit)d characters). Please shorten it."),
    "notice_too_short": N_(
        "To send a written notice, write at least %(minimum)d letters. To send a photo or a clip, just send it."
    ),
}
UNSUPPORTED = {
    "sticker": N_("Stickers cannot be shown on the boards."),
    "location": N_("A location cannot be shown on the boards."),
    "contact": N_("A contact card cannot be shown on the boards."),
}
WHAT_TO_SEND = N_("Please send a video, a photo, a voice note, an audio file, or type a written notice.")
PERIOD_PATTERN = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\s*[-–—]\s*(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?")


def refuse(turn: Turn, exc: IntakeRefused) -> None:
    # mypy cannot tell that a refusal's values never include `buttons`.
    turn.say(REFUSALS[exc.reason], reply_to=turn.ev.message_ref, **exc.values)  # type: ignore[arg-type]


def unsupported(turn: Turn) -> None:
    first = texts.t(turn.lang, UNSUPPORTED.get(turn.ev.what or "", N_("I cannot use this kind of message.")))
    turn.add(Reply(first + " " + texts.t(turn.lang, WHAT_TO_SEND), reply_to=turn.ev.message_ref))


def ask_category(turn: Turn, sub: Submission) -> None:
    turn.goto("category", sub.id)
    allowed = may_mark_emergency(turn.session, unit_id=sub.unit_id)
    turn.say(
        N_("Which category is it? (Article 7)"), buttons=texts.category_keyboard(turn.lang, emergency_allowed=allowed)
    )


def ask_target(turn: Turn) -> None:
    turn.goto("target")
    turn.say(N_("Where should it air?"), buttons=texts.target_keyboard(turn.lang))


def ask_period(turn: Turn) -> None:
    turn.goto("period")
    turn.say(
        N_("When should it air? Choose, or type dates like 20/12-31/12."), buttons=texts.period_keyboard(turn.lang)
    )


def ask_title(turn: Turn) -> None:
    turn.goto("title")
    turn.say(N_("Type a short title, or press \"No title\"."), buttons=texts.title_keyboard(turn.lang))


def show_summary(turn: Turn, sub: Submission) -> None:
    turn.goto("summary")
    cluster = turn.session.get(Cluster, sub.target_cluster_id) if sub.target_cluster_id else None
    files = len(intake.assets_of(turn.session, submission_id=sub.id))  # type: ignore[arg-type]
    pending = uploads.pending_uploads(turn.session, submission_id=sub.id)  # type: ignore[arg-type]
    turn.add(texts.summary(turn.lang, turn.rt.settings.tz, sub, files=files, cluster=cluster, uploads_pending=pending))


def offer_duplicate_or_ask(turn: Turn, sub: Submission, previous: intake.Previous | None) -> None:
    if previous is None:
        ask_category(turn, sub)
        return
    turn.goto("duplicate", sub.id)
    turn.say(N_("You already sent this on %(when)s (code %(code)s). Send it again anyway?"),
             when=texts.when(previous.received_at, turn.lang, turn.rt.settings.tz), code=previous.code or "?",
             buttons=texts.duplicate_keyboard(turn.lang))


def media(turn: Turn, stored: list[tuple[IncomingFile, StoredObject]], large: list[IncomingFile]) -> None:
    """Files arrived (downloaded, or too big for the channel): start or extend a draft."""
    ev, officer = turn.ev, turn.officer()
    album_key = f"album:{ev.channel}:{ev.address}:{ev.album_id}" if ev.album_id else None
    sub = intake.find_album(turn.session, officer_id=officer.id, album_key=album_key) if album_key else None  # type: ignore[arg-type]
    album_part = sub is not None
    sub = sub or turn.draft()
    extending = sub is not None
    caption = clean_caption(ev.text)
    first = (stored[0][0] if stored else large[0])
    if sub is None:
        sub = intake.open_draft(turn.session, officer=officer, channel=ev.channel, kind=MediaKind(first.kind),
                                actor=turn.actor, caption=caption, album_key=album_key)
    elif caption and not sub.caption:
        sub.caption = caption
        turn.session.add(sub)
    added = 0
    for item, obj in stored:
        asset = intake.attach_asset(
            turn.session,
            submission=sub,
            stored=obj,
            kind=MediaKind(item.kind),
            actor=turn.actor,
            mime=item.mime,
            filename=item.filename,
            source_ref=item.source_ref,
            order=item.order,
            duration_s=item.duration_s,
            width=item.width,
            height=item.height,
        )
        added += asset is not None
    log_intake(turn.session, channel=str(ev.channel), address=ev.address, officer_id=officer.id, kind="media",
               count=len(stored) + len(large))
    if ev.text and caption is None:
        turn.say(N_("The caption has no words (only emoji or spaces), so it was left out. You can add a title later."))
    elif caption and len(caption) > CAPTION_LIMIT:
        turn.say(N_("The caption is long (%(n)d characters); it is kept in full and the editors may shorten it."),
                 n=len(caption))
    for item in large:
        link = uploads.open_upload(turn.session, submission=sub, item=item)
        path = f"/upload/{link.token}"
        url = turn.rt.settings.public_url + path
        if ev.channel == Channel.web:  # the page itself sends the file in pieces; the link is the way back
            text = texts.t(
                turn.lang,
                N_(
                    "%(name)s is sent in pieces: if the connection breaks, it resumes where it "
                    "stopped. If this page closes, this personal link (48 hours) continues: %(url)s"
                ),
                name=item.filename or "?",
                url=url,
            )
        else:
            text = texts.t(
                turn.lang,
                N_(
                    "This file is too big for Telegram to pass to me. Please upload it through this "
                    "personal link (valid for 48 hours, for you only; a broken connection resumes "
                    "where it stopped): %(url)s"
                ),
                url=url,
            )
        turn.add(Reply(text, reply_to=ev.message_ref, upload=path))
    if sub.state != str(SubmissionState.draft):
        if added or large:
            intake_after_send(turn, sub)
        return
    if album_part:
        return  # the questions were asked when the first part came
    if extending:
        if stored and not added:
            turn.say(N_("This file is already in the current submission."), reply_to=ev.message_ref)
            return
        files = len(intake.assets_of(turn.session, submission_id=sub.id))  # type: ignore[arg-type]
        turn.say(N_("Added to the current submission (%(n)d files). Answer the questions above, or send /new to "
                 "start a separate one."), n=files, reply_to=ev.message_ref)
        return
    previous = intake.find_previous(turn.session, officer_id=officer.id, sha256s=[o.sha256 for _, o in stored],  # type: ignore[arg-type]
                                    source_refs=[i.source_ref for i, _ in stored] + [i.source_ref for i in large],
                                    exclude_id=sub.id)
    offer_duplicate_or_ask(turn, sub, previous)


def intake_after_send(turn: Turn, sub: Submission) -> None:
    """A late album part or upload for a sent submission: its media job runs again."""
    turn.rt.queue.defer(turn.session, "media.process", submission_id=sub.id)
    turn.say(N_("Added to %(code)s."), code=sub.code or "?")


def text(turn: Turn) -> None:
    """Typed text: a title, a period, a continuation of a long notice, or a new notice."""
    step, body = turn.conv.step, turn.ev.text or ""
    sub = turn.draft()
    if sub is None:
        turn.goto("idle")
        notice = check_notice(body)
        sub = intake.open_draft(turn.session, officer=turn.officer(), channel=turn.ev.channel, kind=MediaKind.text,
                                actor=turn.actor, body=notice)
        previous = intake.find_previous(turn.session, officer_id=sub.officer_id, dedupe_key=sub.dedupe_key,
                                        exclude_id=sub.id)
        offer_duplicate_or_ask(turn, sub, previous)
    elif step == "title":
        intake.update_draft(turn.session, submission=sub, actor=turn.actor, title=check_title(body))
        show_summary(turn, sub)
    elif step == "period" and (period := parse_period(body, turn)) is not None:
        intake.update_draft(
            turn.session, submission=sub, actor=turn.actor, wished_start=period[0], wished_end=period[1]
        )
        ask_title(turn)
    elif step == "category" and sub.kind == str(MediaKind.text):
        # Telegram splits a notice over 4,096 characters into several messages: keep them together.
        intake.update_draft(turn.session, submission=sub, actor=turn.actor, body=f"{sub.body}\n{body}")
        turn.say(N_("Added to your notice. Now choose the category above."))
    else:
        turn.say(N_("Please answer with the buttons above, or send /cancel to stop."))


def parse_period(raw: str, turn: Turn) -> tuple[datetime, datetime] | None:
    match = PERIOD_PATTERN.search(raw)
    tz = turn.rt.settings.tz
    today = utcnow().astimezone(tz).date()
    try:
        if not match:
            raise ValueError(raw)
        d1, m1, y1, d2, m2, y2 = match.groups()
        def year(y: str | None) -> int:
            return today.year if not y else (2000 + int(y) if len(y) == 2 else int(y))

        start = datetime(year(y1), int(m1), int(d1), tzinfo=tz)
        end = datetime(year(y2), int(m2), int(d2), tzinfo=tz) + timedelta(days=1)
        if end <= start or end.date() < today:
            raise ValueError(raw)
    except ValueError:
        turn.say(N_("I could not read these dates. Type them like 20/12-31/12, or choose a button."))
        return None
    return max(start, utcnow()), end


def choice(turn: Turn) -> None:
    """A tapped button; buttons of an earlier draft are refused politely."""
    action, value = turn.ev.action, turn.ev.value or ""
    sub = turn.draft()
    if sub is None or sub.id != turn.ev.ref_id:
        old = turn.session.get(Submission, turn.ev.ref_id) if turn.ev.ref_id else None
        if old is not None and old.code:
            turn.say(N_("This was already sent as %(code)s."), code=old.code)
        else:
            turn.say(N_("This button belongs to an earlier message. Send your material again, or /new."))
        return
    try:
        _apply_choice(turn, sub, action or "", value)
    except (Invalid, NotFound):
        turn.say(N_("That choice is not possible. Please choose again."))


def _apply_choice(turn: Turn, sub: Submission, action: str, value: str) -> None:
    def update(**kw: Any) -> None:
        intake.update_draft(turn.session, submission=sub, actor=turn.actor, **kw)

    if action == "dup":
        if value == "yes":
            ask_category(turn, sub)
        else:
            intake.cancel(turn.session, submission=sub, actor=turn.actor)
            turn.goto("idle")
            turn.say(N_("All right, it was not sent again."))
    elif action == "cat":
        if value == "sos":
            update(is_emergency=True)
        else:
            update(category=value, is_emergency=False)
        ask_target(turn)
    elif action == "tgt":
        if value == "cluster":
            turn.goto("cluster")
            clusters = intake.clusters_for(turn.session, unit_id=sub.unit_id)
            turn.say(N_("Choose the cluster:"), buttons=texts.cluster_keyboard(turn.lang, clusters))
        elif value == "back":
            ask_target(turn)
        else:
            update(target_kind=TargetKind(value))
            ask_period(turn)
    elif action == "cl":
        update(target_kind=TargetKind.cluster, target_cluster_id=int(value))
        ask_period(turn)
    elif action == "per":
        start, end = intake.default_period(days=int(value), tz=turn.rt.settings.tz)
        update(wished_start=start, wished_end=end)
        ask_title(turn)
    elif action == "title":
        show_summary(turn, sub)
    elif action == "sum":
        summary_choice(turn, sub, value)


def summary_choice(turn: Turn, sub: Submission, value: str) -> None:
    if value == "edit":
        ask_category(turn, sub)
    elif value == "cancel":
        intake.cancel(turn.session, submission=sub, actor=turn.actor)
        turn.goto("idle")
        turn.say(N_("Cancelled. Nothing was sent."))
    elif value == "send":
        sent = intake.submit(
            turn.session, submission=sub, actor=turn.actor, queue=turn.rt.queue, tz=turn.rt.settings.tz
        )
        turn.goto("idle")
        turn.say(N_("Received, thank you! Your code is %(code)s. I will tell you when it is reviewed; /status shows "
                 "where it stands."), code=sent.code)
        if sent.is_emergency:
            turn.say(N_("EMERGENCY: the editors on duty have been alerted."))


def new(turn: Turn) -> None:
    sub = turn.draft()
    if sub is not None:
        intake.cancel(turn.session, submission=sub, actor=turn.actor)
    turn.goto("idle")
    turn.say(N_("Ready for a new submission: send a clip, photos, a voice note or type a notice."))


def cancel(turn: Turn) -> None:
    sub = turn.draft()
    if sub is None:
        turn.goto("idle")
        turn.say(N_("There is nothing to cancel."))
        return
    intake.cancel(turn.session, submission=sub, actor=turn.actor)
    turn.goto("idle")
    turn.say(N_("Cancelled. Nothing was sent."))


def refusal_reply(lang: str, exc: IntakeRefused, reply_to: str | None) -> Reply:
    return Reply(texts.t(lang, REFUSALS[exc.reason], **exc.values), reply_to=reply_to)


def resume(turn: Turn) -> None:
    """Ask the current step's question again (a lost keyboard, a reopened web page)."""
    sub = turn.draft()
    step = turn.conv.step
    if sub is None:
        turn.goto("idle")
        turn.say(N_("Ready for a new submission: send a clip, photos, a voice note or type a notice."))
    elif step == "duplicate":
        previous = intake.find_previous(
            turn.session,
            officer_id=sub.officer_id,
            dedupe_key=sub.dedupe_key,
            sha256s=[a.sha256 for a in intake.assets_of(turn.session, submission_id=sub.id)],  # type: ignore[arg-type]
            exclude_id=sub.id,
        )
        offer_duplicate_or_ask(turn, sub, previous)
    elif step == "target":
        ask_target(turn)
    elif step == "cluster":
        turn.say(N_("Choose the cluster:"), buttons=texts.cluster_keyboard(
            turn.lang, intake.clusters_for(turn.session, unit_id=sub.unit_id)))
    elif step == "period":
        ask_period(turn)
    elif step == "title":
        ask_title(turn)
    elif step == "summary":
        show_summary(turn, sub)
    else:
        ask_category(turn, sub)
