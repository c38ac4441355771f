"""CAP 1.2 (OASIS Common Alerting Protocol) parsed without DTDs or entities, and checked against the
rules that matter to us. Pure: text in, a `CapAlert` or a `CapRefused` with the reason out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

NS = "urn:oasis:names:tc:emergency:cap:1.2"
STATUSES = {"Actual", "Exercise", "System", "Test", "Draft"}
MSG_TYPES = {"Alert", "Update", "Cancel", "Ack", "Error"}
SCOPES = {"Public", "Restricted", "Private"}
URGENCIES = {"Immediate", "Expected", "Future", "Past", "Unknown"}
SEVERITIES = {"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
CERTAINTIES = {"Observed", "Likely", "Possible", "Unlikely", "Unknown"}
MAX_BYTES = 512 * 1024


class CapRefused(ValueError):
    """The message is not XML we accept, or not valid CAP 1.2; `reason` says which rule failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CapArea:
    description: str
    geocodes: list[tuple[str, str]] = field(default_factory=list)  # (valueName, value)


@dataclass(frozen=True, slots=True)
class CapInfo:
    language: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str | None
    description: str | None
    instruction: str | None
    expires: datetime | None
    areas: list[CapArea]


@dataclass(frozen=True, slots=True)
class CapAlert:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: list[tuple[str, str, str]]  # (sender, identifier, sent) of earlier messages
    infos: list[CapInfo]

    @property
    def expires(self) -> datetime | None:
        """The latest `expires` of its infos (None: no info says)."""
        ends = [i.expires for i in self.infos if i.expires is not None]
        return max(ends) if ends else None

    def info_for(self, language: str) -> tuple[CapInfo | None, bool]:
        """The info in `language` (True), else the first one (False)."""
        for info in self.infos:
            if info.language.lower().split("-")[0] == language:
                return info, True
        return (self.infos[0] if self.infos else None), False

    def to_json(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "sender": self.sender,
            "sent": self.sent.isoformat(),
            "status": self.status,
            "msgType": self.msg_type,
            "scope": self.scope,
            "references": [list(r) for r in self.references],
        }


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: Element, name: str) -> Element | None:
    for child in node:
        if _local(child.tag) == name:
            return child
    return None


def _children(node: Element, name: str) -> list[Element]:
    return [c for c in node if _local(c.tag) == name]


def _text(node: Element, name: str) -> str | None:
    child = _child(node, name)
    value = (child.text or "").strip() if child is not None else ""
    return value or None


def _required(node: Element, name: str, where: str) -> str:
    value = _text(node, name)
    if value is None:
        raise CapRefused(f"{where}: <{name}> is missing")
    return value


def _one_of(node: Element, name: str, allowed: set[str], where: str) -> str:
    value = _required(node, name, where)
    if value not in allowed:
        raise CapRefused(f"{where}: <{name}> {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _time(value: str, name: str) -> datetime:
    # CAP times carry an explicit offset ("2026-12-01T08:00:00+07:00"); a time without one is refused.
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CapRefused(f"<{name}> {value!r} is not a date and time") from exc
    if parsed.tzinfo is None:
        raise CapRefused(f"<{name}> {value!r} has no time zone offset")
    return parsed.astimezone(UTC)


def parse(raw: bytes | str) -> CapAlert:
    """Parse and validate one CAP 1.2 `<alert>`; DTDs, entities and external references are refused."""
    data = raw.encode() if isinstance(raw, str) else raw
    if len(data) > MAX_BYTES:
        raise CapRefused(f"the message is larger than {MAX_BYTES // 1024} KB")
    try:
        root = SafeTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise CapRefused(f"refused: the XML carries a DTD or entities ({type(exc).__name__})") from exc
    except SafeTree.ParseError as exc:
        raise CapRefused(f"not well-formed XML: {exc}") from exc
    if _local(root.tag) != "alert":
        raise CapRefused("the root element is not <alert>")
    if not root.tag.startswith("{" + NS + "}"):
        raise CapRefused(f"not CAP 1.2: the namespace must be {NS}")
    identifier = _required(root, "identifier", "alert")
    sender = _required(root, "sender", "alert")
    sent = _time(_required(root, "sent", "alert"), "sent")
    status = _one_of(root, "status", STATUSES, "alert")
    msg_type = _one_of(root, "msgType", MSG_TYPES, "alert")
    scope = _one_of(root, "scope", SCOPES, "alert")
    references: list[tuple[str, str, str]] = []
    for ref in (_text(root, "references") or "").split():
        parts = ref.split(",")
        if len(parts) != 3:
            raise CapRefused(f"<references> entry {ref!r} is not sender,identifier,sent")
        references.append((parts[0], parts[1], parts[2]))
    if msg_type in {"Update", "Cancel"} and not references:
        raise CapRefused(f"a {msg_type} names no earlier message in <references>")
    infos = [_info(node, n) for n, node in enumerate(_children(root, "info"), 1)]
    if not infos and msg_type in {"Alert", "Update"}:
        raise CapRefused("alert: no <info> block")
    return CapAlert(identifier, sender, sent, status, msg_type, scope, references, infos)


def _info(node: Element, n: int) -> CapInfo:
    where = f"info {n}"
    areas = []
    for area in _children(node, "area"):
        geocodes = []
        for code in _children(area, "geocode"):
            name, value = _text(code, "valueName"), _text(code, "value")
            if name and value:
                geocodes.append((name, value))
        areas.append(CapArea(_required(area, "areaDesc", where + " area"), geocodes))
    if not areas:
        raise CapRefused(f"{where}: no <area>")
    expires = _text(node, "expires")
    return CapInfo(
        language=_text(node, "language") or "en-US",  # CAP's default language
        event=_required(node, "event", where),
        urgency=_one_of(node, "urgency", URGENCIES, where),
        severity=_one_of(node, "severity", SEVERITIES, where),
        certainty=_one_of(node, "certainty", CERTAINTIES, where),
        headline=_text(node, "headline"),
        description=_text(node, "description"),
        instruction=_text(node, "instruction"),
        expires=_time(expires, "expires") if expires else None,
        areas=areas,
    )
