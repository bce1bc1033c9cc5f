"""Calibration fit: a Latin-hypercube sweep over model assumptions, each within its registry
range, ranked by the distance of every point to the Dutch target ranges of
analysis/calibration.py (MODEL_BRIEF section 7); writes docs/calibration_fit.md.

usage: /usr/bin/python3 analysis/fit.py [--spec scenarios/sweeps/calibration_lhs.cfg]
           [--points 50] [--population 30000] [--neighbourhoods 2] [--replicates 1]
           [--burn-in 520] [--weeks 156] [--seed 1] [--threads 2] [--no-twin]
           [--out-dir out/fit] [--reuse] [--targets TARGETS.json] [--only 4,5,12]
           [-o docs/calibration_fit.md]

The procedure, step by step:
1. Check the design (the sweep spec): every factor must be a parameter whose registry source
   (core/params.def) marks it an assumption ("Assumption..." or "...; assumption for the
   size/threshold"), not a policy lever (MODEL_BRIEF s5; LEVERS below), varied over exactly
   its plausible range: the registry default times R(lo, hi), clipped to the bounds.
2. Write a base scenario next to the outputs: the spec's base (the baseline) with
   --population, --neighbourhoods, --burn-in and --weeks set, and its demand-led twin
   (access.demand_led = 1); and the spec twice, with base, samples, replicates and seed
   replaced. Both sweeps draw the same points (the lhs draws depend on seed, samples and the
   number of factors only); the script checks that they did.
3. Run both with `wijksim sweep` (burn_in = "per_point": every run simulates its own burn-in
   with the point's values).
4. Compute every target of analysis/calibration.py (TARGETS: the same measures, imported)
   per point over all full years of output (or the last --years), as the mean over the
   point's replicates; the Breda rows pair replicate r of a point with replicate r of the
   same point of the twin.
5. Loss of a point: the sum over targets of ((distance of the mean outside the target
   range) / (width of the range))^2, 0 inside the range. A target that has no value at any
   point of the design (a measure of events that never happen) is left out of every loss
   and listed as not comparable; one that has no value at some points only gives those
   points an infinite loss. A target with a stated reason why the model does not meet it
   (its "reason" in analysis/calibration.py) is left out as well, unless --only names it.
6. The best point has the lowest loss (ties: the lower point number). The report also says,
   per target, the lowest and highest value over the design and the range a linear
   surrogate (least squares on the factors, scaled to the unit cube as the design draws
   them) reaches at the corners of the cube: a target outside both cannot be reached by
   these assumptions within their ranges.

Everything is deterministic for a seed: the same command gives the same markdown byte for
byte (the wall time goes to standard output only). --targets replaces the target ranges by
a JSON object {"7": [lo, hi], ...} (target numbers as in docs/calibration.md; only those
listed count), for tests; --only 4,5,12 keeps those targets with their own ranges (a fit of
the assumptions that only they depend on, such as youth care's). Needs numpy and h5py.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibration as cal  # noqa: E402
from wijksim.files import write_atomically  # noqa: E402

REPO_DIR = Path(__file__).resolve().parent.parent
PARAMS_DEF = REPO_DIR / "core" / "params.def"

# Policy levers (MODEL_BRIEF s5) are never fitted, whatever their source says: they are what
# the model is for. Every access.* parameter is a lever (thresholds, barriers, mandate,
# demand-led assessment and its capacity).
LEVER_PREFIXES = ("access.",)
LEVERS = {
    "team.fte", "team.mix", "team.case_director", "team.case_max_weeks",
    "team.prevention_share", "team.prevention_protected", "team.outreach_share",
    "team.risk_sizing", "world.teams", "prevention.budget", "prevention.past_budget",
    "informal.respite", "volunteers.coordinator_hours", "volunteers.reciprocity",
    "specialist.places", "specialist.entitlement", "specialist.expand_weeks", "routes.desk",
}
ASSUMPTION = re.compile(r"^Assumption\b|assumption for the (size|threshold)\b")


class FitError(Exception):
    """A refused design or a failed run, reported as one line and exit status 1."""


# ---- the registry and the design -------------------------------------------------------------

def registry(path=PARAMS_DEF):
    """name -> dict(defaults, min, max, lo, hi, schedulable, description, source) from
    core/params.def."""
    text = Path(path).read_text()
    entry = re.compile(
        r'PARAM\(\s*\w+,\s*"([^"]+)",\s*P_\w+,\s*\w+,\s*V\(([^)]*)\),\s*([^,]+),\s*([^,]+),'
        r'\s*R\(([^)]*)\),\s*"[^"]*",\s*([01]),\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\)',
        re.S)
    out = {}
    for m in entry.finditer(text):
        lo, hi = (float(x) for x in m.group(5).split(","))
        out[m.group(1)] = dict(defaults=[float(x) for x in m.group(2).split(",")],
                               min=float(m.group(3)), max=float(m.group(4)), lo=lo, hi=hi,
                               schedulable=int(m.group(6)), description=m.group(7),
                               source=m.group(8))
    if not out:
        raise FitError(f"{path}: no PARAM entries read")
    return out


def spec_factors(text, spec):
    """The factor groups of a sweep spec: dicts with name, element (from 1 or None), min, max,
    distribution."""
    m = re.search(r"parameters\s*=\s*\((.*)\)\s*;", text, re.S)
    if not m:
        raise FitError(f"{spec}: no 'parameters = ( ... );' list")
    body = re.sub(r"#[^\n]*", "", m.group(1))
    factors = []
    for g in re.findall(r"\{([^}]*)\}", body):
        kv = dict(re.findall(r"(\w+)\s*=\s*([^;]+);", g))
        f = {"name": kv.get("name", "").strip().strip('"'),
             "element": int(kv["element"]) if "element" in kv else None,
             "distribution": kv.get("distribution", '"uniform"').strip().strip('"')}
        if "values" in kv or "min" not in kv or "max" not in kv:
            raise FitError(f"{spec}: factor '{f['name']}': a fit factor needs min and max "
                           f"(its registry range), not a list of values")
        f["min"], f["max"] = float(kv["min"]), float(kv["max"])
        factors.append(f)
    if not factors:
        raise FitError(f"{spec}: no factors")
    return factors


def column(f):
    return f["name"] if f["element"] is None else f"{f['name']}[{f['element']}]"


def severity_orders(design, reg):
    """The orderings a point must keep: for every parameter of the design given by severity
    (a vector of severity levels, not of domains, whose registry description says "severity")
    whose default rises (or falls) with severity,
    (name, direction, defaults, [(element index, design column)]). A fit may move each value
    within its range, but not invert what the registry says about severity: a severe need that
    asks fewer hours than a moderate one is another model, not a calibration."""
    out = []
    for name in dict.fromkeys(f["name"] for f in design):
        r = reg[name]
        d = r["defaults"]
        if len(d) < 2 or len(d) == len(cal.DOMAINS) or "severity" not in r["description"]:
            continue
        steps = [b - a for a, b in zip(d, d[1:])]
        direction = 1 if all(x >= 0 for x in steps) else -1 if all(x <= 0 for x in steps) else 0
        if direction == 0 or not any(steps):
            continue
        cols = [(f["element"] - 1, j) for j, f in enumerate(design)
                if f["name"] == name and f["element"] is not None]
        if cols:
            out.append((name, direction, d, cols))
    return out


def inverts(values, orders):
    """The first parameter whose severity ordering the point's values invert, or None."""
    for name, direction, defaults, cols in orders:
        v = list(defaults)
        for k, j in cols:
            v[k] = values[j]
        if any(direction * (b - a) < 0 for a, b in zip(v, v[1:])):
            return name
    return None


def check_design(factors, reg, spec):
    """Refuses a factor that is not an assumption, is a lever, or does not span exactly its
    registry range. Returns the registry default of each factor."""
    defaults = []
    for f in factors:
        name, col = f["name"], column(f)
        if name not in reg:
            raise FitError(f"{spec}: unknown parameter '{name}'")
        r = reg[name]
        if name in LEVERS or name.startswith(LEVER_PREFIXES):
            raise FitError(f"{spec}: '{name}' is a policy lever (MODEL_BRIEF s5): a fit may "
                           f"only vary assumptions")
        if not ASSUMPTION.search(r["source"]):
            raise FitError(f"{spec}: '{name}' is not marked an assumption in "
                           f"core/params.def (source: {r['source']})")
        if f["element"] is None:
            if len(set(r["defaults"])) != 1:
                raise FitError(f"{spec}: '{name}' has one value per element: vary each element "
                               f"with element = i")
            d = r["defaults"][0]
        else:
            if not 1 <= f["element"] <= len(r["defaults"]):
                raise FitError(f"{spec}: '{col}': element out of range")
            d = r["defaults"][f["element"] - 1]
        lo = min(max(d * r["lo"], r["min"]), r["max"])
        hi = min(max(d * r["hi"], r["min"]), r["max"])
        if not (math.isclose(f["min"], lo, rel_tol=1e-9, abs_tol=1e-12) and
                math.isclose(f["max"], hi, rel_tol=1e-9, abs_tol=1e-12)):
            raise FitError(f"{spec}: '{col}' varies over {f['min']:g}-{f['max']:g}; its registry "
                           f"range is {lo:g}-{hi:g} (default {d:g} x R({r['lo']:g}, {r['hi']:g}))")
        defaults.append(d)
    return defaults


# ---- running the two sweeps ------------------------------------------------------------------

def replace_setting(text, key, value, spec):
    pattern = re.compile(rf"^{key}\s*=\s*[^;\n]*;", re.M)
    if len(pattern.findall(text)) != 1:
        raise FitError(f"{spec}: expected one line '{key} = ...;'")
    return pattern.sub(f"{key} = {value};", text)


def with_box(spec_text, design):
    """The spec with its parameters list rewritten to the given factor ranges."""
    groups = []
    for f in design:
        el = f" element = {f['element']};" if f["element"] is not None else ""
        groups.append(f'  {{ name = "{f["name"]}";{el} min = {f["min"]!r}; max = {f["max"]!r}; '
                      f'distribution = "{f["distribution"]}"; }}')
    block = "parameters = (\n" + ",\n".join(groups) + "\n);"
    out, n = re.subn(r"parameters\s*=\s*\(.*\)\s*;", lambda _: block, spec_text, flags=re.S)
    assert n == 1
    return out


def prepare(args, spec_text, stage=1, design=None):
    """Writes the two base scenarios and the stage's two sweep specs (the spec with base,
    samples, replicates and seed replaced; from stage 2 on, or from stage 1 with --local, also
    the factor ranges); returns the spec paths."""
    out = Path(args.out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    m = re.search(r'^base\s*=\s*"([^"]+)"\s*;', spec_text, re.M)
    if not m:
        raise FitError(f"{args.spec}: no 'base = \"FILE.cfg\";' line")
    base = (Path(args.spec).resolve().parent / m.group(1)).resolve()
    files = {
        "base.cfg": f'@include "{base}"\n'
                    f"sim = {{ weeks = {args.weeks}; burn_in_weeks = {args.burn_in}; }};\n"
                    f"world = {{ population = {args.population}; "
                    f"neighbourhoods = {args.neighbourhoods}; }};\n",
        "base_demand_led.cfg": f'@include "{out / "base.cfg"}"\n'
                               "access = { demand_led = true; };\n",
    }
    if stage > 1 or args.local is not None:
        spec_text = with_box(spec_text, design)
    suffix = "" if stage == 1 else f"_s{stage}"
    specs = {}
    for name, base_file in (("fit", "base.cfg"), ("fit_demand_led", "base_demand_led.cfg")):
        text = replace_setting(spec_text, "base", f'"{base_file}"', args.spec)
        text = replace_setting(text, "samples", args.points, args.spec)
        text = replace_setting(text, "replicates", args.replicates, args.spec)
        text = replace_setting(text, "seed", args.seed + stage - 1, args.spec)
        files[f"{name}{suffix}.cfg"] = text
        specs[name] = out / f"{name}{suffix}.cfg"
    for name, text in files.items():
        p = out / name
        if not p.exists() or p.read_text() != text:
            p.write_text(text)
    return specs


def half_width(args, stage):
    """Half-width, in the design's unit cube, of the box of a refining stage (2 or more):
    --zoom / 2^(k-2), or --local / 2^(k-1) when stage 1 was already a box of --local."""
    if args.local is not None:
        return args.local / 2 ** (stage - 1)
    return args.zoom / 2 ** (stage - 2)


def zoom(design, best_values, half_width):
    """The factor ranges of a refining stage: the best point +- half_width of each factor's
    range in the unit cube of the design (log scale for loguniform), clipped to the range;
    always within the registry range."""
    out = []
    for f, v in zip(design, best_values):
        g = dict(f)
        if f["distribution"] == "loguniform":
            lo, hi = math.log(f["min"]), math.log(f["max"])
            u = (math.log(v) - lo) / (hi - lo)
            a, b = max(u - half_width, 0.0), min(u + half_width, 1.0)
            g["min"], g["max"] = math.exp(lo + a * (hi - lo)), math.exp(lo + b * (hi - lo))
            g["min"], g["max"] = max(g["min"], f["min"]), min(g["max"], f["max"])
        else:
            u = (v - f["min"]) / (f["max"] - f["min"])
            a, b = max(u - half_width, 0.0), min(u + half_width, 1.0)
            g["min"] = f["min"] + a * (f["max"] - f["min"])
            g["max"] = f["min"] + b * (f["max"] - f["min"])
        out.append(g)
    return out


def matches(path, args, seed):
    """True when an existing sweep file is the one this command would make."""
    import h5py
    try:
        with h5py.File(path, "r") as f:
            a = {k: cal._text(v) for k, v in f.attrs.items()}
            pop = float(np.asarray(f["base/parameters/world.population"][()]).reshape(-1)[0])
            return (a.get("kind") == "sweep" and a.get("spec") == Path(a.get("spec_file", "")).
                    read_text() and int(a["points"]) == args.points and
                    int(a["replicates"]) == args.replicates and int(a["seed"]) == seed and
                    int(a["weeks"]) == args.weeks and int(a["burn_in_weeks"]) == args.burn_in and
                    int(a["neighbourhoods"]) == args.neighbourhoods and
                    pop == args.population)
    except (OSError, KeyError, ValueError):
        return False


def run_wijksim(args, what, *words):
    """Runs `wijksim WHAT WORDS... --threads T --quiet --force`, saying so first."""
    cmd = [args.wijksim, what, *map(str, words), "--threads", str(args.threads), "--quiet",
           "--force"]
    print("fit: " + " ".join(cmd), flush=True)
    if subprocess.run(cmd).returncode != 0:
        raise FitError(f"wijksim {what} {words[0]} failed")


def run_sweeps(args, specs, seed):
    outputs = {}
    for name, spec in specs.items():
        if name == "fit_demand_led" and args.no_twin:
            continue
        h5 = spec.with_suffix(".h5")
        outputs[name] = h5
        if args.reuse and h5.exists() and matches(h5, args, seed):
            print(f"fit: reusing {h5}")
            continue
        run_wijksim(args, "sweep", spec, "-o", h5)
    return outputs


def run_reference(args):
    """The registry defaults on the fit's town: `wijksim run` of base.cfg (and of its
    demand-led twin unless --no-twin) with the fit's replicates and seed: the reference that a
    fitted point must beat before it is worth adopting. Returns the output files by name."""
    out = Path(args.out_dir).resolve()
    outputs = {"fit": out / "defaults.h5"}
    if not args.no_twin:
        outputs["fit_demand_led"] = out / "defaults_demand_led.h5"
    for name, h5 in outputs.items():
        cfg = out / ("base.cfg" if name == "fit" else "base_demand_led.cfg")
        run_wijksim(args, "run", cfg, "-o", h5, "--replicates", args.replicates, "--seed",
                    args.seed)
    return outputs


def run_verification(args, design, reg, candidates):
    """Reruns the candidates (the best points, then the registry defaults, whose values are
    None) with --verify-replicates replicates on seed + 100, the same seed for all (common
    random numbers: the same residents and draws wherever the values let them be): `wijksim
    run` of base.cfg with each point's --set options. Returns the output files, in order."""
    out = Path(args.out_dir).resolve()
    files = []
    for k, c in enumerate(candidates):
        h5 = out / f"verify_{k}.h5"
        words = [] if c["values"] is None else [
            w for opt in set_options(design, c["values"], reg) for w in opt.split(" ", 1)]
        run_wijksim(args, "run", out / "base.cfg", "-o", h5, "--replicates",
                    args.verify_replicates, "--seed", args.seed + 100, *words)
        files.append(h5)
    return files


def verify(result, targets, means_by_candidate):
    """The verified loss of every candidate (best points first, the defaults last) and the one
    chosen: the lowest verified loss (ties: the earlier candidate)."""
    rows = []
    for c, means in zip(result["candidates"], means_by_candidate):
        loss = loss_of(means, targets, result["comparable"])
        rows.append(dict(c, verified=means, verified_loss=loss))
    chosen = min(range(len(rows)), key=lambda k: (rows[k]["verified_loss"], k))
    return rows, chosen


# ---- evaluating ------------------------------------------------------------------------------

def only_list(text):
    """--only's argument: target numbers separated by commas, e.g. 4,5,12."""
    try:
        numbers = [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected target numbers separated by commas, got {text!r}")
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(f"expected target numbers from 1, got {text!r}")
    return numbers


def target_table(targets_file, only=None):
    """(number from 1, target dict) of the targets that count: all of TARGETS (or those whose
    numbers `only` lists, with their own ranges), or those a --targets file lists, with its
    ranges."""
    chosen = list(enumerate(cal.TARGETS, 1))
    if only:
        unknown = sorted(set(only) - {i for i, _ in chosen})
        if unknown:
            raise FitError(f"--only: no target numbered {', '.join(map(str, unknown))} "
                           f"(targets are 1-{len(chosen)})")
        chosen = [(i, t) for i, t in chosen if i in only]
    if targets_file is None:
        return chosen
    ranges = json.loads(Path(targets_file).read_text())
    out = []
    for i, t in chosen:
        if str(i) in ranges:
            lo, hi = (float(x) for x in ranges[str(i)])
            out.append((i, dict(t, lo=lo, hi=hi, figure=None, approx=False)))
    return out


def distance(mean, lo, hi):
    """How far outside [lo, hi] a value lies, in widths of the range (0 inside)."""
    if not math.isfinite(mean):
        return math.nan
    return max(lo - mean, 0.0, mean - hi) / (hi - lo)


def target_means(targets, base, dl):
    """The mean over replicates of every target in a base run (and its demand-led twin)."""
    means = {}
    for i, t in targets:
        s = cal.summarise_target(t, base, dl)
        means[i] = s["mean"] if s is not None else math.nan
    return means


def evaluate(outputs, years, targets, stage=1):
    """Per point of one stage: the factor values and the mean of every target."""
    base_points = cal.SweepPoint.all_points(outputs["fit"])
    dl_points = (cal.SweepPoint.all_points(outputs["fit_demand_led"])
                 if "fit_demand_led" in outputs else [None] * len(base_points))
    try:
        f0 = base_points[0].f
        if dl_points[0] is not None and not np.array_equal(f0["points"][()],
                                                           dl_points[0].f["points"][()]):
            raise FitError("the demand-led sweep drew other points than the baseline sweep")
        factors = [c for c in cal._text(f0.attrs["factors"]).split(",") if c]
        points = np.asarray(f0["points"][()], dtype=float)
        full = base_points[0].full_years
        years = full if years is None else years
        if not 1 <= years <= full:
            raise FitError(f"--years {years}: the sweep has {full} full years of output")
        rows = []
        for p, (b, d) in enumerate(zip(base_points, dl_points)):
            b = b.window(full - years, years)
            d = d.window(full - years, years) if d is not None else None
            means = target_means(targets, b, d)
            rows.append({"stage": stage, "point": p, "label": f"{stage}.{p}",
                         "values": points[p].tolist(), "means": means})
        meta = dict(base_points[0].attrs)
    finally:
        base_points[0].close()
        if dl_points[0] is not None:
            dl_points[0].close()
    return {"factors": factors, "points": points, "rows": rows, "years": years,
            "full_years": full, "meta": meta}


def evaluate_reference(outputs, years, targets):
    """The mean of every target in the reference run (run_reference)."""
    b = cal.Run(outputs["fit"])
    d = cal.Run(outputs["fit_demand_led"]) if "fit_demand_led" in outputs else None
    try:
        full = b.full_years
        years = full if years is None else years
        if not 1 <= years <= full:
            raise FitError(f"--years {years}: the run has {full} full years of output")
        means = target_means(targets, b.window(full - years, years),
                             d.window(full - years, years) if d is not None else None)
    finally:
        b.close()
        if d is not None:
            d.close()
    return means


def loss_of(means, targets, comparable):
    """Sum over the comparable targets of the squared distance outside their ranges; infinite
    when one of them has no value."""
    loss = 0.0
    for i, t in targets:
        if i not in comparable:
            continue
        dist = distance(means[i], t["lo"], t["hi"])
        loss += dist * dist if math.isfinite(dist) else math.inf
    return loss


def score(stages, targets, orders=(), named=()):
    """The loss of every point of every stage, and all points ranked (ties: the earlier stage,
    then the lower point number). A target without a value at any point is not comparable
    and is left out of every loss; one without a value at some points makes their loss
    infinite, and so does inverting a severity ordering (severity_orders). A target that
    analysis/calibration.py gives a stated reason why it cannot be met (its "reason") is left
    out too, unless `named` (--only) lists it: its distance is that reason's, not the fit's
    to close, and its noise would otherwise choose among points as much as the targets the
    factors can move."""
    rows = [r for st in stages for r in st["rows"]]
    comparable = [i for i, t in targets
                  if any(math.isfinite(r["means"][i]) for r in rows)
                  and (not t.get("reason") or i in named)]
    for r in rows:
        loss = loss_of(r["means"], targets, comparable)
        r["inverted"] = inverts(r["values"], orders)
        r["loss"] = math.inf if r["inverted"] else loss
    ranked = sorted(rows, key=lambda r: (r["loss"], r["stage"], r["point"]))
    first = stages[0]
    return dict(first, rows_all=rows, ranked=ranked, comparable=comparable, orders=list(orders))


def unit_scale(points, design):
    """The design on the unit cube as the lhs draws it (log scale for loguniform)."""
    u = np.empty_like(points)
    for j, f in enumerate(design):
        if f["distribution"] == "loguniform":
            u[:, j] = (np.log(points[:, j]) - math.log(f["min"])) / math.log(f["max"] / f["min"])
        else:
            u[:, j] = (points[:, j] - f["min"]) / (f["max"] - f["min"])
    return u


def reach(result, targets, design):
    """Per target: lowest and highest value over the design, and the range of a linear
    surrogate over the unit cube (None with too few points), and its two strongest factors."""
    u = unit_scale(result["points"], design)
    out = {}
    for i, t in targets:
        y = np.array([r["means"][i] for r in result["rows"]])
        every = np.array([r["means"][i] for r in result["rows_all"]])
        ok = np.isfinite(y)
        if not np.isfinite(every).any():
            out[i] = None
            continue
        every = every[np.isfinite(every)]
        entry = {"min": float(every.min()), "max": float(every.max()), "lin": None, "top": []}
        if ok.sum() > u.shape[1] + 1:
            X = np.column_stack([np.ones(ok.sum()), u[ok]])
            coef, *_ = np.linalg.lstsq(X, y[ok], rcond=None)
            b0, b = coef[0], coef[1:]
            entry["lin"] = (float(b0 + b[b < 0].sum()), float(b0 + b[b > 0].sum()))
            order = np.argsort(-np.abs(b), kind="stable")[:2]
            entry["top"] = [(result["factors"][j], float(b[j])) for j in order]
        out[i] = entry
    return out


# ---- the report ------------------------------------------------------------------------------

def set_options(design, values, reg):
    """`--set name=value` options for a point, a whole vector where the design varies some of
    its elements (the others at their registry defaults), in the order of the design."""
    vectors = {}
    for f, v in zip(design, values):
        vec = vectors.setdefault(f["name"], list(reg[f["name"]]["defaults"]))
        if f["element"] is None:
            vec[:] = [v] * len(vec)
        else:
            vec[f["element"] - 1] = v
    return [f"--set {name}=" + ",".join(f"{x:.4g}" for x in vec) for name, vec in vectors.items()]


def fmt(x, f):
    return cal.fmt_value(x, f)


def verification_lines(args, result, targets):
    """The verification table: each candidate's figures with more replicates on a fresh seed."""
    rows = result["verified"]
    lines = ["", "## Verification", "",
             f"One replicate per point ranks points partly by chance. The {len(rows) - 1} best "
             f"points and the registry defaults were run again with {args.verify_replicates} "
             f"replicates on seed {args.seed + 100} (the same for all: common random numbers), "
             "on the same town; the lowest loss of these runs chooses (ties: the earlier "
             "column). A mark * after a figure: outside its range.", "",
             "| # | quantity | target | " + " | ".join(
                 r["label"] if r["values"] is None else f"point {r['label']}" for r in rows)
             + " |", "|---|---|---|" + "---|" * len(rows)]
    for i, t in targets:
        cells = []
        for r in rows:
            m = r["verified"][i]
            mark = " *" if math.isfinite(m) and not t["lo"] <= m <= t["hi"] else ""
            cells.append(fmt(m, t["fmt"]) + mark)
        lines.append(f"| {i} | {cal._cell(t['quantity'])} | "
                     f"{cal.fmt_range(t['lo'], t['hi'], t['fmt'])} | " + " | ".join(cells) + " |")
    lines.append("| | **loss in the fit** | 0 | "
                 + " | ".join(f"{r['loss']:.3g}" for r in rows) + " |")
    lines.append("| | **loss verified** | 0 | "
                 + " | ".join(f"**{r['verified_loss']:.3g}**" for r in rows) + " |")
    c = rows[result["chosen"]]
    lines += ["", "Chosen: " + (c["label"] if c["values"] is None else f"point {c['label']}")
              + "."]
    return lines


def render(args, result, targets, boxes, defaults, reg, command):
    ref = result.get("reference")
    design = boxes[0]
    meta = result["meta"]
    ranked, factors = result["ranked"], result["factors"]
    best = ranked[0]
    top = ranked[:min(5, len(ranked))]
    tdict = dict(targets)
    lines = ["# Calibration fit", "",
             "Generated by `make fit` (`analysis/fit.py`); do not edit by hand. The targets, "
             "their ranges and the way each is measured are those of `analysis/calibration.py` "
             "(docs/calibration.md); this page says which values of the model's assumptions, "
             "each within its plausible range in the parameter registry, bring the model "
             "closest to them.", "",
             f"- wijksim {meta.get('wijksim_version', '?')}, commit "
             f"`{meta.get('git_commit', '?')}`",
             f"- command: `{command}`",
             f"- design: `{args.spec}`, Latin hypercube (`design = \"lhs\"`, "
             f"`burn_in = \"per_point\"`), {args.points} points x {args.replicates} "
             f"replicate(s), seed {args.seed}, "
             + ("with" if not args.no_twin else "without") + " the demand-led twin",
             f"- each run: the baseline (`scenarios/baseline.cfg`) with "
             f"{args.population:,} residents in {args.neighbourhoods} neighbourhoods, "
             f"{args.burn_in} weeks of burn-in with the point's values, {args.weeks} weeks of "
             f"output; figures over "
             + (f"all {result['full_years']} full years" if result["years"] ==
                result["full_years"] else f"the last {result['years']} full years")
             + " of output, the mean over the replicates", ""]
    lines += ["## Procedure", "",
              "1. **Design.** Every factor is a parameter whose source in `core/params.def` "
              "marks it an assumption (\"Assumption...\", or \"...; assumption for the "
              "size/threshold\"), none a policy lever (MODEL_BRIEF s5), each varied over "
              "exactly its plausible range (the registry default times R(lo, hi), clipped to "
              "the parameter's bounds) on a log scale. The script refuses any other design.",
              "2. **Runs.** `wijksim sweep` runs the design twice, as is and with "
              "`access.demand_led = 1` (same points, same seeds), for the two Breda rows "
              "(unless `--no-twin`). With `--stages` S > 1, stage k (2 to S) then runs as many "
              "points, seed + k - 1, over a box around the best point so far: +-`--zoom` / "
              "2^(k-2) of each factor's range in the design's unit cube, clipped to the range."
              + (f" Here stage 1 itself is such a box around the registry defaults (`--local "
                 f"{args.local:g}`: +-{args.local:g}, and stage k +-{args.local:g} / 2^(k-1)): "
                 "a refinement of values a fit already adopted, not a search of the whole range."
                 if args.local is not None else ""),
              "3. **Targets.** Each point's figures are the measures of "
              "`analysis/calibration.py` (imported, not copied), the mean over its replicates.",
              "4. **Loss.** Sum over targets of ((distance outside the target range) / (range "
              "width))^2; 0 inside every range. A target with no value at any point is left "
              "out (listed below); one without a value at some points makes their loss "
              "infinite.",
              "5. **Choice.** The point with the lowest loss over all stages (ties: the earlier "
              "stage, then the lower point number); points are named stage.point. A point "
              "that inverts the ordering by severity of a parameter whose registry default "
              "rises or falls with severity (for instance a severe need asking fewer informal "
              "hours than a moderate one) is not a calibration of this model: its loss is "
              "infinite."
              + (" Here: " + "; ".join(
                  f"`{n}` ({'rising' if dr > 0 else 'falling'}: "
                  f"{sum(1 for r in result['rows_all'] if r['inverted'] == n)} of "
                  f"{len(result['rows_all'])} points invert it)"
                  for n, dr, _, _ in result.get("orders", ())) + "."
                 if result.get("orders") else "")
              + (" The registry defaults are run on the same town with the same replicates "
                 "and seed as a reference: a point is worth adopting only if its loss is lower."
                 if result.get("reference") else "")
              + (f" With `--verify {args.verify}` the {args.verify} best points and the "
                 "defaults are then run again with more replicates on a fresh seed, and that "
                 "loss chooses (section Verification)." if result.get("verified") else ""),
              "6. **Reach.** Per target, the lowest and highest value over all points, and what "
              "a linear surrogate fitted to stage 1 (least squares on the factors, scaled to "
              "the unit cube) reaches at the cube's corners.", ""]
    lines += ["## The factors", "",
              ("Stage 1 spans each factor's registry range" if args.local is None else
               f"Stage 1 spans a box of +-{args.local:g} around the registry default")
              + "; a later stage spans a box around "
              "the best point found before it (its half-width, in units of each factor's log "
              "range, is given in its column), always within the registry range.", "",
              "| factor | registry default | range (stage 1) | "
              + "".join(f"stage {k} (+-{half_width(args, k):g}) | "
                        for k in range(2, len(boxes) + 1))
              + "source (core/params.def) |",
              "|---|---|---|" + "---|" * (len(boxes) - 1) + "---|"]
    for j, (f, d) in enumerate(zip(design, defaults)):
        src = reg[f["name"]]["source"]
        lines.append(f"| `{column(f)}` | {d:g} | "
                     + "".join(f"{b[j]['min']:.4g}-{b[j]['max']:.4g} | " for b in boxes)
                     + f"{cal._cell(src)} |")
    lines += ["", "## The best points", "",
              "Figures of the five points with the lowest loss, against the target ranges "
              "(a mark * after a figure: outside its range).", "",
              "| # | quantity | target | " + " | ".join(f"point {r['label']}" for r in top)
              + (" | registry defaults |" if ref else " |"),
              "|---|---|---|" + "---|" * (len(top) + bool(ref))]
    for i, t in targets:
        cells = []
        for r in top + ([ref] if ref else []):
            m = r["means"][i]
            mark = " *" if math.isfinite(m) and not t["lo"] <= m <= t["hi"] else ""
            cells.append(fmt(m, t["fmt"]) + mark)
        lines.append(f"| {i} | {cal._cell(t['quantity'])} | "
                     f"{cal.fmt_range(t['lo'], t['hi'], t['fmt'])} | " + " | ".join(cells) + " |")
    lines.append("| | **loss** | 0 | " + " | ".join(f"**{r['loss']:.3g}**"
                                                   for r in top + ([ref] if ref else [])) + " |")
    lines += ["", "Their factor values:", "",
              "| factor | default | " + " | ".join(f"point {r['label']}" for r in top) + " |",
              "|---|---|" + "---|" * len(top)]
    for j, (f, d) in enumerate(zip(design, defaults)):
        lines.append(f"| `{column(f)}` | {d:g} | "
                     + " | ".join(f"{r['values'][j]:.4g}" for r in top) + " |")
    verified = result.get("verified")
    if verified:
        lines += verification_lines(args, result, targets)
        chosen = verified[result["chosen"]]
        best = {"label": chosen["label"], "loss": chosen["verified_loss"],
                "values": chosen["values"] if chosen["values"] is not None else list(defaults)}
    lines += ["", "## The chosen values", ""]
    if verified and verified[result["chosen"]]["values"] is None:
        lines += ["The registry defaults: no point beat them in the verification, so there is "
                  "nothing to adopt.", ""]
    else:
        lines += [f"Point {best['label']}, loss {best['loss']:.3g}"
                  + (" in the verification" if verified else "")
                  + ". To try them on the full baseline (`make calibration` with these "
                  "settings):", "", "```"]
        lines.append(" ".join(set_options(design, best["values"], reg)))
        lines += ["```", ""]
    if ref and not verified:
        better = best["loss"] < ref["loss"]
        lines += [f"The registry defaults, run on the same town with the same replicates and seed "
                  f"(`wijksim run`, the last column of the table above), have loss "
                  f"{ref['loss']:.3g}: the chosen point is "
                  + ("better on this town, so it is worth trying on the full city "
                     "(`make calibration` with the settings above)."
                     if better else "not better, so there is no reason to adopt it."), ""]
    lines += ["| factor | default | chosen | chosen / default |", "|---|---|---|---|"]
    for f, d, v in zip(design, defaults, best["values"]):
        lines.append(f"| `{column(f)}` | {d:g} | {v:.4g} | {v / d:.2f} |")
    lines += ["", "## What the design can reach", "",
              "Per target: the lowest and highest figure over all points, and the "
              "range a linear surrogate fitted to stage 1 reaches at the corners of stage 1's box (a rough "
              "guide: effects are not linear). *reached*: some point lies within the target "
              "range; *surrogate only*: no point does, the surrogate's range overlaps it; "
              "*not reached*: neither. The two factors with the largest surrogate "
              "coefficients (change over stage 1's box) are named.", "",
              "| # | quantity | target | design min-max | surrogate range | verdict | "
              "strongest factors |", "|---|---|---|---|---|---|---|"]
    rch = reach(result, targets, design)
    for i, t in targets:
        e = rch[i]
        rng = cal.fmt_range(t["lo"], t["hi"], t["fmt"])
        if e is None or (i not in result["comparable"] and not t.get("reason")):
            lines.append(f"| {i} | {cal._cell(t['quantity'])} | {rng} | n/a | n/a | "
                         "not comparable: no value at any point | |")
            continue
        hit = any(math.isfinite(r["means"][i]) and t["lo"] <= r["means"][i] <= t["hi"]
                  for r in result["rows_all"])
        lin = e["lin"]
        lin_txt = cal.fmt_range(lin[0], lin[1], t["fmt"]) if lin else "n/a"
        if hit:
            v = "reached"
        elif lin and lin[0] <= t["hi"] and lin[1] >= t["lo"]:
            v = "surrogate only"
        else:
            v = "not reached"
        if i not in result["comparable"]:
            v += " (not in the loss: stated reason)"
        top_f = ", ".join(f"`{n}` ({fmt(b, t['fmt']) if t['fmt'] != 'pct' else f'{100 * b:+.1f} pp'})"
                          for n, b in e["top"])
        lines.append(f"| {i} | {cal._cell(t['quantity'])} | {rng} | "
                     f"{cal.fmt_range(e['min'], e['max'], t['fmt'])} | {lin_txt} | {v} | "
                     f"{top_f} |")
    dropped = [i for i, t in targets if i not in result["comparable"] and not t.get("reason")]
    if dropped:
        lines += ["", "Left out of the loss (no value at any point): "
                  + ", ".join(f"{i} ({tdict[i]['quantity']})" for i in dropped) + "."]
    reasoned = [i for i, t in targets if i not in result["comparable"] and t.get("reason")]
    if reasoned:
        lines += ["", "Left out of the loss (a stated reason in docs/calibration.md why the "
                  "model does not meet it; `--only` brings it back): "
                  + ", ".join(f"{i} ({tdict[i]['quantity']})" for i in reasoned) + "."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default="scenarios/sweeps/calibration_lhs.cfg")
    ap.add_argument("--points", type=int, default=50)
    ap.add_argument("--population", type=int, default=30000)
    ap.add_argument("--neighbourhoods", type=int, default=2)
    ap.add_argument("--replicates", type=int, default=1)
    ap.add_argument("--burn-in", type=int, default=520)
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--years", type=int, help="the last N full years of output (default all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--stages", type=int, default=2,
                    help="1: the design over the full ranges only; each further stage runs "
                         "as many points over a box around the best point so far")
    ap.add_argument("--zoom", type=float, default=0.25,
                    help="half-width of stage 2's box in units of each factor's (log) range; "
                         "halved at every further stage")
    ap.add_argument("--local", type=float, default=None,
                    help="stage 1 spans a box of +- LOCAL of each factor's range (unit cube) "
                         "around the registry defaults instead of the whole range; stage k then "
                         "+- LOCAL / 2^(k-1) around the best point so far (a refinement of a "
                         "fit already adopted)")
    ap.add_argument("--verify", type=int, default=0,
                    help="rerun the VERIFY best points and the registry defaults with "
                         "--verify-replicates replicates on seed + 100 and choose by that loss")
    ap.add_argument("--verify-replicates", type=int, default=6)
    ap.add_argument("--no-twin", action="store_true",
                    help="skip the demand-led sweep (the two Breda rows are then left out)")
    ap.add_argument("--out-dir", default="out/fit")
    ap.add_argument("--reuse", action="store_true",
                    help="use sweep files in --out-dir made by the same command")
    ap.add_argument("--targets", help="JSON {\"number\": [lo, hi]}: only these targets count")
    ap.add_argument("--only", type=only_list, default=None,
                    help="comma-separated target numbers (as in docs/calibration.md): only these "
                         "count, with their own ranges")
    ap.add_argument("--json", help="write every point's figures and loss here")
    ap.add_argument("--wijksim", default=str(REPO_DIR / "bin" / "wijksim"))
    ap.add_argument("-o", "--output", default="docs/calibration_fit.md")
    args = ap.parse_args(argv)
    start = time.monotonic()
    try:
        spec_text = Path(args.spec).read_text()
        design = spec_factors(spec_text, args.spec)
        reg = registry()
        defaults = check_design(design, reg, args.spec)
        orders = severity_orders(design, reg)
        targets = target_table(args.targets, args.only)
        if args.no_twin:
            targets = [(i, t) for i, t in targets if not t.get("pair")]
        if args.stages < 1 or not 0 < args.zoom <= 0.5:
            raise FitError("--stages must be 1 or more and --zoom in (0, 0.5]")
        if args.local is not None and not 0 < args.local <= 0.5:
            raise FitError("--local must be in (0, 0.5]")
        if args.verify < 0 or args.verify_replicates < 1:
            raise FitError("--verify must be 0 or more and --verify-replicates 1 or more")
        if args.verify and not args.no_twin:
            raise FitError("--verify runs the base town only: use it with --no-twin")
        stages, boxes = [], []
        for stage in range(1, args.stages + 1):
            if stage == 1:
                box = design if args.local is None else zoom(design, defaults, args.local)
            else:
                box = zoom(design, result["ranked"][0]["values"], half_width(args, stage))
            specs = prepare(args, spec_text, stage, box)
            outputs = run_sweeps(args, specs, args.seed + stage - 1)
            st = evaluate(outputs, args.years, targets, stage)
            if [column(f) for f in design] != st["factors"]:
                raise FitError("the sweep file's factors differ from the spec's")
            stages.append(st)
            boxes.append(box)
            result = score(stages, targets, orders, args.only or ())
        ref_means = evaluate_reference(run_reference(args), args.years, targets)
        result["reference"] = {"means": ref_means,
                               "loss": loss_of(ref_means, targets, result["comparable"])}
        if args.verify:
            finite = [r for r in result["ranked"] if math.isfinite(r["loss"])][:args.verify]
            result["candidates"] = [{"label": r["label"], "values": r["values"],
                                     "loss": r["loss"]} for r in finite] + [
                {"label": "registry defaults", "values": None,
                 "loss": result["reference"]["loss"]}]
            files = run_verification(args, design, reg, result["candidates"])
            means = [evaluate_reference({"fit": f}, args.years, targets) for f in files]
            result["verified"], result["chosen"] = verify(result, targets, means)
    except (FitError, cal.CalibrationError, OSError) as e:
        print(f"fit: {e}", file=sys.stderr)
        return 1
    command = ("analysis/fit.py " + " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in
        (("spec", args.spec), ("points", args.points), ("population", args.population),
         ("neighbourhoods", args.neighbourhoods), ("replicates", args.replicates),
         ("burn_in", args.burn_in), ("weeks", args.weeks), ("seed", args.seed)))
        + f" --stages {args.stages}" + (f" --zoom {args.zoom:g}" if args.stages > 1 and args.local is None else "")
        + (f" --local {args.local:g}" if args.local is not None else "")
        + (f" --verify {args.verify} --verify-replicates {args.verify_replicates}"
           if args.verify else "")
        + (" --no-twin" if args.no_twin else "")
        + (" --only " + ",".join(map(str, args.only)) if args.only else "")
        + (f" --years {args.years}" if args.years else ""))
    write_atomically(args.output, render(args, result, targets, boxes, defaults, reg, command))
    if args.json:
        write_atomically(args.json, json.dumps(
            {"factors": result["factors"], "comparable": result["comparable"],
             "best": result["ranked"][0]["label"],
             "reference": {"loss": result["reference"]["loss"],
                           "means": {str(k): v for k, v in result["reference"]["means"].items()}},
             "points": [{"label": r["label"], "stage": r["stage"], "point": r["point"],
                         "values": r["values"], "loss": r["loss"], "inverted": r["inverted"],
                         "means": {str(k): v for k, v in r["means"].items()}}
                        for r in result["rows_all"]]}, indent=1, allow_nan=True) + "\n")
    b = result["ranked"][0]
    if args.verify:
        c = result["verified"][result["chosen"]]
        print(f"fit: verified with {args.verify_replicates} replicates: chosen {c['label']}, "
              f"loss {c['verified_loss']:.4g}")
    print(f"fit: best point {b['label']}, loss {b['loss']:.4g} (registry defaults: "
          f"{result['reference']['loss']:.4g}); wrote {args.output} "
          f"({time.monotonic() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
