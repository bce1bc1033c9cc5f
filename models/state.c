/* The world's state primitives, used by every model: growing arrays, a need's severity and
 * support status (with the counters that follow them), the request queues, the active pool
 * and the onset calendar. Building, cloning and freeing the world is world.c. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "models.h"
#include "world.h"

int array_reserve(void **items, uint32_t len, uint32_t *cap, size_t size, uint32_t first) {
    return array_reserve_by(items, len, cap, size, first, 1);
}

int array_reserve_by(void **items, uint32_t len, uint32_t *cap, size_t size, uint32_t first,
                     uint32_t step) {
    if (len < *cap) return 0;
    uint32_t nc = *cap ? *cap + *cap / step : first;
    void *nv = realloc(*items, (size_t)nc * size);
    if (!nv) return -1;
    *items = nv;
    *cap = nc;
    return 0;
}

int u32vec_grow(u32vec_t *v, uint32_t x) {
    if (array_reserve((void **)&v->v, v->len, &v->cap, sizeof *v->v, 16) != 0) return -1;
    v->v[v->len++] = x;
    return 0;
}

/* A resident's part of the week's stocks (what accounting.c reports), from its state. */
static void contribution(const nbh_t *n, uint32_t ri, tally_t *c) {
    const resident_t *r = &n->res[ri];
    const active_t *a = r->active ? &n->active[r->active - 1] : NULL;
    memset(c, 0, sizeof *c);
    double loss = r->flags & RF_OVERLOADED ? n->qol_overload : 0;
    int in_care = 0;
    for (unsigned dm = need_domains(r) | supported_domains(r); dm;) {
        int d = mask_next(&dm), s = sev_get(r, d), st = sup_get(r, d);
        if (s > 0) loss += n->qol_loss[s - 1];
        if (s > 0 && a && (a->chronic_mask >> d & 1)) c->chronic[d] = 1;
        c->with_need |= s > 0;
        int supported = st == SUP_VOLUNTEER || st == SUP_SPECIALIST || st == SUP_AFTERCARE ||
                        team_holds(a, d, st);
        c->unmet |= s >= SEV_MODERATE && !supported;
        in_care += st == SUP_SPECIALIST;
    }
    if (r->age_band == AGE_0_17) {
        int st = sup_get(r, DOM_PARENTING), team = team_holds(a, DOM_PARENTING, st);
        c->youth_care = st == SUP_SPECIALIST || team;
        c->youth_team = team;
    }
    if (in_care) c->clients[in_care < 3 ? in_care - 1 : 2] = 1;
    c->loss = llround((loss < 1 ? loss : 1) * 4294967296.0);
}

static void tally_add(tally_t *t, const tally_t *c, int sign) {
    t->loss += sign * c->loss;
    t->with_need += sign * c->with_need;
    t->unmet += sign * c->unmet;
    t->youth_care += sign * c->youth_care;
    t->youth_team += sign * c->youth_team;
    for (int d = 0; d < N_DOMAINS; d++)
        t->chronic[d] += sign * c->chronic[d];
    for (int k = 0; k < 3; k++)
        t->clients[k] += sign * c->clients[k];
}

void tally_resident(nbh_t *n, uint32_t ri, int sign) {
    tally_t c;
    contribution(n, ri, &c);
    tally_add(&n->tally, &c, sign);
    /* youth care this year: everyone who was in it at some time of the year (accounting.c) */
    if (sign > 0 && c.youth_care && !(n->res[ri].flags & RF_YOUTH_CARE_YEAR)) {
        n->res[ri].flags |= RF_YOUTH_CARE_YEAR;
        n->youth_care_year++;
    }
}

void tally_recount(nbh_t *n, tally_t *t) {
    memset(t, 0, sizeof *t);
    for (uint32_t i = 0; i < n->nactive; i++) {
        tally_t c;
        contribution(n, n->active[i].resident, &c);
        tally_add(t, &c, 1);
    }
}

void tally_params(const params_t *p, nbh_t *n) {
    for (int s = 0; s < SEV_CRISIS; s++)
        n->qol_loss[s] = p->qol_loss[s];
    n->qol_overload = p->qol_overload_loss[0];
    tally_recount(n, &n->tally);
}

void quality_set(nbh_t *n, uint32_t ri, int d, double q) {
    active_t *a = active_of(n, ri);
    uint8_t b = (uint8_t)(q * 255 + 0.5);
    int st = sup_get(&n->res[ri], d);
    if ((st == SUP_DECISION || st == SUP_SPEC_WAIT) && (a->quality[d] > 0) != (b > 0)) {
        tally_resident(n, ri, -1); /* whether the team holds the need changes */
        a->quality[d] = b;
        tally_resident(n, ri, 1);
        return;
    }
    a->quality[d] = b;
}

void overload_flip(nbh_t *n, uint32_t ri) {
    resident_t *r = &n->res[ri];
    int on = !(r->flags & RF_OVERLOADED);
    tally_resident(n, ri, -1);
    r->flags ^= RF_OVERLOADED;
    tally_resident(n, ri, 1);
    if (!on) pool_may_leave(n, ri);
}

void pool_may_leave(nbh_t *n, uint32_t ri) {
    if (u32vec_push(&n->leaving, ri) != 0) n->out_of_memory = 1;
}

void need_set(nbh_t *n, uint32_t ri, int d, int sev, int week) {
    assert(ri < n->nres && d >= 0 && d < N_DOMAINS && sev >= SEV_NONE && sev <= SEV_CRISIS);
    resident_t *r = &n->res[ri];
    int old = sev_get(r, d);
    if (old == sev) return;
    tally_resident(n, ri, -1);
    r->severity = (r->severity & ~(7u << (3 * d))) | ((uint32_t)sev << (3 * d));
    n->sev_count[d][old]--;
    n->sev_count[d][sev]++;
    assert(n->sev_count[d][old] >= 0); /* the counts follow every need */
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
    tally_resident(n, ri, 1);
    if (r->severity == 0) pool_may_leave(n, ri);
    pool_redraw(n, ri);
    if (sup_get(r, d) == SUP_SPECIALIST) { /* a client: the service's stocks, and its discharge */
        n->spec_clients[d][old >= SEV_SEVERE]--;
        n->spec_clients[d][sev >= SEV_SEVERE]++;
        if (sev == SEV_NONE && u32vec_push(&n->spec_resolved, ri << 3 | (uint32_t)d) != 0)
            n->out_of_memory = 1;
    }
    if (sup_get(r, d) == SUP_NONE) pool_reseek(n, ri); /* only needs without support seek */
}

void sup_change(nbh_t *n, uint32_t ri, int d, int s, int week) {
    assert(ri < n->nres && d >= 0 && d < N_DOMAINS && s >= 0 && s < N_SUPPORTS);
    resident_t *r = &n->res[ri];
    assert(r->active); /* a resident whose support changes has a need, so an active record */
    /* Leaving a specialist waiting list other than by admission is a waiting-list exit. */
    if (sup_get(r, d) == SUP_SPEC_WAIT && s != SUP_SPEC_WAIT && s != SUP_SPECIALIST)
        n->m[OFF_specialist_waiting_exits + d] += 1;
    tally_resident(n, ri, -1);
    /* A need without support seeks help, one with support does not: the bound changes when
     * a need gains its first support or loses the last. */
    if ((sup_get(r, d) == SUP_NONE) != (s == SUP_NONE) && sev_get(r, d) != SEV_NONE)
        pool_reseek(n, ri);
    r->support = (r->support & ~(15u << (4 * d))) | ((uint32_t)s << (4 * d));
    active_t *a = active_of(n, ri);
    a->sup_since[d] = (uint16_t)week;
    if (s != SUP_TEAM && s != SUP_DECISION && s != SUP_SPEC_WAIT) a->quality[d] = 0; /* until set */
    tally_resident(n, ri, 1);
    if (r->support == 0) pool_may_leave(n, ri);
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
    for (uint32_t k = 0; k < q->len; k++)
        nv[k] = q->v[(q->head + k) % q->cap];
    free(q->v);
    q->v = nv;
    q->cap = nc;
    q->head = 0;
    return 0;
}

int queue_push(queue_t *q, request_t r) {
    assert(r.domain < N_DOMAINS);
    if (queue_grow(q) != 0) return -1;
    assert(q->len < q->cap);
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

void pool_mark_slow(nbh_t *n, uint32_t ri, u32vec_t *list, uint8_t flag) {
    if (u32vec_push(list, ri) != 0) {
        n->out_of_memory = 1;
        return;
    }
    n->res[ri].flags |= flag;
}

/* The active pool grows by a quarter of its size at a time, not by doubling: it holds about a
 * third of the residents for the whole run, so a doubled array left about 9 bytes per resident
 * unused (docs/performance.md); a quarter leaves at most a fifth of it. */
int resident_activate(nbh_t *n, uint32_t ri) {
    resident_t *r = &n->res[ri];
    if (r->active) return 0;
    if (array_reserve_by((void **)&n->active, n->nactive, &n->capactive, sizeof *n->active, 1024,
                         4) != 0)
        return -1;
    active_t *a = &n->active[n->nactive++];
    memset(a, 0, sizeof *a);
    a->resident = ri;
    for (int d = 0; d < N_DOMAINS; d++)
        a->need_since[d] = a->sup_since[d] = NO_WEEK;
    a->care_since = a->event_week = a->seek_week = NO_WEEK;
    r->active = n->nactive;
    r->next_onset = NO_WEEK;
    r->flags &= (uint8_t) ~(RF_REDRAW | RF_RESEEK);
    pool_redraw(n, ri); /* its first candidate events */
    pool_reseek(n, ri);
    pool_may_leave(n, ri); /* leaves again unless something keeps it */
    return 0;
}

int candidate_week(const world_t *w, nbh_t *n, double rate, int from) {
    if (!(rate > 0)) return -1;
    double at = from + floor(rng_exp(n->rng, rate));
    return at < w->weeks_total ? (int)at : -1;
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
