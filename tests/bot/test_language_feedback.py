"""The officer confirms or corrects the detected language from the "ready" notification's buttons."""

from __future__ import annotations

from sqlmodel import select

from bot.notify.render import render
from bot.telegram.callbacks import ChoiceData
from bot.telegram.port import keyboard
from core.intake.models import Submission
from core.records.models import AuditEvent
from core.review.models import Review
from tests.bot import updates as U
from tests.bot.conftest import Harness, Seed


def ready_submission(h: Harness, seeded: Seed, officer_id: int, *, code: str, state: str = "ready",
                     language: str = "hmn") -> int:
    with h.rt.db.unit_of_work() as s:
        sub = Submission(code=code, officer_id=officer_id, unit_id=seeded.commune_id, channel="telegram", state=state,
                         kind="audio", language=language, language_confidence=0.6, language_needs_review=True)
        s.add(sub)
        s.flush()
        assert sub.id is not None
        return sub.id


def notifier_buttons(sub_id: int, code: str) -> dict[str, str]:
    """The callback data of the buttons the notifier sends with "submission.ready", by action."""
    message = render("submission.ready", {"code": code, "language": "hmn", "transcript": "Nyob zoo\nLub zos",
                                          "submission_id": sub_id}, "vi")
    markup = keyboard(message.buttons, message.ref_id)
    assert markup is not None
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    return {ChoiceData.unpack(d).action: d for d in data if d}


async def press(h: Harness, chat: int, data: str) -> list[str]:
    h.new_texts(chat)
    await h.send(U.callback(h.fake, chat, data))
    return h.new_texts(chat)


def reviews(h: Harness, sub_id: int) -> list[Review]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(Review).where(Review.submission_id == sub_id).order_by(Review.id)).all())  # type: ignore[arg-type]


def submission(h: Harness, sub_id: int) -> Submission:
    with h.rt.db.reading() as s:
        sub = s.get(Submission, sub_id)
        assert sub is not None
        return sub


def actions(h: Harness) -> list[str]:
    with h.rt.db.reading() as s:
        return [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()]  # type: ignore[arg-type]


async def test_officer_confirms_the_detected_language(h: Harness, seeded: Seed) -> None:
    officer = await h.onboard(701)
    sub_id = ready_submission(h, seeded, officer, code="BT-2611-0701")
    assert await press(h, 701, notifier_buttons(sub_id, "BT-2611-0701")["language.confirm"]) == [
        "Cảm ơn bạn! Ngôn ngữ đã được xác nhận."]
    [row] = reviews(h, sub_id)
    assert (row.decision, row.reviewer_id, row.changes) == (
        "correction", officer, {"language_confirmed_by_officer": ["hmn", "hmn"]})
    sub = submission(h, sub_id)
    assert (sub.language, sub.language_needs_review) == ("hmn", False)
    assert "submission.language_confirmed" in actions(h)


async def test_officer_corrects_the_language_and_editors_still_check(h: Harness, seeded: Seed) -> None:
    officer = await h.onboard(702)
    sub_id = ready_submission(h, seeded, officer, code="BT-2611-0702")
    assert await press(h, 702, notifier_buttons(sub_id, "BT-2611-0702")["language.correct"]) == [
        "Bài này dùng ngôn ngữ nào?"]
    labels = [label for label, _ in h.fake.buttons(702)]
    assert labels == ["Tiếng Việt", "English", "中文", "Tiếng Mông", "Tiếng Thái", "Tiếng Dao", "Tiếng Hà Nhì",
                      "Khác/không rõ"]
    assert all(len(data.encode()) <= 64 for _, data in h.fake.buttons(702))
    assert await h.tap(702, "Tiếng Thái") == [
        "Cảm ơn bạn! BT-2611-0702 đã được ghi là Tiếng Thái; biên tập viên sẽ kiểm tra lại."]
    sub = submission(h, sub_id)
    assert (sub.language, sub.language_needs_review) == ("blt", True)
    [row] = reviews(h, sub_id)
    assert (row.decision, row.reviewer_id, row.changes) == ("correction", officer, {"language": ["hmn", "blt"]})
    assert "submission.language_corrected" in actions(h)


async def test_another_officers_tap_is_refused(h: Harness, seeded: Seed) -> None:
    owner = await h.onboard(703)
    await h.onboard(704)
    sub_id = ready_submission(h, seeded, owner, code="BT-2611-0703")
    buttons = notifier_buttons(sub_id, "BT-2611-0703")
    assert await press(h, 704, buttons["language.confirm"]) == ["Nút này không thuộc bài nào của bạn."]
    assert await press(h, 704, buttons["language.correct"]) == ["Nút này không thuộc bài nào của bạn."]
    assert await press(h, 704, ChoiceData(action="language.set", value=f"{sub_id}.vi").pack()) == [
        "Nút này không thuộc bài nào của bạn."]
    assert reviews(h, sub_id) == []
    assert submission(h, sub_id).language == "hmn"


async def test_decided_submission_keeps_its_language(h: Harness, seeded: Seed) -> None:
    officer = await h.onboard(705)
    sub_id = ready_submission(h, seeded, officer, code="BT-2611-0705", state="approved")
    refusal = "Biên tập viên đã xử lý xong bài này nên không thể đổi ngôn ngữ nữa. Cảm ơn bạn!"
    buttons = notifier_buttons(sub_id, "BT-2611-0705")
    assert await press(h, 705, buttons["language.confirm"]) == [refusal]
    assert await press(h, 705, buttons["language.correct"]) == [refusal]
    assert await press(h, 705, ChoiceData(action="language.set", value=f"{sub_id}.vi").pack()) == [refusal]
    assert reviews(h, sub_id) == []
    assert (submission(h, sub_id).language, submission(h, sub_id).language_needs_review) == ("hmn", True)


async def test_unknown_language_code_is_not_stored(h: Harness, seeded: Seed) -> None:
    officer = await h.onboard(706)
    sub_id = ready_submission(h, seeded, officer, code="BT-2611-0706")
    assert await press(h, 706, ChoiceData(action="language.set", value=f"{sub_id}.xx").pack()) == [
        "Không chọn được mục này. Vui lòng chọn lại."]
    assert reviews(h, sub_id) == [] and submission(h, sub_id).language == "hmn"
