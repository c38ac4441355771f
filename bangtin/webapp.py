"""The whole web application: the admin pages with the bot's web routes (/gui, uploads, webhooks)."""

from __future__ import annotations

from fastapi import FastAPI

from admin.app import create_app as create_admin_app
from bangtin import tasks
from bot.web.routes import router as bot_router
from core.runtime import Runtime
from core.settings import Settings


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app `bangtin web` serves; every task is registered first, so routes can queue any job."""
    tasks.load()
    app = create_admin_app(settings, runtime)
    app.include_router(bot_router)
    return app
