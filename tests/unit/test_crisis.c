/* Crises (crisis.c) against their parameters: costs per crisis and per crisis week,
 * emergency admission with crisis.admit_share, stabilisation at 1 / crisis.weeks a week. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

/* A need of resident ri escalated to crisis this week (needs.c appends it to the open crises). */
static void new_crisis(nbh_t *n, uint32_t ri, int d, int week) {
    resident_activate(n, ri);
    need_set(n, ri, d, SEV_SEVERE, week - 1);
    need_set(n, ri, d, SEV_CRISIS, week);
    u32vec_push(&n->crises, ri << 3 | (uint32_t)d);
}

/* cost.crisis of its domain for each new crisis, cost.crisis_week of its domain for each need
 * in crisis this week (mental health at 4321 + 789, housing at 2 x that). */
static void test_crisis_costs(void) {
    params_t p;
    fixture_params(&p, 5000);
    for (int d = 0; d < N_DOMAINS; d++)
        p.cost_crisis[d] = 1e9, p.cost_crisis_week[d] = 1e9;
    p.cost_crisis[DOM_MENTAL] = 4321, p.cost_crisis_week[DOM_MENTAL] = 789;
    p.cost_crisis[DOM_HOUSING] = 2 * 4321, p.cost_crisis_week[DOM_HOUSING] = 2 * 789;
    world_t *w = fixture_world(&p, 801);
    nbh_t *n = &w->nbh[0];
    for (uint32_t i = 70; i < 100; i++)
        new_crisis(n, i, DOM_MENTAL, 1); /* crises of week 1 */
    memset(n->m, 0, sizeof n->m);
    crisis_week(w, n, 1);
    double still = 0;
    for (uint32_t i = 70; i < 100; i++)
        still += sev_get(&n->res[i], DOM_MENTAL) == SEV_CRISIS;
    CHECK(fabs(n->m[OFF_cost_crisis] - 30 * (4321.0 + 789.0)) < 1e-6,
          "crisis_costs_in_its_first_week", "%g, expected %g", n->m[OFF_cost_crisis],
          30 * (4321.0 + 789.0));
    for (uint32_t i = 0; i < 70; i++)
        new_crisis(n, i, DOM_HOUSING, 2); /* crises of week 2 */
    memset(n->m, 0, sizeof n->m);
    crisis_week(w, n, 2);
    double want = 70 * 2 * (4321.0 + 789.0) + still * 789.0;
    CHECK(fabs(n->m[OFF_cost_crisis] - want) < 1e-6 && still > 0,
          "crisis_costs_per_crisis_and_per_week", "%g, expected %g (%g crises from week 1)",
          n->m[OFF_cost_crisis], want, still);
    world_free(w);
}

/* A new crisis leads to an emergency referral (head of the waiting list, REF_EMERGENCY) with
 * probability crisis.admit_share of its domain, unless the need is in specialist care or
 * waiting for it. */
static void test_emergency_admission_share(void) {
    params_t p;
    fixture_params(&p, quick() ? 10000 : 20000);
    static const double share[N_DOMAINS] = {0.37, 0.1, 0.6, 0.25, 0.8, 0.5};
    for (int d = 0; d < N_DOMAINS; d++)
        p.crisis_admit_share[d] = share[d];
    world_t *w = fixture_world(&p, 810);
    nbh_t *n = &w->nbh[0];
    const uint32_t N = quick() ? 6000 : 15000;
    for (uint32_t i = 0; i < N; i++) {
        new_crisis(n, i, i % N_DOMAINS, 1);
        if (i % 5 == 0) sup_change(n, i, i % N_DOMAINS, i % 10 ? SUP_SPECIALIST : SUP_SPEC_WAIT, 0);
        if (i % 5 == 1) sup_change(n, i, i % N_DOMAINS, SUP_TEAM, 0);
    }
    memset(n->m, 0, sizeof n->m);
    crisis_week(w, n, 1);
    double eligible[N_DOMAINS] = {0}, sent[N_DOMAINS] = {0}, bad = 0, kept = 0;
    for (uint32_t i = 0; i < N; i++)
        eligible[i % N_DOMAINS] += i % 5 != 0;
    for (uint32_t k = 0; k < n->outbox.len; k++) {
        request_t *q = queue_at(&n->outbox, k);
        sent[q->domain]++;
        bad += !(q->source & REF_EMERGENCY) || q->domain != q->resident % N_DOMAINS ||
               q->resident % 5 == 0 || sup_get(&n->res[q->resident], q->domain) != SUP_SPEC_WAIT;
    }
    for (uint32_t i = 0; i < N; i += 5)
        kept += sup_get(&n->res[i], i % N_DOMAINS) == (i % 10 ? SUP_SPECIALIST : SUP_SPEC_WAIT);
    for (int d = 0; d < N_DOMAINS; d++) {
        char name[64];
        snprintf(name, sizeof name, "emergency_referral_share_%s", domain_names[d]);
        check_binomial(name, sent[d], eligible[d], share[d], K, 500);
    }
    CHECK(bad == 0, "emergency_referrals_flagged_and_waiting", "%g bad referrals", bad);
    CHECK(kept == N / 5, "no_emergency_referral_in_or_waiting_for_specialist_care",
          "%g of %u unchanged", kept, N / 5);
    /* they are admitted in the same week, ahead of the list, while places last */
    uint32_t places = (uint32_t)w->services[DOM_FINANCES].places;
    for (uint32_t i = N; i < N + places + 10; i++) { /* a full regular list first */
        resident_activate(n, i);
        need_set(n, i, DOM_FINANCES, SEV_SEVERE, 0);
        sup_change(n, i, DOM_FINANCES, SUP_SPEC_WAIT, 0);
        queue_push(&w->services[DOM_FINANCES].waiting, (request_t){i, 0, 0, DOM_FINANCES, 0});
    }
    double sent_fin = 0;
    for (uint32_t k = 0; k < n->outbox.len; k++)
        sent_fin += queue_at(&n->outbox, k)->domain == DOM_FINANCES;
    specialist_week(w, 1);
    CHECK(n->m[OFF_emergency_admissions + DOM_FINANCES] == fmin(sent_fin, places),
          "emergency_admitted_in_the_week_of_crisis", "%g admitted of %g, %u places",
          n->m[OFF_emergency_admissions + DOM_FINANCES], sent_fin, places);
    world_free(w);
}

/* Crisis intervention stabilises a crisis to severe with probability 1 / crisis.weeks a week,
 * so a crisis lasts crisis.weeks weeks on average (each of them costed). */
static void test_stabilisation(void) {
    params_t p;
    fixture_params(&p, quick() ? 10000 : 20000);
    p.crisis_weeks[0] = 5;
    p.crisis_admit_share[0] = 0;
    p.cost_crisis[0] = 0, p.cost_crisis_week[0] = 1;
    world_t *w = fixture_world(&p, 820);
    nbh_t *n = &w->nbh[0];
    const uint32_t N = quick() ? 6000 : 15000;
    for (uint32_t i = 0; i < N; i++)
        new_crisis(n, i, DOM_FINANCES, 1);
    memset(n->m, 0, sizeof n->m);
    crisis_week(w, n, 1);
    double severe = (double)n->sev_count[DOM_FINANCES][SEV_SEVERE];
    check_binomial("crisis_stabilises_at_one_over_crisis_weeks", severe, N, 1 / 5.0, K, 1000);
    CHECK(n->m[OFF_crisis_needs] == N - severe, "crisis_needs_stock", "%g, expected %g",
          n->m[OFF_crisis_needs], N - severe);
    double weeks = n->m[OFF_cost_crisis];
    for (int week = 2; week < 400 && n->sev_count[DOM_FINANCES][SEV_CRISIS] > 0; week++) {
        memset(n->m, 0, sizeof n->m);
        crisis_week(w, n, week);
        weeks += n->m[OFF_cost_crisis];
    }
    check_count("crisis_lasts_crisis_weeks_on_average", weeks, N * 5.0, N * (1 - 0.2) / (0.2 * 0.2),
                K, 1000);
    world_free(w);
}

int main(void) {
    test_crisis_costs();
    test_emergency_admission_share();
    test_stabilisation();
    return check_exit();
}
