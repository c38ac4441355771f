"""Jinja2 templates rendered in the request's language, with `_()` that escapes what it fills in."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

import i18n
from admin import nav
from i18n import labels

TEMPLATE_DIR = Path(__file__).parent / "templates"

# A template's messages live in the catalog of the package that owns it (see i18n/update.sh).
_DOMAIN_OF_FOLDER = {"airing": "airing", "notify": "notify", "records": "records", "alerts": "alerts",
                     "exchange": "alerts"}


def domain_of(template: str) -> str:
    folder = template.split("/", 1)[0] if "/" in template else ""
    return _DOMAIN_OF_FOLDER.get(folder, "admin")


def translators(language: str, domain: str, tz: Any = None) -> dict[str, Any]:
    """`_`, `pgettext`, `ngettext`, `label` and the Vietnamese-style formatters for one page."""
    catalog = i18n.translations(language, domain)

    def gettext(message: str, **values: Any) -> Markup:
        # Like Jinja's new-style gettext: the catalog text is trusted, the values are escaped.
        text = Markup(catalog.gettext(message))
        return text % values if values else text

    def pgettext(context: str, message: str, **values: Any) -> Markup:
        text = Markup(catalog.pgettext(context, message))
        return text % values if values else text

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> Markup:
        text = Markup(catalog.ngettext(singular, plural, n))
        return text % {"n": n, **values}

    def label(kind: str, code: object) -> str:
        """A code's words in the reader's language; an unknown code shows as itself (tests catch it)."""
        message = labels.label_id(kind, code)
        if isinstance(message, tuple):
            return str(catalog.pgettext(*message))
        return str(catalog.gettext(message)) if message else ("—" if code in (None, "") else str(code))

    def number(value: float | None, digits: int | None = None) -> str:
        return "—" if value is None else i18n.format_number(value, language, digits)

    def percent(value: float | None, digits: int = 1) -> str:
        return "—" if value is None else i18n.format_percent(value, language, digits)

    def seconds(value: float | None, digits: int = 1) -> str:
        return "—" if value is None else i18n.format_seconds(value, language, digits)

    def day(value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(tz).date() if tz is not None and value.tzinfo else value.date()
        return i18n.format_date(value, language)

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext, "ngettext": ngettext, "label": label,
            "number": number, "percent": percent, "seconds": seconds, "day": day}


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.newstyle_gettext = True  # type: ignore[attr-defined]  # set by the i18n extension, not declared
    return templates


def language_of(request: Request) -> str:
    """The reader's language for this request (?lang=, their account, Vietnamese by default)."""
    return str(getattr(request.state, "language", i18n.DEFAULT_LANGUAGE))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render `name` for this request: language, translators, CSRF token and the user are in scope."""
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    runtime = request.app.state.runtime
    officer = getattr(request.state, "officer", None)
    values: dict[str, Any] = {
        "language": language,
        "languages": i18n.LANGUAGES,
        "csrf_token": request.session.get("csrf", "") if "session" in request.scope else "",
        "user": officer,
        "nav_groups": nav.groups_for(getattr(officer, "role", None), request.url.path),
        "tz": runtime.settings.tz,
        "format_datetime": lambda moment: i18n.format_datetime(moment, language, runtime.settings.tz),
        **translators(language, domain_of(name), runtime.settings.tz),
        **(context or {}),
    }
    return request.app.state.templates.TemplateResponse(request, name, values, status_code=status_code)
