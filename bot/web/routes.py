"""Every route of chat intake, as one router for the app factory to include."""

from __future__ import annotations

from fastapi import APIRouter

from bot.web import gui, uploads, webhook
from bot.zalo import webhook as zalo_webhook

router = APIRouter()
router.include_router(webhook.router)
router.include_router(zalo_webhook.router)
router.include_router(uploads.router)
router.include_router(gui.router)
