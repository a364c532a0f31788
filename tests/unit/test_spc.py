"""Hand-computed SPC cases for every Making Data Count rule, tie and boundary.

Most cases start from BASE: 12 points alternating 12, 10 with limits fixed on them
(fix_after=12), so mean = 11, mR-bar = 2, process limits 11 +/- 5.32 = 5.68 and 16.32,
near limits 11 +/- 3.5467 = 7.4533 and 14.5467.
"""

import math

import pytest

from perfkit.assess.spc import spc

BASE = [12, 10] * 6


def run(extra, polarity="higher", **kw):
    return spc(BASE + list(extra), polarity, fix_after=12, **kw)


def rules(result, start=12):
    return list(result.points["rule"].iloc[start:])


def test_limits_by_hand():
    r = run([])
    p = r.points.iloc[-1]
    assert (p["mean"], p["amr"]) == (11, 2)
    assert p["upl"] == pytest.approx(16.32) and p["lpl"] == pytest.approx(5.68)
    assert p["nupl"] == pytest.approx(11 + 2 / 3 * 5.32) and p["nlpl"] == pytest.approx(11 - 2 / 3 * 5.32)
    assert math.isnan(r.points["mr"].iloc[0]) and r.points["mr"].iloc[1] == 2
    assert set(r.points["rule"]) == {""} and r.variation == "common cause"


def test_moving_range_screening_and_switching_it_off():
    series = [10, 12] * 5 + [10, 40]  # mR: ten 2s, then 30; mR-bar 50/11 = 4.545
    screened = spc(series).points["amr"].iloc[0]
    assert screened == pytest.approx(2.0)  # 30 >= 3.267 x 4.545 = 14.85 is screened out
    assert spc(series, screen_outliers=False).points["amr"].iloc[0] == pytest.approx(50 / 11)


def test_outside_limits_and_polarity():
    assert rules(run([16.3])) == [""]  # just inside the upper limit (16.32), above the near limit
    r = run([16.4])
    assert rules(r) == ["outside limits"] and r.variation == "special cause improvement"
    assert run([16.4], "lower").variation == "special cause concern"
    assert run([16.4], "neutral").variation == "special cause neutral high"
    assert run([5.6], "neutral").variation == "special cause neutral low"
    assert run([5.6], "lower").variation == "special cause improvement"


def test_trend_needs_seven_points_and_may_cross_the_mean():
    # 12.5 (above the mean) then a fall, so the rise starts at the next point and no shift forms
    seven = run([12.5, 10.6, 10.7, 10.8, 10.9, 11.0, 11.1, 11.2])
    assert rules(seven) == [""] + ["trend"] * 7 and seven.variation == "special cause improvement"
    six = run([12.5, 10.7, 10.8, 10.9, 11.0, 11.1, 11.2])
    assert rules(six) == [""] * 7
    tie = run([12.5, 10.5, 10.6, 10.6, 10.7, 10.8, 10.9, 11.0, 11.1])  # equal neighbours break the run
    assert rules(tie) == [""] * 9
    falling = run([11.9, 11.8, 11.7, 11.6, 11.5, 11.4, 11.3], "higher")  # also a shift: trend wins
    assert rules(falling) == ["trend"] * 7 and falling.variation == "special cause concern"
    # the base's last point (10) starts this rise: 7 points in all
    from_base = run([10.1, 10.2, 10.3, 10.4, 10.5, 10.6])
    assert rules(from_base, 11) == ["trend"] * 7 and rules(from_base, 10)[0] == ""


def test_shift_needs_seven_strictly_on_one_side():
    assert rules(run([11.5] * 7)) == ["shift"] * 7
    assert rules(run([11.5] * 6)) == [""] * 6
    on_mean = run([11.5, 11.5, 11.5, 11.0, 11.5, 11.5, 11.5, 11.5])  # a point on the mean breaks it
    assert rules(on_mean) == [""] * 8
    low = run([10.5] * 7, "lower")
    assert rules(low) == ["shift"] * 7 and low.variation == "special cause improvement"


def test_two_of_three_flags_only_the_close_points():
    r = run([15, 12, 15], "lower")
    assert rules(r) == ["two of three", "", "two of three"] and r.variation == "special cause concern"
    assert rules(run([15, 10.5, 15])) == ["", "", ""]  # not all three on the same side of the mean
    assert rules(run([15, 12, 12])) == ["", "", ""]  # only one close point
    assert rules(run([15, 16.5, 12])) == ["", "outside limits", ""]  # beyond the process limit is not "close"
    assert rules(run([7, 10, 7])) == ["two of three", "", "two of three"]


def test_priority_outside_before_trend_before_two_of_three_before_shift():
    r = run([11.5, 11.6, 11.7, 11.8, 11.9, 15.0, 17.0])  # 7 rising, all above the mean, last two close/outside
    assert rules(r) == ["trend"] * 6 + ["outside limits"]
    s = run([11.5, 11.5, 11.5, 11.5, 11.5, 15.0, 15.0])  # shift of 7 whose last two are also two-of-three
    assert rules(s) == ["shift"] * 5 + ["two of three"] * 2


@pytest.mark.parametrize(
    "target, polarity, expected",
    [
        (20, "higher", "consistently fail"),
        (20, "lower", "consistently pass"),
        (5, "higher", "consistently pass"),
        (5, "lower", "consistently fail"),
        (11, "higher", "inconsistent (hit and miss)"),
        (16.32, "higher", "inconsistent (hit and miss)"),
        (11, "neutral", None),
        (None, "higher", None),
    ],
)
def test_assurance(target, polarity, expected):
    assert run([], polarity, target=target).assurance == expected


def test_rebase_recalculates_each_group_and_warns_when_short():
    series = [12, 10] * 6 + [22, 20] * 6
    r = spc(series, "higher", rebase_at=[12])
    first, second = r.points.iloc[0], r.points.iloc[12]
    assert (first["mean"], first["amr"], second["mean"], second["amr"]) == (11, 2, 21, 2)
    assert math.isnan(r.points["mr"].iloc[12])  # no moving range across a rebase
    assert set(r.points["rule"]) == {""} and not r.warnings
    short = spc(series[:18], "higher", rebase_at=[12])
    assert short.warnings == ("group 2 has 6 points; SPC limits need at least 12",)
    assert spc([1, 2, 3], "higher").warnings == ("group 1 has 3 points; SPC limits need at least 12",)


def test_without_rebase_the_step_is_a_special_cause():
    r = spc([12, 10] * 6 + [22, 20] * 6, "higher")
    # one mean (16) over both levels: the screened mR-bar is 2, so 22s fall outside the limits
    assert r.points["mean"].iloc[0] == 16 and r.points["amr"].iloc[0] == pytest.approx(2.0)
    assert "outside limits" in set(r.points["rule"]) and r.variation == "special cause improvement"


def test_bad_arguments():
    with pytest.raises(ValueError, match="at least 12"):
        spc(BASE, fix_after=6)


# ----- conformance with NHSRplotthedots 0.2.2 where a plain translation differs ---------------
NAN = float("nan")


def test_the_mean_is_exactly_rounded_so_a_point_on_it_breaks_runs():
    # (a) np.mean gives 56.300000000000004: the two 56.3s would sit below the mean, and points 0 to 3
    # would make a two-of-three R does not report
    xs = [48.7, 56.3, 47.9, 48.7, 56.3, 46.8, 49.0, 49.2, 48.6, 47.6, 77.6, 77.6, 77.6]
    r = spc(xs, "higher")
    p = r.points
    assert p["mean"].iloc[0] == 56.3 and sum(xs) / len(xs) != 56.3
    # moving ranges 7.6 8.4 0.8 7.6 9.5 2.2 0.2 0.6 1.0 30.0 0 0: 30 is screened (>= 3.267 x 67.9/12)
    assert p["amr"].iloc[0] == pytest.approx(37.9 / 11, abs=1e-12)
    assert p["lpl"].iloc[0] == pytest.approx(56.3 - 2.66 * 37.9 / 11)  # 47.135: 46.8 is outside
    assert list(p["rule"].iloc[:5]) == ["", "", "", "", ""]
    assert list(p["rule"].iloc[5:10]) == ["outside limits"] + ["two of three"] * 4


def test_a_target_exactly_on_a_limit_is_hit_and_miss():
    # mean 11 and mR-bar 2 exactly: the limits are R's own doubles, 11 + 2.66 x 2 and 11 - 2.66 x 2
    upl, lpl = 11 + (2.66 * 2), 11 - (2.66 * 2)
    assert run([], "higher", target=upl).assurance == "inconsistent (hit and miss)"
    assert run([], "higher", target=lpl).assurance == "inconsistent (hit and miss)"
    assert run([], "higher", target=math.nextafter(upl, 99)).assurance == "consistently fail"
    # the near limits are R's 2 * (2.66 / 3) x mR-bar from the mean
    assert run([]).points["nupl"].iloc[0] == 11 + (2 * (2.66 / 3)) * 2


# a noisy start (mR-bar about 3.3, limits about 3.8 +/- 8.7) so only the trends are special causes
NOISY = [0, 8, 0, 8, 0, 8]


def test_where_two_trends_meet_the_point_takes_the_trend_on_its_right():
    # (b) 1..7 rises, 7..1 falls; the 7 belongs to both: R reads it as decreasing
    r = spc(NOISY + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], "higher")
    assert list(r.points["rule"].iloc[6:]) == ["trend"] * 13
    types = list(r.points["point_type"].iloc[6:])
    assert types == ["special cause improvement"] * 6 + ["special cause concern"] * 7


def test_a_flat_step_between_two_trends_reads_as_decreasing():
    # 1..7 rises, 7 7 is flat, 7..1 falls: the first 7 ends the rise, its right-hand step is flat
    r = spc(NOISY + [1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1], "higher")
    assert list(r.points["rule"].iloc[6:]) == ["trend"] * 14
    types = list(r.points["point_type"].iloc[6:])
    assert types == ["special cause improvement"] * 6 + ["special cause concern"] * 8


def test_every_moving_range_zero_leaves_the_limits_undefined():
    # (c) with screening (the default) R drops every range (none is below 3.267 x 0): no limits
    r = spc([5.0] * 12, "higher", target=5.0)
    assert r.points["upl"].isna().all() and r.points["lpl"].isna().all()
    assert r.assurance is None and r.variation == "common cause"
    assert any("undefined" in w for w in r.warnings)
    # without screening mR-bar is 0 and the limits sit on the mean
    flat = spc([5.0] * 12, "higher", target=5.0, screen_outliers=False)
    assert (flat.points["upl"] == 5.0).all() and flat.assurance == "inconsistent (hit and miss)"


def test_a_gap_stays_in_place_and_no_moving_range_bridges_it():
    # (d) 14 points, the sixth missing: 11 moving ranges (2 1 2 1 | 2 1 2 1 2 1 1) sum to 16
    xs = [10, 12, 11, 13, 12, NAN, 14, 12, 13, 11, 12, 14, 13, 12]
    r = spc(xs, "higher")
    p = r.points
    assert p["mean"].iloc[0] == 159 / 13 and p["amr"].iloc[0] == 16 / 11
    assert p["upl"].iloc[0] == 159 / 13 + 2.66 * (16 / 11)  # closed up, the 14 - 12 range would make mR-bar 1.5
    assert math.isnan(p["mr"].iloc[5]) and math.isnan(p["mr"].iloc[6])
    assert p["point_type"].iloc[5] == "missing" and r.variation == "common cause" and not r.warnings


def test_no_run_or_window_that_holds_a_gap_fires():
    above = BASE + [11.5, 11.5, 11.5, NAN, 11.5, 11.5, 11.5, 11.5]  # 7 above the mean, but split 3 | 4
    assert set(spc(above, "higher", fix_after=12).points["rule"]) == {""}
    rising = BASE + [10.1, 10.2, 10.3, NAN, 10.4, 10.5, 10.6, 10.7]  # 8 rising, split by the gap
    assert set(spc(rising, "higher", fix_after=12).points["rule"]) == {""}
    close = BASE + [15, NAN, 15]  # two close points whose window holds the gap
    assert set(spc(close, "higher", fix_after=12).points["rule"]) == {""}
    whole = BASE + [11.5] * 7  # the same run without the gap is a shift
    assert set(spc(whole, "higher", fix_after=12).points["rule"]) == {"", "shift"}


def test_the_variation_icon_comes_from_the_last_point_with_a_value():
    r = spc(BASE + [16.4, NAN], "higher", fix_after=12)
    assert r.points["point_type"].iloc[-1] == "missing" and r.variation == "special cause improvement"
