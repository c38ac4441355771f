"""Properties of the plan builder (Hypothesis): the ad cap, periods, windows, emergencies, determinism."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.airing.planner import CYCLE_NORMAL_MS, HOUR_MS, Candidate, Window, plan_day

DAY0 = 1_780_000_000_000  # some UTC midnight-ish origin in ms
MIN = 60_000

windows_st = st.lists(
    st.tuples(st.sampled_from(["morning", "afternoon", "evening"]), st.integers(0, 20 * 60), st.integers(10, 4 * 60)),
    min_size=0, max_size=3,
).map(lambda ws: [Window(part=p, start_ms=DAY0 + s * MIN, end_ms=DAY0 + (s + d) * MIN) for p, s, d in ws])


@st.composite
def candidates_st(draw):
    n = draw(st.integers(0, 14))
    out = []
    for i in range(n):
        start = draw(st.integers(-60, 24 * 60))
        length = draw(st.integers(1, 30 * 60))
        out.append(Candidate(
            id=i + 1,
            category=draw(st.sampled_from(["1", "2a", "2d", "4", "5", "5", "3"])),
            priority=draw(st.sampled_from(["normal", "normal", "normal", "priority", "emergency"])),
            duration_ms=draw(st.integers(1, 600)) * 1000,
            valid_from_ms=DAY0 + start * MIN,
            valid_to_ms=DAY0 + (start + length) * MIN,
            languages=tuple(draw(st.lists(st.sampled_from(["vi", "en", "zh", "hmn"]), max_size=2, unique=True))),
        ))
    return out


common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _slots(plan, window):
    return [(item, window["start_ms"] + offset, duration) for item, offset, duration in window["slots"]]


@common
@given(windows=windows_st, candidates=candidates_st(), cap=st.sampled_from([0, 5, 10, 25, 50]),
       border=st.booleans(), seed=st.integers(0, 10_000))
def test_the_ad_cap_is_never_exceeded_in_any_window_not_even_for_a_moment(windows, candidates, cap, border, seed):
    plan = plan_day(windows=windows, candidates=candidates, border_gate=border, ad_cap_percent=cap, seed=seed)
    ads = {c.id for c in candidates if c.category == "5"}
    for window in plan.windows:
        aired = ad = 0
        for item, _start, duration in _slots(plan, window):
            aired += duration
            ad += duration if item in ads else 0
            assert ad * 100 <= cap * aired  # every prefix, so the whole window too


@common
@given(windows=windows_st, candidates=candidates_st(), border=st.booleans(), seed=st.integers(0, 10_000))
def test_items_never_air_outside_their_period_or_the_windows_and_never_overlap(windows, candidates, border, seed):
    plan = plan_day(windows=windows, candidates=candidates, border_gate=border, ad_cap_percent=10, seed=seed)
    by_id = {c.id: c for c in candidates}
    for window in plan.windows:
        previous_end = window["start_ms"]
        for item, start, duration in _slots(plan, window):
            c = by_id[item]
            assert duration == c.duration_ms
            assert c.valid_from_ms <= start and start + duration <= c.valid_to_ms
            assert window["start_ms"] <= start and start + duration <= window["end_ms"]
            assert start >= previous_end
            previous_end = start + duration


@common
@given(windows=windows_st, candidates=candidates_st(), border=st.booleans(), seed=st.integers(0, 10_000))
def test_same_inputs_give_the_same_plan(windows, candidates, border, seed):
    one = plan_day(windows=windows, candidates=candidates, border_gate=border, ad_cap_percent=10, seed=seed)
    two = plan_day(windows=list(reversed(windows)), candidates=list(reversed(candidates)), border_gate=border,
                   ad_cap_percent=10, seed=seed)
    assert one == two and one.checksum == two.checksum


@common
@given(candidates=candidates_st(), seed=st.integers(0, 10_000), border=st.booleans())
def test_emergency_items_always_win(candidates, seed, border):
    window = Window("morning", DAY0 + 7 * HOUR_MS, DAY0 + 10 * HOUR_MS)
    urgent = Candidate(id=99, category="2d", priority="emergency", duration_ms=45_000,
                       valid_from_ms=window.start_ms - HOUR_MS, valid_to_ms=window.end_ms + HOUR_MS)
    plan = plan_day(
        windows=[window], candidates=[*candidates, urgent], border_gate=border, ad_cap_percent=10, seed=seed
    )
    slots = _slots(plan, plan.windows[0])
    emergency_ids = {c.id for c in candidates if c.priority == "emergency"} | {99}
    assert slots[0][0] in emergency_ids  # the window opens with an emergency item
    starts = [s for item, s, _ in slots if item == 99]
    longest = max([c.duration_ms for c in candidates] + [45_000])
    bound = CYCLE_NORMAL_MS + 3 * longest * (len(candidates) + 1)
    assert all(b - a <= bound for a, b in zip(starts, starts[1:], strict=False))  # and it keeps coming back
    # Up to the last moment it could still start, it airs at least as often as any normal item.
    early = [s for s in slots if s[1] <= window.end_ms - 45_000]
    assert sum(1 for s in early if s[0] == 99) >= max(
        (sum(1 for s in early if s[0] == c.id) for c in candidates if c.priority == "normal" and c.category != "5"),
        default=0,
    )
