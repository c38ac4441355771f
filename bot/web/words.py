"""The web page speaks web: chat words in the conversation's replies ("/status", "send it to the bot")
become what a person does on the page. The conversation is shared with the chat bot, so its
catalog says chat words; these fragments are the few that differ, per language.
"""

from __future__ import annotations

import re

FRAGMENTS: dict[str, list[tuple[str, str]]] = {
    "vi": [
        ("; /status để xem tình trạng", "; xem tình trạng ở mục “Tin đã gửi” bên dưới"),
        ("gửi /cancel để dừng", "bấm “Huỷ” để dừng"),
        ("hoặc dùng /new", "hoặc bấm “Tin mới”"),
        ("gửi lại tệp cho bot", "chọn lại tệp trên trang này"),
        ("/status", "mục “Tin đã gửi”"), ("/cancel", "nút “Huỷ”"), ("/new", "nút “Tin mới”"),
    ],
    "en": [
        ("/status shows where it stands", "“My submissions” below shows where it stands"),
        ("send /cancel to stop", "press “Cancel” to stop"),
        ("or /new", "or press “New submission”"),
        ("send it to the bot again", "choose it again on this page"),
        ("/status", "“My submissions”"), ("/cancel", "the “Cancel” button"), ("/new", "the “New submission” button"),
    ],
}
_COMMAND = re.compile(r"(?<![\w/])/(start|help|lang|resume)\b")


def webify(text: str, language: str) -> str:
    """`text` with chat commands replaced by the page's buttons and places."""
    for chat, web in FRAGMENTS.get(language, FRAGMENTS["vi"]):
        text = text.replace(chat, web)
    return _COMMAND.sub("", text)
