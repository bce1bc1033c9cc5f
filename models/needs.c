/* Needs: onset, escalation and improvement in the six life domains (MODEL_BRIEF s4.2).
 *
 * Residents in the active pool are visited every week. A new need arises in one of the
 * domains without one, with competing hazards: the onset rates of their age band and
 * neighbourhood, multiplied by needs.comorbidity_rr for every domain in which they already
 * have a need (one draw for all domains, at most one onset a week). An existing need
 * worsens or improves by one level with competing weekly hazards: escalation is damped by
 * self-reliance and by team casework (at last week's casework coverage), improvement is
 * helped by self-reliance; a crisis is stabilised to severe after needs.crisis_weeks on
 * average. Residents not in the pool get their onset from the calendar, drawn when they
 * left it (world.c). */
#include <stdlib.h>

#include "../sim/rng.h"
#include "models.h"

static int onset_severity(const params_t *p, nbh_t *n) {
    return rng_bern(n->rng, p->needs_onset_moderate_share[0]) ? SEV_MODERATE : SEV_LIGHT;
}

static void evolve_need(const params_t *p, nbh_t *n, uint32_t ri, int d, int s, int week) {
    resident_t *r = &n->res[ri];
    if (s == SEV_CRISIS) {
        if (rng_bern(n->rng, 1.0 / p->needs_crisis_weeks[0])) /* geometric, mean crisis_weeks */
            need_set(n, ri, d, SEV_SEVERE, week);
        return;
    }
    double sr = r->self_reliance / 255.0, e = p->needs_self_reliance_effect[0];
    double esc = p->needs_escalation_rate[s - 1] / 52.0 * (1 + e * (0.5 - sr));
    double imp = p->needs_improvement_rate[s - 1] / 52.0 * (1 + e * (sr - 0.5));
    if (sup_get(r, d) == SUP_TEAM) esc *= 1 - p->team_case_protection[0] * n->team.coverage;
    double total = esc + imp;
    if (total <= 0) return;
    double u = gsl_rng_uniform(n->rng);
    double pe = rate_to_p(total);
    if (u >= pe) return;
    need_set(n, ri, d, u < pe * esc / total ? s + 1 : s - 1, week);
}

int needs_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    double comorb = p->needs_comorbidity_rr[0];
    uint32_t nactive = n->nactive; /* residents activated below start next week */
    for (uint32_t i = 0; i < nactive; i++) {
        uint32_t ri = n->active[i].resident;
        resident_t *r = &n->res[ri];
        int sev[N_DOMAINS];
        double mult = 1, free_rate = 0;
        for (int d = 0; d < N_DOMAINS; d++)
            if ((sev[d] = sev_get(r, d)) > 0) mult *= comorb;
        for (int d = 0; d < N_DOMAINS; d++) {
            if (sev[d] == SEV_NONE)
                free_rate += n->onset_rate[r->age_band][d];
            else
                evolve_need(p, n, ri, d, sev[d], week);
        }
        /* New needs in the domains without one: competing hazards, one draw for all. */
        double total = free_rate * mult, u = gsl_rng_uniform(n->rng), pany = rate_to_p(total);
        if (u >= pany) continue;
        u *= free_rate / pany;
        int d = 0;
        while (d < N_DOMAINS - 1 && (sev[d] != SEV_NONE || (u -= n->onset_rate[r->age_band][d]) >= 0)) d++;
        while (sev[d] != SEV_NONE || n->onset_rate[r->age_band][d] <= 0) d--; /* rounding */
        need_set(n, ri, d, onset_severity(p, n), week);
    }
    /* Onsets of residents with nothing going on, filed in this week's calendar bucket.
     * Entries made stale by a later re-draw are skipped. */
    u32vec_t *due = &n->calendar[week];
    for (uint32_t k = 0; k < due->len; k++) {
        uint32_t ri = due->v[k];
        resident_t *r = &n->res[ri];
        if (r->next_onset != week || r->active) continue;
        const double *rate = n->onset_rate[r->age_band];
        double u = gsl_rng_uniform(n->rng) * n->onset_total[r->age_band];
        int d = 0;
        while (d < N_DOMAINS - 1 && (u -= rate[d]) >= 0) d++;
        while (rate[d] <= 0 && d > 0) d--; /* rounding at the top end */
        if (resident_activate(n, ri) != 0) return -1;
        need_set(n, ri, d, onset_severity(p, n), week);
    }
    free(due->v);
    *due = (u32vec_t){0};
    return 0;
}
