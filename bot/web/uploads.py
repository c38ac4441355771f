"""The large-file page: a personal link, chunks sent with their offset, HEAD tells where to resume."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import aiohttp
from aiogram.exceptions import TelegramAPIError
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from sqlmodel import select

import i18n
from bot.conversation import writing
from bot.web.templating import render
from bot.web.webhook import telegram_for
from core.errors import FieldInvalid, NotFound
from core.intake import uploads
from core.intake.models import Submission
from core.org.models import ChannelAccount, Officer
from core.records.audit import Actor
from core.runtime import Runtime
from core.types import Channel
from i18n.labels import N_

router = APIRouter()
log = logging.getLogger("bot.uploads")
MB = 1024 * 1024
# One writer per upload in this process; the offset check refuses a second process's overlap.
_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _lookup(rt: Runtime, token: str) -> tuple[int, int | None, str, str | None]:
    with rt.db.reading() as session:
        row = uploads.find_upload(session, token=token)
        officer = session.get(Officer, row.officer_id)
        assert row.id is not None
        return row.id, row.total_size, officer.language if officer else "vi", row.filename


@router.get("/upload/{token}", response_class=HTMLResponse, include_in_schema=False)
async def upload_page(request: Request, token: str) -> HTMLResponse:
    rt = _runtime(request)
    asked = request.query_params.get("lang")  # ?lang=en; otherwise the officer's language, Vietnamese by default
    try:
        upload_id, _total, language, filename = await asyncio.to_thread(_lookup, rt, token)
    except uploads.UploadGone:
        return render(request, "upload_gone.html", i18n.normalise_language(asked), {}, status_code=410)
    except NotFound:
        return render(request, "upload_gone.html", i18n.normalise_language(asked), {}, status_code=404)
    language = i18n.normalise_language(asked or language)
    have = uploads.current_offset(rt.settings.data_path, upload_id)
    return render(request, "upload.html", language, {"token": token, "filename": filename, "have": have,
                                                     "chunk": MB, "max_mb": rt.settings.max_upload_mb})


@router.head("/upload/{token}/data", include_in_schema=False)
async def upload_offset(request: Request, token: str) -> Response:
    rt = _runtime(request)
    try:
        upload_id, total, _lang, _name = await asyncio.to_thread(_lookup, rt, token)
    except uploads.UploadGone:
        return Response(status_code=410)
    except NotFound:
        return Response(status_code=404)
    headers = {
        "Upload-Offset": str(uploads.current_offset(rt.settings.data_path, upload_id)),
        "Cache-Control": "no-store",
    }
    if total:
        headers["Upload-Length"] = str(total)
    return Response(status_code=200, headers=headers)


@router.patch("/upload/{token}/data", include_in_schema=False)
async def upload_chunk(request: Request, token: str) -> Response:
    rt = _runtime(request)
    try:
        upload_id, _total, language, _name = await asyncio.to_thread(_lookup, rt, token)
    except uploads.UploadGone:
        return Response(status_code=410)
    except NotFound:
        return Response(status_code=404)
    try:
        offset = int(request.headers["Upload-Offset"])
        total = int(request.headers["Upload-Length"])
    except (KeyError, ValueError):
        message = i18n.gettext(language, N_("The page sent the file without its size or position. Reload the page."))
        return JSONResponse({"error": message}, status_code=400)
    async with _locks[upload_id]:
        chunk = await request.body()
        try:
            new_offset = await asyncio.to_thread(_append, rt, token, offset, total, chunk)
        except FieldInvalid as exc:
            # The page shows `error` as it is: it is in the officer's language, like the page.
            have = uploads.current_offset(rt.settings.data_path, upload_id)
            message = exc.args[0]
            status = 409 if message == uploads.WRONG_OFFSET else 413 if message == uploads.TOO_BIG else 400
            text = i18n.gettext(language, message) % exc.values if exc.values else i18n.gettext(language, message)
            return JSONResponse({"error": text}, status_code=status, headers={"Upload-Offset": str(have)})
        if new_offset < total:
            return Response(status_code=204, headers={"Upload-Offset": str(new_offset)})
        code, draft, chat, language = await asyncio.to_thread(
            _complete, rt, token, request.client.host if request.client else None)
    if chat is not None and rt.settings.telegram_token:
        await _tell_officer(request, chat, language, code)
    return JSONResponse({"done": True, "code": code, "draft": draft}, headers={"Upload-Offset": str(new_offset)})


def _append(rt: Runtime, token: str, offset: int, total: int, chunk: bytes) -> int:
    with rt.db.reading() as session:
        row = uploads.find_upload(session, token=token)
    # The file is written (and synced) outside any transaction: the database is not held for disk time.
    new_offset = uploads.append_chunk(data_dir=rt.settings.data_path, upload=row, offset=offset, total=total,
                                      chunk=chunk, max_bytes=rt.settings.max_upload_mb * MB)
    with writing(rt) as session:
        uploads.record_progress(session, upload_id=row.id, total=total, received=new_offset)  # type: ignore[arg-type]
    return new_offset


def _complete(rt: Runtime, token: str, address: str | None) -> tuple[str | None, bool, str | None, str]:
    with rt.db.reading() as session:
        row = uploads.find_upload(session, token=token)
    stored = uploads.store_part(data_dir=rt.settings.data_path, upload=row, store=rt.store)
    with writing(rt) as session:
        row = uploads.find_upload(session, token=token)  # again, under the lock: single use
        officer = session.get(Officer, row.officer_id)
        actor = Actor(label=officer.full_name if officer else "officer", channel=Channel.web,
                      officer_id=row.officer_id, address=address)
        sub: Submission = uploads.complete_upload(session, upload=row, stored=stored, data_dir=rt.settings.data_path,
                                                  queue=rt.queue, actor=actor)
        chat = None  # the chat hears of it only when the submission came from the chat; the web page reloads itself
        if sub.channel == str(Channel.telegram):
            chat = session.exec(select(ChannelAccount.external_id).where(
                ChannelAccount.officer_id == row.officer_id, ChannelAccount.channel == str(Channel.telegram),
                ChannelAccount.is_active)).first()
        return sub.code, sub.code is None, chat, officer.language if officer else "vi"


async def _tell_officer(request: Request, chat: str, language: str, code: str | None) -> None:
    """Say in the chat that the big file arrived (the page says it too, so a failure here is only logged)."""
    if code:
        text = i18n.gettext(language, N_("The large file was added to %(code)s. Thank you!"), code=code)
    else:
        text = i18n.gettext(language, N_("The large file has arrived. Finish with the buttons above and press Send."))
    try:
        await telegram_for(request).engine.port.send_text(chat, text)
    except (TelegramAPIError, aiohttp.ClientError) as exc:
        log.warning("intake.upload_notice_failed", extra={"error": str(exc)})
