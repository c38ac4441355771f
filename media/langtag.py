"""Language tags for text and speech: a language code, a confidence and a "needs review" flag.

Codes (ISO 639; the board's languages of REQUIREMENTS.md first):
  vi  Vietnamese                      en  English                 zh  Chinese
  hmn Mông (Hmong; the macrolanguage: Lai Châu's Mông Đơ/Mông Lềnh are several ISO 639-3 codes)
  blt Thái (Tai Dam, Thái Đen; text in the Tai Viet script gets it, although Thái Trắng/Tai Don,
      `twh`, uses the same script: an editor corrects the rare Tai Don notice)
  ium Dao (Iu Mien, Dao Đỏ)           hni Hà Nhì (Hani)
  th, lo  Thai and Lao scripts (Lào and Lự communities); und  undetermined: flagged, never guessed
No detector knows Dao or Hà Nhì, and Whisper knows none of the four minority languages, so those
come out as `und` + needs_review and an editor picks the language (a stored correction).

Text: NFC first (NFD text breaks detectors), then a Unicode-script gate, then CLD2 (pycld2: its
model is compiled into the wheel, it knows Hmong and reads Vietnamese typed without diacritics
best of the candidates compared in bench/README-media.md), then orthographic cues: the share of
words that cannot be Vietnamese syllables, and Hmong RPA's tone letters and consonant clusters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

import pycld2

from media.syllables import is_syllable

TARGETS = ("vi", "en", "zh")
MIN_LETTERS = 12  # below this a tag would be a guess
MIN_WORDS = 3
HAN_WEIGHT = 3
WHISPER_MIN_PROBABILITY = 0.6
VALID_SYLLABLES_MIN = 0.9  # Vietnamese text: at least this share of words are Vietnamese syllables

_SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("Tavt", ((0xAA80, 0xAADF),)),
    ("Hmng", ((0x16B00, 0x16B8F),)),
    ("Hmnp", ((0x1E100, 0x1E14F),)),
    ("Hani", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))),
    ("Thai", ((0x0E00, 0x0E7F),)),
    ("Laoo", ((0x0E80, 0x0EFF),)),
)
_SCRIPT_LANGUAGE = {"Tavt": ("blt", 0.9), "Hmng": ("hmn", 0.95), "Hmnp": ("hmn", 0.95), "Hani": ("zh", 0.95),
                    "Thai": ("th", 0.8), "Laoo": ("lo", 0.8)}

# Hmong RPA: a syllable ends in a vowel or one of the tone letters b s j v m g d; clusters like
# ntx, tsh, npl, hl and the doubled vowels aa ee oo ww occur in no Vietnamese word.
_RPA_TONE_END = re.compile(r"[aeiouw][bsjvmgd]$")
_RPA_MARKERS = re.compile(r"(ntx|nts|tx|ts|npl|npl|hl|hn|hm|ml|dh|qh|nq|nk|np|nr|xy|aa|ee|oo|ww|aw|au|ia|ua)")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_URL = re.compile(r"(https?://\S+|www\.\S+|\S+@\S+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(slots=True)
class LanguageTag:
    language: str
    confidence: float
    needs_review: bool
    method: str  # script | detector | orthography | whisper | too_short
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _script_of(char: str) -> str:
    point = ord(char)
    for name, ranges in _SCRIPTS:
        if any(lo <= point <= hi for lo, hi in ranges):
            return name
    return "Latn" if "LATIN" in unicodedata.name(char, "") else "Zyyy"


def _bare(word: str) -> str:
    """Strip every mark ("Việt" → "viet"), as a phone keyboard without diacritics would type it."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def orthography(words: list[str]) -> dict[str, float]:
    """Shares of words that cannot be Vietnamese syllables (media/syllables.py: onset, rhyme, tone
    inventory), and of those that look like Hmong RPA."""
    non_vi = [_bare(w) for w in words if not is_syllable(w)]
    bare = words
    rpa = [w for w in non_vi if _RPA_TONE_END.search(w) or _RPA_MARKERS.search(w)]
    total = max(1, len(bare))
    return {"non_vietnamese": round(len(non_vi) / total, 3), "hmong_rpa": round(len(rpa) / total, 3)}


def _detect(text: str) -> tuple[str, float, bool]:
    try:
        reliable, _, details = pycld2.detect(text)
    except pycld2.error:
        return "un", 0.0, False
    code = details[0][1]
    return ("zh" if code.startswith("zh") else code), details[0][2] / 100, bool(reliable)


def _latin(text: str, words: list[str]) -> LanguageTag:
    tag = _latin_guess(text, words)
    if tag.language == "vi" and tag.detail["non_vietnamese"] > 1 - VALID_SYLLABLES_MIN:
        # Latin-script Thái or Dao borrows Vietnamese letters, not its syllables: never a confident vi.
        tag.needs_review, tag.confidence = True, min(tag.confidence, 0.5)
    return tag


def _latin_guess(text: str, words: list[str]) -> LanguageTag:
    code, share, reliable = _detect(text)
    cues = orthography(words)
    detail: dict[str, Any] = {"detector": code, "detector_share": share, "reliable": reliable, **cues}
    non_vi, rpa = cues["non_vietnamese"], cues["hmong_rpa"]
    if code == "vi" and non_vi < 0.25:
        # Latin-script Thái or Dao reads as Vietnamese to a detector; too many impossible syllables
        # (over 1 in 10) and the tag is flagged, its confidence cut by that share.
        flagged = not reliable or non_vi > 1 - VALID_SYLLABLES_MIN
        return LanguageTag("vi", round(min(0.99, 0.5 + share / 2) * (1 - non_vi), 3), flagged, "detector", detail)
    if code == "hmn":
        return LanguageTag("hmn", round(max(0.5, share), 3), not reliable, "detector", detail)
    if code == "en" and reliable and share >= 0.7 and non_vi >= 0.3:
        return LanguageTag("en", round(share, 3), False, "detector", detail)
    if non_vi <= 0.1:
        # Every word is a possible Vietnamese syllable: Vietnamese typed without its marks.
        confidence = round(0.9 - non_vi * 2, 3)
        return LanguageTag("vi", confidence, code != "vi", "orthography", detail)
    if rpa >= 0.5 and non_vi >= 0.5:
        return LanguageTag("hmn", round(0.5 + rpa / 3, 3), True, "orthography", detail)
    if code in TARGETS and reliable:
        return LanguageTag(code, round(share * 0.8, 3), True, "detector", detail)
    return LanguageTag("und", round(non_vi * 0.5, 3), True, "orthography", {**detail, "hint": "ethnic_or_unknown"})


def tag_text(text: str) -> LanguageTag:
    """Tag a notice, caption or transcript; too-short text is flagged, never guessed."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text or ""))
    clean = _URL.sub(" ", text)
    letters = [c for c in clean if c.isalpha()]
    counts: dict[str, int] = {}
    for char in letters:
        script = _script_of(char)
        counts[script] = counts.get(script, 0) + 1
    if not letters:
        return LanguageTag("und", 0.0, True, "too_short", {"letters": 0})
    # A Han character is a whole word, worth about three letters of a Latin-script syllable.
    weights = {name: n * (HAN_WEIGHT if name == "Hani" else 1) for name, n in counts.items()}
    total = sum(weights.values())
    script = max(weights, key=lambda name: weights[name])
    shares = {name: round(n / total, 3) for name, n in weights.items()}
    detail: dict[str, Any] = {"scripts": shares}
    tag = _by_script(script, counts[script], clean, shares)
    if tag.language not in TARGETS:
        tag.needs_review = True  # Mông, Thái, Dao…: an editor who reads it checks it, like a clip
    # A second script with a real share is a bilingual notice (Việt–Trung…): an editor decides.
    if any(share >= 0.15 for name, share in shares.items() if name not in (script, "Zyyy")):
        detail["mixed"] = True
        tag.needs_review = True
    tag.detail = {**detail, **tag.detail}
    return tag


def _by_script(script: str, letters: int, clean: str, shares: dict[str, float]) -> LanguageTag:
    if script in _SCRIPT_LANGUAGE:
        # Han carries a word per character, so four of them already say something.
        if letters < (4 if script == "Hani" else MIN_LETTERS):
            return LanguageTag("und", 0.0, True, "too_short")
        language, confidence = _SCRIPT_LANGUAGE[script]
        review = language not in (*TARGETS, "blt", "hmn")
        return LanguageTag(language, round(confidence * shares[script], 3), review, "script")
    if script != "Latn":
        return LanguageTag("und", 0.0, True, "script")
    words = _WORD.findall(clean)
    if letters < MIN_LETTERS or len(words) < MIN_WORDS:
        return LanguageTag("und", 0.0, True, "too_short")
    return _latin(clean, words)


def tag_audio(language: str | None, probability: float | None, probabilities: dict[str, float] | None = None,
              transcript: str | None = None, *, path: str = "detected") -> LanguageTag:
    """Combine Whisper's averaged language probabilities with the text tag of the transcript."""
    detail: dict[str, Any] = {"whisper": language, "whisper_probability": probability, "path": path}
    if path == "forced_vi" and transcript:
        # Whisper could not place the speech; a pass forced to Vietnamese read as Vietnamese text.
        # Likely Vietnamese, still for an editor to confirm.
        text_tag = tag_text(transcript)
        return LanguageTag("vi", round(text_tag.confidence * 0.8, 3), True, "forced_vi",
                           {**detail, "transcript_tag": text_tag.language})
    if probabilities:
        detail["whisper_top"] = dict(sorted(probabilities.items(), key=lambda kv: -kv[1])[:5])
    if language is None or probability is None:
        return LanguageTag("und", 0.0, True, "whisper", {**detail, "hint": "no_speech"})
    code = "zh" if language in ("zh", "yue") else language
    if code not in TARGETS or probability < WHISPER_MIN_PROBABILITY:
        # Whisper always names one of its own languages; for Mông, Thái, Dao or Hà Nhì speech that
        # is a weak or foreign guess, so say "ethnic language, needs review" instead of guessing.
        return LanguageTag("und", round(probability, 3), True, "whisper", {**detail, "hint": "ethnic_or_unknown"})
    review = False
    if transcript:
        text_tag = tag_text(transcript)
        detail["transcript_tag"] = text_tag.language
        review = text_tag.method != "too_short" and text_tag.language != code
    return LanguageTag(code, round(probability, 3), review, "whisper", detail)
