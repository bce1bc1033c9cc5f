/* Specialist ("second line") services, one per domain and municipality-wide (MODEL_BRIEF s3,
 * s4.8): debt counselling, mental health care, Wmo maatwerk, youth care, day activities,
 * shelter and Veilig Thuis.
 *
 * A serial phase, since the services are shared by all neighbourhoods. Referrals of the week
 * join the waiting lists in a fixed order: the teams' outboxes in team order (referrals after
 * intake or a municipal decision), then the neighbourhoods' outboxes in neighbourhood order
 * (GP referrals, applications decided at the municipal desk, emergency admissions after a
 * crisis, which go to the head of the list).
 * Clients leave when their need is resolved or after a stay of specialist.stay_weeks on
 * average (geometric: a weekly chance of 1 / stay_weeks; the week is drawn at admission, and
 * drawn again for every client when the parameter changes, which the memoryless stay allows),
 * into aftercare with the team when aftercare.weeks > 0 (aftercare notices
 * a need that remains and the team takes it up, casework.c) and with a raised relapse risk
 * after a resolution (needs.c). Then free places are filled first come, first served. A
 * referral whose need has passed, or whose status changed (the team closed the case), leaves
 * the list without admission. Care itself acts on the need in needs.c (specialist.effect,
 * specialist.protection).
 *
 * Capacity. Services with fixed capacity have specialist.places per 1000 residents: mental
 * health care, youth care, debt counselling and shelter, which have provider waiting lists in
 * the Netherlands (MODEL_BRIEF s10). Services bought open-house (Wmo home care and aids, day
 * activities: specialist.expand_weeks > 0) start from the contracted places and then follow
 * demand: each week providers move their places towards clients plus waiting list with that
 * time constant, so spending follows need and waiting comes from how fast providers grow.
 *
 * Engine. The phase is serial, so it reads as few scattered resident records as it can, and
 * it only decides serially: who is discharged (drawing, in the order of the lists, whether a
 * resolved client becomes a volunteer), who is admitted or leaves the list, and the end of each
 * new stay. What follows from each decision (the support status, the aftercare case, the relapse
 * window, the counts) touches only the client's neighbourhood and team, so it is applied per
 * team in parallel, each team's in the order decided: the same run as applying them in turn. The
 * clients of each neighbourhood and domain are counted by severity at every admission,
 * discharge and change of a client's need (nbh_t.spec_clients), so the stocks and costs need no
 * pass over the clients; a client whose need passes is filed by need_set (spec_resolved), so the
 * discharges look the client up in a small set instead of reading every client's severity.
 * Whether each referral on a waiting list still stands is read in parallel when the lists are
 * long (nothing changes a referral's standing after its service's admissions), so the run is
 * the same for any thread count.
 *
 * Cost. A client costs cost.specialist_week while their need is light or moderate
 * (ambulatory care) and cost.specialist_heavy_week while it is severe or in crisis
 * (residential youth care, clinical mental health care, intensive support): needs that
 * arrive heavier cost more per week and stay longer. */
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "models.h"

void services_update_places(world_t *w) {
    for (int d = 0; d < N_DOMAINS; d++) {
        service_t *s = &w->services[d];
        double contracted = w->p.spec_places[d] * (double)w->population / 1000.0;
        if (w->p.spec_expand_weeks[d] <= 0 || s->capacity < 0) s->capacity = contracted;
        s->places = (int)lround(s->capacity);
    }
}

/* Appends an outbox's referrals to the waiting lists; emergencies are set aside in `urgent`. */
static int take_referrals(world_t *w, queue_t *out, queue_t *urgent) {
    for (uint32_t k = 0; k < out->len; k++) {
        request_t q = *queue_at(out, k);
        double *m = w->nbh[q.nbh].m;
        int rc = q.source & REF_EMERGENCY ? queue_push(urgent, q)
                                          : queue_push(&w->services[q.domain].waiting, q);
        if (rc != 0) return -1;
        m[OFF_referrals + q.domain] += 1;
        if (q.source & REF_GP) m[OFF_referrals_gp + q.domain] += 1;
        if (q.source & REF_DESK) m[OFF_referrals_desk + q.domain] += 1;
        if (q.source & (REF_GP | REF_DESK | REF_EMERGENCY)) m[OFF_referrals_around + q.domain] += 1;
    }
    out->head = out->len = 0;
    return 0;
}

/* What the phase decided about one client or referral, applied afterwards per team. */
enum { EV_DISCHARGE, EV_ADMIT, EV_EXIT };
typedef struct {
    uint32_t resident;
    uint16_t nbh, since; /* since: the referral's week (admissions) */
    uint8_t domain, source, kind;
    uint8_t volunteer; /* a discharge after a resolution: the reciprocity draw said yes */
} event_t;

/* A discharge: into aftercare with the team when it has staff at work, with the relapse window
 * and perhaps a new volunteer after a resolution. */
static int discharge(world_t *w, const event_t *e, int week) {
    const params_t *p = &w->p;
    nbh_t *n = &w->nbh[e->nbh];
    int d = e->domain, sev = sev_get(&n->res[e->resident], d);
    n->m[OFF_specialist_discharges + d] += 1;
    n->spec_clients[d][sev >= SEV_SEVERE]--;
    if (sev == SEV_NONE) {
        active_t *a = active_of(n, e->resident);
        a->relapse_mask |= (uint8_t)(1u << d);
        a->watch_until = (uint16_t)(week + p->needs_relapse_weeks[0]);
        pool_redraw(n, e->resident); /* the onset's bound includes the relapse risk */
        if (e->volunteer && volunteer_join(p, n, e->resident) != 0) return -1;
    }
    if (p->aftercare_weeks[0] > 0 && team_client_hours(p, team_of(w, n)) > 0) /* staff at work */
        return case_open(w, team_of(w, n), n, e->resident, d, CASE_AFTERCARE, week);
    sup_change(n, e->resident, d, SUP_NONE, week);
    return 0;
}

static int apply(world_t *w, const event_t *e, int week) {
    nbh_t *n = &w->nbh[e->nbh];
    int d = e->domain;
    switch (e->kind) {
    case EV_DISCHARGE:
        return discharge(w, e, week);
    case EV_EXIT:                                      /* the need passed while it waited */
        sup_change(n, e->resident, d, SUP_NONE, week); /* counts the exit */
        return 0;
    default:
        n->spec_clients[d][sev_get(&n->res[e->resident], d) >= SEV_SEVERE]++;
        sup_change(n, e->resident, d, SUP_SPECIALIST, week);
        n->m[OFF_specialist_admissions + d] += 1;
        n->m[OFF_specialist_wait_total + d] += week - e->since;
        if (e->source & REF_EMERGENCY) n->m[OFF_emergency_admissions + d] += 1;
        return 0;
    }
}

/* Applies the phase's decisions: each team, in parallel, those of its neighbourhoods in the order
 * they were made (what follows from them touches only the team and its neighbourhoods, and the
 * draws were made when deciding), so the run is the same as applying them in turn. */
static int apply_all(world_t *w, const event_t *ev, uint32_t nev, int week) {
    uint32_t *first = calloc((size_t)w->nteams + 1, sizeof *first);
    uint32_t *order = malloc(((size_t)nev + 1) * sizeof *order);
    if (!first || !order) {
        free(first), free(order);
        return -1;
    }
    for (uint32_t k = 0; k < nev; k++)
        first[w->nbh[ev[k].nbh].team + 1]++;
    for (int t = 0; t < w->nteams; t++)
        first[t + 1] += first[t];
    for (uint32_t k = 0; k < nev; k++) /* stable: each team's in the order decided */
        order[first[w->nbh[ev[k].nbh].team]++] = k;
    for (int t = w->nteams; t > 0; t--) /* back to where each team's start */
        first[t] = first[t - 1];
    first[0] = 0;
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1)                                                      \
    reduction(|                                                                                    \
              : failed) if (nev >= SPECIALIST_PARALLEL_EVENTS)
    for (int t = 0; t < w->nteams; t++)
        for (uint32_t k = first[t]; k < first[t + 1] && !failed; k++)
            failed |= apply(w, &ev[order[k]], week) != 0;
    free(first), free(order);
    return failed ? -1 : 0;
}

/* The week a stay in service d ends that can end from week `from` on, on the run's stream. */
static uint16_t stay_end(world_t *w, int d, int from) {
    double end = from - 1 + rng_weeks(w->rng, w->p.spec_stay_weeks[d]);
    return (uint16_t)(end < w->weeks_total ? end : MAX_WEEKS);
}

void services_new_stays(world_t *w, const params_t *old, int week) {
    for (int d = 0; d < N_DOMAINS; d++) {
        service_t *s = &w->services[d];
        if (old->spec_stay_weeks[d] == w->p.spec_stay_weeks[d]) continue;
        for (uint32_t k = 0; k < s->nclients; k++) /* in the order of the list */
            s->clients[k].until = stay_end(w, d, week);
    }
}

/* A set of needs, (neighbourhood, resident, domain), with open addressing, for the phase: the
 * clients whose need passed, and the referrals decided on. */
typedef struct {
    uint64_t *key; /* 0: empty (keys are stored + 1) */
    size_t mask;
    uint32_t count;
} needset_t;

/* Room for up to n needs; -1 when out of memory. */
static int needset_init(needset_t *set, size_t n) {
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    set->key = calloc(size, sizeof *set->key);
    set->mask = size - 1, set->count = 0;
    return set->key ? 0 : -1;
}

static uint64_t needset_key(uint32_t nbh, uint32_t ri, int d) {
    return ((uint64_t)nbh << 35 | (uint64_t)ri << 3 | (uint64_t)d) + 1;
}

static size_t needset_slot(const needset_t *set, uint32_t nbh, uint32_t ri, int d) {
    uint64_t key = needset_key(nbh, ri, d);
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & set->mask;
    while (set->key[h] != 0 && set->key[h] != key)
        h = (h + 1) & set->mask;
    return h;
}

static int needset_has(const needset_t *set, uint32_t nbh, uint32_t ri, int d) {
    return set->count > 0 && set->key[needset_slot(set, nbh, ri, d)] != 0;
}

/* Adds the need; 0 when it was there already. */
static int needset_add(needset_t *set, uint32_t nbh, uint32_t ri, int d) {
    size_t h = needset_slot(set, nbh, ri, d);
    if (set->key[h] != 0) return 0;
    set->key[h] = needset_key(nbh, ri, d);
    set->count++;
    return 1;
}

/* The clients whose need passed since the last phase (need_set files them in their
 * neighbourhood's spec_resolved): the discharges ask this set for every client instead of
 * reading every client's severity. Entries whose need came back, or that are no longer clients,
 * are left out. */
static int resolved_gather(world_t *w, needset_t *set) {
    size_t filed = 0;
    for (int i = 0; i < w->nnbh; i++)
        filed += w->nbh[i].spec_resolved.len;
    if (needset_init(set, filed) != 0) return -1;
    for (int i = 0; i < w->nnbh; i++) {
        nbh_t *n = &w->nbh[i];
        for (uint32_t k = 0; k < n->spec_resolved.len; k++) {
            uint32_t ri = n->spec_resolved.v[k] >> 3;
            int d = (int)(n->spec_resolved.v[k] & 7);
            if (sev_get(&n->res[ri], d) == SEV_NONE && sup_get(&n->res[ri], d) == SUP_SPECIALIST)
                needset_add(set, (uint32_t)i, ri, d); /* else the need came back, or no client */
        }
        n->spec_resolved.len = 0;
    }
    return 0;
}

/* Whether each referral on the waiting lists still stands, service after service (live[first[d]
 * + k] for referral k of service d), read in parallel; NULL when out of memory. */
static uint8_t *referrals_live(world_t *w, uint32_t first[N_DOMAINS + 1]) {
    first[0] = 0;
    for (int d = 0; d < N_DOMAINS; d++)
        first[d + 1] = first[d] + w->services[d].waiting.len;
    uint8_t *live = malloc(first[N_DOMAINS] + 1);
    if (!live) return NULL;
#pragma omp parallel if (first[N_DOMAINS] >= SPECIALIST_PARALLEL_READS)
    for (int d = 0; d < N_DOMAINS; d++) {
        queue_t *q = &w->services[d].waiting;
#pragma omp for schedule(static) nowait
        for (uint32_t k = 0; k < q->len; k++) {
            request_t *r = queue_at(q, k);
            live[first[d] + k] = (uint8_t)request_live(&w->nbh[r->nbh], r, SUP_SPEC_WAIT);
        }
    }
    return live;
}

int specialist_week(world_t *w, int week) {
    const params_t *p = &w->p;
    services_update_places(w);
    queue_t urgent = {0};
    int rc = 0;
    for (int t = 0; t < w->nteams && rc == 0; t++)
        rc = take_referrals(w, &w->teams[t].outbox, &urgent);
    for (int i = 0; i < w->nnbh && rc == 0; i++)
        rc = take_referrals(w, &w->nbh[i].outbox, &urgent);
    /* Emergencies go to the head of their list, first come first: pushed front in reverse. */
    for (uint32_t k = urgent.len; k-- > 0 && rc == 0;) {
        request_t *q = queue_at(&urgent, k);
        rc = queue_push_front(&w->services[q->domain].waiting, *q);
    }
    free(urgent.v);
    if (rc != 0) return -1;
    needset_t resolved, decided;
    if (resolved_gather(w, &resolved) != 0) return -1;
    /* The referrals decided on in this phase (admitted, or left the list), so that a second
     * referral of the same need made in the same week is not taken too: their support changes
     * only when the decisions are applied. */
    size_t waiting_all = 0;
    for (int d = 0; d < N_DOMAINS; d++)
        waiting_all += w->services[d].waiting.len;
    rc = needset_init(&decided, waiting_all);
    event_t *ev = NULL;
    uint32_t nev = 0, capev = 0;
    for (int d = 0; d < N_DOMAINS && rc == 0; d++) {
        service_t *s = &w->services[d];
        /* Discharges, in the order of the client list (fixed for a seed): those whose need
         * passed (the only ones whose need is none), and those whose stay ends. */
        for (uint32_t k = 0; k < s->nclients && rc == 0;) {
            client_t c = s->clients[k];
            int passed = needset_has(&resolved, c.nbh, c.resident, d);
            if (c.until != week && !passed) {
                k++;
                continue;
            }
            s->clients[k] = s->clients[--s->nclients];
            rc = array_reserve((void **)&ev, nev, &capev, sizeof *ev, 256);
            if (rc == 0)
                ev[nev++] = (event_t){c.resident,
                                      c.nbh,
                                      0,
                                      (uint8_t)d,
                                      c.source,
                                      EV_DISCHARGE,
                                      (uint8_t)(passed && rng_bern(w->rng, p->vol_reciprocity[0]))};
        }
        /* Admissions. */
        while (rc == 0 && s->waiting.len > 0 && (int)s->nclients < s->places) {
            request_t q = *queue_front(&s->waiting);
            nbh_t *n = &w->nbh[q.nbh];
            queue_pop(&s->waiting);
            if (!request_live(n, &q, SUP_SPEC_WAIT)) continue; /* its exit was counted then */
            if (!needset_add(&decided, q.nbh, q.resident, d)) continue; /* decided on already */
            int admit = sev_get(&n->res[q.resident], d) != SEV_NONE;
            rc = array_reserve((void **)&ev, nev, &capev, sizeof *ev, 256);
            if (rc == 0)
                ev[nev++] = (event_t){q.resident, q.nbh,    q.since,
                                      (uint8_t)d, q.source, admit ? EV_ADMIT : EV_EXIT,
                                      0};
            if (rc != 0 || !admit) continue;
            rc = array_reserve((void **)&s->clients, s->nclients, &s->capclients,
                               sizeof *s->clients, 256);
            if (rc == 0)
                s->clients[s->nclients++] =
                    (client_t){q.resident, q.nbh,   (uint16_t)week, stay_end(w, d, week + 1),
                               (uint8_t)d, q.source};
        }
    }
    free(decided.key);
    if (rc == 0) rc = apply_all(w, ev, nev, week);
    free(ev);
    if (rc != 0) {
        free(resolved.key);
        return -1;
    }
    /* Standing of the referrals still waiting: fixed now, since only service d's discharges and
     * admissions change support in domain d. */
    uint32_t wfirst[N_DOMAINS + 1];
    uint8_t *live = referrals_live(w, wfirst);
    free(resolved.key);
    if (!live) return -1;
    /* Stocks and costs, attributed to the clients' neighbourhoods (kept at every admission,
     * discharge and change of a client's need). */
    for (int i = 0; i < w->nnbh; i++)
        for (int d = 0; d < N_DOMAINS; d++) {
            double *m = w->nbh[i].m, light = w->nbh[i].spec_clients[d][0],
                   heavy = w->nbh[i].spec_clients[d][1];
            m[OFF_specialist_clients + d] = light + heavy;
            m[OFF_specialist_clients_heavy + d] = heavy;
            m[OFF_cost_specialist + d] +=
                light * p->cost_specialist_week[d] + heavy * p->cost_specialist_heavy_week[d];
            m[OFF_specialist_waiting + d] = 0;
        }
    for (int d = 0; d < N_DOMAINS; d++) {
        service_t *s = &w->services[d];
        uint32_t waiting = 0;
        for (uint32_t k = 0; k < s->waiting.len; k++) { /* only referrals that still stand */
            if (!live[wfirst[d] + k]) continue;
            w->nbh[queue_at(&s->waiting, k)->nbh].m[OFF_specialist_waiting + d] += 1;
            waiting++;
        }
        /* Providers that follow demand add or shed places towards clients plus waiting list. */
        if (p->spec_expand_weeks[d] > 0)
            s->capacity += (s->nclients + waiting - s->capacity) / p->spec_expand_weeks[d];
    }
    free(live);
    return 0;
}
