/* Outcomes and comparison tables (sim/outcomes.c): cumulative and yearly reductions of
 * synthetic municipality series with known sums, ratios of sums, scales, the t interval of a
 * mean, and the three table formats of a scenario compared with itself. */
#include <string.h>

#include "sim/outcomes.h"
#include "core/series.h"
#include "check.h"

#define WEEKS 104 /* two output years */

static double *mun_new(void) {
    return calloc((size_t)WEEKS * N_VALUES, sizeof(double));
}

static double *at(double *mun, int t, int off) {
    return &mun[(size_t)t * N_VALUES + off];
}

static int close_to(double x, double want) {
    return fabs(x - want) <= 1e-12 * fmax(1, fabs(want));
}

/* The sum of t over weeks [a, b), computed apart from the code under test. */
static double sum_t(int a, int b) {
    double s = 0;
    for (int t = a; t < b; t++)
        s += t;
    return s;
}

/* Patterns: constant costs, a cost per domain growing linearly in the week, a stock linear in
 * the week, a flow of 1 per domain, a ratio whose weekly values differ from the ratio of its
 * sums, a ratio per domain, a scaled flow and a ratio whose denominator is 0. */
static double *synthetic(void) {
    double *m = mun_new();
    for (int t = 0; t < WEEKS; t++) {
        *at(m, t, OFF_cost_total) = 5000;
        *at(m, t, OFF_cost_team_staff) = 1000;
        for (int d = 0; d < N_DOMAINS; d++) {
            *at(m, t, OFF_cost_specialist + d) = (d + 1) * t;
            *at(m, t, OFF_escalations + d) = 1;
            *at(m, t, OFF_specialist_wait_total + d) = d;
            *at(m, t, OFF_specialist_admissions + d) = 1;
        }
        *at(m, t, OFF_unmet_need) = t;
        *at(m, t, OFF_intake_wait_total) = 1;
        *at(m, t, OFF_intakes_asked) = t + 1; /* the denominator of waiting_time */
        *at(m, t, OFF_informal_hours) = 2000;
        *at(m, t, OFF_hours_demand) = 10; /* hours_client stays 0: workload is NaN */
    }
    return m;
}

static void test_cumulative_costs_sum_to_the_horizon(void) {
    double *m = synthetic(), out[N_OUTCOMES];
    outcomes_compute(m, WEEKS, 2, out);
    CHECK(close_to(out[OID_cost_team_staff], 104 * 1000 * 1e-6), "cum_constant_cost_scaled",
          "got %g", out[OID_cost_team_staff]);
    CHECK(close_to(out[OID_cost_specialist], 21 * sum_t(0, 104) * 1e-6), "cum_sums_every_domain",
          "got %g", out[OID_cost_specialist]);
    CHECK(close_to(out[OID_cost_total], 104 * 5000 * 1e-6), "cum_total_cost", "got %g",
          out[OID_cost_total]);
    outcomes_compute(m, WEEKS, 1, out);
    CHECK(close_to(out[OID_cost_specialist], 21 * sum_t(0, 52) * 1e-6), "cum_to_year_1", "got %g",
          out[OID_cost_specialist]);
    free(m);
}

static void test_yearly_sums_means_and_ratios(void) {
    double *m = synthetic(), out[N_OUTCOMES];
    outcomes_compute(m, WEEKS, 2, out);
    CHECK(close_to(out[OID_unmet_need], sum_t(52, 104) / 52), "year_stock_is_mean",
          "got %g, want %g", out[OID_unmet_need], sum_t(52, 104) / 52);
    CHECK(close_to(out[OID_escalations], 6 * 52), "year_flow_sums_domains", "got %g",
          out[OID_escalations]);
    CHECK(close_to(out[OID_informal_hours], 2000 * 52 * 1e-3), "year_flow_scaled", "got %g",
          out[OID_informal_hours]);
    double intakes = sum_t(52, 104) + 52, mean_weekly = 0;
    for (int t = 52; t < 104; t++)
        mean_weekly += 1.0 / (t + 1) / 52;
    CHECK(close_to(out[OID_waiting_time], 52 / intakes) &&
              !close_to(out[OID_waiting_time], mean_weekly),
          "year_ratio_is_ratio_of_sums", "got %g, want %g (mean of weekly ratios %g)",
          out[OID_waiting_time], 52 / intakes, mean_weekly);
    CHECK(close_to(out[OID_specialist_waiting_time], 15.0 / 6), "year_ratio_sums_domains", "got %g",
          out[OID_specialist_waiting_time]);
    CHECK(isnan(out[OID_workload]), "year_ratio_zero_denominator_is_nan", "got %g",
          out[OID_workload]);
    outcomes_compute(m, WEEKS, 1, out);
    CHECK(close_to(out[OID_unmet_need], sum_t(0, 52) / 52), "year_1_window", "got %g",
          out[OID_unmet_need]);
    free(m);
}

static void test_short_run_gives_nan(void) {
    double *m = synthetic(), out[N_OUTCOMES];
    int bad = 0;
    outcomes_compute(m, WEEKS, 3, out);
    for (int o = 0; o < N_OUTCOMES; o++)
        bad += !isnan(out[o]);
    outcomes_compute(m, WEEKS - 1, 2, out);
    for (int o = 0; o < N_OUTCOMES; o++)
        bad += !isnan(out[o]);
    CHECK(bad == 0, "horizon_beyond_the_run_is_nan", "%d outcomes not NaN", bad);
    free(m);
}

static void test_registry_is_well_formed(void) {
    int bad = 0;
    for (int o = 0; o < N_OUTCOMES; o++) {
        const outcome_info_t *oi = &outcome_table[o];
        if (oi->series < 0 || oi->series >= N_SERIES || !*oi->name || !*oi->label || !*oi->unit ||
            strlen(oi->description) < 10 || !(oi->scale > 0)) {
            printf("  malformed outcome %d (%s)\n", o, oi->name);
            bad++;
        }
        for (int j = 0; j < o; j++)
            bad += strcmp(outcome_table[j].name, oi->name) == 0;
    }
    CHECK(bad == 0, "outcomes_registry_well_formed", "%d problems", bad);
    char *doc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&doc, &len);
    outcomes_write_markdown(f);
    fclose(f);
    int missing = !strstr(doc, "## Outcomes");
    for (int o = 0; o < N_OUTCOMES; o++)
        missing += !strstr(doc, outcome_table[o].label);
    CHECK(missing == 0, "outcomes_markdown_lists_every_outcome", "%d missing", missing);
    free(doc);
}

static void test_mean_ci(void) {
    const double x[] = {1, 2, 3, 4, 5}, xn[] = {1, NAN, 2, 3, 4, NAN, 5};
    double half = 2.7764451051977987 * sqrt(2.5) / sqrt(5), m, lo, hi;
    stat_mean_ci(x, 5, &m, &lo, &hi);
    CHECK(close_to(m, 3) && fabs(lo - (3 - half)) < 1e-9 && fabs(hi - (3 + half)) < 1e-9,
          "mean_ci_t_interval", "%g [%g, %g], want half-width %g", m, lo, hi, half);
    stat_mean_ci(xn, 7, &m, &lo, &hi);
    CHECK(close_to(m, 3) && fabs(hi - (3 + half)) < 1e-9, "mean_ci_skips_nan", "%g [%g, %g]", m, lo,
          hi);
    stat_mean_ci(x, 1, &m, &lo, &hi);
    CHECK(m == 1 && isnan(lo) && isnan(hi), "mean_ci_one_value_no_interval", "%g [%g, %g]", m, lo,
          hi);
    stat_mean_ci(xn + 1, 1, &m, &lo, &hi);
    CHECK(isnan(m) && isnan(lo), "mean_ci_no_values_nan", "%g [%g, %g]", m, lo, hi);
}

/* ---- comparison tables ------------------------------------------------------------------ */

#define REPS 3
#define NH 2
static const char *const names[] = {"ref-scenario", "twin, scenario"};
static const char *const notes[] = {NULL, "own burn-in: differs in world.population"};
static const int horizons[NH] = {1, 2};

/* Scenario 1 repeats scenario 0; values vary by replicate, horizon and outcome, and one
 * outcome is large enough to show whether exponents creep into the text. */
static double *twin_values(void) {
    double *v = malloc(sizeof(double) * 2 * REPS * NH * N_OUTCOMES);
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < REPS; r++)
            for (int h = 0; h < NH; h++)
                for (int o = 0; o < N_OUTCOMES; o++)
                    v[((s * REPS + r) * NH + h) * N_OUTCOMES + o] =
                        o == 0 ? 1234567 + r : 0.5 + o + 0.25 * r * r + h;
    return v;
}

static char *table(const compare_table_t *t, table_format_t fmt, int *rc) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *rc = compare_table_write(f, t, fmt);
    fclose(f);
    return buf;
}

/* Splits one CSV line into at most max fields (quotes honoured); returns the count. */
static int csv_split(const char *line, char fields[][128], int max) {
    int n = 0, k = 0, quoted = 0;
    for (const char *p = line;; p++) {
        if (*p == '"' && quoted && p[1] == '"') {
            fields[n][k++] = '"', p++;
        } else if (*p == '"') {
            quoted = !quoted;
        } else if ((*p == ',' && !quoted) || *p == '\n' || !*p) {
            fields[n][k] = 0;
            if (++n == max || *p != ',') return n;
            k = 0;
        } else if (k < 127) {
            fields[n][k++] = *p;
        }
    }
}

static void test_csv_twin_has_zero_difference(void) {
    double *v = twin_values();
    compare_table_t t = {2, names, REPS, NH, horizons, v, notes};
    int rc, rows = 0, bad = 0, badmean = 0;
    char *csv = table(&t, TABLE_CSV, &rc);
    CHECK(strstr(csv, "\"twin, scenario\"") != NULL, "csv_quotes_commas", "no quoted name");
    char f[16][128];
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        rows++;
        if (rows == 1 || csv_split(line, f, 16) != 12) {
            bad += rows > 1;
            continue;
        }
        int twin = strcmp(f[4], names[1]) == 0, h = atoi(f[0]) - 1, o = 0;
        while (o < N_OUTCOMES && strcmp(outcome_table[o].name, f[1]))
            o++;
        if (twin)
            bad += !(atof(f[9]) == 0 && atof(f[10]) == 0 && atof(f[11]) == 0 && *f[9] && *f[10]);
        else
            bad += *f[9] || *f[10] || *f[11] || strcmp(f[4], names[0]);
        double want = 0;
        for (int r = 0; r < REPS; r++)
            want += v[(r * NH + h) * N_OUTCOMES + o] / REPS;
        badmean +=
            o == N_OUTCOMES || fabs(atof(f[6]) - want) > 1e-9 * fabs(want) || atoi(f[5]) != REPS;
    }
    CHECK(rc == 0 && rows == NH * N_OUTCOMES * 2 + 1, "csv_one_row_per_horizon_outcome_scenario",
          "rc %d, %d rows", rc, rows);
    CHECK(bad == 0, "csv_twin_difference_exactly_zero", "%d bad rows", bad);
    CHECK(badmean == 0, "csv_mean_over_replicates", "%d bad means", badmean);
    free(csv), free(v);
}

/* Every scenario name and outcome label, and the note. */
static int missing_words(const char *s) {
    int missing = !strstr(s, names[0]) + !strstr(s, names[1]) + !strstr(s, notes[1]);
    for (int o = 0; o < N_OUTCOMES; o++)
        missing += !strstr(s, outcome_table[o].label);
    return missing;
}

static void test_text_and_markdown_name_everything(void) {
    double *v = twin_values();
    compare_table_t t = {2, names, REPS, NH, horizons, v, notes};
    int rc1, rc2;
    char *text = table(&t, TABLE_TEXT, &rc1), *md = table(&t, TABLE_MARKDOWN, &rc2);
    CHECK(rc1 == 0 && missing_words(text) == 0, "text_names_scenarios_outcomes_notes",
          "rc %d, %d missing", rc1, missing_words(text));
    CHECK(rc2 == 0 && missing_words(md) == 0 && strstr(md, "### Year 2"),
          "markdown_names_scenarios_outcomes_notes", "rc %d, %d missing", rc2, missing_words(md));
    CHECK(strstr(text, "1234568") && !strstr(text, "e+") && !strstr(text, "e-0"),
          "text_numbers_without_exponents", "exponent or wrong mean in the text");
    int width = 0;
    for (char *p = text; *p;) {
        char *e = strchr(p, '\n');
        int w = e ? (int)(e - p) : (int)strlen(p);
        if (w > width) width = w;
        p = e ? e + 1 : p + w;
    }
    CHECK(width <= 100, "text_fits_100_columns", "widest line %d", width);
    free(text), free(md);
    t.reps = 1;
    text = table(&t, TABLE_TEXT, &rc1);
    CHECK(rc1 == 0 && strstr(text, "one replicate: no interval") && !strstr(text, "["),
          "text_one_replicate_no_interval", "rc %d", rc1);
    free(text), free(v);
}

/* The municipality of a K_MAX series (the worst team wait) is the largest neighbourhood
 * value, wherever that neighbourhood is in the order; other series are summed. Four
 * neighbourhoods over four weeks: the largest second, first, last, and all zero. */
static void test_municipality_takes_the_largest_of_k_max(void) {
    enum { NB = 4, W = 4 };
    static const double wait[W][NB] = {{3, 7, 5, 1}, {9, 2, 2, 2}, {0, 0, 0, 4}, {0, 0, 0, 0}};
    double *v = calloc((size_t)W * NB * N_VALUES, sizeof(double));
    double *mu = calloc((size_t)W * N_VALUES, sizeof(double));
    for (int t = 0; t < W; t++)
        for (int i = 0; i < NB; i++) {
            double *x = &v[((size_t)t * NB + i) * N_VALUES];
            for (int s = 0; s < N_SERIES; s++)
                if (series_table[s].kind == K_MAX)
                    for (int k = 0; k < series_table[s].width; k++)
                        x[series_table[s].offset + k] = wait[t][i] + k;
            x[OFF_intakes] = wait[t][i];
        }
    series_municipality(v, W, NB, mu);
    int bad = 0, nmax = 0;
    for (int s = 0; s < N_SERIES; s++)
        nmax += series_table[s].kind == K_MAX;
    for (int t = 0; t < W; t++) {
        double big = 0, sum = 0;
        for (int i = 0; i < NB; i++)
            big = fmax(big, wait[t][i]), sum += wait[t][i];
        for (int s = 0; s < N_SERIES; s++)
            if (series_table[s].kind == K_MAX)
                for (int k = 0; k < series_table[s].width; k++)
                    bad += mu[(size_t)t * N_VALUES + series_table[s].offset + k] != big + k;
        bad += mu[(size_t)t * N_VALUES + OFF_intakes] != sum;
    }
    CHECK(series_table[SID_team_wait_worst].kind == K_MAX && nmax >= 1 && bad == 0,
          "municipality_k_max_is_the_largest_neighbourhood", "%d values off (%d K_MAX series)", bad,
          nmax);
    free(v);
    free(mu);
}

/* The steady-state drift: the log-linear trend of the yearly means of the main stocks over the
 * first five output years, in percent a year. Stocks constant within each year: growing 3 %
 * a year gives 3, shrinking 2 % gives -2, flat gives 0 (exactly, up to rounding); years after
 * the fifth do not count; with fewer than two whole years, or a stock at 0 in a year, 0. */
static void test_drift_of_the_main_stocks(void) {
    const int weeks = 7 * 52;
    double *m = calloc((size_t)weeks * N_VALUES, sizeof(double)), drift[N_DRIFT_STOCKS];
    for (int t = 0; t < weeks; t++) {
        int y = t / 52;
        double *x = &m[(size_t)t * N_VALUES];
        double g = y < 5 ? pow(1.03, y) : 1e6; /* years 6 and 7 wild: must not count */
        for (int d = 0; d < N_DOMAINS; d++)
            x[OFF_specialist_clients + d] = 50 * g;
        x[OFF_team_cases] = 40;
        x[OFF_unmet_need] = 900 * pow(0.98, y < 5 ? y : 40);
        x[OFF_overloaded_carers] = 7 * g + (t % 52 == 0 ? 52 * 0.5 : 0) - 0.5; /* mean 7 g */
        x[OFF_residents_with_need] = y == 1 ? 0 : 3000;
    }
    static const double want[N_DRIFT_STOCKS] = {3, 0, -2, 3, 0};
    static const char *const names[N_DRIFT_STOCKS] = {"specialist_clients", "team_cases",
                                                      "unmet_need", "overloaded_carers",
                                                      "residents_with_need"};
    outcomes_drift(m, weeks, drift);
    int bad = 0;
    for (int s = 0; s < N_DRIFT_STOCKS; s++) {
        bad += strcmp(drift_stock_names[s], names[s]) != 0;
        if (fabs(drift[s] - want[s]) > 1e-9) {
            printf("  drift of %s %.12g, expected %g\n", names[s], drift[s], want[s]);
            bad++;
        }
    }
    CHECK(bad == 0, "drift_is_growth_in_percent_a_year", "%d stocks off", bad);
    outcomes_drift(m, 2 * 52 - 1, drift);
    int nonzero = 0;
    for (int s = 0; s < N_DRIFT_STOCKS; s++)
        nonzero += drift[s] != 0;
    CHECK(nonzero == 0, "no_drift_from_fewer_than_two_years", "%d stocks with a drift", nonzero);
    outcomes_drift(m, 2 * 52, drift);
    CHECK(fabs(drift[0] - 3) < 1e-9, "drift_from_two_years", "%g, expected 3", drift[0]);
    free(m);
}

int main(void) {
    test_cumulative_costs_sum_to_the_horizon();
    test_yearly_sums_means_and_ratios();
    test_short_run_gives_nan();
    test_registry_is_well_formed();
    test_mean_ci();
    test_municipality_takes_the_largest_of_k_max();
    test_drift_of_the_main_stocks();
    test_csv_twin_has_zero_difference();
    test_text_and_markdown_name_everything();
    return check_exit();
}
