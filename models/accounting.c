/* Accounting (MODEL_BRIEF s4.11): end-of-week stocks, quality of life, the cost total, and
 * settling the active pool.
 *
 * Residents whose needs have all passed, who have no request, case or aftercare left, carry no
 * carer burden and are past their relapse window leave the active pool here and get the week
 * of their next onset drawn (world.c), so from then on they cost nothing per week.
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

/* Statuses under which the team holds a need. */
static int team_holds(const active_t *a, int d, int st) {
    return st == SUP_TEAM || ((st == SUP_DECISION || st == SUP_SPEC_WAIT) && a->quality[d] > 0);
}

int accounting_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    if (n->out_of_memory) return -1; /* a redraw list could not grow this week (world.h) */
    if ((week - (int)p->sim_burn_in_weeks[0]) % 52 == 0) { /* a new year for youth_care_year */
        for (uint32_t i = 0; i < n->nres; i++)
            n->res[i].flags &= (uint8_t)~RF_YOUTH_CARE_YEAR;
        n->youth_care_year = 0;
    }
    double with_need = 0, unmet = 0, loss_sum = 0, youth_care = 0, youth_team = 0;
    double clients_by_domains[3] = {0, 0, 0};
    for (uint32_t i = n->nactive; i-- > 0;) {
        active_t *a = &n->active[i];
        uint32_t ri = a->resident;
        resident_t *r = &n->res[ri];
        if (r->severity == 0 && r->support == 0 && a->burden <= 0 && a->given <= 0 &&
            week >= a->watch_until && !(r->flags & RF_OVERLOADED)) {
            n->active[i] = n->active[--n->nactive];
            if (i < n->nactive) n->res[n->active[i].resident].active = i + 1;
            r->active = 0;
            if (resident_schedule_onset(w, n, ri, week) != 0) return -1;
            continue;
        }
        double loss = r->flags & RF_OVERLOADED ? p->qol_overload_loss[0] : 0;
        if (r->severity == 0 && r->support == 0) { /* a carer without needs of their own */
            loss_sum += loss < 1 ? loss : 1;
            continue;
        }
        int any = 0, unmet_here = 0, in_care = 0;
        for (unsigned dm = need_domains(r) | supported_domains(r); dm;) {
            int d = mask_next(&dm), s = sev_get(r, d), st = sup_get(r, d);
            if (s > 0) loss += p->qol_loss[s - 1];
            if (s > 0 && (a->chronic_mask >> d & 1)) n->m[OFF_chronic_needs + d] += 1;
            any |= s > 0;
            int supported = st == SUP_VOLUNTEER || st == SUP_SPECIALIST || st == SUP_AFTERCARE ||
                            team_holds(a, d, st);
            unmet_here |= s >= SEV_MODERATE && !supported;
            in_care += st == SUP_SPECIALIST;
        }
        if (r->age_band == AGE_0_17) {
            int st = sup_get(r, DOM_PARENTING), team = team_holds(a, DOM_PARENTING, st);
            if (st == SUP_SPECIALIST || team) {
                youth_care += 1;
                youth_team += team;
                if (!(r->flags & RF_YOUTH_CARE_YEAR)) {
                    r->flags |= RF_YOUTH_CARE_YEAR;
                    n->youth_care_year++;
                }
            }
        }
        if (in_care) clients_by_domains[in_care < 3 ? in_care - 1 : 2] += 1;
        loss_sum += loss < 1 ? loss : 1;
        with_need += any;
        unmet += unmet_here;
    }
    double *m = n->m;
    m[OFF_residents] = n->nres;
    m[OFF_youth] = n->age_count[AGE_0_17];
    m[OFF_adults] = n->nres - n->age_count[AGE_0_17];
    for (int d = 0; d < N_DOMAINS; d++)
        for (int s = 0; s < N_SEVERITIES; s++)
            m[OFF_residents_by_severity + d * N_SEVERITIES + s] = (double)n->sev_count[d][s];
    m[OFF_residents_with_need] = with_need;
    m[OFF_unmet_need] = unmet;
    m[OFF_qol_sum] = n->nres - loss_sum;
    m[OFF_clients_1_domain] = clients_by_domains[0];
    m[OFF_clients_2_domains] = clients_by_domains[1];
    m[OFF_clients_3plus_domains] = clients_by_domains[2];
    m[OFF_youth_care_clients] = youth_care;
    m[OFF_youth_care_team] = youth_team;
    m[OFF_youth_care_year] = n->youth_care_year;
    m[OFF_volunteers] = n->nvols; /* at the end: former specialist clients join later in the week */
    series_sum_costs(m);
    if (week % 4 == 0) sort_pool(n);
    return 0;
}
