#include "world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/rng.h"
#include "models.h"

int array_reserve(void **items, uint32_t len, uint32_t *cap, size_t size, uint32_t first) {
    if (len < *cap) return 0;
    uint32_t nc = *cap ? *cap * 2 : first;
    void *nv = realloc(*items, (size_t)nc * size);
    if (!nv) return -1;
    *items = nv;
    *cap = nc;
    return 0;
}

int u32vec_push(u32vec_t *v, uint32_t x) {
    if (array_reserve((void **)&v->v, v->len, &v->cap, sizeof *v->v, 16) != 0) return -1;
    v->v[v->len++] = x;
    return 0;
}

void need_set(nbh_t *n, uint32_t ri, int d, int sev, int week) {
    resident_t *r = &n->res[ri];
    int old = sev_get(r, d);
    if (old == sev) return;
    r->severity = (r->severity & ~(7u << (3 * d))) | ((uint32_t)sev << (3 * d));
    n->sev_count[d][old]--;
    n->sev_count[d][sev]++;
    if (old == SEV_NONE) {
        n->m[OFF_new_needs + d] += 1;
        if (r->active) n->active[r->active - 1].need_since[d] = (uint16_t)week;
    } else if (sev > old) {
        n->m[OFF_escalations + d] += 1;
    } else {
        n->m[OFF_improvements + d] += 1;
        if (sev == SEV_NONE) n->m[OFF_resolutions + d] += 1;
    }
    if (sev == SEV_CRISIS) n->m[OFF_crises] += 1;
}

int resident_activate(nbh_t *n, uint32_t ri) {
    resident_t *r = &n->res[ri];
    if (r->active) return 0;
    if (array_reserve((void **)&n->active, n->nactive, &n->capactive, sizeof *n->active, 1024) != 0)
        return -1;
    active_t *a = &n->active[n->nactive++];
    memset(a, 0, sizeof *a);
    a->resident = ri;
    r->active = n->nactive;
    r->next_onset = NO_WEEK;
    return 0;
}

int resident_schedule_onset(const world_t *w, nbh_t *n, uint32_t ri, int week) {
    resident_t *r = &n->res[ri];
    double rate = n->onset_total[r->age_band];
    r->next_onset = NO_WEEK;
    if (rate <= 0) return 0;
    /* Onset in week week+1+k has probability (1-q) q^k with q = exp(-rate): the same law as a
     * weekly Bernoulli draw with p = 1 - exp(-rate), at one draw per onset instead of one per
     * week. */
    double k = floor(rng_exp(n->rng, rate));
    double at = week + 1 + k;
    if (at >= w->weeks_total) return 0;
    r->next_onset = (uint16_t)at;
    return u32vec_push(&n->calendar[(int)at], ri);
}

static void nbh_free(nbh_t *n, int weeks) {
    free(n->res);
    free(n->hh_first);
    free(n->active);
    if (n->calendar)
        for (int k = 0; k < weeks; k++) free(n->calendar[k].v);
    free(n->calendar);
    free(n->team.queue);
    free(n->team.cases);
    if (n->rng) gsl_rng_free(n->rng);
}

void world_free(world_t *w) {
    if (!w) return;
    for (int i = 0; w->nbh && i < w->nnbh; i++) nbh_free(&w->nbh[i], w->weeks_total);
    free(w->nbh);
    if (w->rng) gsl_rng_free(w->rng);
    free(w);
}

size_t world_bytes(const world_t *w) {
    size_t b = sizeof *w + (size_t)w->nnbh * sizeof(nbh_t);
    for (int i = 0; i < w->nnbh; i++) {
        const nbh_t *n = &w->nbh[i];
        b += (size_t)n->nres * sizeof(resident_t) + ((size_t)n->nhh + 1) * sizeof(uint32_t);
        b += (size_t)n->capactive * sizeof(active_t);
        b += (size_t)w->weeks_total * sizeof(u32vec_t);
        for (int k = 0; k < w->weeks_total; k++) b += (size_t)n->calendar[k].cap * sizeof(uint32_t);
        b += (size_t)n->team.qcap * sizeof(request_t) + (size_t)n->team.capcases * sizeof(case_t);
        b += gsl_rng_size(n->rng);
    }
    return b;
}

world_t *world_new(const params_t *p, uint64_t seed, int replicate, char *err, size_t errlen) {
    world_t *w = calloc(1, sizeof *w);
    if (!w) goto oom;
    w->p = *p;
    w->seed = seed;
    w->replicate = replicate;
    w->weeks_total = (int)(p->sim_burn_in_weeks[0] + p->sim_weeks[0]);
    if (w->weeks_total > (int)MAX_WEEKS) {
        snprintf(err, errlen,
                 "parameters 'sim.weeks' + 'sim.burn_in_weeks' = %d: expected at most %u weeks",
                 w->weeks_total, MAX_WEEKS);
        free(w);
        return NULL;
    }
    w->nnbh = (int)p->world_neighbourhoods[0];
    w->nbh = calloc((size_t)w->nnbh, sizeof *w->nbh);
    w->rng = rng_stream_new(seed, (uint64_t)replicate, RNG_STREAM_RUN);
    if (!w->nbh || !w->rng) goto oom;
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int i = 0; i < w->nnbh; i++) failed |= population_init(w, &w->nbh[i], i) != 0;
    if (failed) goto oom;
    return w;
oom:
    snprintf(err, errlen, "out of memory building the world");
    world_free(w);
    return NULL;
}
