/* Accounting (MODEL_BRIEF s4.11): end-of-week stocks, costs, and settling the active pool.
 *
 * Residents whose needs have all passed and who have no request or case left leave the
 * active pool here, and get the week of their next onset drawn (world.c), so from then on
 * they cost nothing per week. */
#include "models.h"

int accounting_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    double with_need = 0, unmet = 0;
    for (uint32_t i = n->nactive; i-- > 0;) {
        uint32_t ri = n->active[i].resident;
        resident_t *r = &n->res[ri];
        if (r->severity == 0 && r->support == 0) {
            n->active[i] = n->active[--n->nactive];
            n->res[n->active[i].resident].active = i + 1;
            r->active = 0;
            if (resident_schedule_onset(w, n, ri, week) != 0) return -1;
            continue;
        }
        int any = 0, unmet_here = 0;
        for (int d = 0; d < N_DOMAINS; d++) {
            int s = sev_get(r, d), sup = sup_get(r, d);
            any |= s > 0;
            unmet_here |= s >= SEV_MODERATE && (sup == SUP_NONE || sup == SUP_WAITING);
        }
        with_need += any;
        unmet += unmet_here;
    }
    double *m = n->m;
    m[OFF_residents] = n->nres;
    for (int d = 0; d < N_DOMAINS; d++)
        for (int s = 0; s < N_SEVERITIES; s++)
            m[OFF_residents_by_severity + d * N_SEVERITIES + s] = (double)n->sev_count[d][s];
    m[OFF_residents_with_need] = with_need;
    m[OFF_unmet_need] = unmet;
    m[OFF_waiting_list] = n->team.qlen;
    m[OFF_team_cases] = n->team.ncases;
    m[OFF_team_fte] = n->team.fte;
    m[OFF_cost_team_staff] = n->team.fte * p->cost_team_fte_year[0] / 52.0;
    m[OFF_cost_total] = m[OFF_cost_team_staff];
    return 0;
}
