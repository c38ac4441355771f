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
    NavItem("/home", N_("Home"), frozenset({"administrator", "editor", "operator", "translator", "inspector", "contributor"})),
]


def items_for(role: str | None) -> list[NavItem]:
    return [item for item in NAV_ITEMS if role in item.roles]
