"""The permission matrix: every role × every page × own/other unit answers 200 or 404 (never a hint)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.airing.models import Cluster
from core.intake.models import MediaAsset
from core.org.models import Unit
from core.records.models import AuditEvent
from tests.admin.conftest import ids, make_submission, sign_in

USERS = ["quantri", "bientap", "vanhanh", "vanhanh.tanphong", "dichthuat", "thanhtra", "congtacvien"]
A, E, O, T, TR, I, C = USERS  # noqa: E741 - short names keep the table readable
STAFF_READERS = {A, E, O, T, I}

# route template → users who get 200 (everyone else gets 404)
MATRIX = {
    "/home": set(USERS),
    "/account": set(USERS),
    "/review": set(USERS),  # each sees only their scope in it (translators: their assigned items)
    "/review/{border}": {A, E, I, C},  # border gates: provincial editors; the sender sees their own
    "/review/{public}": {A, T, I, C},  # a commune's public cluster: that commune's operators
    "/media/{border_asset}": {A, E, I, C},
    "/media/{public_asset}": {A, T, I, C},
    "/library": STAFF_READERS,
    "/clusters": STAFF_READERS,
    "/clusters/{mlt}": {A, E, O, I},
    "/clusters/{tanphong}": {A, E, T, I},
    "/clusters/new": {A},
    "/units": STAFF_READERS,
    "/units/{tanphong_unit}": STAFF_READERS,
    "/units/new": {A},
    "/audit": {A, I},
    "/audit.csv": {A, I},
    "/translations": {A, TR},
}


@pytest.fixture
def objects(org) -> dict[str, int]:
    border = make_submission(org, target_kind="border_gate", video=True)
    public = make_submission(org, target_kind="cluster", cluster="TANPHONG", video=True)
    with org.db.reading() as session:
        asset = {s: session.exec(select(MediaAsset.id).where(MediaAsset.submission_id == s)).first()
                 for s in (border, public)}
    return {"border": border, "public": public, "border_asset": asset[border], "public_asset": asset[public],
            "mlt": ids(org, Cluster, code="MLT"), "tanphong": ids(org, Cluster, code="TANPHONG"),
            "tanphong_unit": ids(org, Unit, code="P-TANPHONG")}


@pytest.mark.parametrize("username", USERS)
def test_every_role_sees_exactly_its_scope(web, org, objects, username) -> None:
    sign_in(web, username)
    wrong = {}
    for template, allowed in MATRIX.items():
        path = template.format(**objects)
        status = web.get(path, follow_redirects=False).status_code
        expected = 200 if username in allowed else 404
        if status != expected:
            wrong[path] = status
    assert wrong == {}, f"{username}: {wrong}"
    if username not in MATRIX["/audit"]:
        with org.db.reading() as session:
            denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
        assert denied and all(e.actor_label == username for e in denied)


@pytest.mark.parametrize("username", [O, T, TR, I, C])
def test_decisions_outside_scope_are_404_even_with_a_valid_csrf_token(web, org, objects, username) -> None:
    from tests.admin.conftest import csrf_of

    sign_in(web, username)
    token = csrf_of(web.get("/account").text)
    for action, data in (("reject", {"reason": "x"}), ("changes", {"note": "x"}),
                         ("correct", {"title": "x"}), ("lock/break", {})):
        answer = web.post(f"/review/{objects['border']}/{action}", data={"csrf_token": token, **data},
                          follow_redirects=False)
        assert answer.status_code == 404, (username, action)


def test_anonymous_visitors_are_sent_to_the_login_page(web, objects) -> None:
    for template in MATRIX:
        answer = web.get(template.format(**objects), follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/?next="), template
