/* Volunteers (MODEL_BRIEF s3, s4.7).
 *
 * The pool. Each neighbourhood starts with volunteers.initial per 1000 residents (Koggenland:
 * ~130 for 22,600, seed 002 L1417-1419), drawn among residents aged 18-79. New volunteers are
 * recruited among residents of that age without needs at volunteers.recruit_rate, in
 * proportion to cohesion (x cohesion / 0.5), and former clients whose need was resolved with
 * support join with probability volunteers.reciprocity (seed 000 theme 3). Volunteers drop out
 * at volunteers.dropout a year, plus volunteers.overload_dropout while they have more clients
 * than they prefer, and at once when they get a severe need of their own.
 *
 * Matching. Needs referred by the team (access.c) wait for a match. A coordinator with
 * volunteers.coordinator_hours per 10,000 residents a week spends volunteers.match_hours on
 * each match (seed 003 L385-396: matching takes time; hours short of a match carry over while
 * needs wait, so small neighbourhoods match too), first come first served, to the volunteer
 * with the fewest clients: first those below their preferred number, then, if none, those below
 * volunteers.max_clients (overload). A match gives volunteers.hours a week and helps the need
 * (needs.c) until it is resolved, becomes severe (beyond a volunteer), or reaches
 * volunteers.max_weeks. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "models.h"

static int eligible(const resident_t *r) {
    return (r->age_band == AGE_18_64 || r->age_band == AGE_65_79) && !(r->flags & RF_VOLUNTEER);
}

int volunteer_join(const params_t *p, nbh_t *n, uint32_t ri) {
    (void)p;
    resident_t *r = &n->res[ri];
    if (!eligible(r)) return 0; /* volunteers are 18-79 and join once */
    if (array_reserve((void **)&n->vols, n->nvols, &n->capvols, sizeof *n->vols, 64) != 0)
        return -1;
    n->vols[n->nvols++] = (volunteer_t){.resident = ri};
    r->flags |= RF_VOLUNTEER;
    n->m[OFF_volunteer_recruits] += 1;
    return 0;
}

int volunteers_init(const params_t *p, nbh_t *n) {
    long want = lround(p->vol_initial[0] / 1000.0 * n->nres);
    for (long k = 0, tries = 0; k < want && tries < 20 * want; tries++) {
        uint32_t ri = (uint32_t)gsl_rng_uniform_int(n->rng, n->nres);
        if (!eligible(&n->res[ri])) continue;
        if (volunteer_join(p, n, ri) != 0) return -1;
        k++;
    }
    return 0;
}

/* Ends match j of volunteer v; the need goes back to no support if it is still theirs. */
static void end_match(nbh_t *n, volunteer_t *v, int j, int week) {
    request_t q = {v->client[j], (uint16_t)n->index, v->csince[j], v->cdomain[j], 0};
    if (request_live(n, &q, SUP_VOLUNTEER)) sup_change(n, q.resident, q.domain, SUP_NONE, week);
    v->nclients--;
    v->client[j] = v->client[v->nclients];
    v->cdomain[j] = v->cdomain[v->nclients];
    v->csince[j] = v->csince[v->nclients];
    n->m[OFF_volunteer_match_ends] += 1;
}

static int has_severe_need(const resident_t *r) {
    for (int d = 0; d < N_DOMAINS; d++)
        if (sev_get(r, d) >= SEV_SEVERE) return 1;
    return 0;
}

/* The volunteer to take a new client, or -1. */
static int free_volunteer(const params_t *p, const nbh_t *n) {
    int best = -1;
    for (uint32_t k = 0; k < n->nvols; k++)
        if (best < 0 || n->vols[k].nclients < n->vols[best].nclients) best = (int)k;
    if (best < 0 || n->vols[best].nclients >= p->vol_max_clients[0] ||
        n->vols[best].nclients >= MAX_VOL_CLIENTS)
        return -1;
    return best;
}

int volunteers_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    /* Dropout. */
    for (uint32_t k = n->nvols; k-- > 0;) {
        volunteer_t *v = &n->vols[k];
        resident_t *r = &n->res[v->resident];
        double rate = p->vol_dropout[0] +
                      (v->nclients > p->vol_preferred_clients[0] ? p->vol_overload_dropout[0] : 0);
        if (!has_severe_need(r) && !rng_bern(n->rng, rate_to_p(rate / 52.0))) continue;
        while (v->nclients)
            end_match(n, v, v->nclients - 1, week);
        r->flags &= (uint8_t)~RF_VOLUNTEER;
        n->vols[k] = n->vols[--n->nvols];
        n->m[OFF_volunteer_dropouts] += 1;
    }
    /* Recruitment among residents without needs. */
    double expect = p->vol_recruit_rate[0] / 1000.0 / 52.0 * n->nres * n->cohesion / 0.5;
    unsigned recruits = expect > 0 ? gsl_ran_poisson(n->rng, expect) : 0;
    for (unsigned k = 0; k < recruits && n->nres; k++) {
        uint32_t ri = (uint32_t)gsl_rng_uniform_int(n->rng, n->nres);
        if (eligible(&n->res[ri]) && n->res[ri].severity == 0 && volunteer_join(p, n, ri) != 0)
            return -1;
    }
    /* Running matches. */
    for (uint32_t k = 0; k < n->nvols; k++) {
        volunteer_t *v = &n->vols[k];
        for (int j = v->nclients; j-- > 0;) {
            request_t q = {v->client[j], (uint16_t)n->index, v->csince[j], v->cdomain[j], 0};
            if (!request_live(n, &q, SUP_VOLUNTEER)) {
                end_match(n, v, j, week);
                continue;
            }
            int s = sev_get(&n->res[q.resident], q.domain);
            if (s == SEV_NONE || s >= SEV_SEVERE || week - q.since >= p->vol_max_weeks[0]) {
                end_match(n, v, j, week);
                if (s == SEV_NONE && rng_bern(n->rng, p->vol_reciprocity[0]) &&
                    volunteer_join(p, n, q.resident) != 0)
                    return -1;
                continue;
            }
            n->m[OFF_volunteer_hours] += p->vol_hours[0];
        }
    }
    /* Matching by the coordinator. */
    double hours = p->vol_coordinator_hours[0] * n->nres / 10000.0, used = 0;
    double avail = hours + n->coord_carry;
    while (n->vol_queue.len > 0) {
        request_t q = *queue_front(&n->vol_queue);
        if (!request_live(n, &q, SUP_VOL_WAIT)) {
            queue_pop(&n->vol_queue);
            continue;
        }
        int s = sev_get(&n->res[q.resident], q.domain);
        if (s == SEV_NONE || s >= SEV_SEVERE) { /* passed, or beyond a volunteer: back to none */
            queue_pop(&n->vol_queue);
            sup_change(n, q.resident, q.domain, SUP_NONE, week);
            continue;
        }
        int k = free_volunteer(p, n);
        if (k < 0 || avail - used < p->vol_match_hours[0]) break;
        queue_pop(&n->vol_queue);
        used += p->vol_match_hours[0];
        volunteer_t *v = &n->vols[k];
        v->client[v->nclients] = q.resident;
        v->cdomain[v->nclients] = q.domain;
        v->csince[v->nclients] = (uint16_t)week;
        v->nclients++;
        sup_change(n, q.resident, q.domain, SUP_VOLUNTEER, week);
        n->m[OFF_volunteer_matches] += 1;
    }
    /* Hours for a match not yet complete carry over while needs wait (at most one match). */
    n->coord_carry = n->vol_queue.len > 0 ? fmin(avail - used, p->vol_match_hours[0]) : 0;
    uint32_t clients = 0;
    for (uint32_t k = 0; k < n->nvols; k++)
        clients += n->vols[k].nclients;
    n->m[OFF_volunteer_clients] = clients;
    n->m[OFF_volunteer_waiting] = n->vol_queue.len;
    n->m[OFF_coordinator_hours] += used;
    n->m[OFF_cost_volunteers] +=
        hours * p->cost_coordinator_hour[0] + n->nvols * p->cost_volunteer_week[0];
    return 0;
}
