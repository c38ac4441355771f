"""Fill empty entries of a catalog from a TOML table of translations: `python -m i18n.fill LANG FILE.toml DOMAIN…`.

English catalogs are filled with the message id itself (ids are English). Used by translators and
by `make i18n`; the test suite checks that Vietnamese leaves nothing empty.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from i18n import LOCALE_DIR


def fill(language: str, translations: dict[str, str], domains: list[str]) -> list[str]:
    """Fill every empty msgstr of `language` that `translations` knows; return the ids still empty."""
    missing: list[str] = []
    for domain in domains:
        po_file = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
        if not po_file.exists():
            continue
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            plural = not isinstance(message.id, str)
            if language == "en":
                if plural and not any(message.string or ()):
                    message.string = tuple(message.id)
                elif not plural and not message.string:
                    message.string = message.id
                continue
            empty = not any(message.string or ()) if plural else not message.string
            if empty and key in translations:
                message.string = (translations[key],) if plural else translations[key]
            elif empty:
                missing.append(f"{po_file.name}: {key}")
            message.flags.discard("fuzzy")
        with po_file.open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=True)
    return missing


if __name__ == "__main__":
    language, table, domains = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    data = tomllib.loads(table.read_text()) if table.is_file() else {}
    left = fill(language, data, domains or ["core", "admin", "bot", "media"])
    for line in left:
        print("untranslated:", line)
    sys.exit(1 if left else 0)
