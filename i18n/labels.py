"""Display labels of the domain's codes (roles, duties, unit kinds, Điều 7 categories, states).

`N_` only marks a string for extraction; translate at display time with `i18n.gettext(lang, label)`.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


ROLES = {
    "administrator": N_("administrator"),
    "editor": N_("editor"),
    "operator": N_("operator"),
    "translator": N_("translator"),
    "inspector": N_("inspector"),
    "contributor": N_("contributor"),
}

DUTIES = {
    "provincial_editor": N_("provincial editor unit"),
    "cluster_operator": N_("cluster operator"),
    "contributor": N_("information supplier"),
    "emergency_sender": N_("may send emergencies"),
    "translator": N_("translation"),
    "document_sender": N_("may send documents"),
}

UNIT_KINDS = {
    "province": N_("province"),
    "department": N_("department"),
    "commune": N_("commune"),
    "ward": N_("ward"),
    "border_guard": N_("border guard"),
    "press": N_("press and broadcasting"),
    "economic_zone": N_("economic zone board"),
    "other": N_("other"),
}

# Điều 7 of Decision 20/2024/QĐ-UBND, short enough for a chat button.
CATEGORIES = {
    "1": N_("Party and State policy, law"),
    "2a": N_("Local development projects"),
    "2b": N_("Politics, economy, culture, science"),
    "2c": N_("Security, order, military"),
    "2d": N_("Disaster, rescue, fire, epidemic"),
    "2đ": N_("Good people, good deeds"),
    "2e": N_("Fighting law violations"),
    "2g": N_("Products and services for local life"),
    "3": N_("Access to information, grassroots democracy"),
    "4": N_("Foreign information, promoting Lai Châu"),
    "5": N_("Advertising"),
}

SUBMISSION_STATES = {
    "draft": N_("draft"),
    "received": N_("received"),
    "processing": N_("processing"),
    "ready": N_("waiting for review"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "changes_requested": N_("changes requested"),
    "failed": N_("processing failed"),
    "cancelled": N_("cancelled"),
}
