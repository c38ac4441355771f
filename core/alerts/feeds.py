"""Atom and RSS feeds of CAP messages: each entry links to (or embeds) one `<alert>`."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from core.alerts.cap import NS, CapRefused

TIMEOUT = httpx.Timeout(10.0)
MAX_FEED_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str | None  # where the CAP message is
    embedded: bytes | None  # or the message itself, inside the entry


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def entries(feed_xml: bytes) -> list[FeedEntry]:
    """The CAP messages an Atom or RSS 2.0 document lists, oldest last as written."""
    try:
        root = SafeTree.fromstring(feed_xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeTree.ParseError) as exc:
        raise CapRefused(f"the feed is not acceptable XML: {exc}") from exc
    found: list[FeedEntry] = []
    for node in root.iter():
        if _local(node.tag) not in {"entry", "item"}:
            continue
        alert = next((n for n in node.iter() if n.tag == "{" + NS + "}alert"), None)
        if alert is not None:
            found.append(FeedEntry(None, SafeTree.tostring(alert, encoding="utf-8")))
            continue
        link = None
        for child in node:
            name = _local(child.tag)
            if name == "link" and child.get("href"):  # Atom
                if child.get("type") in (None, "application/cap+xml", "application/xml", "text/xml") or link is None:
                    link = child.get("href")
            elif name == "link" and (child.text or "").strip():  # RSS
                link = (child.text or "").strip()
        if link:
            found.append(FeedEntry(link, None))
    return found


def fetch(client: httpx.Client, url: str) -> bytes:
    """GET one URL (a feed or a message), refusing anything too large."""
    response = client.get(url, timeout=TIMEOUT, follow_redirects=True)
    response.raise_for_status()
    if len(response.content) > MAX_FEED_BYTES:
        raise CapRefused(f"{url}: larger than {MAX_FEED_BYTES // 1024} KB")
    return response.content
