/* Prevention and outreach (MODEL_BRIEF s4.2, s4.4, s5).
 *
 * Collective prevention. Each neighbourhood has a prevention level between 0 and 1 that
 * follows spending with a lag (time constant prevention.lag_weeks; seed 004 L309: prevention
 * pays back slowly). Spending is the prevention budget (prevention.budget per 1000 residents)
 * plus the team's collective prevention hours valued at prevention.hour_value; the level it
 * tends to is 1 - exp(-spending / prevention.scale), so returns diminish. The onset rate of
 * domain d is multiplied by 1 - prevention.max_effect[d] x level (needs.c). The level starts
 * where past spending (prevention.past_budget, by default the budget itself) would hold it.
 *
 * Team time. The team's outreach and prevention hours (casework.c decides how many: protected,
 * or what casework leaves) are split by team.outreach_share. Outreach workers meet
 * team.outreach_contacts residents an hour, at random in the team's neighbourhoods, at the
 * places where daily life goes on (schools, community centres, supermarkets: seed 001
 * L217-221). Such places see beginning problems: a need without support is noticed with
 * probability team.outreach_notice by severity (high for light needs, low for severe ones,
 * whose owners have mostly withdrawn from daily life), and a noticed need (one at random, if
 * several) is put on the team's waiting list (vindplaatsgericht werken, seed 002 L1331-1381),
 * whether or not its owner would have asked: needs are found earlier and lighter than they
 * would have arrived, among people who would have asked later or never, and light needs get
 * advice or a volunteer after intake (access.c), which is more often enough. */
#include <gsl/gsl_randist.h>
#include <math.h>

#include "core/rng.h"
#include "models.h"

static double target_level(const params_t *p, const nbh_t *n, double budget, double team_hours) {
    double per1000 = n->nres / 1000.0;
    double spend = budget + (per1000 > 0 ? p->prev_hour_value[0] * team_hours * 52 / per1000 : 0);
    return 1 - exp(-spend / p->prev_scale[0]);
}

static void set_mult(const params_t *p, nbh_t *n) {
    for (int d = 0; d < N_DOMAINS; d++)
        n->prevention_mult[d] = 1 - p->prev_max_effect[d] * n->prevention_level;
}

void prevention_init(const params_t *p, nbh_t *n) {
    double past = p->prev_past_budget[0] >= 0 ? p->prev_past_budget[0] : p->prev_budget[0];
    n->prevention_level = target_level(p, n, past, 0);
    set_mult(p, n);
}

int prevention_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    const team_t *t = team_of(w, n);
    (void)week;
    double hours = t->residents > 0 ? t->prevention_hours * (1 - p->team_outreach_share[0]) *
                                          n->nres / t->residents
                                    : 0;
    n->prevention_level +=
        (target_level(p, n, p->prev_budget[0], hours) - n->prevention_level) / p->prev_lag_weeks[0];
    set_mult(p, n);
    n->m[OFF_prevention_level] = n->prevention_level * n->nres;
    n->m[OFF_cost_prevention] += p->prev_budget[0] * n->nres / 1000.0 / 52.0;
    return 0;
}

/* One of the resident's needs without support that the contact notices (team.outreach_notice
 * by severity: beginning problems show in daily life, severe ones have mostly withdrawn from
 * it), at random if several, or -1. */
static int noticed_need(const params_t *p, gsl_rng *rng, const resident_t *r) {
    int pick[N_DOMAINS], k = 0;
    for (int d = 0; d < N_DOMAINS; d++) {
        int s = sev_get(r, d);
        if (s > 0 && s < SEV_CRISIS && sup_get(r, d) == SUP_NONE &&
            rng_bern(rng, p->team_outreach_notice[s - 1]))
            pick[k++] = d;
    }
    return k ? pick[gsl_rng_uniform_int(rng, (unsigned long)k)] : -1;
}

int prevention_team_week(world_t *w, team_t *t, int week) {
    const params_t *p = &w->p;
    double out = t->prevention_hours * p->team_outreach_share[0];
    for (int k = 0; k < t->nnbh; k++) {
        nbh_t *n = &w->nbh[t->first_nbh + k];
        double f = n->nres / t->residents;
        n->m[OFF_hours_outreach] += out * f;
        n->m[OFF_hours_prevention] += (t->prevention_hours - out) * f;
    }
    unsigned contacts = out > 0 ? gsl_ran_poisson(t->rng, out * p->team_outreach_contacts[0]) : 0;
    for (unsigned c = 0; c < contacts; c++) {
        uint32_t x = (uint32_t)gsl_rng_uniform_int(t->rng, (unsigned long)t->residents);
        int k = 0;
        while (x >= w->nbh[t->first_nbh + k].nres)
            x -= w->nbh[t->first_nbh + k++].nres;
        nbh_t *n = &w->nbh[t->first_nbh + k];
        const resident_t *r = &n->res[x];
        int d = r->active ? noticed_need(p, t->rng, r) : -1;
        if (d < 0) continue;
        if (queue_push(&t->queue, (request_t){x, (uint16_t)n->index, (uint16_t)week, (uint8_t)d,
                                              SRC_OUTREACH}) != 0)
            return -1;
        sup_change(n, x, d, SUP_WAITING, week);
        n->m[OFF_outreach_found] += 1;
        n->m[OFF_help_requests] += 1;
        n->m[OFF_requests_outreach] += 1;
    }
    return 0;
}
