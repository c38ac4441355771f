"""Templates of the intake pages: ours first, then the admin's (for its `base.html`), in the reader's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

import i18n

HERE = Path(__file__).parent / "templates"
ADMIN = Path(__file__).parents[2] / "admin" / "templates"
_templates: Jinja2Templates | None = None


def templates() -> Jinja2Templates:
    global _templates
    if _templates is None:  # built on first use, not at import time
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(HERE), jinja2.FileSystemLoader(ADMIN)]), autoescape=True
        )
        _templates = Jinja2Templates(env=env)
    return _templates


def render(
    request: Request, name: str, language: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    def gettext(message: str, **values: Any) -> Markup:
        text = Markup(i18n.gettext(language, message))  # the catalog is trusted, the values are escaped
        return text % values if values else text

    values: dict[str, Any] = {
        "language": language, "languages": i18n.LANGUAGES, "_": gettext, "nav_items": [],
        "csrf_token": request.session.get("csrf", "") if "session" in request.scope else "",
        "user": getattr(request.state, "officer", None), **context,
    }
    return templates().TemplateResponse(request, name, values, status_code=status_code)
