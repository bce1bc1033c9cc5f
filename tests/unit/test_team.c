/* Help seeking, intake and casework against their parameters, and degenerate teams. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

static void test_care_avoider_share(void) {
    params_t p;
    fixture_params(&p, 100000);
    p.res_care_avoider_share[0] = 0.17;
    world_t *w = fixture_world(&p, 21);
    nbh_t *n = &w->nbh[0];
    double avoiders = 0;
    for (uint32_t i = 0; i < n->nres; i++) avoiders += n->res[i].propensity == 0;
    check_binomial("care_avoider_share", avoiders, n->nres, 0.17, K, 10000);
    world_free(w);
}

/* Requests per week: each resident with a need asks with 1 - exp(-rate[s] x propensity x
 * (1 - barrier) / 52); care avoiders never ask. */
static void test_help_seeking_rate(void) {
    for (int s = SEV_LIGHT; s <= SEV_CRISIS; s++) {
        params_t p;
        fixture_params(&p, 100000);
        p.access_barrier[0] = 0.35;
        world_t *w = fixture_world(&p, 22 + (uint64_t)s);
        nbh_t *n = &w->nbh[0];
        fixture_all_with_need(n, DOM_LONELINESS, s);
        help_seeking_week(w, n, 1);
        double mean = 0, var = 0, avoiders_asking = 0;
        for (uint32_t i = 0; i < n->nres; i++) {
            double q = -expm1(-p.seek_rate[s - 1] * n->res[i].propensity / PROPENSITY_SCALE * 0.65 / 52);
            mean += q, var += q * (1 - q);
            avoiders_asking += n->res[i].propensity == 0 && sup_get(&n->res[i], DOM_LONELINESS) != SUP_NONE;
        }
        char name[64];
        snprintf(name, sizeof name, "help_seeking_rate_severity_%d", s);
        check_count(name, n->m[OFF_help_requests], mean, var, K, 200);
        CHECK(avoiders_asking == 0, "care_avoiders_never_ask", "%g asked", avoiders_asking);
        CHECK(n->team.qlen == n->m[OFF_help_requests], "requests_join_the_waiting_list", "%u vs %g",
              n->team.qlen, n->m[OFF_help_requests]);
        world_free(w);
    }
}

static void test_full_barrier_blocks_requests(void) {
    params_t p;
    fixture_params(&p, 20000);
    p.access_barrier[0] = 1;
    world_t *w = fixture_world(&p, 23);
    nbh_t *n = &w->nbh[0];
    fixture_all_with_need(n, DOM_HOUSING, SEV_SEVERE);
    help_seeking_week(w, n, 1);
    CHECK(n->m[OFF_help_requests] == 0, "full_access_barrier_blocks_requests", "%g requests",
          n->m[OFF_help_requests]);
    world_free(w);
}

/* Intake takes floor(reserved hours / hours per intake) requests, first come first served;
 * light ones get advice, which resolves them with probability team.advice_effect. */
static void test_intake_capacity_and_triage(void) {
    params_t p;
    fixture_params(&p, 60000);
    p.team_fte[0] = 100;
    p.team_advice_effect[0] = 0.45;
    p.access_team_threshold[0] = 2;
    world_t *w = fixture_world(&p, 24);
    nbh_t *n = &w->nbh[0];
    fixture_all_with_need(n, DOM_FINANCES, SEV_LIGHT);
    for (uint32_t i = 0; i < n->nres; i += 3) need_set(n, i, DOM_FINANCES, SEV_MODERATE, 0);
    memset(n->m, 0, sizeof n->m);
    p.seek_rate[0] = p.seek_rate[1] = 520; /* everybody who can asks this week */
    w->p = p;
    help_seeking_week(w, n, 1);
    double asked = n->m[OFF_help_requests];
    access_week(w, n, 3);
    double budget = 100 * p.team_hours_per_fte[0] * p.team_client_share[0] * p.team_intake_share[0];
    double cap = floor(budget / p.team_intake_hours[0]);
    CHECK(n->m[OFF_intakes] == fmin(cap, asked), "intakes_limited_by_reserved_hours",
          "%g intakes, capacity %g, asked %g", n->m[OFF_intakes], cap, asked);
    CHECK(n->m[OFF_intake_wait_total] == 2 * n->m[OFF_intakes], "waiting_time_counts_weeks_waited",
          "%g vs %g", n->m[OFF_intake_wait_total], 2 * n->m[OFF_intakes]);
    CHECK(n->m[OFF_advice] + n->m[OFF_cases_opened] == n->m[OFF_intakes],
          "every_intake_gives_advice_or_a_case", "%g + %g != %g", n->m[OFF_advice],
          n->m[OFF_cases_opened], n->m[OFF_intakes]);
    check_binomial("advice_resolves_light_needs", n->m[OFF_resolutions + DOM_FINANCES],
                   n->m[OFF_advice], 0.45, K, 100);
    world_free(w);
}

/* A case improves its need with 1 - exp(-effect x coverage / 52) per week. */
static void test_casework_effect_scales_with_coverage(void) {
    double coverage[2] = {1.0, 0.4};
    for (int c = 0; c < 2; c++) {
        params_t p;
        fixture_params(&p, quick() ? 30000 : 80000);
        p.team_case_effect[0] = 12;
        p.team_fte[0] = 1;
        world_t *w = fixture_world(&p, 30 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        fixture_all_with_need(n, DOM_PARENTING, SEV_SEVERE);
        team_t *t = &n->team;
        t->cases = malloc(n->nres * sizeof *t->cases);
        t->capcases = t->ncases = n->nres;
        for (uint32_t i = 0; i < n->nres; i++) {
            t->cases[i] = (case_t){.resident = i, .opened = 1, .domain = DOM_PARENTING};
            sup_set(&n->res[i], DOM_PARENTING, SUP_TEAM);
        }
        t->hours_left = coverage[c] * n->nres * p.team_case_hours[0];
        casework_week(w, n, 2);
        char name[64];
        snprintf(name, sizeof name, "casework_improvement_at_coverage_%.1f", coverage[c]);
        check_binomial(name, n->m[OFF_improvements + DOM_PARENTING], n->nres,
                       -expm1(-12.0 * coverage[c] / 52), K, 1000);
        CHECK(fabs(t->coverage - coverage[c]) < 1e-12, "casework_coverage_recorded", "%g", t->coverage);
        world_free(w);
    }
}

static void test_case_duration_cap(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.team_case_effect[0] = 0;
    p.team_case_max_weeks[0] = 13;
    world_t *w = fixture_world(&p, 40);
    nbh_t *n = &w->nbh[0];
    fixture_all_with_need(n, DOM_DAILY, SEV_MODERATE);
    team_t *t = &n->team;
    t->cases = malloc(200 * sizeof *t->cases);
    t->capcases = 200;
    for (uint32_t i = 0; i < 200; i++) {
        t->cases[t->ncases++] = (case_t){.resident = i, .opened = (uint16_t)(i < 100 ? 10 : 11), .domain = DOM_DAILY};
        sup_set(&n->res[i], DOM_DAILY, SUP_TEAM);
    }
    t->hours_left = 1e9;
    casework_week(w, n, 22); /* cases opened in week 10 are in their 13th week */
    CHECK(n->m[OFF_cases_capped] == 100 && t->ncases == 100, "cases_close_at_duration_cap",
          "capped %g, open %u", n->m[OFF_cases_capped], t->ncases);
    CHECK(sup_get(&n->res[0], DOM_DAILY) == SUP_NONE && sup_get(&n->res[150], DOM_DAILY) == SUP_TEAM,
          "capped_case_hands_need_back", "support %d %d", sup_get(&n->res[0], DOM_DAILY),
          sup_get(&n->res[150], DOM_DAILY));
    world_free(w);
}

/* Degenerate: a team without staff holds no intakes and no cases; its waiting list holds
 * every request whose need has not passed. */
static void test_zero_staff_gives_no_team_cases(void) {
    params_t p;
    fixture_params(&p, 30000);
    p.world_neighbourhoods[0] = 2;
    p.sim_burn_in_weeks[0] = 20;
    p.team_fte[0] = 0;
    totals_t t;
    fixture_run(&p, 1, &t);
    CHECK(t.total[OFF_intakes] == 0 && t.total[OFF_cases_opened] == 0 && t.total[OFF_team_cases] == 0,
          "zero_staff_gives_no_team_cases", "intakes %g cases %g", t.total[OFF_intakes],
          t.total[OFF_cases_opened]);
    CHECK(t.total[OFF_cost_team_staff] == 0 && t.total[OFF_hours_client] == 0, "zero_staff_costs_nothing",
          "cost %g", t.total[OFF_cost_team_staff]);
    CHECK(t.total[OFF_help_requests] > 0 && t.last[OFF_waiting_list] > t.first[OFF_waiting_list] + 100,
          "zero_staff_waiting_list_grows", "requests %g, waiting %g -> %g", t.total[OFF_help_requests],
          t.first[OFF_waiting_list], t.last[OFF_waiting_list]);
}

/* More staff: fewer waiting, more cases (a monotone response, with common seeds). */
static void test_more_staff_shortens_waiting(void) {
    params_t p;
    fixture_params(&p, 40000);
    p.world_neighbourhoods[0] = 2;
    p.sim_burn_in_weeks[0] = 52;
    p.team_fte[0] = 1;
    totals_t lo, hi;
    fixture_run(&p, 2, &lo);
    p.team_fte[0] = 6;
    fixture_run(&p, 2, &hi);
    CHECK(hi.total[OFF_waiting_list] < lo.total[OFF_waiting_list] &&
              hi.total[OFF_cases_opened] > lo.total[OFF_cases_opened],
          "more_staff_shortens_waiting_list", "waiting %g vs %g, cases %g vs %g", hi.total[OFF_waiting_list],
          lo.total[OFF_waiting_list], hi.total[OFF_cases_opened], lo.total[OFF_cases_opened]);
}

int main(void) {
    test_care_avoider_share();
    test_help_seeking_rate();
    test_full_barrier_blocks_requests();
    test_intake_capacity_and_triage();
    test_casework_effect_scales_with_coverage();
    test_case_duration_cap();
    test_zero_staff_gives_no_team_cases();
    test_more_staff_shortens_waiting();
    return check_exit();
}
