"""Stylised facts of MODEL_BRIEF s8 as paired claims on `wijksim compare` files; called by
tests/cli/test_stylised_facts.sh, which explains the scenarios and runs.

usage: /usr/bin/python3 stylised.py [--k 3] [--min-replicates 5] LABEL=CMP.h5 ...

Each CMP.h5 is one `wijksim compare` of the reference and the lever scenarios (groups named
NN_stem, found by stem). Every scenario of a compare uses the same seeds per replicate, and the
policy levers branch from the reference's burn-in at output week 0, so replicate r of two
scenarios is a pair (common random numbers). A claim compares scenario B (one lever moved)
with scenario A (its reference) through a per-replicate summary of the municipality series:

  level  d_r = s(B)_r - s(A)_r over one window of output weeks;
  did    d_r = [s(B)_r - s(A)_r](late) - [s(B)_r - s(A)_r](early): the paired effect grows
         (or shrinks) between an early and a late window. This is how "later", "slowly" and
         "shifts" are tested: a level in a late window alone cannot tell a delayed effect from
         one that was there from the start.

A claim holds when mean(d) has the claimed sign, |mean(d)| > k SE with SE = sd(d) / sqrt(R),
R >= --min-replicates (fewer replicates: the noise estimate is itself noise, so the claim
FAILs), and, where a trivial effect would be meaningless, the relative effect mean(d) / |mean
s(A)| (for a did: relative to A's late window) reaches the stated minimum. Every claim is
asserted on every file: one PASS or FAIL line per claim and file, never an information line
in its place.

Prints "PASS ..." or "FAIL ...: why" per claim and file, an "EFFECT" line per claim and file
(for the table in the report: fact | claim | run | A | B | diff | SE | z | relative | min) and
exits 0 (the shell script counts the FAIL lines). Nothing here is tuned to make a fact come
out: the claims and minimum effects were written down before the model was run, and a fact the
model does not show is a FAIL with its numbers.
"""
import argparse
import math
import sys

import h5py
import numpy as np

YEAR = 52
HIGHER, LOWER = +1, -1
# Windows of output weeks (the runs have 5 output years).
WINDOWS = {
    "year 1": (0, YEAR),
    "years 4-5": (3 * YEAR, 5 * YEAR),
    "years 1-5": (0, 5 * YEAR),
}

# Hours the team worked, by activity (the denominators of the time-use shares).
HOURS_WORKED = ("hours_intake", "hours_admin", "hours_coordination", "hours_casework",
                "hours_aftercare", "hours_outreach", "hours_prevention")


# ---- summaries: per replicate, from a scenario group and a window --------------------------
def series(g, names):
    """The weekly sum of municipality series [replicate, week], domains and severities summed."""
    out = 0
    for name in names:
        v = g["municipality"][name][()].astype(float)
        out = out + (v.reshape(v.shape[0], v.shape[1], -1).sum(axis=2) if v.ndim > 2 else v)
    return out


def per_week(*names):
    """Mean per week over the window (a flow per week, or a stock's mean level)."""
    def s(g, w):
        a, b = w
        return series(g, names)[:, a:b].mean(axis=1)
    return s


def ratio(num, den):
    """Sum of num over sum of den in the window (a share of hours, a mean per event)."""
    def s(g, w):
        a, b = w
        return series(g, num)[:, a:b].sum(axis=1) / series(g, den)[:, a:b].sum(axis=1)
    return s


def difference(plus, minus):
    """Mean per week of sum(plus) - sum(minus)."""
    def s(g, w):
        a, b = w
        return (series(g, plus) - series(g, minus))[:, a:b].mean(axis=1)
    return s


# ---- the claims ---------------------------------------------------------------------------------
# (fact, A stem, B stem, claim, summary, kind, window(s), expected sign of B - A, minimum
#  relative effect). kind "level": window is one name; "did": (early, late).
# The levers (set in test_stylised_facts.sh): barrier access.barrier 0.2 -> 0.4; distance
# access.distance_barrier 0.15 -> 0.45; staffcut team.fte halved; threshold
# access.team_threshold 2 -> 3; places specialist.places halved; outreach: the protected hours
# go to outreach instead of collective prevention (out0 -> out1); thin: family and friend ties
# halved; specialists: team.mix all generalists -> all specialists; director:
# team.case_director on for the specialists; prevbudget: prevention.budget x 3.
L, D = "level", "did"
EARLY_LATE = ("year 1", "years 4-5")
CLAIMS = [
    # 1. Low-threshold, nearby teams raise recorded demand: a higher barrier, in the channel
    #    or with distance from the team's base, lowers it. Recorded demand is what the team
    #    records: requests on its waiting list, intakes held, team cases opened.
    ("1", "ref", "barrier", "higher channel barrier: fewer help requests",
     per_week("help_requests"), L, "years 1-5", LOWER, 0.02),
    ("1", "ref", "barrier", "higher channel barrier: fewer intakes",
     per_week("intakes"), L, "years 1-5", LOWER, 0.02),
    ("1", "ref", "barrier", "higher channel barrier: fewer team cases opened",
     per_week("cases_opened"), L, "years 1-5", LOWER, 0.02),
    ("1", "ref", "distance", "higher distance barrier: fewer help requests",
     per_week("help_requests"), L, "years 1-5", LOWER, 0.02),
    ("1", "ref", "distance", "higher distance barrier: fewer intakes",
     per_week("intakes"), L, "years 1-5", LOWER, 0.02),
    ("1", "ref", "distance", "higher distance barrier: fewer team cases opened",
     per_week("cases_opened"), L, "years 1-5", LOWER, 0.02),
    # 2. Heavy caseloads crowd out prevention and outreach; teams become reactive. Half the
    #    staff does not simply halve every activity: casework comes first, so prevention and
    #    outreach lose a larger share of the hours worked; needs reach the team heavier and
    #    more of them end in crisis (MODEL_BRIEF s10, staffing: longer waits, thinner
    #    casework, more escalation).
    ("2", "ref", "staffcut", "staff cut: smaller share of outreach + prevention in the hours worked",
     ratio(("hours_outreach", "hours_prevention"), HOURS_WORKED), L, "years 1-5", LOWER, 0.10),
    ("2", "ref", "staffcut", "staff cut: reactive team, heavier needs at intake (mean severity)",
     ratio(("intake_severity_total",), ("intakes",)), L, "years 1-5", HIGHER, 0.02),
    ("2", "ref", "staffcut", "staff cut: reactive team, more needs escalate to crisis",
     per_week("crises"), L, "years 1-5", HIGHER, 0.05),
    # 3. Stricter access (team threshold one level up, nothing else): lower short-term
    #    spending, burden shifted to residents and carers, needs escalate later.
    ("3", "ref", "threshold", "stricter access: lower team + specialist spending in year 1",
     per_week("cost_team_staff", "cost_specialist"), L, "year 1", LOWER, 0.01),
    ("3", "ref", "threshold", "stricter access: more unmet need",
     per_week("unmet_need"), L, "years 1-5", HIGHER, 0.02),
    ("3", "ref", "threshold", "stricter access: more overloaded carers",
     per_week("overloaded_carers"), L, "years 1-5", HIGHER, 0.02),
    ("3", "ref", "threshold", "stricter access: more escalations in years 4-5",
     per_week("escalations"), L, "years 4-5", HIGHER, 0.01),
    ("3", "ref", "threshold", "stricter access: more crises in years 4-5",
     per_week("crises"), L, "years 4-5", HIGHER, 0.02),
    ("3", "ref", "threshold", "stricter access: needs escalate later (crises: effect in years 4-5 "
     "above that in year 1)",
     per_week("crises"), D, EARLY_LATE, HIGHER, 0.01),
    ("3", "ref", "threshold", "stricter access: the saving is short-term (total cost: effect in "
     "years 4-5 above that in year 1)",
     per_week("cost_total"), D, EARLY_LATE, HIGHER, 0.005),
    # 4. Specialist waiting lists make teams hold heavy cases longer, raising team caseloads.
    ("4", "ref", "places", "fewer specialist places: longer team cases (mean weeks open at closing)",
     ratio(("case_weeks_closed",), ("cases_closed",)), L, "years 1-5", HIGHER, 0.05),
    ("4", "ref", "places", "fewer specialist places: more team cases held waiting",
     per_week("held_cases"), L, "years 1-5", HIGHER, 0.10),
    ("4", "ref", "places", "fewer specialist places: higher team caseload per FTE",
     ratio(("team_cases",), ("team_fte",)), L, "years 1-5", HIGHER, 0.02),
    # 5. Reaching people earlier makes short support enough more often. The protected hours
    #    go to outreach instead of collective prevention: the same casework capacity, needs
    #    found earlier. The lever check says outreach did bring people in.
    ("5", "out0", "out1", "lever check: outreach brings in more requests",
     per_week("requests_outreach"), L, "years 1-5", HIGHER, 0.10),
    ("5", "out0", "out1", "outreach: needs reach the team lighter (mean severity at intake)",
     ratio(("intake_severity_total",), ("intakes",)), L, "years 1-5", LOWER, 0.02),
    ("5", "out0", "out1", "outreach: short support is enough more often (shorter team cases)",
     ratio(("case_weeks_closed",), ("cases_closed",)), L, "years 1-5", LOWER, 0.02),
    ("5", "out0", "out1", "outreach: fewer cases end at the duration cap unresolved (share of closed)",
     ratio(("cases_capped",), ("cases_closed",)), L, "years 1-5", LOWER, 0.02),
    # 6. Thin networks get less informal help (per need, not only in total).
    ("6", "ref", "thin", "thin networks: less informal help per hour needed",
     ratio(("informal_hours",), ("informal_hours_needed",)), L, "years 1-5", LOWER, 0.05),
    ("6", "ref", "thin", "thin networks: less informal help per resident with a need",
     ratio(("informal_hours",), ("residents_with_need",)), L, "years 1-5", LOWER, 0.05),
    # 7. More disciplines around one household cost more coordination; case direction
    #    reduces it.
    ("7", "generalists", "specialists", "specialists: more coordination hours",
     per_week("hours_coordination"), L, "years 1-5", HIGHER, 0.10),
    ("7", "generalists", "specialists", "specialists: more coordination hours per household in care",
     ratio(("hours_coordination",), ("households_in_care",)), L, "years 1-5", HIGHER, 0.10),
    ("7", "specialists", "director", "case director: fewer coordination hours",
     per_week("hours_coordination"), L, "years 1-5", LOWER, 0.10),
    ("7", "specialists", "director", "case director: fewer coordination hours per household in care",
     ratio(("hours_coordination",), ("households_in_care",)), L, "years 1-5", LOWER, 0.10),
    # 8. Prevention pays back slowly, if at all; costs come first. ("If at all": no saving in
    #    cost is claimed.)
    ("8", "ref", "prevbudget", "prevention: costs come first (total cost higher in year 1)",
     per_week("cost_total"), L, "year 1", HIGHER, 0.005),
    ("8", "ref", "prevbudget", "prevention: fewer new needs in years 4-5",
     per_week("new_needs"), L, "years 4-5", LOWER, 0.01),
    ("8", "ref", "prevbudget", "prevention pays back slowly (new needs: effect in years 4-5 "
     "larger than in year 1)",
     per_week("new_needs"), D, EARLY_LATE, LOWER, 0.005),
    ("8", "ref", "prevbudget", "prevention: fewer help requests in years 4-5 (fewer needs, fewer cases)",
     per_week("help_requests"), L, "years 4-5", LOWER, 0.01),
]


def groups(path):
    f = h5py.File(path, "r")
    out = {}
    for name, g in f["scenarios"].items():
        out[name.split("_", 1)[1] if "_" in name else name] = g
    return f, out


def evaluate(claim, ga, gb):
    """Per-replicate paired differences, A's reference level and the window text."""
    fact, a, b, name, s, kind, win, sign, minrel = claim
    if kind == L:
        w = WINDOWS[win]
        va, vb = s(ga, w), s(gb, w)
        return vb - va, va, vb, win
    early, late = (WINDOWS[x] for x in win)
    va_l, vb_l = s(ga, late), s(gb, late)
    d = (vb_l - va_l) - (s(gb, early) - s(ga, early))
    return d, va_l, vb_l, f"{win[1]} vs {win[0]}"


# Scenarios with a parameter that cannot change during a run: their own burn-in (same seeds).
OWN_BURN_IN = {"thin"}


def branches(runs):
    """Every lever shares the reference's burn-in and branches at output week 0, except those
    in OWN_BURN_IN, which have their own history (and branch from it at week 0)."""
    for run in runs:
        label, path = run.split("=", 1)
        bad = []
        with h5py.File(path, "r") as f:
            for i, (name, g) in enumerate(f["scenarios"].items()):
                stem = name.split("_", 1)[1]
                own = int(np.ravel(g.attrs["shares_history_with"])[0])
                week = int(np.ravel(g.attrs["branch_week"])[0])
                if own != (i if stem in OWN_BURN_IN else 0) or week != 0:
                    bad.append(f"{stem} (shares history with {own}, branches at week {week})")
        tag = (f"stylised facts [{label}]: the levers branch from the reference at week 0"
               f" ({', '.join(sorted(OWN_BURN_IN))}: own burn-in)")
        print(f"FAIL {tag}: {'; '.join(bad)}" if bad else f"PASS {tag}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+", help="LABEL=compare.h5")
    ap.add_argument("--k", type=float, default=3.0)
    ap.add_argument("--min-replicates", type=int, default=5)
    ap.add_argument("--facts", default="", help="comma list of facts to check (default all)")
    ap.add_argument("--branches", action="store_true",
                    help="only check that every lever branches from the reference at week 0")
    args = ap.parse_args()
    if args.branches:
        return branches(args.runs)
    np.seterr(divide="ignore", invalid="ignore")  # a ratio with no events is NaN: a FAIL
    only = set(args.facts.split(",")) - {""}
    for run in args.runs:
        label, path = run.split("=", 1)
        try:
            f, gs = groups(path)
        except (OSError, KeyError) as e:
            print(f"FAIL stylised facts [{label}]: cannot read {path}: {e}")
            continue
        reps = int(np.ravel(f.attrs["replicates"])[0])
        weeks = int(np.ravel(f.attrs["weeks"])[0])
        if weeks < max(b for _, b in WINDOWS.values()):
            print(f"FAIL stylised facts [{label}]: {weeks} output weeks, the windows need "
                  f"{max(b for _, b in WINDOWS.values())}")
            continue
        for claim in CLAIMS:
            fact, a, b, name, s, kind, win, sign, minrel = claim
            if only and fact not in only:
                continue
            tag = f"stylised fact {fact} [{label}]: {name}"
            if a not in gs or b not in gs:
                print(f"FAIL {tag}: scenario {a if a not in gs else b} not in {path}")
                continue
            if reps < args.min_replicates:
                print(f"FAIL {tag}: only {reps} replicates, at least {args.min_replicates} are"
                      " needed to estimate the replicate-to-replicate noise")
                continue
            d, va, vb, wtext = evaluate(claim, gs[a], gs[b])
            finite = bool(np.isfinite(d).all())
            mean = float(d.mean())
            se = float(d.std(ddof=1) / math.sqrt(d.size))
            z = mean / se if se > 0 else (math.copysign(math.inf, mean) if mean else 0.0)
            ref = abs(float(va.mean()))
            # From nothing (a reference of 0, e.g. outreach requests without outreach) any
            # change is an unbounded relative change.
            rel = mean / ref if ref > 0 else (math.copysign(math.inf, mean) if mean else 0.0)
            print(f"EFFECT {fact} | {name} | {label} | {wtext} | A {a} {va.mean():.6g} | "
                  f"B {b} {vb.mean():.6g} | diff {mean:.6g} | SE {se:.3g} | z {z:.2f} | "
                  f"rel {100 * rel:+.2f} % | min {100 * minrel:.1f} % | R {reps}")
            why = []
            if not finite:
                why.append("not a number in some replicate")
            elif mean * sign <= 0:
                why.append("wrong direction" if mean else "no difference")
            else:
                if abs(mean) <= args.k * se:
                    why.append(f"not beyond {args.k:g} SE")
                if not (rel * sign >= minrel):
                    why.append(f"relative effect below the stated minimum {100 * minrel:g} %")
            stats = (f"{wtext}: {b} - {a} = {mean:.4g} ({100 * rel:+.2f} % of {a}'s "
                     f"{va.mean():.4g}), SE {se:.3g}, z {z:.2f}, R {reps}")
            if why:
                print(f"FAIL {tag}: {stats}: {'; '.join(why)}")
            else:
                print(f"PASS {tag} ({stats})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
