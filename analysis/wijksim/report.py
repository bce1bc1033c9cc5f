"""The report: one self-contained HTML page for a wijksim run, comparison or sweep file.

    /usr/bin/python3 analysis/report.py FILE.h5 -o report.html      (or: wijksim report ...)

The page holds its charts as inline SVG and its style inline, so it opens and prints with no
network and no file next to it. What it shows depends on the file's kind:

- comparison: the outcome table with 95 % intervals and paired differences from the first
  scenario; a trade-off chart of cumulative cost against unmet need and against escalations;
  weekly series per scenario with 95 % bands over replicates (unmet need, waiting time and list,
  crises, overloaded carers, workload, turnover and vacancies, quality of life, cost); the
  cumulative cost by category; and, for every scenario that spends more on prevention than the
  first, when its extra cost is paid back (break-even year);
- sweep: the sensitivity of key outcomes to every varied parameter as tornado charts (Sobol
  indices for a Sobol design, partial rank correlations otherwise) and scatter plots of the
  strongest parameters;
- run: the main series with bands over replicates, and per neighbourhood where it matters.

Every chart has a title, axis labels with units and a one-sentence reading aid; units,
descriptions and outcome labels come from the file. Intervals are for the mean over
replicates (Student t), so they narrow as replicates are added; with one replicate there are
none, and the page says so.
"""
import html
import os
import sys
from pathlib import Path

import numpy as np

from . import charts, data
from .files import check_output, write_atomically
from .stats import break_even, mean_ci, paired_diff_ci, prcc, sobol_indices

WEEKS_PER_YEAR = data.WEEKS_PER_YEAR
BLOCK = 4  # weeks per point of a weekly chart: 4-week means keep the lines readable

# The weekly series the comparison and run pages show, in order: series, how a year or block
# is formed from weeks (sum for flows, mean for stocks and ratios), chart title, reading aid.
SERIES_CHARTS = [
    ("unmet_need", "mean", "Residents with unmet need",
     "Residents with a need of severity 2 or more that gets no professional or volunteer support "
     "(waiting counts as none); lower is better."),
    ("waiting_time", "mean", "Waiting time for a team intake",
     "Weeks between a request and its intake, for the intakes of each week; a rising line means "
     "the team is falling behind."),
    ("waiting_list", "mean", "Waiting list for a team intake",
     "Requests waiting for an intake at the end of each week."),
    ("crises", "sum", "Crises",
     "Needs that escalated to a crisis (police, emergency care, eviction), per year; each is "
     "costly and mostly preventable."),
    ("overloaded_carers", "mean", "Overloaded family carers",
     "Carers (as CBS counts them) who give more care than they can sustain; they risk needs of their own."),
    ("workload", "mean", "Team workload",
     "Hours of work asked of the team per hour it has; above 1 the team cannot do everything "
     "asked and cases wait or get less."),
    ("staff_leavers", "sum", "Staff turnover",
     "Professionals leaving the teams per year; overload drives turnover, and every leaver takes "
     "experience and leaves a vacancy."),
    ("vacancies", "mean", "Vacant posts", "Posts without a professional, in FTE."),
    ("specialist_waiting", "mean", "Waiting lists for specialist care",
     "Residents waiting for specialist care, all domains together."),
    ("qol_index", "mean", "Quality of life",
     "Mean quality of life of all residents: 1 minus the losses from needs and carer overload; "
     "higher is better (the axis does not start at 0)."),
    ("cost_total", "sum", "Cost per year",
     "Everything the municipality pays per year: team staff, specialist care, crises, prevention, "
     "volunteers, administration and respite."),
]
ZOOMED = {"qol_index"}  # charts whose value axis need not start at 0
SWEEP_OUTCOMES = ["cost_total", "unmet_need", "crises", "waiting_time", "overloaded_carers", "qol_index"]

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #222; max-width: 980px;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 18pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; border-bottom: 1px solid #ccc;
     margin-top: 1.6em; } .meta { color: #555; font-size: 9pt; }
figure { margin: 1em 0 1.4em; page-break-inside: avoid; break-inside: avoid; }
figure svg { max-width: 800px; height: auto; display: block; }
figcaption { font-size: 9.5pt; color: #333; margin-top: 0.2em; } figcaption b { color: #111; }
table { border-collapse: collapse; font-size: 8.5pt; margin: 0.6em 0; page-break-inside: auto; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 2px 6px; text-align: right; vertical-align: top; }
th { background: #f3f3f3; } td.l, th.l { text-align: left; } tr { page-break-inside: avoid; }
.note { background: #f6f6f0; border-left: 3px solid #c9c38a; padding: 0.4em 0.8em; font-size: 9.5pt; }
.better { color: #2e7d32; } .worse { color: #b22222; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
"""


class Page:
    """The HTML page being built: sections of headings, text, tables and figures."""

    def __init__(self, title):
        self.title = title
        self.parts = []
        self.figures = 0

    def h2(self, text):
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def p(self, text, cls=None):
        self.parts.append(f'<p class="{cls}">{text}</p>' if cls else f"<p>{text}</p>")

    def figure(self, fig, title, aid):
        """A chart with its title and one-sentence reading aid."""
        self.figures += 1
        self.parts.append(f'<figure class="chart">{charts.svg(fig)}<figcaption><b>Figure {self.figures}. '
                          f"{html.escape(title)}.</b> {html.escape(aid)}</figcaption></figure>")

    def table(self, header, rows, left=1):
        """rows of cells (already text); the first `left` columns align left."""
        th = "".join(f'<th class="{"l" if i < left else ""}">{html.escape(h)}</th>' for i, h in enumerate(header))
        body = "".join("<tr>" + "".join(f'<td class="{"l" if i < left else ""}">{c}</td>' for i, c in enumerate(r))
                       + "</tr>" for r in rows)
        self.parts.append(f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")

    def html(self, meta):
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>"
                f"<h1>{html.escape(self.title)}</h1><p class=\"meta\">{meta}</p>" + "\n".join(self.parts)
                + "</body></html>\n")


# ---- numbers -------------------------------------------------------------------------------

def fmt(x):
    """A number for a table: three significant figures, thousands separated."""
    if x is None or not np.isfinite(x):
        return "&ndash;"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def fmt_ci(mean, lo, hi):
    if not np.isfinite(lo):
        return fmt(mean)
    return f"{fmt(mean)} <span class=\"meta\">[{fmt(lo)}, {fmt(hi)}]</span>"


def city(f, name, scenario=None):
    """A municipality series with domains and severities summed: [replicate or run, week]."""
    s = f.series(name, scenario)
    while s.values.ndim > 2:
        s = s.total_over(s.dims[-1])
    return s


def time_axis(f, how):
    """Years since the end of the burn-in at the middle of each block (or year)."""
    size = WEEKS_PER_YEAR if how == "sum" else BLOCK
    n = f.weeks // size
    return (np.arange(n) + 0.5) * size / WEEKS_PER_YEAR, size


def unit_per(unit, how):
    """The unit of a yearly sum of a weekly flow ("crises per week" -> "crises per year")."""
    if how != "sum":
        return unit
    return unit.replace("per week", "per year") if "per week" in unit else f"{unit} per year"


# ---- comparison ---------------------------------------------------------------------------

def comparison_page(f, page):
    sc = f.scenarios
    ref = sc[0]
    reps = f.replicates
    page.p(f"{len(sc)} scenarios, {plural(reps, 'replicate')} each, {plural(f.years, 'year')} after {f.burn_in_weeks // WEEKS_PER_YEAR} "
           f"years of burn-in. Every scenario runs with the same random numbers per replicate, so the "
           f"differences from <b>{html.escape(ref.label)}</b> (the first scenario) are paired, replicate "
           f"by replicate, and much of the chance that separate runs would differ by cancels out. Intervals are 95 % confidence intervals of the mean over replicates.",
           "note")
    if reps < 2:
        page.p("With one replicate there are no intervals: run more replicates (--replicates) before "
               "drawing conclusions.", "note")
    out = [f.outcomes(s) for s in sc]
    horizons = out[0].horizons
    h = horizons[-1]

    page.h2("Costs against outcomes")
    for yname, what in (("unmet_need", "residents with unmet need"), ("escalations", "escalations")):
        pts = []
        for s, o in zip(sc, out):
            cx = mean_ci(o.get("cost_total", h))
            cy = mean_ci(o.get(yname, h))
            pts.append((s.label, cx[0], cx[1], cx[2], cy[0], cy[1], cy[2]))
        cheapest = min(pts, key=lambda p: p[1])[0]
        best = min(pts, key=lambda p: p[4])[0]
        o = out[0]
        page.figure(charts.tradeoff(pts, f"Cumulative cost against {what}, year {h}",
                                    f"Cost over years 1-{h} ({o.units[o.names.index('cost_total')]})",
                                    f"{o.labels[o.names.index(yname)]} in year {h} ({o.units[o.names.index(yname)]})"),
                    f"Trade-off: cost against {what}",
                    f"Each point is a scenario with 95 % intervals; towards the lower left is cheaper and "
                    f"better. Here {cheapest} costs least and {best} has the fewest {what}.")

    page.h2("Outcomes over time")
    for name, how, title, aid in SERIES_CHARTS:
        if name not in f.series_names(ref):
            continue
        x, size = time_axis(f, how)
        lines_, unit = [], ""
        scale = 1e-6 if name.startswith("cost") else 1  # costs in million euro
        for s in sc:
            v = city(f, name, s)
            unit = "million euro per week" if scale != 1 else v.unit
            m, lo, hi, _ = mean_ci(data.blocks(v.values, how, size) * scale, axis=0)
            lines_.append((s.label, m, lo, hi))
        per = "year" if how == "sum" else f"{size}-week mean"
        page.figure(charts.bands(x, lines_, title, "Years since the policy start", f"{unit_per(unit, how)}",
                                 ylim0=name not in ZOOMED),
                    title, f"{aid} Lines: mean over replicates ({per}); bands: 95 % interval.")

    page.h2("Cumulative cost by category")
    cost_names = [n for n in f.series_names(ref) if f.series(n, ref).kind == "cost"]
    x = np.arange(1, f.weeks + 1) / WEEKS_PER_YEAR
    panels = []
    for s in sc:
        layers = [np.cumsum(city(f, n, s).values, axis=1).mean(axis=0) * 1e-6 for n in cost_names]
        panels.append((s.label, layers))
    labels = [n.replace("cost_", "").replace("_", " ") for n in cost_names]
    page.figure(charts.stacked(x, labels, "Cumulative cost by category", "Years since the policy start",
                               "million euro", panels),
                "Cumulative cost by category",
                "Each panel stacks what a scenario has spent since the policy start, mean over replicates; "
                "the top edge is the total.")

    page.h2("When does prevention pay for itself?")
    prev = [s for s in sc[1:] if np.mean(np.sum(city(f, "cost_prevention", s).values, axis=1))
            > np.mean(np.sum(city(f, "cost_prevention", ref).values, axis=1)) * 1.001]
    if not prev:
        page.p(f"No scenario spends more on prevention than {html.escape(ref.label)}, so there is no "
               f"break-even to show.")
    rows = []
    for s in prev:
        d = np.cumsum(city(f, "cost_total", s).values, axis=1) - np.cumsum(city(f, "cost_total", ref).values, axis=1)
        m, lo, hi, _ = paired_diff_ci(d, np.zeros_like(d), axis=0)
        banded = np.all(np.isfinite(lo))
        be = break_even(x, m)
        be_lo, be_hi = (break_even(x, hi), break_even(x, lo)) if banded else (None, None)
        per_rep = [break_even(x, d[r]) for r in range(d.shape[0])]
        within = sum(b is not None for b in per_rep)
        marks = [(be, f"break-even, year {be:.1f}")] if be is not None else []
        verdict = (f"breaks even in year {be:.1f}" if be is not None
                   else f"does not break even within the {f.years} years simulated")
        page.figure(charts.difference(x, m * 1e-6, lo * 1e-6, hi * 1e-6,
                                      f"Extra cumulative cost of {s.label} over {ref.label}",
                                      "Years since the policy start", "million euro",
                                      "paired difference, mean", marks),
                    f"Break-even of {s.label}",
                    f"Above zero the scenario has cost more so far, below zero its savings have paid back "
                    f"the extra spending; it {verdict}.")
        if not banded:
            span = "&ndash; (one replicate)"
        elif be_lo is None:
            span = "not within the run"
        else:
            span = f"year {be_lo:.1f} to " + ("after the run" if be_hi is None else f"{be_hi:.1f}")
        rows.append([html.escape(s.label), "&ndash;" if be is None else f"{be:.1f}", span,
                     f"{within} of {len(per_rep)}", fmt(m[-1] * 1e-6) + " M&euro;"])
    if rows:
        page.table(["scenario", "break-even year (mean)", "95 % band crosses zero", "replicates that break even",
                    f"extra cost after {f.years} years"], rows)

    page.h2("Outcomes with 95 % intervals")
    for hz in horizons:
        header = ["outcome", "unit"] + [s.label for s in sc] + [f"{s.label} &minus; {ref.label}" for s in sc[1:]]
        rows = []
        for k, name in enumerate(out[0].names):
            unit = out[0].units[k] + (f", years 1-{hz}" if name.startswith("cost") else f", year {hz}")
            cells = [html.escape(out[0].labels[k]), html.escape(unit)]
            for o in out:
                m, lo, hi, _ = mean_ci(o.get(name, hz))
                cells.append(fmt_ci(m, lo, hi))
            for o in out[1:]:
                m, lo, hi, _ = paired_diff_ci(o.get(name, hz), out[0].get(name, hz))
                cells.append(fmt_ci(m, lo, hi))
            rows.append(cells)
        page.p(f"<b>Year {hz}</b> (costs summed from the policy start; other outcomes over year {hz}).")
        page.table([html.unescape(h_) for h_ in header], rows, left=2)


# ---- sweep --------------------------------------------------------------------------------

def sweep_page(f, page):
    runs = f.runs()
    k = len(f.factors)
    npoints = int(f.attrs["points"])
    h = f.horizons[-1]
    page.p(f"A {html.escape(f.design)} design: {plural(npoints, 'point')} &times; {plural(f.replicates, 'replicate')} = "
           f"{plural(len(runs), 'run')}, varying {plural(k, 'parameter')}. Outcomes at year {h}.", "note")
    rows = []
    for name in f.factors:
        c = f.column(name)
        v = runs[name]
        rows.append([html.escape(name), html.escape(c["unit"]), fmt(v.min()), fmt(v.max()), str(len(np.unique(v))),
                     html.escape(c["description"])])
    page.table(["parameter", "unit", "lowest", "highest", "values", "description"], rows)

    outcomes = [o for o in SWEEP_OUTCOMES if f"{o}_y{h}" in runs.dtype.names]
    sobol = f.design == "sobol"
    page.h2("Which parameters matter?")
    panels, ranking, table = [], {}, []
    for o in outcomes:
        col = f"{o}_y{h}"
        c = f.column(col)
        if sobol:
            y = np.array([np.nanmean(runs[col][runs["point"] == p]) for p in range(npoints)])
            try:
                r = sobol_indices(y, k, points=f.points())
            except ValueError as e:
                page.p(f"{html.escape(c['label'])}: no Sobol indices ({html.escape(str(e))}).")
                continue
            panels.append((f"{c['label']}", f.factors, r["S1"], r["S1_lo"], r["S1_hi"], r["ST"], "total"))
            ranking[o] = r["ST"]
            for j, name in enumerate(f.factors):
                table.append([html.escape(c["label"]), html.escape(name), fmt_ci(r["S1"][j], r["S1_lo"][j], r["S1_hi"][j]),
                              fmt_ci(r["ST"][j], r["ST_lo"][j], r["ST_hi"][j])])
        else:
            X = np.stack([runs[n] for n in f.factors], axis=1).astype(float)
            r = prcc(X, runs[col].astype(float))
            panels.append((f"{c['label']}", f.factors, r["prcc"], r["lo"], r["hi"], None, None))
            ranking[o] = r["prcc"]
            for j, name in enumerate(f.factors):
                table.append([html.escape(c["label"]), html.escape(name), fmt_ci(r["prcc"][j], r["lo"][j], r["hi"][j])])
    if sobol:
        n_base = npoints // (k + 2)
        if n_base < 256:
            page.p(f"This Sobol design has {n_base} base samples: estimates from fewer than a few hundred are "
                   f"rough and can fall outside 0-1 (the chart's axis is cut at -0.25 and 1.25; the table has "
                   f"every value). Raise <code>samples</code> in the sweep file for firm indices.", "note")
        page.figure(charts.tornado(panels, f"Sobol sensitivity indices, year {h}", "share of the outcome's variance",
                                   xlim=(-0.25, 1.25)),
                    "Sobol indices",
                    "Blue bars: the share of an outcome's variance that a parameter explains alone (first order, "
                    "with 95 % bootstrap intervals); orange: alone and with the others (total); strongest on top.")
        page.table(["outcome", "parameter", "first order [95 %]", "total [95 %]"], table, left=2)
    else:
        page.figure(charts.tornado(panels, f"Partial rank correlation with each outcome, year {h}",
                                   "partial rank correlation (-1 to 1)", xlim=(-1.05, 1.05)),
                    "Sensitivity (partial rank correlation)",
                    "A bar far from zero means the outcome rises (blue) or falls (red) with the parameter, the "
                    "others held fixed; the whiskers are 95 % intervals, and the strongest parameter is on top.")
        page.table(["outcome", "parameter", "partial rank correlation [95 %]"], table, left=2)

    page.h2("The strongest parameters up close")
    for o in outcomes[:2]:
        col = f"{o}_y{h}"
        c = f.column(col)
        top = list(np.argsort(-np.nan_to_num(np.abs(ranking[o]), nan=-1))[: min(3, k)])
        panels = []
        for j in top:
            name = f.factors[j]
            px = f.points()[:, j]
            py = np.array([np.nanmean(runs[col][runs["point"] == p]) for p in range(npoints)])
            panels.append((f"{name}\n({f.column(name)['unit']})", runs[name], runs[col], px, py))
        page.figure(charts.scatter(panels, f"{c['label']} against its strongest parameters",
                                   f"{c['label']} ({c['unit']})"),
                    f"{c['label']}: strongest parameters",
                    "Each small dot is a run, each larger dot the mean of a design point over its replicates; "
                    "a clear slope means the parameter drives the outcome.")


# ---- run ------------------------------------------------------------------------------------

def run_page(f, page):
    s = f.scenarios[0]
    page.p(f"Scenario <b>{html.escape(s.label)}</b>: {plural(f.replicates, 'replicate')}, {plural(f.years, 'year')} after "
           f"{f.burn_in_weeks // WEEKS_PER_YEAR} years of burn-in. Bands are 95 % intervals of the mean over "
           f"replicates{' (none with one replicate)' if f.replicates < 2 else ''}.", "note")
    rows = []
    page.h2("Main series")
    for name, how, title, aid in SERIES_CHARTS:
        if name not in f.series_names(s):
            continue
        v = city(f, name, s)
        scale = 1e-6 if name.startswith("cost") else 1
        unit = "million euro per week" if scale != 1 else v.unit
        x, size = time_axis(f, how)
        m, lo, hi, _ = mean_ci(data.blocks(v.values, how, size) * scale, axis=0)
        per = "year" if how == "sum" else f"{size}-week mean"
        page.figure(charts.bands(x, [(s.label, m, lo, hi)], title, "Years since the end of the burn-in",
                                 unit_per(unit, how), ylim0=name not in ZOOMED), title,
                    f"{aid} Line: mean over replicates ({per}).")
        last = data.blocks(v.values[:, -WEEKS_PER_YEAR:], how, WEEKS_PER_YEAR)[:, 0] * scale
        lm, llo, lhi, _ = mean_ci(last)
        rows.append([html.escape(title), html.escape(unit_per(unit, how)), fmt_ci(lm, llo, lhi)])
    page.h2("The last year in numbers")
    page.table(["series", "unit", f"year {f.years}, mean [95 %]"], rows)

    page.h2("Per neighbourhood")
    nb = f.neighbourhoods()
    dep = nb["deprivation"]
    order = np.argsort(dep)
    cmap = charts.plt.get_cmap("viridis")
    col = [cmap(0.9 * i / max(1, len(order) - 1)) for i in range(len(order))]
    res = f.series("residents", s, "neighbourhood").values.mean(axis=(0, 1))
    for name, how, title, aid in [
            ("unmet_need", "mean", "Unmet need per 1,000 residents by neighbourhood",
             "Neighbourhoods from least (dark) to most (yellow) deprived; deprivation raises needs and "
             "lowers the help residents find themselves."),
            ("crises", "sum", "Crises per 1,000 residents by neighbourhood",
             "Crises per year; where needs pile up unmet, crises follow.")]:
        v = f.series(name, s, "neighbourhood")
        x, size = time_axis(f, how)
        b = data.blocks(np.moveaxis(v.values, 2, 1), how, size).mean(axis=0)  # [neighbourhood, block]
        series = [(f"{i} (deprivation {dep[i]:.2f})", b[i] / res[i] * 1000) for i in order]
        page.figure(charts.lines(x, series, title, "Years since the end of the burn-in",
                                 f"{unit_per(v.unit, how)} per 1,000 residents", colours=col,
                                 legend_title="neighbourhood"), title, aid)
    w = f.series("waiting_time", s, "neighbourhood").values[:, -WEEKS_PER_YEAR:, :]
    per_rep = data.blocks(np.moveaxis(w, 1, 2), "mean", WEEKS_PER_YEAR)[..., 0]  # [replicate, neighbourhood]
    m, lo, hi, _ = mean_ci(per_rep, axis=0)
    page.figure(charts.bars([str(i) for i in order], m[order], lo[order] if f.replicates > 1 else None,
                            hi[order] if f.replicates > 1 else None,
                            f"Waiting time for an intake by neighbourhood, year {f.years}",
                            "Neighbourhood, from least to most deprived", "weeks", colours=[col[i] for i in range(len(order))]),
                "Waiting time by neighbourhood",
                "Bars: mean over replicates of the year's weekly waiting times, with 95 % intervals; "
                "neighbourhoods that share a team share its waiting list.")


PAGES = {"comparison": comparison_page, "sweep": sweep_page, "run": run_page}
TITLES = {"comparison": "Comparison of scenarios", "sweep": "Parameter sweep", "run": "Scenario run"}


def render(path, title=None):
    """The report of one file as an HTML string."""
    with data.open_file(path) as f:
        page = Page(title or f"wijksim: {TITLES[f.kind]}")
        PAGES[f.kind](f, page)
        meta = (f"{html.escape(os.path.basename(str(path)))} &middot; {f.kind} &middot; wijksim {html.escape(str(f.version))} "
                f"(commit {html.escape(str(f.commit))}) &middot; seed {f.seed} &middot; written "
                f"{html.escape(str(f.attrs.get('created', '?')))}")
        return page.html(meta), page.figures


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(prog="wijksim report", description="Writes a self-contained HTML report of a "
                                 "wijksim HDF5 file (run, comparison or sweep).")
    ap.add_argument("file", help="a wijksim HDF5 file")
    ap.add_argument("-o", "--output", help="the HTML file (default: FILE with .html)")
    ap.add_argument("--title", help="the page title")
    ap.add_argument("-f", "--force", action="store_true", help="overwrite an existing report")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    a = ap.parse_args(argv)
    out = a.output if a.output is not None else Path(a.file).with_suffix(".html").name
    problem = check_output(out, a.force)
    if problem:
        print(f"wijksim report: {problem}", file=sys.stderr)
        return 2
    try:
        text, n = render(a.file, a.title)
    except data.FileError as e:
        print(f"wijksim report: {e}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OSError) as e:
        # A damaged or foreign file whose attributes are not what wijksim writes (text that is
        # not UTF-8, a list where one value belongs): a message, not a traceback.
        print(f"wijksim report: {a.file}: not a wijksim file, or damaged: {type(e).__name__}: {e}",
              file=sys.stderr)
        return 2
    try:
        write_atomically(out, text, force=a.force, make_folder=False)
    except FileExistsError:
        print(f"wijksim report: {out}: the file appeared while the report was written; nothing "
              "was replaced: use --force to overwrite it", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"wijksim report: {out}: cannot write ({e.strerror})", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"Report ({n} charts): {out}")
    return 0
