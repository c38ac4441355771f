"""Deadline rules, obligations, reminders and deliveries: the notifier's pages under /notify."""

from fastapi import APIRouter

from admin.views.notify import rules, views

router = APIRouter()
router.include_router(views.router)
router.include_router(rules.router)

__all__ = ["router"]
