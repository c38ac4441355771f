"""Files over the Bot API's 20 MB: a personal upload link with resumable chunks; local Bot API mode."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.telegram.app import build_telegram
from core.intake.models import MediaAsset, Submission, UploadSession
from core.types import utcnow
from tests.bot import updates as U
from tests.bot.conftest import Harness, runtime_for, seed
from tests.bot.fake_telegram import FakeTelegram

BIG = 21 * 1024 * 1024
CHUNK = 4 * 1024 * 1024


def link_in(texts: list[str]) -> str:
    match = re.search(r"http://testserver(/upload/\S+)", "\n".join(texts))
    assert match, texts
    return match.group(1)


async def test_big_clip_gets_a_link_and_the_upload_resumes_after_a_drop(h: Harness) -> None:
    await h.onboard(901)
    data = os.urandom(BIG)
    replies = await h.send_media(901, "video", data, caption="Phóng sự biên giới")
    assert replies[0].startswith("Tệp này quá lớn, Telegram không chuyển được cho tôi.")
    assert "thuộc lĩnh vực nào" in replies[1]
    assert not [c for c in h.fake.calls if c["method"] == "getFile"]  # declared size: no attempt at all
    path = link_in(replies)
    async with h.web() as web:
        page = await web.get(path)
        assert page.status_code == 200 and "Tải tệp lớn lên" in page.text
        head = {"Upload-Length": str(BIG), "Content-Type": "application/offset+octet-stream"}
        for offset in (0, CHUNK, 2 * CHUNK):
            r = await web.patch(path + "/data", content=data[offset:offset + CHUNK],
                                headers={**head, "Upload-Offset": str(offset)})
            assert r.status_code == 204
        # The phone lost the answer to the third chunk (3G dropped): it asks where to resume.
        r = await web.head(path + "/data")
        assert r.headers["Upload-Offset"] == str(3 * CHUNK)
        stale = await web.patch(path + "/data", content=data[:CHUNK], headers={**head, "Upload-Offset": "0"})
        assert stale.status_code == 409 and stale.headers["Upload-Offset"] == str(3 * CHUNK)
        offset = 3 * CHUNK
        while offset < BIG:
            r = await web.patch(path + "/data", content=data[offset:offset + CHUNK],
                                headers={**head, "Upload-Offset": str(offset)})
            offset = int(r.headers["Upload-Offset"])
        assert r.status_code == 200 and r.json() == {"done": True, "code": None, "draft": True}
        assert h.fake.texts(901)[-1] == "Đã nhận tệp lớn. Hãy hoàn tất bằng các nút ở trên rồi bấm Gửi."
        assert (await web.get(path)).status_code == 410  # single use
    await h.answer_all(901)
    with h.rt.db.reading() as s:
        sub = s.exec(select(Submission)).one()
        [asset] = s.exec(select(MediaAsset)).all()
    assert sub.state == "received" and asset.submission_id == sub.id and asset.size_bytes == BIG
    assert asset.sha256 == hashlib.sha256(data).hexdigest()
    assert h.rt.queue.pending() == 1


async def test_link_can_be_finished_after_send_and_queues_the_media_job(h: Harness) -> None:
    await h.onboard(902)
    data = os.urandom(BIG)
    replies = await h.send_media(902, "video", data)
    path = link_in(replies)
    summary = await h.answer_all(902)
    assert summary[0].startswith("Đã nhận")
    assert h.rt.queue.pending() == 0  # nothing to process yet
    async with h.web() as web:
        r = await web.patch(path + "/data", content=data, headers={"Upload-Offset": "0", "Upload-Length": str(BIG)})
    code = r.json()["code"]
    assert code and code.startswith("BT-") and h.rt.queue.pending() == 1
    assert h.fake.texts(902)[-1] == f"Tệp lớn đã được bổ sung vào {code}. Cảm ơn bạn!"


async def test_undeclared_size_refused_by_getfile_also_gets_a_link(h: Harness) -> None:
    await h.onboard(903)
    f = h.fake.add_file(b"\0" * (BIG))
    update = U.media(h.fake, 903, "video", f)
    del update["message"]["video"]["file_size"]
    h.new_texts(903)
    await h.send(update)
    assert h.new_texts(903)[0].startswith("Tệp này quá lớn")


async def test_expired_or_unknown_link_is_refused(h: Harness) -> None:
    await h.onboard(904)
    replies = await h.send_media(904, "video", os.urandom(BIG))
    path = link_in(replies)
    with h.rt.db.unit_of_work() as s:
        row = s.exec(select(UploadSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        s.add(row)
    async with h.web() as web:
        assert (await web.get(path)).status_code == 410
        assert (await web.head(path + "/data")).status_code == 410
        assert (await web.get("/upload/not-a-token")).status_code == 404


async def test_local_bot_api_server_has_no_20_mb_limit(tmp_path: Path, template_db: Path) -> None:
    fake = FakeTelegram(local_mode=True, files_dir=tmp_path)
    await fake.start()
    rt = runtime_for(tmp_path, template_db, fake.url, telegram_download_limit_mb=0)
    seed(rt)
    tg = build_telegram(rt)
    h = Harness("polling", fake, rt, tg)
    task = asyncio.create_task(tg.dispatcher.start_polling(tg.bot, handle_signals=False, polling_timeout=1,
                                                           close_bot_session=False))
    try:
        await h.onboard(905)
        data = os.urandom(BIG)
        replies = await h.send_media(905, "video", data)
        assert "thuộc lĩnh vực nào" in replies[0]
        with rt.db.reading() as s:
            [asset] = s.exec(select(MediaAsset)).all()
        assert asset.sha256 == hashlib.sha256(data).hexdigest()
    finally:
        await tg.dispatcher.stop_polling()
        await task
        await tg.close()
        await fake.stop()
        rt.close()


async def test_a_changed_file_size_mid_upload_is_refused_in_vietnamese_and_the_data_kept(h: Harness) -> None:
    await h.onboard(911)
    data = os.urandom(BIG)
    path = link_in(await h.send_media(911, "video", data))
    async with h.web() as web:
        r = await web.patch(path + "/data", content=data[:CHUNK],
                            headers={"Upload-Offset": "0", "Upload-Length": str(BIG)})
        assert r.status_code == 204
        other = await web.patch(path + "/data", content=data[CHUNK:2 * CHUNK],
                                headers={"Upload-Offset": str(CHUNK), "Upload-Length": str(BIG + 10)})
        assert other.status_code == 400
        assert other.json() == {"error": f"Tệp đã đổi kích thước trong khi tải lên (lúc đầu {BIG} byte, nay "
                                         f"{BIG + 10}). Hãy chọn lại đúng tệp đó để tiếp tục."}
        assert (await web.head(path + "/data")).headers["Upload-Offset"] == str(CHUNK)  # what arrived is kept


async def test_upload_refusals_come_back_in_the_pages_language(h: Harness) -> None:
    await h.onboard(912)
    path = link_in(await h.send_media(912, "video", os.urandom(BIG)))
    async with h.web() as web:
        huge = await web.patch(path + "/data", content=b"x",
                               headers={"Upload-Offset": "0", "Upload-Length": str(10**12)})
        missing = await web.patch(path + "/data", content=b"x")
    limit = h.rt.settings.max_upload_mb
    assert huge.status_code == 413 and huge.json() == {"error": f"Tệp phải có kích thước từ 1 byte đến {limit} MB."}
    assert missing.status_code == 400
    assert missing.json() == {"error": "Trang đã gửi tệp mà thiếu kích thước hoặc vị trí. Hãy tải lại trang."}


CHAT_WORDS = re.compile(r"Telegram|Zalo|/status|/cancel|\bbot\b|gửi lại tệp cho", re.IGNORECASE)


def visible(html: str) -> str:
    """The page's words a person reads or the script shows: tags and script paths left out, the JSON texts kept."""
    texts = re.search(r'<script type="application/json" id="upload-texts">(.*?)</script>', html, re.DOTALL)
    body = re.sub(r"<script\b.*?</script>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", body) + (texts.group(1).encode().decode("unicode_escape") if texts else "")


async def test_the_upload_page_speaks_web_not_chat_in_vietnamese_first(h: Harness) -> None:
    """Issue 15 item 6: the web page never tells a person to go back to the chat or type chat commands."""
    await h.onboard(905)
    path = link_in(await h.send_media(905, "video", os.urandom(BIG)))
    async with h.web() as web:
        page = await web.get(path)
        words = visible(page.text)
        assert page.status_code == 200 and 'lang="vi"' in page.text and "Tải tệp lớn lên" in words
        assert "Xong: tệp đã được nhận." in words  # what the page says when the upload ends
        assert not CHAT_WORDS.search(words), CHAT_WORDS.search(words)
        english = visible((await web.get(path + "?lang=en")).text)
        assert "Upload a large file" in english and not CHAT_WORDS.search(english)
        with h.rt.db.unit_of_work() as s:
            row = s.exec(select(UploadSession)).one()
            row.expires_at = utcnow() - timedelta(seconds=1)
            s.add(row)
        gone = await web.get(path)
        words = visible(gone.text)
        assert gone.status_code == 410 and "Đường liên kết này đã được dùng hoặc đã hết hạn." in words
        assert 'href="/gui"' in gone.text and not CHAT_WORDS.search(words), words
