"""Catalogs: Vietnamese translates every message the code uses; formats follow each locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": (2,), "ngettext": (2, 3)}
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _catalog_ids(language: str) -> dict[str, object]:
    ids: dict[str, object] = {}
    for po_file in i18n.catalog_files(language):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id:
                    ids[message.id if isinstance(message.id, str) else message.id[0]] = message
    return ids


def _used_ids() -> set[str]:
    used: set[str] = set()
    for package in ("core", "admin", "bot", "media", "i18n"):
        if not (ROOT / package).is_dir():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            METHOD_MAP,
            keywords=KEYWORDS,
            comment_tags=(),
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        ):
            used.add(message if isinstance(message, str) else message[0])
    return used


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_message_in_the_code_is_in_the_catalogs(language: str) -> None:
    missing = sorted(_used_ids() - set(_catalog_ids(language)))
    assert missing == [], f"run `make i18n` and translate: {missing[:10]}"


def test_vietnamese_leaves_nothing_untranslated_or_fuzzy() -> None:
    problems = []
    for message_id, message in _catalog_ids("vi").items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(message_id)
    assert problems == []


def test_placeholders_survive_translation() -> None:
    for message_id, message in _catalog_ids("vi").items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in strings:
            for placeholder in ("%(name)s", "%(unit)s", "%(n)d", "%(code)s"):
                if placeholder in message_id:
                    assert placeholder in translated, (message_id, translated)


def test_vietnamese_formats() -> None:
    moment = datetime(2026, 2, 4, 17, 5, tzinfo=UTC)  # 00:05 on the 5th in Hà Nội time
    assert i18n.format_datetime(moment, "vi", ZoneInfo("Asia/Ho_Chi_Minh")) == "00:05 05/02/2026"
    assert i18n.vietnamese_long_date(date(2026, 2, 5), "Lai Châu") == "Lai Châu, ngày 05 tháng 02 năm 2026"
    assert i18n.format_number(1234567.5, "vi") == "1.234.567,5"
    assert i18n.format_number(1234567.5, "en") == "1,234,567.5"
    assert i18n.normalise_language("vi-VN") == "vi" and i18n.normalise_language("fr") == "vi"
    with pytest.raises(ValueError):
        i18n.format_datetime(datetime(2026, 1, 1), "vi", ZoneInfo("Asia/Ho_Chi_Minh"))


def test_translated_text_is_vietnamese_with_diacritics() -> None:
    assert i18n.gettext("vi", "Log in") == "Đăng nhập"
    assert i18n.gettext("en", "Log in") == "Log in"
    assert i18n.gettext(None, "Wrong username or password.") == "Sai tên đăng nhập hoặc mật khẩu."
