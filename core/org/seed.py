"""Load an organisation (units, duties, clusters, boards, windows, deadline rules, logins) from data.

Loading is an upsert by code/username, so running it twice changes nothing the second time.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import time
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, select

from core.accounts.passwords import hash_password
from core.airing.models import Board, BroadcastWindow, Cluster
from core.notify.models import DeadlineRule
from core.org.models import Officer, Unit, UnitDuty
from core.records import audit

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "laichau.toml"


def read_organisation(path: Path = DEMO_FILE) -> dict[str, Any]:
    """The organisation in `path`, with the lists of the files its `include` names (beside it) appended."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    for name in data.pop("include", []):
        for key, rows in read_organisation(path.parent / name).items():
            data.setdefault(key, []).extend(rows)
    return data


def demo_logins(data: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """The demo accounts (username, password, role, unit) that `bangtin up` prints."""
    data = data or read_organisation()
    return [{k: login[k] for k in ("username", "password", "role", "unit")} for login in data.get("logins", [])]


class _Loader:
    def __init__(self, session: Session, actor: audit.Actor) -> None:
        self.session = session
        self.actor = actor
        self.counts: Counter[str] = Counter()
        self.created: set[tuple[str, int]] = set()  # rows this load inserted: only those it may complete

    def upsert(self, model: type[SQLModel], key: dict[str, Any], values: dict[str, Any]) -> Any:
        """Insert the row matching `key` if it is missing; audit it.

        A row that was there before this load belongs to the people who edit it in the web: a new
        `make run` must not put the demo's name back over theirs, so it is left as it is. Only rows
        this load created are completed (the second pass sets units' parents and successors)."""
        query = select(model)
        for column, value in key.items():
            query = query.where(getattr(model, column) == value)
        row: Any = self.session.exec(query).first()  # any table model, with an id
        name = model.__tablename__
        assert isinstance(name, str)  # a table model's name (sqlmodel also allows a callable)
        if row is None:
            row = model(**key, **values)
            self.session.add(row)
            self.session.flush()
            self.counts[f"{name}.created"] += 1
            self.created.add((name, row.id))
            audit.record(self.session, actor=self.actor, action=f"{name}.created", object_type=name,
                         object_id=row.id, after=audit.snapshot(row))
            return row
        if (name, row.id) not in self.created:
            return row
        before = audit.snapshot(row)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changed:
            for column, value in changed.items():
                setattr(row, column, value)
            self.session.flush()
            self.counts[f"{name}.updated"] += 1
            audit.record(self.session, actor=self.actor, action=f"{name}.updated", object_type=name,
                         object_id=row.id, before=before, after=audit.snapshot(row))
        return row


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def load_organisation(session: Session, *, data: dict[str, Any], actor: audit.Actor) -> dict[str, int]:
    """Add what in `data` is missing (never overwriting a row that exists); how many rows were created, by table."""
    loader = _Loader(session, actor)
    units: dict[str, Unit] = {}
    for spec in data.get("units", []):
        units[spec["code"]] = loader.upsert(
            Unit,
            {"code": spec["code"]},
            {
                "name": spec["name"],
                "short_name": spec.get("short_name"),
                "kind": spec["kind"],
                "valid_from": spec.get("valid_from"),
                "valid_to": spec.get("valid_to"),
            },
        )
    for spec in data.get("units", []):  # second pass: references to units defined later
        unit = units[spec["code"]]
        refs = {"parent_id": spec.get("parent"), "successor_id": spec.get("successor")}
        loader.upsert(Unit, {"code": unit.code}, {k: units[v].id if v else None for k, v in refs.items()})
        for duty in spec.get("duties", []):
            loader.upsert(
                UnitDuty,
                {"unit_id": unit.id, "duty": duty["duty"], "valid_from": duty.get("valid_from")},
                {"valid_to": duty.get("valid_to")},
            )

    for spec in data.get("clusters", []):
        cluster = loader.upsert(
            Cluster,
            {"code": spec["code"]},
            {
                "name": spec["name"],
                "kind": spec["kind"],
                "operator_unit_id": units[spec["operator"]].id,
                "commune_unit_id": units[spec["commune"]].id if spec.get("commune") else None,
                "location": spec.get("location"),
                "ad_cap_percent": float(spec.get("ad_cap_percent", 10)),
            },
        )
        for window in spec.get("windows", []):
            loader.upsert(
                BroadcastWindow,
                {"cluster_id": cluster.id, "part": window["part"]},
                {"start_local": _time(window["start"]), "end_local": _time(window["end"])},
            )
        for board in spec.get("boards", []):
            loader.upsert(
                Board,
                {"code": board["code"]},
                {"name": board["name"], "cluster_id": cluster.id, "resolution": board.get("resolution")},
            )

    for spec in data.get("deadline_rules", []):
        values = {k: v for k, v in spec.items() if k != "code"}
        loader.upsert(DeadlineRule, {"code": spec["code"]}, values)

    for spec in data.get("logins", []):
        existing = session.exec(select(Officer).where(Officer.username == spec["username"])).first()
        if existing is not None:
            continue  # never reset a password someone may have changed
        loader.upsert(
            Officer,
            {"username": spec["username"]},
            {
                "full_name": spec["full_name"],
                "role": spec["role"],
                "unit_id": units[spec["unit"]].id,
                "password_hash": hash_password(spec["password"]),
            },
        )
    return dict(loader.counts)
