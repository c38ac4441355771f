"""The buttons under "ready for the editors": the officer confirms or corrects the detected language."""

from __future__ import annotations

from bot import texts
from bot.flows.turn import Turn
from bot.protocol import Button
from core.errors import Invalid, NotFound
from core.intake import language_feedback
from i18n.labels import N_

ACTIONS = frozenset({"language.confirm", "language.correct", "language.set"})
SEP = "."  # "<submission id>.<code>": ChoiceData already uses ":" between its fields
LABELS = {
    "vi": N_("Vietnamese"), "en": N_("English"), "zh": N_("Chinese"), "hmn": N_("Hmong"),
    "blt": N_("Tai"), "ium": N_("Dao"), "hni": N_("Ha Nhi"), "und": N_("Other / not sure"),
}


def label(lang: str, code: str | None) -> str:
    return texts.t(lang, LABELS.get(code or "und", LABELS["und"]))


def keyboard(lang: str, submission_id: int) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(label(lang, code), "language.set", f"{submission_id}{SEP}{code}")
               for code in language_feedback.OFFICER_LANGUAGES]
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


def choice(turn: Turn) -> None:
    """One tap on a language button; only the submission's own officer, only before the editors decide."""
    action, value = turn.ev.action, turn.ev.value or ""
    head, _, code = value.partition(SEP)
    submission_id = int(head) if head.isdigit() else turn.ev.ref_id
    if submission_id is None:
        turn.say(N_("That choice is not possible. Please choose again."))
        return
    try:
        if action == "language.confirm":
            language_feedback.confirm(turn.session, officer=turn.officer(), submission_id=submission_id,
                                      actor=turn.actor)
            turn.say(N_("Thank you! The language is confirmed."))
        elif action == "language.correct":
            language_feedback.ensure_open(turn.session, officer=turn.officer(), submission_id=submission_id)
            turn.say(N_("Which language is it?"), buttons=keyboard(turn.lang, submission_id))
        else:
            sub = language_feedback.correct(turn.session, officer=turn.officer(), submission_id=submission_id,
                                             language=code, actor=turn.actor)
            turn.say(N_("Thank you! %(code)s is now marked as %(name)s; the editors will check it."),
                     code=sub.code or "", name=label(turn.lang, sub.language))
    except NotFound:
        turn.say(N_("This button does not belong to one of your submissions."))
    except language_feedback.NotOpen:
        turn.say(N_("The editors have already decided on this submission, so its language can no longer be changed. "
                    "Thank you!"))
    except Invalid:
        turn.say(N_("That choice is not possible. Please choose again."))
