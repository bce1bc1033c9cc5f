/* The workforce (workforce.c) against its parameters: posts and profiles, effectiveness, sick
 * leave and turnover with strain, scheduled changes of team.fte and hiring. */
#include <gsl/gsl_rng.h>

#include "check.h"
#include "world_fixture.h"

#define K 4.5

/* A team built from w->p by team_init, outside the world. */
static void team_build(world_t *w, team_t *t) {
    memset(t, 0, sizeof *t);
    if (team_init(w, t, 0) != 0) {
        printf("FAIL team_build: out of memory\n");
        exit(1);
    }
}

static void team_drop(team_t *t) {
    free(t->staff);
    gsl_rng_free(t->rng);
}

/* Posts: round(fte / fte_per_person), at least one when fte > 0, none without; each post has
 * fte / posts. */
static void test_post_count(void) {
    static const double fte[6] = {0, 0.3, 8, 10, 37.4, 120};
    params_t p;
    fixture_params(&p, 2000);
    world_t *w = fixture_world(&p, 601);
    double bad = 0, bad_fte = 0;
    for (int c = 0; c < 6; c++)
        for (int f = 0; f < 3; f++) {
            double per = (double[]){0.8, 0.55, 1}[f];
            w->p.team_fte[0] = fte[c], w->p.team_fte_per_person[0] = per;
            team_t t;
            team_build(w, &t);
            long want = fte[c] > 0 ? lround(fte[c] / per) : 0;
            if (fte[c] > 0 && want < 1) want = 1;
            bad += t.nstaff != want;
            double sum = 0;
            for (int k = 0; k < t.nstaff; k++)
                sum += t.staff[k].fte;
            bad_fte += fabs(sum - fte[c]) > 1e-9 ||
                       (t.nstaff && fabs(t.staff[0].fte - fte[c] / t.nstaff) > 1e-12);
            team_drop(&t);
        }
    CHECK(bad == 0, "posts_are_fte_over_fte_per_person", "%g teams off", bad);
    CHECK(bad_fte == 0, "posts_share_the_fte", "%g teams off", bad_fte);
    world_free(w);
}

/* Profiles follow team.mix by largest remainders: each profile's count is within one of
 * mix share x posts; specialists (and T-shaped professionals) take domains in turn. */
static void test_profile_mix(void) {
    static const double mix[5][3] = {
        {0.5, 0.2, 0.3}, {1, 0, 0}, {0.1, 0.1, 0.8}, {1, 1, 1}, {0, 3, 1}};
    params_t p;
    fixture_params(&p, 2000);
    world_t *w = fixture_world(&p, 610);
    double bad = 0, bad_dom = 0, teams = 0;
    for (int m = 0; m < 5; m++)
        for (int people = 1; people <= 40; people++) {
            for (int q = 0; q < 3; q++)
                w->p.team_mix[q] = mix[m][q];
            w->p.team_fte_per_person[0] = 1;
            w->p.team_fte[0] = people;
            team_t t;
            team_build(w, &t);
            double tot = mix[m][0] + mix[m][1] + mix[m][2], count[3] = {0}, nth[3] = {0};
            for (int k = 0; k < t.nstaff; k++) {
                int pr = t.staff[k].profile;
                count[pr]++;
                if (pr != PROF_GENERALIST) bad_dom += t.staff[k].domain != (int)nth[pr] % N_DOMAINS;
                nth[pr]++;
            }
            for (int q = 0; q < 3; q++)
                bad += fabs(count[q] - mix[m][q] / tot * people) >= 1;
            teams++;
            team_drop(&t);
        }
    CHECK(bad == 0, "profiles_follow_team_mix", "%g profile counts off in %g teams", bad, teams);
    CHECK(bad_dom == 0, "specialists_take_domains_in_turn", "%g posts off", bad_dom);
    world_free(w);
}

/* Effectiveness = match x (1 - new_penalty x exp(-experience / ramp_weeks)); match: a
 * generalist generalist_match, a specialist 1 in their domain and specialist_off elsewhere, a
 * T-shaped professional 1 in their domain and specialist_off + (generalist_match -
 * specialist_off)(1 - exp(-experience / tshape_weeks)) elsewhere. */
static void test_effectiveness_formula(void) {
    params_t p;
    params_defaults(&p);
    p.team_generalist_match[0] = 0.66, p.team_specialist_off[0] = 0.21;
    p.team_tshape_weeks[0] = 80, p.work_new_penalty[0] = 0.35, p.work_ramp_weeks[0] = 17;
    static const double xp[4] = {0, 10, 80, 900};
    double bad = 0;
    for (int x = 0; x < 4; x++) {
        double ramp = 1 - 0.35 * exp(-xp[x] / 17), grow = 1 - exp(-xp[x] / 80);
        int week = 1000;
        prof_t g = {.profile = PROF_GENERALIST,
                    .domain = 2,
                    .started = week - (int)xp[x],
                    .profiled = week - (int)xp[x]};
        prof_t s = g, t = g;
        s.profile = PROF_SPECIALIST, t.profile = PROF_TSHAPED;
        bad += fabs(prof_effectiveness(&p, &g, 2, week) - 0.66 * ramp) > 1e-12;
        bad += fabs(prof_effectiveness(&p, &g, 4, week) - 0.66 * ramp) > 1e-12;
        bad += fabs(prof_effectiveness(&p, &s, 2, week) - ramp) > 1e-12;
        bad += fabs(prof_effectiveness(&p, &s, 4, week) - 0.21 * ramp) > 1e-12;
        bad += fabs(prof_effectiveness(&p, &t, 2, week) - ramp) > 1e-12;
        bad += fabs(prof_effectiveness(&p, &t, 4, week) - (0.21 + (0.66 - 0.21) * grow) * ramp) >
               1e-12;
    }
    CHECK(bad == 0, "effectiveness_follows_profile_domain_and_experience", "%g of 24 points off",
          bad);
}

/* A large team at strain <= 1: leavers 1 - exp(-turnover / 52) of the working staff, sick
 * spells 1 - exp(-sick / 52) of those who stay. Above 1 both are multiplied by
 * 1 + strain_effect x (strain - 1). */
static void test_sick_and_turnover_hazards(void) {
    for (int strained = 0; strained <= 1; strained++) {
        params_t p;
        fixture_params(&p, 5000);
        p.team_fte[0] = 2000;
        p.team_fte_per_person[0] = quick() ? 1 : 0.4; /* 2000 or 5000 people */
        p.work_sick_rate[0] = 8, p.work_turnover_rate[0] = 3;
        p.work_strain_effect[0] = 1.5;
        world_t *w = fixture_world(&p, 620 + (uint64_t)strained);
        team_t *t = &w->teams[0];
        double strain = strained ? 2.2 : 1;
        t->strain = strain, t->hours = 1000, t->demand = strain * 1000; /* strain stays put */
        double working = 0;
        for (int k = 0; k < t->nstaff; k++)
            working += t->staff[k].state == STAFF_WORKING;
        memset(w->nbh[0].m, 0, sizeof w->nbh[0].m);
        workforce_week(w, t, 1);
        double leavers = 0, sick = 0;
        for (int k = 0; k < t->nstaff; k++)
            leavers += t->staff[k].state == STAFF_VACANT, sick += t->staff[k].state == STAFF_SICK;
        double mult = 1 + 1.5 * (strain - 1), pl = -expm1(-3.0 / 52 * mult),
               ps = -expm1(-8.0 / 52 * mult);
        char name[64];
        snprintf(name, sizeof name, "turnover_hazard_at_strain_%.1f", strain);
        check_binomial(name, leavers, working, pl, K, 1000);
        snprintf(name, sizeof name, "sick_hazard_at_strain_%.1f", strain);
        check_binomial(name, sick, working - leavers, ps, K, 1000);
        if (strained) { /* the unstrained rate must be rejected, or the check is blind */
            double z = (leavers - working * -expm1(-3.0 / 52)) / sqrt(working * pl * (1 - pl));
            CHECK(fabs(z) > K, "strain_multiplier_is_detectable", "z %.2f", z);
        }
        CHECK(w->nbh[0].m[OFF_staff_leavers] == leavers, "leavers_counted", "%g vs %g",
              w->nbh[0].m[OFF_staff_leavers], leavers);
        world_free(w);
    }
}

/* Strain is a moving average of workload (capped at 5) with time constant strain_weeks. */
static void test_strain_moving_average(void) {
    params_t p;
    fixture_params(&p, 2000);
    p.work_sick_rate[0] = p.work_turnover_rate[0] = 0;
    world_t *w = fixture_world(&p, 625);
    team_t *t = &w->teams[0];
    double want = t->strain;
    for (int week = 1; week <= 10; week++) {
        t->hours = 100, t->demand = week < 6 ? 250 : 900;
        workforce_week(w, t, week);
        want += (fmin(t->demand / t->hours, 5) - want) / p.work_strain_weeks[0];
    }
    CHECK(fabs(t->strain - want) < 1e-12, "strain_is_moving_average_of_workload", "%g, expected %g",
          t->strain, want);
    world_free(w);
}

/* A sick-leave spell lasts workforce.sick_weeks on average: weeks from falling sick to back
 * at work, counted by the staff_sick stock. */
static void test_sick_spell_length(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.team_fte[0] = 2000;
    p.team_fte_per_person[0] = quick() ? 1 : 0.5;
    p.work_turnover_rate[0] = 0;
    p.work_sick_rate[0] = 6;
    p.work_sick_weeks[0] = 4;
    world_t *w = fixture_world(&p, 627);
    team_t *t = &w->teams[0];
    int *since = malloc(t->nstaff * sizeof *since);
    for (int k = 0; k < t->nstaff; k++)
        since[k] = -1;
    double spells = 0, weeks = 0, weeks2 = 0;
    for (int week = 1; week <= 60; week++) {
        t->hours = 1000, t->demand = 0;
        workforce_week(w, t, week);
        for (int k = 0; k < t->nstaff; k++) {
            int sick = t->staff[k].state == STAFF_SICK;
            if (sick && since[k] < 0 && week <= 30) since[k] = week;
            if (!sick && since[k] >= 0) {
                double len = week - since[k];
                spells++, weeks += len, weeks2 += len * len;
                since[k] = -1;
            }
        }
    }
    double mean = spells ? weeks / spells : 0, var = spells ? weeks2 / spells - mean * mean : 0;
    check_count_guarded("sick_spell_lasts_sick_weeks_on_average", weeks, spells * 4, spells * var,
                        K, spells, 1000);
    free(since);
    world_free(w);
}

/* A change of team.fte adds vacant posts or removes posts, vacant ones first; cases stay
 * with existing posts. */
static void test_fte_change(void) {
    params_t p;
    fixture_params(&p, 5000);
    p.work_sick_rate[0] = p.work_turnover_rate[0] = 0;
    p.work_hiring_weeks[0] = 520;
    p.team_fte[0] = 8; /* 10 posts */
    world_t *w = fixture_world(&p, 630);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    for (uint32_t i = 0; i < 300; i++) {
        resident_activate(n, i);
        need_set(n, i, i % N_DOMAINS, SEV_MODERATE, 0);
        case_open(w, t, n, i, i % N_DOMAINS, CASE_ACTIVE, 0);
    }
    w->p.team_fte[0] = 20; /* 25 posts */
    memset(n->m, 0, sizeof n->m);
    workforce_week(w, t, 1);
    double vacant = 0;
    for (int k = 0; k < t->nstaff; k++)
        vacant += t->staff[k].state == STAFF_VACANT;
    CHECK(t->nstaff == 25 && vacant + n->m[OFF_staff_hires] == 15, "fte_increase_adds_vacancies",
          "%d posts, %g vacant, %g hired", t->nstaff, vacant, n->m[OFF_staff_hires]);
    CHECK(fabs(n->m[OFF_team_posts] - 20) < 1e-9 && fabs(n->m[OFF_vacancies] - vacant * 0.8) < 1e-9,
          "fte_increase_posts_and_vacancies_stock", "posts %g, vacancies %g", n->m[OFF_team_posts],
          n->m[OFF_vacancies]);
    w->p.team_fte[0] = 6.4; /* 8 posts: the vacancies go first, then two working posts */
    workforce_week(w, t, 2);
    double working = 0, bad_case = 0, load[64] = {0};
    for (int k = 0; k < t->nstaff; k++)
        working += t->staff[k].state == STAFF_WORKING;
    for (uint32_t c = 0; c < t->ncases; c++) {
        bad_case +=
            t->cases[c].prof >= t->nstaff || t->staff[t->cases[c].prof].state == STAFF_VACANT;
        if (t->cases[c].prof < 64) load[t->cases[c].prof]++;
    }
    double bad_load = 0;
    for (int k = 0; k < t->nstaff; k++)
        bad_load += t->staff[k].caseload != load[k];
    CHECK(t->nstaff == 8 && working == 8 && fabs(t->staff[0].fte - 0.8) < 1e-12,
          "fte_decrease_removes_vacant_posts_first", "%d posts, %g working", t->nstaff, working);
    CHECK(bad_case == 0 && t->ncases == 300, "removed_posts_hand_over_their_cases",
          "%g of %u cases on a missing post", bad_case, t->ncases);
    CHECK(bad_load == 0, "caseloads_follow_handed_over_cases", "%g posts with a wrong caseload",
          bad_load);
    world_free(w);
}

/* Vacancies fill at 1 / hiring_weeks a week: a post left by a leaver stays vacant (in the
 * vacancies stock) hiring_weeks on average, and so does a post opened by a change of
 * team.fte. */
static void test_vacancies_fill(void) {
    for (int opened = 0; opened <= 1; opened++) {
        params_t p;
        fixture_params(&p, 5000);
        p.team_fte_per_person[0] = 1;
        p.team_fte[0] = opened ? 1 : 2000;
        p.work_sick_rate[0] = 0;
        p.work_turnover_rate[0] = opened ? 0 : 52; /* most leave in week 1 */
        p.work_hiring_weeks[0] = 4;
        world_t *w = fixture_world(&p, 640 + (uint64_t)opened);
        team_t *t = &w->teams[0];
        if (opened) w->p.team_fte[0] = 2000;
        int *since = NULL, n0 = 0;
        double spells = 0, weeks = 0, weeks2 = 0;
        for (int week = 1; week <= 80; week++) {
            t->hours = 1000, t->demand = 0;
            workforce_week(w, t, week);
            if (week == 1) {
                w->p.work_turnover_rate[0] = 0; /* only week 1's leavers */
                n0 = t->nstaff;
                since = malloc(n0 * sizeof *since);
                for (int k = 0; k < n0; k++)
                    since[k] = t->staff[k].state == STAFF_VACANT ? 1 : -1;
                if (opened) /* posts filled in the week they opened were vacant 0 weeks */
                    for (int k = 1; k < n0; k++)
                        if (t->staff[k].state != STAFF_VACANT) spells++;
                continue;
            }
            for (int k = 0; k < n0; k++)
                if (since[k] >= 0 && t->staff[k].state != STAFF_VACANT) {
                    double len = week - since[k];
                    spells++, weeks += len, weeks2 += len * len;
                    since[k] = -1;
                }
        }
        double mean = spells ? weeks / spells : 0, var = spells ? weeks2 / spells - mean * mean : 0;
        check_count_guarded(opened ? "new_post_vacant_hiring_weeks_on_average"
                                   : "leavers_post_vacant_hiring_weeks_on_average",
                            weeks, spells * 4, spells * var, K, spells, 1000);
        free(since);
        world_free(w);
    }
}

int main(void) {
    test_post_count();
    test_profile_mix();
    test_effectiveness_formula();
    test_sick_and_turnover_hazards();
    test_strain_moving_average();
    test_sick_spell_length();
    test_fte_change();
    test_vacancies_fill();
    return check_exit();
}
