"""The policy page: administrators decide which senders start emergencies unattended; others only read."""

from __future__ import annotations

from sqlmodel import select

from core.alerts.models import AlertMessage, AlertPolicy
from tests.alerts.conftest import make_token, post_cap
from tests.alerts.samples import cap


def test_an_administrator_lets_a_sender_start_emergencies_and_an_editor_cannot(client, seeded):
    from tests.admin.conftest import csrf_of, sign_in

    source = make_token(seeded)
    assert post_cap(client, source, cap("POL-1")).json()["outcome"] == "for_editor"  # nobody trusted yet
    sign_in(client, "quantri")
    page = client.get("/alerts/policy")
    assert page.status_code == 200 and "canhbao@kttv-laichau.gov.vn" in page.text  # offered from what arrived
    saved = client.post(
        "/alerts/policy",
        data={"sender": "canhbao@kttv-laichau.gov.vn", "severities": ["Extreme"], "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with seeded.db.reading() as session:
        assert session.exec(select(AlertPolicy)).one().severities == ["Extreme"]
    assert post_cap(client, source, cap("POL-2")).json()["outcome"] == "for_editor"  # Severe is not allowed
    assert post_cap(client, source, cap("POL-3", severity="Extreme")).json()["outcome"] == "emergency"
    sign_in(client, "bientap")
    page = client.get("/alerts/policy")
    assert page.status_code == 200 and 'action="/alerts/policy"' not in page.text
    refused = client.post(
        "/alerts/policy", data={"sender": "*", "severities": ["Severe"], "csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code == 404
    with seeded.db.reading() as session:
        alert_id = session.exec(select(AlertMessage.id).where(AlertMessage.identifier == "POL-3")).one()
    detail = client.get(f"/alerts/{alert_id}")  # the editor reads what arrived, the original XML included
    assert detail.status_code == 200 and "&lt;identifier&gt;POL-3&lt;/identifier&gt;" in detail.text
    sign_in(client, "vanhanh")
    assert client.get("/alerts").status_code == 404
