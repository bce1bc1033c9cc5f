#include "sim.h"

#include <assert.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/series.h"
#include "models/models.h"
#include "progress.h"

/* The order a parallel loop takes the neighbourhoods (or teams) in: the largest active pool (or
 * caseload) first, so that the thread that takes the last one does not finish long after the
 * others (longest processing time first; neighbourhoods differ by deprivation). NULL (the
 * natural order) when there is no memory for it. The order never changes the output: each
 * neighbourhood or team works on its own state. */
typedef struct {
    uint32_t size;
    int index;
} sized_t;

static int larger_first(const void *a, const void *b) {
    const sized_t *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static uint32_t size_of(const world_t *w, int kind, int i) {
    if (kind == 0) return w->nbh[i].nactive;
    if (kind == 1) return w->teams[i].ncases;
    uint32_t pools = 0; /* kind 2: the team's neighbourhoods' pools */
    for (int j = 0; j < w->teams[i].nnbh; j++)
        pools += w->nbh[w->teams[i].first_nbh + j].nactive;
    return pools;
}

/* kind: 0 neighbourhoods, 1 teams by caseload, 2 teams by their neighbourhoods' pools. */
static int *largest_first(const world_t *w, int kind) {
    int count = kind ? w->nteams : w->nnbh;
    sized_t *s = malloc(sizeof *s * (size_t)count);
    int *order = malloc(sizeof *order * (size_t)count);
    if (s && order) {
        for (int i = 0; i < count; i++)
            s[i] = (sized_t){size_of(w, kind, i), i};
        qsort(s, (size_t)count, sizeof *s, larger_first);
        for (int i = 0; i < count; i++)
            order[i] = s[i].index;
    } else {
        free(order);
        order = NULL;
    }
    free(s);
    return order;
}

/* Runs phases [from, to) (all per neighbourhood) for every neighbourhood in parallel. */
static int run_nbh_phases(world_t *w, int from, int to, int week, int first) {
    int failed = 0, *order = largest_first(w, 0);
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int k = 0; k < w->nnbh; k++) {
        nbh_t *n = &w->nbh[order ? order[k] : k];
        if (first) memset(n->m, 0, sizeof n->m);
        for (int ph = from; ph < to && !failed; ph++) {
            double t0 = omp_get_wtime();
            failed |= model_phases[ph].nbh(w, n, week) != 0;
            n->phase_work[ph] += omp_get_wtime() - t0;
        }
    }
    free(order);
    return failed ? -1 : 0;
}

/* Runs phases [from, to) (all per team) for every team in parallel. */
static int run_team_phases(world_t *w, int from, int to, int week) {
    int failed = 0, *order = largest_first(w, 1);
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int k = 0; k < w->nteams; k++) {
        team_t *t = &w->teams[order ? order[k] : k];
        for (int ph = from; ph < to && !failed; ph++) {
            double t0 = omp_get_wtime();
            failed |= model_phases[ph].team(w, t, week) != 0;
            t->phase_work[ph] += omp_get_wtime() - t0;
        }
    }
    free(order);
    return failed ? -1 : 0;
}

/* Runs phases [from, to) (none serial) team by team (sim_by_team), the teams in parallel. */
static int run_by_team(world_t *w, int from, int to, int week, int first) {
    int failed = 0, *order = largest_first(w, 2);
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int k = 0; k < w->nteams; k++) {
        team_t *t = &w->teams[order ? order[k] : k];
        for (int ph = from; ph < to && !failed; ph++) {
            if (!model_phases[ph].nbh) {
                double t0 = omp_get_wtime();
                failed |= model_phases[ph].team(w, t, week) != 0;
                t->phase_work[ph] += omp_get_wtime() - t0;
                continue;
            }
            for (int j = 0; j < t->nnbh && !failed; j++) {
                nbh_t *n = &w->nbh[t->first_nbh + j];
                if (first && ph == from) memset(n->m, 0, sizeof n->m);
                double t0 = omp_get_wtime();
                failed |= model_phases[ph].nbh(w, n, week) != 0;
                n->phase_work[ph] += omp_get_wtime() - t0;
            }
        }
    }
    free(order);
    return failed ? -1 : 0;
}

int sim_by_team(const world_t *w) {
    int threads = omp_get_max_threads();
    return threads == 1 || w->nteams >= 2 * threads;
}

int sim_loop_end(int ph, int by_team) {
    const phase_t *f = &model_phases[ph];
    int end = ph + 1;
    while (!f->serial && end < n_model_phases && !model_phases[end].serial &&
           (by_team || !!model_phases[end].nbh == !!f->nbh))
        end++;
    return end;
}

/* Consecutive phases of the same kind run together in one parallel loop. Metrics are reset
 * before the first phase, which must run per neighbourhood. Each loop and each serial phase is
 * timed (w->phase_wall), and each phase of a loop in each neighbourhood or team (phase_work). */
static int run_week(world_t *w, int week) {
    int first = 1, by_team = sim_by_team(w);
    for (int ph = 0, end; ph < n_model_phases; ph = end) {
        const phase_t *f = &model_phases[ph];
        double t0 = omp_get_wtime();
        end = sim_loop_end(ph, by_team);
        int rc = f->serial ? f->serial(w, week)
                 : by_team ? run_by_team(w, ph, end, week, first)
                 : f->nbh  ? run_nbh_phases(w, ph, end, week, first)
                           : run_team_phases(w, ph, end, week);
        if (rc != 0) return -1;
        w->phase_wall[ph] += omp_get_wtime() - t0;
        first = 0;
    }
    return 0;
}

/* True when a and b agree on every parameter that cannot change during a run; otherwise the
 * name of the first that differs goes to *which. */
static int same_structure(const params_t *a, const params_t *b, const char **which) {
    for (int i = 0; i < N_PARAMS; i++)
        if (!param_table[i].schedulable && memcmp(params_cvalues(a, i), params_cvalues(b, i),
                                                  sizeof(double) * (size_t)param_table[i].n) != 0) {
            *which = param_table[i].name;
            return 0;
        }
    return 1;
}

/* The first output week in which the parameters of a and b differ, or the run's length. */
static int first_difference(const scenario_t *a, const scenario_t *b) {
    int weeks = (int)a->params.sim_weeks[0];
    for (int o = 0; o < weeks; o++) {
        if (o > 0 && !scenario_changes_at(a, o) && !scenario_changes_at(b, o)) continue;
        params_t pa, pb;
        scenario_params_at(a, o, &pa);
        scenario_params_at(b, o, &pb);
        if (memcmp(&pa, &pb, sizeof pa) != 0) return o;
    }
    return weeks;
}

void sim_plan(const scenario_t *const *sc, int n, sim_plan_t *plan) {
    for (int s = 0; s < n; s++) {
        plan[s] = (sim_plan_t){.root = s, .branch = 0, .differs = NULL};
        for (int r = 0; r < s; r++) {
            const char *which;
            if (plan[r].root == r && same_structure(&sc[r]->params, &sc[s]->params, &which)) {
                plan[s].root = r;
                plan[s].branch = first_difference(sc[r], sc[s]);
                break;
            }
        }
        if (plan[s].root == s && s > 0)
            same_structure(&sc[0]->params, &sc[s]->params, &plan[s].differs);
    }
}

/* Where a replicate is, for error messages, and the progress line (NULL: none). */
typedef struct {
    const run_opts_t *o;
    int scenario, nscen, replicate;
    progress_t *bar;
    double *week_rows; /* with municipality_only: one week of every neighbourhood's values */
} position_t;

/* Every year of a run the memory malloc holds free is handed back (glibc's malloc_trim):
 * the calendar's per-week vectors grow and are freed all run long (models/world.h), and the
 * holes they leave would otherwise stay in the process's peak memory (docs/performance.md). */
static void hand_back_free_memory(int week) {
#ifdef __GLIBC__
    if (week % 52 == 51) malloc_trim(0);
#else
    (void)week;
#endif
}

/* Runs weeks [from, to) of scenario s on w: policy steps take effect at the start of their
 * week; output weeks are recorded into values [week][neighbourhood][value]. */
static int run_weeks(world_t *w, const scenario_t *s, int from, int to, double *values,
                     const position_t *pg, char *err, size_t errlen) {
    int burn = (int)s->params.sim_burn_in_weeks[0], nnbh = w->nnbh;
    for (int week = from; week < to; week++) {
        if (week >= burn && scenario_changes_at(s, week - burn)) {
            params_t np;
            scenario_params_at(s, week - burn, &np);
            if (world_apply_params(w, &np, week) != 0) {
                snprintf(err, errlen, "out of memory applying the policy in week %d", week);
                return -1;
            }
        }
        hand_back_free_memory(week);
        if (run_week(w, week) != 0) {
            snprintf(err, errlen, "out of memory in week %d of replicate %d", week, pg->replicate);
            return -1;
        }
        if (week >= burn && pg->week_rows) { /* the municipality's week alone */
            for (int i = 0; i < nnbh; i++)
                memcpy(&pg->week_rows[(size_t)i * N_VALUES], w->nbh[i].m, sizeof w->nbh[i].m);
            series_municipality(pg->week_rows, 1, nnbh, &values[(size_t)(week - burn) * N_VALUES]);
        } else if (week >= burn) {
            for (int i = 0; i < nnbh; i++)
                memcpy(&values[((size_t)(week - burn) * nnbh + i) * N_VALUES], w->nbh[i].m,
                       sizeof w->nbh[i].m);
        }
        if (pg->bar) progress_add(pg->bar, 1);
    }
    return 0;
}

/* The result of a finished replicate for scenario s (and every later scenario in `also`
 * that shares its output): the municipality sums are computed here, once, for every sink. */
static int deliver(scenario_sink_fn sink, void *ctx, int s, const int *also, int nalso, int rep,
                   const world_t *w, const double *values, int weeks, int municipality_only) {
    if (!sink) return 0;
    double *mu = NULL;
    if (!municipality_only) { /* values are the neighbourhoods' */
        mu = malloc(sizeof(double) * (size_t)weeks * N_VALUES);
        if (!mu) return -1;
        assert(weeks > 0 && w->nnbh > 0);
        series_municipality(values, weeks, w->nnbh, mu);
    }
    replicate_result_t r = {municipality_only ? NULL : values, municipality_only ? values : mu,
                            weeks, w->nnbh};
    int rc = sink(ctx, s, rep, w, &r);
    for (int k = 0; k < nalso && rc == 0; k++)
        rc = sink(ctx, also[k], rep, w, &r);
    free(mu);
    return rc;
}

/* Adds a world's phase times to the run's. */
static void add_phase_times(run_stats_t *st, const world_t *w) {
    st->by_team = sim_by_team(w);
    for (int ph = 0; ph < n_model_phases; ph++) {
        st->phase_wall[ph] += w->phase_wall[ph];
        if (model_phases[ph].serial) st->phase_work[ph] += w->phase_wall[ph];
        for (int i = 0; i < w->nnbh; i++)
            st->phase_work[ph] += w->nbh[i].phase_work[ph];
        for (int i = 0; i < w->nteams; i++)
            st->phase_work[ph] += w->teams[i].phase_work[ph];
    }
}

/* One replicate of root scenario r and the scenarios that branch from it: the root runs from
 * week 0, and its world is copied at each branch week; each branch continues from its copy with
 * its own parameters, its earlier weeks being the root's. */
static int run_family(const scenario_t *const *sc, int nsc, const sim_plan_t *plan, int r,
                      const run_opts_t *o, int rep, scenario_sink_fn sink, void *ctx, double *vroot,
                      double *vbranch, double *week_rows, run_stats_t *st, progress_t *bar,
                      char *err, size_t errlen) {
    const params_t *p = &sc[r]->params;
    int burn = (int)p->sim_burn_in_weeks[0], weeks = (int)p->sim_weeks[0], total = burn + weeks;
    int nnbh = (int)p->world_neighbourhoods[0];
    size_t week_values = (o->municipality_only ? 1 : (size_t)nnbh) * N_VALUES;
    world_t **snap = calloc((size_t)nsc, sizeof *snap); /* the copy each branch starts from */
    if (!snap) return snprintf(err, errlen, "out of memory"), -1;
    double t0 = omp_get_wtime();
    position_t pg = {o, r, nsc, rep, bar, week_rows};
    world_t *w = world_new(p, o->seed, rep, err, errlen);
    int rc = w ? 0 : -1, at = 0, copied = -1;
    while (rc == 0) { /* the root, stopping at each branch week to copy the world */
        int next = total;
        for (int s = 0; s < nsc; s++)
            if (s != r && plan[s].root == r && burn + plan[s].branch > copied &&
                burn + plan[s].branch < next)
                next = burn + plan[s].branch;
        rc = run_weeks(w, sc[r], at, next, vroot, &pg, err, errlen);
        if (rc != 0 || next == total) break;
        world_t *copy = world_clone(w);
        if (!copy) {
            snprintf(err, errlen, "out of memory copying the world in week %d", next);
            rc = -1;
        }
        for (int s = 0; s < nsc; s++)
            if (s != r && plan[s].root == r && burn + plan[s].branch == next) snap[s] = copy;
        at = copied = next;
    }
    st->seconds += omp_get_wtime() - t0;
    if (w) st->resident_weeks += (double)w->population * total, st->world_bytes = world_bytes(w);
    if (w) add_phase_times(st, w);
    int *same = malloc(sizeof *same * (size_t)nsc), nsame = 0;
    for (int s = 0; same && s < nsc; s++) /* never differs: the root's output is its output */
        if (s != r && plan[s].root == r && plan[s].branch == weeks) same[nsame++] = s;
    if (rc == 0 && (!same || deliver(sink, ctx, r, same, nsame, rep, w, vroot, weeks,
                                     o->municipality_only) != 0))
        rc = -1;
    free(same);
    world_free(w);
    for (int s = 0; s < nsc; s++) {
        if (s == r || plan[s].root != r || plan[s].branch == weeks) continue;
        int b = plan[s].branch, last = 1; /* the last branch from a copy may use it up */
        for (int q = s + 1; q < nsc; q++)
            last &= snap[q] != snap[s];
        if (rc != 0) {
            if (last) world_free(snap[s]);
            continue;
        }
        t0 = omp_get_wtime();
        world_t *ws = last ? snap[s] : world_clone(snap[s]);
        if (!ws) {
            snprintf(err, errlen, "out of memory copying the world");
            rc = -1;
            continue;
        }
        memcpy(vbranch, vroot, sizeof(double) * (size_t)b * week_values);
        params_t np;
        scenario_params_at(sc[s], b, &np);
        pg.scenario = s;
        if (world_apply_params(ws, &np, burn + b) != 0) {
            snprintf(err, errlen, "out of memory applying scenario %d", s + 1);
            rc = -1;
        }
        if (rc == 0) rc = run_weeks(ws, sc[s], burn + b, total, vbranch, &pg, err, errlen);
        st->seconds += omp_get_wtime() - t0;
        st->resident_weeks += (double)ws->population * (weeks - b);
        add_phase_times(st, ws);
        if (rc == 0 &&
            deliver(sink, ctx, s, NULL, 0, rep, ws, vbranch, weeks, o->municipality_only) != 0)
            rc = -1;
        world_free(ws);
    }
    free(snap);
    return rc;
}

int sim_run_scenarios(const scenario_t *const *sc, int nsc, const run_opts_t *o,
                      scenario_sink_fn sink, void *ctx, run_stats_t *stats, char *err,
                      size_t errlen) {
    if (o->threads > 0) omp_set_num_threads(o->threads);
    sim_plan_t *plan = calloc((size_t)nsc, sizeof *plan);
    size_t most = 0, most_nbh = 0; /* rows of the output buffers; neighbourhoods */
    for (int s = 0; s < nsc; s++) {
        size_t nnbh = (size_t)sc[s]->params.world_neighbourhoods[0];
        size_t v = (size_t)sc[s]->params.sim_weeks[0] * (o->municipality_only ? 1 : nnbh);
        if (v > most) most = v;
        if (nnbh > most_nbh) most_nbh = nnbh;
    }
    double *vroot = malloc(most * N_VALUES * sizeof(double));
    double *vbranch = nsc > 1 ? malloc(most * N_VALUES * sizeof(double)) : NULL;
    double *week_rows = o->municipality_only ? malloc(most_nbh * N_VALUES * sizeof(double)) : NULL;
    if (!plan || !vroot || (nsc > 1 && !vbranch) || (o->municipality_only && !week_rows)) {
        free(plan), free(vroot), free(vbranch), free(week_rows);
        snprintf(err, errlen, "out of memory for the output buffers (%zu neighbourhood-weeks)",
                 most);
        return -1;
    }
    sim_plan(sc, nsc, plan);
    /* The weeks to simulate, for the progress line: each root from week 0, each branch from
     * its branch week (a scenario that never differs runs no weeks of its own). */
    double weeks_total = 0;
    for (int s = 0; s < nsc; s++) {
        const params_t *p = &sc[s]->params;
        int weeks = (int)p->sim_weeks[0];
        weeks_total += plan[s].root == s
                           ? weeks + (int)p->sim_burn_in_weeks[0]
                           : weeks - (plan[s].branch < weeks ? plan[s].branch : weeks);
    }
    progress_t bar;
    progress_start(&bar, (progress_mode_t)o->progress, o->label ? o->label : "wijksim", "weeks",
                   weeks_total * o->replicates, 0);
    run_stats_t st = {0};
    err[0] = '\0'; /* a sink may leave its own message here */
    int rc = 0;
    for (int rep = 0; rep < o->replicates && rc == 0; rep++)
        for (int r = 0; r < nsc && rc == 0; r++)
            if (plan[r].root == r)
                rc = run_family(sc, nsc, plan, r, o, rep, sink, ctx, vroot, vbranch, week_rows, &st,
                                &bar, err, errlen);
    if (rc != 0 && !err[0]) snprintf(err, errlen, "could not write the results");
    progress_end(&bar);
    free(plan), free(vroot), free(vbranch), free(week_rows);
    if (stats) *stats = st;
    return rc;
}

typedef struct {
    replicate_sink_fn sink;
    void *ctx;
} single_t;

static int single_sink(void *ctx, int scenario, int rep, const world_t *w,
                       const replicate_result_t *r) {
    (void)scenario;
    single_t *s = ctx;
    return s->sink ? s->sink(s->ctx, rep, w, r) : 0;
}

int sim_run(const params_t *p, const run_opts_t *o, replicate_sink_fn sink, void *ctx,
            run_stats_t *stats, char *err, size_t errlen) {
    scenario_t s;
    scenario_init(&s);
    s.params = *p;
    const scenario_t *one = &s;
    single_t wrap = {sink, ctx};
    int rc = sim_run_scenarios(&one, 1, o, single_sink, &wrap, stats, err, errlen);
    scenario_free(&s);
    return rc;
}

world_t *sim_burn_in(const scenario_t *s, uint64_t seed, int replicate, char *err, size_t errlen) {
    run_opts_t o = {.seed = seed, .replicates = replicate + 1};
    position_t pg = {&o, 0, 1, replicate, NULL, NULL};
    world_t *w = world_new(&s->params, seed, replicate, err, errlen);
    if (w && run_weeks(w, s, 0, (int)s->params.sim_burn_in_weeks[0], NULL, &pg, err, errlen) != 0) {
        world_free(w);
        return NULL;
    }
    return w;
}

int sim_output_weeks(world_t *w, const scenario_t *s, double *values, int municipality_only,
                     char *err, size_t errlen) {
    run_opts_t o = {.seed = 0, .replicates = 1, .municipality_only = municipality_only};
    double *rows = municipality_only ? malloc(sizeof(double) * (size_t)w->nnbh * N_VALUES) : NULL;
    if (municipality_only && !rows) return snprintf(err, errlen, "out of memory"), -1;
    position_t pg = {&o, 0, 1, 0, NULL, rows};
    int burn = (int)s->params.sim_burn_in_weeks[0];
    int rc = run_weeks(w, s, burn, burn + (int)s->params.sim_weeks[0], values, &pg, err, errlen);
    free(rows);
    return rc;
}
