"""Who may talk to the bot: onboarding with an invite, strangers, deactivated officers, plain commands."""

from __future__ import annotations

import logging
import re

from bot import texts
from bot.flows.turn import Turn
from core.intake import service as intake
from core.intake.rules import log_stranger
from core.org import invites
from core.org.models import Officer
from i18n.labels import N_

log = logging.getLogger("bot.access")
CODE_PATTERN = re.compile(r"^\s*[A-Za-z0-9]{4}[- ]?[A-Za-z0-9]{4}\s*$")

HELP = (
    N_("What you can send:\n"
    "• a video clip, a photo (several at once become one submission), a voice note or an audio file;\n"
    "• a written notice: just type it as a message.\n"
    "Then answer a few questions with the buttons: the category, where it should air, the period and a title.\n"
    "Commands: /new start again · /status your last submissions · /cancel stop the current one · "
    "/suco report a technical or security incident · /lang language.")
)


def looks_like_code(text: str | None) -> bool:
    return bool(text and CODE_PATTERN.match(text))


def try_redeem(turn: Turn, secret: str, *, bound: bool = False) -> bool:
    """Bind this chat with a deep-link token or short code; tell the person either way."""
    try:
        officer = invites.redeem_invite(
            turn.session, secret=secret.strip(), channel=turn.ev.channel, external_id=turn.ev.address,
            display_name=turn.ev.display_name, actor=turn.actor,
        )
    except invites.InviteInvalid as exc:
        if bound and exc.reason == "used":
            return False  # an officer tapping their old link again: just greet them
        messages = {
            "used": N_("This invitation was already used. Ask your unit's editor for a new one."),
            "expired": N_("This invitation has expired. Ask your unit's editor for a new one."),
            "revoked": N_("This invitation was withdrawn. Ask your unit's editor for a new one."),
            "inactive": N_("This account is deactivated. Please contact your unit's editor."),
        }
        turn.say(
            messages.get(
                exc.reason, N_("This invitation code is not valid. Please check it or ask your unit's editor.")
            )
        )
        return False
    turn.lang = officer.language
    turn.sender = invites.identify(turn.session, channel=turn.ev.channel, external_id=turn.ev.address)
    turn.conv.officer_id = officer.id
    turn.goto("idle")
    turn.say(N_("Welcome, %(name)s! This chat is now linked to your account."), name=officer.full_name)
    help_(turn)
    return True


def help_(turn: Turn) -> None:
    """What to send and the commands, with the menu's buttons (reporting an incident)."""
    turn.say(HELP, buttons=texts.menu_keyboard(turn.lang))


def stranger(turn: Turn) -> None:
    """A person without a binding: a polite answer, one rate-limited log line, nothing else kept."""
    if turn.ev.kind == "command" and turn.ev.command == "start" and turn.ev.arg:
        try_redeem(turn, turn.ev.arg)
        return
    if turn.ev.kind == "text" and looks_like_code(turn.ev.text):
        try_redeem(turn, turn.ev.text or "")
        return
    if log_stranger(turn.session, channel=str(turn.ev.channel), address=turn.ev.address):
        log.info("intake.stranger", extra={"channel": str(turn.ev.channel), "address": turn.ev.address})
    turn.say(
        N_("Hello! This bot receives material for the public information boards of Lai Châu and is only for "
        "registered officers. To get access, ask the editor of your unit for an invitation link or code; "
        "if you have a code, send it here.")
    )


def inactive(turn: Turn) -> None:
    if turn.ev.kind == "command" and turn.ev.command == "start" and turn.ev.arg:
        try_redeem(turn, turn.ev.arg)
        return
    turn.say(N_("Your account is deactivated, so nothing can be sent from here. Please contact your unit's editor."))


def command(turn: Turn) -> None:
    """The plain commands of a registered officer (the draft commands live in `drafts`)."""
    name, lang = turn.ev.command, turn.lang
    if name == "start":
        # A new invite rebinds (e.g. a colleague's phone); the old link again just greets.
        if turn.ev.arg and (try_redeem(turn, turn.ev.arg, bound=True) or turn.replies):
            return
        turn.say(N_("Hello %(name)s! Send me your material for the boards."), name=turn.officer().full_name)
        help_(turn)
    elif name == "help":
        help_(turn)
    elif name == "status":
        rows = intake.recent(turn.session, officer_id=turn.sender.officer_id or 0)
        turn.add(texts.Reply(texts.status_lines(lang, turn.rt.settings.tz, rows)))
    elif name == "lang":
        arg = (turn.ev.arg or "").strip().lower()
        if arg in {"vi", "en"}:
            set_language(turn, arg)
        else:
            turn.say(N_("Choose your language:"), buttons=texts.language_keyboard())
    else:
        turn.say(N_("I do not know this command."))
        help_(turn)


def set_language(turn: Turn, language: str) -> None:
    officer = turn.session.get(Officer, turn.sender.officer_id)
    assert officer is not None
    officer.language = language
    turn.session.add(officer)
    turn.lang = language
    turn.say(N_("Language set to English.") if language == "en" else N_("Language set to Vietnamese."))
