/* Degenerate worlds, run whole (sim_run into the totals sink): a team without staff, specialist
 * services without places, residents without carers. Each compares with what the mechanism
 * must then give (nothing) or with the baseline of the same seed. Runs use one thread: the
 * checks are about the model, and one thread is fastest on a busy machine. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

static void run(const params_t *p, int replicates, totals_t *t) {
    char err[256];
    run_opts_t o = {.seed = 5, .replicates = replicates, .threads = 1};
    memset(t, 0, sizeof *t);
    if (sim_run(p, &o, totals_sink, t, NULL, err, sizeof err) != 0) {
        printf("FAIL run: %s\n", err);
        exit(1);
    }
}

static void base(params_t *p, double population) {
    fixture_params(p, population);
    p->world_neighbourhoods[0] = 2;
    p->sim_burn_in_weeks[0] = 52;
    p->sim_weeks[0] = 104;
}

/* Without staff: no intakes, no team cases, no staff cost; the waiting list grows; needs go
 * unaddressed, so more of them reach crisis than in the baseline of the same seed
 * (escalation from moderate and severe raised so that crises are many). The difference is
 * compared with the Poisson noise of the two counts. */
static void test_zero_staff(void) {
    params_t p;
    base(&p, quick() ? 15000 : 30000);
    p.needs_escalation_rate[1] = 0.6, p.needs_escalation_rate[2] = 0.8;
    int reps = quick() ? 1 : 2;
    totals_t b, z;
    run(&p, reps, &b);
    p.team_fte[0] = 0;
    run(&p, reps, &z);
    CHECK(z.total[OFF_intakes] == 0 && z.total[OFF_hours_client] == 0 &&
              z.total[OFF_cost_team_staff] == 0,
          "zero_staff_no_intakes_no_hours", "intakes %g, hours %g, cost %g", z.total[OFF_intakes],
          z.total[OFF_hours_client], z.total[OFF_cost_team_staff]);
    CHECK(z.total[OFF_cases_opened] == 0 && z.total[OFF_team_cases] == 0 &&
              z.total[OFF_aftercare_clients] == 0,
          "zero_staff_no_team_cases",
          "cases opened %g, open case-weeks %g, aftercare client-weeks %g",
          z.total[OFF_cases_opened], z.total[OFF_team_cases], z.total[OFF_aftercare_clients]);
    CHECK(z.total[OFF_help_requests] > 0 &&
              z.last[OFF_waiting_list] > z.first[OFF_waiting_list] + 100,
          "zero_staff_waiting_list_grows", "requests %g, waiting %g -> %g",
          z.total[OFF_help_requests], z.first[OFF_waiting_list], z.last[OFF_waiting_list]);
    double cb = b.total[OFF_crises], cz = z.total[OFF_crises];
    double zscore = cb + cz > 0 ? (cz - cb) / sqrt(cz + cb) : 0;
    if (cb + cz < 200)
        CHECK(0, "zero_staff_more_crises_than_baseline", "sample too small for a test (%g crises)",
              cb + cz);
    else
        CHECK(zscore > K, "zero_staff_more_crises_than_baseline",
              "%g crises vs %g in the baseline, z=%.2f", cz, cb, zscore);
}

/* Without specialist places nobody is admitted (emergencies neither) and the waiting lists
 * grow. */
static void test_zero_places(void) {
    params_t p;
    base(&p, quick() ? 10000 : 20000);
    for (int d = 0; d < N_DOMAINS; d++)
        p.spec_places[d] = p.spec_expand_weeks[d] = 0; /* fixed capacity: none */
    totals_t t;
    run(&p, 1, &t);
    CHECK(domain_sum(t.total, OFF_specialist_admissions) == 0 &&
              domain_sum(t.total, OFF_emergency_admissions) == 0 &&
              domain_sum(t.total, OFF_specialist_clients) == 0,
          "zero_places_no_admissions", "admissions %g, emergency %g, client-weeks %g",
          domain_sum(t.total, OFF_specialist_admissions),
          domain_sum(t.total, OFF_emergency_admissions),
          domain_sum(t.total, OFF_specialist_clients));
    CHECK(domain_sum(t.total, OFF_referrals) > 0 &&
              domain_sum(t.last, OFF_specialist_waiting) >
                  domain_sum(t.first, OFF_specialist_waiting) + 50,
          "zero_places_specialist_waiting_grows", "referrals %g, waiting %g -> %g",
          domain_sum(t.total, OFF_referrals), domain_sum(t.first, OFF_specialist_waiting),
          domain_sum(t.last, OFF_specialist_waiting));
    CHECK(domain_sum(t.total, OFF_cost_specialist) == 0, "zero_places_cost_nothing", "%g",
          domain_sum(t.total, OFF_cost_specialist));
}

/* Without carers (no ties, one-person households only; or nobody willing) no informal hours
 * are given, though needs ask for them. */
static void test_no_carers(void) {
    for (int c = 0; c < 2; c++) {
        params_t p;
        base(&p, quick() ? 10000 : 20000);
        if (c == 0) {
            p.informal_family_ties[0] = p.informal_friend_ties[0] = 0;
            for (int k = 0; k < 6; k++)
                p.world_household_share[k] = k <= 1; /* singles, single seniors */
        } else {
            p.informal_willingness[0] = 0;
        }
        totals_t t;
        run(&p, 1, &t);
        CHECK(t.total[OFF_informal_hours] == 0 && t.total[OFF_carers] == 0 &&
                  t.total[OFF_informal_hours_needed] > 0,
              c ? "nobody_willing_no_informal_hours" : "no_ties_and_singles_no_informal_hours",
              "%g hours given of %g asked, %g carer-weeks", t.total[OFF_informal_hours],
              t.total[OFF_informal_hours_needed], t.total[OFF_carers]);
    }
}

int main(void) {
    test_zero_staff();
    test_zero_places();
    test_no_carers();
    return check_exit();
}
