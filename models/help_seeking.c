/* Help seeking and signalling (MODEL_BRIEF s4.4).
 *
 * Self-referral. A resident with a need and no support asks the team for help with a weekly
 * rate that rises with severity (seeking.rate), scaled by their propensity (gamma, mean 1;
 * care avoiders 0, seed 002 L714), by the share of attempts that get through the channel and
 * by trust. The channel loses access.barrier of attempts (office hours, digital or
 * written-only, seed 004 L183-185, seed 002 L1062), and access.distance_barrier more for
 * residents of a neighbourhood other than the team's base (nearby teams are asked more, seed
 * 002 L1963-1979). Trust follows the team's recent waiting times: it moves towards
 * exp(-wait / seeking.trust_wait) with time constant seeking.trust_weeks.
 *
 * Signals. Partners who see a need of severity 2 or more that has no support signal it to
 * the team, whether or not the resident would ask (seed 002 L1331-1381): the GP, the school
 * (children only), the housing corporation and energy firms, each with a rate per domain.
 * For a need at the referral threshold the GP may refer directly to the specialist service
 * (signals.gp_direct; GPs make 31-42 % of referrals to youth care, seed 002 L1026-1029).
 *
 * The municipal desk. The team is not the only gate (MODEL_BRIEF s10): a need at the referral
 * threshold that has no support may be brought straight to the municipality's own desk
 * (routes.desk: the Wmo desk, where anyone may report a need that the municipality must then
 * assess, Wmo 2015 art. 2.3.2; the debt-counselling desk; free-access day activities), and the
 * team sends needs it does not take on there when the service is an entitlement (access.c).
 * An application waits access.decision_weeks (rounded) for the municipal decision, costs
 * cost.decision, and then joins the service's waiting list as a referral around the team.
 *
 * Requests go to the neighbourhood's inbox, which the team's intake takes in (access.c);
 * direct referrals go to its outbox, which the specialist services take in (specialist.c). */
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "models.h"

static int request(nbh_t *n, uint32_t ri, int d, int src, int week) {
    if (queue_push(&n->inbox, (request_t){ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d,
                                          (uint8_t)src}) != 0)
        return -1;
    sup_change(n, ri, d, SUP_WAITING, week);
    n->m[OFF_help_requests] += 1;
    if (src == SRC_SIGNAL) n->m[OFF_requests_signal] += 1;
    return 0;
}

/* A partner's signal of need d: to the team, or from the GP straight to specialist care. */
static int partner_signal(const params_t *p, nbh_t *n, uint32_t ri, int d, int s, double gp_rate,
                          double total, int week) {
    int gp = rng_uniform(n->rng) * total < gp_rate;
    if (gp && s >= p->access_refer_threshold[d] && rng_bern(n->rng, p->signal_gp_direct[d])) {
        if (queue_push(&n->outbox, (request_t){ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d,
                                               REF_GP}) != 0)
            return -1;
        sup_change(n, ri, d, SUP_SPEC_WAIT, week);
        return 0;
    }
    return request(n, ri, d, SRC_SIGNAL, week);
}

int desk_apply(const params_t *p, nbh_t *n, uint32_t ri, int d, int week) {
    if (queue_push(&n->desk,
                   (request_t){ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d, REF_DESK}) != 0)
        return -1;
    sup_change(n, ri, d, SUP_DECISION, week);
    n->m[OFF_desk_applications] += 1;
    n->m[OFF_decisions] += 1;
    n->m[OFF_cost_admin] += p->cost_decision[0];
    return 0;
}

/* Applications whose decision is due become referrals (the delay is the same for all, so the
 * list is in order of due week); those whose status changed meanwhile lapse. */
static int desk_decide(const params_t *p, nbh_t *n, int week) {
    int delay = (int)lround(p->access_decision_weeks[0]);
    queue_t *q = &n->desk;
    while (q->len > 0) {
        request_t r = *queue_front(q);
        if (!request_live(n, &r, SUP_DECISION)) { /* lapsed (a crisis admission, say) */
            queue_pop(q);
            continue;
        }
        if (week - r.since < delay) break;
        queue_pop(q);
        if (sev_get(&n->res[r.resident], r.domain) == SEV_NONE) { /* passed meanwhile */
            sup_change(n, r.resident, r.domain, SUP_NONE, week);
            continue;
        }
        sup_change(n, r.resident, r.domain, SUP_SPEC_WAIT, week);
        r.since = (uint16_t)week;
        if (queue_push(&n->outbox, r) != 0) return -1;
    }
    return 0;
}

int help_seeking_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    if (desk_decide(p, n, week) != 0) return -1;
    const team_t *t = team_of(w, n);
    double through = 1 - p->access_barrier[0];
    if (n->index != t->first_nbh) through *= 1 - p->access_distance_barrier[0];
    n->trust += (exp(-n->last_wait / p->seek_trust_wait[0]) - n->trust) / p->seek_trust_weeks[0];
    double scale = through * n->trust / 52.0;
    /* The partners' weekly rates per domain (and with the school, for children), computed
     * once a week: the same quotients as per need. */
    double gp_rate[N_DOMAINS], other_rate[2][N_DOMAINS], desk_rate[N_DOMAINS];
    for (int d = 0; d < N_DOMAINS; d++) {
        gp_rate[d] = p->signal_gp[d] / 52.0;
        other_rate[0][d] = (p->signal_housing[d] + p->signal_energy[d]) / 52.0;
        other_rate[1][d] =
            (p->signal_housing[d] + p->signal_energy[d] + p->signal_school[d]) / 52.0;
        desk_rate[d] = p->route_desk[d] / 52.0;
    }
    for (uint32_t i = 0; i < n->nactive; i++) {
        uint32_t ri = n->active[i].resident;
        resident_t *r = &n->res[ri];
        if (r->severity == 0) continue; /* a carer without needs of their own */
        for (unsigned dm = need_domains(r) & ~supported_domains(r); dm;) {
            int d = mask_next(&dm), s = sev_get(r, d);
            double self = p->seek_rate[s - 1] * r->propensity / PROPENSITY_SCALE * scale;
            double gp = 0, other = 0, desk = 0;
            if (s >= SEV_MODERATE) {
                gp = gp_rate[d];
                other = other_rate[r->age_band == AGE_0_17][d];
            }
            if (s >= p->access_refer_threshold[d]) desk = desk_rate[d];
            /* Competing: the resident asks the team, someone goes to the desk, or a partner
             * signals first. */
            double total = self + desk + gp + other, u = rng_uniform(n->rng), pany;
            if (!rate_hit(u, total, &pany)) continue;
            u *= total / pany;
            int rc = u < self          ? request(n, ri, d, SRC_SELF, week)
                     : u < self + desk ? desk_apply(p, n, ri, d, week)
                                       : partner_signal(p, n, ri, d, s, gp, gp + other, week);
            if (rc != 0) return -1;
        }
    }
    n->m[OFF_trust] = n->trust * n->nres;
    return 0;
}
