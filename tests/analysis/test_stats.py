"""Tests of analysis/wijksim/stats.py against textbook values, analytic results and the
sampling behaviour the intervals promise.

Run with `/usr/bin/python3 -m pytest -q tests/analysis`. Stochastic checks use fixed seeds and
compare with the known answer within k standard errors (k = 4), each with a guard that the
sample is large enough for that tolerance to mean something.
"""
import importlib.util
import math
import sys
import warnings
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "analysis"))
from wijksim import stats  # noqa: E402

K_SE = 4
Z975 = NormalDist().inv_cdf(0.975)


# ---- t quantile --------------------------------------------------------------------------------

@pytest.mark.parametrize("p,df,table", [
    (0.975, 1, 12.706), (0.975, 2, 4.303), (0.975, 4, 2.776), (0.975, 9, 2.262),
    (0.975, 30, 2.042), (0.95, 10, 1.812), (0.975, 1000, 1.962)])
def test_t_quantile_matches_textbook_tables(p, df, table):
    assert stats.t_quantile(p, df) == pytest.approx(table, abs=5e-4)


def test_t_quantile_matches_the_closed_forms_for_one_and_two_degrees_of_freedom():
    # Independent references: t with 1 df is Cauchy, t(p) = tan(pi (p - 1/2)); with 2 df,
    # t(p) = (2p - 1) / sqrt(2 p (1 - p)).
    for p in (0.6, 0.9, 0.975, 0.995):
        assert stats.t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9)
        assert stats.t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)),
                                                       rel=1e-9)


def test_t_cdf_abs_matches_the_closed_forms():
    # P(|T| < t): (2 / pi) atan(t) for 1 df, t / sqrt(2 + t^2) for 2 df.
    for t in (0.1, 1.0, 2.5, 12.0):
        assert stats.t_cdf_abs(t, 1) == pytest.approx(2 / math.pi * math.atan(t), abs=1e-12)
        assert stats.t_cdf_abs(t, 2) == pytest.approx(t / math.sqrt(2 + t * t), abs=1e-12)


def test_t_quantile_refuses_p_outside_the_upper_half_and_bad_df():
    for p, df in [(0.5, 3), (1.0, 3), (0.3, 3), (0.975, 0), (0.975, 2.5)]:
        with pytest.raises(ValueError):
            stats.t_quantile(p, df)


def test_calibration_uses_the_shared_t_quantile():
    spec = importlib.util.spec_from_file_location("calibration_for_stats",
                                                  REPO / "analysis" / "calibration.py")
    cal = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cal)
    assert cal.t_quantile is stats.t_quantile


# ---- mean_ci and paired_diff_ci ----------------------------------------------------------------

def test_mean_ci_is_the_t_interval_of_the_mean():
    mean, lo, hi, n = stats.mean_ci([15_000.0, 15_300.0, 15_600.0])
    half = 4.303 * 300 / math.sqrt(3)     # t(0.975, 2) from the table, sd 300
    assert (float(mean), int(n)) == (15_300.0, 3)
    assert (float(lo), float(hi)) == pytest.approx((15_300 - half, 15_300 + half), abs=0.5)


def test_mean_ci_covers_the_true_mean_95_percent_of_the_time_for_n_5():
    trials, n, level = 4000, 5, 0.95
    se = math.sqrt(level * (1 - level) / trials)
    # Guard: a z interval (1.96 instead of t(0.975, 4) = 2.776) covers only ~88 % at n = 5;
    # the tolerance must be tight enough to tell the two apart.
    assert K_SE * se < 0.02
    rng = np.random.default_rng(12345)
    x = rng.normal(3.0, 2.0, size=(n, trials))            # [replicate, trial]
    _, lo, hi, count = stats.mean_ci(x, axis=0, level=level)
    assert lo.shape == (trials,) and np.all(count == n)
    coverage = np.mean((lo <= 3.0) & (3.0 <= hi))
    assert abs(coverage - level) < K_SE * se


def test_mean_ci_reduces_along_the_given_axis():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 4))                           # [replicate, week]
    by_week = stats.mean_ci(x, axis=0)
    by_week_t = stats.mean_ci(x.T, axis=1)
    for a, b in zip(by_week, by_week_t):
        assert a.shape == (4,)
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(by_week[0], x.mean(axis=0))


def test_mean_ci_skips_nan_and_counts_only_finite_values():
    x = np.array([[1.0, np.nan, 5.0],
                  [3.0, np.nan, np.nan],
                  [np.nan, np.nan, 7.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")                   # an all-NaN column must stay quiet
        mean, lo, hi, n = stats.mean_ci(x, axis=0)
    assert n.tolist() == [2, 0, 2]
    assert mean[0] == 2.0 and mean[2] == 6.0
    assert math.isnan(mean[1]) and math.isnan(lo[1]) and math.isnan(hi[1])
    ref = stats.mean_ci([1.0, 3.0])
    assert (lo[0], hi[0]) == pytest.approx((float(ref[1]), float(ref[2])))


def test_mean_ci_with_fewer_than_two_values_has_no_bounds():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mean, lo, hi, n = stats.mean_ci(np.array([[4.0, np.nan], [np.nan, np.nan]]))
    assert mean[0] == 4.0 and n.tolist() == [1, 0]
    assert np.all(np.isnan(lo)) and np.all(np.isnan(hi))


# ---- mean_ci_positive --------------------------------------------------------------------------

def test_mean_ci_positive_bounds_solve_the_score_equation():
    # By hand: mean 20, sd 10, n 3, t(0.975, 2) = 4.303 from the table, se = 10 / sqrt(3).
    # Each bound mu is a root of (mean - mu)^2 = t^2 se^2 mu / mean, one on either side.
    mean, lo, hi, n = stats.mean_ci_positive([10.0, 20.0, 30.0])
    assert (float(mean), int(n)) == (20.0, 3)
    lo, hi = float(lo), float(hi)
    assert 0 < lo < 20 < hi
    se2 = 100 / 3
    for mu in (lo, hi):
        assert (20 - mu) ** 2 == pytest.approx(4.303 ** 2 * se2 * mu / 20, rel=5e-4)
    assert (lo, hi) == pytest.approx((6.185, 64.69), rel=5e-4)   # worked out on paper


def test_mean_ci_positive_never_reaches_below_zero_where_the_t_interval_does():
    x = np.array([[0.0, 0.0, 30.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]).T   # [replicate, figure]
    _, t_lo, _, _ = stats.mean_ci(x, axis=0)
    assert t_lo[0] < 0 and t_lo[1] < 0                # the symmetric interval goes negative
    mean, lo, hi, _ = stats.mean_ci_positive(x, axis=0)
    assert np.all(lo[:2] > 0) and np.all(lo[:2] < mean[:2]) and np.all(hi[:2] > mean[:2])
    assert (lo[2], mean[2], hi[2]) == (0.0, 0.0, 0.0)  # all zero: nothing to be unsure of


def test_mean_ci_positive_agrees_with_the_t_interval_for_a_precise_mean():
    rng = np.random.default_rng(9)
    x = rng.normal(1000.0, 10.0, size=(10, 50))        # relative error about 0.3 %
    _, tlo, thi, _ = stats.mean_ci(x, axis=0)
    _, lo, hi, _ = stats.mean_ci_positive(x, axis=0)
    width = thi - tlo
    assert np.all(np.abs(lo - tlo) < 0.01 * width) and np.all(np.abs(hi - thi) < 0.01 * width)


def test_mean_ci_positive_covers_the_mean_of_skewed_counts():
    # Poisson counts with mean 4 (a rare event per replicate), 10 replicates: the coverage is
    # near the nominal level; the guard makes the tolerance tell 95 % from 85 %.
    trials, n, level, mu = 4000, 10, 0.95, 4.0
    se = math.sqrt(level * (1 - level) / trials)
    assert K_SE * se < 0.03
    rng = np.random.default_rng(77)
    x = rng.poisson(mu, size=(n, trials)).astype(float)
    _, lo, hi, _ = stats.mean_ci_positive(x, axis=0, level=level)
    assert np.all(lo >= 0)
    coverage = np.mean((lo <= mu) & (mu <= hi))
    assert abs(coverage - level) < K_SE * se + 0.01, coverage


def test_mean_ci_positive_refuses_negative_values():
    with pytest.raises(ValueError, match="negative"):
        stats.mean_ci_positive([1.0, -2.0, 3.0])


def test_paired_diff_ci_of_a_constant_shift_is_that_shift_with_zero_width():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 1000, size=(8, 5)).astype(float)   # integers: the shift is exact
    b = a + 250.0
    mean, lo, hi, n = stats.paired_diff_ci(b, a)
    assert np.all(mean == 250.0) and np.all(lo == 250.0) and np.all(hi == 250.0)
    assert np.all(n == 8)
    assert np.all(stats.paired_diff_ci(a, b)[0] == -250.0)


def test_paired_diff_ci_drops_a_replicate_missing_in_either_run():
    a = np.array([1.0, 2.0, np.nan, 4.0])
    b = np.array([0.0, np.nan, 1.0, 1.0])
    mean, _, _, n = stats.paired_diff_ci(a, b)
    assert int(n) == 2 and float(mean) == 2.0
    with pytest.raises(ValueError):
        stats.paired_diff_ci(a, b[:3])


# ---- Sobol indices -----------------------------------------------------------------------------

def saltelli_outputs(f, A, B):
    """Outputs of f on A, B, AB_1 .. AB_k (AB_j: A with column j from B), in that order."""
    blocks = [A, B]
    for j in range(A.shape[1]):
        AB = A.copy()
        AB[:, j] = B[:, j]
        blocks.append(AB)
    return f(np.vstack(blocks))


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic S1 and ST of the Ishigami function (Saltelli et al. 2008, Global Sensitivity
    Analysis: The Primer, section 4.7)."""
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def bootstrap_se(res, key):
    """Standard error implied by a 95 % percentile interval (its half-width / 1.96)."""
    return (res[key + "_hi"] - res[key + "_lo"]) / (2 * Z975)


@pytest.fixture(scope="module")
def ishigami_result():
    rng = np.random.default_rng(2010)
    N = 20_000
    A = rng.uniform(-math.pi, math.pi, size=(N, 3))
    B = rng.uniform(-math.pi, math.pi, size=(N, 3))
    return stats.sobol_indices(saltelli_outputs(ishigami, A, B), k=3, n_boot=300, seed=1)


def test_ishigami_analytic_indices_within_bootstrap_error(ishigami_result):
    s1_true, st_true = ishigami_indices()
    # The analytic values the brief quotes, so a slip in the formulas above shows here.
    np.testing.assert_allclose(s1_true, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(st_true, [0.5576, 0.4424, 0.2437], atol=1e-4)
    res = ishigami_result
    assert res["N"] == 20_000
    for key, truth in (("S1", s1_true), ("ST", st_true)):
        se = bootstrap_se(res, key)
        # Guard: the bootstrap must be sharp enough for the comparison to test anything.
        assert np.all(se > 0) and np.all(K_SE * se < 0.1), (key, se)
        assert np.all(np.abs(res[key] - truth) < K_SE * se + 0.01), (key, res[key], truth, se)


def test_sobol_intervals_contain_their_estimates(ishigami_result):
    for key in ("S1", "ST"):
        assert np.all(ishigami_result[key + "_lo"] <= ishigami_result[key])
        assert np.all(ishigami_result[key] <= ishigami_result[key + "_hi"])


def test_sobol_of_additive_linear_model_is_share_of_squared_coefficients():
    a = np.array([1.0, 2.0, 3.0])
    rng = np.random.default_rng(7)
    N = 20_000
    A, B = rng.uniform(size=(N, 3)), rng.uniform(size=(N, 3))
    res = stats.sobol_indices(saltelli_outputs(lambda x: x @ a, A, B), k=3, n_boot=200,
                              seed=3)
    truth = a ** 2 / np.sum(a ** 2)     # uniform x_j share one variance, 1/12
    for key in ("S1", "ST"):
        se = bootstrap_se(res, key)
        assert np.all(K_SE * se < 0.1), (key, se)
        assert np.all(np.abs(res[key] - truth) < K_SE * se), (key, res[key], truth, se)


def test_sobol_factor_outside_the_function_has_no_effect():
    rng = np.random.default_rng(11)
    N = 2_000
    A = rng.uniform(-math.pi, math.pi, size=(N, 4))
    B = rng.uniform(-math.pi, math.pi, size=(N, 4))
    res = stats.sobol_indices(saltelli_outputs(ishigami, A, B), k=4, n_boot=50)
    assert abs(res["ST"][3]) < 0.01 and abs(res["S1"][3]) < 0.01
    assert res["ST"][1] > 0.3                  # the others still show


def test_sobol_drops_rows_with_a_nan_output():
    rng = np.random.default_rng(5)
    N, k = 400, 3
    A = rng.uniform(-math.pi, math.pi, size=(N, k))
    B = rng.uniform(-math.pi, math.pi, size=(N, k))
    y = saltelli_outputs(ishigami, A, B)
    bad = [3, 50, 399]
    y[bad[0]] = np.nan                          # in A
    y[N + bad[1]] = np.nan                      # in B
    y[(2 + 2) * N + bad[2]] = np.nan            # in AB_3
    keep = np.setdiff1d(np.arange(N), bad)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = stats.sobol_indices(y, k, n_boot=20)
    want = stats.sobol_indices(saltelli_outputs(ishigami, A[keep], B[keep]), k, n_boot=20)
    assert got["N"] == N - 3 == want["N"]
    assert got["variance"] == pytest.approx(want["variance"], rel=1e-12)
    np.testing.assert_allclose(got["S1"], want["S1"], rtol=1e-12)
    np.testing.assert_allclose(got["ST"], want["ST"], rtol=1e-12)


def test_sobol_bootstrap_is_reproducible_with_its_seed():
    rng = np.random.default_rng(8)
    y = rng.normal(size=50 * 4)
    one, two = (stats.sobol_indices(y, 2, n_boot=30, seed=4) for _ in range(2))
    for key in ("S1_lo", "S1_hi", "ST_lo", "ST_hi"):
        np.testing.assert_array_equal(one[key], two[key])


def test_sobol_refuses_a_length_that_is_not_a_multiple_of_k_plus_2():
    with pytest.raises(ValueError, match="multiple of k \\+ 2"):
        stats.sobol_indices(np.arange(21.0), k=3)


def test_sobol_refuses_an_output_that_does_not_vary():
    with pytest.raises(ValueError, match="V = 0"):
        stats.sobol_indices(np.full(5 * 4, 0.1), k=2)


# ---- PRCC --------------------------------------------------------------------------------------

def test_rank_averages_ties():
    assert stats.rank([3.0, 1.0, 2.0, 2.0, 5.0]).tolist() == [4.0, 1.0, 2.5, 2.5, 5.0]
    assert stats.rank([7.0, 7.0, 7.0]).tolist() == [2.0, 2.0, 2.0]


def test_prcc_with_one_factor_is_spearman_correlation():
    rng = np.random.default_rng(21)
    x = rng.normal(size=80)
    y = x ** 3 + rng.normal(size=80)
    res = stats.prcc(x[:, None], y)
    spearman = np.corrcoef(stats.rank(x), stats.rank(y))[0, 1]
    assert res["prcc"][0] == pytest.approx(spearman, abs=1e-12)
    # Fisher interval with se = 1 / sqrt(n - 3) when nothing is partialled out.
    half = Z975 / math.sqrt(80 - 3)
    assert res["lo"][0] == pytest.approx(math.tanh(math.atanh(spearman) - half), abs=1e-12)
    assert res["hi"][0] == pytest.approx(math.tanh(math.atanh(spearman) + half), abs=1e-12)


def test_prcc_of_noiseless_monotone_response_is_one():
    rng = np.random.default_rng(31)
    X = rng.uniform(size=(200, 2))
    y = np.exp(3 * X[:, 0]) + 0 * X[:, 1]
    res = stats.prcc(X, y)
    assert res["prcc"][0] == pytest.approx(1.0, abs=1e-12)
    # Nothing of y is left once x1 is taken out, so x2's partial correlation is 0 / 0:
    # undefined, and said so, rather than a correlation of rounding errors.
    assert math.isnan(res["prcc"][1])


def test_prcc_of_factor_absent_from_a_noisy_monotone_response_is_small():
    rng = np.random.default_rng(32)
    n = 400
    X = rng.uniform(size=(n, 2))
    y = np.exp(3 * X[:, 0]) + rng.normal(scale=0.5, size=n)
    res = stats.prcc(X, y)
    assert res["prcc"][0] > 0.9
    assert abs(math.atanh(res["prcc"][1])) < K_SE / math.sqrt(n - 3 - 1)


def test_prcc_signs_follow_the_effects():
    rng = np.random.default_rng(41)
    n = 200
    X = rng.uniform(size=(n, 2))
    y = X[:, 0] - 2 * X[:, 1] + rng.normal(scale=0.3, size=n)
    res = stats.prcc(X, y)
    assert res["prcc"][0] > 0 and res["lo"][0] > 0
    assert res["prcc"][1] < 0 and res["hi"][1] < 0
    assert res["n"] == n


def test_prcc_of_irrelevant_factor_is_centred_on_zero_and_covered():
    repeats, n, level = 200, 100, 0.95
    rng = np.random.default_rng(51)
    r, covered = np.empty(repeats), np.empty(repeats, dtype=bool)
    for i in range(repeats):
        X = rng.uniform(size=(n, 3))
        y = X[:, 0] - 2 * X[:, 1] + rng.normal(scale=0.5, size=n)
        res = stats.prcc(X, y, level=level)
        r[i] = res["prcc"][2]
        covered[i] = res["lo"][2] <= 0 <= res["hi"][2]
    sd = r.std(ddof=1)
    assert 0 < K_SE * sd / math.sqrt(repeats) < 0.05        # guard: the mean is pinned down
    assert abs(r.mean()) < K_SE * sd / math.sqrt(repeats)
    se = math.sqrt(level * (1 - level) / repeats)
    assert abs(covered.mean() - level) < K_SE * se


def test_prcc_interval_contains_the_estimate():
    rng = np.random.default_rng(61)
    X = rng.uniform(size=(60, 4))
    y = X[:, 0] + X[:, 1] * X[:, 2] + rng.normal(scale=0.2, size=60)
    res = stats.prcc(X, y)
    assert np.all(res["lo"] < res["prcc"]) and np.all(res["prcc"] < res["hi"])
    assert np.all((-1 <= res["lo"]) & (res["hi"] <= 1))


def test_prcc_of_constant_column_is_nan_and_others_are_unharmed():
    rng = np.random.default_rng(71)
    X = rng.uniform(size=(100, 3))
    y = X[:, 0] + rng.normal(scale=0.1, size=100)
    X[:, 1] = 5.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = stats.prcc(X, y)
    assert math.isnan(res["prcc"][1]) and math.isnan(res["lo"][1])
    assert res["prcc"][0] > 0.9 and np.isfinite(res["prcc"][2])


def test_prcc_drops_rows_with_nan_output():
    rng = np.random.default_rng(81)
    X = rng.uniform(size=(50, 2))
    y = X[:, 0] + rng.normal(scale=0.2, size=50)
    y_gaps = y.copy()
    y_gaps[[0, 10, 49]] = np.nan
    keep = ~np.isnan(y_gaps)
    got, want = stats.prcc(X, y_gaps), stats.prcc(X[keep], y[keep])
    assert got["n"] == 47
    np.testing.assert_allclose(got["prcc"], want["prcc"], rtol=1e-12)


# ---- break-even --------------------------------------------------------------------------------

def test_break_even_at_the_interpolated_crossing():
    t = np.arange(6.0)
    assert stats.break_even(t, 10 - 4 * t) == pytest.approx(2.5)
    assert stats.break_even([0.0, 1.0, 2.0], [5.0, 0.0, -1.0]) == pytest.approx(1.0)


def test_break_even_never_reached_is_none():
    assert stats.break_even([0.0, 1.0, 2.0], [3.0, 2.0, 1.0]) is None
    assert stats.break_even([0.0, 1.0, 2.0], [-1.0, -2.0, 0.5]) is None


def test_break_even_from_the_start_when_never_positive():
    assert stats.break_even([2020.0, 2021.0, 2022.0], [0.0, -1.0, -3.0]) == 2020.0


def test_break_even_counts_only_the_final_stay_below_zero():
    t = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    diff = [4.0, -2.0, 2.0, 6.0, 2.0, -2.0]     # dips below at t = 1, back above, then down
    assert stats.break_even(t, diff) == pytest.approx(4.5)


def test_break_even_refuses_mismatched_or_unordered_times():
    with pytest.raises(ValueError):
        stats.break_even([0.0, 1.0], [1.0])
    with pytest.raises(ValueError):
        stats.break_even([0.0, 2.0, 1.0], [1.0, 0.0, -1.0])


def test_sobol_drops_rows_where_a_and_b_share_a_factor_value():
    """A row whose A and B coincide in a factor gives AB_j = A; with the design's points the
    row is left out (N counts the rest), without them it is kept."""
    rng = np.random.default_rng(7)
    k, N = 2, 64
    A, B = rng.random((N, k)), rng.random((N, k))
    B[3, 1] = A[3, 1]
    B[10, 0] = A[10, 0]
    AB = [A.copy() for _ in range(k)]
    for j in range(k):
        AB[j][:, j] = B[:, j]
    X = np.concatenate([A, B] + AB)
    y = X[:, 0] + 2 * X[:, 1] ** 2
    assert stats.sobol_indices(y, k, n_boot=0)["N"] == N
    assert stats.sobol_indices(y, k, n_boot=0)["shared"] == 0
    with_points = stats.sobol_indices(y, k, n_boot=0, points=X)
    assert (with_points["N"], with_points["shared"]) == (N - 2, 2)
    with pytest.raises(ValueError):
        stats.sobol_indices(y, k, n_boot=0, points=X[:-1])


def test_sobol_first_order_does_not_depend_on_the_output_mean():
    """Adding a constant to every output leaves the (centred) first-order estimate unchanged."""
    rng = np.random.default_rng(3)
    k, N = 3, 500
    A, B = rng.random((N, k)), rng.random((N, k))
    AB = [A.copy() for _ in range(k)]
    for j in range(k):
        AB[j][:, j] = B[:, j]
    X = np.concatenate([A, B] + AB)
    y = X[:, 0] + X[:, 1] * X[:, 2]
    a = stats.sobol_indices(y, k, n_boot=0)["S1"]
    b = stats.sobol_indices(y + 1e6, k, n_boot=0)["S1"]
    assert np.allclose(a, b, atol=1e-6)
