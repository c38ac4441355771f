"""Every sentence the bot and its pages show is in the Vietnamese catalog, with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
# The intake's own modules (bot/notify/ keeps its messages in the notify domain).
OURS = [ROOT / "bot" / name for name in ("conversation.py", "texts.py", "cli.py", "flows", "telegram", "web")]


def _files(pattern: str) -> list[Path]:
    return [p for base in OURS for p in ([base] if base.is_file() else base.rglob(pattern)) if p.match(pattern)]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def used_messages() -> set[str]:
    """Message ids in bot/: `say(...)`, `t(lang, ...)`, `gettext/ngettext`, message tables, `_()` in templates."""
    found: set[str] = set()
    for path in _files("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                index = {"say": 0, "t": 1, "gettext": 1, "ngettext": 1}.get(name)
                if index is not None and len(node.args) > index and isinstance(node.args[index], ast.Constant):
                    found.add(node.args[index].value)
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in {
                    "REFUSALS", "UNSUPPORTED", "CATEGORY_LABELS", "KIND_LABELS", "STATE_LABELS", "TARGET_LABELS"}:
                found.update(v.value for v in node.value.values if isinstance(v, ast.Constant))  # type: ignore[attr-defined]
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "COMMANDS":
                found.update(p.elts[1].value for p in node.value.elts if isinstance(p, ast.Tuple))  # type: ignore[attr-defined]
    for path in _files("*.html"):
        found.update(m.group(2) for m in re.finditer(r"""_\((["'])(.+?)\1""", path.read_text()))
    return found


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
