"""Attacks from issue 16, each reproduced through HTTP as the attacker or the victim would see it."""

from __future__ import annotations

import re

from sqlmodel import select

from core.intake.models import MediaAsset, Submission
from tests.admin.conftest import make_submission, sign_in

HTML_PHOTO = b"<!doctype html><html><body><script>fetch('/account')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _upload_as_declared(org, data: bytes, *, mime: str, filename: str, role: str = "original") -> int:
    """A submission carrying a file stored as the uploader declared it (what /gui and the bot store)."""
    sid = make_submission(org, target_kind="border_gate")
    stored = org.store.put_bytes(data)
    with org.db.unit_of_work() as session:
        asset = MediaAsset(submission_id=sid, role=role, kind="image", sha256=stored.sha256,
                           size_bytes=stored.size_bytes, mime=mime, filename=filename)
        session.add(asset)
        session.flush()
        sub = session.get(Submission, sid)
        sub.kind = "image"
        return asset.id


def _is_inert(answer) -> None:
    content_type = answer.headers["content-type"].split(";")[0].strip().lower()
    assert content_type not in {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml"}
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in answer.headers["content-security-policy"]


def test_an_html_photo_does_not_run_in_the_reviewers_session(web, org) -> None:
    asset_id = _upload_as_declared(org, HTML_PHOTO, mime="text/html", filename="hien-truong.jpg")
    sign_in(web, "bientap")
    answer = web.get(f"/media/{asset_id}")
    assert answer.status_code == 200
    _is_inert(answer)
    assert answer.headers["content-disposition"].startswith("attachment")


def test_an_svg_original_is_only_a_download(web, org) -> None:
    asset_id = _upload_as_declared(org, SVG, mime="image/svg+xml", filename="logo.svg")
    sign_in(web, "bientap")
    answer = web.get(f"/media/{asset_id}")
    _is_inert(answer)
    assert answer.headers["content-disposition"].startswith("attachment")


def test_a_derived_file_is_served_inline_with_the_type_our_probe_decided(web, org) -> None:
    sid = make_submission(org, target_kind="border_gate", video=True)
    with org.db.reading() as session:
        normalised = session.exec(select(MediaAsset).where(MediaAsset.submission_id == sid,
                                                           MediaAsset.role == "normalised")).one()
    sign_in(web, "bientap")
    answer = web.get(f"/media/{normalised.id}")
    assert answer.headers["content-type"] == "video/mp4"
    assert "attachment" not in answer.headers.get("content-disposition", "")
    _is_inert(answer)


def test_a_derived_file_with_a_markup_type_is_not_served_as_markup(web, org) -> None:
    asset_id = _upload_as_declared(org, SVG, mime="image/svg+xml", filename="t.svg", role="thumbnail")
    sign_in(web, "bientap")
    _is_inert(web.get(f"/media/{asset_id}"))


# --- item 2: no step past the second factor ------------------------------------------------------

# Routes that are not staff pages: the login steps, enrolment and logout, the machine APIs with
# their own tokens (board, personal API, upload link, webhook signatures), health and the API docs.
NOT_STAFF = ("/", "/login/totp", "/account/totp", "/logout", "/healthz", "/openapi.json", "/api/docs",
             "/player", "/upload/", "/webhooks/", "/api/player/v1/", "/api/v1/", "/static", "/favicon.ico")


def _not_staff(path: str) -> bool:
    prefixed = any(path == p or (len(p) > 1 and p.endswith("/") and path.startswith(p)) for p in NOT_STAFF)
    return prefixed or path.startswith(
        ("/player/", "/api/docs", "/static/"))


def every_route(routes, prefix: str = ""):
    """(path, route) of every API route, through included routers (FastAPI keeps them nested)."""
    from fastapi.routing import APIRoute

    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from every_route(route.original_router.routes, prefix + route.include_context.prefix)


def test_an_administrator_without_a_second_factor_reaches_no_staff_route(web, org) -> None:
    from core.org.models import Officer
    from tests.admin.conftest import PASSWORDS, csrf_of, log_in

    with org.db.unit_of_work() as session:
        admin = session.exec(select(Officer).where(Officer.username == "quantri")).one()
        admin.totp_secret = None
    web.cookies.clear()
    assert log_in(web, "quantri", PASSWORDS["quantri"]).status_code == 303
    token = csrf_of(web.get("/account/totp").text)
    walked, passed = 0, {}
    for template, route in every_route(web.app.routes):
        if _not_staff(template):
            continue
        path = template
        for name in route.param_convertors:
            path = path.replace("{" + name + "}", "1")
        for method in sorted(route.methods - {"HEAD"}):
            walked += 1
            answer = web.request(method, path, data={"csrf_token": token} if method != "GET" else None,
                                 headers={"X-CSRF-Token": token}, follow_redirects=False)
            if not (answer.status_code == 303 and answer.headers["location"] == "/account/totp"):
                passed[f"{method} {template}"] = answer.status_code
    assert walked > 60
    assert passed == {}
    with org.db.reading() as session:
        from core.airing.models import Emergency

        assert session.exec(select(Emergency)).all() == []


# --- item 3: emergencies follow the approval rules (Điều 10.2) ------------------------------------

def test_a_ward_operator_cannot_air_another_units_item_as_an_emergency(web, org) -> None:
    from core.airing.models import Cluster, Emergency
    from core.org.models import Unit
    from core.review.models import ContentItem
    from tests.admin.conftest import csrf_of, ids
    from tests.airing.conftest import make_item

    border_item = make_item(org, title="Tin cửa khẩu Ma Lù Thàng", targets=[
        {"target_kind": "cluster", "cluster_id": ids(org, Cluster, code="MLT")}])
    with org.db.unit_of_work() as session:
        session.get(ContentItem, border_item).unit_id = ids(org, Unit,
                                                            code="SVHTTDL")
    sign_in(web, "vanhanh.tanphong")
    page = web.get("/airing/emergencies")
    assert page.status_code == 200
    assert "Tin cửa khẩu Ma Lù Thàng" not in page.text
    tanphong = ids(org, Cluster, code="TANPHONG")
    answer = web.post("/airing/emergencies", data={"clusters": [tanphong], "content_item_id": str(border_item),
                                                   "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert answer.status_code in {404, 422}
    with org.db.reading() as session:
        assert session.exec(select(Emergency)).all() == []
    # Its own text emergency on its own cluster still works.
    answer = web.post("/airing/emergencies", data={"clusters": [tanphong], "text": "Cháy rừng: sơ tán",
                                                   "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert answer.status_code == 303


# --- item 4: officer management follows rank -------------------------------------------------------

def _officer(org, username: str):
    from core.org.models import Officer

    with org.db.reading() as session:
        return session.exec(select(Officer).where(Officer.username == username)).one()


def test_an_editor_cannot_deactivate_or_invite_the_units_administrator(web, org) -> None:
    from core.org.models import Invite
    from tests.admin.conftest import csrf_of

    admin = _officer(org, "quantri")
    editor = _officer(org, "bientap")
    assert admin.unit_id == editor.unit_id
    sign_in(web, "bientap")
    page = web.get(f"/units/{admin.unit_id}")
    assert f"/officers/{admin.id}/deactivate" not in page.text and f"/officers/{admin.id}/invite" not in page.text
    token = csrf_of(page.text)
    assert web.post(f"/officers/{admin.id}/deactivate", data={"csrf_token": token},
                    follow_redirects=False).status_code == 404
    assert web.post(f"/officers/{admin.id}/invite", data={"csrf_token": token},
                    follow_redirects=False).status_code == 404
    assert _officer(org, "quantri").is_active
    with org.db.reading() as session:
        assert session.exec(select(Invite).where(Invite.officer_id == admin.id)).all() == []


def test_a_staff_account_binds_its_chat_only_from_its_own_login(web, org) -> None:
    from core.org.models import Invite
    from tests.admin.conftest import csrf_of

    editor = _officer(org, "bientap")
    sign_in(web, "quantri")
    token = csrf_of(web.get(f"/units/{editor.unit_id}").text)
    refused = web.post(f"/officers/{editor.id}/invite", data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 422
    with org.db.reading() as session:
        assert session.exec(select(Invite).where(Invite.officer_id == editor.id)).all() == []
    sign_in(web, "bientap")
    own = web.post("/account/chat", data={"csrf_token": csrf_of(web.get("/account").text)})
    assert own.status_code == 200 and 'id="invite-code"' in own.text
    with org.db.reading() as session:
        assert len(session.exec(select(Invite).where(Invite.officer_id == editor.id)).all()) == 1


# --- item 5: numbers past 64 bits are refused, never a 500 -----------------------------------------

HUGE = "99999999999999999999"


def test_ids_pages_and_offsets_beyond_64_bits_are_404_or_422(web, org) -> None:
    from tests.admin.conftest import csrf_of

    sign_in(web, "quantri")
    token = csrf_of(web.get("/account").text)
    failures = {}
    for template, route in every_route(web.app.routes):
        params = list(route.param_convertors)
        # (the JSON API answers 401 before looking at the path without a token: its own test is below)
        if not params or template.startswith(("/api/", "/upload/", "/webhooks/", "/static")):
            continue
        path = template
        for name in params:
            path = path.replace("{" + name + "}", HUGE)
        for method in sorted(route.methods - {"HEAD"}):
            try:
                answer = web.request(method, path, data={"csrf_token": token} if method != "GET" else None,
                                     follow_redirects=False)
            except OverflowError:
                failures[f"{method} {template}"] = 500
                continue
            if answer.status_code not in {404, 422}:
                failures[f"{method} {template}"] = answer.status_code
    sid = make_submission(org, target_kind="border_gate")
    for path, form in ((f"/review/{sid}/translation", {"translator": HUGE, "language": "en"}),
                       ("/airing/boards/pair", {"code": "123456", "board_id": HUGE})):
        status = web.post(path, data={"csrf_token": token, **form}, follow_redirects=False).status_code
        if status >= 500:
            failures[f"POST {path} (form)"] = status
    for query in ("/review?page=" + HUGE, "/library?page=" + HUGE, "/audit?page=" + HUGE):
        if web.get(query).status_code not in {200, 404, 422}:
            failures[query] = web.get(query).status_code
    assert failures == {}


def test_the_api_refuses_an_offset_beyond_64_bits(web, org) -> None:
    from tests.admin.conftest import csrf_of

    sign_in(web, "bientap")
    made = web.post("/account/tokens", data={"csrf_token": csrf_of(web.get("/account").text), "name": "probe"})
    bearer = re.search(r'id="new-token">([^<]+)<', made.text).group(1)
    headers = {"Authorization": f"Bearer {bearer}"}
    assert web.get(f"/api/v1/submissions?offset={HUGE}", headers=headers).status_code == 422
    assert web.get(f"/api/v1/submissions/{HUGE}", headers=headers).status_code in {404, 422}


# --- item 13: recovery codes hashed like passwords -------------------------------------------------

def test_recovery_codes_are_stored_salted_with_argon2(org) -> None:
    from core.accounts import totp
    from core.accounts.models import RecoveryCode
    from core.records import audit

    with org.db.unit_of_work() as session:
        from core.org.models import Officer

        officer = session.exec(select(Officer).where(Officer.username == "bientap")).one()
        codes = totp._issue_recovery_codes(session, officer=officer)
        rows = session.exec(select(RecoveryCode).where(RecoveryCode.officer_id == officer.id)).all()
        assert len(codes) == len(rows) == totp.RECOVERY_CODES
        assert all(r.code_hash.startswith("$argon2id$") for r in rows)
        assert all(len(c.replace("-", "")) >= 16 for c in codes)  # 64 bits, not 48
        officer.totp_secret = totp.new_secret()
        assert totp.verify_second_factor(session, officer=officer, code=codes[3], actor=audit.SYSTEM,
                                         max_failures=5, lock_minutes=15)
        assert not totp.verify_second_factor(session, officer=officer, code=codes[3], actor=audit.SYSTEM,
                                             max_failures=5, lock_minutes=15)  # once only


def test_an_account_idle_for_45_days_is_disabled_and_its_owner_told(web, org) -> None:
    from datetime import UTC, datetime, timedelta

    from core.accounts import idle
    from core.notify.models import Notification
    from core.org.models import Officer
    from core.records.models import AuditEvent

    now = datetime.now(UTC)
    with org.db.unit_of_work() as session:
        for officer in session.exec(select(Officer).where(Officer.username.is_not(None))).all():
            officer.last_login_at = now - timedelta(days=2)
        stale = session.exec(select(Officer).where(Officer.username == "thanhtra")).one()
        stale.last_login_at = now - timedelta(days=org.settings.account_idle_days + 1)
        stale_id = stale.id
    with org.db.unit_of_work() as session:
        assert idle.disable_idle(session, now=now, idle_days=org.settings.account_idle_days) == [stale_id]
    with org.db.reading() as session:
        officer = session.get(Officer, stale_id)
        assert not officer.is_active and officer.deactivation_reason == "idle"
        assert session.exec(select(Notification).where(Notification.officer_id == stale_id,
                                                       Notification.event == "account.disabled_idle")).first()
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "officer.disabled_idle")).first()
    web.cookies.clear()
    from tests.admin.conftest import log_in

    assert log_in(web, "thanhtra", "thanhtra-demo-2026").status_code == 401


def test_phone_numbers_stay_out_of_the_audit_log_and_an_officer_can_be_erased(web, org) -> None:
    from core.org.erasure import erase_personal_data
    from core.org.models import ChannelAccount, Officer, Unit
    from core.records import audit
    from core.records.models import AuditEvent
    from tests.admin.conftest import csrf_of, ids

    sign_in(web, "quantri")
    unit = ids(org, Unit, code="P-TANPHONG")
    page = web.get(f"/units/{unit}")
    web.post(f"/units/{unit}/officers", data={"csrf_token": csrf_of(page.text), "full_name": "Lò Văn Sáng",
                                              "phone": "0912345678"}, follow_redirects=False)
    with org.db.reading() as session:
        officer = session.exec(select(Officer).where(Officer.full_name == "Lò Văn Sáng")).one()
        logged = " ".join(str(e.after) + str(e.before) for e in session.exec(select(AuditEvent)).all())
    assert officer.phone == "0912345678" and "0912345678" not in logged
    with org.db.unit_of_work() as session:
        session.add(ChannelAccount(officer_id=officer.id, channel="telegram", external_id="777001",
                                   display_name="Sáng LV"))
    with org.db.unit_of_work() as session:
        erase_personal_data(session, officer_id=officer.id, actor=audit.SYSTEM)
    with org.db.reading() as session:
        gone = session.get(Officer, officer.id)
        chat = session.exec(select(ChannelAccount).where(ChannelAccount.officer_id == officer.id)).one()
        erased = session.exec(select(AuditEvent).where(AuditEvent.action == "officer.personal_data_erased")).one()
        assert audit.verify(session).ok
    assert gone.phone is None and "Sáng" not in gone.full_name and not gone.is_active
    assert chat.external_id != "777001" and chat.display_name is None and erased.object_id == str(officer.id)
