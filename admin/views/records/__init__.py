"""Records pages: generated reports (Điều 14) and the inspection export (Điều 9.1) under /records."""

from fastapi import APIRouter

from admin.views.records import incidents, register, views

router = APIRouter()
router.include_router(views.router)
router.include_router(incidents.router)
router.include_router(register.router)

__all__ = ["router"]
