"""Statistics for comparing wijksim runs: intervals over replicates, paired differences,
sensitivity indices of a sweep, and the break-even time of a scenario.

Replicates of a run are independent draws of the same model, so a figure's uncertainty is the
t interval of its mean over replicates (mean_ci), or, for a figure that cannot be negative (a
count, a cost), a score interval whose spread grows with the mean (mean_ci_positive), which
never reaches below zero. Two scenarios run with the same seed share their random streams replicate by
replicate (common random numbers), so their difference is judged on the paired differences
(paired_diff_ci), which is far narrower than comparing two independent intervals. Sweeps give
sensitivity: Sobol indices for a Saltelli design (sobol_indices; the design's row order is
that of `wijksim sweep`, sim/design.h) and partial rank correlations for any sample such as a
Latin hypercube (prcc).

numpy and scipy (Debian's python3-scipy): the t and normal quantiles come from scipy.stats,
ranks from scipy.stats.rankdata. Missing values (NaN, from replicates where a figure is
undefined) are skipped and counted, never averaged in.
"""
import math

import numpy as np
from scipy import stats as sps


# ---- Student's t -----------------------------------------------------------------------------

def t_cdf_abs(t, df):
    """P(|T| < t) for Student's t with df > 0 degrees of freedom and t >= 0 (scipy's
    survival function: 1 - 2 P(T > t))."""
    return float(1.0 - 2.0 * sps.t.sf(t, df))


def t_quantile(p, df):
    """The p quantile of Student's t with df degrees of freedom, for 0.5 < p < 1 and integer
    df >= 1 (t(0.975, 9) = 2.262): the half-width factor of a two-sided interval of level
    2p - 1 (scipy.stats.t.ppf)."""
    if not 0.5 < p < 1:
        raise ValueError(f"t_quantile: p = {p}, expected 0.5 < p < 1")
    if isinstance(df, bool) or int(df) != df or df < 1:
        raise ValueError(f"t_quantile: df = {df}, expected an integer >= 1")
    return float(sps.t.ppf(float(p), int(df)))


def _check_level(level):
    if not 0 < level < 1:
        raise ValueError(f"level = {level}, expected 0 < level < 1")


# ---- intervals over replicates ---------------------------------------------------------------

def mean_ci(x, axis=0, level=0.95):
    """Mean of x along `axis` and the t interval of that mean, skipping non-finite values.

    Returns arrays (mean, lo, hi, n) with `axis` removed: n counts the finite values, mean is
    their mean, and lo, hi = mean -+ t((1 + level) / 2, n - 1) sd / sqrt(n), with sd the
    sample standard deviation (ddof = 1). The interval assumes the replicate values are
    independent and roughly normal (the mean of a few replicates usually is). mean is NaN
    where n == 0, lo and hi where n < 2; no numpy warning is raised for such slices.

    Typical use: x[replicate, week] of one series gives the weekly mean and its interval."""
    _check_level(level)
    x = np.asarray(x, dtype=float)
    if axis is None:
        x, axis = x.reshape(-1), 0
    ok = np.isfinite(x)
    n = ok.sum(axis=axis)
    total = np.where(ok, x, 0.0).sum(axis=axis)
    mean = np.full(n.shape, np.nan)
    np.divide(total, n, out=mean, where=n > 0)
    # Deviations from the slice's mean; skipped values contribute nothing.
    dev = np.where(ok, x - np.expand_dims(mean, axis), 0.0)
    ss = (dev * dev).sum(axis=axis)
    sd = np.full(n.shape, np.nan)
    np.sqrt(ss / np.maximum(n - 1, 1), out=sd, where=n >= 2)
    t = np.full(n.shape, np.nan)
    if np.any(n >= 2):
        t[n >= 2] = sps.t.ppf((1 + level) / 2, n[n >= 2] - 1)
    half = np.full(n.shape, np.nan)
    np.divide(t * sd, np.sqrt(n), out=half, where=n >= 2)
    return mean, np.asarray(mean - half), np.asarray(mean + half), np.asarray(n)


def mean_ci_positive(x, axis=0, level=0.95):
    """mean_ci for a figure that cannot be negative (a count of residents, crises per year,
    a cost): the same mean and n, and a score interval in the manner of Wilson's: the means mu
    that the data do not reject when the standard error is taken to grow with the mean, as a
    count's does (variance proportional to mu, with the dispersion estimated from the data):

        (mean - mu)^2 <= t^2 se^2 mu / mean,   t = t((1 + level) / 2, n - 1), se = sd / sqrt(n),

    whose roots are lo, hi = mean + c / 2 -+ sqrt(c mean + c^2 / 4) with c = t^2 se^2 / mean.

    Why this method: lo is above zero for any data (lo hi = mean^2), as the mean of
    non-negative values is, and the interval widens upwards, as the sampling distribution of a
    mean of skewed counts does; where the relative error se / mean is small it is the t
    interval to first order (hi - mean = t se + t^2 se^2 / (2 mean) + ...), so a precise figure
    reads the same either way. In simulations of Poisson, overdispersed and lognormal
    replicates with 3 to 10 replicates it covers as often as the log-scale interval mean
    exp(-+ t se / mean) and better than the t interval, but its upper end grows with
    (se / mean)^2 instead of exponentially, so a rare event seen in one replicate of three does
    not get an upper bound fifty times its mean. Cutting a t interval off at zero is no method:
    it claims that values below zero were likely and then hides them. A bootstrap percentile
    interval needs more replicates than a comparison usually has (three replicates give ten
    distinct resampled means).

    A slice whose values are all 0 has the interval [0, 0]; a slice with a negative value is
    refused (ValueError): use mean_ci for figures that can be negative, such as differences."""
    _check_level(level)
    x = np.asarray(x, dtype=float)
    if np.any(x[np.isfinite(x)] < 0):
        raise ValueError("mean_ci_positive: negative values; use mean_ci for figures that can "
                         "be negative")
    mean, lo, hi, n = mean_ci(x, axis=axis, level=level)
    half = hi - mean                     # t se, NaN where n < 2
    lo, hi = np.full(mean.shape, np.nan), np.full(mean.shape, np.nan)
    ok = np.isfinite(half)
    pos = ok & (mean > 0)
    m = mean[pos]
    c = half[pos] ** 2 / m
    root = np.sqrt(c * m + c * c / 4)
    lo[pos], hi[pos] = m + c / 2 - root, m + c / 2 + root
    # lo = mean^2 / hi: the same number without the cancellation of m + c / 2 - root.
    lo[pos] = m * m / hi[pos]
    zero = ok & (mean == 0)
    lo[zero], hi[zero] = 0.0, 0.0
    return mean, lo, hi, n


def paired_diff_ci(a, b, axis=0, level=0.95):
    """mean_ci of a - b, element by element: the difference between two scenarios run with
    the same seed, replicate r of one against replicate r of the other (common random
    numbers). The replicates' shared luck cancels in the difference, so this interval is the
    right one for "does the scenario change the figure", and much narrower than the two
    separate intervals would suggest. A replicate missing (NaN) in either is skipped."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired_diff_ci: shapes {a.shape} and {b.shape} differ; the two "
                         f"runs must have the same replicates")
    return mean_ci(a - b, axis=axis, level=level)


# ---- variance-based sensitivity (Sobol) ------------------------------------------------------

def _sobol_point(fA, fB, fAB):
    """S1 and ST for outputs fA, fB [..., N] and fAB [..., k, N] (leading axes: bootstrap
    draws). Saltelli et al. 2010, table 2: S1 by estimator (b), ST by Jansen's (f)."""
    both = np.concatenate([fA, fB], axis=-1)
    var = both.var(axis=-1)[..., None]
    # f_B centred: E[(f_B - c)(f_ABj - f_A)] = E[f_B (f_ABj - f_A)] for any constant c, since
    # E[f_ABj - f_A] = 0, but without the centring an output with a large mean (a cost in
    # millions) multiplies the noise of f_ABj - f_A by that mean.
    centre = both.mean(axis=-1)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean((fB - centre)[..., None, :] * (fAB - fA[..., None, :]), axis=-1) / var
        st = np.mean((fA[..., None, :] - fAB) ** 2, axis=-1) / (2 * var)
    return s1, st, var[..., 0]


def sobol_indices(y, k, n_boot=500, seed=0, level=0.95, points=None):
    """First-order and total Sobol indices of k factors from a Saltelli sample.

    y: the N (k + 2) model outputs in the design's order: A (N rows), B (N rows), then
    AB_1 .. AB_k (N rows each), AB_j being A with column j taken from B; `wijksim sweep`
    with design = "sobol" writes its runs in this order. Estimators of Saltelli et al. 2010
    (Computer Physics Communications 181:259-270, table 2), with V the variance (ddof = 0) of
    f_A and f_B together:
        S1_j = mean(f_B (f_ABj - f_A)) / V           share of V due to factor j alone
        ST_j = mean((f_A - f_ABj)^2) / (2 V)         (Jansen) share involving factor j
    S1 sums to at most 1 for an additive model, where S1 = ST; ST - S1 is the part in
    interactions. Estimates can stray slightly below 0 or above 1 with small N.

    S1 uses f_B minus the mean of f_A and f_B (the same expectation, far less noise for an
    output with a large mean).

    A row i whose output is NaN in A, B or any AB_j (a run where the figure is undefined) is
    dropped from all of them, so every index uses the same rows. With `points`, the design's
    factor values [N (k + 2), k] in the same order, a row where A and B share the value of some
    factor is dropped too: its AB_j is A itself, which a random sample almost never gives,
    and the early points of an unscrambled Sobol sequence (dyadic fractions, the first one the
    centre) often do. Files of wijksim versions whose design started at the sequence's first
    points hold such rows; the current design skips those points (sim/design.c), so for its
    files nothing is dropped, and `shared` in the result says how many rows were. Intervals are bootstrap
    percentile intervals at `level`: the kept row indices are resampled with replacement
    (n_boot times, numpy generator seeded with `seed`), jointly for A, B and every AB_j,
    since they are paired; n_boot = 0 leaves them NaN.

    Returns a dict: S1, ST, S1_lo, S1_hi, ST_lo, ST_hi (arrays of length k), N (rows used),
    shared (rows dropped because A and B share a factor value; 0 without `points`) and
    variance (V)."""
    _check_level(level)
    y = np.asarray(y, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"sobol_indices: y has shape {y.shape}, expected one dimension")
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ValueError(f"sobol_indices: k = {k}, expected an integer >= 1")
    k = int(k)
    if y.size == 0 or y.size % (k + 2):
        raise ValueError(f"sobol_indices: {y.size} outputs is not a multiple of k + 2 = {k + 2} "
                         f"(a Saltelli sample has N (k + 2) runs)")
    N = y.size // (k + 2)
    fA, fB, fAB = y[:N], y[N:2 * N], y[2 * N:].reshape(k, N)
    keep = ~(np.isnan(fA) | np.isnan(fB) | np.isnan(fAB).any(axis=0))
    shared = 0
    if points is not None:
        X = np.asarray(points, dtype=float)
        if X.shape != (y.size, k):
            raise ValueError(f"sobol_indices: points has shape {X.shape}, expected ({y.size}, {k})")
        same = (X[:N] == X[N:2 * N]).any(axis=1)
        shared = int(same.sum())
        keep &= ~same
    fA, fB, fAB = fA[keep], fB[keep], fAB[:, keep]
    n = int(keep.sum())
    if n == 0:
        raise ValueError("sobol_indices: every row has a NaN output")
    # Compared exactly: np.var of equal floats need not round to 0.
    if np.all(fA == fA[0]) and np.all(fB == fA[0]):
        raise ValueError("sobol_indices: the output does not vary (V = 0), so its variance "
                         "cannot be shared among the factors")
    s1, st, var = _sobol_point(fA, fB, fAB)
    out = {"S1": s1, "ST": st, "N": n, "shared": shared, "variance": float(var)}
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        # Draws in chunks keep memory near a few million values whatever N and n_boot are.
        chunk = max(1, 2_000_000 // (n * (k + 2)))
        boot1, boott = [], []
        for start in range(0, n_boot, chunk):
            idx = rng.integers(0, n, size=(min(chunk, n_boot - start), n))
            b1, bt, _ = _sobol_point(fA[idx], fB[idx], fAB[:, idx].transpose(1, 0, 2))
            boot1.append(b1)
            boott.append(bt)
        boot1, boott = np.concatenate(boot1), np.concatenate(boott)
        # A resample with V = 0 (possible only for tiny N) gives NaN or infinite indices,
        # which then show in the interval: it is not well defined at such N.
        out["S1_lo"], out["S1_hi"] = np.quantile(boot1, [lo_q, hi_q], axis=0)
        out["ST_lo"], out["ST_hi"] = np.quantile(boott, [lo_q, hi_q], axis=0)
    else:
        for key in ("S1_lo", "S1_hi", "ST_lo", "ST_hi"):
            out[key] = np.full(k, np.nan)
    return out


# ---- partial rank correlation ----------------------------------------------------------------

def rank(v):
    """Ranks 1..n of the values of v, ties sharing their average rank (as Spearman's rank
    correlation needs): scipy.stats.rankdata with method "average"."""
    v = np.asarray(v, dtype=float).reshape(-1)
    if v.size == 0:
        return v
    return sps.rankdata(v, method="average").astype(float)


# Residual variance below this share of a ranked column's variance counts as none: the column
# is constant or fixed by the others, and its partial correlation is undefined. Rounding
# leaves about 1e-30; one swapped pair of ranks leaves more than 1e-18 for n up to a million.
_NO_VARIANCE = 1e-20


def prcc(X, y, level=0.95):
    """Partial rank correlation coefficient of each factor (column of X, n x k) with y.

    Every column and y are replaced by their ranks (ties averaged); for factor j, the ranks
    of x_j and of y are each regressed (least squares with an intercept) on the ranks of the
    other factors, and the PRCC is the correlation of the two residuals: the monotone
    association of x_j with y once the other factors' effects are taken out (Marino et al.
    2008, J. Theor. Biol. 254:178-196). It suits Latin hypercube sweeps with monotone but
    nonlinear responses.

    Rows where y or any factor is NaN are dropped. The interval is Fisher's: tanh(atanh(r) -+
    z((1 + level) / 2) se) with se = 1 / sqrt(n - 3 - (k - 1)), one degree of freedom less
    for each factor partialled out; NaN when n <= k + 2. A factor that is constant (or fixed
    by the others), or a y that nothing but the other factors moves, gives NaN: there is no
    variation left to correlate.

    Returns a dict: prcc, lo, hi (arrays of length k) and n (rows used)."""
    _check_level(level)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] != y.size or X.shape[1] == 0:
        raise ValueError(f"prcc: X has shape {X.shape} and y {y.shape}; expected X (n, k) "
                         f"with k >= 1 and y (n,)")
    keep = ~(np.isnan(y) | np.isnan(X).any(axis=1))
    X, y = X[keep], y[keep]
    n, k = X.shape
    # Centred ranks, so the least-squares fits work with numbers near zero.
    R = np.column_stack([rank(X[:, j]) for j in range(k)]) - (n + 1) / 2
    ry = rank(y) - (n + 1) / 2
    r = np.full(k, np.nan)
    for j in range(k):
        Z = np.column_stack([np.ones(n), np.delete(R, j, axis=1)])
        ex = _residual(Z, R[:, j])
        ey = _residual(Z, ry)
        if ex is not None and ey is not None:
            r[j] = np.clip(ex @ ey / math.sqrt((ex @ ex) * (ey @ ey)), -1.0, 1.0)
    lo, hi = np.full(k, np.nan), np.full(k, np.nan)
    dof = n - 3 - (k - 1)
    if dof > 0:
        half = float(sps.norm.ppf((1 + level) / 2)) / math.sqrt(dof)
        with np.errstate(divide="ignore"):      # atanh(+-1) is +-inf, and tanh brings it back
            z = np.arctanh(r)
        lo, hi = np.tanh(z - half), np.tanh(z + half)
    return {"prcc": r, "lo": lo, "hi": hi, "n": int(n)}


def _residual(Z, v):
    """Residual of v after least squares on Z, or None when nothing of v's variation is left
    (v constant, or an exact function of Z's columns)."""
    total = float(np.sum((v - v.mean()) ** 2)) if v.size else 0.0
    if total == 0:
        return None
    coef = np.linalg.lstsq(Z, v, rcond=None)[0]
    e = v - Z @ coef
    if e @ e <= _NO_VARIANCE * total:
        return None
    return e


# ---- break-even ------------------------------------------------------------------------------

def break_even(t, diff):
    """When a scenario that spends first and saves later has paid for itself.

    t: increasing times (years, say); diff: the cumulative cost of the scenario minus that
    of the reference up to each time (positive: the scenario has cost more so far). A
    prevention scenario typically starts positive (the investment) and falls as avoided care
    accumulates. The break-even time is the first time from which diff stays <= 0 to the
    end: the crossing, linearly interpolated, after the last time diff is positive. Earlier
    dips below zero that do not last do not count.

    Returns t[0] if diff is never positive, and None if diff is still positive at the last
    time (not broken even within the horizon)."""
    t = np.asarray(t, dtype=float).reshape(-1)
    diff = np.asarray(diff, dtype=float).reshape(-1)
    if t.size == 0 or t.size != diff.size:
        raise ValueError(f"break_even: {t.size} times and {diff.size} differences; expected "
                         f"the same number, at least one")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(diff))):
        raise ValueError("break_even: times and differences must be finite")
    if np.any(np.diff(t) <= 0):
        raise ValueError("break_even: times must be strictly increasing")
    positive = np.flatnonzero(diff > 0)
    if positive.size == 0:
        return float(t[0])
    i = int(positive[-1])
    if i == t.size - 1:
        return None
    # diff[i] > 0 >= diff[i + 1]: the straight line between them reaches 0 once.
    share = diff[i] / (diff[i] - diff[i + 1])
    return float(t[i] + share * (t[i + 1] - t[i]))
