"""Every page each role reaches from its menu answers, in Vietnamese, with no raw code or English word."""

from __future__ import annotations

import re

import pytest

from admin import nav
from tests.admin.conftest import make_submission, sign_in

ROLES = {"quantri": "administrator", "bientap": "editor", "vanhanh": "operator", "dichthuat": "translator",
         "thanhtra": "inspector", "congtacvien": "contributor"}

# Codes of the domain and English words that must never reach a Vietnamese reader.
RAW = re.compile(r"\b(border_gate|own_unit|changes_requested|translation_requested|unpaired|online|offline|retired|"
                 r"telegram|zalo|monthly|quarterly|yearly|transcript|review\.approved|access\.denied|auth\.login|"
                 r"waiting|approved|rejected|received|processing|pending|overdue|fulfilled|waived|queued|"
                 r"Nothing here|Log out|Home|Review|Boards|Clusters|Deadlines|Send|Save|From|To|open)\b")


def visible_text(html: str) -> str:
    """The words a person reads: no tags, scripts, styles or attribute values."""
    # <pre> holds recorded data (the audit's before/after JSON), not words of the interface.
    html = re.sub(r"(?s)<(script|style|pre|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


def pages_of(role: str) -> list[str]:
    return [item.path for item in nav.items_for(role)]


@pytest.mark.parametrize("username", list(ROLES))
def test_every_menu_page_answers_in_vietnamese_without_codes(web, org, username: str) -> None:
    make_submission(org, title="Tin thử nghiệm chờ duyệt")
    make_submission(org, title="Tin đã trả lại", state="rejected")
    sign_in(web, username)
    pages = pages_of(ROLES[username])
    assert "/home" in pages and len([e for e in nav.groups_for(ROLES[username])]) <= 7
    problems = []
    for path in pages:
        response = web.get(path)
        assert response.status_code == 200, (username, path, response.status_code)
        text = visible_text(response.text)
        for match in RAW.finditer(text):
            problems.append((path, match.group(0), text[max(0, match.start() - 40):match.end() + 40]))
    assert problems == [], problems[:12]
