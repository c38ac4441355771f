"""Issue 16 item 8: a media job holds its submission by a renewed lease; a dead job's work resumes
within about a minute (it used to wait for a 10-minute stale limit plus a 5-minute sweep)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from core.intake.models import Submission
from core.types import utcnow
from media import pipeline, tasks
from tests.media.test_tasks import _load, _submission


def test_a_long_step_keeps_its_lease_and_a_dead_job_resumes_within_a_minute(runtime_env, sample, monkeypatch):
    rt = runtime_env
    sid = _submission(rt, [sample("video_note.mp4")])
    monkeypatch.setattr(tasks, "LEASE_RENEW", timedelta(seconds=0.2))
    real_run = pipeline.run
    seen: list[object] = []

    def slow(*args, **kwargs):  # a long step that reports no progress: only the lease speaks
        started = utcnow()
        time.sleep(1.0)
        with rt.db.reading() as session:
            seen.append(session.get(Submission, sid).updated_at > started)
        raise SystemExit("worker killed")

    monkeypatch.setattr(pipeline, "run", slow)
    try:
        tasks.process(submission_id=sid)
    except SystemExit:
        pass
    assert seen == [True]  # renewed during the step
    assert not [t for t in threading.enumerate() if t.name == f"lease-{sid}"]  # the lease ends with the job
    assert tasks.resume() == []  # a fresh lease: left alone
    with rt.db.unit_of_work() as session:
        session.get(Submission, sid).updated_at = utcnow() - timedelta(seconds=50)
    monkeypatch.setattr(pipeline, "run", real_run)
    rt.queue.huey.immediate = True
    assert tasks.resume() == [sid]  # 50 s without a beat: the job is dead, the minutely sweep resumes it
    sub, _assets, _ = _load(rt, sid)
    assert sub.state == "ready"


def test_the_resume_sweep_runs_every_minute() -> None:
    from datetime import datetime

    from core.queue import _REGISTRY

    schedule = _REGISTRY["media.resume"].schedule
    assert all(schedule(datetime(2026, 12, 1, 2, minute)) for minute in (0, 1, 7, 59))
