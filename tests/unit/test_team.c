/* The team against its parameters: access and triage (access.c) and casework (casework.c).
 *
 * Requests are set up the way help_seeking.c makes them (a need, status SUP_WAITING, an entry
 * in the neighbourhood's inbox) and go through access_week, which merges the inbox into the
 * team's queue; cases are opened with case_open. Expectations come from the parameters and
 * the law each file's header documents: intake hours by severity against the intake share of
 * client hours, advice with team.advice_effect, referral thresholds per domain, decisions
 * without a mandate, demand-led assessment, the duration cap, crisis priority, pairwise
 * coordination. Stochastic checks are within K standard errors with a minimum sample. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

/* A request for need d of resident ri at severity sev, made in week `week`. */
static void ask_from(nbh_t *n, uint32_t ri, int d, int sev, int week, int src) {
    resident_activate(n, ri);
    need_set(n, ri, d, sev, week);
    sup_change(n, ri, d, SUP_WAITING, week);
    if (queue_push(&n->inbox, (request_t){ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d,
                                          (uint8_t)src}) != 0) {
        printf("FAIL ask: out of memory\n");
        exit(1);
    }
}

static void ask(nbh_t *n, uint32_t ri, int d, int sev, int week) {
    ask_from(n, ri, d, sev, week, SRC_SELF);
}

/* A team case for need d of resident ri at severity sev, opened in week `week`; its index. */
static uint32_t open_case(world_t *w, team_t *t, nbh_t *n, uint32_t ri, int d, int sev, int week) {
    resident_activate(n, ri);
    need_set(n, ri, d, sev, week);
    if (case_open(w, t, n, ri, d, CASE_ACTIVE, week) != 0) {
        printf("FAIL open_case: out of memory\n");
        exit(1);
    }
    return t->ncases - 1;
}

/* Client hours of a team whose staff are all at work: the law of access.c. */
static double client_hours(const params_t *p) {
    return p->team_fte[0] * p->team_hours_per_fte[0] * p->team_client_share[0];
}

/* Intake hours enough for every request of a test (up to 8000): all client hours for intake,
 * at the cheapest intake. */
static void ample_intake(params_t *p) {
    p->team_fte[0] = 100;
    p->team_intake_share[0] = 1;
    for (int s = 0; s < 4; s++)
        p->team_intake_hours[s] = 0.25;
}

static void clear_metrics(world_t *w) {
    for (int i = 0; i < w->nnbh; i++)
        memset(w->nbh[i].m, 0, sizeof w->nbh[i].m);
}

/* Intakes first come, first served while the intake hours last, each costing
 * team.intake_hours of its severity: the expected count is the longest prefix of the queue
 * whose summed cost fits the budget. */
static void test_intake_capacity_by_severity(void) {
    static const int pattern[2][8] = {{2, 2, 2, 2, 2, 2, 2, 2}, {1, 3, 1, 4, 2, 1, 1, 3}};
    for (int c = 0; c < 2; c++) {
        params_t p;
        fixture_params(&p, 5000);
        p.team_fte[0] = 10;
        p.team_intake_hours[0] = 0.5, p.team_intake_hours[1] = 1.5;
        p.team_intake_hours[2] = 2.5, p.team_intake_hours[3] = 4;
        world_t *w = fixture_world(&p, 101 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        const int N = 400;
        for (int i = 0; i < N; i++)
            ask(n, (uint32_t)i, DOM_LONELINESS, pattern[c][i % 8], 1);
        clear_metrics(w);
        access_week(w, t, 1);
        double budget = client_hours(&p) * p.team_intake_share[0], used = 0, expect = 0;
        for (int i = 0; i < N; i++) {
            double cost = p.team_intake_hours[pattern[c][i % 8] - 1];
            if (budget - used < cost) break;
            used += cost, expect++;
        }
        char name[80];
        snprintf(name, sizeof name, "intakes_fill_the_intake_hours_%s",
                 c ? "mixed_severities" : "moderate");
        CHECK(n->m[OFF_intakes] == expect, name, "%g intakes, expected %g (budget %g h)",
              n->m[OFF_intakes], expect, budget);
        snprintf(name, sizeof name, "intake_hours_by_severity_%s",
                 c ? "mixed_severities" : "moderate");
        CHECK(fabs(n->m[OFF_hours_intake] - used) < 1e-9, name, "%g h, expected %g",
              n->m[OFF_hours_intake], used);
        CHECK(t->queue.len == (uint32_t)(N - expect), "intake_leaves_the_rest_waiting",
              "%u waiting, expected %g", t->queue.len, N - expect);
        /* What intake leaves, less the hours carried to the next intake, goes to casework. */
        CHECK(fabs(t->hours_left - (client_hours(&p) - used - t->intake_carry)) < 1e-9 &&
                  t->intake_carry >= 0,
              "hours_intake_leaves_go_to_casework", "%g h left, carry %g, expected %g",
              t->hours_left, t->intake_carry, client_hours(&p) - used - t->intake_carry);
        /* Unused intake hours carry over while people wait: over W weeks of moderate requests,
         * floor(W x budget / hours) intakes. */
        if (c == 0) {
            const int W = 7;
            double total = n->m[OFF_intakes];
            for (int week = 2; week <= W; week++) {
                clear_metrics(w);
                access_week(w, t, week);
                total += n->m[OFF_intakes];
            }
            double want = floor(W * budget / p.team_intake_hours[1]);
            CHECK(total == want, "fractional_intake_hours_carry_over",
                  "%g intakes in %d weeks, expected %g", total, W, want);
            CHECK(t->intake_carry < p.team_intake_hours[1], "intake_carry_below_one_intake",
                  "carry %g", t->intake_carry);
        }
        world_free(w);
    }
}

/* Advice below access.team_threshold lowers the need one level with probability
 * team.advice_effect; of the needs that remain in a volunteer domain, a share
 * access.volunteer_referral goes to a volunteer, in other domains none. */
static void test_advice_and_volunteer_referral(void) {
    params_t p;
    fixture_params(&p, quick() ? 6000 : 20000);
    ample_intake(&p);
    p.team_advice_effect[0] = 0.45;
    p.access_volunteer_referral[0] = 0.35;
    p.access_team_threshold[0] = 2;
    world_t *w = fixture_world(&p, 110);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    const uint32_t N = quick() ? 3000 : 6000;
    for (uint32_t i = 0; i < N; i++)
        ask(n, i, i % 2 ? DOM_FINANCES : DOM_MENTAL, SEV_LIGHT, 1);
    clear_metrics(w);
    access_week(w, t, 1);
    CHECK(n->m[OFF_intakes] == N && n->m[OFF_advice] == N && n->m[OFF_cases_opened] == 0,
          "light_requests_get_advice", "intakes %g advice %g cases %g of %u", n->m[OFF_intakes],
          n->m[OFF_advice], n->m[OFF_cases_opened], N);
    double resolved = n->m[OFF_resolutions + DOM_FINANCES] + n->m[OFF_resolutions + DOM_MENTAL];
    check_binomial("advice_resolves_with_advice_effect", resolved, N, 0.45, K, 1000);
    double remain_fin = 0, vol_fin = 0, vol_mental = 0, vol_resolved = 0;
    for (uint32_t i = 0; i < N; i++) {
        int d = i % 2 ? DOM_FINANCES : DOM_MENTAL, s = sev_get(&n->res[i], d),
            st = sup_get(&n->res[i], d);
        if (d == DOM_FINANCES && s > 0) remain_fin++;
        vol_fin += d == DOM_FINANCES && st == SUP_VOL_WAIT;
        vol_mental += d == DOM_MENTAL && st == SUP_VOL_WAIT;
        vol_resolved += s == 0 && st == SUP_VOL_WAIT;
    }
    check_binomial("volunteer_referral_share_of_remaining_needs", vol_fin, remain_fin, 0.35, K,
                   500);
    CHECK(vol_mental == 0, "no_volunteer_referral_outside_volunteer_domains", "%g referred",
          vol_mental);
    CHECK(vol_resolved == 0, "resolved_needs_not_referred_to_volunteers", "%g referred",
          vol_resolved);
    CHECK(n->m[OFF_volunteer_referrals] == vol_fin && n->vol_queue.len == vol_fin,
          "volunteer_referrals_join_the_match_queue", "metric %g, queue %u, status %g",
          n->m[OFF_volunteer_referrals], n->vol_queue.len, vol_fin);
    world_free(w);

    /* With the team threshold at severe, a moderate need gets advice and drops to light. */
    fixture_params(&p, 10000);
    ample_intake(&p);
    p.team_advice_effect[0] = 0.3;
    p.access_team_threshold[0] = 3;
    w = fixture_world(&p, 111);
    n = &w->nbh[0];
    t = &w->teams[0];
    for (uint32_t i = 0; i < 3000; i++)
        ask(n, i, DOM_MENTAL, SEV_MODERATE, 1);
    clear_metrics(w);
    access_week(w, t, 1);
    CHECK(n->m[OFF_advice] == 3000, "moderate_gets_advice_below_team_threshold", "%g",
          n->m[OFF_advice]);
    check_binomial("advice_lowers_moderate_to_light", (double)n->sev_count[DOM_MENTAL][SEV_LIGHT],
                   3000, 0.3, K, 1000);
    world_free(w);
}

/* Network first sends back a need below the referral threshold whose informal hours are at
 * least half met, and only when access.network_first is on. */
static void test_network_first(void) {
    for (int on = 0; on <= 1; on++) {
        params_t p;
        fixture_params(&p, 5000);
        ample_intake(&p);
        p.access_network_first[0] = on;
        world_t *w = fixture_world(&p, 120 + (uint64_t)on);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        /* one request per household (the intake may look at the whole household), in thirds:
         * moderate at cover 0.5, moderate at 0.49, severe at 1 */
        const uint32_t N = 600;
        for (uint32_t i = 0; i < N; i++) {
            ask(n, n->hh_first[i], DOM_FINANCES, i % 3 == 2 ? SEV_SEVERE : SEV_MODERATE, 1);
            active_of(n, n->hh_first[i])->informal_cover = i % 3 == 0   ? 0.5f
                                                           : i % 3 == 1 ? 0.49f
                                                                        : 1.0f;
        }
        clear_metrics(w);
        access_week(w, t, 1);
        double back = 0, wrong = 0;
        for (uint32_t i = 0; i < N; i++) {
            int st = sup_get(&n->res[n->hh_first[i]], DOM_FINANCES), sent_back = on && i % 3 == 0;
            back += st == SUP_NONE;
            wrong += sent_back != (st == SUP_NONE);
        }
        char name[64];
        snprintf(name, sizeof name, "network_first_%s_sends_back_covered_needs", on ? "on" : "off");
        CHECK(n->m[OFF_network_referrals] == (on ? N / 3 : 0) && back == (on ? N / 3 : 0) &&
                  wrong == 0,
              name, "%g network referrals, %g sent back, %g misplaced", n->m[OFF_network_referrals],
              back, wrong);
        snprintf(name, sizeof name, "network_first_%s_other_needs_become_cases", on ? "on" : "off");
        CHECK(n->m[OFF_cases_opened] == N - (on ? N / 3 : 0), name, "%g cases",
              n->m[OFF_cases_opened]);
        world_free(w);
    }
}

/* A need at access.refer_threshold of its domain or above is referred (with a mandate: to the
 * specialist waiting list via the team's outbox); below, it stays a team case. */
static void test_referral_threshold_per_domain(void) {
    static const double thr[N_DOMAINS] = {4, 3, 2, 3, 4, 2};
    params_t p;
    fixture_params(&p, 5000);
    ample_intake(&p);
    p.access_team_threshold[0] = 1;
    for (int d = 0; d < N_DOMAINS; d++)
        p.access_refer_threshold[d] = thr[d];
    world_t *w = fixture_world(&p, 130);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    uint32_t ri = 0;
    for (int rep = 0; rep < 10; rep++)
        for (int d = 0; d < N_DOMAINS; d++)
            for (int s = SEV_LIGHT; s <= SEV_CRISIS; s++)
                ask(n, ri++, d, s, 1);
    clear_metrics(w);
    access_week(w, t, 1);
    double out[N_DOMAINS] = {0}, wrong = 0;
    for (uint32_t k = 0; k < t->outbox.len; k++)
        out[queue_at(&t->outbox, k)->domain] += 1;
    for (uint32_t i = 0; i < ri; i++) {
        int d = (int)(i / 4 % N_DOMAINS), s = (int)(i % 4) + 1, st = sup_get(&n->res[i], d);
        wrong += st != (s >= thr[d] ? SUP_SPEC_WAIT : SUP_TEAM);
    }
    for (int d = 0; d < N_DOMAINS; d++) {
        char name[64];
        snprintf(name, sizeof name, "referral_at_threshold_%s", domain_names[d]);
        double want = 10 * (SEV_CRISIS - thr[d] + 1);
        CHECK(out[d] == want, name, "%g referred, expected %g", out[d], want);
    }
    CHECK(wrong == 0, "below_threshold_stays_with_team", "%g needs with the wrong status", wrong);
    CHECK(n->m[OFF_cases_opened] == ri, "every_intake_above_team_threshold_opens_a_case",
          "%g of %u", n->m[OFF_cases_opened], ri);
    world_free(w);
}

/* Without a mandate a referral waits for a municipal decision: status SUP_DECISION, the team's
 * paperwork (access.decision_hours) and cost.decision, then after access.decision_weeks on
 * average the specialist waiting list (SUP_SPEC_WAIT, the outbox). */
static void test_decision_without_mandate(void) {
    params_t p;
    fixture_params(&p, quick() ? 8000 : 20000);
    ample_intake(&p);
    p.access_mandate[0] = 0;
    p.access_decision_weeks[0] = 5;
    p.access_decision_hours[0] = 2.5;
    p.cost_decision[0] = 310;
    p.team_case_max_weeks[0] = 2; /* held cases are not capped */
    world_t *w = fixture_world(&p, 140);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    const uint32_t N = quick() ? 3000 : 8000;
    for (uint32_t i = 0; i < N; i++)
        ask(n, i, DOM_HOUSING, SEV_SEVERE, 1);
    clear_metrics(w);
    access_week(w, t, 1);
    double in_decision = 0;
    for (uint32_t i = 0; i < N; i++)
        in_decision += sup_get(&n->res[i], DOM_HOUSING) == SUP_DECISION;
    CHECK(n->m[OFF_decisions] == N && in_decision == N && t->outbox.len == 0,
          "no_mandate_referral_waits_for_decision", "%g decisions, %g in decision, outbox %u",
          n->m[OFF_decisions], in_decision, t->outbox.len);
    CHECK(fabs(n->m[OFF_cost_admin] - N * 310.0) < 1e-6, "decision_costs_cost_decision",
          "%g, expected %g", n->m[OFF_cost_admin], N * 310.0);
    CHECK(fabs(t->admin_due - N * 2.5) < 1e-6, "decision_owes_decision_hours", "%g, expected %g",
          t->admin_due, N * 2.5);
    /* Paperwork comes first from the hours intake left. */
    t->hours_left = N * 2.5 / 2;
    casework_week(w, t, 1);
    CHECK(fabs(n->m[OFF_hours_admin] - N * 2.5 / 2) < 1e-6 &&
              fabs(t->admin_due - N * 2.5 / 2) < 1e-6,
          "decision_paperwork_paid_first", "paid %g, still owed %g", n->m[OFF_hours_admin],
          t->admin_due);
    double moved1 = 0;
    for (uint32_t i = 0; i < N; i++)
        moved1 += sup_get(&n->res[i], DOM_HOUSING) != SUP_DECISION;
    CHECK(moved1 == 0, "decision_takes_at_least_a_week", "%g decided in the week of referral",
          moved1);
    /* Weeks from referral to the waiting list: mean access.decision_weeks. */
    double sum = 0, sum2 = 0, done = 0, pushed = 0;
    for (int week = 2; week < 200 && done < N; week++) {
        t->hours_left = 1e9;
        casework_week(w, t, week);
        pushed += t->outbox.len;
        t->outbox.head = t->outbox.len = 0;
        for (uint32_t i = 0; i < N; i++) {
            int st = sup_get(&n->res[i], DOM_HOUSING);
            if (st == SUP_SPEC_WAIT && active_of(n, i)->sup_since[DOM_HOUSING] == week) {
                double k = week - 1;
                sum += k, sum2 += k * k, done++;
            }
        }
    }
    CHECK(done == N && pushed == N, "decided_referrals_join_the_waiting_list",
          "%g of %u decided, %g pushed", done, N, pushed);
    double mean = done > 0 ? sum / done : 0, var = done > 0 ? sum2 / done - mean * mean : 0;
    check_count_guarded("decision_takes_decision_weeks_on_average", sum,
                        done * p.access_decision_weeks[0], done * var, K, done, 1000);
    CHECK(t->ncases == N, "held_decision_cases_are_not_capped", "%u of %u cases open", t->ncases,
          N);
    world_free(w);
}

/* Demand-led assessment of every would-be referral keeps the need with the team with
 * probability access.demand_led_solve, at access.assessment_hours each; the rest is referred
 * (without a mandate, through a decision). A kept need is not referred again. (Finances here
 * without volunteers: test_demand_led_volunteers has them.) */
static void test_demand_led_assessment(void) {
    for (int mandate = 1; mandate >= 0; mandate--) {
        params_t p;
        fixture_params(&p, quick() ? 6000 : 12000);
        ample_intake(&p);
        p.vol_domains[DOM_FINANCES] = 0;
        p.access_demand_led[0] = 1;
        p.access_assessment_capacity[0] = 1e6; /* every referral fits */
        p.access_demand_led_solve[0] = 0.6;
        p.access_assessment_hours[0] = 5;
        p.access_mandate[0] = mandate;
        world_t *w = fixture_world(&p, 150 + (uint64_t)mandate);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        const uint32_t N = quick() ? 2000 : 5000;
        for (uint32_t i = 0; i < N; i++)
            ask(n, i, DOM_FINANCES, SEV_SEVERE, 1);
        clear_metrics(w);
        access_week(w, t, 1);
        double kept = 0, on = 0;
        for (uint32_t i = 0; i < N; i++) {
            int st = sup_get(&n->res[i], DOM_FINANCES);
            kept += st == SUP_TEAM;
            on += st == (mandate ? SUP_SPEC_WAIT : SUP_DECISION);
        }
        /* the team owes its member's third; the other two thirds are costed */
        CHECK(n->m[OFF_assessments] == N && fabs(t->assess_due - N * 5.0 / 3) < 1e-6 &&
                  fabs(n->m[OFF_hours_assessment] - N * 5.0) < 1e-6 &&
                  fabs(n->m[OFF_cost_assessment] - N * 5.0 * 2 / 3 * p.cost_assessment_hour[0]) <
                      1e-3,
              "every_referral_is_assessed", "%g assessments, %g h owed, %g h, %g euro",
              n->m[OFF_assessments], t->assess_due, n->m[OFF_hours_assessment],
              n->m[OFF_cost_assessment]);
        char name[64];
        snprintf(name, sizeof name, "demand_led_keeps_solve_share_%s",
                 mandate ? "mandate" : "no_mandate");
        check_binomial(name, kept, N, 0.6, K, 1000);
        CHECK(kept == n->m[OFF_assessments_kept] && kept + on == N, "assessment_keeps_or_refers",
              "kept %g (metric %g), referred %g", kept, n->m[OFF_assessments_kept], on);
        if (!mandate)
            CHECK(n->m[OFF_decisions] == on, "referred_after_assessment_needs_a_decision",
                  "%g decisions for %g", n->m[OFF_decisions], on);
        t->hours_left = 1e9;
        casework_week(w, t, 2);
        double still = 0;
        for (uint32_t i = 0; i < N; i++)
            still += sup_get(&n->res[i], DOM_FINANCES) == SUP_TEAM;
        CHECK(still == kept && n->m[OFF_assessments] == N, "kept_need_is_not_referred_again",
              "%g of %g kept", still, kept);
        world_free(w);
    }
}

/* Residents 0..N-1 whose need d has support status st. */
static double count_status(const nbh_t *n, uint32_t N, int d, int st) {
    double k = 0;
    for (uint32_t i = 0; i < N; i++)
        k += sup_get(&n->res[i], d) == st;
    return k;
}

/* For a need within volunteers' reach (a domain where they help, below severe) the other
 * solution the joint assessment finds is a volunteer (seed 001 L283-285): a kept need joins
 * the volunteer queue, counted as a volunteer referral, and its team case closes at the next
 * casework week; the rest is referred as before. In a domain without volunteers, or for a
 * severe need (beyond a volunteer), the same assessment keeps the need with the team. */
static void test_demand_led_volunteers(void) {
    for (int vol = 2; vol >= 0;
         vol--) { /* 2: volunteers, moderate; 1: volunteers, severe; 0: none */
        params_t p;
        fixture_params(&p, 6000);
        ample_intake(&p);
        p.access_demand_led[0] = 1;
        p.access_assessment_capacity[0] = 1e6;
        p.access_demand_led_solve[0] = 0.6;
        p.vol_domains[DOM_DAILY] = vol > 0;
        p.access_refer_threshold[DOM_DAILY] = SEV_MODERATE;
        world_t *w = fixture_world(&p, 170 + (uint64_t)vol);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        const uint32_t N = 2000;
        for (uint32_t i = 0; i < N; i++)
            ask(n, i, DOM_DAILY, vol == 1 ? SEV_SEVERE : SEV_MODERATE, 1);
        clear_metrics(w);
        access_week(w, t, 1);
        double to_vol = count_status(n, N, DOM_DAILY, SUP_VOL_WAIT);
        double team = count_status(n, N, DOM_DAILY, SUP_TEAM);
        double kept = n->m[OFF_assessments_kept];
        const char *what = vol == 2 ? "moderate_volunteer_domain"
                           : vol    ? "severe_volunteer_domain"
                                    : "no_volunteer_domain";
        char name[64];
        snprintf(name, sizeof name, "every_referral_is_assessed_%s", what);
        CHECK(n->m[OFF_assessments] == N, name, "%g assessed of %u", n->m[OFF_assessments], N);
        snprintf(name, sizeof name, "assessment_finds_another_solution_%s", what);
        check_binomial(name, kept, N, 0.6, K, 1000);
        if (vol == 2)
            CHECK(to_vol == kept && team == 0 && n->vol_queue.len == kept &&
                      n->m[OFF_volunteer_referrals] == kept,
                  "kept_need_goes_to_a_volunteer",
                  "%g to volunteers (queue %u, metric %g), %g "
                  "with the team, %g kept",
                  to_vol, (unsigned)n->vol_queue.len, n->m[OFF_volunteer_referrals], team, kept);
        else
            CHECK(to_vol == 0 && team == kept && n->m[OFF_volunteer_referrals] == 0,
                  vol ? "beyond_a_volunteer_the_team_keeps_it"
                      : "without_volunteers_the_team_keeps_it",
                  "%g to volunteers, %g with the team, %g kept", to_vol, team, kept);
        uint32_t before = t->ncases;
        t->hours_left = 1e9;
        casework_week(w, t, 2);
        if (vol == 2)
            CHECK(t->ncases == before - (uint32_t)kept, "its_team_case_closes",
                  "%u cases before, %u after, %g kept", before, t->ncases, kept);
        else
            CHECK(t->ncases == before, "the_team_case_stays_open", "%u cases before, %u after",
                  before, t->ncases);
        world_free(w);
    }
}

/* The joint assessment team assesses only what its hours allow (access.assessment_capacity
 * per 10,000 residents); the other referrals go on as usual, so it never takes the team's
 * whole time. */
static void test_demand_led_capacity(void) {
    params_t p;
    fixture_params(&p, 10000);
    ample_intake(&p);
    p.access_demand_led[0] = 1;
    p.access_assessment_hours[0] = 5;
    p.access_assessment_capacity[0] = 50; /* 10,000 residents: 50 hours, 10 assessments */
    world_t *w = fixture_world(&p, 160);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    const double fit = floor(p.access_assessment_capacity[0] * t->residents / 10000 / 5);
    for (uint32_t i = 0; i < 200; i++)
        ask(n, i, DOM_FINANCES, SEV_SEVERE, 1);
    clear_metrics(w);
    access_week(w, t, 1);
    double waiting = 0;
    for (uint32_t i = 0; i < 200; i++)
        waiting += sup_get(&n->res[i], DOM_FINANCES) == SUP_SPEC_WAIT;
    CHECK(n->m[OFF_assessments] == fit && fit >= 5 && fit < 200, "assessments_within_capacity",
          "%g assessments, %g fit", n->m[OFF_assessments], fit);
    CHECK(waiting == 200 - n->m[OFF_assessments_kept], "referrals_beyond_capacity_go_on",
          "%g referred of 200, %g kept", waiting, n->m[OFF_assessments_kept]);
    world_free(w);
}

/* A joint team whose weekly hours are less than one assessment keeps what it did not use (up
 * to one assessment), so over W weeks it holds about W x hours / assessment_hours of them,
 * never more, and never none (Breda's small team assessed a few cases a week in a city). */
static void test_demand_led_small_capacity(void) {
    params_t p;
    fixture_params(&p, 10000);
    ample_intake(&p);
    p.access_demand_led[0] = 1;
    p.access_assessment_hours[0] = 6;
    p.access_assessment_capacity[0] = 2; /* about 2 hours a week: one assessment in 3 weeks */
    world_t *w = fixture_world(&p, 161);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    const int W = 30;
    double joint = p.access_assessment_capacity[0] * t->residents / 10000, held = 0;
    uint32_t next = 0;
    for (int week = 1; week <= W; week++) {
        for (int k = 0; k < 5; k++)
            ask(n, next++, DOM_FINANCES, SEV_SEVERE, week);
        clear_metrics(w);
        access_week(w, t, week);
        held += n->m[OFF_assessments];
    }
    double most = floor(W * joint / 6);
    CHECK(held >= most - 1 && held <= most && held > 0, "small_joint_team_carries_its_hours",
          "%g assessments in %d weeks, expected %g (or one fewer)", held, W, most);
    world_free(w);
}

/* The duration cap team.case_max_weeks closes team cases in their last week and hands the
 * need back; cases held for a decision or a specialist place stay open. */
static void test_duration_cap(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.team_case_max_weeks[0] = 13;
    world_t *w = fixture_world(&p, 160);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    /* residents 0-99 opened week 10, 100-199 week 11 (team); 200-299 held for a decision,
     * 300-399 on the waiting list, both opened week 10 */
    for (uint32_t i = 0; i < 400; i++) {
        uint32_t k = open_case(w, t, n, i, DOM_DAILY, SEV_LIGHT, i >= 100 && i < 200 ? 11 : 10);
        if (i >= 200 && i < 300) {
            sup_change(n, i, DOM_DAILY, SUP_DECISION, 10);
            t->cases[k].until = 1000;
        } else if (i >= 300) {
            sup_change(n, i, DOM_DAILY, SUP_SPEC_WAIT, 10);
        }
    }
    clear_metrics(w);
    t->hours_left = 1e9;
    casework_week(w, t, 21); /* 12th week of the first cases */
    CHECK(n->m[OFF_cases_capped] == 0 && t->ncases == 400, "cases_run_until_the_cap",
          "capped %g, open %u", n->m[OFF_cases_capped], t->ncases);
    t->hours_left = 1e9;
    casework_week(w, t, 22); /* 13th week of the cases opened in week 10 */
    CHECK(n->m[OFF_cases_capped] == 100 && t->ncases == 300, "cases_close_at_duration_cap",
          "capped %g, open %u", n->m[OFF_cases_capped], t->ncases);
    CHECK(sup_get(&n->res[0], DOM_DAILY) == SUP_NONE &&
              sev_get(&n->res[0], DOM_DAILY) == SEV_LIGHT &&
              sup_get(&n->res[150], DOM_DAILY) == SUP_TEAM,
          "capped_case_hands_need_back", "support %d %d", sup_get(&n->res[0], DOM_DAILY),
          sup_get(&n->res[150], DOM_DAILY));
    for (int week = 23; week <= 60; week++) {
        t->hours_left = 1e9;
        casework_week(w, t, week);
    }
    double held = 0;
    for (uint32_t i = 200; i < 400; i++)
        held += sup_get(&n->res[i], DOM_DAILY) == (i < 300 ? SUP_DECISION : SUP_SPEC_WAIT);
    CHECK(t->ncases == 200 && held == 200 && n->m[OFF_cases_capped] == 200,
          "held_cases_are_not_capped", "open %u, held %g, capped %g", t->ncases, held,
          n->m[OFF_cases_capped]);
    world_free(w);
}

/* Crisis cases get their hours before the other cases; each class shares what it gets in
 * proportion to its needs; a case's quality is its class coverage x its professional's
 * effectiveness (all generalists at full experience: team.generalist_match). */
static void test_crisis_cases_first(void) {
    static const double frac_other[3] = {0, 0.5, 0}, frac_crisis[3] = {1, 1, 0.5};
    for (int c = 0; c < 3; c++) {
        params_t p;
        fixture_params(&p, 5000);
        p.team_mix[0] = 1, p.team_mix[1] = p.team_mix[2] = 0;
        p.work_new_penalty[0] = 0;
        p.team_coordination_hours[0] = 0;
        for (int d = 0; d < N_DOMAINS; d++)
            p.access_refer_threshold[d] = 5;
        world_t *w = fixture_world(&p, 170 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        const uint32_t NC = 40, NO = 300;
        for (uint32_t i = 0; i < NC + NO; i++)
            open_case(w, t, n, i, DOM_MENTAL, i < NC ? SEV_CRISIS : SEV_MODERATE, 1);
        double need_c = NC * p.team_case_hours[3], need_o = NO * p.team_case_hours[1];
        t->hours_left = frac_crisis[c] * need_c + frac_other[c] * need_o;
        clear_metrics(w);
        casework_week(w, t, 2);
        double eff = p.team_generalist_match[0], bad_c = 0, bad_o = 0;
        for (uint32_t i = 0; i < NC + NO; i++) {
            double q = active_of(n, i)->quality[DOM_MENTAL] / 255.0,
                   want = (i < NC ? frac_crisis[c] : frac_other[c]) * eff;
            if (fabs(q - want) > 0.5 / 255 + 1e-9) *(i < NC ? &bad_c : &bad_o) += 1;
        }
        char name[64];
        snprintf(name, sizeof name, "crisis_coverage_%.1f_other_%.1f", frac_crisis[c],
                 frac_other[c]);
        CHECK(bad_c == 0 && bad_o == 0, name, "%g crisis and %g other cases off their quality",
              bad_c, bad_o);
        snprintf(name, sizeof name, "casework_hours_given_%.1f_%.1f", frac_crisis[c],
                 frac_other[c]);
        CHECK(fabs(n->m[OFF_hours_casework] - t->hours_left) < 1e-6 &&
                  fabs(n->m[OFF_hours_casework_needed] - need_c - need_o) < 1e-6,
              name, "given %g of %g, needed %g of %g", n->m[OFF_hours_casework], t->hours_left,
              n->m[OFF_hours_casework_needed], need_c + need_o);
        world_free(w);
    }
}

/* Coordination: a household with k distinct professionals (team posts and specialist services)
 * costs k(k-1)/2 x team.coordination_hours, or k-1 with team.case_director. Households built
 * by hand, each around one resident:
 *   A: needs in 3 domains with 3 specialists           k = 3
 *   B: needs in 3 domains, two with the same specialist k = 2
 *   C: needs in 2 domains with 2 specialists, and a specialist service in a third  k = 3
 *   D: one case                                         k = 1 */
static void test_coordination_hours(void) {
    for (int director = 0; director <= 1; director++)
        for (int scarce = 0; scarce <= 1; scarce++) {
            params_t p;
            fixture_params(&p, 5000);
            p.team_mix[0] = 0, p.team_mix[1] = 1,
            p.team_mix[2] = 0;   /* specialists, domains in turn */
            p.team_fte[0] = 4.8; /* six posts: one per domain */
            p.work_new_penalty[0] = 0;
            p.team_coordination_hours[0] = 0.7;
            p.team_case_director[0] = director;
            for (int d = 0; d < N_DOMAINS; d++)
                p.access_refer_threshold[d] = 5;
            world_t *w = fixture_world(&p, 180 + (uint64_t)(2 * director + scarce));
            nbh_t *n = &w->nbh[0];
            team_t *t = &w->teams[0];
            CHECK(t->nstaff == 6, "coordination_fixture_has_six_specialists", "%d posts",
                  t->nstaff);
            uint32_t who[4];
            for (int h = 0; h < 4; h++)
                who[h] = n->hh_first[h];
            static const int dom[4][3] = {{0, 1, 2}, {0, 1, 2}, {3, 4, -1}, {5, -1, -1}};
            static const int prof[4][3] = {{0, 1, 2}, {0, 0, 2}, {3, 4, -1}, {5, -1, -1}};
            for (int h = 0; h < 4; h++)
                for (int j = 0; j < 3 && dom[h][j] >= 0; j++) {
                    uint32_t k = open_case(w, t, n, who[h], dom[h][j], SEV_MODERATE, 1);
                    t->cases[k].prof = (uint16_t)prof[h][j];
                }
            need_set(n, who[2], DOM_DAILY, SEV_MODERATE, 1);
            sup_change(n, who[2], DOM_DAILY, SUP_SPECIALIST, 1);
            double kk[4] = {3, 2, 3, 1}, pairs = 0;
            for (int h = 0; h < 4; h++)
                pairs += director ? kk[h] - 1 : kk[h] * (kk[h] - 1) / 2;
            double need = pairs * 0.7;
            t->hours_left = scarce ? need / 2 : 1e6;
            clear_metrics(w);
            casework_week(w, t, 2);
            char name[80];
            snprintf(name, sizeof name, "coordination_%s_%s",
                     director ? "case_director_k_minus_1" : "pairwise",
                     scarce ? "scarce_hours" : "full_hours");
            double want = scarce ? need / 2 : need;
            CHECK(fabs(n->m[OFF_hours_coordination] - want) < 1e-9, name,
                  "%g h, expected %g (%g pairs)", n->m[OFF_hours_coordination], want, pairs);
            if (!scarce && !director)
                CHECK(
                    n->m[OFF_households_in_care] == 4 && n->m[OFF_professionals_per_household] == 9,
                    "coordination_counts_distinct_professionals", "%g households, %g professionals",
                    n->m[OFF_households_in_care], n->m[OFF_professionals_per_household]);
            world_free(w);
        }
}

/* Casework helps the need next week: improvement rate team.case_effect x coverage x
 * effectiveness x the domain's needs.domain_improvement (everything else off). */
static void test_casework_effect_scales_with_coverage(void) {
    static const double coverage[2] = {1.0, 0.4};
    for (int c = 0; c < 2; c++) {
        params_t p;
        fixture_params(&p, quick() ? 8000 : 20000);
        for (int d = 0; d < N_DOMAINS; d++) {
            p.needs_onset_0_17[d] = p.needs_onset_18_64[d] = p.needs_onset_65_79[d] =
                p.needs_onset_80plus[d] = 0;
            p.access_refer_threshold[d] = 5;
        }
        for (int s = 0; s < 3; s++)
            p.needs_escalation_rate[s] = p.needs_improvement_rate[s] = 0;
        p.needs_self_reliance_effect[0] = 0;
        p.team_case_effect[0] = 12;
        p.team_mix[0] = 1, p.team_mix[1] = p.team_mix[2] = 0;
        p.work_new_penalty[0] = 0;
        p.team_coordination_hours[0] = 0;
        world_t *w = fixture_world(&p, 190 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        const uint32_t N = quick() ? 5000 : 15000;
        for (uint32_t i = 0; i < N; i++)
            open_case(w, t, n, i, DOM_PARENTING, SEV_SEVERE, 1);
        t->hours_left = coverage[c] * N * p.team_case_hours[2];
        casework_week(w, t, 2);
        clear_metrics(w);
        needs_week(w, n, 3);
        double q = coverage[c] * p.team_generalist_match[0] *
                   p.needs_domain_improvement[DOM_PARENTING]; /* the domain's pace applies too */
        char name[64];
        snprintf(name, sizeof name, "casework_improvement_at_coverage_%.1f", coverage[c]);
        check_binomial(name, n->m[OFF_improvements + DOM_PARENTING], N, -expm1(-12.0 * q / 52), K,
                       1000);
        world_free(w);
    }
}

/* Protected prevention: team.prevention_share of the client hours is set aside first; intake
 * has team.intake_share of the rest, and the reserve becomes the prevention hours. */
static void test_protected_prevention_reserved_first(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.team_fte[0] = 10;
    p.team_prevention_protected[0] = 1;
    p.team_prevention_share[0] = 0.25;
    p.team_intake_hours[1] = 1.5;
    world_t *w = fixture_world(&p, 205);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    for (uint32_t i = 0; i < 300; i++)
        ask(n, i, DOM_LONELINESS, SEV_MODERATE, 1);
    clear_metrics(w);
    access_week(w, t, 1);
    double hours = client_hours(&p), want = floor(hours * 0.75 * p.team_intake_share[0] / 1.5);
    CHECK(n->m[OFF_intakes] == want, "protected_prevention_shrinks_intake",
          "%g intakes, expected %g", n->m[OFF_intakes], want);
    t->hours_left = 0; /* nothing left for casework: prevention still gets its reserve */
    casework_week(w, t, 1);
    CHECK(fabs(t->prevention_hours - 0.25 * hours) < 1e-9, "protected_prevention_keeps_its_hours",
          "%g, expected %g", t->prevention_hours, 0.25 * hours);
    world_free(w);
}

/* A team case whose need reaches the referral threshold of its domain is referred by casework
 * (with a mandate: the specialist waiting list); one below stays. */
static void test_casework_refers_at_threshold(void) {
    params_t p;
    fixture_params(&p, 5000);
    world_t *w = fixture_world(&p, 206);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    for (uint32_t i = 0; i < 100; i++)
        open_case(w, t, n, i, DOM_FINANCES, SEV_MODERATE, 1);
    for (uint32_t i = 0; i < 40; i++)
        need_set(n, i, DOM_FINANCES, (int)p.access_refer_threshold[DOM_FINANCES], 2);
    t->hours_left = 1e6;
    casework_week(w, t, 2);
    double wrong = 0;
    for (uint32_t i = 0; i < 100; i++)
        wrong += sup_get(&n->res[i], DOM_FINANCES) != (i < 40 ? SUP_SPEC_WAIT : SUP_TEAM);
    CHECK(wrong == 0 && t->outbox.len == 40 && t->ncases == 100,
          "casework_refers_when_need_reaches_threshold", "%g wrong, outbox %u, cases %u", wrong,
          t->outbox.len, t->ncases);
    world_free(w);
}

/* A resolved team case gets aftercare.weeks of aftercare, then no support; a relapse noticed in
 * aftercare reopens the case without intake. */
static void test_aftercare_after_resolution(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.aftercare_weeks[0] = 6;
    p.vol_reciprocity[0] = 0;
    world_t *w = fixture_world(&p, 207);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    for (uint32_t i = 0; i < 100; i++)
        open_case(w, t, n, i, DOM_LONELINESS, SEV_MODERATE, 1);
    for (uint32_t i = 0; i < 100; i++)
        need_set(n, i, DOM_LONELINESS, SEV_NONE, 2);
    clear_metrics(w);
    t->hours_left = 1e6;
    casework_week(w, t, 2);
    double after = 0;
    for (uint32_t i = 0; i < 100; i++)
        after += sup_get(&n->res[i], DOM_LONELINESS) == SUP_AFTERCARE;
    CHECK(after == 100 && n->m[OFF_cases_closed] == 100 && t->ncases == 100,
          "resolved_case_goes_to_aftercare", "%g in aftercare, %g closed, %u cases", after,
          n->m[OFF_cases_closed], t->ncases);
    for (uint32_t i = 0; i < 10; i++)
        need_set(n, i, DOM_LONELINESS, SEV_LIGHT, 3); /* relapses */
    clear_metrics(w);
    t->hours_left = 1e6;
    casework_week(w, t, 3);
    double reopened = 0;
    for (uint32_t i = 0; i < 10; i++)
        reopened += sup_get(&n->res[i], DOM_LONELINESS) == SUP_TEAM;
    CHECK(reopened == 10 && n->m[OFF_cases_opened] == 10 && n->m[OFF_intakes] == 0 &&
              n->m[OFF_requests_aftercare] == 10,
          "relapse_in_aftercare_reopens_the_case", "%g reopened, %g opened", reopened,
          n->m[OFF_cases_opened]);
    for (int week = 4; week <= 2 + 6; week++) {
        t->hours_left = 1e6;
        casework_week(w, t, week);
    }
    double none = 0;
    for (uint32_t i = 10; i < 100; i++)
        none += sup_get(&n->res[i], DOM_LONELINESS) == SUP_NONE;
    CHECK(none == 90 && t->ncases == 10, "aftercare_ends_after_aftercare_weeks",
          "%g ended, %u cases left", none, t->ncases);
    world_free(w);
}

/* access.team_threshold decides between advice and a case: requests at every severity, the
 * threshold at each level; below it advice, at or above it a case (referral and
 * whole-household intake off, so nothing else opens cases). */
static void test_team_threshold_decides_advice_or_case(void) {
    for (int thr = 1; thr <= 5; thr++) {
        params_t p;
        fixture_params(&p, 3000);
        ample_intake(&p);
        p.access_team_threshold[0] = thr;
        p.access_whole_household[0] = 0;
        p.access_volunteer_referral[0] = 0;
        for (int d = 0; d < N_DOMAINS; d++)
            p.access_refer_threshold[d] = 5;
        world_t *w = fixture_world(&p, 210 + (uint64_t)thr);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        const uint32_t N = 400;
        for (uint32_t i = 0; i < N; i++)
            ask(n, i, DOM_MENTAL, (int)(i % 4) + 1, 1);
        clear_metrics(w);
        access_week(w, t, 1);
        double below = N / 4.0 * (thr - 1), wrong = 0;
        for (uint32_t i = 0; i < N; i++)
            wrong += (sup_get(&n->res[i], DOM_MENTAL) == SUP_TEAM) != ((int)(i % 4) + 1 >= thr);
        char name[64];
        snprintf(name, sizeof name, "team_threshold_%d_decides_advice_or_case", thr);
        CHECK(n->m[OFF_advice] == below && n->m[OFF_cases_opened] == N - below && wrong == 0, name,
              "%g advice, %g cases, expected %g and %g; %g misplaced", n->m[OFF_advice],
              n->m[OFF_cases_opened], below, N - below, wrong);
        world_free(w);
    }
}

/* Whole-household intake (access.whole_household): the intake of one need also opens a case
 * for every other need of the household at access.team_threshold or above that has no
 * support; needs below it, and needs with support, stay as they are. Per household of two or
 * more: the first member asks about a moderate finances need and also has a moderate
 * daily-living need; the second has a severe mental-health need, a light housing need, and a
 * moderate loneliness need a volunteer helps with. */
static void test_whole_household_intake(void) {
    for (int on = 0; on <= 1; on++) {
        params_t p;
        fixture_params(&p, 6000);
        ample_intake(&p);
        p.access_whole_household[0] = on;
        p.access_team_threshold[0] = 2;
        for (int d = 0; d < N_DOMAINS; d++)
            p.access_refer_threshold[d] = 5;
        world_t *w = fixture_world(&p, 220 + (uint64_t)on);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        double H = 0;
        for (uint32_t h = 0; h < n->nhh; h++) {
            uint32_t a = n->hh_first[h], b = a + 1;
            if (n->hh_first[h + 1] - a < 2) continue;
            H++;
            ask(n, a, DOM_FINANCES, SEV_MODERATE, 1);
            need_set(n, a, DOM_DAILY, SEV_MODERATE, 1);
            resident_activate(n, b);
            need_set(n, b, DOM_MENTAL, SEV_SEVERE, 1);
            need_set(n, b, DOM_HOUSING, SEV_LIGHT, 1);
            need_set(n, b, DOM_LONELINESS, SEV_MODERATE, 1);
            sup_change(n, b, DOM_LONELINESS, SUP_VOLUNTEER, 1);
        }
        clear_metrics(w);
        access_week(w, t, 1);
        double wrong = 0;
        int team = on ? SUP_TEAM : SUP_NONE;
        for (uint32_t h = 0; h < n->nhh; h++) {
            uint32_t a = n->hh_first[h], b = a + 1;
            if (n->hh_first[h + 1] - a < 2) continue;
            wrong += sup_get(&n->res[a], DOM_FINANCES) != SUP_TEAM;
            wrong += sup_get(&n->res[a], DOM_DAILY) != team;
            wrong += sup_get(&n->res[b], DOM_MENTAL) != team;
            wrong += sup_get(&n->res[b], DOM_HOUSING) != SUP_NONE;
            wrong += sup_get(&n->res[b], DOM_LONELINESS) != SUP_VOLUNTEER;
        }
        char name[64];
        snprintf(name, sizeof name, "whole_household_intake_%s", on ? "on" : "off");
        CHECK(H > 500 && wrong == 0 && n->m[OFF_cases_household] == (on ? 2 * H : 0) &&
                  n->m[OFF_cases_opened] == (on ? 3 : 1) * H,
              name, "%g households, %g needs with the wrong status, %g household cases, %g cases",
              H, wrong, n->m[OFF_cases_household], n->m[OFF_cases_opened]);
        world_free(w);
    }
}

/* Unprotected outreach and prevention (team.prevention_protected = 0) get what casework
 * leaves, up to team.prevention_share of the client hours. */
static void test_unprotected_prevention_gets_what_casework_leaves(void) {
    static const double spare[3] = {0, 0.5, 3}; /* hours left after casework, x the share */
    for (int c = 0; c < 3; c++) {
        params_t p;
        fixture_params(&p, 5000);
        p.team_fte[0] = 10;
        p.team_prevention_protected[0] = 0;
        p.team_prevention_share[0] = 0.2;
        p.team_coordination_hours[0] = 0;
        for (int d = 0; d < N_DOMAINS; d++)
            p.access_refer_threshold[d] = 5;
        world_t *w = fixture_world(&p, 230 + (uint64_t)c);
        nbh_t *n = &w->nbh[0];
        team_t *t = &w->teams[0];
        for (uint32_t i = 0; i < 50; i++)
            open_case(w, t, n, i, DOM_LONELINESS, SEV_MODERATE, 1);
        clear_metrics(w);
        access_week(w, t, 2); /* no requests: sets this week's client hours */
        double want = 0.2 * client_hours(&p), cases = 50 * p.team_case_hours[1];
        t->hours_left = cases + spare[c] * want;
        casework_week(w, t, 2);
        double expect = fmin(want, spare[c] * want);
        char name[80];
        snprintf(name, sizeof name, "unprotected_prevention_gets_what_casework_leaves_%.1f",
                 spare[c]);
        CHECK(fabs(t->prevention_hours - expect) < 1e-9 &&
                  fabs(n->m[OFF_hours_casework] - cases) < 1e-9,
              name, "%g prevention hours, expected %g; casework %g of %g", t->prevention_hours,
              expect, n->m[OFF_hours_casework], cases);
        world_free(w);
    }
}

/* Degenerate: without staff nobody gets an intake or a case and the waiting list holds every
 * request. */
static void test_zero_staff_waiting_list_grows(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.team_fte[0] = 0;
    world_t *w = fixture_world(&p, 200);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    CHECK(t->nstaff == 0, "zero_fte_zero_posts", "%d posts", t->nstaff);
    double intakes = 0, cases = 0, grows = 1;
    uint32_t ri = 0;
    for (int week = 1; week <= 10; week++) {
        for (int k = 0; k < 50; k++)
            ask(n, ri++, DOM_HOUSING, SEV_MODERATE, week);
        clear_metrics(w);
        access_week(w, t, week);
        casework_week(w, t, week);
        workforce_week(w, t, week);
        intakes += n->m[OFF_intakes], cases += n->m[OFF_cases_opened];
        grows = grows && t->queue.len == ri && n->m[OFF_waiting_list] == ri;
    }
    CHECK(intakes == 0 && cases == 0 && t->ncases == 0, "zero_staff_no_intakes_no_cases",
          "%g intakes, %g cases", intakes, cases);
    CHECK(grows, "zero_staff_waiting_list_grows", "queue %u, metric %g, asked %u", t->queue.len,
          n->m[OFF_waiting_list], ri);
    world_free(w);
}

/* Entitlement in triage: with access.team_threshold 3 the team takes no moderate need on, but
 * a need at the referral threshold of a service that is an entitlement (specialist.entitlement:
 * daily living) goes to the municipal desk (SUP_DECISION, desk_referrals and an application),
 * while the same need in a service that is not (finances, its referral threshold also 2) gets
 * advice. */
static void test_entitlement_need_goes_to_the_desk(void) {
    params_t p;
    fixture_params(&p, 5000);
    ample_intake(&p);
    p.access_team_threshold[0] = 3;
    p.access_refer_threshold[DOM_DAILY] = p.access_refer_threshold[DOM_FINANCES] = 2;
    p.spec_entitlement[DOM_DAILY] = 1, p.spec_entitlement[DOM_FINANCES] = 0;
    p.access_volunteer_referral[0] = 0;
    p.team_advice_effect[0] = 0;
    world_t *w = fixture_world(&p, 240);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    const uint32_t N = 400;
    for (uint32_t i = 0; i < N; i++)
        ask(n, i, i % 2 ? DOM_FINANCES : DOM_DAILY, SEV_MODERATE, 1);
    clear_metrics(w);
    access_week(w, t, 1);
    double desk = 0, advice = 0;
    for (uint32_t i = 0; i < N; i++) {
        int st = sup_get(&n->res[i], i % 2 ? DOM_FINANCES : DOM_DAILY);
        desk += i % 2 == 0 && st == SUP_DECISION;
        advice += i % 2 == 1 && st == SUP_NONE;
    }
    CHECK(desk == N / 2 && n->m[OFF_desk_referrals] == N / 2 &&
              n->m[OFF_desk_applications] == N / 2 && n->desk.len == N / 2,
          "entitlement_need_below_team_threshold_goes_to_the_desk",
          "%g at the desk of %u, %g desk referrals, %g applications, desk list %u", desk, N / 2,
          n->m[OFF_desk_referrals], n->m[OFF_desk_applications], n->desk.len);
    CHECK(advice == N / 2 && n->m[OFF_advice] == N / 2 && n->m[OFF_cases_opened] == 0,
          "other_need_below_team_threshold_gets_advice", "%g advised of %u (metric %g), %g cases",
          advice, N / 2, n->m[OFF_advice], n->m[OFF_cases_opened]);
    world_free(w);
}

/* The intake wait counts the requests residents and partners made: a need that outreach found
 * joins the list after the week's intake (the team found it), so its week on the list is not a
 * wait for access. Three requests of week 1 and three outreach finds of week 2 get intake in
 * week 3: intake_wait_total is 3 x 2 weeks over intakes_asked 3, and the wait that sets trust
 * is 2 weeks (1.5 if the finds counted: (3 x 2 + 3 x 1) / 6). */
static void test_wait_counts_asked_requests(void) {
    params_t p;
    fixture_params(&p, 5000);
    ample_intake(&p);
    world_t *w = fixture_world(&p, 211);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    for (uint32_t i = 0; i < 3; i++)
        ask(n, i, DOM_FINANCES, 2, 1);
    for (uint32_t i = 3; i < 6; i++) /* found by outreach in week 2 */
        ask_from(n, i, DOM_FINANCES, 2, 2, SRC_OUTREACH);
    clear_metrics(w);
    access_week(w, t, 3);
    CHECK(n->m[OFF_intakes] == 6 && n->m[OFF_intakes_asked] == 3 && n->m[OFF_intakes_outreach] == 3,
          "intakes_asked_leaves_out_outreach_finds", "intakes %g, asked %g, outreach %g",
          n->m[OFF_intakes], n->m[OFF_intakes_asked], n->m[OFF_intakes_outreach]);
    CHECK(n->m[OFF_intake_wait_total] == 6 && n->last_wait == 2,
          "intake_wait_and_trust_count_asked_requests_only",
          "wait total %g (expected 6), last_wait %g (expected 2; 1.5 if outreach counted)",
          n->m[OFF_intake_wait_total], n->last_wait);
    world_free(w);
}

int main(void) {
    test_wait_counts_asked_requests();
    test_intake_capacity_by_severity();
    test_advice_and_volunteer_referral();
    test_network_first();
    test_referral_threshold_per_domain();
    test_decision_without_mandate();
    test_demand_led_assessment();
    test_demand_led_volunteers();
    test_demand_led_capacity();
    test_demand_led_small_capacity();
    test_entitlement_need_goes_to_the_desk();
    test_duration_cap();
    test_crisis_cases_first();
    test_coordination_hours();
    test_casework_effect_scales_with_coverage();
    test_protected_prevention_reserved_first();
    test_casework_refers_at_threshold();
    test_aftercare_after_resolution();
    test_zero_staff_waiting_list_grows();
    test_team_threshold_decides_advice_or_case();
    test_whole_household_intake();
    test_unprotected_prevention_gets_what_casework_leaves();
    return check_exit();
}
