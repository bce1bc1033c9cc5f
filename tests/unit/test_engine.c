/* The engine's own equivalences: ways of running that must give the same numbers, bit for bit.
 *
 * Kept stocks (accounting.c, specialist.c): the week's stocks are kept up to date at every change
 * of state instead of counted by a pass over the pool or the services' clients; every week of a
 * run they must equal a count, and no pool member with nothing left may stay in the pool.
 *
 * municipality_only (sim.h): the engine sums the neighbourhoods' weeks as it goes instead of
 * keeping every neighbourhood's week until the replicate ends. The municipality sums it hands
 * to the sink must be those of the full buffer, for a scenario alone and for scenarios that
 * branch from a shared history (the branch's buffer starts as a copy of the root's).
 *
 * Phase times (sim.h run_stats_t, for make bench): the loops and serial phases account for the
 * run's time once, copies of a world included, and no loop does more work than its threads
 * could. */
#include "check.h"
#include "models/models.h"
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

/* One week of the model's phases, serially (sim.c runs them in parallel; same results). */
static void one_week(world_t *w, int week) {
    for (int i = 0; i < w->nnbh; i++)
        memset(w->nbh[i].m, 0, sizeof w->nbh[i].m);
    for (int ph = 0; ph < n_model_phases; ph++) {
        const phase_t *f = &model_phases[ph];
        int rc = 0;
        if (f->serial) rc = f->serial(w, week);
        for (int i = 0; f->nbh && i < w->nnbh; i++)
            rc |= f->nbh(w, &w->nbh[i], week);
        for (int i = 0; f->team && i < w->nteams; i++)
            rc |= f->team(w, &w->teams[i], week);
        if (rc != 0) {
            printf("FAIL kept_stocks: phase %s failed in week %d\n", f->name, week);
            exit(1);
        }
    }
}

static void test_kept_stocks_equal_a_count(void) {
    params_t p;
    fixture_params(&p, quick() ? 12000 : 30000);
    p.world_neighbourhoods[0] = 2;
    p.sim_burn_in_weeks[0] = 0;
    p.sim_weeks[0] = quick() ? 160 : 320;
    p.needs_chronic_share[DOM_DAILY] = 0.3; /* chronic needs, as a stock too */
    world_t *w = fixture_world(&p, 21);
    int weeks = (int)p.sim_weeks[0], bad_weeks = 0, stragglers = 0, youth_year_bad = 0;
    int clients_bad = 0, hh_bad = 0;
    double pool_weeks = 0, with_need = 0, client_weeks = 0, hh_case_weeks = 0;
    for (int week = 0; week < weeks; week++) {
        if (week == weeks / 2) { /* a policy step: new quality-of-life weights and team size */
            params_t np = w->p;
            np.qol_loss[1] *= 1.5;
            np.team_fte[0] *= 0.7;
            world_apply_params(w, &np, week);
        }
        one_week(w, week);
        uint32_t count[2][N_DOMAINS][2] = {{{0}}}; /* the specialist clients, from the lists */
        for (int d = 0; d < N_DOMAINS; d++)
            for (uint32_t k = 0; k < w->services[d].nclients; k++) {
                const client_t *c = &w->services[d].clients[k];
                count[c->nbh][d][sev_get(&w->nbh[c->nbh].res[c->resident], d) >= SEV_SEVERE]++;
                client_weeks++;
            }
        clients_bad += memcmp(count[0], w->nbh[0].spec_clients, sizeof count[0]) != 0 ||
                       memcmp(count[1], w->nbh[1].spec_clients, sizeof count[1]) != 0;
        for (int i = 0; i < w->nnbh; i++) { /* the households' active cases, from the teams */
            const nbh_t *n = &w->nbh[i];
            uint32_t *cases = calloc(n->nhh, sizeof *cases);
            for (int t = 0; cases && t < w->nteams; t++)
                for (uint32_t k = 0; k < w->teams[t].ncases; k++) {
                    const case_t *c = &w->teams[t].cases[k];
                    if (c->nbh == i && c->kind == CASE_ACTIVE)
                        cases[n->res[c->resident].household]++, hh_case_weeks++;
                }
            for (uint32_t h = 0; cases && h < n->nhh; h++)
                hh_bad += cases[h] != n->hh_cases[h];
            hh_bad += !cases;
            free(cases);
        }
        for (int i = 0; i < w->nnbh; i++) {
            nbh_t *n = &w->nbh[i];
            tally_t t;
            tally_recount(n, &t);
            bad_weeks += memcmp(&t, &n->tally, sizeof t) != 0;
            uint32_t flagged = 0;
            for (uint32_t ri = 0; ri < n->nres; ri++)
                flagged += (n->res[ri].flags & RF_YOUTH_CARE_YEAR) != 0;
            youth_year_bad += flagged != n->youth_care_year;
            for (uint32_t k = 0; k < n->nactive; k++) {
                const active_t *a = &n->active[k];
                const resident_t *r = &n->res[a->resident];
                stragglers += r->severity == 0 && r->support == 0 && a->burden <= 0 &&
                              a->given <= 0 && week >= a->watch_until &&
                              !(r->flags & RF_OVERLOADED);
            }
            pool_weeks += n->nactive;
            with_need += t.with_need;
        }
    }
    CHECK(bad_weeks == 0 && with_need > 1000, "kept_stocks_equal_a_count_every_week",
          "%d neighbourhood-weeks differ; %g need-weeks", bad_weeks, with_need);
    CHECK(clients_bad == 0 && client_weeks > 1000, "kept_specialist_clients_equal_the_lists",
          "%d weeks differ; %g client-weeks", clients_bad, client_weeks);
    CHECK(hh_bad == 0 && hh_case_weeks > 1000, "household_case_counts_equal_the_cases",
          "%d household-weeks differ; %g case-weeks", hh_bad, hh_case_weeks);
    CHECK(youth_year_bad == 0, "youth_care_year_counts_the_flagged",
          "%d neighbourhood-weeks differ", youth_year_bad);
    CHECK(stragglers == 0 && pool_weeks > 1000, "pool_members_with_nothing_left_leave",
          "%d member-weeks with nothing left stayed (of %g)", stragglers, pool_weeks);
    world_free(w);
}

/* A scenario and one branching from it, 2 replicates on 2 threads: every week's loops and serial
 * phases take nearly all of the simulation's time and never more (a branch's copy of the world
 * starts its times from zero); each loop's work fits in its wall time on 2 threads; a serial
 * phase's work is its wall time. */
static void test_phase_times_account_for_the_run(void) {
    scenario_t sc[NSC];
    for (int s = 0; s < NSC; s++) {
        scenario_init(&sc[s]);
        fixture_params(&sc[s].params, 20000);
        sc[s].params.world_neighbourhoods[0] = 4;
        sc[s].params.sim_burn_in_weeks[0] = 104;
        sc[s].params.sim_weeks[0] = 104;
    }
    sc[1].params.team_fte[0] *= 0.5;
    const scenario_t *list[NSC] = {&sc[0], &sc[1]};
    run_opts_t o = {.seed = 4, .replicates = 2, .threads = 2, .municipality_only = 1};
    run_stats_t st;
    char err[256];
    if (sim_run_scenarios(list, NSC, &o, NULL, NULL, &st, err, sizeof err) != 0) {
        printf("FAIL phase_times: %s\n", err);
        exit(1);
    }
    double wall = 0, work = 0, over = 0;
    int serial_off = 0, blocks = 0, timed = 0, stray = 0;
    for (int ph = 0, end; ph < n_model_phases; ph = end) {
        end = sim_loop_end(ph, st.by_team);
        blocks++, timed += st.phase_wall[ph] > 0, wall += st.phase_wall[ph];
        double loop = 0;
        for (int k = ph; k < end; k++) {
            loop += st.phase_work[k], work += st.phase_work[k];
            stray += k > ph && st.phase_wall[k] != 0; /* a block's wall time is under its first */
        }
        if (model_phases[ph].serial)
            serial_off += st.phase_work[ph] != st.phase_wall[ph];
        else if (loop > 2 * st.phase_wall[ph] * 1.05 + 1e-3)
            over += 1;
    }
    CHECK(wall <= st.seconds && wall >= 0.5 * st.seconds && work > 0 && timed == blocks &&
              stray == 0,
          "phase_times_account_for_the_run_once",
          "blocks %g s, run %g s, work %g s, %d of %d blocks timed, %d stray", wall, st.seconds,
          work, timed, blocks, stray);
    CHECK(over == 0 && serial_off == 0, "phase_work_fits_the_threads",
          "%g loops with more work than 2 threads give, %d serial phases off", over, serial_off);
    for (int s = 0; s < NSC; s++)
        scenario_free(&sc[s]);
}

int main(void) {
    test_phase_times_account_for_the_run();
    test_kept_stocks_equal_a_count();
    test_municipality_only_same_sums();
    return check_exit();
}
