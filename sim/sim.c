#include "sim.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../models/models.h"

/* Runs phases [from, to) (all per neighbourhood) for every neighbourhood in parallel. */
static int run_nbh_phases(world_t *w, int from, int to, int week, int first) {
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int i = 0; i < w->nnbh; i++) {
        nbh_t *n = &w->nbh[i];
        if (first) memset(n->m, 0, sizeof n->m);
        for (int ph = from; ph < to && !failed; ph++) failed |= model_phases[ph].nbh(w, n, week) != 0;
    }
    return failed ? -1 : 0;
}

/* Runs phases [from, to) (all per team) for every team in parallel. */
static int run_team_phases(world_t *w, int from, int to, int week) {
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int i = 0; i < w->nteams; i++)
        for (int ph = from; ph < to && !failed; ph++) failed |= model_phases[ph].team(w, &w->teams[i], week) != 0;
    return failed ? -1 : 0;
}

/* Consecutive phases of the same kind run together in one parallel loop. Metrics are reset
 * before the first phase, which must run per neighbourhood. */
static int run_week(world_t *w, int week) {
    int ph = 0, first = 1;
    while (ph < n_model_phases) {
        const phase_t *f = &model_phases[ph];
        if (f->serial) {
            if (f->serial(w, week) != 0) return -1;
            ph++;
            continue;
        }
        int end = ph;
        while (end < n_model_phases && !!model_phases[end].nbh == !!f->nbh && !model_phases[end].serial) end++;
        int rc = f->nbh ? run_nbh_phases(w, ph, end, week, first) : run_team_phases(w, ph, end, week);
        if (rc != 0) return -1;
        first = 0;
        ph = end;
    }
    return 0;
}

int sim_run(const params_t *p, const run_opts_t *o, replicate_sink_fn sink, void *ctx,
            run_stats_t *stats, char *err, size_t errlen) {
    if (o->threads > 0) omp_set_num_threads(o->threads);
    int nnbh = (int)p->world_neighbourhoods[0];
    int burn = (int)p->sim_burn_in_weeks[0], weeks = (int)p->sim_weeks[0];
    double *values = malloc((size_t)weeks * (size_t)nnbh * N_VALUES * sizeof(double));
    if (!values) {
        snprintf(err, errlen, "out of memory for the output buffer (%d weeks x %d neighbourhoods)",
                 weeks, nnbh);
        return -1;
    }
    run_stats_t st = {0};
    err[0] = '\0'; /* a sink may leave its own message here */
    int rc = 0;
    for (int rep = 0; rep < o->replicates && rc == 0; rep++) {
        double t0 = omp_get_wtime();
        world_t *w = world_new(p, o->seed, rep, err, errlen);
        if (!w) {
            rc = -1;
            break;
        }
        for (int week = 0; week < w->weeks_total; week++) {
            if (run_week(w, week) != 0) {
                snprintf(err, errlen, "out of memory in week %d of replicate %d", week, rep);
                rc = -1;
                break;
            }
            if (week >= burn)
                for (int i = 0; i < nnbh; i++)
                    memcpy(&values[((size_t)(week - burn) * nnbh + i) * N_VALUES], w->nbh[i].m,
                           sizeof w->nbh[i].m);
            if (o->progress && (week % 13 == 0 || week == w->weeks_total - 1))
                fprintf(stderr, "\rwijksim: replicate %d/%d, week %d/%d%s", rep + 1,
                        o->replicates, week + 1, w->weeks_total,
                        week < burn ? " (burn-in)" : "          ");
        }
        st.seconds += omp_get_wtime() - t0;
        uint64_t residents = 0;
        for (int i = 0; i < nnbh; i++) residents += w->nbh[i].nres;
        st.resident_weeks += (double)residents * w->weeks_total;
        st.world_bytes = world_bytes(w);
        if (rc == 0 && sink && sink(ctx, rep, w, values, weeks) != 0) {
            if (!err[0]) snprintf(err, errlen, "could not write the results of replicate %d", rep);
            rc = -1;
        }
        world_free(w);
    }
    if (o->progress) fputs("\n", stderr);
    free(values);
    if (stats) *stats = st;
    return rc;
}
