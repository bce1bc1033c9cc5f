/* Access and triage: intake from the waiting list (MODEL_BRIEF s4.5).
 *
 * The team reserves team.intake_share of its client hours for intake; each intake (the
 * kitchen-table conversation, seed 002 L946-1134) costs team.intake_hours, and requests are
 * taken first come, first served. Hours for a fractional intake carry over while people
 * wait. A request whose need has passed while waiting leaves the list without intake. After
 * intake a need below access.team_threshold gets advice, which lowers it one level with
 * probability team.advice_effect (seed 004 L257: most questions are simple); a heavier need
 * becomes a team case. */
#include <math.h>
#include <stdlib.h>

#include "../sim/rng.h"
#include "models.h"

double team_client_hours(const params_t *p, const team_t *t) {
    return t->fte * p->team_hours_per_fte[0] * p->team_client_share[0];
}

static int open_case(team_t *t, uint32_t ri, int d, int week) {
    if (array_reserve((void **)&t->cases, t->ncases, &t->capcases, sizeof *t->cases, 256) != 0)
        return -1;
    t->cases[t->ncases++] = (case_t){.resident = ri, .opened = (uint16_t)week, .domain = (uint8_t)d};
    return 0;
}

int access_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    team_t *t = &n->team;
    double client = team_client_hours(p, t);
    double carried = t->intake_carry;
    double budget = client * p->team_intake_share[0] + carried;
    double per = p->team_intake_hours[0], used = 0;
    n->m[OFF_hours_client] += client;
    while (t->qlen > 0) {
        request_t q = t->queue[t->qhead];
        resident_t *r = &n->res[q.resident];
        int s = sev_get(r, q.domain);
        if (s != SEV_NONE && budget - used < per) break;
        t->qhead = (t->qhead + 1) % t->qcap;
        t->qlen--;
        if (s == SEV_NONE) {
            sup_set(r, q.domain, SUP_NONE);
            n->m[OFF_waiting_exits] += 1;
            continue;
        }
        used += per;
        n->m[OFF_intakes] += 1;
        n->m[OFF_intake_wait_total] += week - q.since;
        if (s < p->access_team_threshold[0]) {
            sup_set(r, q.domain, SUP_NONE);
            n->m[OFF_advice] += 1;
            if (rng_bern(n->rng, p->team_advice_effect[0])) need_set(n, q.resident, q.domain, s - 1, week);
        } else {
            if (open_case(t, q.resident, q.domain, week) != 0) return -1;
            sup_set(r, q.domain, SUP_TEAM);
            n->m[OFF_cases_opened] += 1;
        }
    }
    /* Unused intake hours carry over only while people wait (at most one intake's worth). */
    t->intake_carry = t->qlen > 0 ? fmin(budget - used, per) : 0;
    n->m[OFF_hours_intake] += used;
    /* Hours carried in were not this week's; hours carried out are kept for next week. */
    t->hours_left = fmax(0, client + carried - used - t->intake_carry);
    return 0;
}
