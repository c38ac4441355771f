"""The officer sees the media job's progress: one chat message edited in place, at most every few seconds,
ending at 100 %; a failed edit never fails the job; the web page shows the same progress."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from core.intake.models import Submission
from tests.bot.conftest import Harness

sys.path.insert(0, str(Path(__file__).parents[1] / "media"))
import makemedia as mm

from media import tasks

PROGRESS = re.compile(r"^(?P<label>.+) (?P<percent>\d+) ?%$")
EVERY = 0.6  # seconds between two edits in these tests (5 s in production): a short clip still shows several


async def _clip_sent(h: Harness, chat: int, tmp_path: Path, *, size: tuple[int, int] = (640, 360),
                     seconds: int = 3) -> int:
    await h.onboard(chat)
    clip = mm.write_video(tmp_path / "clip.mp4", size=size, fps=25, seconds=float(seconds))
    await h.send_media(chat, "video", clip.read_bytes(), duration=seconds, width=size[0], height=size[1])
    await h.answer_all(chat)
    with h.rt.db.reading() as s:
        return s.exec(select(Submission.id)).one()  # type: ignore[return-value]


def _progress_calls(h: Harness, chat: int) -> tuple[list[dict], list[dict]]:
    posted = [c for c in h.fake.sent(chat) if PROGRESS.match(c.get("text", ""))]
    edits = h.fake.sent(chat, "editMessageText")
    return posted, edits


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_a_clip_shows_one_progress_message_edited_in_place_up_to_100(h: Harness, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", EVERY)
    sid = await _clip_sent(h, 711, tmp_path, size=(1280, 720), seconds=10)  # long enough to be watched
    assert await asyncio.to_thread(tasks.process, submission_id=sid) == "done"  # the worker's thread, not the loop

    posted, edits = _progress_calls(h, 711)
    assert len(posted) == 1, [c["text"] for c in posted]  # one message, never one per step
    assert posted[0]["text"].startswith(("Đang kiểm tra tệp…", "Đang xử lý video…"))  # the officer's language
    assert edits and all(int(e["message_id"]) == posted[0]["result_id"] for e in edits)
    assert edits[-1]["text"] == "Đã sẵn sàng để biên tập viên duyệt 100 %"
    percents = [int(PROGRESS.match(c["text"])["percent"]) for c in [posted[0], *edits]]  # type: ignore[index]
    assert percents == sorted(percents) and percents[-1] == 100
    moments = [c["at"] for c in [posted[0], *edits[:-1]]]  # the closing 100 % edit comes when the job ends
    gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
    assert all(gap >= EVERY - 0.05 for gap in gaps), gaps
    assert len(edits) >= 2  # it did move while the officer watched
    with h.rt.db.reading() as s:
        assert s.get(Submission, sid).state == "ready"  # type: ignore[union-attr]


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_a_failed_edit_does_not_fail_the_job(h: Harness, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", EVERY)
    sid = await _clip_sent(h, 712, tmp_path)
    h.fake.faults.bad_request["editMessageText"] = 1000  # e.g. the officer deleted the message
    assert await asyncio.to_thread(tasks.process, submission_id=sid) == "done"
    posted, _ = _progress_calls(h, 712)
    assert len(posted) == 1
    assert [c for c in h.fake.calls if c["method"] == "editMessageText" and c.get("rejected") == 400]
    with h.rt.db.reading() as s:
        sub = s.get(Submission, sid)
        assert (sub.state, sub.progress) == ("ready", 100)  # type: ignore[union-attr]


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_english_officer_reads_progress_in_english(h: Harness, tmp_path, monkeypatch) -> None:
    from core.org.models import ChannelAccount, Officer

    monkeypatch.setattr(tasks, "PROGRESS_EVERY", EVERY)
    sid = await _clip_sent(h, 713, tmp_path)
    with h.rt.db.unit_of_work() as s:
        account = s.exec(select(ChannelAccount).where(ChannelAccount.external_id == "713")).one()
        officer = s.get(Officer, account.officer_id)
        officer.language = "en"  # type: ignore[union-attr]
    assert await asyncio.to_thread(tasks.process, submission_id=sid) == "done"
    posted, edits = _progress_calls(h, 713)
    assert len(posted) == 1 and edits[-1]["text"] == "Ready for the editors 100%"
