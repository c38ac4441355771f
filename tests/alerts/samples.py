"""CAP 1.2 messages written for the tests (the shapes a disaster agency sends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SENDER = "canhbao@kttv-laichau.gov.vn"


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def cap(
    identifier: str,
    *,
    status: str = "Actual",
    msg_type: str = "Alert",
    severity: str = "Severe",
    urgency: str = "Immediate",
    areas: tuple[str, ...] = ("Phường Tân Phong", "Xã Phong Thổ"),
    geocodes: tuple[tuple[str, str], ...] = (),
    language: str = "vi-VN",
    headline: str = "Cảnh báo lũ quét và sạt lở đất",
    description: str = "Mưa lớn trên 100 mm; tránh xa suối.",
    expires: datetime | None = None,
    references: tuple[str, ...] = (),
    sender: str = SENDER,
    sent: datetime | None = None,
) -> bytes:
    sent = sent or datetime.now(UTC)
    expires = expires or sent + timedelta(hours=6)
    area_xml = "".join(f"<area><areaDesc>{a}</areaDesc></area>" for a in areas)
    if geocodes:
        area_xml += (
            "<area><areaDesc>mã địa bàn</areaDesc>"
            + "".join(f"<geocode><valueName>{n}</valueName><value>{v}</value></geocode>" for n, v in geocodes)
            + "</area>"
        )
    refs = (
        f"<references>{' '.join(f'{sender},{r},{_time(sent)}' for r in references)}</references>" if references else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>{sender}</sender>
  <sent>{_time(sent)}</sent>
  <status>{status}</status>
  <msgType>{msg_type}</msgType>
  <scope>Public</scope>
  {refs}
  <info>
    <language>{language}</language>
    <category>Met</category>
    <event>Lũ quét</event>
    <urgency>{urgency}</urgency>
    <severity>{severity}</severity>
    <certainty>Likely</certainty>
    <expires>{_time(expires)}</expires>
    <headline>{headline}</headline>
    <description>{description}</description>
    {area_xml}
  </info>
</alert>""".encode()


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol4;</identifier><sender>x</sender>
<sent>2026-12-01T08:00:00+07:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope></alert>"""

MALFORMED = b"""<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>bad-1</identifier>
<sender>x</sender><sent>2026-12-01T08:00:00+07:00<status>Actual</status></alert>"""


def atom_feed(*links: str, embedded: bytes | None = None) -> str:
    entries = "".join(
        f'<entry><id>{link}</id><title>CAP</title><link rel="alternate" type="application/cap+xml" '
        f'href="{link}"/></entry>'
        for link in links
    )
    if embedded is not None:
        body = embedded.decode().split("?>", 1)[1]
        entries += (
            f'<entry><id>embedded</id><title>CAP</title><content type="application/cap+xml">{body}</content></entry>'
        )
    head = '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    return f"{head}<title>Cảnh báo</title>{entries}</feed>"
