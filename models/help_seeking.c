/* Help seeking: self-referral to the team (MODEL_BRIEF s4.4).
 *
 * A resident with a need and no support asks for help with a weekly rate that rises with
 * severity (seeking.rate), scaled by their own propensity (gamma, mean 1; care avoiders 0,
 * seed 002 L714) and by the share of attempts that get through the channel (1 -
 * access.barrier: office hours, digital or written-only applications, seed 004 L183-185,
 * seed 002 L1062). A request joins the team's waiting list. */
#include <stdlib.h>

#include "../sim/rng.h"
#include "models.h"

static int enqueue(team_t *t, uint32_t ri, int d, int week) {
    if (t->qlen == t->qcap) {
        uint32_t nc = t->qcap ? t->qcap * 2 : 256;
        request_t *nq = malloc(nc * sizeof *nq);
        if (!nq) return -1;
        for (uint32_t k = 0; k < t->qlen; k++) nq[k] = t->queue[(t->qhead + k) % t->qcap];
        free(t->queue);
        t->queue = nq;
        t->qcap = nc;
        t->qhead = 0;
    }
    t->queue[(t->qhead + t->qlen++) % t->qcap] =
        (request_t){.resident = ri, .since = (uint16_t)week, .domain = (uint8_t)d};
    return 0;
}

int help_seeking_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    double through = 1 - p->access_barrier[0];
    for (uint32_t i = 0; i < n->nactive; i++) {
        uint32_t ri = n->active[i].resident;
        resident_t *r = &n->res[ri];
        if (r->propensity == 0) continue;
        double scale = r->propensity / PROPENSITY_SCALE * through / 52.0;
        for (int d = 0; d < N_DOMAINS; d++) {
            int s = sev_get(r, d);
            if (s == SEV_NONE || sup_get(r, d) != SUP_NONE) continue;
            if (!rng_bern(n->rng, rate_to_p(p->seek_rate[s - 1] * scale))) continue;
            if (enqueue(&n->team, ri, d, week) != 0) return -1;
            sup_set(r, d, SUP_WAITING);
            n->m[OFF_help_requests] += 1;
        }
    }
    return 0;
}
