"""Which units and clusters a CAP alert's areas name: area descriptions and geocodes against unit codes
and names, former names included (a merged unit leads to its successor in force)."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, or_, select

from core.airing.models import Cluster
from core.alerts.cap import CapArea
from core.org.models import Unit
from core.review.textfold import fold

# "Ủy ban nhân dân xã Thu Lũm", "UBND xã Thu Lũm", "Xã Thu Lũm" and "Thu Lũm" all name one commune.
_PREFIXES = ("uy ban nhan dan ", "ubnd ", "xa ", "phuong ", "thi tran ", "thi xa ", "huyen ", "thanh pho ", "tp ")


def _keys(text: str | None) -> set[str]:
    """The folded forms of a name: as written, and without administrative prefixes."""
    key = fold(text)
    if not key:
        return set()
    keys = {key}
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                keys.add(key)
                changed = True
    return keys


def _in_force(unit: Unit, on: date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= on) and (unit.valid_to is None or unit.valid_to >= on)


def _current(session: Session, unit: Unit, on: date) -> Unit | None:
    """The unit itself if in force, else its successor (followed through later mergers)."""
    seen: set[int] = set()
    while not _in_force(unit, on):
        if unit.successor_id is None or unit.id in seen:
            return None
        seen.add(unit.id or 0)
        successor = session.get(Unit, unit.successor_id)
        if successor is None:
            return None
        unit = successor
    return unit


def match_units(session: Session, *, areas: list[CapArea], on: date) -> list[Unit]:
    """Units in force on `on` named by the areas (by code, name, short name, or a former unit's)."""
    index: dict[str, list[Unit]] = {}
    for unit in session.exec(select(Unit)).all():
        for key in {fold(unit.code)} | _keys(unit.name) | _keys(unit.short_name):
            index.setdefault(key, []).append(unit)
    found: dict[int, Unit] = {}
    for area in areas:
        wanted: set[str] = set()
        for part in re.split(r"[,;/]| và | and ", area.description):
            wanted |= _keys(part)
        for _name, value in area.geocodes:
            wanted.add(fold(value))
        for key in wanted:
            for unit in index.get(key, []):
                current = _current(session, unit, on)
                if current is not None:
                    found[current.id or 0] = current
    return sorted(found.values(), key=lambda u: u.code)


def clusters_of(session: Session, *, unit_ids: list[int]) -> list[Cluster]:
    """Active clusters sited in (or run by) those units."""
    if not unit_ids:
        return []
    return list(
        session.exec(
            select(Cluster)
            .where(
                col(Cluster.is_active),
                or_(col(Cluster.commune_unit_id).in_(unit_ids), col(Cluster.operator_unit_id).in_(unit_ids)),
            )
            .order_by(col(Cluster.code))
        ).all()
    )
