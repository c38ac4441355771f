"""Jinja2 templates rendered in the request's language, with `_()` that escapes what it fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

import i18n
from admin import nav

TEMPLATE_DIR = Path(__file__).parent / "templates"


def _translators(language: str) -> dict[str, Any]:
    def gettext(message: str, **values: Any) -> Markup:
        # Like Jinja's new-style gettext: the catalog text is trusted, the values are escaped.
        text = Markup(i18n.gettext(language, message))
        return text % values if values else text

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> Markup:
        text = Markup(i18n.translations(language).ngettext(singular, plural, n))
        return text % {"n": n, **values}

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.newstyle_gettext = True  # type: ignore[attr-defined]  # set by the i18n extension, not declared
    return templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render `name` for this request: language, translators, CSRF token and the user are in scope."""
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    runtime = request.app.state.runtime
    values: dict[str, Any] = {
        "language": language,
        "languages": i18n.LANGUAGES,
        "csrf_token": request.session.get("csrf", "") if "session" in request.scope else "",
        "user": getattr(request.state, "officer", None),
        "nav_items": nav.items_for(getattr(getattr(request.state, "officer", None), "role", None)),
        "tz": runtime.settings.tz,
        "format_datetime": lambda moment: i18n.format_datetime(moment, language, runtime.settings.tz),
        **_translators(language),
        **(context or {}),
    }
    return request.app.state.templates.TemplateResponse(request, name, values, status_code=status_code)
