"""Every sentence the bot and its pages show is in the Vietnamese catalog, with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
# The intake's own modules (bot/notify/ keeps its messages in the notify domain).
OURS = [ROOT / "bot" / name for name in ("conversation.py", "texts.py", "cli.py", "flows", "telegram", "web")]


def _files(pattern: str) -> list[Path]:
    return [p for base in OURS for p in ([base] if base.is_file() else base.rglob(pattern)) if p.match(pattern)]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def used_messages() -> set[str]:
    """Message ids in our modules, found as `make i18n` finds them (pybabel's keywords, Jinja `_()`)."""
    keywords = {"_": None, "N_": None, "gettext": (2,), "ngettext": (2, 3)}
    found: set[str] = set()
    for pattern, method in (("*.py", "python"), ("*.html", "jinja2")):
        for path in _files(pattern):
            with path.open("rb") as handle:
                for _line, message, _comments, _context in extract(method, handle, keywords=keywords):
                    found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_sentences_are_marked_for_extraction() -> None:
    """`say()` and `t()` take ids marked with `N_()`, so `make i18n` never drops one as obsolete."""
    unmarked = []
    for path in _files("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                index = {"say": 0, "t": 1}.get(name)
                if index is not None and len(node.args) > index and isinstance(node.args[index], ast.Constant):
                    unmarked.append(f"{path.name}:{node.lineno}")
    assert unmarked == []


def catalog(language: str) -> dict[str, str]:
    with (ROOT / "i18n" / "locale" / language / "LC_MESSAGES" / "bot.po").open("rb") as handle:
        po = read_po(handle)
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): (m.string[0] if isinstance(m.string, tuple) else m.string)
            for m in po if m.id}


def test_every_bot_message_is_translated_into_vietnamese() -> None:
    vi = catalog("vi")
    missing = sorted(m for m in used_messages() if not vi.get(m))
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    for msgid, text in catalog("vi").items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(text)), msgid


def test_english_catalog_lists_the_same_messages() -> None:
    assert set(catalog("en")) == set(catalog("vi"))
