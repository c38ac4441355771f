"""A subtitle correction or a translation after approval does not take the item off the air: the
approved text keeps airing (the board's subtitle file is unchanged) until an editor approves the change."""

from __future__ import annotations

from sqlmodel import select

from core.airing.models import Cluster
from core.intake.models import Submission, SubtitleTrack
from core.review.models import ContentItem
from tests.admin.conftest import csrf_of, ids, make_submission, sign_in


def _one(rt, model, **where):
    with rt.db.reading() as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.exec(query).one()


def _subtitles(web, sid: int, text: str) -> None:
    token = csrf_of(web.get(f"/review/{sid}").text)
    web.post(f"/review/{sid}/subtitles", data={"csrf_token": token, "language": "vi", "seg_start": "0",
                                               "seg_end": "3", "seg_text": text})


def test_subtitle_correction_after_approval_keeps_the_approved_text_on_the_air(web, org) -> None:
    sid = make_submission(org, video=True)
    sign_in(web, "bientap")
    _subtitles(web, sid, "Bà con chú ý")
    token = csrf_of(web.get(f"/review/{sid}").text)
    web.post(f"/review/{sid}/approve", data={"csrf_token": token, "clusters": ids(org, Cluster, code="MLT"),
                                             "valid_from": "01/12/2026", "valid_to": "07/12/2026",
                                             "priority": "normal", "title": "Phóng sự"})
    assert _one(org, Submission, id=sid).state == "approved"
    assert "Bà con chú ý" in _one(org, SubtitleTrack, submission_id=sid).aired_vtt
    _subtitles(web, sid, "Bà con hãy chú ý phòng lũ")
    track = _one(org, SubtitleTrack, submission_id=sid)
    assert _one(org, Submission, id=sid).state == "approved"  # still on the air
    assert _one(org, ContentItem, submission_id=sid).is_active is True
    assert "Bà con chú ý" in track.aired_vtt and "phòng lũ" in track.vtt  # the approved text airs
    page = web.get(f"/review/{sid}")
    assert "Phụ đề đã sửa đang chờ duyệt" in page.text and "approve-subtitles" in page.text
    web.post(f"/review/{sid}/subtitles/approve", data={"csrf_token": csrf_of(page.text)})
    assert "phòng lũ" in _one(org, SubtitleTrack, submission_id=sid).aired_vtt
    assert "approve-subtitles" not in web.get(f"/review/{sid}").text


def test_a_title_change_after_approval_still_asks_for_approval_again(web, org) -> None:
    sid = make_submission(org)
    sign_in(web, "bientap")
    token = csrf_of(web.get(f"/review/{sid}").text)
    web.post(f"/review/{sid}/approve", data={"csrf_token": token, "clusters": ids(org, Cluster, code="MLT"),
                                             "valid_from": "2026-12-01", "valid_to": "2026-12-07",
                                             "priority": "normal", "title": "Tin"})
    token = csrf_of(web.get(f"/review/{sid}").text)
    web.post(f"/review/{sid}/correct", data={"csrf_token": token, "title": "Tiêu đề khác", "caption": "Mô tả",
                                             "body": "", "category": "2b", "language": "vi"})
    assert _one(org, Submission, id=sid).state == "ready"
