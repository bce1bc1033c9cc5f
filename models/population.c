/* Initialisation: households and residents of one neighbourhood, their self-reliance and
 * help-seeking propensity, their informal ties and volunteers, and the first onset week of
 * every resident. Deprivation rises and cohesion falls evenly from the first neighbourhood
 * to the last.
 *
 * Households are drawn by type (CBS shares, world.household_share) until the
 * neighbourhood's population is reached; members of a household are stored next to each
 * other, so a household is a range of resident indices. The population is stationary: age
 * bands are kept over the horizon (births, deaths and moves are not modelled yet). */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "models.h"

enum {
    HH_SINGLE,
    HH_SINGLE_SENIOR,
    HH_COUPLE,
    HH_SENIOR_COUPLE,
    HH_FAMILY,
    HH_SINGLE_PARENT,
    N_HH_TYPES
};

static int pick(gsl_rng *r, const double *share, int n) {
    double tot = 0;
    for (int i = 0; i < n; i++)
        tot += share[i];
    double u = gsl_rng_uniform(r) * tot;
    for (int i = 0; i < n - 1; i++)
        if ((u -= share[i]) < 0) return i;
    return n - 1;
}

static int senior_band(const params_t *p, gsl_rng *r) {
    return rng_bern(r, p->world_oldest_share[0]) ? AGE_80PLUS : AGE_65_79;
}

/* Age bands of one household's members; returns the household size. */
static int draw_household(const params_t *p, gsl_rng *r, uint8_t ages[8]) {
    int t = pick(r, p->world_household_share, N_HH_TYPES), n = 0;
    switch (t) {
    case HH_SINGLE:
        ages[n++] = AGE_18_64;
        break;
    case HH_SINGLE_SENIOR:
        ages[n++] = (uint8_t)senior_band(p, r);
        break;
    case HH_COUPLE:
        ages[n++] = AGE_18_64, ages[n++] = AGE_18_64;
        break;
    case HH_SENIOR_COUPLE: {
        int a = senior_band(p, r);
        ages[n++] = (uint8_t)a, ages[n++] = (uint8_t)a;
        break;
    }
    default: {
        ages[n++] = AGE_18_64;
        if (t == HH_FAMILY) ages[n++] = AGE_18_64;
        int kids = 1 + pick(r, p->world_children_share, 3);
        for (int k = 0; k < kids; k++)
            ages[n++] = AGE_0_17;
    }
    }
    return n;
}

/* Per-week onset rates for this neighbourhood's deprivation. */
void needs_rates_update(const params_t *p, nbh_t *n) {
    const double *per_band[N_AGE_BANDS] = {p->needs_onset_0_17, p->needs_onset_18_64,
                                           p->needs_onset_65_79, p->needs_onset_80plus};
    for (int a = 0; a < N_AGE_BANDS; a++) {
        n->onset_total[a] = 0;
        for (int d = 0; d < N_DOMAINS; d++) {
            double rr = exp(p->needs_deprivation_effect[d] * (n->deprivation - 0.5));
            n->onset_rate[a][d] = per_band[a][d] / 1000.0 / 52.0 * rr;
            n->onset_total[a] += n->onset_rate[a][d];
        }
    }
}

int population_init(const world_t *w, nbh_t *n, int index) {
    const params_t *p = &w->p;
    uint32_t total = (uint32_t)p->world_population[0], nn = (uint32_t)w->nnbh;
    uint32_t target = total / nn + ((uint32_t)index < total % nn ? 1 : 0);
    n->index = index;
    double dmin = p->world_deprivation_min[0], dmax = p->world_deprivation_max[0];
    double pos = nn > 1 ? (double)index / (nn - 1) : 0.5; /* 0 least, 1 most deprived */
    n->deprivation = dmin + (dmax - dmin) * pos;
    n->cohesion =
        p->world_cohesion_max[0] - (p->world_cohesion_max[0] - p->world_cohesion_min[0]) * pos;
    n->rng = rng_stream_new(w->seed, (uint64_t)w->replicate, (uint64_t)index);
    /* A household adds at most 5 members beyond the target. */
    n->res = calloc(target + 8, sizeof *n->res);
    n->hh_first = malloc((target + 9) * sizeof *n->hh_first);
    n->hh_cases = calloc(target + 8, sizeof *n->hh_cases);
    n->calendar = calloc((size_t)w->weeks_total, sizeof *n->calendar);
    if (!n->rng || !n->res || !n->hh_first || !n->hh_cases || !n->calendar) return -1;

    double srm =
        p->res_self_reliance_mean[0] - p->res_self_reliance_deprivation[0] * (n->deprivation - 0.5);
    srm = fmin(0.95, fmax(0.05, srm));
    double conc = p->res_self_reliance_concentration[0];
    double shape = p->res_propensity_shape[0];
    while (n->nres < target) {
        uint8_t ages[8];
        int size = draw_household(p, n->rng, ages);
        n->hh_first[n->nhh] = n->nres;
        for (int k = 0; k < size; k++) {
            resident_t *r = &n->res[n->nres++];
            r->household = n->nhh;
            r->age_band = ages[k];
            n->age_count[ages[k]]++;
            r->next_onset = NO_WEEK;
            double sr = gsl_ran_beta(n->rng, srm * conc, (1 - srm) * conc);
            r->self_reliance = (uint8_t)lround(sr * 255);
            if (rng_bern(n->rng, p->res_care_avoider_share[0])) {
                r->propensity = 0;
            } else {
                double pr = gsl_ran_gamma(n->rng, shape, 1.0 / shape);
                r->propensity = (uint16_t)fmax(1, fmin(65535, lround(pr * PROPENSITY_SCALE)));
            }
        }
        n->nhh++;
    }
    n->hh_first[n->nhh] = n->nres;
    for (int d = 0; d < N_DOMAINS; d++)
        n->sev_count[d][SEV_NONE] = n->nres;
    needs_rates_update(p, n);
    prevention_init(p, n);
    n->trust = 1;
    if (informal_ties_build(p, n) != 0 || volunteers_init(p, n) != 0) return -1;
    for (uint32_t i = 0; i < n->nres; i++)
        if (resident_schedule_onset(w, n, i, -1) != 0) return -1;
    return 0;
}
