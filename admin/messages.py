"""Error messages of the services the admin web calls, marked here so they land in the admin catalog.

Services raise `Invalid("<English message>")`; the edge shows `i18n.gettext(language, message)`.
"""

from __future__ import annotations

from i18n.labels import N_

SERVICE_MESSAGES = [
    # totp
    N_("the code does not match: check the phone's clock and type the 6 digits again"),
    N_("administrators must keep two-factor authentication"),
    # tokens
    N_("give the token a name"),
    N_("a token lives between 1 and 366 days"),
    N_("contributors send through the chat bot, not the API"),
    # passwords
    N_("the current password is wrong"),
    N_("the two new passwords differ"),
    N_("choose a password different from the current one"),
    N_("password must have at least %(n)s characters"),
    N_("password is too simple"),
]

REVIEW_MESSAGES = [
    N_("another officer is working on this item"),
    N_("this item was already decided or is not ready for a decision"),
    N_("choose at least one cluster"),
    N_("you may not approve for one of these clusters"),
    N_("the airing period ends before it starts"),
    N_("unknown priority"),
    N_("the title is empty"),
    N_("choose a category"),
    N_("say why: the officer reads this"),
    N_("unknown category"),
    N_("unknown language"),
    N_("the title is longer than 300 characters"),
    N_("a subtitle track must start with WEBVTT"),
    N_("subtitle %(n)s ends before it starts"),
    N_("subtitle %(n)s: times are seconds, e.g. 12.5"),
    N_("choose a translator"),
    N_("this request is already closed"),
    N_("the track has no cues"),
    N_("give a date as dd/mm/yyyy"),
]

ORG_MESSAGES = [
    N_("a window ends before it starts"),
    N_("the morning windows give %(have)s; %(short)s short of 3 h (Điều 8.1)"),
    N_("the afternoon windows give %(have)s; %(short)s short of 3 h (Điều 8.1)"),
    N_("the code is empty"),
    N_("the name is empty"),
    N_("choose border gate or public"),
    N_("choose the operator unit"),
    N_("the advertising cap is a percentage between 0 and 100"),
    N_("this code is taken"),
    N_("give a time as HH:MM"),
    N_("choose the kind of unit"),
    N_("the unit ends before it starts"),
    N_("a unit cannot succeed itself"),
    N_("a unit with a successor needs an end date"),
    N_("a phone number holds digits only"),
    N_("this officer is deactivated"),
    N_("you cannot deactivate yourself"),
    # issue 16: accounts
    N_("a staff account binds its chat from its own account page"),
    N_("the current password is wrong"),
    N_("the two new passwords differ"),
    N_("password is too simple"),
]
