"""The report: one self-contained HTML page for a wijksim run, comparison or sweep file.

    /usr/bin/python3 analysis/report.py FILE.h5 -o report.html      (or: wijksim report ...)

The page holds its charts as inline SVG and its style inline, so it opens and prints with no
network and no file next to it. What it shows depends on the file's kind:

- comparison: a summary first: per scenario what it changes compared with the reference (the
  first scenario): every parameter that differs and every policy step with its week, read from
  the file; and its headline paired differences from the reference with 95 % intervals, in
  words and as a chart at every horizon. Then the trade-off of extra cost against the change in
  unmet need and in crises (paired differences, the reference at the origin); weekly series as
  levels beside their paired difference from the reference; the cumulative cost by category;
  the break-even year of scenarios that spend more on prevention; and the outcome table with
  paired differences, marked where their interval excludes 0;
- sweep: the sampled and the plausible range (registry) of every varied parameter; the
  sensitivity of key outcomes as tornado charts (Sobol indices for a Sobol design, partial rank
  correlations otherwise), coloured by whether raising a parameter is good or bad for the
  outcome; for a factorial design, interaction plots and the interaction of the extreme levels
  with its interval; scatter plots of the strongest parameters;
- run: the main series with bands over replicates, and per neighbourhood where it matters.

Every chart has a title, axis labels with units and a one-sentence reading aid; units,
descriptions and outcome labels come from the file. Intervals are 95 % intervals of the mean
over replicates: Student t for differences, and a score interval whose spread grows with the
mean for figures that cannot be negative (stats.mean_ci_positive, where the choice is argued),
so no interval of a count or a cost reaches below zero. With one replicate there are none, and the page says so. Money is stated for the
simulated population and per 1,000 residents, never as a fixed town's figure. The words follow
the registries: "needs worsening" (the outcome and series `escalations`) is any worsening of a
need by a severity level; a crisis (`crises`) is a need reaching severity 4.
"""
import html
import math
import os
import re
import sys
from pathlib import Path

import numpy as np

from . import charts, data
from .files import check_output, write_atomically
from .stats import break_even, mean_ci, mean_ci_positive, paired_diff_ci, prcc, sobol_indices

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
     "Needs that reached crisis, severity 4 (police, emergency care, eviction), per year; each is "
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
     "Mean quality of life of all residents (1 minus the losses from needs and carer overload); it "
     "moves little, so read the difference panel, where its axis is that of the change; higher is better."),
    ("cost_total", "sum", "Cost per year",
     "Everything the municipality pays per year for the simulated residents: team staff, specialist "
     "care, crises, prevention, volunteers, administration and respite."),
]
SWEEP_OUTCOMES = ["cost_total", "unmet_need", "crises", "waiting_time", "overloaded_carers", "qol_index"]

# Which way is better for an outcome (or the series of the same name): -1 lower is better, +1
# higher is better; an outcome not listed (hours of coordination, informal care hours, clients
# in specialist care: more can be good or bad) has no better direction, and its differences are
# marked as clear or not, never as better or worse. Every cost is lower-is-better.
BETTER = {
    "unmet_need": -1, "waiting_time": -1, "team_wait_worst": -1, "waiting_list": -1,
    "specialist_waiting": -1, "specialist_waiting_time": -1, "referrals": -1, "referrals_around": -1,
    "escalations": -1, "new_needs": -1, "crises": -1, "overloaded_carers": -1, "staff_leavers": -1,
    "vacancies": -1, "workload": -1, "qol_index": +1,
}
# The headline outcomes of the summary, the difference chart and the trade-offs, with the words
# a sentence uses. Quality of life is left out: it moves by a few ten-thousandths of its index
# and is read from its own difference chart and the table.
HEADLINE = [("cost_total", "total cost"), ("unmet_need", "unmet need"), ("crises", "crises (severity 4)"),
            ("waiting_time", "wait for a team intake"), ("specialist_waiting", "waiting for specialist care"),
            ("overloaded_carers", "overloaded carers")]
MINUS = "\u2212"


def better(name):
    """-1 when lower is better for outcome or series `name`, +1 when higher is, 0 when neither."""
    return -1 if name.startswith("cost") else BETTER.get(name, 0)


CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #222; max-width: 980px;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 18pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; border-bottom: 1px solid #ccc;
     margin-top: 1.6em; } h3 { font-size: 11pt; margin: 1.1em 0 0.3em; } .meta { color: #555; font-size: 9pt; }
figure { margin: 1em 0 1.4em; page-break-inside: avoid; break-inside: avoid; }
figure svg { max-width: 860px; height: auto; display: block; }
figcaption { font-size: 9.5pt; color: #333; margin-top: 0.2em; } figcaption b { color: #111; }
table { border-collapse: collapse; font-size: 8.5pt; margin: 0.6em 0; page-break-inside: auto; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 2px 6px; text-align: right; vertical-align: top; }
th { background: #f3f3f3; } td.l, th.l { text-align: left; } tr { page-break-inside: avoid; }
ul { margin: 0.2em 0 0.6em; padding-left: 1.4em; } li { margin: 0.1em 0; }
.note { background: #f6f6f0; border-left: 3px solid #c9c38a; padding: 0.4em 0.8em; font-size: 9.5pt; }
.better { color: #2e7d32; font-weight: bold; } .worse { color: #c62828; font-weight: bold; }
.changed { color: #111; font-weight: bold; } .unclear { color: #666; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.35em; vertical-align: baseline; }
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

    def h3(self, text_html):
        self.parts.append(f"<h3>{text_html}</h3>")

    def p(self, text, cls=None):
        self.parts.append(f'<p class="{cls}">{text}</p>' if cls else f"<p>{text}</p>")

    def ul(self, items, cls):
        """A list of items (already HTML)."""
        self.parts.append(f'<ul class="{cls}">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")

    def raw(self, text):
        self.parts.append(text)

    def figure(self, fig, title, aid):
        """A chart with its title and one-sentence reading aid."""
        self.figures += 1
        self.parts.append(f'<figure class="chart">{charts.svg(fig)}<figcaption><b>Figure {self.figures}. '
                          f"{html.escape(title)}.</b> {html.escape(aid)}</figcaption></figure>")

    def table(self, header, rows, left=1, cls=None, text_cols=()):
        """rows of cells (already text); the first `left` columns, and those in text_cols,
        align left."""
        def al(i):
            return "l" if i < left or i in text_cols else ""
        th = "".join(f'<th class="{al(i)}">{html.escape(h)}</th>' for i, h in enumerate(header))
        body = "".join("<tr>" + "".join(f'<td class="{al(i)}">{c}</td>' for i, c in enumerate(r))
                       + "</tr>" for r in rows)
        attr = f' class="{cls}"' if cls else ""
        self.parts.append(f"<table{attr}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")

    def html(self, meta):
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>"
                f"<h1>{html.escape(self.title)}</h1><p class=\"meta\">{meta}</p>" + "\n".join(self.parts)
                + "</body></html>\n")


# ---- numbers -------------------------------------------------------------------------------
# One format for every number with an interval: as many decimals as two significant digits of
# the interval's half-width need (the digits beyond say nothing), thousands separated, and a
# true minus sign; differences carry their sign. Without an interval, three significant figures.

def finite(x):
    return x is not None and np.isfinite(x)


def decimals(halfwidths=(), values=()):
    """Decimals for a group of numbers: two significant digits of the smallest half-width, or
    three significant figures of the largest value when there is no interval (0 to 6)."""
    hw = [abs(float(h)) for h in halfwidths if finite(h) and h != 0]
    if hw:
        d = 1 - math.floor(math.log10(min(hw)))
    else:
        v = [abs(float(x)) for x in values if finite(x) and x != 0]
        d = 2 - math.floor(math.log10(max(v))) if v else 0
    return int(min(max(d, 0), 6))


def num(x, d, sign=False):
    """x with d decimals, thousands separated, a true minus; sign: a + for positive numbers."""
    if not finite(x):
        return "&ndash;"
    s = f"{float(x):{'+' if sign else ''},.{d}f}"
    if float(s.replace(",", "")) == 0:
        s = s.lstrip("+-")
    return s.replace("-", MINUS)


def fmt(x):
    """A number without an interval: three significant figures."""
    return num(x, decimals(values=[x]))


def burn_in_text(weeks):
    """'5 years of burn-in', or '26 weeks of burn-in' when it is not whole years."""
    if weeks % WEEKS_PER_YEAR == 0:
        return f"{plural(weeks // WEEKS_PER_YEAR, 'year')} of burn-in"
    return f"{plural(weeks, 'week')} of burn-in"


def plural(n, word):
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def fmt_ci(mean, lo, hi, d=None, sign=False):
    """'mean [lo, hi]' in one format (the interval greyed), or the mean alone without one."""
    if d is None:
        d = decimals([(hi - lo) / 2] if finite(lo) and finite(hi) else [], [mean])
    if not (finite(lo) and finite(hi)):
        return num(mean, d, sign)
    return f"{num(mean, d, sign)} <span class=\"meta\">[{num(lo, d, sign)}, {num(hi, d, sign)}]</span>"


def level_ci(x, axis=0):
    """Mean and 95 % interval of a level over replicates: stats.mean_ci_positive's score
    interval for a figure that cannot be negative (no interval of a count or cost below zero),
    Student t otherwise."""
    x = np.asarray(x, dtype=float)
    vals = x[np.isfinite(x)]
    return mean_ci_positive(x, axis=axis) if np.all(vals >= 0) else mean_ci(x, axis=axis)


def significance(name, lo, hi):
    """'better', 'worse', 'changed' (a clear change without a better direction) or 'unclear'
    for a paired difference whose 95 % interval is [lo, hi]."""
    if not (finite(lo) and finite(hi)) or lo <= 0 <= hi:
        return "unclear"
    b = better(name)
    if b == 0:
        return "changed"
    return "better" if (lo > 0) == (b > 0) else "worse"


# ---- what the file says about a scenario ---------------------------------------------------
# data.py has no accessors for a scenario's /parameters group and /policy table yet; these read
# them with data.text(), which takes both scalar attributes and one-element arrays.

def h5group(f, scenario=None, path=None):
    """The HDF5 group of a scenario (or at `path`), None when absent."""
    if path is not None:
        return f.f[path] if path in f.f else None
    return f.f if scenario is None or scenario.group == "/" else f.f[scenario.group]


def read_parameters(g):
    """name -> {values, unit, description, factor (plausible range as multiples of the value,
    or None)} of the group's /parameters; {} when it has none."""
    out = {}
    if g is None or "parameters" not in g:
        return out
    for name, d in g["parameters"].items():
        try:
            values = np.asarray(d[()], dtype=float).reshape(-1)
        except (TypeError, ValueError):
            continue  # a text parameter: not compared
        a = {k: data.text(v) for k, v in d.attrs.items()}
        fac = a.get("plausible_range_factor")
        fac = [float(v) for v in fac] if isinstance(fac, list) and len(fac) == 2 else None
        out[name] = {"values": values, "unit": str(a.get("unit", "")), "description": str(a.get("description", "")),
                     "factor": fac}
    return out


def read_policy(g):
    """The policy steps of a group's /policy table: (week, parameter, element, value) rows."""
    if g is None or "policy" not in g or not hasattr(g["policy"], "dtype"):
        return []
    rows = np.atleast_1d(g["policy"][()])
    return [(int(r["week"]), str(data.text(r["parameter"])), int(r["element"]), float(r["value"])) for r in rows]


def population(f, scenario=None, params=None):
    """Residents simulated: world.population of the scenario, else the mean of `residents`."""
    params = params if params is not None else read_parameters(h5group(f, scenario))
    if "world.population" in params:
        return float(params["world.population"]["values"][0])
    try:
        return float(np.nanmean(city(f, "residents", scenario).values))
    except data.FileError:
        return float("nan")


def value_text(v):
    """A parameter value as written in a scenario file: up to 6 significant figures."""
    return f"{v:,.6g}".replace("-", MINUS) if abs(v) >= 1000 else f"{v:.6g}".replace("-", MINUS)


def per_residents(delta, unit, pop):
    """For a change in a parameter counted per 1000 residents, what it is for the simulated
    population ("+133,333 euro per year for the 20,000 residents simulated"), else ''."""
    if "per 1000 residents" not in unit or not finite(pop):
        return ""
    rest = unit.replace(" per 1000 residents", "").strip()
    amount = delta * pop / 1000
    what = f"{num(amount, decimals(values=[amount]), sign=True)} {rest}".strip()
    return f" ({what} for the {pop:,.0f} residents simulated)"


def week_text(w):
    return f"week {w} (the policy start)" if w == 0 else f"week {w} (year {w // WEEKS_PER_YEAR + 1})"


def element_name(name, e, params):
    n = params[name]["values"].size if name in params else 1
    return f"{name}[{e}]" if n > 1 else name


def changes(ref_params, params, ref_policy, policy, pop):
    """What a scenario changes compared with the reference, as HTML list items: every
    parameter whose value differs (with the reference's value), then every policy step that
    the reference does not take, with its week, and the reference's steps this one lacks."""
    items = []
    for name in sorted(params):
        b = params[name]["values"]
        a = ref_params.get(name, {}).get("values")
        unit = params[name]["unit"]
        if a is None or a.shape != b.shape:
            items.append(f"<code>{html.escape(name)}</code> = {html.escape(', '.join(value_text(v) for v in b))} "
                         f"{html.escape(unit)} (the reference has no such value)")
            continue
        for e in np.flatnonzero(~((a == b) | (np.isnan(a) & np.isnan(b)))):
            items.append(f"<code>{html.escape(element_name(name, e, params))}</code>: {value_text(a[e])} &rarr; "
                         f"<b>{value_text(b[e])}</b> {html.escape(unit)}"
                         f"{html.escape(per_residents(b[e] - a[e], unit, pop))}, from the start")
    ref_steps = set(ref_policy)

    def ref_value(name, e, week):
        v = None
        for w, p, el, val in sorted(ref_policy):
            if p == name and el == e and w <= week:
                v = val
        if v is None and name in ref_params and e < ref_params[name]["values"].size:
            v = float(ref_params[name]["values"][e])
        return v

    for w, name, e, v in sorted(policy):
        if (w, name, e, v) in ref_steps:
            continue
        unit = params.get(name, {}).get("unit", "")
        was = ref_value(name, e, w)
        extra = per_residents(v - was, unit, pop) if was is not None else ""
        items.append(f"policy step from {week_text(w)}: <code>{html.escape(element_name(name, e, params))}</code> "
                     f"= <b>{value_text(v)}</b> {html.escape(unit)}"
                     + (f" (the reference then has {value_text(was)}){html.escape(extra)}" if was is not None else ""))
    own = set(policy)
    for w, name, e, v in sorted(ref_policy):
        if (w, name, e, v) not in own:
            items.append(f"without the reference's policy step from {week_text(w)}: "
                         f"<code>{html.escape(element_name(name, e, ref_params))}</code> = {value_text(v)}")
    return items


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

def short_unit(unit):
    """'residents, mean over the year' -> 'residents'."""
    return unit.split(",")[0].strip()


def headline(o_ref, o, name, word, hz, pop, ref_label):
    """One headline paired difference in words, e.g. 'unmet need −33 residents [−41, −25] in
    year 2 (−2.7 % of Base's 1,230): better'; None when the outcome is not in the file."""
    if name not in o.names:
        return None
    k = o.names.index(name)
    a, b = o.get(name, hz), o_ref.get(name, hz)
    m, lo, hi, _ = paired_diff_ci(a, b)
    m, lo, hi = float(m), float(lo), float(hi)
    refm = float(np.nanmean(b))
    d = decimals([(hi - lo) / 2] if finite(lo) else [], [m])
    unit = short_unit(o.units[k])
    cumulative = name.startswith("cost")
    when = f"over years 1&ndash;{hz}" if cumulative else f"in year {hz}"
    ci = f" [{num(lo, d, True)}, {num(hi, d, True)}]" if finite(lo) else ""
    money = ""
    if unit == "million euro":
        unit = "M euro"
        if finite(pop) and pop > 0:
            per = 1e6 / pop * 1000          # million euro in total -> euro per 1,000 residents
            dp = decimals([(hi - lo) / 2 * per] if finite(lo) else [], [m * per])
            money = (f" for the {pop:,.0f} residents simulated ({num(m * per, dp, True)} euro per 1,000 residents"
                     + (f" [{num(lo * per, dp, True)}, {num(hi * per, dp, True)}]" if finite(lo) else "") + ")")
    rel = f", {num(100 * m / refm, 1, True)} % of {html.escape(ref_label)}'s {num(refm, decimals(values=[refm]))}" \
        if refm > 0 and not cumulative else ""
    sig = significance(name, lo, hi)
    verdict = {"better": "better", "worse": "worse", "changed": "a clear change",
               "unclear": "no clear difference" if finite(lo) else "one replicate: no interval"}[sig]
    return (f'<span class="{sig}">{html.escape(word)} {num(m, d, True)} {html.escape(unit)}{ci}</span> '
            f"{when}{money}{rel}: {verdict}")


def money_in_label(label):
    return re.search(r"(?i)\beuro\b|\u20ac|\bEUR\b|\d\s*M\b", label) is not None


def comparison_page(f, page):
    sc = f.scenarios
    ref = sc[0]
    reps = f.replicates
    out = [f.outcomes(s) for s in sc]
    params = [read_parameters(h5group(f, s)) for s in sc]
    policies = [read_policy(h5group(f, s)) for s in sc]
    pop = population(f, ref, params[0])
    pop_text = f"{pop:,.0f} residents" if finite(pop) else "the simulated residents"
    horizons = out[0].horizons
    h = horizons[-1]
    page.p(f"{len(sc)} scenarios, {plural(reps, 'replicate')} each, {plural(f.years, 'year')} after "
           f"{burn_in_text(f.burn_in_weeks)}, in a simulated town of {pop_text}; every money "
           f"amount on this page is for those {pop_text}, or per 1,000 residents where it says so. Every "
           f"scenario runs with the same random numbers per replicate, so the differences from "
           f"<b>{html.escape(ref.label)}</b> (the reference, the first scenario) are paired, replicate by "
           f"replicate, and much of the chance that separate runs would differ by cancels out. Intervals are "
           f"95 % confidence intervals of the mean over replicates.", "note")
    if reps < 2:
        page.p("With one replicate there are no intervals: run more replicates (--replicates) before "
               "drawing conclusions.", "note")

    # -- summary
    page.h2("Summary")
    page.raw('<section class="summary">')
    if policies[0]:
        steps = "; ".join(f"from {week_text(w)} <code>{html.escape(element_name(n, e, params[0]))}</code> = "
                          f"{value_text(v)}" for w, n, e, v in sorted(policies[0]))
        page.p(f"The reference, <b>{html.escape(ref.label)}</b>, has its own policy steps: {steps}.")
    heads = [(n, w) for n, w in HEADLINE if n in out[0].names]
    for i, s in enumerate(sc[1:], 1):
        page.h3(f'<span class="swatch" style="background:{charts.colour(i)}"></span>{html.escape(s.label)}')
        items = changes(params[0], params[i], policies[0], policies[i], pop)
        own = str(s.attrs.get("own_burn_in_because", "") or "")
        if own:
            items.append(f"its world differs from the reference's before the policy start "
                         f"(<code>{html.escape(own)}</code>), so it runs its own burn-in; replicates are still "
                         f"paired by seed")
        page.p(f"What it changes compared with {html.escape(ref.label)}:")
        page.ul(items or ["nothing in its parameters or policy: the same scenario under another name"], "changes")
        if money_in_label(s.label):
            page.p(f"Its title names a money amount, which holds for the town it was written for; the "
                   f"changes above are what it means for the {pop_text} simulated here.", "note")
        page.p(f"Paired differences from {html.escape(ref.label)} with 95 % intervals:")
        page.ul([t for t in (headline(out[0], out[i], n, w, h, pop, ref.label) for n, w in heads) if t], "headline")
    page.raw("</section>")
    if len(sc) > 1 and heads:
        panels = []
        for name, word in heads:
            k = out[0].names.index(name)
            rows = [[tuple(float(v) for v in paired_diff_ci(o.get(name, hz), out[0].get(name, hz))[:3])
                     for hz in horizons] for o in out[1:]]
            unit = out[0].units[k] + (f", cumulative, {pop_text}" if name.startswith("cost") else "")
            hint = {-1: "; lower is better", 1: "; higher is better"}.get(better(name), "")
            panels.append((out[0].labels[k], f"{unit}{hint}", rows))
        page.figure(charts.forest(panels, [s.label for s in sc[1:]], horizons,
                                  f"Difference from {ref.label} at each horizon (paired, 95 % intervals)"),
                    f"Differences from {ref.label}",
                    f"Each mark is a scenario's mean difference from {ref.label}, replicate by replicate, with its "
                    f"95 % interval, one mark per horizon year (costs summed from the policy start, the other "
                    f"outcomes over that year); a filled mark's interval excludes 0, so the difference is clear.")

    # -- trade-offs in differences
    if len(sc) > 1 and "cost_total" in out[0].names:
        page.h2("Costs against outcomes")
        kc = out[0].names.index("cost_total")
        for yname, what in (("unmet_need", "unmet need"), ("crises", "crises")):
            if yname not in out[0].names:
                continue
            ky = out[0].names.index(yname)
            pts = []
            for i, (s, o) in enumerate(zip(sc[1:], out[1:]), 1):
                cx = paired_diff_ci(o.get("cost_total", h), out[0].get("cost_total", h))
                cy = paired_diff_ci(o.get(yname, h), out[0].get(yname, h))
                pts.append((s.label, i, *(float(v) for v in cx[:3]), *(float(v) for v in cy[:3])))
            page.figure(charts.tradeoff(pts, f"Extra cost against the change in {what}, year {h}",
                                        f"Extra cost over years 1-{h}, {out[0].units[kc]} for {pop_text} "
                                        f"(difference from {ref.label})",
                                        f"{out[0].labels[ky]} in year {h}, {short_unit(out[0].units[ky])} "
                                        f"(difference)", ref.label),
                        f"Trade-off: extra cost against the change in {what}",
                        f"Each point is a scenario's paired difference from {ref.label} (the cross at the origin) "
                        f"with 95 % intervals on both axes; left of the vertical line it costs less, below the "
                        f"horizontal line it has fewer {what}.")

    # -- over time
    page.h2("Outcomes over time")
    for name, how, title, aid in SERIES_CHARTS:
        if name not in f.series_names(ref):
            continue
        x, size = time_axis(f, how)
        scale = 1e-6 if name.startswith("cost") else 1  # costs in million euro
        per_block = []
        unit = ""
        for s in sc:
            v = city(f, name, s)
            unit = "million euro per week" if scale != 1 else v.unit
            per_block.append(data.blocks(v.values, how, size) * scale)
        levels = [(s.label, *level_ci(b, axis=0)[:3]) for s, b in zip(sc, per_block)]
        diffs = [(s.label, *paired_diff_ci(b, per_block[0], axis=0)[:3]) for s, b in zip(sc[1:], per_block[1:])]
        ylabel = unit_per(unit, how) + (f", {pop_text}" if scale != 1 else "")
        per = "year" if how == "sum" else f"{size}-week mean"
        if len(sc) > 1:
            fig = charts.level_and_difference(x, levels, diffs, title, "Years since the policy start", ylabel,
                                              ref.label)
            tail = (f" Left: mean over replicates ({per}) with 95 % bands; right: each scenario minus "
                    f"{ref.label}, replicate by replicate, with 95 % bands: where a band leaves the zero line "
                    f"the difference is clear.")
        else:
            fig = charts.bands(x, levels, title, "Years since the policy start", ylabel)
            tail = f" Lines: mean over replicates ({per}); bands: 95 % interval."
        page.figure(fig, title, aid + tail)

    # -- cost by category
    page.h2("Cumulative cost by category")
    cost_names = [n for n in f.series_names(ref) if f.series(n, ref).kind == "cost"]
    x = np.arange(1, f.weeks + 1) / WEEKS_PER_YEAR
    panels = []
    for s in sc:
        layers = [np.cumsum(city(f, n, s).values, axis=1).mean(axis=0) * 1e-6 for n in cost_names]
        panels.append((s.label, layers))
    labels = [n.replace("cost_", "").replace("_", " ") for n in cost_names]
    page.figure(charts.stacked(x, labels, "Cumulative cost by category", "Years since the policy start",
                               f"million euro, {pop_text}", panels),
                "Cumulative cost by category",
                "Each panel stacks what a scenario has spent since the policy start, mean over replicates; "
                "the top edge is the total.")

    # -- break-even
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
                                      "Years since the policy start", f"million euro, {pop_text}",
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
        last, last_lo, last_hi = m[-1] * 1e-6, lo[-1] * 1e-6, hi[-1] * 1e-6
        per = 1e6 / pop * 1000 if finite(pop) and pop > 0 else float("nan")
        rows.append([html.escape(s.label), "&ndash;" if be is None else f"{be:.1f}", span,
                     f"{within} of {len(per_rep)}", fmt_ci(last, last_lo, last_hi, sign=True) + " M euro",
                     fmt_ci(last * per, last_lo * per, last_hi * per, sign=True) + " euro"])
    if rows:
        page.table(["scenario", "break-even year (mean)", "95 % band crosses zero", "replicates that break even",
                    f"extra cost after {f.years} years, {pop_text}", "the same per 1,000 residents"], rows)

    # -- the table
    page.h2("Outcomes with 95 % intervals")
    page.p(f"Levels per scenario, then each scenario's paired difference from {html.escape(ref.label)}. "
           f'A difference whose 95 % interval excludes 0 is marked <b>*</b> and coloured: <span class="better">'
           f'green</span> where it is better, <span class="worse">red</span> where it is worse, black for an '
           f"outcome with no better direction. Each row has one number format: the decimals that the "
           f"narrowest interval in the row supports. Costs are for the {pop_text} simulated.")
    for hz in horizons:
        header = ["outcome", "unit"] + [s.label for s in sc] + [f"{s.label} \u2212 {ref.label}" for s in sc[1:]]
        rows = []
        for k, name in enumerate(out[0].names):
            unit = out[0].units[k] + (f", years 1-{hz}" if name.startswith("cost") else f", year {hz}")
            lv = [tuple(float(v) for v in level_ci(o.get(name, hz))[:3]) for o in out]
            df = [tuple(float(v) for v in paired_diff_ci(o.get(name, hz), out[0].get(name, hz))[:3]) for o in out[1:]]
            d = decimals([(c[2] - c[1]) / 2 for c in lv + df if finite(c[1])], [c[0] for c in lv])
            cells = [html.escape(out[0].labels[k]), html.escape(unit)]
            cells += [fmt_ci(*c, d=d) for c in lv]
            for c in df:
                sig = significance(name, c[1], c[2])
                text = fmt_ci(*c, d=d, sign=True)
                cells.append(text if sig == "unclear" else f'<span class="sig {sig}">{text}&#8201;*</span>')
            rows.append(cells)
        page.p(f"<b>Year {hz}</b> (costs summed from the policy start; other outcomes over year {hz}).")
        page.table(header, rows, left=2, cls="outcomes")


# ---- sweep --------------------------------------------------------------------------------

def base_of(name):
    """'specialist.places[3]' -> ('specialist.places', 3); 'team.fte' -> ('team.fte', 0)."""
    m = re.fullmatch(r"(.*)\[(\d+)\]", name)
    return (m.group(1), int(m.group(2))) if m else (name, 0)


def plausible(params, name):
    """(lo, hi, text) of a factor's plausible range from the registry (the base scenario's value
    times /parameters' plausible_range_factor); lo and hi are None where it has none."""
    p, e = base_of(name)
    if p not in params or params[p]["factor"] is None or e >= params[p]["values"].size:
        return None, None, "&ndash; (not in the file)"
    v = float(params[p]["values"][e])
    a, b = params[p]["factor"]
    if a == b == 1:
        return None, None, "&ndash; (a choice)"
    lo, hi = sorted((v * a, v * b))
    if lo == hi:
        return None, None, f"&ndash; (default {value_text(v)})"
    return lo, hi, f"{fmt(lo)} &ndash; {fmt(hi)} <span class=\"meta\">(&times;{a:g}&ndash;{b:g} of {value_text(v)})</span>"


def parameter_of(f, column):
    """The parameter a factor column varies ("team.fte" for the column "team_fte"): the
    column's `parameter` where the file has it, else its label (older files name the column
    by the parameter itself)."""
    c = f.column(column)
    return str(c.get("parameter") or c.get("label") or column)


def sampled(v):
    return f"{fmt(float(np.min(v)))} &ndash; {fmt(float(np.max(v)))}"


def effects(r, lo, hi, direction):
    """+1 / -1 / 0 per factor: raising it is better / worse for an outcome whose better
    direction is `direction`, or 0 where the interval of r includes 0 or there is no direction."""
    out = np.zeros(len(r), dtype=int)
    for j in range(len(r)):
        if finite(lo[j]) and finite(hi[j]) and (lo[j] > 0 or hi[j] < 0) and direction:
            out[j] = int(np.sign(r[j]) * direction)
    return out


EFFECT_WORDS = {1: '<span class="better">better</span>', -1: '<span class="worse">worse</span>',
                0: '<span class="unclear">no clear direction</span>'}


def point_means(runs, col, npoints):
    """Mean of a run-table column over each point's replicates (NaN runs skipped)."""
    y = np.full(npoints, np.nan)
    for p in range(npoints):
        v = runs[col][runs["point"] == p].astype(float)
        v = v[np.isfinite(v)]
        if v.size:
            y[p] = v.mean()
    return y


def sweep_page(f, page):
    runs = f.runs()
    k = len(f.factors)
    npoints = int(f.attrs["points"])
    h = f.horizons[-1]
    base = read_parameters(h5group(f, path="base"))
    pop = population(f, None, base) if "world.population" in base else float("nan")
    page.p(f"A {html.escape(f.design)} design: {plural(npoints, 'point')} &times; {plural(f.replicates, 'replicate')} = "
           f"{plural(len(runs), 'run')}, varying {plural(k, 'parameter')}. Outcomes at year {h}"
           + (f", for a simulated town of {pop:,.0f} residents (costs are for those residents)" if finite(pop) else "")
           + ".", "note")
    rows = []
    ranges = {}
    pname = {name: parameter_of(f, name) for name in f.factors}
    shown = [pname[n] for n in f.factors]
    for name in f.factors:
        c = f.column(name)
        v = runs[name]
        ranges[name] = plausible(base, pname[name])
        lo, hi, text = ranges[name]
        flag = ""
        if lo is not None:
            if v.min() < lo - 1e-12 * abs(lo) or v.max() > hi + 1e-12 * abs(hi):
                flag = " <span class=\"worse\">beyond the plausible range</span>"
            elif (v.max() - v.min()) < 0.5 * (hi - lo):
                flag = " <span class=\"unclear\">less than half the plausible range</span>"
        rows.append([html.escape(pname[name]), html.escape(c["unit"]), sampled(v) + flag, str(len(np.unique(v))), text,
                     html.escape(c["description"])])
    page.table(["parameter", "unit", "sampled range", "values", "plausible range (registry)", "description"], rows,
               cls="factors", text_cols=(5,))
    page.p("The plausible range is the registry's: the base scenario's value times the factors that "
           "<code>wijksim params</code> lists (docs/parameters.md). Sensitivity is measured over the sampled "
           "range only: a parameter sampled over less than its plausible range looks weaker than it is, one "
           "sampled beyond it stronger.")

    outcomes = [o for o in SWEEP_OUTCOMES if f"{o}_y{h}" in runs.dtype.names]
    sobol = f.design == "sobol"
    page.h2("Which parameters matter?")
    panels, ranking, table = [], {}, []
    points = f.points()
    for o in outcomes:
        col = f"{o}_y{h}"
        c = f.column(col)
        direction = better(o)
        if sobol:
            y = point_means(runs, col, npoints)
            try:
                r = sobol_indices(y, k, points=points)
            except ValueError as e:
                page.p(f"{html.escape(c['label'])}: no Sobol indices ({html.escape(str(e))}).")
                continue
            n_base = npoints // (k + 2)
            # Which way each parameter moves the outcome: rank correlation over the A and B
            # points (independent samples), partial over the other parameters.
            AB = slice(0, 2 * n_base)
            ok = np.isfinite(y[AB])
            rc = prcc(points[AB][ok], y[AB][ok])
            eff = effects(rc["prcc"], rc["lo"], rc["hi"], direction)
            panels.append((c["label"], shown, r["S1"], r["S1_lo"], r["S1_hi"], r["ST"], eff))
            ranking[o] = r["ST"]
            for j, name in enumerate(f.factors):
                d = decimals([(r["S1_hi"][j] - r["S1_lo"][j]) / 2, (r["ST_hi"][j] - r["ST_lo"][j]) / 2],
                             [r["S1"][j], r["ST"][j]])
                d = min(d, 3)
                table.append([html.escape(c["label"]), html.escape(pname[name]), sampled(runs[name]), ranges[name][2],
                              fmt_ci(r["S1"][j], r["S1_lo"][j], r["S1_hi"][j], d=d),
                              fmt_ci(r["ST"][j], r["ST_lo"][j], r["ST_hi"][j], d=d), EFFECT_WORDS[eff[j]]])
        else:
            X = np.stack([runs[n] for n in f.factors], axis=1).astype(float)
            r = prcc(X, runs[col].astype(float))
            eff = effects(r["prcc"], r["lo"], r["hi"], direction)
            panels.append((c["label"], shown, r["prcc"], r["lo"], r["hi"], None, eff))
            ranking[o] = r["prcc"]
            for j, name in enumerate(f.factors):
                table.append([html.escape(c["label"]), html.escape(pname[name]),
                              fmt_ci(r["prcc"][j], r["lo"][j], r["hi"][j], d=2, sign=True), EFFECT_WORDS[eff[j]]])
    colour_aid = ("Green: raising the parameter makes the outcome better (lower cost, less unmet need, fewer "
                  "crises, shorter waits, fewer overloaded carers, higher quality of life); red: worse; grey: "
                  "no clear direction (the interval includes 0).")
    if sobol and panels:
        n_base = npoints // (k + 2)
        shared = sobol_indices(point_means(runs, f"{outcomes[0]}_y{h}", npoints), k, n_boot=0, points=points)["shared"]
        if shared:
            page.p(f"{plural(shared, 'base sample')} of this file's design share a parameter value between the A and "
                   f"B matrices (a design from a wijksim version that started at the Sobol sequence's first "
                   f"points): they carry no information on that parameter and were left out, so the indices rest "
                   f"on {n_base - shared} of {n_base} base samples.", "note")
        else:
            page.p(f"All {n_base} base samples are used: no row of the A and B matrices shares a parameter value.",
                   "meta sobol-rows")
        if n_base < 256:
            page.p(f"This Sobol design has {n_base} base samples: estimates from fewer than a few hundred are "
                   f"rough and can fall outside 0-1 (the chart's axis is cut at -0.25 and 1.25; the table has "
                   f"every value). Raise <code>samples</code> in the sweep file for firm indices.", "note")
        page.figure(charts.tornado(panels, f"Sobol sensitivity indices, year {h}", "share of the outcome's variance",
                                   xlim=(-0.25, 1.25), second=("first order", "total")),
                    "Sobol indices",
                    "Filled bars: the share of an outcome's variance that a parameter explains alone (first order, "
                    "with 95 % bootstrap intervals); hatched: alone and with the others (total); strongest on top. "
                    + colour_aid)
        page.table(["outcome", "parameter", "sampled range", "plausible range (registry)", "first order [95 %]",
                    "total [95 %]", "raising it is"], table, left=2, cls="sobol")
    elif panels:
        page.figure(charts.tornado(panels, f"Partial rank correlation with each outcome, year {h}",
                                   "partial rank correlation (-1 to 1)", xlim=(-1.05, 1.05)),
                    "Sensitivity (partial rank correlation)",
                    "A bar far from zero means the outcome rises (bar to the right) or falls (to the left) with the "
                    "parameter, the others held fixed; the whiskers are 95 % intervals, and the strongest parameter "
                    "is on top. " + colour_aid)
        page.table(["outcome", "parameter", "partial rank correlation [95 %]", "raising it is"], table, left=2,
                   cls="prcc")

    if f.design == "factorial" and k >= 2:
        interaction_section(f, page, runs, points, outcomes, h)

    page.h2("The strongest parameters up close")
    for o in outcomes[:2]:
        if o not in ranking:
            continue
        col = f"{o}_y{h}"
        c = f.column(col)
        top = list(np.argsort(-np.nan_to_num(np.abs(ranking[o]), nan=-1))[: min(3, k)])
        py = point_means(runs, col, npoints)
        panels = []
        for j in top:
            name = f.factors[j]
            panels.append((f"{parameter_of(f, name)}\n({f.column(name)['unit']})", runs[name], runs[col], points[:, j], py))
        page.figure(charts.scatter(panels, f"{c['label']} against its strongest parameters",
                                   f"{c['label']} ({c['unit']})"),
                    f"{c['label']}: strongest parameters",
                    "Each small dot is a run, each larger dot the mean of a design point over its replicates; "
                    "a clear slope means the parameter drives the outcome.")


def cell_means(runs, points, col, a, b, la, lb):
    """[replicate, level of a, level of b]: the outcome per replicate in each cell of factors a
    and b, averaged over the other factors' levels (replicate r of every point shares its
    random numbers, so cells compare replicate by replicate)."""
    reps = int(runs["replicate"].max()) + 1
    y = np.full((reps, len(la), len(lb)), np.nan)
    pt = runs["point"].astype(int)
    for ia, va in enumerate(la):
        for ib, vb in enumerate(lb):
            cell = (points[pt, a] == va) & (points[pt, b] == vb)
            for r in range(reps):
                v = runs[col][cell & (runs["replicate"] == r)].astype(float)
                v = v[np.isfinite(v)]
                if v.size:
                    y[r, ia, ib] = v.mean()
    return y


def interaction_section(f, page, runs, points, outcomes, h):
    """Interaction plots of a factorial design, for up to three pairs of factors: does the
    effect of one parameter depend on the level of the other?"""
    k = len(f.factors)
    page.h2("Do the parameters interact?")
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k)][:3]
    for a, b in pairs:
        la, lb = np.unique(points[:, a]), np.unique(points[:, b])
        if len(lb) > len(la):
            a, b, la, lb = b, a, lb, la
        ca, cb = f.factors[a], f.factors[b]
        na, nb = parameter_of(f, ca), parameter_of(f, cb)
        if len(la) < 2 or len(lb) < 2:
            continue
        panels, words = [], []
        for o in outcomes[:4]:
            col = f"{o}_y{h}"
            c = f.column(col)
            y = cell_means(runs, points, col, a, b, la, lb)
            lines_ = [(f"{value_text(vb)}", *level_ci(y[:, :, ib], axis=0)[:3]) for ib, vb in enumerate(lb)]
            panels.append((c["label"], f"{c['label']} ({c['unit']})", la, lines_))
            # The interaction of the extreme levels, replicate by replicate: the effect of raising
            # a from its lowest to its highest level at b's highest level minus that at b's lowest.
            eff_lo = y[:, -1, 0] - y[:, 0, 0]
            eff_hi = y[:, -1, -1] - y[:, 0, -1]
            m1, lo1, hi1, _ = mean_ci(eff_lo)
            m2, lo2, hi2, _ = mean_ci(eff_hi)
            mi, loi, hii, _ = mean_ci(eff_hi - eff_lo)
            clear = finite(loi) and (loi > 0 or hii < 0)
            verdict = ("they interact: the difference is clear" if clear else
                       "no clear interaction" if finite(loi) else "one replicate: no interval")
            unit = short_unit(c["unit"])
            words.append(f"{html.escape(c['label'])}: raising <code>{html.escape(na)}</code> from {value_text(la[0])} to "
                         f"{value_text(la[-1])} changes it by {fmt_ci(float(m1), float(lo1), float(hi1), sign=True)} "
                         f"{html.escape(unit)} at <code>{html.escape(nb)}</code> = {value_text(lb[0])} and by "
                         f"{fmt_ci(float(m2), float(lo2), float(hi2), sign=True)} at {value_text(lb[-1])}; the "
                         f'difference (interaction) is <span class="{"changed" if clear else "unclear"}">'
                         f"{fmt_ci(float(mi), float(loi), float(hii), sign=True)}</span>: {verdict}.")
        ua = f.column(ca)["unit"]
        page.figure(charts.interaction(panels, f"Interaction of {na} and {nb}, year {h}", f"{na} ({ua})",
                                       f"{nb} ({f.column(cb)['unit']})"),
                    f"Interaction of {na} and {nb}",
                    f"Each line is the mean outcome against {na}, at one level of {nb}, averaged over the other "
                    f"parameters, with 95 % intervals over replicates; parallel lines mean no interaction, lines "
                    f"that diverge or cross mean the effect of one depends on the other.")
        page.ul(words, "interaction")


# ---- run ------------------------------------------------------------------------------------

def run_page(f, page):
    s = f.scenarios[0]
    pop = population(f, s)
    pop_text = f"{pop:,.0f} residents" if finite(pop) else "the simulated residents"
    page.p(f"Scenario <b>{html.escape(s.label)}</b>: {plural(f.replicates, 'replicate')}, {plural(f.years, 'year')} after "
           f"{burn_in_text(f.burn_in_weeks)}, in a simulated town of {pop_text} (costs are for "
           f"those residents). Bands are 95 % intervals of the mean over "
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
        m, lo, hi, _ = level_ci(data.blocks(v.values, how, size) * scale, axis=0)
        per = "year" if how == "sum" else f"{size}-week mean"
        ylabel = unit_per(unit, how) + (f", {pop_text}" if scale != 1 else "")
        page.figure(charts.bands(x, [(s.label, m, lo, hi)], title, "Years since the end of the burn-in", ylabel),
                    title, f"{aid} Line: mean over replicates ({per}); band: 95 % interval.")
        last = data.blocks(v.values[:, -WEEKS_PER_YEAR:], how, WEEKS_PER_YEAR)[:, 0] * scale
        lm, llo, lhi, _ = level_ci(last)
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
    m, lo, hi, _ = level_ci(per_rep, axis=0)
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
