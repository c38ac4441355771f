"""Royalties: only individuals' items aired at border-gate clusters, with their airings, as XLSX."""

from __future__ import annotations

from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import select

from core.airing.models import Board, Play
from core.intake.models import Submission
from core.org.models import Officer
from core.reports import royalties
from core.review.models import ContentItem
from tests.records.test_reports import DAY, local


def test_only_individuals_at_border_gates_are_listed(seeded, tmp_path) -> None:
    with seeded.db.unit_of_work() as session:
        person = session.exec(select(Officer).where(Officer.username == "congtacvien")).one()
        agency = session.exec(select(Officer).where(Officer.username == "bientap")).one()
        agency.contributor_type = "organisation"
        border = session.exec(select(Board).where(Board.code == "MLT-01")).one()
        public = session.exec(select(Board).where(Board.code.startswith("TANPHONG"))).first()
        made = {}
        for who, title in ((person, "Phóng sự chợ phiên"), (agency, "Tin của Sở")):
            sub = Submission(officer_id=who.id, unit_id=who.unit_id, channel="telegram", state="approved", title=title)
            session.add(sub)
            session.flush()
            item = ContentItem(submission_id=sub.id, unit_id=who.unit_id, title=title, kind="video", category="2b",
                               valid_from=local(DAY, 0), valid_to=local(DAY, 0) + timedelta(days=5))
            session.add(item)
            session.flush()
            made[title] = item.id
        n = 0
        for board, item_id, count in ((border, made["Phóng sự chợ phiên"], 3), (public, made["Phóng sự chợ phiên"], 5),
                                      (border, made["Tin của Sở"], 2)):
            for _ in range(count):
                n += 1
                start = local(DAY, 8) + timedelta(minutes=5 * n)
                session.add(Play(board_id=board.id, play_uid=f"r{n}", content_item_id=item_id, started_at=start,
                                 ended_at=start + timedelta(minutes=2)))
    with seeded.db.reading() as session:
        found = royalties.rows(session, day_from=DAY, day_to=DAY, tz=seeded.settings.tz)
    assert [(r.contributor, r.title, r.airings, r.boards) for r in found] == [
        (person.full_name, "Phóng sự chợ phiên", 3, 1)]
    path = tmp_path / "nhuanbut.xlsx"
    assert royalties.write_xlsx(found, path, day_from=DAY, day_to=DAY) == 1
    sheet = list(load_workbook(path, read_only=True)["nhuan-but"].iter_rows(values_only=True))
    assert sheet[1] == royalties.COLUMNS and sheet[2][3] == "Phóng sự chợ phiên" and sheet[2][7] == 3
