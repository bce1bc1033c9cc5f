/* Volunteers (volunteers.c) against their parameters: the starting pool, weekly recruitment,
 * matching by the coordinator's hours, dropout, and a neighbourhood without volunteers. */
#include "check.h"
#include "world_fixture.h"

#define K 4.5

static int eligible_age(int band) {
    return band == AGE_18_64 || band == AGE_65_79;
}

/* Needs of residents first .. first+count-1 waiting for a volunteer match since `week`. */
static void wait_for_match(nbh_t *n, uint32_t first, uint32_t count, int week) {
    for (uint32_t i = first; i < first + count; i++) {
        resident_activate(n, i);
        need_set(n, i, DOM_LONELINESS, SEV_LIGHT, week);
        sup_change(n, i, DOM_LONELINESS, SUP_VOL_WAIT, week);
        queue_push(&n->vol_queue,
                   (request_t){i, (uint16_t)n->index, (uint16_t)week, DOM_LONELINESS, 0});
    }
}

static void no_turnover(params_t *p) {
    p->vol_dropout[0] = p->vol_overload_dropout[0] = 0;
    p->vol_recruit_rate[0] = 0;
    p->vol_reciprocity[0] = 0;
}

/* The starting pool is volunteers.initial per 1000 residents, drawn uniformly among residents
 * aged 18-79: its size is round(initial x residents / 1000) and its share of 65-79 year olds
 * is theirs among the eligible. */
static void test_initial_pool(void) {
    params_t p;
    fixture_params(&p, quick() ? 40000 : 100000);
    p.vol_initial[0] = 40;
    world_t *w = fixture_world(&p, 401);
    nbh_t *n = &w->nbh[0];
    double want = lround(40.0 / 1000 * n->nres), old = 0, wrong_age = 0, flagged = 0;
    for (uint32_t k = 0; k < n->nvols; k++) {
        const resident_t *r = &n->res[n->vols[k].resident];
        wrong_age += !eligible_age(r->age_band);
        old += r->age_band == AGE_65_79;
    }
    for (uint32_t i = 0; i < n->nres; i++)
        flagged += (n->res[i].flags & RF_VOLUNTEER) != 0;
    CHECK(n->nvols == want && flagged == want, "initial_pool_is_initial_per_1000",
          "%u volunteers (%g flagged), expected %g", n->nvols, flagged, want);
    CHECK(wrong_age == 0, "initial_volunteers_aged_18_to_79", "%g of other ages", wrong_age);
    double elig_old = n->age_count[AGE_65_79], elig = n->age_count[AGE_18_64] + elig_old;
    check_binomial("initial_pool_drawn_uniformly_among_eligible", old, n->nvols, elig_old / elig, K,
                   1000);
    world_free(w);

    /* Degenerate: nobody of eligible age, nobody in the pool. */
    fixture_params(&p, 5000);
    for (int k = 0; k < 6; k++)
        p.world_household_share[k] = k == 1; /* single seniors */
    p.world_oldest_share[0] = 1;             /* all 80+ */
    p.vol_initial[0] = 40;
    w = fixture_world(&p, 402);
    CHECK(w->nbh[0].nvols == 0, "no_eligible_residents_no_volunteers", "%u volunteers",
          w->nbh[0].nvols);
    world_free(w);
}

/* Recruitment: Poisson(recruit_rate / 1000 / 52 x residents x cohesion / 0.5) draws a week of
 * residents, who join when aged 18-79, without a need and not yet volunteers: a thinned
 * Poisson count with mean sum over weeks of the draws' mean x the eligible share. Two
 * neighbourhoods of different cohesion. */
static void test_recruitment(void) {
    params_t p;
    fixture_params(&p, quick() ? 40000 : 100000);
    p.world_neighbourhoods[0] = 2;
    p.vol_initial[0] = 0;
    p.vol_dropout[0] = 0;
    p.vol_recruit_rate[0] = 60;
    world_t *w = fixture_world(&p, 410);
    for (int i = 0; i < 2; i++) {
        nbh_t *n = &w->nbh[i];
        for (uint32_t j = 0; j < n->nres; j += 4) { /* a quarter with a need: not recruited */
            resident_activate(n, j);
            need_set(n, j, DOM_FINANCES, SEV_LIGHT, 0);
        }
        double draws = 60.0 / 1000 / 52 * n->nres * n->cohesion / 0.5, mean = 0, got = 0, bad = 0;
        for (int week = 1; week <= 20; week++) {
            double ok = 0;
            for (uint32_t j = 0; j < n->nres; j++) {
                const resident_t *r = &n->res[j];
                ok += eligible_age(r->age_band) && r->severity == 0 && !(r->flags & RF_VOLUNTEER);
            }
            mean += draws * ok / n->nres;
            memset(n->m, 0, sizeof n->m);
            volunteers_week(w, n, week);
            got += n->m[OFF_volunteer_recruits];
        }
        for (uint32_t k = 0; k < n->nvols; k++) {
            const resident_t *r = &n->res[n->vols[k].resident];
            bad += !eligible_age(r->age_band) || r->severity != 0;
        }
        char name[64];
        snprintf(name, sizeof name, "recruitment_poisson_at_cohesion_%.2f", n->cohesion);
        check_count(name, got, mean, mean, K, 100);
        CHECK(bad == 0 && n->nvols == got, "recruits_are_eligible_without_needs",
              "%g not eligible, %u vs %g", bad, n->nvols, got);
    }
    world_free(w);
}

/* Matching: the coordinator has coordinator_hours per 10,000 residents a week and spends
 * match_hours per match, so floor(hours / match_hours) matches when volunteers and waiting
 * needs are plenty, first come first served. */
static void test_matching_limited_by_coordinator_hours(void) {
    params_t p;
    fixture_params(&p, 30000);
    no_turnover(&p);
    p.vol_initial[0] = 50;
    p.vol_coordinator_hours[0] = 7;
    p.vol_match_hours[0] = 3;
    world_t *w = fixture_world(&p, 420);
    nbh_t *n = &w->nbh[0];
    double hours = 7.0 * n->nres / 10000, per = floor(hours / 3);
    wait_for_match(n, 0, 200, 1);
    double total = 0, fifo = 1;
    for (int week = 1; week <= 4; week++) {
        memset(n->m, 0, sizeof n->m);
        volunteers_week(w, n, week);
        total += n->m[OFF_volunteer_matches];
        CHECK(n->m[OFF_volunteer_matches] == per &&
                  fabs(n->m[OFF_coordinator_hours] - 3 * per) < 1e-9,
              "matches_per_week_are_coordinator_hours_over_match_hours",
              "week %d: %g matches (%g h), expected %g", week, n->m[OFF_volunteer_matches],
              n->m[OFF_coordinator_hours], per);
        for (uint32_t i = 0; i < 200; i++)
            fifo = fifo && (sup_get(&n->res[i], DOM_LONELINESS) == SUP_VOLUNTEER) == (i < total);
    }
    CHECK(fifo, "matching_first_come_first_served", "matched out of order");
    CHECK(n->vol_queue.len == 200 - total && n->m[OFF_volunteer_waiting] == 200 - total,
          "unmatched_needs_keep_waiting", "queue %u, metric %g, expected %g", n->vol_queue.len,
          n->m[OFF_volunteer_waiting], 200 - total);
    world_free(w);

    /* Few volunteers: each takes up to volunteers.max_clients, then matching stops. */
    fixture_params(&p, 30000);
    no_turnover(&p);
    p.vol_initial[0] = 0.2; /* 6 volunteers */
    p.vol_coordinator_hours[0] = 100;
    p.vol_max_clients[0] = 3;
    w = fixture_world(&p, 421);
    n = &w->nbh[0];
    wait_for_match(n, 0, 100, 1);
    memset(n->m, 0, sizeof n->m);
    volunteers_week(w, n, 1);
    double spread = 1;
    for (uint32_t k = 0; k < n->nvols; k++)
        spread = spread && n->vols[k].nclients == 3;
    CHECK(n->nvols == 6 && n->m[OFF_volunteer_matches] == 18 && spread,
          "volunteers_take_up_to_max_clients", "%u volunteers, %g matches", n->nvols,
          n->m[OFF_volunteer_matches]);
    world_free(w);
}

/* Degenerate: without volunteers nobody is matched and the waiting list grows. */
static void test_no_volunteers_nobody_matched(void) {
    params_t p;
    fixture_params(&p, 20000);
    no_turnover(&p);
    p.vol_initial[0] = 0;
    world_t *w = fixture_world(&p, 430);
    nbh_t *n = &w->nbh[0];
    double matches = 0, grows = 1;
    for (int week = 1; week <= 6; week++) {
        wait_for_match(n, (uint32_t)(week - 1) * 30, 30, week);
        memset(n->m, 0, sizeof n->m);
        volunteers_week(w, n, week);
        matches += n->m[OFF_volunteer_matches];
        grows = grows && n->m[OFF_volunteer_waiting] == 30.0 * week;
    }
    CHECK(n->nvols == 0 && matches == 0 && grows, "no_volunteers_nobody_matched_waiting_grows",
          "%u volunteers, %g matches, %g waiting", n->nvols, matches, n->m[OFF_volunteer_waiting]);
    world_free(w);
}

/* Dropout: 1 - exp(-dropout / 52) a week within the preferred load, 1 - exp(-(dropout +
 * overload_dropout) / 52) with more clients than preferred; at once with a severe need. */
static void test_dropout(void) {
    params_t p;
    fixture_params(&p, quick() ? 40000 : 100000);
    p.vol_initial[0] = 60;
    p.vol_recruit_rate[0] = 0;
    p.vol_dropout[0] = 4;
    p.vol_overload_dropout[0] = 6;
    p.vol_preferred_clients[0] = 1;
    world_t *w = fixture_world(&p, 440);
    nbh_t *n = &w->nbh[0];
    uint32_t nv = n->nvols, severe = 0;
    /* a third overloaded (two stand-in clients), a tenth with a severe need of their own */
    for (uint32_t k = 0; k < nv; k++) {
        volunteer_t *v = &n->vols[k];
        if (k % 3 == 0) {
            v->nclients = 2;
            v->client[0] = v->client[1] = (v->resident + 1) % n->nres;
        }
        if (k % 10 == 1) {
            resident_activate(n, v->resident);
            need_set(n, v->resident, DOM_MENTAL, SEV_SEVERE, 0);
            severe++;
        }
    }
    double n_over = 0, n_norm = 0;
    for (uint32_t k = 0; k < nv; k++)
        if (k % 10 != 1) *(k % 3 == 0 ? &n_over : &n_norm) += 1;
    uint32_t *before = malloc(nv * sizeof *before);
    uint8_t *kind = calloc(n->nres, 1); /* 1 normal, 2 overloaded, 3 severe */
    for (uint32_t k = 0; k < nv; k++) {
        before[k] = n->vols[k].resident;
        kind[before[k]] = k % 10 == 1 ? 3 : k % 3 == 0 ? 2 : 1;
    }
    memset(n->m, 0, sizeof n->m);
    volunteers_week(w, n, 1);
    double left[4] = {0};
    for (uint32_t k = 0; k < nv; k++)
        left[kind[before[k]]] += !(n->res[before[k]].flags & RF_VOLUNTEER);
    check_binomial("dropout_within_preferred_load", left[1], n_norm, -expm1(-4.0 / 52), K, 1000);
    check_binomial("dropout_when_overloaded", left[2], n_over, -expm1(-10.0 / 52), K, 500);
    CHECK(left[3] == severe, "volunteer_with_severe_need_stops", "%g of %u stopped", left[3],
          severe);
    CHECK(n->m[OFF_volunteer_dropouts] == left[1] + left[2] + left[3] &&
              n->nvols == nv - n->m[OFF_volunteer_dropouts],
          "dropouts_leave_the_pool", "%g dropouts, pool %u of %u", n->m[OFF_volunteer_dropouts],
          n->nvols, nv);
    free(before);
    free(kind);
    world_free(w);
}

/* Reciprocity: a former client whose need was resolved with team support joins the pool with
 * probability volunteers.reciprocity; volunteers are residents aged 18-79, so children and
 * residents of 80 and over do not join. */
static void test_reciprocity(void) {
    params_t p;
    fixture_params(&p, quick() ? 4000 : 8000);
    p.vol_initial[0] = 0;
    p.vol_reciprocity[0] = 0.5;
    world_t *w = fixture_world(&p, 450);
    nbh_t *n = &w->nbh[0];
    team_t *t = &w->teams[0];
    for (uint32_t i = 0; i < n->nres; i++) {
        resident_activate(n, i);
        need_set(n, i, DOM_LONELINESS, SEV_MODERATE, 0);
        case_open(w, t, n, i, DOM_LONELINESS, CASE_ACTIVE, 0);
        need_set(n, i, DOM_LONELINESS, SEV_NONE, 1);
    }
    memset(n->m, 0, sizeof n->m);
    t->hours_left = 1e9;
    casework_week(w, t, 1);
    double adults = 0, joined = 0, other = 0;
    for (uint32_t i = 0; i < n->nres; i++) {
        int vol = (n->res[i].flags & RF_VOLUNTEER) != 0;
        if (eligible_age(n->res[i].age_band))
            adults++, joined += vol;
        else
            other += vol;
    }
    check_binomial("reciprocity_share_of_resolved_clients", joined, adults, 0.5, K, 1000);
    CHECK(other == 0, "reciprocity_only_at_volunteer_ages", "%g volunteers aged 0-17 or 80+ of %g",
          other, n->nres - adults);
    world_free(w);
}

int main(void) {
    test_initial_pool();
    test_recruitment();
    test_matching_limited_by_coordinator_hours();
    test_no_volunteers_nobody_matched();
    test_dropout();
    test_reciprocity();
    return check_exit();
}
