"""`/gui`: the officers' mobile page; it drives the same conversation and intake service as the bot."""

from __future__ import annotations

import asyncio
import secrets
import shutil
from pathlib import Path
from typing import Annotated, BinaryIO
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

import i18n
from admin.deps import CurrentOfficer, csrf_token, require_csrf
from bot import texts
from bot.conversation import ConversationEngine
from bot.notify.render import render as notify_render
from bot.protocol import Button, Inbound, Reply
from bot.web.templating import render
from bot.web.words import webify
from core.intake import service as intake
from core.intake.rules import IncomingFile
from core.notify import webinbox
from core.notify.delivery import RenderError
from core.notify.models import Notification
from core.org.models import Officer
from core.review import worklist
from core.runtime import Runtime
from core.types import Channel, MediaKind, SubmissionState

router = APIRouter()
COMMANDS = {"new", "status", "cancel", "resume"}
MB = 1024 * 1024
# With JavaScript, files above this go in resumable 1 MB chunks through personal upload links, so a
# dropped 3G connection resumes; smaller ones (photos, voice notes) ride in the form itself.
CHUNKED_ABOVE = 2 * MB
MAX_FILES = 10


class Announced(BaseModel):
    """A file the page will send in chunks, as the phone describes it."""

    name: str = Field(min_length=1, max_length=255)
    size: int = Field(gt=0)
    type: str = Field(default="", max_length=255)


ANNOUNCED = TypeAdapter(list[Announced])


class WebPort:
    """The web page as a channel: replies are collected for the page; uploads are already on disk."""

    channel = Channel.web
    download_limit: int | None = None

    def __init__(self, *, download_limit: int | None = None) -> None:
        self.replies: list[Reply] = []
        self.download_limit = download_limit  # 0: every announced file comes through an upload link

    async def send_text(self, address: str, text: str, *, buttons: tuple[tuple[Button, ...], ...] = (),
                        reply_to: str | None = None, ref_id: int | None = None) -> None:
        self.replies.append(Reply(text, buttons, reply_to, ref_id))

    async def send_media(self, address: str, path: Path, *, kind: MediaKind, caption: str | None = None) -> None:
        self.replies.append(Reply(caption or path.name))  # shown as a line; the page has no push channel

    async def download(self, item: IncomingFile, sink: BinaryIO) -> None:
        def copy() -> None:
            with open(item.ref, "rb") as handle:
                shutil.copyfileobj(handle, sink, 1024 * 1024)

        await asyncio.to_thread(copy)


def _status(rt: Runtime, officer_id: int, language: str) -> dict[str, object]:
    """The officer's last submissions; `busy` while one is being processed (the card then refreshes itself)."""
    with rt.db.reading() as session:
        recent = intake.recent(session, officer_id=officer_id)
    busy = any(sub.state in (SubmissionState.received, SubmissionState.processing) for sub in recent)
    return {"status": texts.status_lines(language, rt.settings.tz, recent), "busy": busy}


def _inbox_text(row: Notification, tz: ZoneInfo) -> str:
    try:
        return notify_render(row.event, row.payload or {}, row.language, tz=tz).text
    except RenderError:
        return row.event


def _page(request: Request, rt: Runtime, officer_id: int, language: str, replies: list[Reply]) -> HTMLResponse:
    tz = rt.settings.tz
    with rt.db.reading() as session:
        mine = worklist.own_submissions(session, officer_id=officer_id, limit=5)
        inbox = [(row.id, _inbox_text(row, tz), texts.when(row.sent_at, language, tz), row.read_at is None)
                 for row in webinbox.messages(session, officer_id=officer_id)]
        unread = webinbox.unread_count(session, officer_id=officer_id)
    shown = [Reply(webify(r.text, language), r.buttons, r.reply_to, r.ref_id) for r in replies]
    return render(request, "gui.html", language, {
        "replies": shown, "nonce": secrets.token_urlsafe(12), "csrf_token": csrf_token(request),
        "mine": mine, "chunked_above": CHUNKED_ABOVE, "chunk": MB, "inbox": inbox, "unread": unread,
        **_status(rt, officer_id, language),
    })


@router.post("/gui/read", include_in_schema=False, dependencies=[Depends(require_csrf)])
async def gui_mark_read(request: Request, officer: CurrentOfficer,
                        notification: Annotated[str, Form(max_length=20)] = "") -> RedirectResponse:
    """Mark one inbox message (or all of them) as read, then back to the page."""
    rt: Runtime = request.app.state.runtime
    with rt.db.unit_of_work() as session:
        webinbox.mark_read(session, officer_id=officer.id,  # type: ignore[arg-type]
                           notification_id=int(notification) if notification.isdigit() else None)
    return RedirectResponse("/gui#inbox", status_code=303)


@router.get("/gui/status", response_class=HTMLResponse, include_in_schema=False)
async def gui_status(request: Request, officer: CurrentOfficer) -> HTMLResponse:
    """The status card alone, polled by the page (htmx) while a submission is being processed."""
    rt: Runtime = request.app.state.runtime
    return render(request, "gui_status.html", officer.language, _status(rt, officer.id, officer.language))  # type: ignore[arg-type]


@router.get("/gui", response_class=HTMLResponse, include_in_schema=False)
async def gui_page(request: Request, officer: CurrentOfficer) -> HTMLResponse:
    rt: Runtime = request.app.state.runtime
    port = WebPort()
    engine = ConversationEngine(rt, port)
    asked = request.query_params.get("lang")
    language = officer.language
    if asked in i18n.LANGUAGES and asked != officer.language:
        # `/gui?lang=en` chooses the language of the page and of the messages, as the bot's language button does.
        await engine.handle(Inbound(channel=Channel.web, address=f"officer:{officer.id}", kind="choice",
                                    action="lang", value=asked, update_key=f"gui-lang:{secrets.token_hex(8)}"))
        language = asked
    await engine.handle(Inbound(channel=Channel.web, address=f"officer:{officer.id}", kind="command", command="resume"))
    return _page(request, rt, officer.id, language, port.replies)  # type: ignore[arg-type]


@router.post("/gui", response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(require_csrf)])
async def gui_post(
    request: Request, officer: CurrentOfficer,
    nonce: Annotated[str, Form(max_length=64)], text: Annotated[str, Form()] = "", choice: Annotated[str, Form()] = "",
    command: Annotated[str, Form()] = "", files: Annotated[list[UploadFile] | None, File()] = None,
    announce: Annotated[str, Form()] = "",
) -> Response:
    rt: Runtime = request.app.state.runtime
    if announce:
        return await _announce(rt, officer, nonce, text, announce)
    folder = rt.settings.data_path / "web-incoming" / secrets.token_hex(8)
    # The form's nonce is the exactly-once key: a double submit or a reload re-sends the same one.
    ev = Inbound(channel=Channel.web, address=f"officer:{officer.id}", kind="text", update_key=f"gui:{nonce}",
                 display_name=officer.full_name)
    try:
        uploaded = [f for f in files or [] if f.filename]
        if uploaded:
            ev.kind, ev.text = "media", text or None
            ev.files = await asyncio.to_thread(_save, folder, uploaded)
            ev.album_id = nonce if len(uploaded) > 1 else None
        elif choice:
            action, _, rest = choice.partition("|")
            value, _, ref = rest.partition("|")
            ev.kind, ev.action, ev.value, ev.ref_id = "choice", action, value, int(ref) if ref.isdigit() else None
        elif command in COMMANDS:
            ev.kind, ev.command = "command", command
        elif text.strip():
            ev.text = text
        else:
            ev.kind, ev.command, ev.update_key = "command", "resume", None
        port = WebPort()
        await ConversationEngine(rt, port).handle(ev)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with rt.db.reading() as session:
        fresh = session.get(Officer, officer.id)
        language = fresh.language if fresh else officer.language  # /lang may have changed it
    return _page(request, rt, officer.id, language, port.replies)  # type: ignore[arg-type]


async def _announce(rt: Runtime, officer: Officer, nonce: str, text: str, announce: str) -> JSONResponse:
    """Large files the page will send itself: the draft and one upload link per file, as JSON for the page."""
    try:
        announced = ANNOUNCED.validate_json(announce)
    except ValidationError:
        return JSONResponse({"error": "announce: a list of {name, size, type}"}, status_code=400)
    if not 0 < len(announced) <= MAX_FILES:
        return JSONResponse({"error": f"announce: 1 to {MAX_FILES} files"}, status_code=400)
    ev = Inbound(
        channel=Channel.web,
        address=f"officer:{officer.id}",
        kind="media",
        update_key=f"gui:{nonce}",
        display_name=officer.full_name,
        text=text or None,
        album_id=nonce if len(announced) > 1 else None,
        files=[
            IncomingFile(hint="document", ref="", mime=a.type or None, filename=a.name, size=a.size, order=order)
            for order, a in enumerate(announced)
        ],
    )
    replies = await ConversationEngine(rt, WebPort(download_limit=0)).handle(ev)
    return JSONResponse({"uploads": [r.upload for r in replies if r.upload], "replies": [r.text for r in replies]})


def _save(folder: Path, uploaded: list[UploadFile]) -> list[IncomingFile]:
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    for order, upload in enumerate(uploaded):
        path = folder / f"{order}"
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)
        items.append(IncomingFile(hint="document", ref=str(path), mime=upload.content_type, filename=upload.filename,
                                  size=path.stat().st_size, order=order))
    return items
