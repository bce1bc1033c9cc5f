/* Team casework (MODEL_BRIEF s4.6).
 *
 * Every open case needs team.case_hours a week for full effect; when the hours left after
 * intake fall short, all cases get the same share (coverage), which scales their effect.
 * After the needs phase, a case improves its need by one level with weekly probability
 * 1 - exp(-team.case_effect x coverage / 52), a draw of its own (so a need can improve
 * spontaneously and through casework in the same week); it closes when the need is
 * resolved, or at the duration cap team.case_max_weeks (seed 002 L1068-1071) with the need
 * handed back to the resident. Last week's coverage also damps escalation (needs.c). */
#include "../sim/rng.h"
#include "models.h"

static void close_case(nbh_t *n, uint32_t k) {
    team_t *t = &n->team;
    sup_set(&n->res[t->cases[k].resident], t->cases[k].domain, SUP_NONE);
    t->cases[k] = t->cases[--t->ncases];
    n->m[OFF_cases_closed] += 1;
}

int casework_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    team_t *t = &n->team;
    double needed = t->ncases * p->team_case_hours[0];
    double given = needed < t->hours_left ? needed : t->hours_left;
    double coverage = needed > 0 ? given / needed : 1;
    double p_improve = rate_to_p(p->team_case_effect[0] / 52.0 * coverage);
    int cap = (int)p->team_case_max_weeks[0];
    n->m[OFF_hours_casework] += given;
    n->m[OFF_hours_casework_needed] += needed;
    /* Backwards, so a swap-remove only moves cases already visited. */
    for (uint32_t k = t->ncases; k-- > 0;) {
        case_t c = t->cases[k];
        int s = sev_get(&n->res[c.resident], c.domain);
        if (s != SEV_NONE && rng_bern(n->rng, p_improve)) need_set(n, c.resident, c.domain, --s, week);
        if (s == SEV_NONE) {
            close_case(n, k);
        } else if (week - c.opened + 1 >= cap) {
            close_case(n, k);
            n->m[OFF_cases_capped] += 1;
        }
    }
    t->coverage = coverage;
    return 0;
}
