"""The navigation bar: each capability adds its entry here (label is an English msgid)."""

from __future__ import annotations

from dataclasses import dataclass

from i18n.labels import N_


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: str
    roles: frozenset[str]  # roles that see the entry


NAV_ITEMS: list[NavItem] = [
    NavItem(
        "/home",
        N_("Home"),
        frozenset({"administrator", "editor", "operator", "translator", "inspector", "contributor"}),
    ),
    NavItem("/review", N_("Review"), frozenset({"administrator", "editor", "operator", "inspector"})),
    NavItem("/review?state=", N_("My submissions"), frozenset({"contributor"})),
    NavItem("/translations", N_("Translations"), frozenset({"translator"})),
    NavItem("/library", N_("Library"), frozenset({"administrator", "editor", "operator", "inspector"})),
    NavItem("/clusters", N_("Clusters"), frozenset({"administrator", "editor", "operator", "inspector"})),
    NavItem("/units", N_("Units and officers"), frozenset({"administrator", "editor", "operator", "inspector"})),
    NavItem("/audit", N_("Audit log"), frozenset({"administrator", "inspector"})),
    NavItem("/airing/boards", N_("Boards"), frozenset({"administrator", "editor", "operator", "inspector"})),
    NavItem("/airing/emergencies", N_("Emergencies"), frozenset({"administrator", "editor", "operator", "inspector"})),
    NavItem("/airing/compliance", N_("Airing log"), frozenset({"administrator", "editor", "operator", "inspector"})),
    NavItem(
        "/notify/obligations", "Deadlines", frozenset({"administrator", "editor", "inspector"})
    ),  # msgid in the notify catalog
    NavItem(
        "/account", N_("My account"), frozenset({"administrator", "editor", "operator", "translator", "inspector"})
    ),
]


def items_for(role: str | None) -> list[NavItem]:
    return [item for item in NAV_ITEMS if role in item.roles]
