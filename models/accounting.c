/* Accounting (MODEL_BRIEF s4.11): end-of-week stocks, quality of life, the cost total, and
 * settling the active pool.
 *
 * Residents whose needs have all passed, who have no request, case or aftercare left, carry no
 * carer burden and are past their relapse window leave the active pool here and get the week
 * of their next onset drawn (world.c), so from then on they cost nothing per week. Only those
 * filed when one of these ended are looked at (pool_may_leave).
 *
 * The stocks are not counted by a pass over the pool: each resident's part is taken out and
 * put back around every change of the state it follows (tally_resident, state.c), so the
 * week's stocks are those of the state at its end, as a count would find them.
 *
 * Quality of life: a resident's index is 1 minus qol.loss for each need by severity, minus
 * qol.overload_loss for an overloaded carer, at least 0; qol_sum adds it up over residents.
 * Youth care counts residents aged 0-17 in specialist youth care or with a team case in
 * parenting; youth_care_year remembers them until the next year starts (52 weeks from the end
 * of the burn-in). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

static int by_resident(const void *a, const void *b) {
    uint32_t x = ((const active_t *)a)->resident, y = ((const active_t *)b)->resident;
    return x < y ? -1 : x > y;
}

/* Every few weeks the pool is put back in resident order, so the weekly passes over it walk
 * the resident array forwards instead of jumping about (memory latency dominates them). */
static void sort_pool(nbh_t *n) {
    if (n->nactive < 2) return; /* nothing to sort (and qsort must not see a null array) */
    /* Each resident is in the pool at most once and knows its place (res[].active), so one
     * pass over the residents lays the pool out in their order: the order qsort gives, without
     * its comparisons (3 % of a run). qsort when there is no memory for the copy. */
    active_t *sorted = malloc(sizeof *sorted * n->nactive);
    if (!sorted) {
        qsort(n->active, n->nactive, sizeof *n->active, by_resident);
    } else {
        uint32_t k = 0;
        for (uint32_t ri = 0; ri < n->nres && k < n->nactive; ri++)
            if (n->res[ri].active) sorted[k++] = n->active[n->res[ri].active - 1];
        assert(k == n->nactive);
        memcpy(n->active, sorted, sizeof *sorted * n->nactive);
        free(sorted);
    }
    for (uint32_t i = 0; i < n->nactive; i++)
        n->res[n->active[i].resident].active = i + 1;
}

/* Whether a pool member has nothing left that keeps it in the pool: no need, no support status,
 * no carer's burden or overload, no open relapse window. */
static int nothing_left(const nbh_t *n, const active_t *a, int week) {
    const resident_t *r = &n->res[a->resident];
    return r->severity == 0 && r->support == 0 && a->burden <= 0 && a->given <= 0 &&
           week >= a->watch_until && !(r->flags & RF_OVERLOADED);
}

/* The pool members filed as possibly leaving (pool_may_leave: a need, a support status, a
 * carer's burden or overload ended; a relapse window ends this week) leave when nothing is
 * left, and get the week of their next onset drawn. One whose relapse window is still open is
 * filed again for the week it ends. */
static int settle_pool(const world_t *w, nbh_t *n, int week) {
    for (uint32_t k = 0; k < n->leaving.len; k++) {
        uint32_t ri = n->leaving.v[k];
        resident_t *r = &n->res[ri];
        if (!r->active) continue; /* filed twice */
        uint32_t i = r->active - 1;
        active_t *a = &n->active[i];
        if (!nothing_left(n, a, week)) { /* kept only by its relapse window: file its end */
            if (a->watch_until < w->weeks_total && nothing_left(n, a, a->watch_until) &&
                u32vec_push(&n->calendar[a->watch_until], ri | LEAVE_EVENT) != 0)
                return -1;
            continue;
        }
        n->active[i] = n->active[--n->nactive];
        if (i < n->nactive) n->res[n->active[i].resident].active = i + 1;
        r->active = 0;
        if (resident_schedule_onset(w, n, ri, week) != 0) return -1;
    }
    n->leaving.len = 0;
    return 0;
}

int accounting_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    if (n->out_of_memory) return -1; /* a list could not grow this week (world.h) */
    if ((week - (int)p->sim_burn_in_weeks[0]) % 52 == 0) { /* a new year for youth_care_year */
        for (uint32_t i = 0; i < n->nres; i++)
            n->res[i].flags &= (uint8_t)~RF_YOUTH_CARE_YEAR;
        n->youth_care_year = 0;
        for (uint32_t i = 0; i < n->nactive; i++) { /* those in youth care now count again */
            tally_resident(n, n->active[i].resident, -1);
            tally_resident(n, n->active[i].resident, 1);
        }
    }
    if (settle_pool(w, n, week) != 0) return -1;
    /* The stocks, kept up to date at each change of state (tally_resident). */
    const tally_t *t = &n->tally;
    double *m = n->m;
    m[OFF_residents] = n->nres;
    m[OFF_youth] = n->age_count[AGE_0_17];
    m[OFF_adults] = n->nres - n->age_count[AGE_0_17];
    for (int d = 0; d < N_DOMAINS; d++)
        for (int s = 0; s < N_SEVERITIES; s++)
            m[OFF_residents_by_severity + d * N_SEVERITIES + s] = (double)n->sev_count[d][s];
    for (int d = 0; d < N_DOMAINS; d++)
        m[OFF_chronic_needs + d] = t->chronic[d];
    m[OFF_residents_with_need] = t->with_need;
    m[OFF_unmet_need] = t->unmet;
    m[OFF_qol_sum] = n->nres - (double)t->loss / 4294967296.0;
    m[OFF_clients_1_domain] = t->clients[0];
    m[OFF_clients_2_domains] = t->clients[1];
    m[OFF_clients_3plus_domains] = t->clients[2];
    m[OFF_youth_care_clients] = t->youth_care;
    m[OFF_youth_care_team] = t->youth_team;
    m[OFF_youth_care_year] = n->youth_care_year;
    m[OFF_volunteers] = n->nvols; /* at the end: former specialist clients join later in the week */
    series_sum_costs(m);
    if (week % 4 == 0) sort_pool(n);
    return 0;
}
