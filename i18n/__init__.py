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
from typing import Any

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


# The domains, one per package that owns messages; `core` holds the shared labels (i18n/labels.py).
DOMAINS: tuple[str, ...] = ("core", "admin", "airing", "notify", "records", "alerts", "bot", "media")
DEFAULT_DOMAIN = "core"


@lru_cache(maxsize=4 * len(DOMAINS) * len(LANGUAGES))
def _compiled(language: str, domain: str) -> bytes:
    """One domain's catalog compiled to .mo bytes (empty when the domain has no catalog)."""
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not po_file.exists():
        return b""
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


@lru_cache(maxsize=len(DOMAINS) * len(LANGUAGES) + 2)
def translations(language: str, domain: str | None = None) -> Translations:
    """The catalog of `domain` in `language`, falling back on the shared `core` one, then the others.

    A message is looked up in its own domain first, so two packages that give one English id two
    meanings no longer override each other (the later file used to win). Where one English word
    means two things inside the same page, use a context: `pgettext("time of day", "From")`.
    tests/i18n/test_catalogs.py fails on an id (with its context) translated differently in two
    domains, so the fallback order never changes what a reader sees.
    """
    language = normalise_language(language)
    domain = domain if domain in DOMAINS else DEFAULT_DOMAIN
    chain = [domain] + [d for d in DOMAINS if d != domain]
    first: Translations | None = None
    for name in chain:
        data = _compiled(language, name)
        if not data:
            continue
        current = Translations(fp=io.BytesIO(data), domain=name)
        if first is None:
            first = current
        else:
            first.add_fallback(current)  # appended at the end of the chain
    return first or Translations()


def gettext(language: str | None, message: str, *, domain: str | None = None, **values: Any) -> str:
    """Translate `message` and fill `%(name)s` placeholders (never an f-string inside `_()`)."""
    text = str(translations(normalise_language(language), domain).gettext(message))
    return text % values if values else text


def pgettext(language: str | None, context: str, message: str, *, domain: str | None = None, **values: Any) -> str:
    """Translate `message` in `context` (one English word, two meanings: "From" a date, "From" a time)."""
    text = str(translations(normalise_language(language), domain).pgettext(context, message))
    return text % values if values else text


def ngettext(
    language: str | None, singular: str, plural: str, n: int, *, domain: str | None = None, **values: object
) -> str:
    text = translations(normalise_language(language), domain).ngettext(singular, plural, n)
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


def format_number(value: float, language: str | None, digits: int | None = None) -> str:
    """1234567.5 → '1.234.567,5' in Vietnamese, '1,234,567.5' in English; `digits` fixes the decimals ('10,0')."""
    if digits is None:
        return format_decimal(value, locale=locale(language))
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=locale(language), decimal_quantization=True)


def format_percent(value: float, language: str | None, digits: int = 1) -> str:
    """10 → '10,0 %' in Vietnamese (a space before the sign), '10.0%' in English."""
    number = format_number(value, language, digits)
    return f"{number}\u00a0%" if normalise_language(language) == "vi" else f"{number}%"


def format_seconds(value: float, language: str | None, digits: int = 1) -> str:
    """-2 → '-2,0 giây' / '-2.0 s': a signed duration such as a subtitle shift."""
    unit = "giây" if normalise_language(language) == "vi" else "s"
    return f"{format_number(value, language, digits)}\u00a0{unit}"


def label(language: str | None, kind: str, code: object, *, domain: str | None = None) -> str:
    """A code's words (i18n/labels.py) in `language`, outside a template (a CSV cell, a chat line).

    An unknown code stays itself, so nothing is lost; an empty one is an empty string.
    """
    from i18n.labels import label_id

    message = label_id(kind, code)
    if isinstance(message, tuple):
        return pgettext(language, *message, domain=domain)
    if message:
        return gettext(language, message, domain=domain)
    return "" if code in (None, "") else str(code)


def csv_header(language: str | None, *columns: str) -> list[str]:
    """A CSV's header row in `language`: each column's English name under the "CSV column" context."""
    return [pgettext(language, CSV_COLUMN, column, domain="core") for column in columns]


CSV_COLUMN = "CSV column"  # the contexts of CSV headers and cell words (their entries are in core.po)
CSV_CELL = "CSV cell"


def csv_word(language: str | None, word: str) -> str:
    """A word inside a CSV cell ("yes", "no", "all boards") in `language`."""
    return pgettext(language, CSV_CELL, word, domain="core")
