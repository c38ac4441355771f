"""Every event has a short text in Vietnamese and English, with the code and local times."""

from __future__ import annotations

import pytest

from bot.notify.render import EVENTS, render
from core.notify.delivery import RenderError

AT = "2026-11-28T01:30:00+00:00"  # 08:30 in Lai Châu
SAMPLES = {
    "submission.received": {"code": "BT-2611-0001"},
    "submission.failed": {"code": "BT-2611-0001", "reason": "tệp hỏng"},
    "submission.ready": {"code": "BT-2611-0001", "submission_id": 5, "language": "vi",
                         "transcript": "Dòng một\nDòng hai\nDòng ba\nDòng bốn"},
    "submission.emergency": {"code": "BT-2611-0001", "unit": "UBND xã Sìn Hồ", "title": "Sạt lở", "category": "2d"},
    "review.approved": {"code": "BT-2611-0001", "valid_from": AT, "valid_to": "2026-12-05T10:00:00+00:00"},
    "review.rejected": {"code": "BT-2611-0001", "reason": "Sai thông tin"},
    "review.changes_requested": {"code": "BT-2611-0001", "reason": "Thêm phụ đề"},
    "play.first": {"title": "BT-2611-0001", "board": "MLT-01", "board_name": "Ma Lù Thàng 1", "started_at": AT},
    "airing.weekly": {"week_start": "2026-11-23", "week_end": "2026-11-29",
                      "items": [{"code": "BT-2611-0001", "plays": 12}, {"code": "BT-2611-0002", "plays": 1}]},
    "emergency.started": {"title": "Lũ quét", "clusters": ["Ma Lù Thàng"], "at": AT},
    "emergency.ended": {"title": "Lũ quét", "clusters": ["Ma Lù Thàng"], "at": AT},
    "emergency.unconfirmed": {"board": "MLT-01", "board_name": "Ma Lù Thàng 1", "cluster": "MLT", "started_at": AT},
    "alert.issued": {"event": "Lũ quét", "title": "Cảnh báo lũ quét", "severity": "Severe",
                     "areas": ["Xã Phong Thổ"], "expires": AT},
    "board.offline": {"board": "MLT-01", "board_name": "Ma Lù Thàng 1", "cluster": "MLT", "last_seen_at": AT},
    "board.online": {"board": "MLT-01", "cluster": "MLT", "at": AT},
    "incident.reported": {"number": "SC-2611-0001", "title": "Màn hình tắt", "kind": "security", "board": "MLT-01",
                          "board_name": "Ma Lù Thàng 1", "cluster": "MLT", "cluster_name": "Cửa khẩu Ma Lù Thàng",
                          "place": None, "reporter": "Lò Thị Hoa", "ack_due_at": AT},
    "incident.escalated": {"number": "SC-2611-0001", "title": "Màn hình tắt"},
    "translation.requested": {"code": "BT-2611-0001", "language": "zh", "note": None},
    "translation.completed": {"code": "BT-2611-0001", "language": "en"},
    "reminder.due": {"rule": "Gửi tác phẩm", "unit": "Báo Lai Châu", "due_on": "2026-11-20", "days": -3},
    "obligation.overdue": {"rule": "Gửi tác phẩm", "unit": "Báo Lai Châu", "due_on": "2026-11-20", "days": 3},
    "account.disabled_idle": {"days": 45},
}


def test_every_event_has_a_sample() -> None:
    assert set(SAMPLES) == EVENTS


@pytest.mark.parametrize("event", sorted(SAMPLES))
def test_each_event_reads_in_both_languages(event: str) -> None:
    vi, en = render(event, SAMPLES[event], "vi"), render(event, SAMPLES[event], "en")
    assert vi.text != en.text and len(vi.text) < 600
    assert any(ch in vi.text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    for key in ("code", "board_name"):
        if (
            key in SAMPLES[event]
            and event != "submission.emergency"
            or key == "code"
            and event == "submission.emergency"
        ):
            assert str(SAMPLES[event].get(key, "")) in vi.text


def test_times_are_local_and_the_ready_message_asks_about_the_language() -> None:
    assert "08:30 28/11/2026" in render("play.first", SAMPLES["play.first"], "vi").text
    ready = render("submission.ready", SAMPLES["submission.ready"], "vi")
    assert "Dòng ba" in ready.text and "Dòng bốn" not in ready.text
    assert [b.action for b in ready.buttons[0]] == ["language.confirm", "language.correct"] and ready.ref_id == 5
    assert "/status" in render("submission.received", SAMPLES["submission.received"], "en").text


def test_an_incident_says_what_where_who_and_by_when_to_acknowledge() -> None:
    text = render("incident.reported", SAMPLES["incident.reported"], "vi").text
    assert text == ("Sự cố SC-2611-0001 (an toàn thông tin) tại Ma Lù Thàng 1 · Cửa khẩu Ma Lù Thàng: Màn hình tắt. "
                    "Người báo: Lò Thị Hoa. Vui lòng tiếp nhận trước 08:30 28/11/2026 tại trang Sự cố.")
    typed = {**SAMPLES["incident.reported"], "board": None, "board_name": None, "cluster": None, "cluster_name": None,
             "place": "Bản Nậm Ô", "kind": "technical"}
    assert "SC-2611-0001 (technical) at Bản Nậm Ô:" in render("incident.reported", typed, "en").text


def test_reminders_say_before_on_or_after_the_day() -> None:
    base = SAMPLES["reminder.due"]
    assert "3 days" in render("reminder.due", base, "en").text
    assert "today" in render("reminder.due", {**base, "days": 0}, "en").text
    assert "Quá hạn" in render("reminder.due", {**base, "days": 2}, "vi").text


def test_an_unknown_event_or_a_missing_key_is_a_render_error() -> None:
    with pytest.raises(RenderError):
        render("nobody.knows", {}, "vi")
    with pytest.raises(RenderError):
        render("review.rejected", {"code": "BT-1"}, "vi")


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("submission.failed", "Không xử lý được BT-2611-0001: Tệp bị hỏng và không phát được. Vui lòng gửi lại tệp"),
        ("review.changes_requested", "Biên tập viên yêu cầu: Thêm phụ đề. Vui lòng gửi bản đã sửa."),
    ],
)
def test_a_reason_that_ends_its_own_sentence_gets_no_second_period(event: str, expected: str) -> None:
    reason = "Tệp bị hỏng và không phát được." if event == "submission.failed" else "Thêm phụ đề."
    text = render(event, {"code": "BT-2611-0001", "reason": reason}, "vi").text
    assert expected in text and ".." not in text
