"""Translations (Vietnamese first, English second) and locale-aware formatting shared by bot and admin.

Catalogs are `i18n/locale/<lang>/LC_MESSAGES/<domain>.po`, one domain per package so each
capability owns its file. They are compiled in memory the first time a language is used: there is
no `.mo` to build by hand. Message ids are English; `vi` must translate every one (a test checks).
"""

from __future__ import annotations

import io
from datetime import date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_BABEL_LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def normalise_language(language: str | None) -> str:
    """Map 'vi-VN', 'EN', None … onto a supported language, Vietnamese by default."""
    if not language:
        return DEFAULT_LANGUAGE
    short = language.replace("_", "-").split("-")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def catalog_files(language: str) -> list[Path]:
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    """Every domain of `language`, compiled from its .po files and merged into one catalog."""
    merged: Translations | None = None
    for po_file in catalog_files(normalise_language(language)):
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=normalise_language(language))
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        domain = Translations(fp=buffer)
        # The first catalog lends the merged one its plural rule (Vietnamese has one form).
        merged = domain if merged is None else merged.merge(domain)
    return merged or Translations()


def gettext(language: str | None, message: str, **values: object) -> str:
    """Translate `message` and fill `%(name)s` placeholders (never an f-string inside `_()`)."""
    text = translations(normalise_language(language)).gettext(message)
    return text % values if values else text


def ngettext(language: str | None, singular: str, plural: str, n: int, **values: object) -> str:
    text = translations(normalise_language(language)).ngettext(singular, plural, n)
    return text % {"n": n, **values}


def locale(language: str | None) -> Locale:
    return Locale.parse(_BABEL_LOCALES[normalise_language(language)])


def format_datetime(moment: datetime, language: str | None, tz: tzinfo, fmt: str = "short") -> str:
    """A UTC moment shown in the local zone, e.g. '14:05 28/11/2026' in Vietnamese."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store and pass UTC-aware values")
    local = moment.astimezone(tz)
    if normalise_language(language) == "vi" and fmt == "short":
        return local.strftime("%H:%M %d/%m/%Y")
    return _format_datetime(local, format=fmt, locale=locale(language))


def format_date(day: date, language: str | None, fmt: str = "short") -> str:
    if normalise_language(language) == "vi" and fmt == "short":
        return day.strftime("%d/%m/%Y")
    return _format_date(day, format=fmt, locale=locale(language))


def vietnamese_long_date(day: date, place: str | None = None) -> str:
    """The administrative form of Decree 30/2020: 'Lai Châu, ngày 05 tháng 02 năm 2026'."""
    text = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place}, {text}" if place else text


def format_number(value: float, language: str | None) -> str:
    """1234567.5 → '1.234.567,5' in Vietnamese, '1,234,567.5' in English."""
    return format_decimal(value, locale=locale(language))
