"""media.process and media.resume on a real database: idempotent, resumable, failing with a reason."""

from __future__ import annotations

import errno
from datetime import UTC, timedelta

import pytest
from makemedia import decode_all
from sqlmodel import select

from core.intake.models import MediaAsset, Submission, SubtitleTrack, Transcript
from core.notify.models import Notification
from core.org.models import Officer, Unit
from core.types import utcnow
from media import pipeline, tasks


def _submission(rt, files, *, caption=None, body=None, language="vi"):
    with rt.db.unit_of_work() as session:
        unit = Unit(code="xa-ma-lu-thang", name="UBND xã Ma Lù Thàng", kind="commune")
        session.add(unit)
        session.flush()
        officer = Officer(unit_id=unit.id, full_name="Lò Văn Minh", language=language)
        session.add(officer)
        session.flush()
        sub = Submission(officer_id=officer.id, unit_id=unit.id, channel="telegram", state="received",
                         caption=caption, body=body)
        session.add(sub)
        session.flush()
        for position, path in enumerate(files):
            stored = rt.store.put_file(path)
            session.add(MediaAsset(submission_id=sub.id, role="original", sha256=stored.sha256,
                                   size_bytes=stored.size_bytes, filename=path.name, position=position))
        return sub.id


def _load(rt, submission_id):
    with rt.db.reading() as session:
        sub = session.get(Submission, submission_id)
        assets = session.exec(select(MediaAsset).where(MediaAsset.submission_id == submission_id)).all()
        transcripts = session.exec(select(Transcript)).all()
        return sub, assets, transcripts


def _notes(rt, submission_id):
    with rt.db.reading() as session:
        return session.exec(select(Notification).where(Notification.object_id == submission_id,
                                                       Notification.object_type == "submission")).all()


def test_video_submission_becomes_ready(runtime_env, sample):
    rt = runtime_env
    sid = _submission(rt, [sample("android_vfr.mp4")], caption="Thông báo lịch tiêm phòng cho trẻ em trong xã")
    assert tasks.process(submission_id=sid) == "done"
    sub, assets, transcripts = _load(rt, sid)
    assert (sub.state, sub.progress, sub.progress_step, sub.kind) == ("ready", 100, "done", "video")
    roles = sorted(a.role for a in assets)
    assert roles == ["normalised", "original", "poster", "thumbnail"]
    original = next(a for a in assets if a.role == "original")
    assert original.kind == "video" and original.probe["vfr"] is True and original.duration_s
    for derived in (a for a in assets if a.role != "original"):
        assert derived.derived_from_id == original.id and rt.store.exists(derived.sha256)
    (transcript,) = transcripts
    assert transcript.status == "unavailable" and transcript.text is None
    assert sub.language == "vi" and sub.language_confidence and sub.language_confidence > 0.5
    (note,) = _notes(rt, sid)  # the officer hears it waits for the editors, once
    assert (note.event, note.payload["language"], note.payload["transcript"]) == ("submission.ready", "vi", "")


def test_running_twice_changes_nothing(runtime_env, sample):
    rt = runtime_env
    sid = _submission(rt, [sample("voice.ogg")])
    assert tasks.process(submission_id=sid) == "done"
    before = len(_load(rt, sid)[1])
    assert tasks.process(submission_id=sid) == "skipped"
    assert len(_load(rt, sid)[1]) == before


@pytest.mark.parametrize(("language", "reason"), [
    ("vi", "Tệp này không phải là video, hình ảnh hay bản ghi âm."),
    ("en", "This file is not a video, a picture or a sound recording."),
])
def test_bad_file_fails_with_a_reason_in_the_officers_language(runtime_env, sample, language, reason):
    rt = runtime_env
    sid = _submission(rt, [sample("random.bin")], language=language)
    assert tasks.process(submission_id=sid) == "failed"
    sub = _load(rt, sid)[0]
    assert (sub.state, sub.failure_reason) == ("failed", reason)
    assert tasks.process(submission_id=sid) == "skipped"
    (note,) = _notes(rt, sid)  # told why, in their language, once
    assert (note.event, note.language, note.payload["reason"]) == ("submission.failed", language, reason)


def test_killed_worker_job_is_done_again_after_restart(runtime_env, sample, monkeypatch):
    rt = runtime_env
    sid = _submission(rt, [sample("video_note.mp4"), sample("picture.webp")])
    real_run = pipeline.run
    calls = []

    def dies_on_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_run(*args, **kwargs)

    monkeypatch.setattr(pipeline, "run", dies_on_second)
    with pytest.raises(SystemExit):
        tasks.process(submission_id=sid)
    sub, assets, _ = _load(rt, sid)
    assert sub.state == "processing" and sum(a.role == "normalised" for a in assets) == 1

    assert tasks.resume() == []  # a job that spoke lately may still be alive: left alone
    with rt.db.unit_of_work() as session:
        session.get(Submission, sid).updated_at = utcnow() - timedelta(minutes=11)
    monkeypatch.setattr(pipeline, "run", real_run)
    rt.queue.huey.immediate = True  # the restarted worker consumes what the sweep enqueues
    assert tasks.resume() == [sid]
    sub, assets, _ = _load(rt, sid)
    assert sub.state == "ready"
    normalised = [a for a in assets if a.role == "normalised"]
    assert len(normalised) == 2 and len({a.derived_from_id for a in normalised}) == 2


def test_transient_error_is_retried_not_failed(runtime_env, sample, monkeypatch):
    rt = runtime_env
    sid = _submission(rt, [sample("voice.ogg")])
    real_run = pipeline.run
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "disk full")))
    with pytest.raises(OSError):
        tasks.process(submission_id=sid)
    sub = _load(rt, sid)[0]
    assert (sub.state, sub.progress_step) == ("processing", tasks.RETRY_WAIT)
    monkeypatch.setattr(pipeline, "run", real_run)
    assert tasks.process(submission_id=sid) == "done"  # Huey's retry


def test_unexpected_error_fails_with_a_generic_reason(runtime_env, sample, monkeypatch):
    rt = runtime_env
    sid = _submission(rt, [sample("voice.ogg")])
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: (_ for _ in ()).throw(ValueError("bug")))
    with pytest.raises(ValueError):
        tasks.process(submission_id=sid)
    sub = _load(rt, sid)[0]
    assert sub.state == "failed" and sub.failure_reason == "Không xử lý được tệp; bộ phận kỹ thuật đã được báo."


def _speech_file(path, signal):
    import numpy as np
    from makemedia import write_audio

    return write_audio(path, fmt="ogg", codec="libopus", rate=48000, seconds=0,
                       signal=np.concatenate([np.zeros(8000, np.float32), signal]))


def test_transcript_and_subtitles_are_stored(runtime_env, whisper_base, speak, tmp_path):
    rt = runtime_env
    rt.settings.whisper_model = whisper_base
    voice = _speech_file(tmp_path / "voice.ogg", speak("The meeting of the village starts at eight tomorrow morning."))
    sid = _submission(rt, [voice])
    assert tasks.process(submission_id=sid) == "done"
    sub, _, transcripts = _load(rt, sid)
    (transcript,) = transcripts
    assert (transcript.status, transcript.language, transcript.path) == ("done", "en", "detected")
    assert "village" in transcript.text and transcript.segments[0]["start"] > 0  # after the half-second pause
    assert (sub.language, sub.language_needs_review) == ("en", False)
    with rt.db.reading() as session:
        (track,) = session.exec(select(SubtitleTrack).where(SubtitleTrack.submission_id == sid)).all()
    assert track.language == "en" and "village" in track.vtt
    (note,) = _notes(rt, sid)
    assert "village" in note.payload["transcript"]


def test_undetermined_speech_stays_a_draft_off_the_boards(runtime_env, whisper_base, speak, tmp_path):
    rt = runtime_env
    rt.settings.whisper_model = whisper_base
    thai = "Pi noọng bản mường mà hăư pắt tỏ chạu nị, hảu pay hướng lăng khỏ mự."
    sid = _submission(rt, [_speech_file(tmp_path / "thai.ogg", speak(thai, "vi"))],
                      caption="Thông báo của bản về lịch họp dân tháng này")  # a Vietnamese caption: vi likely
    assert tasks.process(submission_id=sid) == "done"
    sub, _, transcripts = _load(rt, sid)
    (transcript,) = transcripts
    assert transcript.status == "draft" and transcript.path == "forced_vi_refused"
    assert transcript.segments and transcript.detail.startswith("undetermined language")
    assert (sub.state, sub.language, sub.language_needs_review) == ("ready", "und", True)
    with rt.db.reading() as session:  # no track: nothing reaches a board until an editor writes one
        assert session.exec(select(SubtitleTrack).where(SubtitleTrack.submission_id == sid)).all() == []


def test_text_notice_is_tagged(runtime_env):
    rt = runtime_env
    sid = _submission(rt, [], body="Kuv lub npe hu ua Pov. Koj lub npe hu li cas? Kuv nyob zoo.")
    assert tasks.process(submission_id=sid) == "done"
    sub = _load(rt, sid)[0]
    assert (sub.state, sub.language) == ("ready", "hmn")


def test_progress_text_for_the_bot():
    assert tasks.progress_text("normalise", 60) == "Đang xử lý video… 60 %"
    assert tasks.progress_text("transcribe", 80, "en") == "Transcribing the speech… 80%"


@pytest.mark.parametrize(("body", "language"), [
    ("Kuv lub npe hu ua Pov. Peb mus ua liaj ua teb thaum sawv ntxov. Nag los ntau heev.", "hmn"),
    ("Yie mbuo hnoi nyei gorngv waac, mienh mbuo yiem naaiv. Meih hnangv haaix nor?", "und"),
])
def test_text_notice_sent_through_intake_is_tagged_and_flagged(runtime_env, body, language):
    from datetime import datetime

    from core.intake import service as intake
    from core.records.audit import SYSTEM

    rt = runtime_env
    rt.queue.huey.immediate = True  # the worker takes what intake queues after the commit
    sid = _submission(rt, [], body=body)
    with rt.db.unit_of_work() as session:
        sub = session.get(Submission, sid)
        sub.state, sub.category, sub.target_kind = "draft", "2b", "own"
        sub.wished_start = datetime(2026, 12, 1, tzinfo=UTC)
        sub.wished_end = datetime(2026, 12, 8, tzinfo=UTC)
        intake.submit(session, submission=sub, actor=SYSTEM, queue=rt.queue, tz=rt.settings.tz)
    sub = _load(rt, sid)[0]
    assert (sub.state, sub.kind, sub.language, sub.language_needs_review) == ("ready", "text", language, True)


def test_clip_is_made_no_larger_than_the_largest_board_it_is_for(runtime_env, sample):
    from core.airing.models import Board, Cluster

    rt = runtime_env
    sid = _submission(rt, [sample("uhd_4k.mp4")])
    with rt.db.unit_of_work() as session:
        sub = session.get(Submission, sid)
        sub.target_kind = "own_unit"
        gate = Unit(code="bql-kkt", name="Ban Quản lý Khu kinh tế", kind="department")
        session.add(gate)
        session.flush()
        own = Cluster(code="SH", name="Cụm trung tâm xã", kind="public", operator_unit_id=sub.unit_id)
        other = Cluster(code="MLT", name="Cửa khẩu Ma Lù Thàng", kind="border_gate", operator_unit_id=gate.id)
        session.add_all([own, other])
        session.flush()
        session.add_all([Board(code="SH-1", name="LED chợ", cluster_id=own.id, resolution="1280x720"),
                         Board(code="SH-2", name="LED trụ sở", cluster_id=own.id, resolution="960x540"),
                         Board(code="MLT-1", name="LED cổng", cluster_id=other.id, resolution="1920x1080")])
    assert tasks.process(submission_id=sid) == "done"
    _, assets, _ = _load(rt, sid)
    video = next(a for a in assets if a.role == "normalised")
    assert (video.width, video.height) == (1280, 720)
    assert decode_all(rt.store.local_path(video.sha256))["size"] == (1280, 720)
