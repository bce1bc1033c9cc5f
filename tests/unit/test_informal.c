/* Informal care (informal.c) against its parameters: the tie network (symmetric, outside the
 * household, degree by self-reliance through informal.network_effect), carers' hours (the
 * capacity table x informal.willingness, household first, then ties by closeness), burden as
 * a moving average, overload, respite, and a world without carers. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

static const double *hours_table(const params_t *p, int band) {
    switch (band) {
    case AGE_18_64:
        return p->informal_hours_working;
    case AGE_65_79:
        return p->informal_hours_retired;
    case AGE_80PLUS:
        return p->informal_hours_oldest;
    default:
        return NULL;
    }
}

static void only_household_type(params_t *p, int type) {
    for (int k = 0; k < 6; k++)
        p->world_household_share[k] = k == type;
}

static uint32_t hh_size(const nbh_t *n, uint32_t ri) {
    uint32_t h = n->res[ri].household;
    return n->hh_first[h + 1] - n->hh_first[h];
}

static float given(nbh_t *n, uint32_t j) {
    return n->res[j].active ? active_of(n, j)->given : 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Degenerate: no ties and only one-person households leave nobody to care. With ties the
 * same world does get informal help (so the check can fail). */
static void test_no_carers_no_informal_hours(void) {
    for (int ties = 0; ties <= 1; ties++) {
        params_t p;
        fixture_params(&p, 10000);
        p.world_household_share[0] = 1,
        p.world_household_share[1] = 1; /* singles, single seniors */
        for (int k = 2; k < 6; k++)
            p.world_household_share[k] = 0;
        p.informal_family_ties[0] = ties ? 1.5 : 0;
        p.informal_friend_ties[0] = ties ? 2 : 0;
        world_t *w = fixture_world(&p, 301 + (uint64_t)ties);
        nbh_t *n = &w->nbh[0];
        fixture_all_with_need(n, DOM_DAILY, SEV_MODERATE);
        for (int week = 1; week <= 3; week++)
            informal_week(w, n, week);
        if (!ties) {
            CHECK(n->tie_first[n->nres] == 0 && n->m[OFF_informal_hours] == 0 &&
                      n->m[OFF_carers] == 0 && n->m[OFF_informal_hours_needed] > 0,
                  "no_ties_and_singles_give_no_informal_hours",
                  "%u ties, %g hours of %g needed, %g carers", n->tie_first[n->nres],
                  n->m[OFF_informal_hours], n->m[OFF_informal_hours_needed], n->m[OFF_carers]);
        } else {
            CHECK(n->m[OFF_informal_hours] > 0, "singles_with_ties_get_informal_hours", "%g hours",
                  n->m[OFF_informal_hours]);
        }
        world_free(w);
    }
}

/* The network: every tie is stored at both ends with the same closeness (1-3), never to
 * oneself or within the household, closest first; in 16 bits in a neighbourhood of at most
 * TIES16_MAX residents, in 32 above. */
static void test_ties_are_symmetric(double population) {
    params_t p;
    fixture_params(&p, population);
    p.informal_family_ties[0] = 3, p.informal_friend_ties[0] = 4;
    world_t *w = fixture_world(&p, 310);
    nbh_t *n = &w->nbh[0];
    int narrow = n->nres <= TIES16_MAX;
    CHECK(narrow ? n->ties16 && !n->ties : n->ties && !n->ties16,
          "ties in 16 bits up to TIES16_MAX residents, else in 32", "%u residents: %s", n->nres,
          n->ties16 ? "16 bits" : "32 bits");
    uint32_t m = n->tie_first[n->nres];
    uint64_t *fwd = malloc((m + 1) * sizeof *fwd), *rev = malloc((m + 1) * sizeof *rev);
    double bad = 0, unsorted = 0;
    for (uint32_t i = 0, e = 0; i < n->nres; i++)
        for (uint32_t x = n->tie_first[i]; x < n->tie_first[i + 1]; x++, e++) {
            uint32_t j = tie_at(n, x) >> 2, c = tie_at(n, x) & 3;
            bad += j == i || j >= n->nres || c < 1 || n->res[j].household == n->res[i].household;
            unsorted += x > n->tie_first[i] && c < (tie_at(n, x - 1) & 3);
            fwd[e] = (uint64_t)i << 34 | (uint64_t)j << 2 | c;
            rev[e] = (uint64_t)j << 34 | (uint64_t)i << 2 | c;
        }
    qsort(fwd, m, sizeof *fwd, cmp_u64);
    qsort(rev, m, sizeof *rev, cmp_u64);
    double asym = 0;
    for (uint32_t e = 0; e < m; e++)
        asym += fwd[e] != rev[e];
    CHECK(m > 0 && asym == 0, "ties_are_symmetric", "%g of %u tie ends without their mirror", asym,
          m);
    CHECK(bad == 0, "ties_outside_household_with_closeness_1_to_3", "%g bad ties", bad);
    CHECK(unsorted == 0, "ties_sorted_by_closeness", "%g out of order", unsorted);
    free(fwd);
    free(rev);
    world_free(w);
}

/* Each resident starts Poisson(f_i x informal.family_ties / 2) family ties and as many friend
 * and neighbour ties as friend_ties x cohesion x f_i on average, f_i = exp(network_effect x
 * (self-reliance - 0.5)), to others drawn uniformly (ties inside the household dropped).
 * The degree of a group is a compound Poisson sum over starting residents: a tie started by
 * i adds a_i + B to the group's degree (a_i: i in the group, B: the other end in it), so its
 * mean is sum lambda_i (a_i + g_i) and its variance sum lambda_i (a_i + 3 a_i g_i + g_i). */
static void test_network_effect_on_degree(void) {
    for (int eff = 0; eff <= 1; eff++) {
        params_t p;
        fixture_params(&p, quick() ? 40000 : 120000);
        p.informal_network_effect[0] = eff ? 1.8 : 0;
        world_t *w = fixture_world(&p, 320 + (uint64_t)eff);
        nbh_t *n = &w->nbh[0];
        double N = n->nres,
               lam0 = p.informal_family_ties[0] / 2 + p.informal_friend_ties[0] * n->cohesion;
        double *lam = malloc(n->nres * sizeof *lam), *deg = malloc(n->nres * sizeof *deg);
        for (uint32_t i = 0; i < n->nres; i++) {
            lam[i] =
                lam0 * exp(p.informal_network_effect[0] * (n->res[i].self_reliance / 255.0 - 0.5));
            deg[i] = n->tie_first[i + 1] - n->tie_first[i];
        }
        /* groups: low self-reliance (< 0.4), high (> 0.7) */
        for (int g = 0; g < 2; g++) {
            double G = 0, obs = 0, mean = 0, var = 0;
            for (uint32_t i = 0; i < n->nres; i++) {
                double sr = n->res[i].self_reliance / 255.0;
                int in = g ? sr > 0.7 : sr < 0.4;
                G += in, obs += in ? deg[i] : 0;
            }
            for (uint32_t i = 0; i < n->nres; i++) {
                double sr = n->res[i].self_reliance / 255.0;
                int a = g ? sr > 0.7 : sr < 0.4;
                /* share of the other residents outside i's household that are in the group */
                double others = N - hh_size(n, i), ing = G - a, hh_in = 0;
                for (uint32_t j = n->hh_first[n->res[i].household];
                     j < n->hh_first[n->res[i].household + 1]; j++) {
                    double s2 = n->res[j].self_reliance / 255.0;
                    hh_in += j != i && (g ? s2 > 0.7 : s2 < 0.4);
                }
                double gi = (ing - hh_in) / others, li = lam[i] * others / (N - 1);
                mean += li * (a + gi);
                var += li * (a + 3 * a * gi + gi);
            }
            char name[80];
            snprintf(name, sizeof name, "degree_of_%s_self_reliance_effect_%s", g ? "high" : "low",
                     eff ? "on" : "off");
            check_count(name, obs, mean, var, K, 2000);
        }
        /* Regression of degree on x_i = f_i (with the effect; slope lam0, the ties one starts
         * per unit of f) or on self-reliance (without; slope 0). A weighted sum sum c_i deg_i
         * has mean sum c_i lambda_i + const x sum c_i and variance about
         * sum lambda_i (c_i^2 + mean c^2). */
        double *x = malloc(n->nres * sizeof *x), xbar = 0;
        for (uint32_t i = 0; i < n->nres; i++)
            xbar += x[i] = eff ? lam[i] / lam0 : n->res[i].self_reliance / 255.0;
        xbar /= N;
        double sxx = 0, slope = 0, want = 0, c2 = 0, var = 0;
        for (uint32_t i = 0; i < n->nres; i++)
            sxx += (x[i] - xbar) * (x[i] - xbar);
        for (uint32_t i = 0; i < n->nres; i++) {
            double c = (x[i] - xbar) / sxx;
            slope += c * deg[i], want += c * lam[i], c2 += c * c / N;
        }
        for (uint32_t i = 0; i < n->nres; i++)
            var += lam[i] * (pow((x[i] - xbar) / sxx, 2) + c2);
        char name[80];
        snprintf(name, sizeof name, "degree_regression_slope_effect_%s", eff ? "on" : "off");
        check_count_guarded(name, slope, want, var, K, N, 10000);
        if (eff)
            CHECK(fabs(slope) / sqrt(var) > K, "network_effect_is_detectable", "slope %g, sd %g",
                  slope, sqrt(var));
        free(x);
        free(lam);
        free(deg);
        world_free(w);
    }
}

/* Tight capacity: in couples of one recipient and one carer without ties, the carer gives
 * exactly hours[band][0] x willingness (the need asks for more); an overloaded carer gives
 * that x informal.overload_capacity. */
static void test_carer_capacity_table(void) {
    static const int types[2] = {2, 3}; /* adult couples, senior couples */
    for (int c = 0; c < 2; c++) {
        params_t p;
        fixture_params(&p, 8000);
        only_household_type(&p, types[c]);
        p.world_oldest_share[0] = 0.5;
        p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
        p.informal_need_hours[1] = 100;
        p.informal_willingness[0] = 0.65;
        p.informal_overload_capacity[0] = 0.3;
        world_t *w = fixture_world(&p, 330 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        for (uint32_t h = 0; h < n->nhh; h++) {
            resident_activate(n, n->hh_first[h]);
            need_set(n, n->hh_first[h], DOM_DAILY, SEV_MODERATE, 0);
        }
        for (int week = 1; week <= 2; week++) {
            memset(n->m, 0, sizeof n->m);
            if (week == 2) /* every carer overloaded going into week 2 */
                for (uint32_t h = 0; h < n->nhh; h++)
                    n->res[n->hh_first[h] + 1].flags |= RF_OVERLOADED;
            informal_week(w, n, week);
            double want = 0, bad = 0;
            for (uint32_t h = 0; h < n->nhh; h++) {
                uint32_t j = n->hh_first[h] + 1;
                double x = hours_table(&p, n->res[j].age_band)[0] * 0.65 * (week == 2 ? 0.3 : 1);
                want += x;
                bad += fabs(given(n, j) - x) > 1e-4;
            }
            char name[80];
            snprintf(name, sizeof name, "carer_gives_capacity_x_willingness_%s%s",
                     c ? "seniors" : "adults", week == 2 ? "_overloaded" : "");
            CHECK(bad == 0 && fabs(n->m[OFF_informal_hours] - want) < 1e-3 * n->nhh, name,
                  "%g carers off, %g hours, expected %g", bad, n->m[OFF_informal_hours], want);
        }
        world_free(w);
    }
}

/* In a full population with ties, nobody ever gives more than willingness x the largest
 * entry of their capacity table they can use (household, or the closeness of a tie), x
 * overload_capacity when overloaded; children and carers with a severe need give nothing. */
static void test_hours_never_exceed_capacity(void) {
    params_t p;
    fixture_params(&p, quick() ? 10000 : 30000);
    p.informal_need_hours[1] = 30, p.informal_need_hours[2] = 60;
    p.informal_overload_hours[0] = 5;
    world_t *w = fixture_world(&p, 340);
    nbh_t *n = &w->nbh[0];
    for (uint32_t i = 0; i < n->nres; i += 3) {
        resident_activate(n, i);
        need_set(n, i, i % 2 ? DOM_DAILY : DOM_LONELINESS, i % 9 == 0 ? SEV_SEVERE : SEV_MODERATE,
                 0);
    }
    uint8_t *was = malloc(n->nres);
    double over = 0, kids = 0, severe = 0, carers = 0;
    for (int week = 1; week <= 8; week++) {
        for (uint32_t j = 0; j < n->nres; j++)
            was[j] = n->res[j].flags & RF_OVERLOADED;
        informal_week(w, n, week);
        for (uint32_t j = 0; j < n->nres; j++) {
            double g = given(n, j);
            if (g <= 0) continue;
            carers++;
            const double *h = hours_table(&p, n->res[j].age_band);
            if (!h) {
                kids++;
                continue;
            }
            int sev = 0;
            for (int d = 0; d < N_DOMAINS; d++)
                sev |= sev_get(&n->res[j], d) >= SEV_SEVERE;
            severe += sev;
            double top = hh_size(n, j) > 1 ? h[0] : 0;
            for (uint32_t x = n->tie_first[j]; x < n->tie_first[j + 1]; x++)
                top = fmax(top, h[tie_at(n, x) & 3]);
            top *= p.informal_willingness[0] * (was[j] ? p.informal_overload_capacity[0] : 1);
            over += g > top + 1e-4;
        }
    }
    CHECK(carers > 1000 && over == 0, "hours_never_exceed_capacity_x_willingness",
          "%g of %g carer-weeks over", over, carers);
    CHECK(kids == 0 && severe == 0, "children_and_severely_ill_give_nothing",
          "%g children, %g severe", kids, severe);
    free(was);
    world_free(w);
}

/* Household first, then ties by closeness. Recipients are picked so that no carer serves two
 * of them; the capacity table falls with closeness, so each carer's hours belong to the
 * closest tie they have with the recipient. Household members give min(need, their
 * capacity); each closeness class then gives min(what is left, its carers' capacity). */
static void test_household_first_then_closeness(void) {
    params_t p;
    fixture_params(&p, quick() ? 20000 : 40000);
    only_household_type(&p, 2); /* adult couples: everyone a working-age carer */
    p.informal_family_ties[0] = 2, p.informal_friend_ties[0] = 3;
    p.informal_hours_working[0] = 6, p.informal_hours_working[1] = 5;
    p.informal_hours_working[2] = 3, p.informal_hours_working[3] = 2;
    p.informal_need_hours[0] = 4, p.informal_need_hours[1] = 10;
    world_t *w = fixture_world(&p, 350);
    nbh_t *n = &w->nbh[0];
    uint8_t *used = calloc(n->nres, 1);
    uint32_t *rec = malloc(n->nres * sizeof *rec), nrec = 0;
    for (uint32_t i = 0; i < n->nres; i += 2) {
        uint32_t partner = i ^ 1; /* couples: households are pairs i, i+1 */
        if (used[i] || used[partner] || n->res[partner].household != n->res[i].household) continue;
        int clash = 0;
        for (uint32_t x = n->tie_first[i]; x < n->tie_first[i + 1]; x++)
            clash |= used[tie_at(n, x) >> 2];
        if (clash) continue;
        used[i] = used[partner] = 1;
        for (uint32_t x = n->tie_first[i]; x < n->tie_first[i + 1]; x++)
            used[tie_at(n, x) >> 2] = 1;
        rec[nrec++] = i;
    }
    for (uint32_t k = 0; k < nrec; k++) {
        resident_activate(n, rec[k]);
        need_set(n, rec[k], DOM_DAILY, k % 2 ? SEV_MODERATE : SEV_LIGHT, 0);
    }
    informal_week(w, n, 1);
    double will = p.informal_willingness[0], bad_hh = 0, bad_tie = 0, tie_light = 0,
           reached[4] = {0};
    for (uint32_t k = 0; k < nrec; k++) {
        uint32_t i = rec[k];
        double need = p.informal_need_hours[k % 2] * p.informal_domain_weight[DOM_DAILY];
        double hh = fmin(need, 6 * will), left = need - hh;
        bad_hh += fabs(given(n, i ^ 1) - hh) > 1e-4;
        int closest[4] = {0};
        double got[4] = {0}, cnt[4] = {0};
        /* closest tie per carer, then class totals */
        for (uint32_t x = n->tie_first[i]; x < n->tie_first[i + 1]; x++) {
            uint32_t j = tie_at(n, x) >> 2, c = tie_at(n, x) & 3, first = 1;
            for (uint32_t y = n->tie_first[i]; y < x; y++)
                first &= (tie_at(n, y) >> 2) != j;
            if (!first) continue; /* sorted by closeness: the first entry is the closest */
            got[c] += given(n, j), cnt[c] += 1;
            closest[c] = 1;
        }
        for (int c = 1; c <= 3; c++) {
            double want = fmin(left, cnt[c] * p.informal_hours_working[c] * will);
            bad_tie += fabs(got[c] - want) > 1e-4;
            left -= want;
            reached[c] += closest[c] && want > 0;
        }
        if (k % 2 == 0) tie_light += got[1] + got[2] + got[3];
    }
    CHECK(nrec > 500, "household_first_fixture_has_recipients", "%u recipients", nrec);
    CHECK(bad_hh == 0 && tie_light == 0, "household_members_give_first",
          "%g households off, %g tie hours for light needs", bad_hh, tie_light);
    CHECK(bad_tie == 0 && reached[1] > 50 && reached[2] > 50, "ties_give_the_rest_by_closeness",
          "%g recipients off; classes reached %g %g %g", bad_tie, reached[1], reached[2],
          reached[3]);
    free(used);
    free(rec);
    world_free(w);
}

/* A heavy need that has lasted informal.primary_weeks gets a primary carer who gives
 * informal.primary_stretch times their usual hours; before that, and for a light need, the
 * usual hours. Adult couples without other ties: the partner is the only carer. */
static void test_primary_carer(void) {
    params_t p;
    fixture_params(&p, 4000);
    only_household_type(&p, 2);
    p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
    p.informal_need_hours[0] = p.informal_need_hours[1] = 100;
    p.informal_overload_hours[0] = 168;
    p.informal_primary_weeks[0] = 5;
    p.informal_primary_stretch[0] = 1.75;
    world_t *w = fixture_world(&p, 361);
    nbh_t *n = &w->nbh[0];
    for (uint32_t h = 0; h < n->nhh; h++) {
        resident_activate(n, n->hh_first[h]);
        need_set(n, n->hh_first[h], DOM_DAILY, h % 2 ? SEV_MODERATE : SEV_LIGHT, 0);
    }
    double g = p.informal_hours_working[0] * p.informal_willingness[0];
    double early = 0, late = 0, light = 0, heavy = 0;
    for (int week = 1; week <= 8; week++) {
        informal_week(w, n, week);
        for (uint32_t h = 0; h < n->nhh; h++) {
            double given = active_of(n, n->hh_first[h] + 1)->given;
            int lasting = week >= 5;
            if (h % 2 == 0)
                light += fabs(given - g) > 1e-4;
            else if (!lasting)
                early += fabs(given - g) > 1e-4;
            else
                late += fabs(given - 1.75 * g) > 1e-4, heavy++;
        }
    }
    CHECK(heavy > 0 && late == 0, "primary_carer_gives_stretched_hours_to_a_lasting_heavy_need",
          "%g of %g carer-weeks off %g", late, heavy, 1.75 * g);
    CHECK(early == 0, "no_primary_carer_before_primary_weeks", "%g carer-weeks off %g", early, g);
    CHECK(light == 0, "no_primary_carer_for_a_light_need", "%g carer-weeks off %g", light, g);
    world_free(w);
}

/* Burden is a moving average of the hours given: from 0 with g hours a week for W weeks it is
 * g (1 - (1 - 1/tau)^W); without giving it decays by (1 - 1/tau) a week. */
static void test_burden_moving_average(void) {
    params_t p;
    fixture_params(&p, 4000);
    only_household_type(&p, 2);
    p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
    p.informal_need_hours[1] = 100;
    p.informal_overload_hours[0] = 168; /* nobody overloaded */
    p.informal_burden_weeks[0] = 9;
    p.informal_primary_stretch[0] = 1; /* the usual hours throughout */
    world_t *w = fixture_world(&p, 360);
    nbh_t *n = &w->nbh[0];
    for (uint32_t h = 0; h < n->nhh; h++) {
        resident_activate(n, n->hh_first[h]);
        need_set(n, n->hh_first[h], DOM_DAILY, SEV_MODERATE, 0);
    }
    const int W = 20, V = 6;
    for (int week = 1; week <= W; week++)
        informal_week(w, n, week);
    double g = p.informal_hours_working[0] * p.informal_willingness[0], r = 1 - 1 / 9.0;
    double want = g * (1 - pow(r, W)), bad = 0;
    for (uint32_t h = 0; h < n->nhh; h++)
        bad += fabs(active_of(n, n->hh_first[h] + 1)->burden - want) > 1e-4 * want;
    CHECK(bad == 0, "burden_builds_as_moving_average", "%g carers off %g", bad, want);
    for (uint32_t h = 0; h < n->nhh; h++)
        need_set(n, n->hh_first[h], DOM_DAILY, SEV_NONE, W);
    for (int week = W + 1; week <= W + V; week++)
        informal_week(w, n, week);
    want *= pow(r, V), bad = 0; /* resting carers: their burden as of the last week */
    for (uint32_t h = 0; h < n->nhh; h++)
        bad += fabs(informal_burden(w, n, n->hh_first[h] + 1, W + V) - want) > 1e-4 * want;
    CHECK(bad == 0, "burden_decays_without_giving", "%g carers off %g", bad, want);
    world_free(w);
}

/* This week's calendar entries for resting carers, passed to informal care as the needs phase
 * passes them. */
static void rest_events(nbh_t *n, int week) {
    for (uint32_t k = 0; k < n->calendar[week].len; k++)
        if (n->calendar[week].v[k] & REST_EVENT)
            u32vec_push(&n->rest_due, n->calendar[week].v[k] & ~REST_EVENT);
}

/* Resting carers (burden left, nothing given) are looked at only in the weeks filed for them,
 * yet their overload ends and they recover in the very week their burden, a moving average
 * taken week by week, falls to the overload threshold and below 0.5 hours (computed here week
 * by week, in the same float operations). Halfway, new parameters change the time constant:
 * the weeks before keep the old one. */
static void test_resting_carers_cross_thresholds_in_their_week(void) {
    params_t p;
    fixture_params(&p, 4000);
    only_household_type(&p, 2);
    p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
    p.informal_need_hours[1] = 100;
    p.informal_overload_hours[0] = 6;
    p.informal_overload_spread[0] = 1;
    p.informal_burden_weeks[0] = 9;
    const int W = 30, CHANGE = W + 12, END = W + 80;
    p.sim_weeks[0] = END + 1;
    world_t *w = fixture_world(&p, 390);
    nbh_t *n = &w->nbh[0];
    for (uint32_t h = 0; h < n->nhh; h++) {
        resident_activate(n, n->hh_first[h]);
        need_set(n, n->hh_first[h], DOM_DAILY, SEV_MODERATE, 0);
    }
    float *b = calloc(n->nhh, sizeof *b);
    double bad_flag = 0, bad_rec = 0, bad_b = 0, offs = 0, recoveries = 0, weeks_looked = 0;
    for (int week = 1; week <= END; week++) {
        if (week == W + 1) /* the needs end: the carers rest from this week on */
            for (uint32_t h = 0; h < n->nhh; h++)
                need_set(n, n->hh_first[h], DOM_DAILY, SEV_NONE, W);
        if (week == CHANGE) { /* new parameters: a shorter time constant from this week on */
            params_t np = w->p;
            np.informal_burden_weeks[0] = 5;
            world_apply_params(w, &np, week);
        }
        rest_events(n, week);
        weeks_looked += n->rest_due.len;
        informal_week(w, n, week);
        double tau = w->p.informal_burden_weeks[0];
        for (uint32_t h = 0; h < n->nhh && b; h++) {
            uint32_t j = n->hh_first[h] + 1;
            const resident_t *c = &n->res[j];
            if (week <= W) { /* giving: the record is current */
                b[h] = active_of(n, j)->burden;
                continue;
            }
            if (b[h] <= 0) continue; /* recovered earlier */
            int was = b[h] > 6 * (1 + (c->self_reliance / 255.0 - 0.5));
            b[h] = b[h] + (float)((0.0 - b[h]) / tau);
            int on = b[h] > 6 * (1 + (c->self_reliance / 255.0 - 0.5));
            bad_flag += on != !!(c->flags & RF_OVERLOADED);
            offs += was && !on;
            if (b[h] < 0.5f) { /* recovered this week: the record says so now */
                b[h] = 0;
                recoveries++;
                bad_rec += !c->active || active_of(n, j)->burden != 0;
            } else {
                bad_b += (float)informal_burden(w, n, j, week) != b[h];
            }
        }
    }
    CHECK(b && bad_flag == 0 && offs > 0.5 * n->nhh, "resting_carers_overload_ends_in_its_week",
          "%g carer-weeks with the wrong flag; %g overloads ended among %u carers", bad_flag, offs,
          n->nhh);
    CHECK(b && bad_rec == 0 && recoveries > 0.9 * n->nhh && bad_b == 0,
          "resting_carers_recover_in_their_week",
          "%g recoveries not in their week, %g of %u recovered; %g burdens differ", bad_rec,
          recoveries, n->nhh, bad_b);
    CHECK(weeks_looked < 0.5 * n->nhh * (END - W), "resting_carers_not_looked_at_every_week",
          "%g carer-weeks looked at, of %g resting", weeks_looked, (double)n->nhh * (END - W));
    free(b);
    world_free(w);
}

/* A carer is overloaded exactly while their burden exceeds informal.overload_hours x (1 +
 * informal.overload_spread x (self-reliance - 0.5)): with spread 1 from half to one and a half
 * times the hours, with spread 0 the hours alone, with 0.5 in between. */
static void test_overload_threshold(void) {
    const double spreads[3] = {1, 0, 0.5};
    for (int k = 0; k < 3; k++) {
        params_t p;
        fixture_params(&p, quick() ? 6000 : 20000);
        only_household_type(&p, 2);
        p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
        p.informal_need_hours[1] = 100;
        p.informal_overload_hours[0] = 6;
        p.informal_overload_spread[0] = spreads[k];
        world_t *w = fixture_world(&p, 370);
        nbh_t *n = &w->nbh[0];
        for (uint32_t h = 0; h < n->nhh; h++) {
            resident_activate(n, n->hh_first[h]);
            need_set(n, n->hh_first[h], DOM_DAILY, SEV_MODERATE, 0);
        }
        double bad = 0, flagged = 0, carers = 0;
        for (int week = 1; week <= 20; week++) {
            informal_week(w, n, week);
            for (uint32_t h = 0; h < n->nhh; h++) {
                uint32_t j = n->hh_first[h] + 1;
                const resident_t *c = &n->res[j];
                double limit = 6 * (1 + spreads[k] * (c->self_reliance / 255.0 - 0.5));
                int want = active_of(n, j)->burden > limit;
                bad += want != !!(c->flags & RF_OVERLOADED);
                flagged += want, carers++;
            }
        }
        CHECK(bad == 0 && flagged > 0.1 * carers && flagged < 0.9 * carers,
              k == 0   ? "overloaded_when_burden_exceeds_threshold"
              : k == 1 ? "overloaded_when_burden_exceeds_hours_without_spread"
                       : "overloaded_when_burden_exceeds_threshold_half_spread",
              "%g carer-weeks off, %g of %g overloaded", bad, flagged, carers);
        world_free(w);
    }
}

/* Paid respite takes informal.respite of an overloaded carer's hours: their burden moves
 * towards the rest, the hours are counted and costed at cost.respite_hour. */
static void test_respite(void) {
    params_t p;
    fixture_params(&p, 4000);
    only_household_type(&p, 2);
    p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
    p.informal_need_hours[1] = 100;
    p.informal_respite[0] = 0.4;
    p.cost_respite_hour[0] = 35;
    world_t *w = fixture_world(&p, 380);
    nbh_t *n = &w->nbh[0];
    for (uint32_t h = 0; h < n->nhh; h++) {
        resident_activate(n, n->hh_first[h]);
        need_set(n, n->hh_first[h], DOM_DAILY, SEV_MODERATE, 0);
        uint32_t j = n->hh_first[h] + 1;
        resident_activate(n, j);
        active_of(n, j)->burden = 30; /* overloaded, and staying so this week */
        n->res[j].flags |= RF_OVERLOADED;
    }
    memset(n->m, 0, sizeof n->m);
    informal_week(w, n, 1);
    double g =
        p.informal_hours_working[0] * p.informal_willingness[0] * p.informal_overload_capacity[0];
    double want_b = 30 + (g * 0.6 - 30) / p.informal_burden_weeks[0], bad = 0;
    for (uint32_t h = 0; h < n->nhh; h++)
        bad += fabs(active_of(n, n->hh_first[h] + 1)->burden - want_b) > 1e-4;
    CHECK(bad == 0, "respite_lowers_the_burden", "%g carers off %g", bad, want_b);
    CHECK(fabs(n->m[OFF_respite_hours] - 0.4 * g * n->nhh) < 1e-3 * n->nhh, "respite_hours_counted",
          "%g, expected %g", n->m[OFF_respite_hours], 0.4 * g * n->nhh);
    CHECK(fabs(n->m[OFF_cost_respite] - 35 * n->m[OFF_respite_hours]) <
                  1e-6 * (1 + n->m[OFF_cost_respite]) &&
              n->m[OFF_respite_hours] > 0,
          "respite_costs_cost_respite_hour", "cost %g for %g hours at 35", n->m[OFF_cost_respite],
          n->m[OFF_respite_hours]);
    world_free(w);
}

/* Formal support takes over a share of a need's informal hours (informal.substitution: a
 * volunteer, a team case that the team holds, specialist care): the hours asked of carers
 * are informal.need_hours x informal.domain_weight x (1 - that share). A team case without
 * hours yet (quality 0) takes over nothing. */
static void test_formal_support_takes_over_informal_hours(void) {
    enum { NONE, VOLUNTEER, TEAM, TEAM_NO_HOURS, SPECIALIST, N_CASES };
    static const char *const names[N_CASES] = {"no_support", "volunteer", "team",
                                               "team_without_hours", "specialist"};
    static const int status[N_CASES] = {SUP_NONE, SUP_VOLUNTEER, SUP_TEAM, SUP_TEAM,
                                        SUP_SPECIALIST};
    for (int c = 0; c < N_CASES; c++) {
        params_t p;
        fixture_params(&p, 3000);
        p.informal_substitution[0] = 0.25, p.informal_substitution[1] = 0.4;
        p.informal_substitution[2] = 0.7;
        world_t *w = fixture_world(&p, 390 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        uint32_t N = 0;
        for (uint32_t i = 0; i < n->nres; i += 3, N++) {
            resident_activate(n, i);
            need_set(n, i, DOM_DAILY, SEV_MODERATE, 0);
            need_set(n, i, DOM_MENTAL, SEV_SEVERE, 0);
            sup_change(n, i, DOM_DAILY, status[c], 0);
            if (c == TEAM) active_of(n, i)->quality[DOM_DAILY] = 100;
        }
        memset(n->m, 0, sizeof n->m);
        informal_week(w, n, 1);
        static const double share[N_CASES] = {0, 0.25, 0.4, 0, 0.7};
        double want =
            N * (p.informal_need_hours[1] * p.informal_domain_weight[DOM_DAILY] * (1 - share[c]) +
                 p.informal_need_hours[2] * p.informal_domain_weight[DOM_MENTAL]);
        char name[80];
        snprintf(name, sizeof name, "formal_support_takes_over_informal_hours_%s", names[c]);
        CHECK(fabs(n->m[OFF_informal_hours_needed] - want) < 1e-6 * want, name,
              "%g hours asked, expected %g", n->m[OFF_informal_hours_needed], want);
        world_free(w);
    }
}

/* Carers as CBS counts them (intensive_carers): someone who gave care this week for
 * informal.long_weeks or longer, or with a burden above informal.intensive_hours; help with
 * needs outside informal.cbs_care (money, here) is informal help but not care. The heavily
 * burdened (overloaded_carers) are counted among them only. */
static void test_carers_counted_as_cbs_counts_them(void) {
    params_t p;
    fixture_params(&p, 6000);
    only_household_type(&p, 2);
    p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
    for (int d = 0; d < N_DOMAINS; d++)
        p.informal_domain_weight[d] = 1;
    p.informal_need_hours[0] = 2;     /* light: 2 hours a week, burden far below 8 */
    p.informal_overload_hours[0] = 1; /* everyone giving 2 hours ends up overloaded */
    p.informal_long_weeks[0] = 4;
    world_t *w = fixture_world(&p, 380);
    nbh_t *n = &w->nbh[0];
    for (uint32_t h = 0; h < n->nhh; h++) {
        resident_activate(n, n->hh_first[h]);
        need_set(n, n->hh_first[h], h % 2 ? DOM_FINANCES : DOM_DAILY, SEV_LIGHT, 0);
    }
    /* Weeks 1-12 caring; week 13 a pause (no needs); weeks 14-20 caring again: the new spell
     * counts from week 18 (4 weeks before it with care). */
    double early = 0, finance_carers = 0, care_carers = 0, counted_late = 0, over_late = 0,
           flagged_money = 0, hours_off = 0, after_pause = 0, resumed = 0;
    for (int week = 1; week <= 20; week++) {
        if (week == 13 || week == 14)
            for (uint32_t h = 0; h < n->nhh; h++)
                need_set(n, n->hh_first[h], h % 2 ? DOM_FINANCES : DOM_DAILY,
                         week == 13 ? SEV_NONE : SEV_LIGHT, week);
        n->m[OFF_carers] = n->m[OFF_intensive_carers] = n->m[OFF_overloaded_carers] = 0;
        n->m[OFF_carer_hours_intensive] = n->m[OFF_carer_hours_overloaded] = 0;
        informal_week(w, n, week);
        double care = 0, money = 0, care_hours = 0, over_hours = 0;
        for (uint32_t h = 0; h < n->nhh; h++) {
            uint32_t j = n->hh_first[h] + 1;
            double g = given(n, j);
            if (g > 0 && h % 2)
                money++;
            else if (g > 0) {
                care++, care_hours += g;
                if (n->res[j].flags & RF_OVERLOADED) over_hours += g;
            }
            if (h % 2 && (n->res[j].flags & RF_OVERLOADED)) flagged_money++;
        }
        if (week - 1 < 4)
            early += n->m[OFF_intensive_carers];
        else if (week <= 12) {
            counted_late += fabs(n->m[OFF_intensive_carers] - care) > 0.5;
            over_late += n->m[OFF_overloaded_carers] > n->m[OFF_intensive_carers] + 0.5;
            hours_off += fabs(n->m[OFF_carer_hours_intensive] - care_hours) > 1e-6 * care_hours ||
                         fabs(n->m[OFF_carer_hours_overloaded] - over_hours) > 1e-6 * care_hours;
            finance_carers += money, care_carers += care;
        } else if (week >= 14 && week < 18)
            after_pause += n->m[OFF_intensive_carers];
        else if (week >= 18)
            resumed += fabs(n->m[OFF_intensive_carers] - care) > 0.5 || care == 0;
    }
    CHECK(early == 0, "short_light_care_is_not_counted_by_cbs", "%g carer-weeks counted", early);
    CHECK(care_carers > 100 && counted_late == 0,
          "lasting_care_is_counted_by_cbs_whatever_its_hours",
          "%g weeks off the %g carers of daily-living needs", counted_late, care_carers);
    CHECK(finance_carers > 100 && flagged_money > 0 && over_late == 0,
          "help_with_money_is_not_care_and_its_overload_not_counted",
          "%g helpers with money (%g overloaded carer-weeks), %g weeks with more overloaded than "
          "counted carers",
          finance_carers, flagged_money, over_late);
    CHECK(hours_off == 0, "hours_of_counted_and_overloaded_carers_are_their_hours_given",
          "%g weeks off", hours_off);
    CHECK(after_pause == 0 && resumed == 0, "a_pause_in_care_starts_a_new_spell",
          "%g carer-weeks counted in the 4 weeks after a pause, %g later weeks off", after_pause,
          resumed);
    world_free(w);

    /* Heavy care counts at once through the hours, whatever the spell: long_weeks far away, a
     * carer is counted exactly while their burden exceeds informal.intensive_hours. */
    fixture_params(&p, 6000);
    only_household_type(&p, 2);
    p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
    p.informal_need_hours[1] = 100;
    p.informal_long_weeks[0] = 400;
    w = fixture_world(&p, 381);
    n = &w->nbh[0];
    for (uint32_t h = 0; h < n->nhh; h++) {
        resident_activate(n, n->hh_first[h]);
        need_set(n, n->hh_first[h], DOM_DAILY, SEV_MODERATE, 0);
    }
    double off = 0, none_first = -1, counted_last = 0;
    for (int week = 1; week <= 30; week++) {
        n->m[OFF_intensive_carers] = 0;
        informal_week(w, n, week);
        double heavy = 0;
        for (uint32_t h = 0; h < n->nhh; h++) {
            uint32_t j = n->hh_first[h] + 1;
            heavy += given(n, j) > 0 && active_of(n, j)->burden > p.informal_intensive_hours[0];
        }
        off += fabs(n->m[OFF_intensive_carers] - heavy) > 0.5;
        if (week == 1) none_first = heavy;
        if (week == 30) counted_last = heavy;
    }
    CHECK(off == 0 && none_first == 0 && counted_last > 100,
          "heavy_care_is_counted_by_cbs_through_its_hours",
          "%g weeks off; %g counted in week 1, %g in week 30", off, none_first, counted_last);
    world_free(w);
}

int main(void) {
    test_no_carers_no_informal_hours();
    test_ties_are_symmetric(12000);
    test_ties_are_symmetric(quick() ? 20000 : 50000);
    test_network_effect_on_degree();
    test_carer_capacity_table();
    test_hours_never_exceed_capacity();
    test_household_first_then_closeness();
    test_burden_moving_average();
    test_primary_carer();
    test_overload_threshold();
    test_resting_carers_cross_thresholds_in_their_week();
    test_respite();
    test_carers_counted_as_cbs_counts_them();
    test_formal_support_takes_over_informal_hours();
    return check_exit();
}
