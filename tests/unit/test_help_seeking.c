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

int main(void) {
    test_care_avoider_share();
    test_self_referral_rate();
    test_distance_barrier();
    test_full_barrier_blocks_self_referral();
    test_signals_and_gp_referrals();
    test_trust_follows_wait();
    test_self_referral_follows_trust();
    return check_exit();
}
