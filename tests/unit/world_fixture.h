/* Helpers for model tests: build a one-neighbourhood world from adjusted defaults, and run
 * whole simulations into municipality totals. */
#ifndef WIJKSIM_WORLD_FIXTURE_H
#define WIJKSIM_WORLD_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "models/models.h"
#include "sim/sim.h"

static inline int quick(void) {
    return getenv("WIJKSIM_QUICK") != NULL;
}

static inline void fixture_params(params_t *p, double population) {
    params_defaults(p);
    p->world_population[0] = population;
    p->world_neighbourhoods[0] = 1;
    p->world_teams[0] = 1;
    p->sim_burn_in_weeks[0] = 0;
    p->sim_weeks[0] = 52;
}

static inline world_t *fixture_world(const params_t *p, uint64_t seed) {
    char err[256];
    world_t *w = world_new(p, seed, 0, err, sizeof err);
    if (!w) {
        printf("FAIL fixture: %s\n", err);
        exit(1);
    }
    return w;
}

/* Activates every resident of the neighbourhood with severity `sev` in domain d (a crisis also
 * joins the open-crisis list, as an escalation in needs.c would). */
static inline void fixture_all_with_need(nbh_t *n, int d, int sev) {
    for (uint32_t i = 0; i < n->nres; i++) {
        resident_activate(n, i);
        need_set(n, i, d, sev, 0);
        if (sev == SEV_CRISIS) u32vec_push(&n->crises, i << 3 | (uint32_t)d); /* as needs.c does */
    }
    memset(n->m, 0, sizeof n->m);
}

/* Sums of every value over weeks, replicates and neighbourhoods, plus the last week. */
typedef struct {
    double total[N_VALUES];
    double first[N_VALUES];
    double last[N_VALUES];
} totals_t;

static inline int totals_sink(void *ctx, int rep, const world_t *w, const replicate_result_t *r) {
    totals_t *t = ctx;
    const double *v = r->nb;
    int weeks = r->weeks;
    (void)rep;
    for (int k = 0; k < weeks; k++)
        for (int i = 0; i < w->nnbh; i++)
            for (int j = 0; j < N_VALUES; j++) {
                double x = v[((size_t)k * w->nnbh + i) * N_VALUES + j];
                t->total[j] += x;
                if (k == 0) t->first[j] += x;
                if (k == weeks - 1) t->last[j] += x;
            }
    return 0;
}

static inline void fixture_run(const params_t *p, int replicates, totals_t *t) {
    char err[256];
    run_opts_t o = {
        .seed = 11, .replicates = replicates, .threads = 1}; /* one world: no gain from threads */
    memset(t, 0, sizeof *t);
    if (sim_run(p, &o, totals_sink, t, NULL, err, sizeof err) != 0) {
        printf("FAIL fixture_run: %s\n", err);
        exit(1);
    }
}

static inline double domain_sum(const double *v, int off) {
    double s = 0;
    for (int d = 0; d < N_DOMAINS; d++)
        s += v[off + d];
    return s;
}

#endif
