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
KEYWORDS = {"_": None, "N_": None, "gettext": (2,), "ngettext": (2, 3), "pgettext": ((1, "c"), 2), "P_": ((1, "c"), 2)}
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


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_no_message_is_translated_differently_in_two_domains(language: str) -> None:
    """One English id (with its context) reads the same in every catalog: otherwise the domain
    that happens to be looked up first decides, as when "From" read "Từ ngày" on window times."""
    seen: dict[tuple[str | None, str], dict[str, object]] = {}
    for po_file in i18n.catalog_files(language):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id:
                    key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
                    seen.setdefault(key, {})[po_file.stem] = message.string
    collisions = {key: domains for key, domains in seen.items() if len({str(v) for v in domains.values()}) > 1}
    assert collisions == {}, "give one translation, or a pgettext context where the meanings differ"


def test_each_domain_looks_up_its_own_words_first() -> None:
    """Window times read "Từ"/"Đến"; the dates of the airing log "Từ ngày"/"Đến ngày"; the audit's source "Nguồn"."""
    assert i18n.pgettext("vi", "time of day", "From", domain="admin") == "Từ"
    assert i18n.pgettext("vi", "date", "From", domain="airing") == "Từ ngày"
    assert i18n.pgettext("vi", "audit source", "From", domain="admin") == "Nguồn"
    assert (
        i18n.gettext("vi", "Clusters", domain="admin")
        == i18n.gettext("vi", "Clusters", domain="airing")
        == "Cụm thông tin"
    )
    assert i18n.gettext("vi", "Log in", domain="bot") == "Đăng nhập"  # an admin word found from another domain
    assert i18n.gettext("en", "Clusters", domain="airing") == "Clusters"


def test_every_enumeration_has_a_label_in_both_languages() -> None:
    from i18n import labels

    for kind, table in labels.KINDS.items():
        for code, message in table.items():
            vietnamese = i18n.pgettext("vi", *message) if isinstance(message, tuple) else i18n.gettext("vi", message)
            english = message[1] if isinstance(message, tuple) else message
            assert vietnamese != english or english in {"Telegram", "Zalo", "API"}, (kind, code)


def test_vietnamese_numbers_and_durations() -> None:
    assert i18n.format_percent(10, "vi") == "10,0\u00a0%"
    assert i18n.format_seconds(-2, "vi") == "-2,0\u00a0giây"
    assert i18n.format_percent(10, "en") == "10.0%"
