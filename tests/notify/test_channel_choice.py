"""The channel choice as a pure function: properties over every officer situation (Hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.notify.channels import Reach, Route, choose, zns_phone

LANES = ["telegram", "zalo", "zns", "web"]

reaches = st.builds(
    Reach,
    officer_id=st.integers(1, 10),
    order=st.permutations(["telegram", "zalo", "web"]).flatmap(lambda p: st.integers(1, 3).map(lambda n: tuple(p[:n]))),
    accounts=st.dictionaries(
        st.sampled_from(["telegram", "zalo"]),
        st.tuples(st.integers(1, 9), st.text("0123456789", min_size=1, max_size=6)),
    ),
    zalo_window=st.booleans(),
    phone=st.sampled_from([None, "0912345678", "12"]),
    email=st.sampled_from([None, "a@b.vn"]),
    has_login=st.booleans(),
)


def can_carry(reach: Reach, channel: str, lanes: set[str], templated: bool) -> bool:
    if channel == "telegram":
        return "telegram" in lanes and "telegram" in reach.accounts
    if channel == "zalo":
        return (
            "zalo" in lanes
            and "zalo" in reach.accounts
            and (reach.zalo_window or ("zns" in lanes and templated and zns_phone(reach.phone) is not None))
        )
    return "web" in lanes and (reach.has_login or bool(reach.email))


@given(reaches, st.sets(st.sampled_from(LANES)), st.booleans())
def test_the_first_channel_in_the_officers_order_that_can_carry_it_wins(
    reach: Reach, lanes: set[str], templated: bool
) -> None:
    templates = {"review.rejected"} if templated else set()
    route = choose(reach, event="review.rejected", templates=templates, lanes=lanes)
    able = [c for c in reach.order if can_carry(reach, c, lanes, templated)]
    if not able:
        assert isinstance(route, str) and route.count(":") >= len(reach.order)  # one reason per channel
        return
    assert isinstance(route, Route) and route.lane in lanes
    expected = able[0]
    assert route.lane == expected or (expected == "zalo" and route.lane == "zns" and not reach.zalo_window)
    if route.lane == "zns":
        assert route.address.startswith("84") and route.template == "review.rejected"


def test_phone_numbers_become_what_zns_wants() -> None:
    assert zns_phone("0912 345 678") == "84912345678"
    assert zns_phone("+84 912 345 678") == "84912345678"
    assert zns_phone("12") is None and zns_phone(None) is None
