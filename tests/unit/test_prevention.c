/* Collective prevention (prevention.c) against its parameters: the onset multiplier, the
 * level following spending with a lag, decay without spending, and the calendar thinning of
 * onsets (needs.c) under prevention. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

/* The level spending holds: 1 - exp(-spending / scale), spending in euro per 1000 residents a
 * year from the budget and the team's collective prevention hours at hour_value. */
static double target(const params_t *p, double residents, double team_hours_week) {
    double spend =
        p->prev_budget[0] + p->prev_hour_value[0] * team_hours_week * 52 / (residents / 1000);
    return 1 - exp(-spend / p->prev_scale[0]);
}

static double mult_error(const params_t *p, const nbh_t *n) {
    double err = 0;
    for (int d = 0; d < N_DOMAINS; d++)
        err = fmax(err,
                   fabs(n->prevention_mult[d] - (1 - p->prev_max_effect[d] * n->prevention_level)));
    return err;
}

/* The level starts where the budget holds it; the multiplier is 1 - max_effect x level. */
static void test_start_level_and_multiplier(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.prev_budget[0] = 25000;
    for (int d = 0; d < N_DOMAINS; d++)
        p.prev_max_effect[d] = 0.1 * (d + 1);
    world_t *w = fixture_world(&p, 701);
    nbh_t *n = &w->nbh[0];
    CHECK(fabs(n->prevention_level - target(&p, n->nres, 0)) < 1e-12,
          "prevention_starts_at_budget_level", "%g, expected %g", n->prevention_level,
          target(&p, n->nres, 0));
    CHECK(mult_error(&p, n) < 1e-12, "prevention_mult_is_one_minus_max_effect_x_level", "error %g",
          mult_error(&p, n));
    w->teams[0].prevention_hours = 30;
    prevention_week(w, n, 1);
    CHECK(mult_error(&p, n) < 1e-12, "prevention_mult_follows_the_level", "error %g",
          mult_error(&p, n));
    world_free(w);
}

/* The level moves towards its target by 1 / lag_weeks of the gap a week: with a constant
 * target T from L0, after W weeks T + (L0 - T)(1 - 1/lag)^W. The team's collective hours
 * (1 - outreach_share of its prevention hours) count at hour_value. */
static void test_level_follows_spending_with_lag(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.world_neighbourhoods[0] = 2; /* one team for two: hours shared by population */
    p.prev_lag_weeks[0] = 30;
    world_t *w = fixture_world(&p, 710);
    double H = 12, share = 1 - p.team_outreach_share[0];
    w->p.prev_budget[0] = 60000;
    const int W = 25;
    for (int week = 1; week <= W; week++) {
        w->teams[0].prevention_hours = H;
        for (int i = 0; i < 2; i++) {
            memset(w->nbh[i].m, 0, sizeof w->nbh[i].m);
            prevention_week(w, &w->nbh[i], week);
        }
    }
    for (int i = 0; i < 2; i++) {
        nbh_t *n = &w->nbh[i];
        params_t q = p;
        q.prev_budget[0] = 60000;
        double L0 = target(&p, n->nres, 0),
               T = target(&q, n->nres, H * share * n->nres / w->teams[0].residents);
        double want = T + (L0 - T) * pow(1 - 1 / 30.0, W);
        char name[64];
        snprintf(name, sizeof name, "prevention_level_lags_spending_nbh_%d", i);
        CHECK(fabs(n->prevention_level - want) < 1e-12, name, "%g, expected %g",
              n->prevention_level, want);
        snprintf(name, sizeof name, "prevention_budget_costed_nbh_%d", i);
        CHECK(fabs(n->m[OFF_cost_prevention] - 60000 * n->nres / 1000.0 / 52) < 1e-9, name,
              "%g a week, expected %g", n->m[OFF_cost_prevention], 60000 * n->nres / 1000.0 / 52);
    }
    world_free(w);
}

/* Degenerate: no budget and no team hours: the level decays towards 0 by (1 - 1/lag) a week,
 * and the multipliers towards 1. */
static void test_level_decays_without_spending(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.prev_budget[0] = 50000;
    world_t *w = fixture_world(&p, 720);
    nbh_t *n = &w->nbh[0];
    double L0 = n->prevention_level;
    w->p.prev_budget[0] = 0;
    const int W = 300;
    int monotone = 1;
    for (int week = 1; week <= W; week++) {
        double before = n->prevention_level;
        w->teams[0].prevention_hours = 0;
        prevention_week(w, n, week);
        monotone &= n->prevention_level < before;
    }
    double want = L0 * pow(1 - 1 / p.prev_lag_weeks[0], W);
    CHECK(fabs(n->prevention_level - want) < 1e-12 && monotone,
          "prevention_decays_without_spending", "%g, expected %g", n->prevention_level, want);
    CHECK(mult_error(&p, n) < 1e-12 &&
              n->prevention_mult[DOM_LONELINESS] > 1 - 0.1 * p.prev_max_effect[DOM_LONELINESS],
          "multiplier_returns_towards_one", "%g", n->prevention_mult[DOM_LONELINESS]);
    CHECK(n->m[OFF_cost_prevention] == 0, "no_budget_costs_nothing", "%g",
          n->m[OFF_cost_prevention]);
    world_free(w);
}

/* Outreach: team.outreach_share of the prevention hours, team.outreach_contacts residents an
 * hour (a Poisson count) drawn uniformly from the team's residents; everyone met who has a
 * need without support goes on the team's waiting list. With a need everywhere, the found
 * are Poisson with mean hours x share x contacts. */
static void test_outreach_finds_needs(void) {
    params_t p;
    fixture_params(&p, quick() ? 20000 : 50000);
    p.team_outreach_share[0] = 0.6;
    p.team_outreach_contacts[0] = 7;
    world_t *w = fixture_world(&p, 740);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    fixture_all_with_need(n, DOM_LONELINESS, SEV_LIGHT);
    for (uint32_t i = 1; i < n->nres; i += 2)
        sup_change(n, i, DOM_LONELINESS, SUP_VOLUNTEER, 0); /* half supported */
    double found = 0, mean = 0;
    for (int week = 1; week <= 10; week++) {
        t->prevention_hours = 40;
        memset(n->m, 0, sizeof n->m);
        prevention_team_week(w, t, week);
        found += n->m[OFF_outreach_found];
        /* contacts land uniformly: the share with an unsupported need is the share of even
         * residents still without a request; a light need is noticed with
         * team.outreach_notice[0] */
        double open = 0;
        for (uint32_t i = 0; i < n->nres; i += 2)
            open += sup_get(&n->res[i], DOM_LONELINESS) == SUP_NONE;
        mean +=
            40 * 0.6 * 7 * p.team_outreach_notice[0] * (open + n->m[OFF_outreach_found]) / n->nres;
    }
    check_count("outreach_found_at_contacts_per_hour", found, mean, mean, K, 500);
    double waiting = 0, odd = 0;
    for (uint32_t i = 0; i < n->nres; i++) {
        int st = sup_get(&n->res[i], DOM_LONELINESS);
        waiting += st == SUP_WAITING, odd += i % 2 && st == SUP_WAITING;
    }
    CHECK(t->queue.len == found && waiting == found && odd == 0,
          "outreach_puts_unsupported_needs_on_the_list",
          "queue %u, waiting %g, found %g, supported ones taken %g", t->queue.len, waiting, found,
          odd);
    world_free(w);
}

/* Calendar thinning: a resident with nothing going on has an onset drawn at the rate before
 * prevention and kept with probability prevention_mult of its domain, so within W weeks the
 * share of an age band with an onset is 1 - exp(-W sum_d rate_d mult_d). */
static void test_calendar_thinning(void) {
    params_t p;
    fixture_params(&p, quick() ? 60000 : 200000);
    for (int s = 0; s < 3; s++)
        p.needs_escalation_rate[s] = p.needs_improvement_rate[s] = 0;
    p.prev_budget[0] = 100000;
    for (int d = 0; d < N_DOMAINS; d++)
        p.prev_max_effect[d] = 0.2 + 0.15 * d;
    p.needs_onset_65_79[DOM_FINANCES] = 200, p.needs_onset_18_64[DOM_PARENTING] = 0;
    world_t *w = fixture_world(&p, 730);
    nbh_t *n = &w->nbh[0];
    const int W = 12;
    for (int week = 0; week < W; week++)
        needs_week(w, n, week);
    double at_risk[N_AGE_BANDS] = {0}, hit[N_AGE_BANDS] = {0};
    for (uint32_t i = 0; i < n->nres; i++) {
        at_risk[n->res[i].age_band] += 1;
        hit[n->res[i].age_band] += n->res[i].active != 0;
    }
    for (int a = 0; a < N_AGE_BANDS; a++) {
        double rate = 0;
        for (int d = 0; d < N_DOMAINS; d++)
            rate += n->onset_rate[a][d] * n->prevention_mult[d];
        char name[64];
        snprintf(name, sizeof name, "thinned_onsets_by_week_%d_age_%s", W, age_band_names[a]);
        check_binomial(name, hit[a], at_risk[a], -expm1(-rate * W), K, 2000);
        /* without thinning the expectation must be rejected (the check is not blind) */
        double q = -expm1(-n->onset_total[a] * W),
               z = (hit[a] - at_risk[a] * q) / sqrt(at_risk[a] * q * (1 - q));
        snprintf(name, sizeof name, "thinning_detectable_age_%s", age_band_names[a]);
        CHECK(z < -K, name, "z against no prevention %.2f", z);
    }
    world_free(w);
}

/* Outreach notices beginning problems more than severe ones: a need without support is found
 * with probability team.outreach_notice of its severity (light, moderate, severe), a crisis
 * never. Residents in quarters: light, moderate, severe, crisis loneliness. Contacts are a
 * Poisson count landing uniformly, so the found of severity s in a week are Poisson with mean
 * contacts x (open needs of s at the start of the week / residents) x notice[s]. */
static void test_outreach_notices_light_more_than_severe(void) {
    static const double notice[3] = {0.9, 0.45, 0.1};
    params_t p;
    fixture_params(&p, quick() ? 40000 : 100000);
    p.team_outreach_share[0] = 1;
    p.team_outreach_contacts[0] = 10;
    for (int s = 0; s < 3; s++)
        p.team_outreach_notice[s] = notice[s];
    world_t *w = fixture_world(&p, 750);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    fixture_all_with_need(n, DOM_LONELINESS, SEV_LIGHT);
    for (uint32_t i = 0; i < n->nres; i++)
        need_set(n, i, DOM_LONELINESS, (int)(i % 4) + 1, 0);
    double found[4] = {0}, mean[3] = {0};
    const double hours = 100;
    for (int week = 1; week <= 5; week++) {
        double open[3] = {0}, before[4] = {0};
        for (uint32_t i = 0; i < n->nres; i++) {
            int st = sup_get(&n->res[i], DOM_LONELINESS), sv = (int)(i % 4);
            if (sv < 3) open[sv] += st == SUP_NONE;
            before[sv] += st == SUP_WAITING;
        }
        t->prevention_hours = hours;
        memset(n->m, 0, sizeof n->m);
        prevention_team_week(w, t, week);
        for (int s = 0; s < 3; s++)
            mean[s] += hours * 10 * open[s] / n->nres * notice[s];
        for (uint32_t i = 0; i < n->nres; i++)
            found[i % 4] += sup_get(&n->res[i], DOM_LONELINESS) == SUP_WAITING;
        for (int s = 0; s < 4; s++)
            found[s] -= before[s];
    }
    static const char *const names[3] = {"outreach_notices_light_at_notice_light",
                                         "outreach_notices_moderate_at_notice_moderate",
                                         "outreach_notices_severe_at_notice_severe"};
    for (int s = 0; s < 3; s++)
        check_count(names[s], found[s], mean[s], mean[s], K, 100);
    CHECK(found[0] > found[1] && found[1] > found[2], "outreach_finds_light_more_than_severe",
          "found %g light, %g moderate, %g severe", found[0], found[1], found[2]);
    CHECK(found[3] == 0, "outreach_does_not_notice_a_crisis", "%g crises found", found[3]);
    world_free(w);
}

int main(void) {
    test_start_level_and_multiplier();
    test_level_follows_spending_with_lag();
    test_level_decays_without_spending();
    test_outreach_finds_needs();
    test_outreach_notices_light_more_than_severe();
    test_calendar_thinning();
    return check_exit();
}
