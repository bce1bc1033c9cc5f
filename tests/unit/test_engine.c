/* The engine's own equivalences: ways of running that must give the same numbers, bit for bit.
 *
 * municipality_only (sim.h): the engine sums the neighbourhoods' weeks as it goes instead of
 * keeping every neighbourhood's week until the replicate ends. The municipality sums it hands
 * to the sink must be those of the full buffer, for a scenario alone and for scenarios that
 * branch from a shared history (the branch's buffer starts as a copy of the root's). */
#include "check.h"
#include "world_fixture.h"

#define NSC 2

typedef struct {
    double *mu[NSC]; /* [replicate][week][value] per scenario */
    int nb_seen;     /* sinks that got neighbourhood values */
    int weeks;
} capture_t;

static int capture_sink(void *ctx, int scenario, int rep, const world_t *w,
                        const replicate_result_t *r) {
    capture_t *c = ctx;
    (void)w;
    c->nb_seen += r->nb != NULL;
    memcpy(&c->mu[scenario][(size_t)rep * r->weeks * N_VALUES], r->mu,
           sizeof(double) * (size_t)r->weeks * N_VALUES);
    return 0;
}

static void run(scenario_t *sc, int municipality_only, capture_t *c) {
    const scenario_t *list[NSC] = {&sc[0], &sc[1]};
    run_opts_t o = {
        .seed = 3, .replicates = 2, .threads = 2, .municipality_only = municipality_only};
    char err[256];
    int weeks = (int)sc[0].params.sim_weeks[0];
    c->weeks = weeks, c->nb_seen = 0;
    for (int s = 0; s < NSC; s++)
        c->mu[s] = calloc((size_t)o.replicates * weeks * N_VALUES, sizeof(double));
    if (sim_run_scenarios(list, NSC, &o, capture_sink, c, NULL, err, sizeof err) != 0) {
        printf("FAIL run: %s\n", err);
        exit(1);
    }
}

static void test_municipality_only_same_sums(void) {
    scenario_t sc[NSC];
    for (int s = 0; s < NSC; s++) {
        scenario_init(&sc[s]);
        fixture_params(&sc[s].params, 12000);
        sc[s].params.world_neighbourhoods[0] = 3;
        sc[s].params.sim_burn_in_weeks[0] = 26;
        sc[s].params.sim_weeks[0] = 52;
    }
    sc[1].params.team_fte[0] *= 0.5; /* branches from the first after its burn-in */
    capture_t full, only;
    run(sc, 0, &full);
    run(sc, 1, &only);
    size_t n = (size_t)2 * full.weeks * N_VALUES;
    int same = 1, differs = 0;
    for (int s = 0; s < NSC; s++) {
        same &= memcmp(full.mu[s], only.mu[s], n * sizeof(double)) == 0;
        differs |= s > 0 && memcmp(full.mu[0], full.mu[s], n * sizeof(double)) != 0;
    }
    CHECK(same, "municipality_only hands over the same municipality sums, bit for bit",
          "the sums differ");
    CHECK(differs, "the branching scenario differs from its root (the check compares something)",
          "both scenarios gave the same sums");
    CHECK(full.nb_seen == 2 * NSC && only.nb_seen == 0,
          "neighbourhood values go to the sink only without municipality_only",
          "with them %d of %d sinks, without %d", full.nb_seen, 2 * NSC, only.nb_seen);
    for (int s = 0; s < NSC; s++) {
        free(full.mu[s]), free(only.mu[s]);
        scenario_free(&sc[s]);
    }
}

int main(void) {
    test_municipality_only_same_sums();
    return check_exit();
}
