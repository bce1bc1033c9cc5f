/* Access and triage: intake from the team's waiting list (MODEL_BRIEF s4.5).
 *
 * Every request made this week (self-referral, signal) enters the team's first-come,
 * first-served waiting list from the neighbourhoods' inboxes, in neighbourhood order; outreach
 * adds to it directly (prevention.c). A request whose need has passed while waiting leaves
 * the list without intake (a waiting exit); one whose status changed meanwhile (an emergency
 * referral after a crisis) lapsed then, and its exit was counted then (crisis.c).
 *
 * Time. When outreach and prevention are protected (team.prevention_protected), their share of
 * the client hours is set aside first. Of the rest, team.intake_share is for intake; each
 * intake costs team.intake_hours by severity (a light question at the front desk, the
 * kitchen-table conversation for heavier ones, seed 002 L946-1134), and hours for a
 * fractional intake carry over while people wait. What intake leaves goes to
 * paperwork, coordination and casework (casework.c).
 *
 * Triage after intake:
 *   below access.team_threshold, in a service that is an entitlement (specialist.entitlement:
 *     Wmo provisions, youth care) and at its referral threshold: the team does not take the
 *     need on, but the law does not let the municipality refuse it: it goes to the municipal
 *     desk for a decision and a referral (help_seeking.c);
 *   below access.team_threshold otherwise: advice, which lowers the need one level with probability
 *     team.advice_effect (seed 004 L257: most questions are simple); if it remains, in a
 *     volunteer domain, a share is also referred to a volunteer (volunteers.c);
 *   network first (access.network_first): a need below the referral threshold whose informal
 *     hours are at least half met is sent back to the network;
 *   otherwise a team case (casework.c), referred on at access.refer_threshold or above; when
 *     the intake looks at the whole household (access.whole_household), every other need of
 *     the household at the team threshold that has no support becomes a case as well.
 * Referrals, and the team's cases themselves, are in team.c. */
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "models.h"

/* Network first: a need below the referral threshold whose informal hours are half met. */
static int back_to_network(const params_t *p, nbh_t *n, uint32_t ri, int d, int s) {
    return p->access_network_first[0] && s < p->access_refer_threshold[d] &&
           active_of(n, ri)->informal_cover >= 0.5f;
}

static int open_and_refer(const world_t *w, team_t *t, nbh_t *n, uint32_t ri, int d, int s,
                          int week) {
    if (case_open(w, t, n, ri, d, CASE_ACTIVE, week) != 0) return -1;
    if (s >= w->p.access_refer_threshold[d])
        return team_refer(w, t, n, &t->cases[t->ncases - 1], week);
    return 0;
}

/* The outcome of an intake for need d of resident ri at severity s, brought in by `source`. */
static int triage(const world_t *w, team_t *t, nbh_t *n, uint32_t ri, int d, int s, int source,
                  int week) {
    const params_t *p = &w->p;
    if (s < p->access_team_threshold[0] && p->spec_entitlement[d] &&
        s >= p->access_refer_threshold[d]) {
        n->m[OFF_desk_referrals] += 1;
        n->m[OFF_intake_referrals] += 1;
        return desk_apply(p, n, ri, d, week);
    }
    if (s < p->access_team_threshold[0]) {
        sup_change(n, ri, d, SUP_NONE, week);
        n->m[OFF_advice] += 1;
        if (source == SRC_OUTREACH) n->m[OFF_advice_outreach] += 1;
        /* Advice may settle a question, not a chronic condition (needs.c). */
        if (!(active_of(n, ri)->chronic_mask >> d & 1) &&
            rng_bern(t->rng, p->team_advice_effect[0]))
            need_set(n, ri, d, --s, week);
        if (s > 0 && p->vol_domains[d] && rng_bern(t->rng, p->access_volunteer_referral[0]))
            return team_to_volunteer(n, ri, d, week);
        return 0;
    }
    if (back_to_network(p, n, ri, d, s)) {
        sup_change(n, ri, d, SUP_NONE, week);
        n->m[OFF_network_referrals] += 1;
        return 0;
    }
    if (s >= p->access_refer_threshold[d]) n->m[OFF_intake_referrals] += 1;
    if (open_and_refer(w, t, n, ri, d, s, week) != 0) return -1;
    if (!p->access_whole_household[0]) return 0;
    uint32_t h = n->res[ri].household;
    for (uint32_t j = n->hh_first[h]; j < n->hh_first[h + 1]; j++)
        for (int e = 0; e < N_DOMAINS; e++) {
            int se = sev_get(&n->res[j], e);
            if ((j == ri && e == d) || se < p->access_team_threshold[0] ||
                sup_get(&n->res[j], e) != SUP_NONE || back_to_network(p, n, j, e, se))
                continue;
            if (open_and_refer(w, t, n, j, e, se, week) != 0) return -1;
            n->m[OFF_cases_household] += 1;
        }
    return 0;
}

int access_week(world_t *w, team_t *t, int week) {
    const params_t *p = &w->p;
    double arriving = 0; /* intake hours of the requests that came in */
    for (int k = 0; k < t->nnbh; k++) {
        nbh_t *n = &w->nbh[t->first_nbh + k];
        queue_t *in = &n->inbox;
        for (uint32_t j = 0; j < in->len; j++) {
            request_t *q = queue_at(in, j);
            int s = sev_get(&n->res[q->resident], q->domain);
            arriving += s > 0 ? p->team_intake_hours[s - 1] : 0;
            if (queue_push(&t->queue, *q) != 0) return -1;
        }
        in->head = in->len = 0;
    }
    t->hours = team_client_hours(p, t);
    /* The joint team's hours of the week; what it did not use waits for the next referral, up to
     * one assessment (or a week's hours), so a team whose weekly share is below one
     * assessment still holds one every few weeks. */
    double joint = p->access_assessment_capacity[0] * t->residents / 10000;
    t->assess_left = p->access_demand_led[0]
                         ? fmin(t->assess_left + joint, fmax(joint, p->access_assessment_hours[0]))
                         : 0;
    t->reserved = p->team_prevention_protected[0] ? t->hours * p->team_prevention_share[0] : 0;
    double carried = t->intake_carry;
    double budget = (t->hours - t->reserved) * p->team_intake_share[0] + carried;
    double used = 0, waited = 0, per = 0;
    int intakes = 0;
    while (t->queue.len > 0) {
        request_t q = *queue_front(&t->queue);
        nbh_t *n = &w->nbh[q.nbh];
        if (!request_live(n, &q, SUP_WAITING)) { /* lapsed: its exit was counted then */
            queue_pop(&t->queue);
            continue;
        }
        int s = sev_get(&n->res[q.resident], q.domain);
        if (s == SEV_NONE) {
            queue_pop(&t->queue);
            sup_change(n, q.resident, q.domain, SUP_NONE, week);
            n->m[OFF_waiting_exits] += 1;
            continue;
        }
        per = p->team_intake_hours[s - 1];
        if (budget - used < per) break;
        queue_pop(&t->queue);
        used += per;
        n->m[OFF_intakes] += 1;
        n->m[OFF_intake_severity_total] += s;
        if (q.source == SRC_OUTREACH) {
            n->m[OFF_intakes_outreach] += 1;
            n->m[OFF_intake_severity_outreach_total] += s;
        } else { /* the wait for access: of requests residents and partners made (ODD 3.3) */
            intakes++;
            waited += week - q.since;
            n->m[OFF_intakes_asked] += 1;
            n->m[OFF_intake_wait_total] += week - q.since;
        }
        n->m[OFF_hours_intake] += per;
        if (triage(w, t, n, q.resident, q.domain, s, q.source, week) != 0) return -1;
    }
    /* Unused intake hours carry over only while people wait (at most the intake at the head). */
    t->intake_carry = t->queue.len > 0 ? fmin(budget - used, per) : 0;
    /* Hours carried in were not this week's; hours carried out are kept for next week. */
    t->hours_left = fmax(0, t->hours - t->reserved + carried - used - t->intake_carry);
    /* Trust follows the wait: this week's mean over the requests residents and partners made,
     * or the age of the oldest request if none of them got an intake. */
    double wait = intakes        ? waited / intakes
                  : t->queue.len ? week - queue_front(&t->queue)->since
                                 : 0;
    for (int k = 0; k < t->nnbh; k++) {
        nbh_t *n = &w->nbh[t->first_nbh + k];
        n->last_wait = wait;
        n->m[OFF_team_wait_worst] = wait;
        n->m[OFF_hours_client] += t->hours * n->nres / t->residents;
    }
    t->demand = arriving;
    return 0;
}
