"""Charts for the report: matplotlib figures rendered to inline SVG.

Every chart function takes plain arrays and text and returns a Figure; `svg` turns it into an
<svg> element that can sit in an HTML page without any file next to it. Titles, axis labels
(with units) and the reading aid are the caller's: this module only draws. Colours follow one
fixed cycle so a scenario keeps its colour in every chart of a report (scenario i is colour(i),
the reference colour(0)); where a colour says whether a change is good or bad, GOOD, BAD and
UNCLEAR are used instead, never the sign of a number. Figures use matplotlib's constrained
layout, and long titles and labels are wrapped, so nothing overlaps or is cut off.
"""
import io
import re
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

COLOURS = ["#1f5a96", "#d9730d", "#2e8b57", "#b22222", "#7b4ea3", "#8c6d31", "#d1478f", "#5f6f7f"]
GOOD, BAD, UNCLEAR = "#2e7d32", "#c62828", "#9e9e9e"
MARKERS = ["o", "s", "D", "^", "v", "P"]
WIDTH = 7.4  # inches: the page's figure width at 100 dpi
plt.rcParams.update({
    "svg.fonttype": "none",  # text stays text: smaller, sharp and searchable
    "font.size": 9, "axes.titlesize": 9.5, "axes.titleweight": "bold",
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.color": "#dddddd", "grid.linewidth": 0.6, "legend.frameon": False,
    "figure.dpi": 100,
})
_count = [0]


def colour(i):
    return COLOURS[i % len(COLOURS)]


def wrap(text, width):
    """Text broken into lines of at most `width` characters (titles, legend entries)."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _figure(rows=1, cols=1, height=3.0, **kw):
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH, height), squeeze=False, layout="constrained", **kw)
    return fig, axes


def _title(fig, text):
    fig.suptitle(wrap(text, 90), fontweight="bold", fontsize=10)


def _legend_below(fig, handles, labels=None, ncol=4, title=None):
    """One legend for the whole figure, hanging below it (the saved SVG's tight box takes it
    in), so it never covers data or axis labels."""
    kw = {"handles": handles} if labels is None else {"handles": handles, "labels": labels}
    fig.legend(**kw, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=max(1, ncol), fontsize=7.5,
               title=title, title_fontsize=7.5)


def svg(fig):
    """The figure as an <svg> element (no XML prologue), scaled to the page width. Each figure
    gets its own hash salt, so the ids of clip paths and markers differ between the charts of
    one page and the page is the same for the same data."""
    _count[0] += 1
    plt.rcParams["svg.hashsalt"] = f"wijksim-{_count[0]}"
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.08, metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', text, count=1)


def _draw_bands(ax, x, series, first_colour=0):
    for i, (label, mean, lo, hi) in enumerate(series):
        c = colour(first_colour + i)
        ax.plot(x, mean, color=c, lw=1.4, label=wrap(label, 28))
        if lo is not None and np.isfinite(lo).any():
            ax.fill_between(x, lo, hi, color=c, alpha=0.2, lw=0)


def bands(x, series, title, xlabel, ylabel, ylim0=False):
    """Lines with shaded 95 % bands: series is a list of (label, mean, lo, hi). The value axis
    fits the data (ylim0 makes it start at zero, which can flatten a change to nothing)."""
    fig, axes = _figure(height=3.0)
    ax = axes[0][0]
    _draw_bands(ax, x, series)
    ax.set(title=wrap(title, 80), xlabel=xlabel, ylabel=wrap(ylabel, 40))
    if ylim0:
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
    if len(series) > 1:
        ax.legend(loc="best", fontsize=7.5)
    return fig


def level_and_difference(x, levels, diffs, title, xlabel, ylabel, ref_label):
    """Two panels side by side: the levels of every scenario with 95 % bands (levels: list of
    (label, mean, lo, hi), the reference first), and each other scenario's paired difference
    from the reference with its band (diffs: list of (label, mean, lo, hi), in the same order
    as levels[1:]) around a zero line that stands for the reference."""
    fig, axes = _figure(1, 2, height=3.1)
    left, right = axes[0]
    _draw_bands(left, x, levels)
    left.set(title="Level", xlabel=xlabel, ylabel=wrap(ylabel, 30))
    right.axhline(0, color=colour(0), lw=1.2, label=wrap(f"{ref_label} (reference)", 28))
    _draw_bands(right, x, diffs, first_colour=1)
    right.set(title=wrap(f"Difference from {ref_label}", 45), xlabel=xlabel, ylabel=wrap(f"{ylabel}, difference", 30))
    lo, hi = right.get_ylim()
    right.set_ylim(min(lo, 0), max(hi, 0))
    handles, names = left.get_legend_handles_labels()
    _legend_below(fig, handles, names, ncol=min(len(names), 4))
    _title(fig, title)
    return fig


def forest(panels, labels, horizons, title):
    """Paired differences from the reference at each horizon, one panel per outcome: panels is
    a list of (outcome title, axis label, rows) with rows[i][h] = (mean, lo, hi) for scenario
    labels[i] (colour i + 1) at horizons[h]. A filled marker is a difference whose 95 % interval
    excludes 0, an open one an interval that includes it."""
    n = len(panels)
    cols = 2 if n > 1 else 1
    nrows = (n + cols - 1) // cols
    per = 0.32 * len(labels) * max(1, len(horizons)) + 1.0
    fig, axes = _figure(nrows, cols, height=per * nrows + 0.5, sharey=True)
    span = 0.5 if len(horizons) > 1 else 0.0
    offsets = np.linspace(span / 2, -span / 2, len(horizons)) if len(horizons) > 1 else [0.0]
    for j, (ptitle, xlabel, rows) in enumerate(panels):
        ax = axes[j // cols][j % cols]
        ax.axvline(0, color="#333333", lw=0.9)
        for i, per_h in enumerate(rows):
            for h, (m, lo, hi) in enumerate(per_h):
                if not np.isfinite(m):
                    continue
                y = -i + offsets[h]
                sig = np.isfinite(lo) and (lo > 0 or hi < 0)
                c = colour(i + 1)
                if np.isfinite(lo):
                    ax.plot([lo, hi], [y, y], color=c, lw=1.4)
                ax.plot([m], [y], marker=MARKERS[h % len(MARKERS)], ms=6, color=c,
                        markerfacecolor=c if sig else "white", markeredgewidth=1.3, ls="none")
        ax.set_title(wrap(ptitle, 42))
        ax.set_xlabel(wrap(xlabel, 50))
        ax.grid(axis="y", visible=False)
        lo_, hi_ = ax.get_xlim()
        ax.set_xlim(min(lo_, 0), max(hi_, 0))
        ax.margins(x=0.08)
    ax0 = axes[0][0]
    ax0.set_yticks([-i for i in range(len(labels))], [wrap(s, 22) for s in labels], fontsize=8)
    ax0.set_ylim(-len(labels) + 0.5, 0.5)
    for j in range(n, nrows * cols):
        axes[j // cols][j % cols].set_visible(False)
    handles = [Line2D([], [], marker=MARKERS[h % len(MARKERS)], color="#444444", ls="none", ms=6,
                      label=f"year {hz}") for h, hz in enumerate(horizons)]
    handles += [Line2D([], [], marker="o", color="#444444", markerfacecolor="white", ls="none", ms=6,
                       label="open: interval includes 0")]
    _legend_below(fig, handles, ncol=len(handles))
    _title(fig, title)
    return fig


def tradeoff(points, title, xlabel, ylabel, ref_label):
    """Paired differences from the reference on two outcomes, one point per scenario with its
    95 % intervals on both axes: points is a list of (label, colour index, x, xlo, xhi, y, ylo,
    yhi). The reference sits at the origin, where the zero lines cross."""
    fig, axes = _figure(height=3.6)
    ax = axes[0][0]
    ax.axhline(0, color="#333333", lw=0.8)
    ax.axvline(0, color="#333333", lw=0.8)
    ax.plot([0], [0], marker="X", ms=9, color=colour(0), ls="none", label=wrap(f"{ref_label} (reference)", 30))
    for label, ci, x, xlo, xhi, y, ylo, yhi in points:
        xerr = [[x - xlo], [xhi - x]] if np.isfinite(xlo) else None
        yerr = [[y - ylo], [yhi - y]] if np.isfinite(ylo) else None
        ax.errorbar([x], [y], xerr=xerr, yerr=yerr, fmt="o", color=colour(ci), ms=7, capsize=3,
                    label=wrap(label, 30))
    ax.set(title=wrap(title, 80), xlabel=wrap(xlabel, 70), ylabel=wrap(ylabel, 40))
    ax.margins(0.2)
    ax.text(0.01, 0.01, "cheaper and better", transform=ax.transAxes, fontsize=7.5, color=GOOD,
            ha="left", va="bottom")
    ax.text(0.99, 0.99, "dearer and worse", transform=ax.transAxes, fontsize=7.5, color=BAD,
            ha="right", va="top")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7.5)
    return fig


def stacked(x, layers, title, xlabel, ylabel, panels):
    """Small multiples of stacked areas: panels is a list of (panel title, [values per layer]),
    layers the layer names, the same in every panel. Panel titles are wrapped to their column
    (two columns when a title is long), and the legend hangs below the figure, so with many
    scenarios and long names nothing overlaps."""
    n = len(panels)
    long_titles = max(len(p[0]) for p in panels) > 24
    cols = min(n, 2 if long_titles else 3)
    rows = (n + cols - 1) // cols
    width = 44 if cols == 2 else 28
    lines_ = max(len(textwrap.wrap(p[0], width)) for p in panels)
    fig, axes = _figure(rows, cols, height=(2.3 + 0.15 * lines_) * rows + 0.4, sharey=True)
    for k, (ptitle, values) in enumerate(panels):
        ax = axes[k // cols][k % cols]
        ax.stackplot(x, *values, colors=[colour(i) for i in range(len(layers))], labels=layers, alpha=0.85)
        ax.set_title(wrap(ptitle, width), fontsize=8.5)
        ax.set_xlabel(xlabel)
        if k % cols == 0:
            ax.set_ylabel(wrap(ylabel, 30))
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    handles, names = axes[0][0].get_legend_handles_labels()
    _legend_below(fig, handles[::-1], names[::-1], ncol=min(len(names), 4), title="category (top to bottom)")
    _title(fig, title)
    return fig


def difference(x, mean, lo, hi, title, xlabel, ylabel, label, marks=()):
    """A paired difference with its band and the zero line; marks are (x, text) to flag."""
    fig, axes = _figure(height=3.0)
    ax = axes[0][0]
    ax.axhline(0, color="#333333", lw=0.8)
    ax.plot(x, mean, color=colour(1), lw=1.5, label=label)
    ax.fill_between(x, lo, hi, color=colour(1), alpha=0.2, lw=0)
    for mx, text in marks:
        ax.axvline(mx, color=colour(2), ls="--", lw=1)
        ax.annotate(text, (mx, ax.get_ylim()[1]), xytext=(4, -12), textcoords="offset points", fontsize=8,
                    color=colour(2))
    ax.set(title=wrap(title, 80), xlabel=xlabel, ylabel=ylabel)
    return fig


def tornado(panels, title, xlabel, xlim=None, second=None):
    """Horizontal bars per factor, strongest on top, one panel per outcome, coloured by whether
    raising the factor is good (GOOD) or bad (BAD) for that outcome, pale where the direction is
    unclear: panels is a list of (outcome title, factor names, values, lo, hi, second values or
    None, effect) with effect[i] +1 (raising factor i improves the outcome), -1 (worsens it) or
    0 (no clear direction, or an outcome without a better direction). With second values
    (Sobol: the total index) they are drawn as an outline bar beside the filled first values;
    `second` names the two, as (first label, second label)."""
    n = len(panels)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    k = max(len(p[1]) for p in panels)
    fig, axes = _figure(rows, cols, height=(0.34 * k * (1.6 if second else 1) + 1.2) * rows + 0.6)
    for j, (ptitle, names, v, lo, hi, v2, effect) in enumerate(panels):
        ax = axes[j // cols][j % cols]
        rank_by = v2 if v2 is not None else np.abs(v)
        order = np.argsort(-np.nan_to_num(rank_by, nan=-1))[::-1]
        y = np.arange(len(order))
        fill = [GOOD if effect[i] > 0 else BAD if effect[i] < 0 else UNCLEAR for i in order]
        h = 0.38 if v2 is not None else 0.6
        err = [np.nan_to_num(np.maximum(v[order] - lo[order], 0)), np.nan_to_num(np.maximum(hi[order] - v[order], 0))]
        ax.barh(y + (0.2 if v2 is not None else 0), np.nan_to_num(v[order]), height=h, color=fill,
                xerr=err, error_kw={"lw": 0.8, "capsize": 2, "ecolor": "#333333"})
        if v2 is not None:
            ax.barh(y - 0.2, np.nan_to_num(v2[order]), height=h, facecolor="white", edgecolor=fill, lw=1.2,
                    hatch="////")
        ax.set_yticks(y, [names[i] for i in order], fontsize=8)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_title(wrap(ptitle, 40))
        ax.set_xlabel(wrap(xlabel, 50))
        ax.grid(axis="y", visible=False)
        if xlim:
            ax.set_xlim(*xlim)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    handles = [Patch(color=GOOD, label="raising it is better"), Patch(color=BAD, label="raising it is worse"),
               Patch(color=UNCLEAR, label="no clear direction")]
    if second:
        handles += [Patch(facecolor="#777777", label=second[0]),
                    Patch(facecolor="white", edgecolor="#777777", hatch="////", label=second[1])]
    _legend_below(fig, handles, ncol=len(handles))
    _title(fig, title)
    return fig


def interaction(panels, title, xlabel, legend_title):
    """Interaction plots of a factorial design: the mean outcome against one factor's levels,
    one line per level of another factor, with 95 % intervals: panels is a list of (outcome
    title, axis label with unit, x levels, lines) with lines a list of (label, mean, lo, hi),
    one value per x level. Parallel lines: no interaction."""
    n = len(panels)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = _figure(rows, cols, height=2.7 * rows + 0.5)
    for j, (ptitle, ylabel, x, lines_) in enumerate(panels):
        ax = axes[j // cols][j % cols]
        x = np.asarray(x, dtype=float)
        step = (x.max() - x.min()) / 60 if x.size > 1 else 0
        for i, (label, m, lo, hi) in enumerate(lines_):
            dx = (i - (len(lines_) - 1) / 2) * step   # a little apart, so intervals do not hide
            yerr = None
            if lo is not None and np.isfinite(lo).any():
                yerr = [np.nan_to_num(m - lo), np.nan_to_num(hi - m)]
            ax.errorbar(x + dx, m, yerr=yerr, marker=MARKERS[i % len(MARKERS)], ms=4.5, lw=1.3, capsize=2.5,
                        color=colour(i), label=label)
        ax.set_xticks(x)
        ax.set_title(wrap(ptitle, 40))
        ax.set_xlabel(wrap(xlabel, 45))
        ax.set_ylabel(wrap(ylabel, 34))
        if j == 0:
            ax.legend(loc="best", fontsize=7.5, title=wrap(legend_title, 30), title_fontsize=7.5)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    _title(fig, title)
    return fig


def scatter(panels, title, ylabel):
    """Outcome against a factor, one panel per factor: panels is a list of (factor label with
    unit, x of every run, y of every run, x of every point, mean y of every point)."""
    n = len(panels)
    fig, axes = _figure(1, n, height=2.9, sharey=True)
    for j, (xlabel, x, y, px, py) in enumerate(panels):
        ax = axes[0][j]
        ax.scatter(x, y, s=6, color=colour(0), alpha=0.35, lw=0, rasterized=True, label="runs")
        order = np.argsort(px)
        ax.scatter(px[order], py[order], s=14, color=colour(1), lw=0, label="mean of a point")
        ax.set_xlabel(xlabel)
        if j == 0:
            ax.set_ylabel(wrap(ylabel, 40))
            ax.legend(loc="best", fontsize=7)
    _title(fig, title)
    return fig


def lines(x, series, title, xlabel, ylabel, colours=None, legend_title=None):
    """Plain lines: series is a list of (label, values)."""
    fig, axes = _figure(height=3.0)
    ax = axes[0][0]
    for i, (label, v) in enumerate(series):
        ax.plot(x, v, color=colours[i] if colours else colour(i), lw=1.2, label=label)
    ax.set(title=wrap(title, 80), xlabel=xlabel, ylabel=wrap(ylabel, 40))
    if len(series) > 1:
        ax.legend(loc="best", fontsize=7, ncol=2 if len(series) > 6 else 1, title=legend_title)
    return fig


def bars(labels, values, lo, hi, title, xlabel, ylabel, colours=None):
    """Vertical bars with 95 % intervals."""
    fig, axes = _figure(height=2.8)
    ax = axes[0][0]
    x = np.arange(len(labels))
    ax.bar(x, values, color=colours or colour(0), yerr=[values - lo, hi - values] if lo is not None else None,
           capsize=3, error_kw={"lw": 0.8})
    ax.set_xticks(x, labels, fontsize=8, rotation=30 if len(labels) > 6 else 0)
    ax.set(title=wrap(title, 80), xlabel=xlabel, ylabel=ylabel)
    return fig
