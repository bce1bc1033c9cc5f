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
 * Events, not weeks. As in needs.c, a pool member's rates (one per need without support) are
 * drawn at their bound with full trust (trust is at most 1) and thinned with the week's rates:
 * its next candidate week is filed in the calendar (passed on by the needs phase through
 * seek_due) and redrawn when a need or its support status changes (pool_reseek).
 *
 * Requests go to the neighbourhood's inbox, which the team's intake takes in (access.c);
 * direct referrals go to its outbox, which the specialist services take in (specialist.c). */
#include <assert.h>
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

/* The week's rates of help seeking that do not depend on the resident: the share of attempts
 * that get through and the partners' rates per domain (and with the school, for children). */
typedef struct {
    double through, scale; /* scale: through x trust / 52 */
    double gp[N_DOMAINS], other[2][N_DOMAINS], desk[N_DOMAINS];
} seek_table_t;

static void seek_table(const world_t *w, const nbh_t *n, seek_table_t *t) {
    const params_t *p = &w->p;
    t->through = 1 - p->access_barrier[0];
    if (n->index != w->teams[n->team].first_nbh) t->through *= 1 - p->access_distance_barrier[0];
    t->scale = t->through * n->trust / 52.0;
    for (int d = 0; d < N_DOMAINS; d++) {
        t->gp[d] = p->signal_gp[d] / 52.0;
        t->other[0][d] = (p->signal_housing[d] + p->signal_energy[d]) / 52.0;
        t->other[1][d] = (p->signal_housing[d] + p->signal_energy[d] + p->signal_school[d]) / 52.0;
        t->desk[d] = p->route_desk[d] / 52.0;
    }
}

/* The weekly rates of need d (severity s, no support) of resident r: asking the team (at
 * `scale`: trust for the week's rate, none for its bound), the desk and the partners. */
static double seek_rates(const params_t *p, const seek_table_t *t, const resident_t *r, int d,
                         int s, double scale, double *self, double *desk, double *gp) {
    *self = p->seek_rate[s - 1] * r->propensity / PROPENSITY_SCALE * scale;
    *gp = 0, *desk = 0;
    double other = 0;
    if (s >= SEV_MODERATE) {
        *gp = t->gp[d];
        other = t->other[r->age_band == AGE_0_17][d];
    }
    if (s >= p->access_refer_threshold[d]) *desk = t->desk[d];
    return *self + *desk + *gp + other;
}

/* The bounds of a pool member's help-seeking hazards, one per need without support: the rates
 * at full trust (trust is at most 1), which hold until a need or its support changes or the
 * parameters do (pool_reseek). Returns their sum. */
static double seek_bounds(const params_t *p, const seek_table_t *t, const resident_t *r,
                          double b[N_DOMAINS]) {
    double total = 0, self, desk, gp;
    unsigned open = need_domains(r) & ~supported_domains(r);
    for (int d = 0; d < N_DOMAINS; d++) {
        b[d] = 0;
        if (open >> d & 1)
            b[d] = seek_rates(p, t, r, d, sev_get(r, d), t->through / 52.0, &self, &desk, &gp) *
                   (1 + 1e-9);
        total += b[d];
    }
    return total;
}

/* Files the pool member's next candidate help-seeking week, `from` or later (as needs.c files
 * its need events): this week's go straight to the list help seeking works through. */
static int seek_schedule(const world_t *w, nbh_t *n, uint32_t ri, double total, int from,
                         int week) {
    int at = candidate_week(w, n, total, from);
    active_of(n, ri)->seek_week = at < 0 ? NO_WEEK : (uint16_t)at;
    if (at < 0) return 0;
    if (at == week) return u32vec_push(&n->seek_due, ri);
    return u32vec_push(&n->calendar[at], ri | SEEK_EVENT);
}

/* A pool member's candidate week: the bound process's points (at least one), each falling to a
 * need in proportion to its bound and kept with the share of the bound the week's rate is
 * (thinning, as for needs in needs.c): a need with a kept point is taken somewhere, by the
 * route where the point fell within its rate. */
static int seek_event(const world_t *w, const seek_table_t *t, nbh_t *n, uint32_t ri, int week) {
    const params_t *p = &w->p;
    const resident_t *r = &n->res[ri];
    double b[N_DOMAINS], x[N_DOMAINS], h[N_DOMAINS];
    double total = seek_bounds(p, t, r, b);
    active_of(n, ri)->seek_week = NO_WEEK;
    if (!(total > 0)) return 0;
    int points = rng_poisson_positive(n->rng, total);
    unsigned kept = 0;
    for (int k = 0; k < N_DOMAINS; k++)
        h[k] = -1;
    for (int k = 0; k < points; k++) {
        double v;
        int d = bound_pick(n->rng, b, N_DOMAINS, total, &v);
        if (h[d] < 0) {
            double self, desk, gp;
            h[d] = seek_rates(p, t, r, d, sev_get(r, d), t->scale, &self, &desk, &gp);
            assert(h[d] <= b[d]); /* the bound holds */
        }
        if (v < h[d] && !(kept >> d & 1)) kept |= 1u << d, x[d] = v;
    }
    for (unsigned km = kept; km;) {
        int d = mask_next(&km), s = sev_get(r, d);
        double self, desk, gp, all = seek_rates(p, t, r, d, s, t->scale, &self, &desk, &gp);
        /* Competing: the resident asks the team, someone goes to the desk, or a partner
         * signals first. */
        int rc = x[d] < self          ? request(n, ri, d, SRC_SELF, week)
                 : x[d] < self + desk ? desk_apply(p, n, ri, d, week)
                                      : partner_signal(p, n, ri, d, s, gp, all - self - desk, week);
        if (rc != 0) return -1;
    }
    /* A request or application marked it for a redraw; otherwise the next point now. */
    if (!(n->res[ri].flags & RF_RESEEK)) return seek_schedule(w, n, ri, total, week + 1, week);
    return 0;
}

int help_seeking_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    if (desk_decide(p, n, week) != 0) return -1;
    n->trust += (exp(-n->last_wait / p->seek_trust_wait[0]) - n->trust) / p->seek_trust_weeks[0];
    seek_table_t t;
    seek_table(w, n, &t);
    if (n->out_of_memory) return -1;
    int rc = 0;
    /* Pool members whose needs or support changed since the last help seeking (or that are new
     * to the pool; all of them after new parameters) get their next candidate week drawn from
     * this week on. */
    if (n->redraw_all & 2) {
        n->redraw_all &= (uint8_t)~2;
        for (uint32_t i = 0; i < n->nactive && rc == 0; i++) {
            double b[N_DOMAINS];
            resident_t *r = &n->res[n->active[i].resident];
            r->flags &= (uint8_t)~RF_RESEEK;
            rc = seek_schedule(w, n, n->active[i].resident, seek_bounds(p, &t, r, b), week, week);
        }
    }
    for (uint32_t k = 0; k < n->reseek.len && rc == 0; k++) {
        uint32_t ri = n->reseek.v[k];
        resident_t *r = &n->res[ri];
        if (!(r->flags & RF_RESEEK)) continue;
        r->flags &= (uint8_t)~RF_RESEEK;
        if (!r->active) continue;
        double b[N_DOMAINS];
        rc = seek_schedule(w, n, ri, seek_bounds(p, &t, r, b), week, week);
    }
    n->reseek.len = 0;
    /* This week's candidates; entries made stale by a later draw are skipped, as are residents
     * whose needs or support changed earlier in this phase. */
    for (uint32_t k = 0; k < n->seek_due.len && rc == 0; k++) {
        uint32_t ri = n->seek_due.v[k];
        const resident_t *r = &n->res[ri];
        if (r->active && !(r->flags & RF_RESEEK) && active_of(n, ri)->seek_week == week)
            rc = seek_event(w, &t, n, ri, week);
    }
    n->seek_due.len = 0;
    n->m[OFF_trust] = n->trust * n->nres;
    return rc;
}
