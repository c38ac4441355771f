"""The plan of one board for one day, as a pure function of its windows and candidate items.

No database here, so the rules can be tested exhaustively (tests/airing/test_planner_properties.py).
Times are integer milliseconds since the epoch (UTC): exact arithmetic, no rounding at edges.

How a window is filled: cycle after cycle until the window ends, each cycle plays every emergency
item, then every priority item (Circular 39/2020: emergency > priority > normal), then goes once
round the normal items in a rotation that continues across the day's windows and starts at a
different place for each board and day (fair rotation). At border gates, foreign-information
(category 4) and bilingual items come first and twice per round (Điều 7.4). After each normal item
one advertisement (category 5) may follow, only if the window's advertising share stays within the
cluster's cap at every moment, so the cap can never be exceeded (Điều 8.3). An item is placed only
where it airs whole inside both its validity and the window; with emergency or priority items a cycle's
normal part lasts at most 15 minutes; cycles repeat, so a short programme
fills a long window; a window left empty, or a morning/afternoon under 3 h, is flagged (Điều 8.1).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

ADVERTISING = "5"
FOREIGN_INFORMATION = "4"
HOUR_MS = 3_600_000
# With emergency or priority items, a cycle's normal part stops after this, so they come back often.
CYCLE_NORMAL_MS = 15 * 60_000
MINIMUM_PARTS = ("morning", "afternoon")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An approved item that may air on the board that day, with its length in milliseconds."""

    id: int
    category: str
    priority: str  # normal | priority | emergency
    duration_ms: int
    valid_from_ms: int
    valid_to_ms: int
    languages: tuple[str, ...] = ()

    @property
    def is_ad(self) -> bool:
        return self.category == ADVERTISING

    @property
    def favoured_at_border(self) -> bool:
        """Điều 7.4: foreign information, or Vietnamese together with another language."""
        return self.category == FOREIGN_INFORMATION or ("vi" in self.languages and len(set(self.languages)) > 1)


@dataclass(frozen=True, slots=True)
class Window:
    part: str  # morning | afternoon | evening
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Rules:
    """Numbers of the plan: minimum per part (Điều 8.1) and how short a part may fall for its tail gap."""

    part_minimum_ms: int = 3 * HOUR_MS
    tail_tolerance_ms: int = 5 * 60_000


@dataclass(slots=True)
class DayPlan:
    windows: list[dict[str, object]]
    flags: list[str]
    checksum: str = ""
    item_ids: list[int] = field(default_factory=list)


def _rotate(items: list[Candidate], seed: int) -> list[Candidate]:
    if not items:
        return items
    k = seed % len(items)
    return items[k:] + items[:k]


class _Filler:
    """Fills windows one after another, keeping the rotation pointers across the day."""

    def __init__(self, candidates: Sequence[Candidate], *, border_gate: bool, ad_cap_percent: float, seed: int) -> None:
        ordered = sorted(candidates, key=lambda c: c.id)
        plain = [c for c in ordered if not c.is_ad]
        self.first = _rotate([c for c in plain if c.priority == "emergency"], seed) + _rotate(
            [c for c in plain if c.priority == "priority"], seed
        )
        normal = [c for c in plain if c.priority not in {"emergency", "priority"}]
        if border_gate:
            favoured = _rotate([c for c in normal if c.favoured_at_border], seed)
            others = _rotate([c for c in normal if not c.favoured_at_border], seed)
            self.round = favoured + others + favoured
            # Emergency and priority items come back before the second pass of the favoured ones.
            self.breaks = {0, len(favoured) + len(others)}
        else:
            self.round = _rotate(normal, seed)
            self.breaks = {0}
        self.ads = _rotate([c for c in ordered if c.is_ad], seed)
        self.cap = max(0.0, min(100.0, ad_cap_percent))
        self.round_at = 0
        self.ad_at = 0
        self.starts = sorted({c.valid_from_ms for c in ordered})

    def fill(self, window: Window) -> list[list[int]]:
        slots: list[list[int]] = []
        t = window.start_ms
        aired = ad_ms = 0

        def fits(c: Candidate) -> bool:
            return c.valid_from_ms <= t and t + c.duration_ms <= min(c.valid_to_ms, window.end_ms)

        def place(c: Candidate) -> None:
            nonlocal t, aired, ad_ms
            slots.append([c.id, t - window.start_ms, c.duration_ms])
            t += c.duration_ms
            aired += c.duration_ms
            if c.is_ad:
                ad_ms += c.duration_ms

        def maybe_ad() -> None:
            # The share stays within the cap after the ad: ad_ms + d <= cap% of (aired + d).
            for k in range(len(self.ads)):
                c = self.ads[(self.ad_at + k) % len(self.ads)]
                if fits(c) and (ad_ms + c.duration_ms) * 100 <= self.cap * (aired + c.duration_ms):
                    place(c)
                    self.ad_at = (self.ad_at + k + 1) % len(self.ads)
                    return

        while t < window.end_ms:
            placed = 0
            cycle_start = t
            for c in self.first:
                if fits(c):
                    place(c)
                    placed += 1
            if placed and self.ads:
                maybe_ad()
            for _ in range(len(self.round)):
                if self.first and t - cycle_start >= CYCLE_NORMAL_MS:
                    break
                c = self.round[self.round_at]
                self.round_at = (self.round_at + 1) % len(self.round)
                if fits(c):
                    place(c)
                    placed += 1
                    if self.ads:
                        maybe_ad()
                if self.first and self.round_at in self.breaks:
                    break
            if placed == 0:
                # Nothing can start now: jump to the next moment an item becomes valid, or stop.
                later = [s for s in self.starts if t < s < window.end_ms]
                if not later:
                    break
                t = later[0]
        return slots


def plan_day(
    *,
    windows: Sequence[Window],
    candidates: Sequence[Candidate],
    border_gate: bool,
    ad_cap_percent: float,
    seed: int,
    rules: Rules = Rules(),
) -> DayPlan:
    """Fill each window of the day; the same inputs always give the same plan and checksum."""
    filler = _Filler([c for c in candidates if c.duration_ms > 0], border_gate=border_gate,
                     ad_cap_percent=ad_cap_percent, seed=seed)
    out: list[dict[str, object]] = []
    flags: set[str] = set()
    part_window_ms: dict[str, int] = {}
    part_aired_ms: dict[str, int] = {}
    for window in sorted(windows, key=lambda w: (w.start_ms, w.end_ms, w.part)):
        slots = filler.fill(window)
        aired = sum(s[2] for s in slots)
        part_window_ms[window.part] = part_window_ms.get(window.part, 0) + window.end_ms - window.start_ms
        part_aired_ms[window.part] = part_aired_ms.get(window.part, 0) + aired
        if not slots:
            flags.add(f"{window.part}_empty")
        out.append({"part": window.part, "start_ms": window.start_ms, "end_ms": window.end_ms, "slots": slots})
    for part in MINIMUM_PARTS:
        if part_window_ms.get(part, 0) < rules.part_minimum_ms:
            flags.add(f"{part}_window_under_minimum")
        if part_aired_ms.get(part, 0) < rules.part_minimum_ms - rules.tail_tolerance_ms:
            flags.add(f"{part}_under_minimum")
    if not candidates:
        flags.add("no_content")
    plan = DayPlan(windows=out, flags=sorted(flags))
    plan.item_ids = sorted({s[0] for w in out for s in w["slots"]})  # type: ignore[attr-defined]  # windows are JSON-shaped dicts
    canonical = json.dumps({"windows": out, "flags": plan.flags}, sort_keys=True, separators=(",", ":"))
    plan.checksum = hashlib.sha256(canonical.encode()).hexdigest()
    return plan
