/* Crises (MODEL_BRIEF s4.9).
 *
 * A need that reaches severity 4 triggers a crisis intervention (emergency placement,
 * eviction, admission): counted (need_set counts every escalation to crisis) and costed at
 * cost.crisis of its domain, plus cost.crisis_week for every week it stays in crisis. With
 * probability crisis.admit_share of its domain the crisis leads to an emergency admission, a
 * route around the team (MODEL_BRIEF s10: crisis placement, emergency admission, shelter,
 * Veilig Thuis): the need goes to the head of its specialist service's waiting list
 * (specialist.c), unless it is in specialist care or on the list already. Needs the team
 * refused or never saw arrive here later, heavier and dearer. Crisis intervention stabilises a
 * crisis to severe after crisis.weeks on average (a geometric duration). This phase runs before
 * specialist care, so emergency admissions happen in the week of the crisis when a place is free.
 */
#include "core/rng.h"
#include "models.h"

int crisis_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    /* New crises: cost, and maybe an emergency referral. They join the list of open crises. */
    for (uint32_t k = n->crisis_open; k < n->crises.len; k++) {
        uint32_t ri = n->crises.v[k] >> 3;
        int d = (int)(n->crises.v[k] & 7), st = sup_get(&n->res[ri], d);
        n->m[OFF_cost_crisis] += p->cost_crisis[d];
        n->m[OFF_crises_domain + d] += 1;
        if (st == SUP_SPECIALIST || st == SUP_SPEC_WAIT ||
            !rng_bern(n->rng, p->crisis_admit_share[d]))
            continue;
        if (st == SUP_WAITING) n->m[OFF_waiting_exits] += 1; /* leaves the intake list now */
        sup_change(n, ri, d, SUP_SPEC_WAIT, week);
        if (queue_push(&n->outbox, (request_t){ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d,
                                               REF_EMERGENCY}) != 0)
            return -1;
    }
    /* Open crises, in the order they arose: a week's cost, then maybe stabilised. */
    double p_stable = 1.0 / p->crisis_weeks[0];
    uint32_t kept = 0;
    for (uint32_t k = 0; k < n->crises.len; k++) {
        uint32_t ri = n->crises.v[k] >> 3;
        int d = (int)(n->crises.v[k] & 7);
        if (sev_get(&n->res[ri], d) != SEV_CRISIS) continue; /* stale: resolved otherwise */
        n->m[OFF_cost_crisis] += p->cost_crisis_week[d];
        if (rng_bern(n->rng, p_stable))
            need_set(n, ri, d, SEV_SEVERE, week);
        else
            n->crises.v[kept++] = n->crises.v[k];
    }
    n->crises.len = n->crisis_open = kept;
    n->m[OFF_crisis_needs] = kept;
    return 0;
}
