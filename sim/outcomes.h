/* Headline outcomes of a run and the tables that compare scenarios on them.
 *
 * An outcome (core/outcomes.def) reduces one weekly municipality series to a number for a
 * horizon year: costs cumulated from the end of the burn-in, everything else over the horizon
 * year itself (flows summed, stocks averaged, ratios as the ratio of summed numerator and
 * denominator). outcomes_compute does this for one replicate; compare_table_write then takes
 * the outcomes of every scenario, replicate and horizon and writes means with 95 % confidence
 * intervals and the differences from the first scenario, paired per replicate: replicate r of
 * every scenario shares its random streams (common random numbers), so the paired difference
 * is far more precise than the difference of two independent means. */
#ifndef WIJKSIM_OUTCOMES_H
#define WIJKSIM_OUTCOMES_H

#include <stdio.h>

typedef enum { A_CUM, A_YEAR } outcome_agg_t;

typedef enum {
#define OUTCOME(id, name, series, agg, scale, unit, label, desc) OID_##id,
#include "core/outcomes.def"
#undef OUTCOME
    N_OUTCOMES
} outcome_id_t;

typedef struct {
    const char *name;
    int series; /* a series id (SID_x) */
    outcome_agg_t agg;
    double scale;
    const char *unit, *label, *description;
} outcome_info_t;

extern const outcome_info_t outcome_table[N_OUTCOMES];

/* mun: municipality sums, [weeks][N_VALUES] as summed over neighbourhoods (ratio series need
 * not be filled: ratios are computed from their numerator and denominator). Writes
 * out[N_OUTCOMES] for horizon year h (1-based), multiplied by each outcome's scale; NaN for
 * every outcome when h < 1 or weeks < 52 h, and for a ratio whose denominator sums to 0. */
void outcomes_compute(const double *mun, int weeks, int h, double out[N_OUTCOMES]);
/* The default horizon years of a run of `weeks` output weeks: 5 and 10 where the run reaches
 * them, else its last whole year (or 1); h holds at least 2. Returns their number. */
int outcomes_default_horizons(int weeks, int *h);
/* The steady-state check of a run: the log-linear trend, in percent per year, of the yearly
 * means of the main stocks (drift_stock_names) over the first min(5, weeks / 52) output years;
 * 0 with fewer than two whole years. The burn-in has ended in steady state when every trend is
 * within DRIFT_LIMIT percent per year (MODEL_BRIEF s2, docs/ODD.md "Initialisation"). */
#define N_DRIFT_STOCKS 5
#define DRIFT_LIMIT 1.0
extern const char *const drift_stock_names[N_DRIFT_STOCKS];
void outcomes_drift(const double *mun, int weeks, double drift[N_DRIFT_STOCKS]);
/* The section "## Outcomes" of docs/output.md. */
void outcomes_write_markdown(FILE *f);

/* Mean and 95 % confidence interval of a mean over the non-NaN values of x[0..n) (Student t
 * with m - 1 degrees of freedom for m such values); lo = hi = NaN when m < 2, and the mean is
 * NaN too when m = 0. */
void stat_mean_ci(const double *x, int n, double *mean, double *lo, double *hi);

typedef enum { TABLE_TEXT, TABLE_CSV, TABLE_MARKDOWN } table_format_t;

typedef struct {
    int nscen;
    const char *const *names; /* scenario labels; scenario 0 is the reference */
    int reps;                 /* replicates */
    int nh;
    const int *horizons;      /* horizon years (1-based) */
    const double *v;          /* [scen][rep][h][N_OUTCOMES], from outcomes_compute */
    const char *const *notes; /* per scenario, may be NULL or hold NULLs */
} compare_table_t;

/* Writes the comparison as a terminal table, tidy CSV (one row per horizon, outcome and
 * scenario) or Markdown (one table per horizon). Returns 0, or -1 on a write error, an
 * allocation failure or an empty table (no scenario, replicate or horizon). */
int compare_table_write(FILE *f, const compare_table_t *t, table_format_t fmt);

/* A CSV field, after a comma unless it is the first of its row, quoted when it holds a comma,
 * quote or line break, with quotes doubled. */
void table_csv_field(FILE *f, const char *s, int first);

#endif
