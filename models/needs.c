/* Needs: onset, escalation and improvement in the six life domains (MODEL_BRIEF s4.2).
 *
 * Onset. A resident gets a new need in a domain without one with the onset rate of their age
 * band and neighbourhood deprivation (population.c), times the prevention multiplier
 * (prevention.c), times needs.comorbidity_rr for every domain in which they already have a
 * need, times needs.overload_rr when they are an overloaded carer, times needs.relapse_rr in a
 * domain where a supported need was resolved recently (less under aftercare, in proportion to
 * the aftercare hours given). Residents in
 * the active pool draw once a week for all domains (competing hazards, at most one onset a
 * week). Residents outside it have their onset week filed in the calendar, drawn at the rate
 * before prevention; when it comes, the domain is drawn and the onset kept with probability
 * prevention_mult[d] (thinning, exact for a rate that only falls), else the next week is
 * drawn.
 *
 * Evolution. An existing need below crisis worsens or improves by one level with competing
 * weekly hazards. Escalation is damped by self-reliance and by support, improvement is
 * helped by both (and scaled per domain by needs.domain_improvement: daily living is mostly
 * chronic): team casework at last week's coverage x effectiveness, a matched volunteer,
 * a specialist service, and informal help in proportion to the share of informal hours met.
 * Crises are handled in crisis.c.
 *
 * Spill-over. When a finances or housing need becomes severe, each other household member may
 * develop a need of their own: mental health for adults, parenting for children (debt problems
 * go together with other problems, seed 002 L583-585, L1041-1045). */
#include <assert.h>
#include <stdlib.h>

#include "core/rng.h"
#include "models.h"

static int onset_severity(const params_t *p, nbh_t *n) {
    return rng_bern(n->rng, p->needs_onset_moderate_share[0]) ? SEV_MODERATE : SEV_LIGHT;
}

/* A new need of resident ri (active) in domain d: its severity, and whether it is chronic
 * (needs.chronic_share; drawn only in domains that have chronic needs). */
static void onset(const params_t *p, nbh_t *n, uint32_t ri, int d, int week) {
    need_set(n, ri, d, onset_severity(p, n), week);
    active_t *a = active_of(n, ri);
    a->chronic_mask &= (uint8_t) ~(1u << d);
    if (p->needs_chronic_share[d] > 0 && rng_bern(n->rng, p->needs_chronic_share[d]))
        a->chronic_mask |= (uint8_t)(1u << d);
}

/* The week's constants of escalation and improvement: every quotient the hazards use, taken
 * once per neighbourhood and week instead of once per need (the same quotients, so the same
 * numbers), and the self-reliance and quality terms per value of their byte. */
typedef struct {
    double esc[SEV_SEVERE], imp[SEV_SEVERE]; /* per week, by severity - 1 (light to severe) */
    double esc_sr[256], imp_sr[256];         /* 1 -/+ e (self-reliance - 0.5) */
    double q[256];                           /* a quality byte as 0..1 */
    double team_imp, vol_imp, inf_imp, spec_imp[N_DOMAINS], chronic_end[N_DOMAINS];
    /* An upper bound of a need's weekly hazard whatever its support and informal cover
     * (support multiplies escalation by at most 1 and adds at most sup_most[d] and the informal
     * effect to improvement; every effect and protection is at least 0), and whether the
     * hazard is surely above 0, per domain, severity - 1 and chronic or not. */
    double sup_most[N_DOMAINS];
    int surely[N_DOMAINS][SEV_SEVERE][2];
} evolve_table_t;

static void evolve_table(const params_t *p, evolve_table_t *t) {
    double e = p->needs_self_reliance_effect[0];
    for (int s = 0; s < SEV_SEVERE; s++) {
        t->esc[s] = p->needs_escalation_rate[s] / 52.0;
        t->imp[s] = p->needs_improvement_rate[s] / 52.0;
    }
    for (int k = 0; k < 256; k++) {
        double sr = k / 255.0;
        t->esc_sr[k] = 1 + e * (0.5 - sr);
        t->imp_sr[k] = 1 + e * (sr - 0.5);
        t->q[k] = k / 255.0;
    }
    t->team_imp = p->team_case_effect[0] / 52.0;
    t->vol_imp = p->vol_effect[0] / 52.0;
    t->inf_imp = p->informal_effect[0] / 52.0;
    for (int d = 0; d < N_DOMAINS; d++) {
        t->spec_imp[d] = p->spec_effect[d] / 52.0;
        t->chronic_end[d] = p->needs_chronic_end[d] / 52.0;
        double most = t->team_imp > t->vol_imp ? t->team_imp : t->vol_imp;
        t->sup_most[d] = (most > t->spec_imp[d] ? most : t->spec_imp[d]) +
                         t->inf_imp * p->informal_domain_weight[d];
        /* The smallest factor support and informal cover put on escalation. */
        double prot = p->team_case_protection[0];
        if (p->vol_protection[0] > prot) prot = p->vol_protection[0];
        if (p->spec_protection[d] > prot) prot = p->spec_protection[d];
        double least = (1 - prot) * (1 - p->informal_protection[0] * p->informal_domain_weight[d]);
        for (int s = 0; s < SEV_SEVERE; s++) {
            int esc = t->esc[s] > 0 && least > 0; /* esc_sr is above 0: e < 2 */
            t->surely[d][s][0] = esc || (t->imp[s] > 0 && p->needs_domain_improvement[d] > 0);
            t->surely[d][s][1] = esc || t->chronic_end[d] > 0;
        }
    }
}

/* The upper bound of a need's weekly hazard (evolve_table_t), a little above the computed
 * hazard's rounding. */
static double hazard_bound(const params_t *p, const evolve_table_t *t, int d, int s, int sr,
                           int chronic) {
    double b = t->esc[s - 1] * t->esc_sr[sr];
    if (chronic)
        b += t->chronic_end[d];
    else
        b += (t->imp[s - 1] * t->imp_sr[sr] + t->sup_most[d]) * p->needs_domain_improvement[d];
    return b * (1 + 1e-9);
}

/* Extra weekly improvement rate from support, and the factor on escalation. */
static double support_effect(const params_t *p, const evolve_table_t *t, const active_t *a, int d,
                             int status, double *esc) {
    double imp = 0, m = 1;
    switch (status) {
    case SUP_TEAM:
    case SUP_DECISION:
    case SUP_SPEC_WAIT: {
        double q = t->q[a->quality[d]]; /* 0 unless a team case holds it */
        imp += t->team_imp * q;
        m *= 1 - p->team_case_protection[0] * q;
        break;
    }
    case SUP_VOLUNTEER:
        imp += t->vol_imp;
        m *= 1 - p->vol_protection[0];
        break;
    case SUP_SPECIALIST:
        imp += t->spec_imp[d];
        m *= 1 - p->spec_protection[d];
        break;
    default:
        break;
    }
    double c = a->informal_cover * p->informal_domain_weight[d];
    imp += t->inf_imp * c;
    m *= 1 - p->informal_protection[0] * c;
    *esc = m;
    return imp;
}

/* Each other household member may get a need of their own (mental health for adults,
 * parenting for children). */
static int spill_over(const params_t *p, nbh_t *n, uint32_t ri, int week) {
    uint32_t h = n->res[ri].household;
    for (uint32_t j = n->hh_first[h]; j < n->hh_first[h + 1]; j++) {
        if (j == ri) continue;
        int d = n->res[j].age_band == AGE_0_17 ? DOM_PARENTING : DOM_MENTAL;
        if (sev_get(&n->res[j], d) != SEV_NONE || !rng_bern(n->rng, p->needs_spillover[0]))
            continue;
        if (resident_activate(n, j) != 0) return -1;
        onset(p, n, j, d, week);
        n->m[OFF_spillovers] += 1;
    }
    return 0;
}

static int evolve_need(const params_t *p, const evolve_table_t *t, nbh_t *n, uint32_t slot, int d,
                       int s, int week) {
    active_t *a = &n->active[slot];
    uint32_t ri = a->resident;
    resident_t *r = &n->res[ri];
    /* Most need-weeks pass without a change: when the hazard is surely above 0 (so that the
     * draw below is made anyway), the draw comes first and a draw at or above the bound is a
     * miss, as rate_hit would find it, without working out the hazard itself. */
    int chronic = a->chronic_mask >> d & 1;
    double u = -1;
    if (t->surely[d][s - 1][chronic]) {
        u = rng_uniform(n->rng);
        if (u >= hazard_bound(p, t, d, s, r->self_reliance, chronic)) return 0;
    }
    double esc_mult;
    double esc = t->esc[s - 1] * t->esc_sr[r->self_reliance];
    double imp = t->imp[s - 1] * t->imp_sr[r->self_reliance];
    imp += support_effect(p, t, a, d, sup_get(r, d), &esc_mult);
    imp *= p->needs_domain_improvement[d];
    esc *= esc_mult;
    /* A chronic need does not improve; it leaves the municipality's care at needs.chronic_end. */
    double end = 0;
    if (chronic) {
        imp = 0;
        end = t->chronic_end[d];
    }
    double total = esc + imp + end, pe;
    assert(u < 0 || total > 0); /* surely above 0 */
    if (total <= 0) return 0;
    if (u < 0) u = rng_uniform(n->rng);
    if (!rate_hit(u, total, &pe)) return 0;
    if (end > 0 && u >= pe * (esc + imp) / total) {
        a->chronic_mask &= (uint8_t) ~(1u << d);
        n->m[OFF_chronic_ends + d] += 1;
        need_set(n, ri, d, SEV_NONE, week);
        return 0;
    }
    if (u >= pe * esc / total) {
        need_set(n, ri, d, s - 1, week);
        return 0;
    }
    need_set(n, ri, d, s + 1, week);
    if (s + 1 == SEV_CRISIS && u32vec_push(&n->crises, ri << 3 | (uint32_t)d) != 0) return -1;
    if (s + 1 == SEV_SEVERE && (d == DOM_FINANCES || d == DOM_HOUSING))
        return spill_over(p, n, ri, week);
    return 0;
}

/* Onset rate multiplier of domain d from prevention and, for an overloaded carer, overload: the
 * whole multiplier outside a relapse window (onset_table), and onset_mult's first factors. */
static double onset_base_mult(const params_t *p, const nbh_t *n, int overloaded, int d) {
    double m = n->prevention_mult[d];
    if (overloaded) m *= p->needs_overload_rr[d];
    return m;
}

/* Whether the resident's relapse window is still open (for the domains in relapse_mask). */
static int relapse_window_open(const active_t *a, int week) {
    return week < a->watch_until;
}

/* Onset rate multiplier of domain d for an active resident, apart from comorbidity. */
static double onset_mult(const params_t *p, const nbh_t *n, const active_t *a, const resident_t *r,
                         int d, int week) {
    double m = onset_base_mult(p, n, (r->flags & RF_OVERLOADED) != 0, d);
    if ((a->relapse_mask >> d & 1) && relapse_window_open(a, week)) {
        double extra = p->needs_relapse_rr[0] - 1;
        if (sup_get(r, d) == SUP_AFTERCARE)
            extra *= 1 - p->aftercare_effect[0] * a->quality[d] / 255.0;
        m *= 1 + extra;
    }
    return m;
}

static void note_relapse(nbh_t *n, const active_t *a, int d, int week) {
    if ((a->relapse_mask >> d & 1) && relapse_window_open(a, week)) n->m[OFF_relapses] += 1;
}

/* Onset rates of the week per age band, for a resident outside a relapse window, not
 * overloaded (0) and overloaded (1): onset_mult's products, computed once a week instead of
 * once per resident (the same operations in the same order, so the same numbers). */
typedef struct {
    double rate[N_AGE_BANDS][2][N_DOMAINS];
    double total[N_AGE_BANDS][2]; /* summed over domains in order, as needs_week sums them */
} onset_table_t;

static void onset_table(const params_t *p, const nbh_t *n, onset_table_t *t) {
    for (int a = 0; a < N_AGE_BANDS; a++)
        for (int o = 0; o < 2; o++) {
            t->total[a][o] = 0;
            for (int d = 0; d < N_DOMAINS; d++) {
                t->rate[a][o][d] = n->onset_rate[a][d] * onset_base_mult(p, n, o, d);
                t->total[a][o] += t->rate[a][o][d];
            }
        }
}

int needs_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    double comorb = p->needs_comorbidity_rr[0];
    onset_table_t tab;
    onset_table(p, n, &tab);
    evolve_table_t evo;
    evolve_table(p, &evo);
    uint32_t nactive = n->nactive; /* residents activated below start next week */
    for (uint32_t i = 0; i < nactive; i++) {
        uint32_t ri = n->active[i].resident;
        resident_t *r = &n->res[ri];
        int relapse = n->active[i].relapse_mask != 0 && relapse_window_open(&n->active[i], week);
        const double *base = tab.rate[r->age_band][(r->flags & RF_OVERLOADED) != 0];
        double rate[N_DOMAINS], free_rate = 0, mult = 1, u, pany;
        if (r->severity == 0 && !relapse) {
            /* No need and no relapse risk (half the pool are such carers): the table's
             * rates as they are. */
            free_rate = tab.total[r->age_band][(r->flags & RF_OVERLOADED) != 0];
            for (int d = 0; d < N_DOMAINS; d++)
                rate[d] = base[d];
            u = rng_uniform(n->rng);
        } else {
            int sev[N_DOMAINS];
            unsigned needs = 0;
            for (int d = 0; d < N_DOMAINS; d++)
                if ((sev[d] = sev_get(r, d)) > 0) mult *= comorb, needs |= 1u << d;
            for (unsigned dm = needs; dm;) {
                int d = mask_next(&dm);
                if (sev[d] < SEV_CRISIS && evolve_need(p, &evo, n, i, d, sev[d], week) != 0)
                    return -1;
            }
            /* The onset draw; outside a relapse window the free domains' rates add up to at
             * most the table's total, so a draw above it is a miss without them (the rates
             * depend on nothing the evolution above changes). */
            u = rng_uniform(n->rng);
            if (!relapse &&
                u >= tab.total[r->age_band][(r->flags & RF_OVERLOADED) != 0] * mult * (1 + 1e-9))
                continue;
            for (int d = 0; d < N_DOMAINS; d++) {
                rate[d] = 0;
                if (sev[d] != SEV_NONE) continue;
                rate[d] = relapse ? n->onset_rate[r->age_band][d] *
                                        onset_mult(p, n, &n->active[i], r, d, week)
                                  : base[d];
                free_rate += rate[d];
            }
        }
        /* New needs in the domains without one: competing hazards, one draw for all. */
        if (!rate_hit(u, free_rate * mult, &pany)) continue;
        u *= free_rate / pany;
        int d = 0;
        while (d < N_DOMAINS - 1 && (rate[d] <= 0 || (u -= rate[d]) >= 0))
            d++;
        while (rate[d] <= 0)
            d--; /* rounding at the top end */
        note_relapse(n, &n->active[i], d, week);
        onset(p, n, ri, d, week);
    }
    /* Onsets of residents with nothing going on, filed in this week's calendar bucket.
     * Entries made stale by a later re-draw are skipped. */
    u32vec_t due = n->calendar[week];
    n->calendar[week] = (u32vec_t){0};
    int rc = 0;
    for (uint32_t k = 0; k < due.len && rc == 0; k++) {
        uint32_t ri = due.v[k];
        resident_t *r = &n->res[ri];
        if (r->next_onset != week || r->active) continue;
        const double *rate = n->onset_rate[r->age_band];
        double u = rng_uniform(n->rng) * n->onset_total[r->age_band];
        int d = 0;
        while (d < N_DOMAINS - 1 && (u -= rate[d]) >= 0)
            d++;
        while (rate[d] <= 0 && d > 0)
            d--;                                        /* rounding at the top end */
        if (!rng_bern(n->rng, n->prevention_mult[d])) { /* prevented: wait for the next one */
            rc = resident_schedule_onset(w, n, ri, week);
            continue;
        }
        rc = resident_activate(n, ri);
        if (rc == 0) onset(p, n, ri, d, week);
    }
    free(due.v);
    return rc;
}
