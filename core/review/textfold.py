"""Fold Vietnamese text for search: lower case, no diacritics, đ→d ("Lũ quét" and "lu quet" match)."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """NFD, drop combining marks, map đ/Đ to d, collapse spaces; the same on every database."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())
