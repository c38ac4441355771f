"""The navigation bar: a few grouped entries per role (at most six), the current one highlighted.

Each entry is an English msgid. A group opens a short list of its pages; a role that has one page in
a group gets a plain link. The officer (contributor) sees sending and their own submissions only:
never the staff queue, its filters or other people's edit locks.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n.labels import N_

STAFF = frozenset({"administrator", "editor", "operator", "inspector"})
EVERYONE = STAFF | {"translator", "contributor"}


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: str
    roles: frozenset[str]  # roles that see the entry


@dataclass(frozen=True, slots=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One top entry as a role sees it: a link, or a group of links; `current` when the page is in it."""

    label: str
    path: str
    items: tuple[NavItem, ...]
    current: bool


def _item(path: str, label: str, *roles: str) -> NavItem:
    return NavItem(path, label, frozenset(roles))


NAV_GROUPS: tuple[NavGroup, ...] = (
    NavGroup(N_("Home"), (_item("/home", N_("Home"), *EVERYONE),)),
    NavGroup(N_("Send news"), (_item("/gui", N_("Send news"), "contributor"),)),
    NavGroup(N_("My submissions"), (_item("/mine", N_("My submissions"), "contributor"),)),
    NavGroup(N_("Review"), (
        _item("/review", N_("Review queue"), *STAFF),
        _item("/translations", N_("Translations"), "translator"),
        _item("/library", N_("Library"), *STAFF),
    )),
    NavGroup(N_("Airing"), (
        _item("/airing/schedule", N_("What will play"), *STAFF),
        _item("/airing/boards", N_("Boards"), *STAFF),
        _item("/airing/emergencies", N_("Emergencies"), *STAFF),
        _item("/airing/compliance", N_("Airing log"), *STAFF),
        _item("/clusters", N_("Clusters"), *STAFF),
        _item("/incidents", N_("Incidents"), *STAFF),
        _item("/records/boards", N_("Board register"), *STAFF),
    )),
    NavGroup(N_("Organisation"), (
        _item("/units", N_("Units and officers"), *STAFF),
        _item("/notify/obligations", N_("Deadlines"), "administrator", "editor", "operator", "inspector"),
        _item("/notify/rules", N_("Deadline rules"), "administrator", "editor", "inspector"),
        _item("/notify/deliveries", N_("Messages sent"), "administrator", "inspector"),
    )),
    NavGroup(N_("Inspection"), (
        _item("/audit", N_("Audit log"), "administrator", "inspector"),
        _item("/records/reports", N_("Reports"), "administrator", "editor", "operator"),
        _item("/records/export", N_("Inspection export"), "administrator", "editor", "inspector"),
        _item("/alerts", N_("Alerts and exchange"), "administrator", "editor", "inspector"),
    )),
    NavGroup(N_("My account"), (_item("/account", N_("My account"), *EVERYONE),)),
)


def _matches(path: str, current: str) -> bool:
    base = path.split("?")[0]
    return current == base or (base != "/home" and current.startswith(base.rstrip("/") + "/"))


def groups_for(role: str | None, current_path: str = "") -> list[Entry]:
    """The top entries `role` sees, in order; the group holding `current_path` is marked current."""
    entries = []
    for group in NAV_GROUPS:
        items = tuple(item for item in group.items if role in item.roles)
        if not items:
            continue
        label = items[0].label if len(items) == 1 else group.label
        current = any(_matches(item.path, current_path) for item in items)
        entries.append(Entry(label=label, path=items[0].path, items=items if len(items) > 1 else (), current=current))
    return entries


def items_for(role: str | None) -> list[NavItem]:
    """Every page `role` reaches from the menu (flat), e.g. for tests."""
    return [
        item for entry in groups_for(role) for item in (entry.items or (NavItem(entry.path, entry.label, frozenset()),))
    ]
