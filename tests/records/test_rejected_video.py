"""A 'received' video that fulfilled the quarterly obligation no longer does once it is rejected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.notify import reminders
from core.notify.models import DeadlineRule, Obligation
from core.records.models import AuditEvent
from tests.admin.conftest import csrf_of, make_submission, sign_in


@pytest.fixture
def web(org) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=org), base_url="http://127.0.0.1:8765") as client:
        yield client


def test_rejecting_the_video_reopens_the_obligation(web, org) -> None:
    sid = make_submission(org, username="vanhanh.tanphong", video=True, state="received")
    with org.db.unit_of_work() as session:
        done = reminders.fulfil_from_submission(session, submission_id=sid, tz=org.settings.tz)
        quarterly = session.exec(select(DeadlineRule).where(DeadlineRule.code == "D10.1B-QUY")).one()
        obligation = session.exec(select(Obligation).where(Obligation.rule_id == quarterly.id,
                                                           Obligation.fulfilled_by_submission_id == sid)).one()
        assert obligation.id in done and obligation.status == "fulfilled"
        obligation_id = obligation.id
    with org.db.unit_of_work() as session:  # it must be reviewable: the pipeline made it ready
        from core.intake.models import Submission
        session.get(Submission, sid).state = "ready"
    sign_in(web, "bientap")  # the provincial editors review what goes to border gates
    page = web.get(f"/review/{sid}")
    refused = web.post(f"/review/{sid}/reject", data={"csrf_token": csrf_of(page.text), "reason": "Sai nội dung"},
                       follow_redirects=False)
    assert refused.status_code == 303
    with org.db.reading() as session:
        obligation = session.get(Obligation, obligation_id)
        assert obligation.status in ("open", "overdue") and obligation.fulfilled_by_submission_id is None
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "obligation.reopened")).one()
