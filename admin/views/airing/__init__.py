"""Airing on the web: the player API and page, and the operators' pages (pairing, health, emergencies, compliance)."""

from fastapi import APIRouter

from admin.views.airing import (
    boards,
    compliance_pages,
    emergency_pages,
    player_api,
    player_page,
    push,
    schedule_page,
)

router = APIRouter()
for _module in (player_api, push, player_page, boards, emergency_pages, compliance_pages, schedule_page):
    router.include_router(_module.router)
