/* Help seeking and signalling (help_seeking.c) against their parameters: care avoiders, the
 * self-referral rate through the access barriers, partners' signals and the GP's direct
 * referrals, and trust following the wait. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

static void no_signals(params_t *p) {
    for (int d = 0; d < N_DOMAINS; d++)
        p->signal_gp[d] = p->signal_school[d] = p->signal_housing[d] = p->signal_energy[d] =
            p->route_desk[d] = 0;
}

static void test_care_avoider_share(void) {
    params_t p;
    fixture_params(&p, quick() ? 30000 : 100000);
    p.res_care_avoider_share[0] = 0.17;
    world_t *w = fixture_world(&p, 21);
    nbh_t *n = &w->nbh[0];
    double avoiders = 0;
    for (uint32_t i = 0; i < n->nres; i++)
        avoiders += n->res[i].propensity == 0;
    check_binomial("care_avoider_share", avoiders, n->nres, 0.17, K, 10000);
    world_free(w);
}

/* Each resident with an unsupported need asks with 1 - exp(-rate[s] x propensity x
 * (1 - barrier) / 52) a week; care avoiders never ask. Requests go to the inbox. */
static void test_self_referral_rate(void) {
    for (int s = SEV_LIGHT; s <= SEV_CRISIS; s++) {
        params_t p;
        fixture_params(&p, quick() ? 30000 : 100000);
        no_signals(&p);
        p.access_barrier[0] = 0.35;
        world_t *w = fixture_world(&p, 22 + (uint64_t)s);
        nbh_t *n = &w->nbh[0];
        fixture_all_with_need(n, DOM_LONELINESS, s);
        help_seeking_week(w, n, 1);
        double mean = 0, var = 0, avoiders_asking = 0;
        for (uint32_t i = 0; i < n->nres; i++) {
            double q =
                -expm1(-p.seek_rate[s - 1] * n->res[i].propensity / PROPENSITY_SCALE * 0.65 / 52);
            mean += q, var += q * (1 - q);
            avoiders_asking +=
                n->res[i].propensity == 0 && sup_get(&n->res[i], DOM_LONELINESS) != SUP_NONE;
        }
        char name[64];
        snprintf(name, sizeof name, "self_referral_rate_severity_%d", s);
        check_count(name, n->m[OFF_help_requests], mean, var, K, 200);
        CHECK(avoiders_asking == 0, "care_avoiders_never_ask", "%g asked", avoiders_asking);
        CHECK(n->inbox.len == n->m[OFF_help_requests], "requests_go_to_the_inbox", "%u vs %g",
              n->inbox.len, n->m[OFF_help_requests]);
        world_free(w);
    }
}

/* The distance barrier applies to residents of a neighbourhood other than the team's base. */
static void test_distance_barrier(void) {
    params_t p;
    fixture_params(&p, quick() ? 60000 : 160000);
    no_signals(&p);
    p.world_neighbourhoods[0] = 2;
    p.access_barrier[0] = 0.2;
    p.access_distance_barrier[0] = 0.5;
    world_t *w = fixture_world(&p, 27);
    for (int i = 0; i < 2; i++) {
        nbh_t *n = &w->nbh[i];
        fixture_all_with_need(n, DOM_FINANCES, SEV_SEVERE);
        help_seeking_week(w, n, 1);
        double through = 0.8 * (i ? 0.5 : 1), mean = 0, var = 0;
        for (uint32_t j = 0; j < n->nres; j++) {
            double q =
                -expm1(-p.seek_rate[2] * n->res[j].propensity / PROPENSITY_SCALE * through / 52);
            mean += q, var += q * (1 - q);
        }
        check_count(i ? "distance_barrier_away_from_team_base" : "no_distance_barrier_at_team_base",
                    n->m[OFF_help_requests], mean, var, K, 200);
    }
    world_free(w);
}

/* A full barrier stops self-referral but not partners' signals. */
static void test_full_barrier_blocks_self_referral(void) {
    params_t p;
    fixture_params(&p, 20000);
    p.access_barrier[0] = 1;
    world_t *w = fixture_world(&p, 23);
    nbh_t *n = &w->nbh[0];
    fixture_all_with_need(n, DOM_HOUSING, SEV_SEVERE);
    help_seeking_week(w, n, 1);
    CHECK(n->m[OFF_help_requests] == n->m[OFF_requests_signal] && n->m[OFF_requests_signal] > 0,
          "full_access_barrier_blocks_self_referral", "%g requests, %g from signals",
          n->m[OFF_help_requests], n->m[OFF_requests_signal]);
    world_free(w);
}

/* Signals of needs of severity 2 or more, at the summed partner rates (school for children
 * only); a GP signal of a need at the referral threshold is a direct referral with
 * probability signals.gp_direct. Everybody a care avoider, so only partners act. */
static void test_signals_and_gp_referrals(void) {
    for (int s = SEV_LIGHT; s <= SEV_MODERATE; s++) {
        params_t p;
        fixture_params(&p, quick() ? 40000 : 120000);
        p.res_care_avoider_share[0] = 1;
        p.signal_gp[DOM_PARENTING] = 3, p.signal_school[DOM_PARENTING] = 2;
        p.signal_housing[DOM_PARENTING] = 1, p.signal_energy[DOM_PARENTING] = 0.5;
        p.signal_gp_direct[DOM_PARENTING] = 0.6;
        p.access_refer_threshold[DOM_PARENTING] = 2;
        world_t *w = fixture_world(&p, 28 + (uint64_t)s);
        nbh_t *n = &w->nbh[0];
        fixture_all_with_need(n, DOM_PARENTING, s);
        help_seeking_week(w, n, 1);
        double m_req = 0, v_req = 0, m_gp = 0, v_gp = 0;
        for (uint32_t i = 0; i < n->nres && s >= SEV_MODERATE; i++) {
            double gp = 3.0 / 52, other = (1.5 + (n->res[i].age_band == AGE_0_17 ? 2 : 0)) / 52;
            double any = -expm1(-(gp + other)), direct = any * gp / (gp + other) * 0.6,
                   req = any - direct;
            m_req += req, v_req += req * (1 - req), m_gp += direct, v_gp += direct * (1 - direct);
        }
        if (s == SEV_LIGHT) {
            CHECK(n->m[OFF_help_requests] == 0 && n->outbox.len == 0, "no_signals_below_moderate",
                  "%g requests", n->m[OFF_help_requests]);
        } else {
            check_count("signal_requests_at_partner_rates", n->m[OFF_requests_signal], m_req, v_req,
                        K, 200);
            check_count("gp_direct_referrals", n->outbox.len, m_gp, v_gp, K, 200);
            double spec = 0;
            for (uint32_t i = 0; i < n->nres; i++)
                spec += sup_get(&n->res[i], DOM_PARENTING) == SUP_SPEC_WAIT;
            CHECK(spec == n->outbox.len && n->inbox.len == n->m[OFF_requests_signal],
                  "direct_referrals_skip_the_team",
                  "%g waiting for a specialist, outbox %u, inbox %u", spec, n->outbox.len,
                  n->inbox.len);
        }
        world_free(w);
    }
}

/* Trust moves towards exp(-wait / seeking.trust_wait) with time constant seeking.trust_weeks. */
static void test_trust_follows_wait(void) {
    params_t p;
    fixture_params(&p, 2000);
    world_t *w = fixture_world(&p, 29);
    nbh_t *n = &w->nbh[0];
    n->last_wait = 12;
    double want = 1;
    for (int week = 1; week <= 10; week++) {
        help_seeking_week(w, n, week);
        want += (exp(-12 / p.seek_trust_wait[0]) - want) / p.seek_trust_weeks[0];
    }
    CHECK(fabs(n->trust - want) < 1e-12, "trust_follows_waiting_time", "%g, expected %g", n->trust,
          want);
    world_free(w);
}

/* Self-referral is scaled by trust, which moves first: a neighbourhood whose team kept people
 * waiting asks less. Trust starts at 1 and the wait is long; with seeking.trust_weeks = 2 it
 * falls halfway to exp(-wait / seeking.trust_wait) in the week. */
static void test_self_referral_follows_trust(void) {
    params_t p;
    fixture_params(&p, quick() ? 30000 : 100000);
    no_signals(&p);
    p.access_barrier[0] = 0;
    p.seek_trust_weeks[0] = 2;
    world_t *w = fixture_world(&p, 30);
    nbh_t *n = &w->nbh[0];
    fixture_all_with_need(n, DOM_MENTAL, SEV_SEVERE);
    n->trust = 1;
    n->last_wait = 2 * p.seek_trust_wait[0];
    help_seeking_week(w, n, 1);
    double trust = 1 + (exp(-2.0) - 1) / 2, mean = 0, var = 0, mean1 = 0, var1 = 0;
    for (uint32_t i = 0; i < n->nres; i++) {
        double r = p.seek_rate[2] * n->res[i].propensity / PROPENSITY_SCALE / 52;
        double q = -expm1(-r * trust), q1 = -expm1(-r);
        mean += q, var += q * (1 - q), mean1 += q1, var1 += q1 * (1 - q1);
    }
    CHECK(fabs(n->trust - trust) < 1e-12, "trust_moves_before_asking", "%g, expected %g", n->trust,
          trust);
    check_count("self_referral_follows_trust", n->m[OFF_help_requests], mean, var, K, 200);
    double z = (n->m[OFF_help_requests] - mean1) / sqrt(var1);
    CHECK(z < -K, "trust_effect_is_detectable", "z against full trust %.2f", z);
    world_free(w);
}

/* The municipal desk: an unsupported need at the referral threshold of its domain goes to the
 * desk at rate routes.desk a year (competing with self-referral and signals, both off here:
 * everybody a care avoider, no partners); an application has status SUP_DECISION, waits on
 * the neighbourhood's desk list, is a decision at cost.decision. Needs below the threshold
 * never go there. Even residents at the threshold (moderate daily living), odd ones light. */
static void test_desk_route_at_routes_desk_rate(void) {
    params_t p;
    fixture_params(&p, quick() ? 40000 : 100000);
    no_signals(&p);
    p.res_care_avoider_share[0] = 1;
    p.access_refer_threshold[DOM_DAILY] = 2;
    p.route_desk[DOM_DAILY] = 3.5;
    p.cost_decision[0] = 275;
    world_t *w = fixture_world(&p, 31);
    nbh_t *n = &w->nbh[0];
    fixture_all_with_need(n, DOM_DAILY, SEV_MODERATE);
    for (uint32_t i = 1; i < n->nres; i += 2)
        need_set(n, i, DOM_DAILY, SEV_LIGHT, 0);
    memset(n->m, 0, sizeof n->m);
    help_seeking_week(w, n, 1);
    double at = 0, decision = 0, light = 0;
    for (uint32_t i = 0; i < n->nres; i++) {
        int st = sup_get(&n->res[i], DOM_DAILY);
        at += i % 2 == 0;
        decision += i % 2 == 0 && st == SUP_DECISION;
        light += i % 2 == 1 && st != SUP_NONE;
    }
    double apps = n->m[OFF_desk_applications];
    check_binomial("desk_applications_at_routes_desk_rate", apps, at, -expm1(-3.5 / 52), K, 10000);
    CHECK(light == 0, "no_desk_application_below_refer_threshold", "%g light needs moved", light);
    CHECK(decision == apps && n->desk.len == apps && n->inbox.len == 0 && n->outbox.len == 0,
          "desk_application_waits_for_a_decision",
          "%g applications, %g in decision, desk list %u, inbox %u, outbox %u", apps, decision,
          n->desk.len, n->inbox.len, n->outbox.len);
    CHECK(n->m[OFF_decisions] == apps && fabs(n->m[OFF_cost_admin] - 275 * apps) < 1e-6,
          "desk_application_costs_a_decision", "%g decisions, %g euro for %g applications",
          n->m[OFF_decisions], n->m[OFF_cost_admin], apps);
    world_free(w);
}

/* A desk application becomes a referral (the neighbourhood's outbox, REF_DESK, status
 * SUP_SPEC_WAIT from that week) exactly round(access.decision_weeks) weeks after it was made,
 * not earlier; one whose status changed meanwhile (an emergency admission, say) has lapsed and
 * is dropped, and one whose need passed meanwhile ends without a referral. */
static void test_desk_decision_after_decision_weeks(void) {
    params_t p;
    fixture_params(&p, 5000);
    no_signals(&p);
    p.res_care_avoider_share[0] = 1;
    p.access_decision_weeks[0] = 4.6; /* 5 weeks */
    world_t *w = fixture_world(&p, 32);
    nbh_t *n = &w->nbh[0];
    const uint32_t N = 300;
    for (uint32_t i = 0; i < N; i++) {
        resident_activate(n, i);
        need_set(n, i, DOM_DAILY, SEV_MODERATE, 0);
        desk_apply(&w->p, n, i, DOM_DAILY, 1);
    }
    for (uint32_t i = 0; i < N; i += 3)
        sup_change(n, i, DOM_DAILY, SUP_SPEC_WAIT, 2); /* lapsed: admitted another way */
    for (uint32_t i = 1; i < N; i += 3)
        if (i % 2) need_set(n, i, DOM_DAILY, SEV_NONE, 2); /* passed meanwhile */
    double early = 0, at_due = 0, bad = 0;
    for (int week = 2; week <= 9; week++) {
        help_seeking_week(w, n, week);
        for (uint32_t k = 0; k < n->outbox.len; k++) {
            request_t *q = queue_at(&n->outbox, k);
            int st = sup_get(&n->res[q->resident], DOM_DAILY);
            if (week < 6) early++;
            if (week == 6) at_due++;
            bad += q->resident % 3 == 0 || (q->resident % 3 == 1 && q->resident % 2) ||
                   !(q->source & REF_DESK) || q->since != week || st != SUP_SPEC_WAIT ||
                   active_of(n, q->resident)->sup_since[DOM_DAILY] != week;
        }
        n->outbox.head = n->outbox.len = 0;
    }
    double want = 0, passed_ok = 0, passed = 0;
    for (uint32_t i = 0; i < N; i++) {
        want += i % 3 != 0 && !(i % 3 == 1 && i % 2);
        if (i % 3 == 1 && i % 2) passed++, passed_ok += sup_get(&n->res[i], DOM_DAILY) == SUP_NONE;
    }
    CHECK(early == 0, "desk_decision_not_before_decision_weeks", "%g referrals before week 6",
          early);
    CHECK(at_due == want && bad == 0 && n->desk.len == 0,
          "desk_decision_after_rounded_decision_weeks",
          "%g referrals in week 6, expected %g; %g wrong; %u still at the desk", at_due, want, bad,
          n->desk.len);
    CHECK(passed > 0 && passed_ok == passed, "desk_application_of_a_passed_need_ends",
          "%g of %g without support", passed_ok, passed);
    world_free(w);
}

int main(void) {
    test_care_avoider_share();
    test_self_referral_rate();
    test_distance_barrier();
    test_full_barrier_blocks_self_referral();
    test_signals_and_gp_referrals();
    test_trust_follows_wait();
    test_self_referral_follows_trust();
    test_desk_route_at_routes_desk_rate();
    test_desk_decision_after_decision_weeks();
    return check_exit();
}
