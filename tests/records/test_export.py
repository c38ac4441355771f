"""The inspection export: every play, item and advertisement of a period, as CSV and XLSX, read back."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlmodel import select

from core.airing.models import Board, Play
from core.reports import export
from core.reports.history import aired_history
from core.review.models import ContentItem
from tests.conftest import TEST_SECRET
from tests.records.test_reports import DAY, _seed_year, local


def _evil_item(rt) -> None:
    with rt.db.unit_of_work() as session:
        board = session.exec(select(Board).where(Board.code == "UMTK-01")).one()
        item = ContentItem(
            unit_id=1,
            title='=HYPERLINK("http://x","bấm")',
            kind="text",
            category="2b",
            languages=["vi"],
            valid_from=local(DAY, 0),
            valid_to=local(DAY, 0) + timedelta(days=3),
        )
        session.add(item)
        session.flush()
        session.add(
            Play(
                board_id=board.id,
                play_uid="evil",
                content_item_id=item.id,
                started_at=local(DAY, 15),
                ended_at=local(DAY, 15, 1),
            )
        )


def test_xlsx_holds_plays_items_and_advertisers_and_no_formula(seeded, tmp_path) -> None:
    _seed_year(seeded)
    _evil_item(seeded)
    path = tmp_path / "airing.xlsx"
    with seeded.db.reading() as session:
        done = export.export_airing(
            session, day_from=DAY, day_to=DAY + timedelta(days=1), tz=seeded.settings.tz, path=path
        )
    assert (done.plays, done.items, done.advertisements) == (19, 3, 1)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["plays", "items", "advertisements"]
    plays = list(book["plays"].iter_rows(values_only=True))
    header, rows = plays[0], plays[1:]
    assert header == export.XLSX_PLAY_COLUMNS and len(rows) == 19
    first = dict(zip(header, rows[0], strict=True))
    assert first["board"] == "MLT-01" and first["start_local"].hour == 7 and first["duration_s"] == 1800
    assert first["item_title"] == "Tuyên truyền biên giới" and first["emergency"] == "no"
    ad = next(dict(zip(header, r, strict=True)) for r in rows if r[header.index("advertising")] == "yes")
    assert ad["item_title"] == "Quảng cáo chợ biên giới" and ad["category"] == "5"
    evil = next(dict(zip(header, r, strict=True)) for r in rows if r[1] == "UMTK-01")
    assert evil["item_title"] == '\'=HYPERLINK("http://x","bấm")'  # text, never a formula
    ads = list(book["advertisements"].iter_rows(values_only=True))
    assert ads[1][2:] == ("Công ty TNHH Ma Lù Thàng", "xã Ma Ly Pho", "12/GP-QC", 1, 1800)
    items = {r[0]: r for r in list(book["items"].iter_rows(values_only=True))[1:]}
    propaganda = next(r for r in items.values() if r[1] == "Tuyên truyền biên giới")
    assert propaganda[10] == "Lò Thị Biên" and propaganda[6] == "Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu"
    assert propaganda[14] == 17 and propaganda[15].date() == DAY and propaganda[16].date() == DAY + timedelta(days=1)


def test_csv_and_the_command_filter_by_cluster(seeded, tmp_path) -> None:
    _seed_year(seeded)
    _evil_item(seeded)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")},
        "BANGTIN_DATA_DIR": str(seeded.settings.data_path),
        "BANGTIN_SECRET_KEY": TEST_SECRET,
    }
    out = tmp_path / "mlt.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bangtin.cli",
            "export",
            "airing",
            "--from",
            DAY.isoformat(),
            "--to",
            (DAY + timedelta(days=1)).isoformat(),
            "--cluster",
            "MLT",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 18 and {r["cluster"] for r in rows} == {"MLT"}
    assert rows[0]["start_local"] == f"{DAY.isoformat()} 07:00:00" and rows[0]["approved_by"] == "Lò Thị Biên"
    ad = next(r for r in rows if r["advertising"] == "yes")
    assert (ad["advertiser_name"], ad["advertiser_address"], ad["ad_licence_ref"]) == (
        "Công ty TNHH Ma Lù Thàng",
        "xã Ma Ly Pho",
        "12/GP-QC",
    )
    # The day after holds only the morning plays.
    with seeded.db.reading() as session:
        airing = export.Airing(
            session, day_from=DAY + timedelta(days=1), day_to=DAY + timedelta(days=1), tz=seeded.settings.tz
        )
        assert len(list(airing.plays())) == 6
        history = aired_history(
            session,
            item_id=session.exec(select(ContentItem).where(ContentItem.title == "Tuyên truyền biên giới")).one().id,
        )
        assert [(h.board, h.plays) for h in history] == [("Màn hình LED khu kiểm soát liên hợp", 18)]
        assert session.exec(select(Play)).all()  # nothing was removed by exporting
    assert date.fromisoformat(rows[-1]["start_local"][:10]) == DAY + timedelta(days=1)
