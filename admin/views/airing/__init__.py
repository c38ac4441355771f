"""Airing on the web: the player API and page, and the operators' pages (pairing, health, emergencies, compliance)."""

from fastapi import APIRouter

from admin.views.airing import player_api, player_page, push

router = APIRouter()
for _module in (player_api, push, player_page):
    router.include_router(_module.router)
