"""Deadline rules, obligations, reminders and deliveries: the notifier's pages under /notify."""

from admin.views.notify.views import router

__all__ = ["router"]
