"""Reporting a technical or security incident from the chat (Điều 9.3, 12.2): /suco or the menu button, then
kind → where (a board or cluster of the officer's unit, or a typed place) → what happened → an optional photo.

The answers so far live in the chat's conversation row (`step` "incident.*", `data["incident"]`), like a draft's,
so any process continues the report. A draft submission in progress is set aside and waits at its own step.
While a report is open, every file goes to it (or is refused), never into a new submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import texts
from bot.flows import access, drafts
from bot.flows.turn import Turn
from bot.protocol import Button
from core.errors import Invalid
from core.incidents import service as incidents
from core.intake.rules import IncomingFile, IntakeRefused, classify, letters
from core.storage import StoredObject
from core.types import MediaKind, utcnow
from i18n.labels import N_

KIND, WHERE, WHAT, PHOTO = "incident.kind", "incident.where", "incident.what", "incident.photo"
STEPS = frozenset({KIND, WHERE, WHAT, PHOTO})
COMMANDS = frozenset({"suco", "incident"})  # Vietnamese "sự cố", and the English alias
PASS_THROUGH = frozenset({"help", "status", "lang"})  # answered as usual; the report stays where it is
ALBUM = "incident_album"  # conversation data: the album whose first photo went to a report
PHOTO_MAX_MB = 20  # a phone photo is a few MB; this is the Bot API's own download limit
MAX_BOARD_BUTTONS = 8  # more boards than this: the clusters are offered instead
MAX_CLUSTER_BUTTONS = 12
MIN_LETTERS = 3
TITLE_MAX = 120
CANCELLED = N_("The incident report was cancelled; nothing was recorded.")

KIND_LABELS = {
    "technical": N_("Technical (screen, power, connection)"),
    "security": N_("Security (hacked, wrong content shown)"),
}
REFUSALS = {
    "later": N_("Please answer the question above first; I will ask for a photo at the end."),
    "voice": N_("I cannot take a voice note for an incident report. Please type what happened in a few words."),
    "not_photo": N_('Please send a photo (a picture taken with the phone), or press "Skip".'),
    "too_big": N_('This picture is bigger than %(limit_mb)d MB. Please send it as a photo (not as a file), or press '
                  '"Skip".'),
    "unreadable": N_('I cannot read this picture (only JPEG or PNG). Please send it as a photo (not as a file), or '
                     'press "Skip".'),
}


def reporting(step: str | None) -> bool:
    return step in STEPS


def screen(step: str | None, files: list[IncomingFile], *, limit: int | None) -> tuple[list[IncomingFile], str | None]:
    """Which of the files of a message sent during a report to fetch (the first photo), or why none is taken.

    Decided from what the channel says before anything is downloaded: a 2 GB video costs nothing to refuse.
    """
    if step != PHOTO:
        voice = step == WHAT and any(f.hint in {"voice", "audio"} for f in files)
        return [], "voice" if voice else "later"
    for item in files:
        try:
            kind = classify(item, documents_allowed=True)
        except IntakeRefused:
            continue
        if kind != MediaKind.image:
            continue
        item.kind = str(kind)
        too_big = item.size is not None and (item.size > PHOTO_MAX_MB * 1024 * 1024 or (limit is not None
                                                                                       and item.size > limit))
        return ([], "too_big") if too_big else ([item], None)
    return [], "not_photo"


def claims(turn: Turn, *, screened: bool) -> bool:
    """Whether this event belongs to the incident flow (/help, /status and the language stay with their own)."""
    ev = turn.ev
    if ev.kind == "command" and ev.command in COMMANDS:
        return True
    if ev.kind == "command" and ev.command in PASS_THROUGH:
        return False
    if ev.kind == "choice":
        action = ev.action or ""
        if action.startswith("inc."):
            return True
        if action == "lang" or action.startswith("language."):
            return False
    if ev.kind == "media" and (screened or album_tail(turn.conv.step, turn.conv.data, ev.album_id)):
        return True
    return reporting(turn.conv.step)


def album_tail(step: str | None, data: Mapping[str, Any] | None, album_id: str | None) -> bool:
    """A later part of the album whose first photo already went with a report."""
    return bool(album_id) and not reporting(step) and (data or {}).get(ALBUM) == album_id


def handle(turn: Turn, *, refusal: str | None, stored: list[tuple[IncomingFile, StoredObject]],
           large: list[IncomingFile]) -> None:
    """One event of the incident flow."""
    ev = turn.ev
    if ev.kind == "command":
        _command(turn)
    elif ev.kind == "choice":
        _choice(turn, ev.action or "", ev.value or "")
    elif ev.kind == "media" and album_tail(turn.conv.step, turn.conv.data, ev.album_id):
        turn.say(N_("Only one photo is kept with an incident report; this one was not stored."),
                 reply_to=ev.message_ref)
    elif not reporting(turn.conv.step):
        turn.say(N_("This incident report is already finished or cancelled. Send the file again if it is for the "
                    "boards, or /suco to report another incident."), reply_to=ev.message_ref)
    elif ev.kind == "media":
        _media(turn, refusal, stored, large)
    elif ev.kind == "text":
        _text(turn, ev.text or "")
    else:
        turn.say(N_("I cannot use this kind of message."), reply_to=ev.message_ref)
        ask(turn)


# -- the questions ----------------------------------------------------------------------------------------
def start(turn: Turn) -> None:
    """Begin a report; a draft submission in progress waits at its step."""
    conv = turn.conv
    back = _state(turn).get("back") if reporting(conv.step) else (conv.step if turn.draft() is not None else None)
    conv.data = {}  # a fresh report: earlier answers and an old album mark go
    _save(turn, KIND, {"back": back})
    ask(turn)


def ask(turn: Turn) -> None:
    """The current step's question, with its buttons (again after a wrong answer, or on /resume)."""
    step, lang = turn.conv.step, turn.lang
    cancel = (Button(texts.t(lang, N_("Cancel")), "inc.cancel"),)
    if step == KIND:
        kinds = tuple((Button(texts.t(lang, label), "inc.kind", kind),) for kind, label in KIND_LABELS.items())
        turn.say(N_("Report an incident. What kind is it?"), buttons=kinds + (cancel,))
    elif step == WHERE:
        rows, asked = _place_buttons(turn)
        turn.say(asked, buttons=rows + (cancel,))
    elif step == WHAT:
        turn.say(N_("What happened? Describe it in a message (a voice note cannot be taken here: please type)."),
                 buttons=(cancel,))
    else:
        turn.say(N_('Send one photo of it if you can, or press "Skip".'), buttons=_photo_buttons(lang))


def _photo_buttons(lang: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(texts.t(lang, N_("Skip")), "inc.skip"), Button(texts.t(lang, N_("Cancel")), "inc.cancel")),)


def _place_buttons(turn: Turn) -> tuple[tuple[tuple[Button, ...], ...], str]:
    """The officer's boards when they are few, else their clusters; a typed place is always taken."""
    places = incidents.places_for(turn.session, unit_id=turn.officer().unit_id)
    boards = [(c, b) for c, bs in places for b in bs]
    if 0 < len(boards) <= MAX_BOARD_BUTTONS:
        rows = tuple((Button(b.name if len(places) == 1 else f"{b.name} · {c.name}", "inc.board", str(b.id)),)
                     for c, b in boards)
        return rows, N_("Where is it? Choose the board, or type the place in a few words.")
    if places:
        rows = tuple((Button(c.name, "inc.cluster", str(c.id)),) for c, _ in places[:MAX_CLUSTER_BUTTONS])
        return rows, N_("Where is it? Choose the cluster, or type the place in a few words.")
    return (), N_("Where is it? Type the place in a few words (village, road, board).")


# -- the answers ------------------------------------------------------------------------------------------
def _command(turn: Turn) -> None:
    """/suco (again: a fresh start), or another command during a report."""
    name = turn.ev.command
    if name in COMMANDS:
        start(turn)
    elif name == "cancel":
        cancel(turn)
    elif name == "resume":
        ask(turn)
    elif name == "new":  # a new submission instead: the report and any draft set aside go
        turn.say(CANCELLED)
        _close(turn, quiet=True)
        drafts.new(turn)
    else:
        access.command(turn)  # /start greets, an unknown command says so; the report stays where it is


def _choice(turn: Turn, action: str, value: str) -> None:
    step = turn.conv.step
    if action == "inc.start":
        start(turn)
    elif not reporting(step):
        turn.say(N_("This incident report is already finished or cancelled. /suco starts a new one."))
    elif action == "inc.cancel":
        cancel(turn)
    elif action == "inc.kind" and step == KIND and value in KIND_LABELS:
        _save(turn, WHERE, {"kind": value})
        ask(turn)
    elif action in {"inc.board", "inc.cluster"} and step == WHERE and value.isdigit():
        _choose_place(turn, action, int(value))
    elif action == "inc.skip" and step == PHOTO:
        _record(turn, photo_id=None)
    elif action.startswith("inc."):
        turn.say(N_("That button belongs to an earlier question. Please answer this one:"))
        ask(turn)
    else:  # a button of the draft set aside
        turn.say(N_("Please finish the incident report first, or send /cancel to stop."))
        ask(turn)


def _choose_place(turn: Turn, action: str, chosen: int) -> None:
    places = incidents.places_for(turn.session, unit_id=turn.officer().unit_id)
    if action == "inc.board" and any(b.id == chosen for _, bs in places for b in bs):
        _save(turn, WHAT, {"board_id": chosen, "cluster_id": None, "place": None})
    elif action == "inc.cluster" and any(c.id == chosen for c, _ in places):
        _save(turn, WHAT, {"board_id": None, "cluster_id": chosen, "place": None})
    else:
        turn.say(N_("That choice is not possible. Please choose again."))
    ask(turn)


def _text(turn: Turn, body: str) -> None:
    step = turn.conv.step
    if step == WHERE:
        if letters(body) < 2:
            turn.say(N_("Please type the place in words, or choose a button."))
            return
        _save(turn, WHAT, {"board_id": None, "cluster_id": None, "place": " ".join(body.split())[:300]})
        ask(turn)
    elif step == WHAT:
        if letters(body) < MIN_LETTERS:
            turn.say(N_("Please describe what happened in words (at least %(minimum)d letters or digits)."),
                     minimum=MIN_LETTERS)
            return
        title, description = _title(body)
        _save(turn, PHOTO, {"title": title, "description": description})
        ask(turn)
    elif step == PHOTO:
        turn.say(REFUSALS["not_photo"], buttons=_photo_buttons(turn.lang))
    else:
        turn.say(N_("Please choose with the buttons above, or send /cancel to stop."))
        ask(turn)


def _title(body: str) -> tuple[str, str | None]:
    """The first line, shortened at a word, as the title; the whole text as the description when it says more."""
    text = body.strip()
    first = " ".join(text.splitlines()[0].split())
    title = first if len(first) <= TITLE_MAX else first[:TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title, (text if text != title else None)


def _media(turn: Turn, refusal: str | None, stored: list[tuple[IncomingFile, StoredObject]],
           large: list[IncomingFile]) -> None:
    step = turn.conv.step
    photos = [(item, obj) for item, obj in stored if item.kind == str(MediaKind.image)]
    if refusal is None and step != PHOTO:  # the report moved on while the file was fetched
        refusal = screen(step, turn.ev.files, limit=None)[1]
    if refusal is None and not photos:
        refusal = "too_big" if large else "not_photo"
    if refusal is not None:
        buttons = _photo_buttons(turn.lang) if step == PHOTO else ()
        turn.say(REFUSALS[refusal], buttons=buttons, reply_to=turn.ev.message_ref, limit_mb=PHOTO_MAX_MB)
        return
    item, obj = photos[0]
    with turn.rt.store.open(obj.sha256) as handle:
        mime = incidents.photo_mime(handle.read(16))
    if mime is None:
        turn.say(REFUSALS["unreadable"], buttons=_photo_buttons(turn.lang), reply_to=turn.ev.message_ref)
        return
    asset = incidents.keep_photo(turn.session, stored=obj, mime=mime, filename=item.filename, width=item.width,
                                 height=item.height)
    if len(turn.ev.files) > 1:
        turn.say(N_("Only the first photo is kept with the report."))
    _record(turn, photo_id=asset.id)


# -- the end ---------------------------------------------------------------------------------------------
def _record(turn: Turn, *, photo_id: int | None) -> None:
    state = _state(turn)
    try:
        incident = incidents.report(
            turn.session, reporter=turn.officer(), kind=state.get("kind") or "technical",
            title=state.get("title") or "", description=state.get("description"), board_id=state.get("board_id"),
            cluster_id=state.get("cluster_id"), place=state.get("place"), photo_asset_id=photo_id, now=utcnow(),
            actor=turn.actor,
        )
    except Invalid:  # the board was removed meanwhile, or an answer went missing: ask where again
        _save(turn, WHERE, {})
        turn.say(N_("That choice is not possible. Please choose again."))
        ask(turn)
        return
    turn.say(N_("Recorded, thank you. Incident number: %(number)s.\nIt must be acknowledged by %(deadline)s; if "
                "nobody does, it is escalated to the provincial editors."),
             number=incident.number or "?", deadline=texts.when(incident.ack_due_at, turn.lang, turn.rt.settings.tz))
    _close(turn, album=turn.ev.album_id if photo_id is not None else None)


def cancel(turn: Turn) -> None:
    turn.say(CANCELLED)
    _close(turn)


def _close(turn: Turn, *, album: str | None = None, quiet: bool = False) -> None:
    """Leave the report: back to the draft set aside (if it is still one), else idle."""
    back = _state(turn).get("back")
    conv = turn.conv
    if back and turn.draft() is not None:
        conv.step, conv.data = back, {}
        if not quiet:
            turn.say(N_("Your unfinished submission is still waiting: /resume shows where you were."))
    else:
        turn.goto("idle")
    if album:
        conv.data = {ALBUM: album}
    turn.session.add(conv)


def _state(turn: Turn) -> dict[str, Any]:
    return dict((turn.conv.data or {}).get("incident") or {})


def _save(turn: Turn, step: str, changes: dict[str, Any]) -> None:
    """Move to `step` with the answers so far (a new dict: the JSON column sees only replaced values)."""
    conv = turn.conv
    conv.data = {**(conv.data or {}), "incident": {**_state(turn), **changes}}
    conv.step = step
    turn.session.add(conv)
