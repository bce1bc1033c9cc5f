/* The team's API: the cases it opens and who takes them (the professional who already works
 * with the household where that one matches the need, otherwise the best match with the
 * lowest caseload), handing a leaver's cases over, the client hours its filled posts give,
 * and referring a case on. Used by access.c (intake), casework.c, specialist.c (aftercare)
 * and workforce.c (leavers).
 *
 * A referral (team_refer) is first assessed jointly when access.demand_led is on (again only if
 * the need has become heavier since) and the joint team (a team member, a provider and a
 * municipal officer) has hours left this week (access.assessment_capacity; referrals beyond
 * that go on as usual, so the joint team never takes the whole team's time). An assessment
 * takes access.assessment_hours person-hours: the team pays its member's third from its
 * client hours, the other two thirds are costed at cost.assessment_hour. With probability
 * access.demand_led_solve it finds another solution than a maatwerk provision (Breda: 18 of
 * 28, seed 001 L271-273): for a need within volunteers' reach (a domain where volunteers help,
 * volunteers.domains, below severe) a volunteer, as Breda's costs went into volunteer help and
 * the activities volunteers organise (seed 001 L283-285), and otherwise the team keeps the
 * need. Without a mandate (access.mandate) it waits for a municipal decision: weeks
 * (access.decision_weeks) and paperwork (access.decision_hours, cost.decision). Then it joins
 * the specialist service's waiting list while the team holds the case (seed 002 L724-725). */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "models.h"

/* People in a demand-led joint assessment: a team member, a provider and a municipal officer
 * (seed 001 L268-272). */
enum { JOINT_TEAM = 3 };

/* Need d of resident ri joins the queue for a volunteer match (volunteers.c). */
int team_to_volunteer(nbh_t *n, uint32_t ri, int d, int week) {
    sup_change(n, ri, d, SUP_VOL_WAIT, week);
    n->m[OFF_volunteer_referrals] += 1;
    return queue_push(&n->vol_queue,
                      (request_t){ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d, 0});
}

/* The professional for a new case of need d in household h of neighbourhood n. */
static int assign(const world_t *w, const team_t *t, const nbh_t *n, uint32_t h, int d, int week) {
    const params_t *p = &w->p;
    /* The first active case of the household whose professional fits; most households have
     * none, and their count says so without the scan. */
    for (uint32_t k = 0; n->hh_cases[h] && k < t->ncases; k++) {
        const case_t *c = &t->cases[k];
        if (c->kind != CASE_ACTIVE || c->nbh != n->index || n->res[c->resident].household != h)
            continue;
        const prof_t *s = &t->staff[c->prof];
        if (s->state != STAFF_VACANT && prof_effectiveness(p, s, d, week) >= p->team_reuse_match[0])
            return c->prof;
    }
    double top = -1;
    for (int k = 0; k < t->nstaff; k++)
        if (t->staff[k].state != STAFF_VACANT) {
            double e = prof_effectiveness(p, &t->staff[k], d, week);
            if (e > top) top = e;
        }
    int best = -1;
    for (int k = 0; k < t->nstaff; k++) {
        const prof_t *s = &t->staff[k];
        if (s->state == STAFF_VACANT || prof_effectiveness(p, s, d, week) < top - 0.05) continue;
        if (best < 0 || s->caseload < t->staff[best].caseload) best = k;
    }
    return best < 0 ? 0 : best;
}

int case_open(const world_t *w, team_t *t, nbh_t *n, uint32_t ri, int d, int kind, int week) {
    if (array_reserve((void **)&t->cases, t->ncases, &t->capcases, sizeof *t->cases, 256) != 0)
        return -1;
    int prof = t->nstaff ? assign(w, t, n, n->res[ri].household, d, week) : 0;
    assert(prof >= 0 && (t->nstaff == 0 || prof < t->nstaff));
    case_t c = {.resident = ri,
                .nbh = (uint16_t)n->index,
                .opened = (uint16_t)week,
                .domain = (uint8_t)d,
                .kind = (uint8_t)kind,
                .prof = (uint16_t)prof};
    if (kind == CASE_AFTERCARE) {
        c.until = (uint16_t)(week + w->p.aftercare_weeks[0]);
        sup_change(n, ri, d, SUP_AFTERCARE, week);
    } else {
        sup_change(n, ri, d, SUP_TEAM, week);
        n->m[OFF_cases_opened] += 1;
        if (t->nstaff) t->staff[prof].caseload++;
    }
    t->cases[t->ncases++] = c;
    if (kind == CASE_ACTIVE) case_counted(n, &c, 1);
    return 0;
}

void cases_hand_over(const world_t *w, team_t *t, int prof, int week) {
    t->staff[prof].caseload = 0;
    for (uint32_t k = 0; k < t->ncases; k++) {
        case_t *c = &t->cases[k];
        if (c->prof != prof) continue;
        const nbh_t *n = &w->nbh[c->nbh];
        c->prof = (uint16_t)assign(w, t, n, n->res[c->resident].household, c->domain, week);
        if (c->kind == CASE_ACTIVE) t->staff[c->prof].caseload++;
    }
}

double team_client_hours(const params_t *p, const team_t *t) {
    double fte = 0;
    for (int k = 0; k < t->nstaff; k++)
        if (t->staff[k].state == STAFF_WORKING) fte += t->staff[k].fte;
    return fte * p->team_hours_per_fte[0] * p->team_client_share[0];
}

int team_refer(const world_t *w, team_t *t, nbh_t *n, case_t *c, int week) {
    const params_t *p = &w->p;
    int s = sev_get(&n->res[c->resident], c->domain);
    double h = p->access_assessment_hours[0];
    if (p->access_demand_led[0] && s > c->assessed_sev && t->assess_left >= h) {
        /* The joint team's own hours; the team member's share comes from the team's time, the
         * provider's and the municipality's are costed. */
        t->assess_left -= h;
        t->assess_due += h / JOINT_TEAM;
        n->m[OFF_hours_assessment] += h;
        n->m[OFF_cost_assessment] += h * (JOINT_TEAM - 1) / JOINT_TEAM * p->cost_assessment_hour[0];
        n->m[OFF_assessments] += 1;
        c->assessed_sev = (uint8_t)s;
        if (rng_bern(t->rng, p->access_demand_led_solve[0])) {
            n->m[OFF_assessments_kept] += 1;
            /* Another solution than a maatwerk provision: where volunteers help with the
             * domain and the need is within their reach (below severe, volunteers.c), a
             * volunteer and what volunteers organise (seed 001 L283-285); the team case then
             * closes (casework.c). Otherwise the team keeps the need. */
            if (!p->vol_domains[c->domain] || s >= SEV_SEVERE) return 0;
            return team_to_volunteer(n, c->resident, c->domain, week);
        }
    }
    if (!p->access_mandate[0]) {
        t->admin_due += p->access_decision_hours[0];
        n->m[OFF_decisions] += 1;
        n->m[OFF_cost_admin] += p->cost_decision[0];
        c->until = (uint16_t)fmin(week + rng_weeks(t->rng, p->access_decision_weeks[0]), MAX_WEEKS);
        sup_change(n, c->resident, c->domain, SUP_DECISION, week);
        return 0;
    }
    sup_change(n, c->resident, c->domain, SUP_SPEC_WAIT, week);
    return queue_push(&t->outbox,
                      (request_t){c->resident, (uint16_t)n->index, (uint16_t)week, c->domain, 0});
}
