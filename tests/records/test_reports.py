"""The annual report writes itself: figures from seeded plays, a DOCX in Decree 30/2020 format, the final
version fulfils the operator's obligation and is audited."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta

from docx import Document
from docx.shared import Mm, Pt
from sqlmodel import select

from core.airing.models import Board, Cluster, Incident, Play
from core.notify.models import DeadlineRule, Obligation
from core.org.models import Officer, Unit
from core.records import audit
from core.records.models import AuditEvent, Report
from core.reports import figures, report_docx, reports
from core.review.models import ContentItem
from tests.conftest import TEST_SECRET

DAY = date(2026, 6, 10)  # inside the data year 2026 (15 Dec 2025 – 14 Dec 2026)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=UTC) - timedelta(hours=7)


def _seed_year(rt) -> dict[str, int]:
    """MLT-01: a full 3 h + 3 h day and a morning-only day; UMTK-01: one emergency play; costs; incidents."""
    with rt.db.unit_of_work() as session:
        editor = session.exec(select(Officer).where(Officer.username == "bientap")).one()
        propaganda = ContentItem(
            unit_id=editor.unit_id,
            title="Tuyên truyền biên giới",
            kind="video",
            category="1",
            languages=["vi", "zh"],
            valid_from=local(DAY, 0),
            valid_to=local(DAY, 0) + timedelta(days=30),
            approved_by_id=editor.id,
            approved_at=local(DAY, 6),
        )
        bqlkkt = session.exec(select(Unit).where(Unit.code == "BQLKKT")).one()
        advert = ContentItem(
            unit_id=bqlkkt.id,
            title="Quảng cáo chợ biên giới",
            kind="image",
            category="5",
            languages=["vi"],
            valid_from=local(DAY, 0),
            valid_to=local(DAY, 0) + timedelta(days=30),
            advertiser_name="Công ty TNHH Ma Lù Thàng",
            advertiser_address="xã Ma Ly Pho",
            ad_licence_ref="12/GP-QC",
            approved_by_id=editor.id,
            approved_at=local(DAY, 6),
        )
        session.add(propaganda)
        session.add(advert)
        session.flush()
        mlt1 = session.exec(select(Board).where(Board.code == "MLT-01")).one()
        mlt1.yearly_cost_vnd, mlt1.installed_on, mlt1.location = 24_000_000, date(2024, 9, 2), "Khu kiểm soát"
        mlt2 = session.exec(select(Board).where(Board.code == "MLT-02")).one()
        mlt2.yearly_cost_vnd = 18_500_000
        umtk1 = session.exec(select(Board).where(Board.code == "UMTK-01")).one()
        n = 0

        def play(
            board: Board, item: ContentItem | None, start: datetime, minutes: int, emergency: int | None = None
        ) -> None:
            nonlocal n
            n += 1
            session.add(
                Play(
                    board_id=board.id,
                    play_uid=f"p{n}",
                    content_item_id=item.id if item else None,
                    emergency_id=emergency,
                    started_at=start,
                    ended_at=start + timedelta(minutes=minutes),
                )
            )

        # Day 1: 07:00–10:00 propaganda (6 × 30 min), 14:00–16:30 propaganda + 16:30–17:00 an advert.
        for k in range(6):
            play(mlt1, propaganda, local(DAY, 7) + timedelta(minutes=30 * k), 30)
        for k in range(5):
            play(mlt1, propaganda, local(DAY, 14) + timedelta(minutes=30 * k), 30)
        play(mlt1, advert, local(DAY, 16, 30), 30)
        # Day 2: only the morning (not compliant).
        for k in range(6):
            play(mlt1, propaganda, local(DAY + timedelta(days=1), 7) + timedelta(minutes=30 * k), 30)
        # Outside the data year: must not count.
        play(mlt1, propaganda, local(date(2026, 12, 20), 8), 30)
        session.add(
            Incident(
                kind="technical",
                title="Màn hình tắt",
                board_id=mlt1.id,
                cluster_id=mlt1.cluster_id,
                status="resolved",
                opened_at=local(DAY, 8),
                closed_at=local(DAY, 12),
            )
        )
        session.add(
            Incident(
                kind="security",
                title="Mật khẩu lộ",
                cluster_id=umtk1.cluster_id,
                status="open",
                opened_at=local(DAY, 9),
            )
        )
        session.flush()
        # Obligation of the operating unit for the data year (Điều 14.1).
        rule = session.exec(select(DeadlineRule).where(DeadlineRule.code == "D14.1-NAM")).one()
        start, end = figures.annual_period(2026)
        obligation = Obligation(
            rule_id=rule.id, unit_id=bqlkkt.id, period_start=start, period_end=end, due_on=date(2026, 12, 14)
        )
        session.add(obligation)
        session.flush()
        return {"unit": bqlkkt.id, "obligation": obligation.id, "advert": advert.id}


def test_figures_equal_what_was_seeded(seeded) -> None:
    ids = _seed_year(seeded)
    start, end = figures.annual_period(2026)
    assert (start, end) == (date(2025, 12, 15), date(2026, 12, 14))
    with seeded.db.reading() as session:
        f = figures.report_figures(
            session, unit_id=ids["unit"], period_start=start, period_end=end, tz=seeded.settings.tz
        )
    assert f["plays"] == 18 and f["hours_aired"] == 9.0
    assert f["board_days_aired"] == 2 and f["board_days_compliant"] == 1 and f["compliance_percent"] == 50.0
    assert f["items_by_category"] == {"1": {"items": 1, "hours": 8.5}, "5": {"items": 1, "hours": 0.5}}
    assert f["items_by_language"] == {"vi": 2, "zh": 1}
    assert f["advertising_percent"] == round(100 * 0.5 / 9, 2)
    assert (
        f["incidents"]["total"] == 2
        and f["incidents"]["resolved"] == 1
        and f["incidents"]["mean_hours_to_resolve"] == 4.0
    )
    assert f["yearly_cost_vnd"] == 42_500_000 and f["boards_total"] == 5 and f["clusters_total"] == 2
    mlt = next(c for c in f["clusters"] if c["code"] == "MLT")
    assert mlt["hours_morning"] == 6.0 and mlt["hours_afternoon"] == 3.0
    with seeded.db.reading() as session:  # the synthesis covers every cluster
        everything = figures.report_figures(
            session, unit_id=None, period_start=start, period_end=end, tz=seeded.settings.tz
        )
        assert everything["clusters_total"] == len(session.exec(select(Cluster)).all())
    assert everything["plays"] == 18


def _texts_of(doc) -> list[str]:
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out.extend(cell.text for cell in row.cells)
    return out


def test_the_final_report_is_a_decree_30_document_that_fulfils_the_obligation(seeded) -> None:
    ids = _seed_year(seeded)
    start, end = figures.annual_period(2026)
    with seeded.db.unit_of_work() as session:
        operator = session.exec(select(Officer).where(Officer.username == "vanhanh")).one()
        actor = audit.Actor(label="vanhanh", channel="web", officer_id=operator.id)
        report = reports.create(
            session,
            officer=operator,
            kind="annual",
            unit_id=ids["unit"],
            period_start=start,
            period_end=end,
            year=2026,
            tz=seeded.settings.tz,
            actor=actor,
        )
        assert "1 sự cố" not in report.texts["difficulties"] and "2 sự cố" in report.texts["difficulties"]
        reports.edit(
            session,
            officer=operator,
            report_id=report.id,
            number="07",
            texts={
                "difficulties": "Sóng di động yếu ở cửa khẩu U Ma Tu Khoòng.",
                "proposals_ministry": "Hướng dẫn kết nối hệ thống thông tin nguồn.",
            },
            actor=actor,
            on=DAY,
        )
        report = reports.finalise(
            session,
            officer=operator,
            report_id=report.id,
            store=seeded.store,
            tz=seeded.settings.tz,
            on=date(2026, 12, 10),
            actor=actor,
        )
        report_id, sha = report.id, None
        from core.intake.models import MediaAsset

        sha = session.get(MediaAsset, report.media_asset_id).sha256
    with seeded.db.reading() as session:
        obligation = session.get(Obligation, ids["obligation"])
        assert obligation.status == "fulfilled"
        final = session.get(Report, report_id)
        assert final.status == "final" and final.figures["plays"] == 18
        actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.object_type == "report")).all()]
        assert actions == ["report.created", "report.edited", "report.finalised"]
        other = session.exec(select(Officer).where(Officer.username == "vanhanh.tanphong")).one()
        assert not reports.may_write(session, officer=other, unit_id=ids["unit"], on=DAY)
    doc = Document(io.BytesIO(seeded.store.open(sha).read()))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)

    def within(value, low, high) -> bool:  # Word stores twips: 15 mm is 850 twips = 14.99 mm
        return Mm(low) - Mm(0.05) <= value <= Mm(high) + Mm(0.05)

    assert within(section.top_margin, 20, 25) and within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35) and within(section.right_margin, 15, 20)
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    body = [r for r in runs if not r.font.bold]
    assert all(Pt(13) <= r.font.size <= Pt(14) for r in body)
    text = "\n".join(_texts_of(doc))
    for heading in report_docx.SECTIONS:
        assert heading in text, heading
    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 07/BC-BQLKKT",
        "Lai Châu, ngày 10 tháng 12 năm 2026",
        "BÁO CÁO",
        "Nơi nhận:",
        "BAN QUẢN LÝ KHU KINH TẾ TỈNH LAI CHÂU",
        "Hoạt động quản lý, vận hành cụm thông tin điện tử công cộng năm 2026",
        "18 lượt phát, tổng thời lượng 9 giờ",
        "1/2 ngày-bảng tin đạt (50 %)",
        "Tổng kinh phí vận hành năm: 42.500.000 đồng",
        "Sóng di động yếu ở cửa khẩu U Ma Tu Khoòng.",
        "Sự cố: 2",
        "Quảng cáo: 0,5 giờ",
    ):
        assert line in text, line
    cluster_row = next(r for r in doc.tables[3].rows if "Ma Lù Thàng" in r.cells[0].text)
    assert [c.text for c in cluster_row.cells[3:]] == ["9", "6", "3", "1/2"]


def test_the_command_writes_the_synthesis(seeded, tmp_path) -> None:
    _seed_year(seeded)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")},
        "BANGTIN_DATA_DIR": str(seeded.settings.data_path),
        "BANGTIN_SECRET_KEY": TEST_SECRET,
    }
    out = tmp_path / "tonghop.docx"
    done = subprocess.run(
        [sys.executable, "-m", "bangtin.cli", "report", "annual", "--year", "2026", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = "\n".join(_texts_of(Document(str(out))))
    assert "Tổng hợp kết quả hoạt động các cụm thông tin điện tử công cộng năm 2026" in text
    assert "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH TỈNH LAI CHÂU" in text
    unit = subprocess.run(
        [
            sys.executable,
            "-m",
            "bangtin.cli",
            "report",
            "annual",
            "--year",
            "2026",
            "--unit",
            "BQLKKT",
            "--out",
            str(tmp_path / "bql.docx"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert unit.returncode == 0, unit.stderr
    assert "18 lượt phát" in "\n".join(_texts_of(Document(str(tmp_path / "bql.docx"))))


def test_figures_read_the_same_on_both_databases(make_runtime, database_url) -> None:
    from core.org.seed import load_organisation, read_organisation

    rt = make_runtime(database_url=database_url)
    with rt.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)
        board = session.exec(select(Board).where(Board.code == "MLT-01")).one()
        for k in range(6):  # 07:00–10:00 local
            start = local(DAY, 7) + timedelta(minutes=30 * k)
            session.add(
                Play(board_id=board.id, play_uid=f"m{k}", started_at=start, ended_at=start + timedelta(minutes=30))
            )
        session.add(
            Play(
                board_id=board.id,
                play_uid="edge",
                started_at=local(DAY + timedelta(days=1), 0),
                ended_at=local(DAY + timedelta(days=1), 0, 10),
            )
        )  # the next local day: not counted
    with rt.db.reading() as session:
        f = figures.report_figures(session, unit_id=None, period_start=DAY, period_end=DAY, tz=rt.settings.tz)
    assert f["plays"] == 6 and f["hours_aired"] == 3.0
    mlt = next(c for c in f["clusters"] if c["code"] == "MLT")
    assert mlt["hours_morning"] == 3.0 and mlt["hours_afternoon"] == 0.0 and mlt["board_days_compliant"] == 0
