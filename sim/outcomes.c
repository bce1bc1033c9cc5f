#include "outcomes.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"

#define YEAR 52 /* weeks; year h of the output is weeks [52(h-1), 52h) after the burn-in */

const outcome_info_t outcome_table[N_OUTCOMES] = {
#define OUTCOME(id, name, series, agg, scale, unit, label, desc)                                   \
    {name, SID_##series, agg, scale, unit, label, desc},
#include "core/outcomes.def"
#undef OUTCOME
};

/* ---- outcomes of one replicate ---------------------------------------------------------- */

/* Every element of series sid summed over weeks [t0, t1). */
static double series_total(const double *mun, int sid, int t0, int t1) {
    const series_info_t *s = &series_table[sid];
    double sum = 0;
    for (int t = t0; t < t1; t++)
        for (int k = 0; k < s->width; k++)
            sum += mun[(size_t)t * N_VALUES + s->offset + k];
    return sum;
}

/* Series sid over weeks [t0, t1): flows and costs summed, stocks averaged, ratios as the
 * summed numerator over the summed denominator (weighing each week by its denominator). */
static double series_reduce(const double *mun, int sid, int t0, int t1) {
    const series_info_t *s = &series_table[sid];
    if (s->kind == K_RATIO) {
        double den = series_total(mun, s->den, t0, t1);
        return den != 0 ? series_total(mun, s->num, t0, t1) / den : NAN;
    }
    double sum = series_total(mun, sid, t0, t1);
    return s->kind == K_STOCK || s->kind == K_MAX ? sum / (t1 - t0) : sum;
}

const char *const drift_stock_names[N_DRIFT_STOCKS] = {
    "specialist_clients", "team_cases", "unmet_need", "overloaded_carers", "residents_with_need"};

void outcomes_drift(const double *mun, int weeks, double drift[N_DRIFT_STOCKS]) {
    static const int sid[N_DRIFT_STOCKS] = {SID_specialist_clients, SID_team_cases, SID_unmet_need,
                                            SID_overloaded_carers, SID_residents_with_need};
    int years = weeks / YEAR < 5 ? weeks / YEAR : 5;
    for (int s = 0; s < N_DRIFT_STOCKS; s++) {
        drift[s] = 0;
        if (years < 2) continue;
        /* least-squares slope of log(yearly mean) on the year */
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int ok = 1;
        for (int y = 0; y < years; y++) {
            double m = series_reduce(mun, sid[s], YEAR * y, YEAR * (y + 1));
            if (!(m > 0)) ok = 0;
            double ly = ok ? log(m) : 0;
            sx += y, sy += ly, sxx += (double)y * y, sxy += y * ly;
        }
        if (ok) drift[s] = 100 * expm1((years * sxy - sx * sy) / (years * sxx - sx * sx));
    }
}

void outcomes_compute(const double *mun, int weeks, int h, double out[N_OUTCOMES]) {
    for (int o = 0; o < N_OUTCOMES; o++) {
        const outcome_info_t *oi = &outcome_table[o];
        if (h < 1 || weeks < YEAR * h) {
            out[o] = NAN;
            continue;
        }
        int t0 = oi->agg == A_CUM ? 0 : YEAR * (h - 1);
        out[o] = oi->scale * series_reduce(mun, oi->series, t0, YEAR * h);
    }
}

static const char *reduction_name(const outcome_info_t *oi) {
    series_kind_t k = series_table[oi->series].kind;
    return k == K_RATIO ? "ratio of sums" : k == K_STOCK || k == K_MAX ? "mean" : "sum";
}

void outcomes_write_markdown(FILE *f) {
    fputs("## Outcomes\n\n"
          "The headline outcomes of a scenario comparison, from `core/outcomes.def`. Each "
          "reduces a municipality series (all its domains and severities) to one number per "
          "replicate and horizon year h: cumulative outcomes over output weeks 0 to 52h - 1, "
          "yearly ones over the horizon year, weeks 52(h - 1) to 52h - 1. Flows and costs are "
          "summed, stocks averaged over the weeks, and ratios are the summed numerator over the "
          "summed denominator. Comparison tables give the mean over replicates with a 95 % "
          "confidence interval (Student t), and the difference from the reference scenario "
          "paired per replicate (common random numbers).\n\n"
          "| name | label | unit | aggregation | series | description |\n"
          "|---|---|---|---|---|---|\n",
          f);
    for (int o = 0; o < N_OUTCOMES; o++) {
        const outcome_info_t *oi = &outcome_table[o];
        const series_info_t *s = &series_table[oi->series];
        fprintf(f, "| `%s` | %s | %s | %s %s | `%s`", oi->name, oi->label, oi->unit,
                oi->agg == A_CUM ? "cumulative" : "yearly", reduction_name(oi), s->name);
        if (s->kind == K_RATIO)
            fprintf(f, " (`%s` / `%s`)", series_table[s->num].name, series_table[s->den].name);
        fprintf(f, " | %s |\n", oi->description);
    }
}

/* ---- statistics ------------------------------------------------------------------------- */

void stat_mean_ci(const double *x, int n, double *mean, double *lo, double *hi) {
    int m = 0;
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i])) sum += x[i], m++;
    *mean = m > 0 ? sum / m : NAN;
    *lo = *hi = NAN;
    if (m < 2) return;
    double ss = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i])) ss += (x[i] - *mean) * (x[i] - *mean);
    double half = gsl_cdf_tdist_Pinv(0.975, m - 1) * sqrt(ss / (m - 1) / m);
    *lo = *mean - half;
    *hi = *mean + half;
}

/* One scenario on one outcome at one horizon: n non-NaN replicates, their mean and interval,
 * and the mean and interval of the paired difference from scenario 0. */
typedef struct {
    int n;
    double mean, lo, hi, dmean, dlo, dhi;
} cell_t;

static double value(const compare_table_t *t, int s, int r, int h, int o) {
    return t->v[(((size_t)s * t->reps + r) * t->nh + h) * N_OUTCOMES + o];
}

/* buf: scratch space for t->reps values. */
static cell_t cell(const compare_table_t *t, int s, int h, int o, double *buf) {
    cell_t c = {0};
    for (int r = 0; r < t->reps; r++) {
        buf[r] = value(t, s, r, h, o);
        c.n += !isnan(buf[r]);
    }
    stat_mean_ci(buf, t->reps, &c.mean, &c.lo, &c.hi);
    for (int r = 0; r < t->reps; r++)
        buf[r] = value(t, s, r, h, o) - value(t, 0, r, h, o);
    stat_mean_ci(buf, t->reps, &c.dmean, &c.dlo, &c.dhi);
    return c;
}

static int excludes_zero(const cell_t *c) {
    return c->dlo > 0 || c->dhi < 0;
}

static const char *note(const compare_table_t *t, int s) {
    return t->notes ? t->notes[s] : NULL;
}

/* ---- numbers for people ----------------------------------------------------------------- */

/* x to 4 significant digits, in fixed notation from 1e-3 to 1e7 (columns of euros and counts
 * read better without exponents), with "+" in front when `sign`; "n/a" for NaN. */
static const char *num(char *buf, size_t len, double x, int sign) {
    double a = fabs(x);
    if (isnan(x))
        snprintf(buf, len, "n/a");
    else if (x == 0)
        snprintf(buf, len, sign ? "+0" : "0");
    else if (a >= 1e-3 && a < 1e7) {
        int dec = 3 - (int)floor(log10(a));
        snprintf(buf, len, sign ? "%+.*f" : "%.*f", dec > 0 ? dec : 0, x);
    } else
        snprintf(buf, len, sign ? "%+.4g" : "%.4g", x);
    return buf;
}

/* "mean [lo, hi]" (text) or "mean (lo–hi)" (Markdown); the mean alone without an interval. */
static void interval(char *buf, size_t len, double m, double lo, double hi, int sign, int md) {
    char a[32], b[32], c[32];
    num(a, sizeof a, m, sign);
    if (isnan(lo))
        snprintf(buf, len, "%s", a);
    else
        snprintf(buf, len, md ? "%s (%s–%s)" : "%s [%s, %s]", a, num(b, sizeof b, lo, 0),
                 num(c, sizeof c, hi, 0));
}

/* The unit, and for a cumulative outcome the horizon it runs to. */
static void unit_text(char *buf, size_t len, const outcome_info_t *oi, int year) {
    if (oi->agg == A_CUM)
        snprintf(buf, len, "%s, cumulative to year %d", oi->unit, year);
    else
        snprintf(buf, len, "%s", oi->unit);
}

/* ---- the terminal table ----------------------------------------------------------------- */

static void text_preamble(FILE *f, const compare_table_t *t) {
    if (t->reps > 1)
        fprintf(f,
                "Mean and 95 %% confidence interval over %d replicates; differences are paired "
                "with the\nfirst scenario (%s), \"*\" where the interval excludes zero.\n",
                t->reps, t->names[0]);
    else
        fprintf(f,
                "Means of one replicate (one replicate: no interval); differences are from "
                "the first\nscenario (%s).\n",
                t->names[0]);
    for (int s = 0; s < t->nscen; s++)
        if (note(t, s)) fprintf(f, "Note: %s: %s\n", t->names[s], note(t, s));
}

static void text_outcome(FILE *f, const compare_table_t *t, int h, int o, int namew, double *buf) {
    char unit[160], m[128], d[128];
    unit_text(unit, sizeof unit, &outcome_table[o], t->horizons[h]);
    fprintf(f, "%s: %s\n", outcome_table[o].label, unit);
    for (int s = 0; s < t->nscen; s++) {
        cell_t c = cell(t, s, h, o, buf);
        interval(m, sizeof m, c.mean, c.lo, c.hi, 0, 0);
        if (s == 0) {
            fprintf(f, "    %-*s  %s\n", namew, t->names[s], m);
            continue;
        }
        interval(d, sizeof d, c.dmean, c.dlo, c.dhi, 1, 0);
        fprintf(f, "    %-*s  %-26s  %s%s\n", namew, t->names[s], m, d,
                excludes_zero(&c) ? " *" : "");
    }
}

static void write_text(FILE *f, const compare_table_t *t, double *buf) {
    int namew = 0;
    for (int s = 0; s < t->nscen; s++)
        if ((int)strlen(t->names[s]) > namew) namew = (int)strlen(t->names[s]);
    text_preamble(f, t);
    for (int h = 0; h < t->nh; h++) {
        int y = t->horizons[h];
        fprintf(f, "\nYear %d (output weeks %d-%d)\n\n", y, YEAR * (y - 1), YEAR * y - 1);
        for (int o = 0; o < N_OUTCOMES; o++)
            text_outcome(f, t, h, o, namew, buf);
    }
}

/* ---- tidy CSV --------------------------------------------------------------------------- */

/* A field after a comma (none before the first), quoted when it holds a comma, quote or
 * line break, with quotes doubled. */
void table_csv_field(FILE *f, const char *s, int first) {
    if (!first) fputc(',', f);
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_num(FILE *f, double x) {
    fputc(',', f);
    if (!isnan(x)) fprintf(f, "%.10g", x);
}

static void write_csv(FILE *f, const compare_table_t *t, double *buf) {
    fputs("horizon_year,outcome,label,unit,scenario,replicates,mean,ci_low,ci_high,diff,"
          "diff_ci_low,diff_ci_high\n",
          f);
    for (int h = 0; h < t->nh; h++)
        for (int o = 0; o < N_OUTCOMES; o++)
            for (int s = 0; s < t->nscen; s++) {
                const outcome_info_t *oi = &outcome_table[o];
                cell_t c = cell(t, s, h, o, buf);
                fprintf(f, "%d", t->horizons[h]);
                table_csv_field(f, oi->name, 0), table_csv_field(f, oi->label, 0),
                    table_csv_field(f, oi->unit, 0);
                table_csv_field(f, t->names[s], 0);
                fprintf(f, ",%d", c.n);
                csv_num(f, c.mean), csv_num(f, c.lo), csv_num(f, c.hi);
                if (s > 0)
                    csv_num(f, c.dmean), csv_num(f, c.dlo), csv_num(f, c.dhi);
                else
                    fputs(",,,", f);
                fputc('\n', f);
            }
}

/* ---- Markdown --------------------------------------------------------------------------- */

static void markdown_head(FILE *f, const compare_table_t *t, int h) {
    int y = t->horizons[h];
    fprintf(f, "### Year %d (output weeks %d-%d)\n\n", y, YEAR * (y - 1), YEAR * y - 1);
    if (t->reps > 1)
        fprintf(f,
                "Mean (95 %% confidence interval) over %d replicates; Δ: the difference from "
                "%s, paired per replicate, * where its interval excludes zero.\n\n",
                t->reps, t->names[0]);
    else
        fprintf(f, "Values of one replicate (no interval); Δ: the difference from %s.\n\n",
                t->names[0]);
    fputs("| outcome | unit |", f);
    for (int s = 0; s < t->nscen; s++)
        fprintf(f, " %s |", t->names[s]);
    for (int s = 1; s < t->nscen; s++)
        fprintf(f, " Δ %s |", t->names[s]);
    fputs("\n|---|---|", f);
    for (int s = 0; s < 2 * t->nscen - 1; s++)
        fputs("---:|", f);
    fputc('\n', f);
}

static void markdown_row(FILE *f, const compare_table_t *t, int h, int o, double *buf) {
    char unit[160], m[128];
    unit_text(unit, sizeof unit, &outcome_table[o], t->horizons[h]);
    fprintf(f, "| %s | %s |", outcome_table[o].label, unit);
    for (int s = 0; s < t->nscen; s++) {
        cell_t c = cell(t, s, h, o, buf);
        interval(m, sizeof m, c.mean, c.lo, c.hi, 0, 1);
        fprintf(f, " %s |", m);
    }
    for (int s = 1; s < t->nscen; s++) {
        cell_t c = cell(t, s, h, o, buf);
        interval(m, sizeof m, c.dmean, c.dlo, c.dhi, 1, 1);
        fprintf(f, " %s%s |", m, excludes_zero(&c) ? " *" : "");
    }
    fputc('\n', f);
}

static void write_markdown(FILE *f, const compare_table_t *t, double *buf) {
    for (int h = 0; h < t->nh; h++) {
        markdown_head(f, t, h);
        for (int o = 0; o < N_OUTCOMES; o++)
            markdown_row(f, t, h, o, buf);
        fputc('\n', f);
    }
    int notes = 0;
    for (int s = 0; s < t->nscen; s++)
        if (note(t, s))
            fprintf(f, "%s- %s: %s\n", notes++ ? "" : "Notes:\n\n", t->names[s], note(t, s));
}

int compare_table_write(FILE *f, const compare_table_t *t, table_format_t fmt) {
    if (t->nscen < 1 || t->reps < 1 || t->nh < 1) return -1;
    double *buf = malloc(sizeof(double) * (size_t)t->reps);
    if (!buf) return -1;
    if (fmt == TABLE_CSV)
        write_csv(f, t, buf);
    else if (fmt == TABLE_MARKDOWN)
        write_markdown(f, t, buf);
    else
        write_text(f, t, buf);
    free(buf);
    return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

int outcomes_default_horizons(int weeks, int *h) {
    int nh = 0;
    for (int y = 5; y <= 10; y += 5)
        if (52 * y <= weeks) h[nh++] = y;
    if (nh == 0) h[nh++] = weeks / 52 > 0 ? weeks / 52 : 1;
    return nh;
}
