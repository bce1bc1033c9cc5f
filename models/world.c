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

void sup_change(nbh_t *n, uint32_t ri, int d, int s, int week) {
    resident_t *r = &n->res[ri];
    /* Leaving a specialist waiting list other than by admission is a waiting-list exit. */
    if (sup_get(r, d) == SUP_SPEC_WAIT && s != SUP_SPEC_WAIT && s != SUP_SPECIALIST)
        n->m[OFF_specialist_waiting_exits + d] += 1;
    r->support = (r->support & ~(15u << (4 * d))) | ((uint32_t)s << (4 * d));
    active_t *a = active_of(n, ri);
    a->sup_since[d] = (uint16_t)week;
    if (s != SUP_TEAM && s != SUP_DECISION && s != SUP_SPEC_WAIT) a->quality[d] = 0; /* until set */
}

int request_live(nbh_t *n, const request_t *q, int status) {
    const resident_t *r = &n->res[q->resident];
    return r->active && sup_get(r, q->domain) == status &&
           n->active[r->active - 1].sup_since[q->domain] == q->since;
}

static int queue_grow(queue_t *q) {
    if (q->len < q->cap) return 0;
    uint32_t nc = q->cap ? q->cap * 2 : 64;
    request_t *nv = malloc(nc * sizeof *nv);
    if (!nv) return -1;
    for (uint32_t k = 0; k < q->len; k++) nv[k] = q->v[(q->head + k) % q->cap];
    free(q->v);
    q->v = nv;
    q->cap = nc;
    q->head = 0;
    return 0;
}

int queue_push(queue_t *q, request_t r) {
    if (queue_grow(q) != 0) return -1;
    q->v[(q->head + q->len++) % q->cap] = r;
    return 0;
}

int queue_push_front(queue_t *q, request_t r) {
    if (queue_grow(q) != 0) return -1;
    q->head = (q->head + q->cap - 1) % q->cap;
    q->v[q->head] = r;
    q->len++;
    return 0;
}

int resident_activate(nbh_t *n, uint32_t ri) {
    resident_t *r = &n->res[ri];
    if (r->active) return 0;
    if (array_reserve((void **)&n->active, n->nactive, &n->capactive, sizeof *n->active, 1024) != 0)
        return -1;
    active_t *a = &n->active[n->nactive++];
    memset(a, 0, sizeof *a);
    a->resident = ri;
    for (int d = 0; d < N_DOMAINS; d++) a->need_since[d] = a->sup_since[d] = NO_WEEK;
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
    free(n->tie_first);
    free(n->ties);
    free(n->active);
    if (n->calendar)
        for (int k = 0; k < weeks; k++) free(n->calendar[k].v);
    free(n->calendar);
    free(n->inbox.v);
    free(n->outbox.v);
    free(n->vol_queue.v);
    free(n->vols);
    free(n->crises.v);
    if (n->rng) gsl_rng_free(n->rng);
}

static void team_free(team_t *t) {
    free(t->staff);
    free(t->queue.v);
    free(t->cases);
    free(t->outbox.v);
    if (t->rng) gsl_rng_free(t->rng);
}

void world_free(world_t *w) {
    if (!w) return;
    for (int i = 0; w->nbh && i < w->nnbh; i++) nbh_free(&w->nbh[i], w->weeks_total);
    for (int i = 0; w->teams && i < w->nteams; i++) team_free(&w->teams[i]);
    for (int d = 0; d < N_DOMAINS; d++) {
        free(w->services[d].waiting.v);
        free(w->services[d].clients);
    }
    free(w->nbh);
    free(w->teams);
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
        b += ((size_t)n->nres + 1) * sizeof(uint32_t) + (size_t)n->tie_first[n->nres] * sizeof(uint32_t);
        b += ((size_t)n->inbox.cap + n->outbox.cap + n->vol_queue.cap) * sizeof(request_t);
        b += (size_t)n->capvols * sizeof(volunteer_t) + (size_t)n->crises.cap * sizeof(uint32_t);
        b += gsl_rng_size(n->rng);
    }
    for (int i = 0; i < w->nteams; i++) {
        const team_t *t = &w->teams[i];
        b += (size_t)t->capstaff * sizeof(prof_t) + (size_t)t->capcases * sizeof(case_t);
        b += ((size_t)t->queue.cap + t->outbox.cap) * sizeof(request_t) + gsl_rng_size(t->rng);
    }
    for (int d = 0; d < N_DOMAINS; d++)
        b += (size_t)w->services[d].waiting.cap * sizeof(request_t) +
             (size_t)w->services[d].capclients * sizeof(request_t);
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
    w->nteams = p->world_teams[0] > 0 ? (int)p->world_teams[0] : w->nnbh;
    if (w->nteams > w->nnbh) {
        snprintf(err, errlen,
                 "parameter 'world.teams' = %d: expected at most one team per neighbourhood "
                 "('world.neighbourhoods' = %d)",
                 w->nteams, w->nnbh);
        world_free(w);
        return NULL;
    }
    w->teams = calloc((size_t)w->nteams, sizeof *w->teams);
    if (!w->teams) goto oom;
    /* Teams serve consecutive neighbourhoods, as evenly as the division allows. */
    for (int t = 0; t < w->nteams; t++) {
        w->teams[t].first_nbh = (int)((long)t * w->nnbh / w->nteams);
        w->teams[t].nnbh = (int)((long)(t + 1) * w->nnbh / w->nteams) - w->teams[t].first_nbh;
        for (int k = 0; k < w->teams[t].nnbh; k++) w->nbh[w->teams[t].first_nbh + k].team = t;
    }
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int i = 0; i < w->nnbh; i++) failed |= population_init(w, &w->nbh[i], i) != 0;
    if (failed) goto oom;
    for (int i = 0; i < w->nnbh; i++) {
        w->population += w->nbh[i].nres;
        w->teams[w->nbh[i].team].residents += w->nbh[i].nres;
    }
    for (int t = 0; t < w->nteams; t++)
        if (team_init(w, &w->teams[t], t) != 0) goto oom;
    services_update_places(w);
    return w;
oom:
    snprintf(err, errlen, "out of memory building the world");
    world_free(w);
    return NULL;
}
