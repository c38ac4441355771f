"""Records pages: generated reports (Điều 14) and the inspection export (Điều 9.1) under /records."""

from admin.views.records.views import router

__all__ = ["router"]
