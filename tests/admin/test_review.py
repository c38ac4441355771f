"""Review: queue order and scope, the item page, decisions, corrections, locks, translations."""

from __future__ import annotations

from sqlmodel import select

from core.airing.models import Cluster
from core.intake.models import Submission, SubtitleTrack
from core.notify.models import Notification
from core.org.models import Officer
from core.records.models import AuditEvent
from core.review.models import ContentItem, ContentTarget, EditLock, Review, TranslationRequest
from tests.admin.conftest import csrf_of, ids, make_submission, sign_in


def _approve(web, sid: int, clusters: list[int], **extra):
    page = web.get(f"/review/{sid}")
    data = {"csrf_token": csrf_of(page.text), "clusters": clusters, "valid_from": "2026-12-01",
            "valid_to": "2026-12-07", "priority": "normal", "title": "Tiêu đề duyệt", **extra}
    return web.post(f"/review/{sid}/approve", data=data, follow_redirects=False)


def _all(rt, model, **where):
    with rt.db.reading() as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.exec(query).all()


def test_queue_puts_emergencies_first_then_the_oldest(web, org) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    old = make_submission(org, title="Cũ", received_at=now - timedelta(days=2))
    new = make_submission(org, title="Mới", received_at=now - timedelta(hours=1))
    urgent = make_submission(org, title="Khẩn", is_emergency=True, category="2d", received_at=now)
    make_submission(org, title="Đã duyệt", state="approved")
    sign_in(web, "bientap")
    page = web.get("/review").text
    positions = [page.index(f"/review/{sid}\"") for sid in (urgent, old, new)]
    assert positions == sorted(positions)
    assert "Đã duyệt" not in page
    assert "Đang chờ: 3" in web.get("/review/count").text
    assert "Đã duyệt" in web.get("/review?state=approved").text


def test_editor_approves_with_corrections_and_the_officer_is_notified(web, org) -> None:
    sid = make_submission(org, title="Tieu de sai", category="2b", language="en")
    sign_in(web, "bientap")
    page = web.get(f"/review/{sid}")
    fixed = web.post(f"/review/{sid}/correct", data={
        "csrf_token": csrf_of(page.text), "title": "Tiêu đề đúng", "caption": "Mô tả", "body": "",
        "category": "2c", "language": "vi"}, follow_redirects=False)
    assert fixed.status_code == 303
    mlt, umtk = ids(org, Cluster, code="MLT"), ids(org, Cluster, code="UMTK")
    assert _approve(web, sid, [mlt, umtk]).status_code == 303
    submission = _all(org, Submission, id=sid)[0]
    assert submission.state == "approved" and submission.category == "2c" and submission.language == "vi"
    item = _all(org, ContentItem, submission_id=sid)[0]
    assert item.title == "Tiêu đề duyệt" and item.category == "2c" and item.is_active
    assert sorted(t.cluster_id for t in _all(org, ContentTarget, content_item_id=item.id)) == sorted([mlt, umtk])
    reviews = _all(org, Review, submission_id=sid)
    assert [r.decision for r in reviews] == ["correction", "approved"]
    assert reviews[0].changes == {"title": ["Tieu de sai", "Tiêu đề đúng"], "category": ["2b", "2c"],
                                  "language": ["en", "vi"]}
    note = _all(org, Notification, event="review.approved")[0]
    assert (
        note.object_id == sid
        and note.dedupe_key == f"review.approved:submission:{sid}/review/{reviews[1].id}:{submission.officer_id}"
    )
    actions = [e.action for e in _all(org, AuditEvent)]
    assert "review.corrected" in actions and "review.approved" in actions
    assert _all(org, EditLock, submission_id=sid) == []  # the decision released the lock


def test_a_second_approval_of_the_same_item_is_refused(web, org) -> None:
    sid = make_submission(org)
    sign_in(web, "bientap")
    mlt = ids(org, Cluster, code="MLT")
    page = web.get(f"/review/{sid}")
    data = {"csrf_token": csrf_of(page.text), "clusters": [mlt], "valid_from": "2026-12-01",
            "valid_to": "2026-12-07", "priority": "normal", "title": "A"}
    assert web.post(f"/review/{sid}/approve", data=data, follow_redirects=False).status_code == 303
    again = web.post(f"/review/{sid}/approve", data=data, follow_redirects=False)
    assert again.status_code == 422 and "đã được quyết định" in again.text
    assert len(_all(org, ContentItem, submission_id=sid)) == 1
    assert [r.decision for r in _all(org, Review, submission_id=sid)] == ["approved"]


def test_reject_needs_a_reason_and_tells_the_officer(web, org) -> None:
    sid = make_submission(org)
    sign_in(web, "bientap")
    token = csrf_of(web.get(f"/review/{sid}").text)
    empty = web.post(f"/review/{sid}/reject", data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 422 and "Hãy nêu lý do" in empty.text
    assert _all(org, Submission, id=sid)[0].state == "ready"
    done = web.post(f"/review/{sid}/reject", data={"csrf_token": token, "reason": "Ảnh mờ"}, follow_redirects=False)
    assert done.status_code == 303
    assert _all(org, Submission, id=sid)[0].state == "rejected"
    assert _all(org, Notification, event="review.rejected")[0].payload["reason"] == "Ảnh mờ"


def test_request_changes_sends_the_item_back_with_a_note(web, org) -> None:
    sid = make_submission(org)
    sign_in(web, "bientap")
    token = csrf_of(web.get(f"/review/{sid}").text)
    web.post(f"/review/{sid}/changes", data={"csrf_token": token, "note": "Thêm phụ đề"})
    assert _all(org, Submission, id=sid)[0].state == "changes_requested"
    assert _all(org, Notification, event="review.changes_requested")[0].payload["reason"] == "Thêm phụ đề"


def test_editing_after_approval_sends_the_item_back(web, org) -> None:
    sid = make_submission(org)
    sign_in(web, "bientap")
    _approve(web, sid, [ids(org, Cluster, code="MLT")])
    token = csrf_of(web.get(f"/review/{sid}").text)
    web.post(f"/review/{sid}/correct", data={"csrf_token": token, "title": "Tiêu đề mới", "caption": "Mô tả",
                                             "body": "", "category": "2b", "language": "vi"})
    assert _all(org, Submission, id=sid)[0].state == "ready"
    assert _all(org, ContentItem, submission_id=sid)[0].is_active is False
    assert "review.reopened" in [e.action for e in _all(org, AuditEvent)]


def test_subtitles_are_saved_as_a_track_and_a_correction(web, org) -> None:
    sid = make_submission(org, video=True)
    sign_in(web, "bientap")
    page = web.get(f"/review/{sid}")
    assert '<video id="player"' in page.text
    saved = web.post(f"/review/{sid}/subtitles", data={
        "csrf_token": csrf_of(page.text), "language": "vi", "seg_start": ["0", "2.5", ""],
        "seg_end": ["2.5", "5", ""], "seg_text": ["Xin chào", "bà con <b>bản</b>", ""]}, follow_redirects=False)
    assert saved.status_code == 303
    track = _all(org, SubtitleTrack, submission_id=sid)[0]
    assert "00:00:02.500 --> 00:00:05.000" in track.vtt and "bà con <b>bản</b>" in track.vtt
    assert web.get(f"/review/{sid}/tracks/{track.id}.vtt").headers["content-type"].startswith("text/vtt")
    backwards = web.post(f"/review/{sid}/subtitles", data={
        "csrf_token": csrf_of(page.text), "language": "vi", "seg_start": ["3"], "seg_end": ["1"], "seg_text": ["x"]})
    assert backwards.status_code == 422 and "Phụ đề 1 kết thúc trước khi bắt đầu" in backwards.text


def test_media_is_served_only_within_scope(web, org) -> None:
    sid = make_submission(org, video=True)
    with org.db.reading() as session:
        from core.intake.models import MediaAsset

        asset = session.exec(select(MediaAsset).where(MediaAsset.submission_id == sid)).first()
    sign_in(web, "bientap")
    assert web.get(f"/media/{asset.id}").status_code == 200
    sign_in(web, "vanhanh.tanphong")
    assert web.get(f"/media/{asset.id}").status_code == 404
    assert web.get(f"/review/{sid}").status_code == 404
    assert "access.denied" in [e.action for e in _all(org, AuditEvent)]


def test_operator_approves_for_own_public_cluster_only(web, org) -> None:
    mine = make_submission(org, username="congtacvien", target_kind="cluster", cluster="TANPHONG")
    border = make_submission(org, username="congtacvien", target_kind="border_gate")
    sign_in(web, "vanhanh.tanphong")
    page = web.get("/review").text
    assert f"/review/{mine}\"" in page and f"/review/{border}\"" not in page
    forged = _approve(web, mine, [ids(org, Cluster, code="MLT")])
    assert forged.status_code == 422 and _all(org, Submission, id=mine)[0].state == "ready"
    assert _approve(web, mine, [ids(org, Cluster, code="TANPHONG")]).status_code == 303
    assert web.post(f"/review/{border}/reject", data={"csrf_token": "x", "reason": "no"}).status_code in {403, 404}


def test_a_script_in_a_caption_is_shown_as_text(web, org) -> None:
    sid = make_submission(org, title="<script>alert(1)</script>", caption="<img src=x onerror=alert(2)>")
    sign_in(web, "bientap")
    page = web.get(f"/review/{sid}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x onerror" not in page
    assert "&lt;script&gt;" in web.get("/review").text


def test_edit_lock_is_shown_to_a_second_editor_and_a_senior_may_take_over(web, org) -> None:
    sid = make_submission(org)
    sign_in(web, "bientap")
    web.get(f"/review/{sid}")
    sign_in(web, "quantri")
    page = web.get(f"/review/{sid}")
    assert "Lò Thị Biên đang xử lý tin này" in page.text and 'id="approve-form"' not in page.text
    assert "being edited by Lò Thị Biên" in web.get("/review?lang=en").text  # the queue names the holder
    assert "Lò Thị Biên" in web.get("/review").text  # the queue shows who holds it
    web.post(f"/review/{sid}/lock/break", data={"csrf_token": csrf_of(page.text)})
    assert _all(org, EditLock, submission_id=sid)[0].officer_id == ids(org, Officer,
                                                                        username="quantri")
    sign_in(web, "bientap")
    blocked = _approve(web, sid, [ids(org, Cluster, code="MLT")])
    assert blocked.status_code == 409 and _all(org, Submission, id=sid)[0].state == "ready"
    assert "review.lock_broken" in [e.action for e in _all(org, AuditEvent)]


def test_translation_request_goes_to_the_translator_and_comes_back_as_a_track(web, org) -> None:
    sid = make_submission(org, video=True)
    sign_in(web, "bientap")
    page = web.get(f"/review/{sid}")
    translator = ids(org, Officer, username="dichthuat")
    web.post(f"/review/{sid}/translation", data={"csrf_token": csrf_of(page.text), "language": "en",
                                                 "translator": translator, "note": "Gấp"})
    request = _all(org, TranslationRequest, submission_id=sid)[0]
    assert _all(org, Notification, event="translation.requested")[0].officer_id == translator
    sign_in(web, "dichthuat")
    assert "Gấp" in web.get("/translations").text
    item = web.get(f"/review/{sid}")
    assert item.status_code == 200 and 'id="approve-form"' not in item.text
    bad = web.post(f"/translations/{request.id}", data={"csrf_token": csrf_of(item.text), "vtt": "hello"})
    assert bad.status_code == 422
    vtt = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nHello, villagers\n"
    done = web.post(f"/translations/{request.id}", data={"csrf_token": csrf_of(item.text), "vtt": vtt},
                    follow_redirects=False)
    assert done.status_code == 303
    track = _all(org, SubtitleTrack, submission_id=sid, kind="translation")[0]
    assert track.language == "en" and "Hello, villagers" in track.vtt
    assert _all(org, Notification, event="translation.completed")[0].officer_id == ids(
        org, Officer, username="bientap")


def test_contributor_sees_only_own_submissions(web, org) -> None:
    mine = make_submission(org, username="congtacvien")
    other = make_submission(org, username="vanhanh")
    sign_in(web, "congtacvien")
    page = web.get("/review?state=").text
    assert f"/review/{mine}\"" in page and f"/review/{other}\"" not in page
    assert web.get(f"/review/{other}").status_code == 404
    assert 'id="approve-form"' not in web.get(f"/review/{mine}").text
