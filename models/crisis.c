/* Crises (MODEL_BRIEF s4.9).
 *
 * A need that reaches severity 4 triggers a crisis intervention (emergency placement,
 * eviction, admission): counted (need_set counts every escalation to crisis) and costed at
 * cost.crisis, plus cost.crisis_week for every week a need stays in crisis. With probability
 * crisis.admit_share the crisis leads to an emergency admission: the need goes to the head of
 * its specialist service's waiting list (specialist.c), unless it is in specialist care or
 * on the list already. Crisis intervention stabilises a crisis to severe after
 * crisis.weeks on average (a geometric duration). This phase runs before specialist
 * care, so emergency admissions happen in the week of the crisis when a place is free. */
#include "../sim/rng.h"
#include "models.h"

int crisis_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    for (uint32_t k = 0; k < n->new_crises.len; k++) {
        uint32_t ri = n->new_crises.v[k] >> 3;
        int d = (int)(n->new_crises.v[k] & 7), st = sup_get(&n->res[ri], d);
        n->m[OFF_cost_crisis] += p->cost_crisis[0];
        if (st == SUP_SPECIALIST || st == SUP_SPEC_WAIT || !rng_bern(n->rng, p->crisis_admit_share[0]))
            continue;
        sup_change(n, ri, d, SUP_SPEC_WAIT, week);
        if (queue_push(&n->outbox, (request_t){ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d,
                                               REF_EMERGENCY}) != 0)
            return -1;
    }
    n->new_crises.len = 0;
    double in_crisis = 0, p_stable = 1.0 / p->crisis_weeks[0];
    for (uint32_t i = 0; i < n->nactive; i++) {
        uint32_t ri = n->active[i].resident;
        for (int d = 0; d < N_DOMAINS; d++) {
            if (sev_get(&n->res[ri], d) != SEV_CRISIS) continue;
            n->m[OFF_cost_crisis] += p->cost_crisis_week[0];
            if (rng_bern(n->rng, p_stable))
                need_set(n, ri, d, SEV_SEVERE, week);
            else
                in_crisis += 1;
        }
    }
    n->m[OFF_crisis_needs] = in_crisis;
    return 0;
}
