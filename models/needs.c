/* Needs: onset, escalation and improvement in the six life domains (MODEL_BRIEF s4.2).
 *
 * Onset. A resident gets a new need in a domain without one with the onset rate of their age
 * band and neighbourhood deprivation (population.c), times the prevention multiplier
 * (prevention.c), times needs.comorbidity_rr for every domain in which they already have a
 * need, times needs.overload_rr when they are an overloaded carer, times needs.relapse_rr in a
 * domain where a supported need was resolved recently (less under aftercare, in proportion to
 * the aftercare hours given). For a resident in the active pool all domains without a need
 * compete: in a week a new need starts with probability 1 - exp(-total rate), in one domain
 * chosen in proportion to its rate. Residents outside the pool have their onset week filed in
 * the calendar, drawn at the rate before prevention; when it comes, the domain is drawn and the
 * onset kept with probability prevention_mult[d] (thinning, exact for a rate that only falls),
 * else the next week is drawn.
 *
 * Evolution. An existing need below crisis worsens or improves by one level with competing
 * weekly hazards. Escalation is damped by self-reliance and by support, improvement is
 * helped by both (and scaled per domain by needs.domain_improvement: daily living is mostly
 * chronic): team casework at last week's coverage x effectiveness, a matched volunteer,
 * a specialist service, and informal help in proportion to the share of informal hours met.
 * Crises are handled in crisis.c.
 *
 * Events, not weeks. A pool member's weekly hazards (the evolution of each need below crisis,
 * and onset) are Poisson rates: 1 - exp(-rate) is the chance of a point in a week. Each has an
 * upper bound that holds whatever the support, informal cover, prevention and overload of the
 * weeks to come (pool_bounds); the pool member's next candidate week is the first point of a
 * Poisson process at the summed bounds, filed in the calendar like an onset. In that week its
 * points fall to the hazards in proportion to their bounds and are kept with the share of the
 * bound the week's hazard is (thinning: Lewis and Shedler 1979): a hazard with a kept point
 * happens, once. So each happens in a week with probability 1 - exp(-its rate), independently,
 * the law of one weekly draw per hazard, while weeks without a candidate cost nothing. A change
 * of the bounds (a need, its chronic flag, the relapse domains, new parameters) marks the
 * resident for a new draw from the next needs phase on (pool_redraw; the process is memoryless,
 * so this is exact).
 *
 * Spill-over. When a finances or housing need becomes severe, each other household member may
 * develop a need of their own: mental health for adults, parenting for children (debt problems
 * go together with other problems, seed 002 L583-585, L1041-1045). */
#include <assert.h>
#include <math.h>
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
    tally_resident(n, ri, -1); /* chronic needs are a stock (accounting.c) */
    a->chronic_mask &= (uint8_t) ~(1u << d);
    if (p->needs_chronic_share[d] > 0 && rng_bern(n->rng, p->needs_chronic_share[d]))
        a->chronic_mask |= (uint8_t)(1u << d);
    tally_resident(n, ri, 1);
}

/* The week's constants of escalation and improvement: every quotient the hazards use, taken
 * once per neighbourhood and week instead of once per need, and the self-reliance and quality
 * terms per value of their byte. */
typedef struct {
    double esc[SEV_SEVERE], imp[SEV_SEVERE]; /* per week, by severity - 1 (light to severe) */
    double esc_sr[256], imp_sr[256];         /* 1 -/+ e (self-reliance - 0.5) */
    double q[256];                           /* a quality byte as 0..1 */
    double team_imp, vol_imp, inf_imp, spec_imp[N_DOMAINS], chronic_end[N_DOMAINS];
    /* The most that support and informal cover add to improvement in domain d (support
     * multiplies escalation by at most 1; every effect and protection is at least 0). */
    double sup_most[N_DOMAINS];
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
    }
}

/* An upper bound of a need's weekly hazard whatever its support and informal cover, a little
 * above the computed hazard's rounding. */
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

/* The weekly hazards of need d (severity s, below crisis) of the resident in pool slot `slot`:
 * escalation, improvement and, for a chronic need, its end. */
static double need_hazards(const params_t *p, const evolve_table_t *t, const nbh_t *n,
                           uint32_t slot, int d, int s, double *esc, double *imp, double *end) {
    const active_t *a = &n->active[slot];
    const resident_t *r = &n->res[a->resident];
    double esc_mult;
    *esc = t->esc[s - 1] * t->esc_sr[r->self_reliance];
    *imp = t->imp[s - 1] * t->imp_sr[r->self_reliance];
    *imp += support_effect(p, t, a, d, sup_get(r, d), &esc_mult);
    *imp *= p->needs_domain_improvement[d];
    *esc *= esc_mult;
    /* A chronic need does not improve; it leaves the municipality's care at needs.chronic_end. */
    *end = 0;
    if (a->chronic_mask >> d & 1) {
        *imp = 0;
        *end = t->chronic_end[d];
    }
    return *esc + *imp + *end;
}

/* Need d of the resident in `slot` changes this week; x is uniform on [0, its hazard): below
 * the escalation hazard it escalates, then it improves, and a chronic need ends. */
static int need_changes(const params_t *p, const evolve_table_t *t, nbh_t *n, uint32_t slot, int d,
                        int s, double x, int week) {
    double esc, imp, end;
    need_hazards(p, t, n, slot, d, s, &esc, &imp, &end);
    uint32_t ri = n->active[slot].resident;
    if (x >= esc + imp && end > 0) {
        tally_resident(n, ri, -1);
        n->active[slot].chronic_mask &= (uint8_t) ~(1u << d);
        tally_resident(n, ri, 1);
        n->m[OFF_chronic_ends + d] += 1;
        need_set(n, ri, d, SEV_NONE, week);
        return 0;
    }
    if (x >= esc) {
        need_set(n, ri, d, s - 1, week);
        return 0;
    }
    need_set(n, ri, d, s + 1, week);
    if (s + 1 == SEV_CRISIS && u32vec_push(&n->crises, ri << 3 | (uint32_t)d) != 0) return -1;
    if (s + 1 == SEV_SEVERE && (d == DOM_FINANCES || d == DOM_HOUSING))
        return spill_over(p, n, ri, week);
    return 0;
}

/* Onset rate multiplier of domain d from prevention and, for an overloaded carer, overload:
 * the whole multiplier outside a relapse window, and onset_mult's first factors. */
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

/* The bounds of a pool member's weekly hazards, which hold until one of its needs, their
 * chronic flags or its relapse domains change, or the parameters (each of which marks it for a
 * redraw, pool_redraw): b[d] for the evolution of its need in domain d (0 without one, or in
 * crisis: crisis.c), b[N_DOMAINS] for a new need. Its onset rate in a free domain is at most
 * the rate before prevention (prevention only lowers it) times needs.overload_rr when above 1
 * (whether or not the resident is overloaded) and needs.relapse_rr in a relapse domain (whether
 * or not the window is still open), times comorbidity. Returns their sum. */
static double pool_bounds(const params_t *p, const evolve_table_t *t, const nbh_t *n,
                          const active_t *a, double b[N_DOMAINS + 1]) {
    const resident_t *r = &n->res[a->resident];
    double mult = 1, free_rate = 0, total = 0;
    for (int d = 0; d < N_DOMAINS; d++) {
        int s = sev_get(r, d);
        b[d] = 0;
        if (s != SEV_NONE) {
            mult *= p->needs_comorbidity_rr[0];
            if (s < SEV_CRISIS)
                b[d] = hazard_bound(p, t, d, s, r->self_reliance, a->chronic_mask >> d & 1);
            continue;
        }
        double rate = n->onset_rate[r->age_band][d];
        if (p->needs_overload_rr[d] > 1) rate *= p->needs_overload_rr[d];
        if ((a->relapse_mask >> d & 1) && p->needs_relapse_rr[0] > 1)
            rate *= p->needs_relapse_rr[0];
        free_rate += rate;
    }
    b[N_DOMAINS] = free_rate * mult * (1 + 1e-9);
    for (int k = 0; k <= N_DOMAINS; k++)
        total += b[k];
    return total;
}

/* Files the next candidate need event of the pool member in `slot`, in week `from` or later:
 * the first point of a Poisson process at the summed bound (weekly hazards are Poisson rates:
 * 1 - exp(-rate) is the chance of a point in a week). */
static int pool_schedule(const world_t *w, nbh_t *n, uint32_t slot, double total, int from) {
    int at = candidate_week(w, n, total, from);
    n->active[slot].event_week = at < 0 ? NO_WEEK : (uint16_t)at;
    return at < 0 ? 0 : u32vec_push(&n->calendar[at], n->active[slot].resident | POOL_EVENT);
}

/* A pool member's candidate week: the points of the bound process in this week (at least one;
 * a zero-truncated Poisson number), each falling to one hazard in proportion to its bound and
 * kept with the hazard's share of the bound (thinning). A need that keeps a point changes, and
 * a kept onset point gives a new need, each once in the week: each then happens with
 * probability 1 - exp(-hazard) in the week, independently, as a weekly draw per hazard would
 * give, while weeks without a point cost nothing. The hazards are those of the state at the
 * start of the week; the changes are made after all points are placed. */
static int pool_event(const world_t *w, const evolve_table_t *t, nbh_t *n, uint32_t slot,
                      int week) {
    const params_t *p = &w->p;
    double b[N_DOMAINS + 1], h[N_DOMAINS + 1], x[N_DOMAINS + 1];
    double total = pool_bounds(p, t, n, &n->active[slot], b);
    n->active[slot].event_week = NO_WEEK;
    if (!(total > 0)) return 0;
    uint32_t ri = n->active[slot].resident;
    const resident_t *r = &n->res[ri];
    int points = rng_poisson_positive(n->rng, total);
    for (int k = 0; k <= N_DOMAINS; k++)
        h[k] = -1;
    unsigned kept = 0;
    double rate[N_DOMAINS], mult = 1;
    for (int k = 0; k < points; k++) {
        double v;
        int j = bound_pick(n->rng, b, N_DOMAINS + 1, total, &v);
        if (h[j] < 0) { /* the hazard, worked out at the first point that falls to it */
            if (j < N_DOMAINS) {
                double esc, imp, end;
                h[j] = need_hazards(p, t, n, slot, j, sev_get(r, j), &esc, &imp, &end);
            } else {
                const active_t *a = &n->active[slot];
                double free_rate = 0;
                for (int d = 0; d < N_DOMAINS; d++) {
                    rate[d] = 0;
                    if (sev_get(r, d) != SEV_NONE) {
                        mult *= p->needs_comorbidity_rr[0];
                        continue;
                    }
                    rate[d] = n->onset_rate[r->age_band][d] * onset_mult(p, n, a, r, d, week);
                    free_rate += rate[d];
                }
                h[j] = free_rate * mult;
            }
            assert(h[j] <= b[j]); /* the bound holds */
        }
        if (v < h[j] && !(kept >> j & 1)) kept |= 1u << j, x[j] = v;
    }
    int rc = 0;
    for (unsigned km = kept & ((1u << N_DOMAINS) - 1); km && rc == 0;) {
        int d = mask_next(&km);
        rc = need_changes(p, t, n, slot, d, sev_get(&n->res[ri], d), x[d], week);
    }
    if (rc == 0 && (kept >> N_DOMAINS & 1)) { /* a new need: the domain by its rate */
        double v = x[N_DOMAINS] / mult;
        int d = 0;
        while (d < N_DOMAINS - 1 && (rate[d] <= 0 || (v -= rate[d]) >= 0))
            d++;
        while (rate[d] <= 0)
            d--; /* rounding at the top end */
        note_relapse(n, &n->active[slot], d, week);
        onset(p, n, ri, d, week);
    }
    /* A change marked it for a redraw at the next needs phase; otherwise the next point now. */
    if (rc == 0 && !(n->res[ri].flags & RF_REDRAW)) rc = pool_schedule(w, n, slot, total, week + 1);
    return rc;
}

int needs_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    evolve_table_t evo;
    evolve_table(p, &evo);
    if (n->out_of_memory) return -1;
    int rc = 0;
    /* Pool members whose bounds changed since the last needs phase (or that are new to the
     * pool; all of them after new parameters) get their next candidate week drawn from this
     * week on. */
    if (n->redraw_all & 1) {
        n->redraw_all &= (uint8_t)~1;
        for (uint32_t i = 0; i < n->nactive && rc == 0; i++) {
            double b[N_DOMAINS + 1];
            n->res[n->active[i].resident].flags &= (uint8_t)~RF_REDRAW;
            rc = pool_schedule(w, n, i, pool_bounds(p, &evo, n, &n->active[i], b), week);
        }
    }
    for (uint32_t k = 0; k < n->redraw.len && rc == 0; k++) {
        resident_t *r = &n->res[n->redraw.v[k]];
        if (!(r->flags & RF_REDRAW)) continue;
        r->flags &= (uint8_t)~RF_REDRAW;
        if (!r->active) continue;
        double b[N_DOMAINS + 1];
        uint32_t slot = r->active - 1;
        rc = pool_schedule(w, n, slot, pool_bounds(p, &evo, n, &n->active[slot], b), week);
    }
    n->redraw.len = 0;
    /* This week's calendar: candidate need events of pool members, and onsets of residents with
     * nothing going on (candidate help-seeking events are passed on to help seeking). Entries made
     * stale by a later draw are skipped, as are pool members whose bounds changed earlier in this
     * phase (their next draw starts next week). */
    u32vec_t due = n->calendar[week];
    n->calendar[week] = (u32vec_t){0};
    for (uint32_t k = 0; k < due.len && rc == 0; k++) {
        uint32_t ri = due.v[k] & ~(POOL_EVENT | SEEK_EVENT | LEAVE_EVENT | REST_EVENT);
        resident_t *r = &n->res[ri];
        if (due.v[k] & SEEK_EVENT) { /* for this week's help seeking (help_seeking.c) */
            rc = u32vec_push(&n->seek_due, ri);
            continue;
        }
        if (due.v[k] & LEAVE_EVENT) { /* a relapse window ends: may leave at accounting */
            rc = u32vec_push(&n->leaving, ri);
            continue;
        }
        if (due.v[k] & REST_EVENT) { /* a resting carer, for this week's informal care */
            rc = u32vec_push(&n->rest_due, ri);
            continue;
        }
        if (due.v[k] & POOL_EVENT) {
            if (r->active && !(r->flags & RF_REDRAW) && active_of(n, ri)->event_week == week)
                rc = pool_event(w, &evo, n, r->active - 1, week);
            continue;
        }
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
