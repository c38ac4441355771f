"""Is a word a possible Vietnamese syllable? An inventory check, not a word list.

A Vietnamese syllable is onset + rhyme + one tone: the onset from a closed set (spelling rules
included: k/gh/ngh before i, e, ê; c/g/ng elsewhere), the rhyme from the closed set of about 150
rhymes, and a stop-final rhyme (-p, -t, -c, -ch) carries only the sắc or nặng tone. Latin-script
Thái and Dao text borrows the Vietnamese letters but not this inventory (Thái "hăư", "pắt", Dao
"mbuo", "gorngv"), so the share of valid syllables tells "looks Vietnamese" from "is Vietnamese".
Text typed without marks is checked against the same inventory with its marks removed.
"""

from __future__ import annotations

import unicodedata
from functools import cache

TONES = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}
ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "r", "s", "t", "v", "x", "")
RHYMES = frozenset("""
a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oong ooc oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oe oen oeo oet oem
ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uân uât uâng uây uê uêch uênh uy uya uych uyên uyêt uyn uynh uyt uyu
uôc uôi uôm uôn uông uôt uơ
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu
""".split())  # noqa: SIM905 - a table reads better than a 150-item list
STOPS = ("ch", "p", "t", "c")
FRONT = ("i", "e", "ê", "y")


def _strip(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("đ", "d")


@cache
def _bare_rhymes() -> frozenset[str]:
    return frozenset(_strip(r) for r in RHYMES)


def _split_tone(word: str) -> tuple[str, list[str]]:
    """The word without its tone mark (vowel hats and horns kept) and the tone marks found."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [TONES[c] for c in decomposed if c in TONES]
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES)), tones


def _spelling_ok(onset: str, rhyme: str, marked: bool) -> bool:
    front = rhyme.startswith(FRONT)
    if onset in ("k", "gh", "ngh"):
        return front
    if onset in ("c", "g", "ng"):
        return not front or (onset == "g" and rhyme.startswith("i"))  # "gì" is gi + ì
    if onset == "qu":  # "quốc" typed bare is "quoc": only a marked o is told from ô
        return not rhyme.startswith(("u", "o") if marked else "u")
    return True


def is_syllable(word: str) -> bool:
    """True when `word` (one syllable, any case, NFC or NFD) fits the Vietnamese inventory."""
    word = word.lower()
    base, tones = _split_tone(word)
    if len(tones) > 1:
        return False
    marked = base != _strip(base) or bool(tones) or "đ" in word
    rhymes = RHYMES if marked else _bare_rhymes()
    if not marked:
        base = _strip(base)
    for onset in ONSETS:
        if not base.startswith(onset if marked or onset != "đ" else "d"):
            continue
        rhyme = base[len(onset):]
        if rhyme in rhymes and _spelling_ok(onset, rhyme, marked):
            if tones and rhyme.endswith(STOPS) and tones[0] not in ("sac", "nang"):
                continue
            return True
    return False


def valid_share(words: list[str]) -> float:
    """The share of `words` that are possible Vietnamese syllables (1.0 for no words)."""
    if not words:
        return 1.0
    return sum(is_syllable(w) for w in words) / len(words)
