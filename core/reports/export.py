"""The inspection export (Điều 9.1, 10.1.a): what aired where and when, for any period within retention.

Every play (board, item, start, end, duration, priority, advertising, emergency), every aired item with
its approval chain, every advertisement with its advertiser. CSV holds the plays, each row carrying its
item's approval and advertiser; XLSX holds the plays (what varies per play, split into sheets of a million
rows, the format's
limit), the items and the advertisements. Both are streamed: plays are read in keyset pages and written
row by row (openpyxl write-only), so memory stays flat whatever the range. Text that a spreadsheet would
run as a formula (=, +, -, @, tab, CR first) is neutralised with a leading apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Row, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

import i18n
from core.airing.models import Board, Cluster, Play
from core.airing.plans import local_bounds
from core.intake.models import Submission
from core.org.models import Officer, Unit
from core.records import exports
from core.review.models import ContentItem

ADVERTISING = "5"
SHEET_ROWS = 1_000_000  # below Excel's 1,048,576 rows per sheet

PLAY_COLUMNS = (
    "cluster",
    "board",
    "board_name",
    "item_id",
    "item_title",
    "category",
    "start_local",
    "end_local",
    "duration_s",
    "priority",
    "advertising",
    "emergency",
    "supplier_unit",
    "submitted_by",
    "approved_by",
    "approved_at_local",
    "advertiser_name",
    "advertiser_address",
    "ad_licence_ref",
)
# The XLSX plays sheet keeps what varies per play; the item's approval and advertiser are on the other sheets.
XLSX_PLAY_COLUMNS = (
    "cluster",
    "board",
    "item_id",
    "item_title",
    "category",
    "start_local",
    "end_local",
    "duration_s",
    "priority",
    "advertising",
    "emergency",
)
_XLSX_PICK = tuple(PLAY_COLUMNS.index(c) for c in XLSX_PLAY_COLUMNS)
ITEM_COLUMNS = (
    "item_id",
    "title",
    "kind",
    "category",
    "languages",
    "priority",
    "supplier_unit",
    "submission",
    "submitted_by",
    "received_at_local",
    "approved_by",
    "approved_at_local",
    "valid_from_local",
    "valid_to_local",
    "plays",
    "first_aired_local",
    "last_aired_local",
)
AD_COLUMNS = ("item_id", "title", "advertiser_name", "advertiser_address", "ad_licence_ref", "plays", "seconds_aired")


neutralise = exports.safe_cell  # one rule for every CSV and XLSX cell (core/records/exports.py)


# A person's download (the web page) reads these: the headers' English names, under the "CSV column" context.
COLUMN_NAMES = {
    "cluster": "Cluster", "board": "Board", "board_name": "Board name", "item_id": "Item number",
    "item_title": "Item title", "title": "Item title", "category": "Category", "start_local": "Started",
    "end_local": "Ended", "duration_s": "Seconds", "priority": "Priority", "advertising": "Advertising",
    "emergency": "Emergency", "supplier_unit": "Supplying unit", "submitted_by": "Submitted by",
    "approved_by": "Approved by", "approved_at_local": "Approved at", "advertiser_name": "Advertiser's name",
    "advertiser_address": "Advertiser's address", "ad_licence_ref": "Licence or permit reference", "kind": "Kind",
    "languages": "Languages", "submission": "Submission", "received_at_local": "Received at",
    "valid_from_local": "Shown from", "valid_to_local": "Shown until", "plays": "Plays",
    "first_aired_local": "First aired", "last_aired_local": "Last aired", "seconds_aired": "Seconds aired",
}
# Columns that hold a code: shown as its label (i18n/labels.py kind), or a yes/no word.
_LABELLED = {"category": "category", "priority": "priority", "kind": "media_kind"}
_YES_NO = frozenset({"advertising", "emergency"})


class Words:
    """Headers and cells for a reader: `language` None keeps the column names and codes (the command line's
    machine-readable file); a language gives a person's words."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def header(self, columns: tuple[str, ...]) -> list[str]:
        if self.language is None:
            return list(columns)
        return i18n.csv_header(self.language, *(COLUMN_NAMES.get(c, c) for c in columns))

    def row(self, columns: tuple[str, ...], values: Iterable[Any]) -> list[Any]:
        if self.language is None:
            return list(values)
        out = []
        for column, value in zip(columns, values, strict=True):
            if column in _LABELLED and value:
                value = i18n.label(self.language, _LABELLED[column], value)
            elif column in _YES_NO and value in ("yes", "no"):
                value = i18n.csv_word(self.language, value)
            out.append(value)
        return out




@dataclass(slots=True)
class ItemRow:
    item: ContentItem
    supplier: str
    submission: str
    submitted_by: str
    received_at: datetime | None
    approved_by: str
    plays: int = 0
    seconds: float = 0.0
    first: datetime | None = None
    last: datetime | None = None


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    plays: int
    items: int
    advertisements: int

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "plays": self.plays, "items": self.items, "advertisements": self.advertisements}


class Airing:
    """One export: the period, the boards it covers and the items it meets, filled while the plays stream."""

    def __init__(
        self,
        session: Session,
        *,
        day_from: date,
        day_to: date,
        tz: ZoneInfo,
        cluster_ids: set[int] | None = None,
        batch: int = 20000,
    ) -> None:
        if day_to < day_from:
            raise ValueError("the period ends before it starts")
        self.session, self.tz, self.batch = session, tz, batch
        self.start, _ = local_bounds(day_from, tz)
        _, self.end = local_bounds(day_to, tz)
        query = select(Board, Cluster).join(Cluster, col(Cluster.id) == col(Board.cluster_id))
        if cluster_ids is not None:
            query = query.where(col(Cluster.id).in_(sorted(cluster_ids)))
        self.boards = {b.id: (b, c) for b, c in session.exec(query).all()}
        self.units = {u.id: u.name for u in session.exec(select(Unit)).all()}
        self.officers = {o.id: o.full_name for o in session.exec(select(Officer)).all()}
        self.items: dict[int, ItemRow] = {}

    def local(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(self.tz).replace(tzinfo=None) if moment is not None else None

    def _item(self, item_id: int) -> ItemRow | None:
        row = self.items.get(item_id)
        if row is None:
            item = self.session.get(ContentItem, item_id)
            if item is None:
                return None
            sub = self.session.get(Submission, item.submission_id) if item.submission_id else None
            row = ItemRow(
                item=item,
                supplier=self.units.get(item.unit_id, ""),
                submission=(sub.code or str(sub.id)) if sub else "",
                submitted_by=self.officers.get(sub.officer_id, "") if sub else "",
                received_at=sub.received_at if sub else None,
                approved_by=self.officers.get(item.approved_by_id, "") if item.approved_by_id else "",
            )
            self.items[item_id] = row
        return row

    def plays(self) -> Iterator[tuple[Any, ...]]:
        """Play rows in start order (keyset pages on (started_at, id)); items are collected on the way."""
        if not self.boards:
            return
        after_start, after_id = self.start, 0
        first = True
        while True:
            # SQLAlchemy's select: sqlmodel's is typed for at most four columns.
            query = (
                sa_select(
                    col(Play.id),
                    col(Play.board_id),
                    col(Play.content_item_id),
                    col(Play.emergency_id),
                    col(Play.started_at),
                    col(Play.ended_at),
                )
                # `board_id + 0`: the boards are a filter, not the way in. Given the board_id index, SQLite
                # read every play of the boards and sorted them all for each page (a year: 20 minutes and
                # 600 MB); through the started_at index (rowid order within) a page is a range read.
                .where((col(Play.board_id) + 0).in_(list(self.boards)), col(Play.started_at) < self.end)
                .order_by(col(Play.started_at), col(Play.id))
                .limit(self.batch)
            )
            if first:
                query = query.where(col(Play.started_at) >= self.start)
            else:
                query = query.where(
                    or_(
                        col(Play.started_at) > after_start,
                        (col(Play.started_at) == after_start) & (col(Play.id) > after_id),
                    )
                )
            # Session.execute (sqlmodel's) drops the select's column types: the cast restores them, once per page.
            rows = cast(
                "Sequence[Row[int, int, int | None, int | None, datetime, datetime]]",
                self.session.execute(query).all(),
            )
            for _play_id, board_id, item_id, emergency_id, started, ended in rows:
                board, cluster = self.boards[board_id]
                info = self._item(item_id) if item_id is not None else None
                seconds = round((ended - started).total_seconds(), 3)
                if info is not None:
                    info.plays += 1
                    info.seconds += seconds
                    info.first = started if info.first is None or started < info.first else info.first
                    info.last = started if info.last is None or started > info.last else info.last
                item = info.item if info else None
                yield (
                    cluster.code,
                    board.code,
                    board.name,
                    item_id,
                    item.title if item else "",
                    item.category if item else "",
                    self.local(started),
                    self.local(ended),
                    seconds,
                    item.priority if item else ("emergency" if emergency_id else ""),
                    "yes" if item is not None and item.category == ADVERTISING else "no",
                    "yes" if emergency_id is not None else "no",
                    info.supplier if info else "",
                    info.submitted_by if info else "",
                    info.approved_by if info else "",
                    self.local(item.approved_at) if item else None,
                    (item.advertiser_name or "") if item else "",
                    (item.advertiser_address or "") if item else "",
                    (item.ad_licence_ref or "") if item else "",
                )
            if len(rows) < self.batch:
                break
            first = False
            after_start, after_id = rows[-1][4], rows[-1][0]

    def item_rows(self) -> Iterator[tuple[Any, ...]]:
        for item_id in sorted(self.items):
            r = self.items[item_id]
            i = r.item
            yield (
                item_id,
                i.title,
                i.kind,
                i.category,
                ", ".join(i.languages or []),
                i.priority,
                r.supplier,
                r.submission,
                r.submitted_by,
                self.local(r.received_at),
                r.approved_by,
                self.local(i.approved_at),
                self.local(i.valid_from),
                self.local(i.valid_to),
                r.plays,
                self.local(r.first),
                self.local(r.last),
            )

    def ad_rows(self) -> Iterator[tuple[Any, ...]]:
        for item_id in sorted(self.items):
            r = self.items[item_id]
            if r.item.category == ADVERTISING:
                yield (
                    item_id,
                    r.item.title,
                    r.item.advertiser_name or "",
                    r.item.advertiser_address or "",
                    r.item.ad_licence_ref or "",
                    r.plays,
                    round(r.seconds, 3),
                )


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return "" if value is None else neutralise(value)


def write_csv(airing: Airing, path: Path, words: Words | None = None) -> Exported:
    """Plays as CSV (UTF-8 with BOM so spreadsheet programs keep the diacritics), through the one neutralising
    writer (core/records/exports.py)."""
    words = words or Words(None)
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = exports.writer(handle)
        writer.writerow(words.header(PLAY_COLUMNS))
        for row in airing.plays():
            writer.writerow([_text(v) for v in words.row(PLAY_COLUMNS, row)])
            count += 1
    ads = sum(1 for _ in airing.ad_rows())
    return Exported(path=path, plays=count, items=len(airing.items), advertisements=ads)


def write_xlsx(airing: Airing, path: Path, words: Words | None = None) -> Exported:
    """Plays, items and advertisements as sheets of one workbook, written in streaming mode."""
    from openpyxl import Workbook

    words = words or Words(None)
    book = Workbook(write_only=True)
    count, sheet_no, in_sheet = 0, 0, SHEET_ROWS
    sheet = None
    for row in airing.plays():
        if in_sheet >= SHEET_ROWS:
            sheet_no += 1
            sheet = book.create_sheet(f"plays-{sheet_no}" if sheet_no > 1 else "plays")
            sheet.append(words.header(XLSX_PLAY_COLUMNS))
            in_sheet = 0
        assert sheet is not None
        sheet.append([neutralise(v) for v in words.row(XLSX_PLAY_COLUMNS, (row[i] for i in _XLSX_PICK))])
        count += 1
        in_sheet += 1
    if sheet is None:
        book.create_sheet("plays").append(words.header(XLSX_PLAY_COLUMNS))
    items = book.create_sheet("items")
    items.append(words.header(ITEM_COLUMNS))
    for row in airing.item_rows():
        items.append([neutralise(v) for v in words.row(ITEM_COLUMNS, row)])
    ads_sheet = book.create_sheet("advertisements")
    ads_sheet.append(words.header(AD_COLUMNS))
    ads = 0
    for row in airing.ad_rows():
        ads_sheet.append([neutralise(v) for v in words.row(AD_COLUMNS, row)])
        ads += 1
    book.save(path)
    return Exported(path=path, plays=count, items=len(airing.items), advertisements=ads)


def export_airing(
    session: Session, *, day_from: date, day_to: date, tz: ZoneInfo, path: Path, cluster_ids: set[int] | None = None,
    language: str | None = None,
) -> Exported:
    """Write the export to `path`; the format follows its extension (.csv or .xlsx). With a `language` the
    headers and coded cells are a person's words in it; without, the column names and codes (the command)."""
    airing = Airing(session, day_from=day_from, day_to=day_to, tz=tz, cluster_ids=cluster_ids)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(airing, path, Words(language))
    if suffix == ".xlsx":
        return write_xlsx(airing, path, Words(language))
    raise ValueError("the file must end in .csv or .xlsx")
