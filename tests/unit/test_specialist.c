/* Specialist services (specialist.c) against their parameters: places per 1000 residents,
 * first-come first-served admission within the places, emergency referrals at the head of the
 * list, discharge at 1 / specialist.stay_weeks a week, referrals whose need passed leaving the
 * list, and services without places; the same week for any thread count when its reads run in
 * parallel. */
#include <omp.h>

#include "check.h"
#include "world_fixture.h"

#define K 4.5

/* A referral of need d of resident ri at severity sev in week `week`: from the team (its
 * outbox), or an emergency after a crisis (the neighbourhood's outbox). */
static void refer(world_t *w, nbh_t *n, uint32_t ri, int d, int sev, int week, int emergency) {
    resident_activate(n, ri);
    need_set(n, ri, d, sev, week);
    sup_change(n, ri, d, SUP_SPEC_WAIT, week);
    request_t q = {ri, (uint16_t)n->index, (uint16_t)week, (uint8_t)d,
                   emergency ? REF_EMERGENCY : 0};
    queue_push(emergency ? &n->outbox : &w->teams[n->team].outbox, q);
}

static void clear_metrics(world_t *w) {
    for (int i = 0; i < w->nnbh; i++)
        memset(w->nbh[i].m, 0, sizeof w->nbh[i].m);
}

static void no_places(params_t *p) {
    for (int d = 0; d < N_DOMAINS; d++)
        p->spec_places[d] = p->spec_expand_weeks[d] = 0;
}

/* Places are round(specialist.places x population / 1000); a change of the parameter takes
 * effect the next week. */
static void test_places_per_1000(void) {
    static const double per1000[N_DOMAINS] = {0.25, 0.7, 1.3, 2.45, 0, 10};
    params_t p;
    fixture_params(&p, 12345);
    p.world_neighbourhoods[0] = 3;
    for (int d = 0; d < N_DOMAINS; d++)
        p.spec_places[d] = per1000[d];
    world_t *w = fixture_world(&p, 501);
    double bad = 0;
    for (int d = 0; d < N_DOMAINS; d++)
        bad += w->services[d].places != lround(per1000[d] * w->population / 1000.0);
    CHECK(bad == 0 && w->population >= 12345, "places_are_per_1000_residents", "%g services off",
          bad);
    w->p.spec_places[DOM_MENTAL] = 3.3;
    specialist_week(w, 1);
    CHECK(w->services[DOM_MENTAL].places == lround(3.3 * w->population / 1000.0),
          "changed_places_take_effect", "%d places", w->services[DOM_MENTAL].places);
    world_free(w);
}

/* Admission never exceeds the places and fills every free place while people wait. */
static void test_places_never_exceeded(void) {
    params_t p;
    fixture_params(&p, 20000);
    for (int d = 0; d < N_DOMAINS; d++)
        p.spec_places[d] = 1, p.spec_stay_weeks[d] = 3;
    world_t *w = fixture_world(&p, 510);
    nbh_t *n = &w->nbh[0];
    double over = 0, idle = 0;
    uint32_t ri = 0;
    for (int week = 1; week <= 12; week++) {
        for (int d = 0; d < N_DOMAINS; d++)
            for (int k = 0; k < 12; k++)
                refer(w, n, ri++, d, SEV_SEVERE, week, 0);
        specialist_week(w, week);
        for (int d = 0; d < N_DOMAINS; d++) {
            service_t *s = &w->services[d];
            over += (int)s->nclients > s->places;
            idle += s->waiting.len > 0 && (int)s->nclients < s->places;
        }
    }
    CHECK(over == 0, "places_never_exceeded", "%g service-weeks over their places", over);
    CHECK(idle == 0, "free_places_filled_while_people_wait", "%g service-weeks with idle places",
          idle);
    world_free(w);
}

/* Degenerate: no places, no admissions; the waiting list holds every referral. */
static void test_zero_places(void) {
    params_t p;
    fixture_params(&p, 10000);
    no_places(&p);
    world_t *w = fixture_world(&p, 520);
    nbh_t *n = &w->nbh[0];
    double admitted = 0, grows = 1;
    uint32_t ri = 0;
    for (int week = 1; week <= 8; week++) {
        for (int k = 0; k < 20; k++)
            refer(w, n, ri++, k % N_DOMAINS, SEV_SEVERE, week, k % 5 == 0);
        clear_metrics(w);
        specialist_week(w, week);
        admitted += domain_sum(n->m, OFF_specialist_admissions);
        grows = grows && domain_sum(n->m, OFF_specialist_waiting) == ri;
    }
    CHECK(admitted == 0 && domain_sum(n->m, OFF_specialist_clients) == 0,
          "zero_places_nobody_admitted", "%g admitted", admitted);
    CHECK(grows, "zero_places_waiting_list_grows", "%g waiting of %u referred",
          domain_sum(n->m, OFF_specialist_waiting), ri);
    world_free(w);
}

/* First come, first served, and an emergency referral goes to the head of the list. */
static void test_fifo_and_emergencies(void) {
    params_t p;
    fixture_params(&p, 20000);
    no_places(&p);
    p.spec_stay_weeks[DOM_FINANCES] = 2600;
    world_t *w = fixture_world(&p, 530);
    nbh_t *n = &w->nbh[0];
    uint32_t order[40];
    for (uint32_t k = 0; k < 40; k++)
        order[k] = (k * 7919u) % 5000; /* not in index order */
    w->p.spec_places[DOM_FINANCES] = 5 * 1000.0 / w->population;
    for (uint32_t k = 0; k < 20; k++)
        refer(w, n, order[k], DOM_FINANCES, SEV_SEVERE, 1, 0);
    clear_metrics(w);
    specialist_week(w, 1);
    double fifo = 1;
    for (uint32_t k = 0; k < 20; k++)
        fifo = fifo && (sup_get(&n->res[order[k]], DOM_FINANCES) == SUP_SPECIALIST) == (k < 5);
    CHECK(w->services[DOM_FINANCES].places == 5 && fifo, "admission_first_come_first_served",
          "places %d", w->services[DOM_FINANCES].places);
    CHECK(n->m[OFF_specialist_wait_total + DOM_FINANCES] == 0, "no_wait_when_admitted_at_once",
          "%g", n->m[OFF_specialist_wait_total + DOM_FINANCES]);
    /* Week 3: two emergencies, three more places: both emergencies and the sixth referral. */
    w->p.spec_places[DOM_FINANCES] = 8 * 1000.0 / w->population;
    for (uint32_t k = 20; k < 22; k++)
        refer(w, n, order[k], DOM_FINANCES, SEV_CRISIS, 3, 1);
    clear_metrics(w);
    specialist_week(w, 3);
    int em = 0, sixth = 0, later = 0;
    for (uint32_t k = 20; k < 22; k++)
        em += sup_get(&n->res[order[k]], DOM_FINANCES) == SUP_SPECIALIST;
    sixth = sup_get(&n->res[order[5]], DOM_FINANCES) == SUP_SPECIALIST;
    for (uint32_t k = 6; k < 20; k++)
        later += sup_get(&n->res[order[k]], DOM_FINANCES) == SUP_SPECIALIST;
    CHECK(em == 2 && sixth && later == 0, "emergency_referrals_go_to_the_head",
          "%d emergencies, sixth %d, later %d", em, sixth, later);
    CHECK(n->m[OFF_emergency_admissions + DOM_FINANCES] == 2 &&
              n->m[OFF_specialist_admissions + DOM_FINANCES] == 3,
          "emergency_admissions_counted", "%g emergency of %g admissions",
          n->m[OFF_emergency_admissions + DOM_FINANCES],
          n->m[OFF_specialist_admissions + DOM_FINANCES]);
    CHECK(n->m[OFF_specialist_wait_total + DOM_FINANCES] == 2, "wait_counts_weeks_on_the_list",
          "%g weeks", n->m[OFF_specialist_wait_total + DOM_FINANCES]);
    world_free(w);
}

/* Clients are discharged at 1 / specialist.stay_weeks a week, at once when their need is
 * resolved; discharge leads to aftercare with the team. */
static void test_discharge_hazard(void) {
    params_t p;
    fixture_params(&p, quick() ? 8000 : 20000);
    for (int d = 0; d < N_DOMAINS; d++)
        p.spec_places[d] = 1000;
    p.spec_stay_weeks[DOM_MENTAL] = 10;
    world_t *w = fixture_world(&p, 540);
    nbh_t *n = &w->nbh[0];
    const uint32_t N = quick() ? 6000 : 15000, R = N / 10;
    for (uint32_t i = 0; i < N; i++)
        refer(w, n, i, DOM_MENTAL, SEV_MODERATE, 1, 0);
    specialist_week(w, 1);
    CHECK(w->services[DOM_MENTAL].nclients == N, "discharge_fixture_all_admitted", "%u of %u",
          w->services[DOM_MENTAL].nclients, N);
    for (uint32_t i = 0; i < R; i++)
        need_set(n, i, DOM_MENTAL, SEV_NONE, 2);
    clear_metrics(w);
    specialist_week(w, 2);
    double resolved_out = 0, open_out = 0, aftercare = 0;
    for (uint32_t i = 0; i < N; i++) {
        int st = sup_get(&n->res[i], DOM_MENTAL);
        if (st == SUP_SPECIALIST) continue;
        *(i < R ? &resolved_out : &open_out) += 1;
        aftercare += st == SUP_AFTERCARE;
    }
    CHECK(resolved_out == R, "resolved_need_is_discharged", "%g of %u", resolved_out, R);
    check_binomial("discharge_hazard_one_over_stay_weeks", open_out, N - R, 1 / 10.0, K, 2000);
    CHECK(aftercare == resolved_out + open_out && w->teams[0].ncases == aftercare &&
              n->m[OFF_specialist_discharges + DOM_MENTAL] == aftercare,
          "discharge_leads_to_aftercare", "%g in aftercare of %g discharged, %u team cases",
          aftercare, resolved_out + open_out, w->teams[0].ncases);
    world_free(w);
}

/* The stay is geometric: in any week, 1 / specialist.stay_weeks of the clients still there leave
 * (the end of a stay is drawn at admission); when the parameter changes, the stays of the
 * clients there are drawn again and the new weekly chance holds from that week on. */
static void test_stay_is_geometric_and_follows_a_new_parameter(void) {
    params_t p;
    fixture_params(&p, quick() ? 8000 : 20000);
    p.spec_places[DOM_MENTAL] = 1000;
    p.spec_expand_weeks[DOM_MENTAL] = 0;
    p.spec_stay_weeks[DOM_MENTAL] = 10;
    world_t *w = fixture_world(&p, 545);
    nbh_t *n = &w->nbh[0];
    const uint32_t N = quick() ? 6000 : 15000;
    for (uint32_t i = 0; i < N; i++)
        refer(w, n, i, DOM_MENTAL, SEV_MODERATE, 1, 0);
    specialist_week(w, 1);
    uint32_t before = 0, left = 0;
    for (int week = 2; week <= 6; week++) {
        before = w->services[DOM_MENTAL].nclients;
        if (week == 6) { /* a policy: stays of 2 weeks on average from week 6 */
            params_t np = w->p;
            np.spec_stay_weeks[DOM_MENTAL] = 2;
            world_apply_params(w, &np, week);
        }
        specialist_week(w, week);
        left = before - w->services[DOM_MENTAL].nclients;
        if (week == 5)
            check_binomial("stay_geometric_fourth_week_one_over_stay_weeks", left, before, 1 / 10.0,
                           K, 1000);
    }
    check_binomial("stay_new_parameter_holds_from_its_week", left, before, 1 / 2.0, K, 1000);
    world_free(w);
}

/* A referral whose need has passed, or whose status changed, leaves the list without
 * admission; the waiting list stock counts only those still waiting. */
static void test_passed_need_leaves_the_list(void) {
    params_t p;
    fixture_params(&p, 10000);
    no_places(&p);
    world_t *w = fixture_world(&p, 550);
    nbh_t *n = &w->nbh[0];
    for (uint32_t i = 0; i < 100; i++)
        refer(w, n, i, DOM_HOUSING, SEV_SEVERE, 1, 0);
    specialist_week(w, 1);
    for (uint32_t i = 0; i < 30; i++)
        need_set(n, i, DOM_HOUSING, SEV_NONE, 2); /* need passed */
    for (uint32_t i = 30; i < 40; i++)
        sup_change(n, i, DOM_HOUSING, SUP_NONE, 2); /* case closed: an exit, counted now */
    double early_exits = n->m[OFF_specialist_waiting_exits + DOM_HOUSING];
    clear_metrics(w);
    specialist_week(w, 2);
    double waiting = 0;
    for (uint32_t i = 0; i < 100; i++)
        waiting += sup_get(&n->res[i], DOM_HOUSING) == SUP_SPEC_WAIT;
    CHECK(n->m[OFF_specialist_waiting + DOM_HOUSING] == waiting,
          "waiting_stock_counts_only_those_waiting", "stock %g, residents waiting %g",
          n->m[OFF_specialist_waiting + DOM_HOUSING], waiting);
    w->p.spec_places[DOM_HOUSING] = 1000;
    clear_metrics(w);
    specialist_week(w, 3);
    double none = 0;
    for (uint32_t i = 0; i < 30; i++)
        none += sup_get(&n->res[i], DOM_HOUSING) == SUP_NONE;
    CHECK(n->m[OFF_specialist_admissions + DOM_HOUSING] == 60 && early_exits == 10 &&
              n->m[OFF_specialist_waiting_exits + DOM_HOUSING] == 30,
          "passed_need_leaves_without_admission",
          "%g admitted, %g + %g exits (expected 60, 10 + 30)",
          n->m[OFF_specialist_admissions + DOM_HOUSING], early_exits,
          n->m[OFF_specialist_waiting_exits + DOM_HOUSING]);
    CHECK(none == 30, "passed_need_back_to_no_support", "%g of 30", none);
    world_free(w);
}

/* Providers that follow demand (specialist.expand_weeks > 0) start from the contracted places
 * and each week move their capacity towards clients plus live waiting list by 1 / expand_weeks
 * of the gap; the places of a week are the rounded capacity. A fixed service (expand_weeks 0)
 * keeps specialist.places whatever its waiting list. Checked exactly, step by step, from the
 * state each week leaves. */
static void test_providers_follow_demand(void) {
    params_t p;
    fixture_params(&p, 10000);
    no_places(&p);
    p.spec_places[DOM_DAILY] = 2, p.spec_expand_weeks[DOM_DAILY] = 13;
    p.spec_places[DOM_MENTAL] = 2, p.spec_expand_weeks[DOM_MENTAL] = 0;
    p.spec_stay_weeks[DOM_DAILY] = p.spec_stay_weeks[DOM_MENTAL] = 8;
    world_t *w = fixture_world(&p, 560);
    nbh_t *n = &w->nbh[0];
    service_t *s = &w->services[DOM_DAILY], *f = &w->services[DOM_MENTAL];
    double contracted = 2 * w->population / 1000.0;
    CHECK(fabs(s->capacity - contracted) < 1e-9 && s->places == lround(contracted),
          "demand_led_service_starts_from_contracted_places",
          "capacity %g, places %d, contracted %g", s->capacity, s->places, contracted);
    double off = 0, fixed_off = 0, grew = 0;
    uint32_t ri = 0;
    for (int week = 1; week <= 20; week++) {
        if (week <= 5)
            for (int k = 0; k < 40; k++) {
                refer(w, n, ri++, DOM_DAILY, SEV_SEVERE, week, 0);
                refer(w, n, ri++, DOM_MENTAL, SEV_SEVERE, week, 0);
            }
        double before = s->capacity;
        clear_metrics(w);
        specialist_week(w, week);
        double want =
            before + (s->nclients + n->m[OFF_specialist_waiting + DOM_DAILY] - before) / 13;
        off += fabs(s->capacity - want) > 1e-9 || s->places != lround(before);
        fixed_off += f->places != lround(contracted) || (int)f->nclients > f->places;
        grew = fmax(grew, s->places - lround(contracted));
    }
    CHECK(off == 0, "demand_led_capacity_moves_towards_clients_and_waiting",
          "%g weeks off the step", off);
    CHECK(grew >= 20, "demand_led_places_grow_with_demand", "at most %g places above contract",
          grew);
    CHECK(fixed_off == 0, "fixed_service_keeps_its_places", "%g weeks off %ld places", fixed_off,
          lround(contracted));
    world_free(w);
}

/* A client whose need is severe or in crisis costs cost.specialist_heavy_week a week, one with
 * a light or moderate need cost.specialist_week; specialist_clients_heavy counts the former. */
static void test_heavy_care_costs_more(void) {
    static const int sev[4] = {SEV_LIGHT, SEV_MODERATE, SEV_SEVERE, SEV_CRISIS};
    params_t p;
    fixture_params(&p, 10000);
    no_places(&p);
    p.spec_places[DOM_PARENTING] = 100;
    p.spec_stay_weeks[DOM_PARENTING] = 2600;
    p.cost_specialist_week[DOM_PARENTING] = 120;
    p.cost_specialist_heavy_week[DOM_PARENTING] = 1700;
    world_t *w = fixture_world(&p, 570);
    nbh_t *n = &w->nbh[0];
    for (uint32_t i = 0; i < 200; i++)
        refer(w, n, i, DOM_PARENTING, sev[i % 4], 1, 0);
    clear_metrics(w);
    specialist_week(w, 1);
    service_t *s = &w->services[DOM_PARENTING];
    double heavy = 0, light = 0;
    for (uint32_t k = 0; k < s->nclients; k++) {
        int x = sev_get(&n->res[s->clients[k].resident], DOM_PARENTING);
        heavy += x >= SEV_SEVERE, light += x < SEV_SEVERE;
    }
    double want = heavy * 1700 + light * 120;
    CHECK(heavy > 50 && light > 50 && n->m[OFF_specialist_clients_heavy + DOM_PARENTING] == heavy,
          "heavy_clients_counted", "%g heavy (metric %g), %g light", heavy,
          n->m[OFF_specialist_clients_heavy + DOM_PARENTING], light);
    CHECK(fabs(n->m[OFF_cost_specialist + DOM_PARENTING] - want) < 1e-6,
          "heavy_care_costs_specialist_heavy_week", "%g euro, expected %g (%g heavy, %g light)",
          n->m[OFF_cost_specialist + DOM_PARENTING], want, heavy, light);
    world_free(w);
}

/* With more waiting referrals than the phase reads serially (SPECIALIST_PARALLEL_READS) and more
 * discharges and admissions a week than it applies serially (SPECIALIST_PARALLEL_EVENTS), in 4
 * neighbourhoods served by 3 teams, the weeks are the same, to the bit, on one thread and on
 * four: admissions, discharges (some needs resolved), aftercare cases, the waiting list and
 * every value of every neighbourhood. */
static void test_same_week_for_any_thread_count(void) {
    params_t p;
    fixture_params(&p, 100000);
    p.world_neighbourhoods[0] = 4;
    p.world_teams[0] = 3;
    p.spec_places[DOM_MENTAL] = 35000 / 100.0; /* 35,000 places: the rest wait */
    p.spec_expand_weeks[DOM_MENTAL] = 0;
    p.spec_stay_weeks[DOM_MENTAL] = 50;
    world_t *w = fixture_world(&p, 580);
    const uint32_t per = 23750;
    for (int j = 0; j < w->nnbh; j++)
        for (uint32_t i = 0; i < per && i < w->nbh[j].nres; i++)
            refer(w, &w->nbh[j], i, DOM_MENTAL, i % 3 ? SEV_MODERATE : SEV_SEVERE, 1, i % 50 == 0);
    specialist_week(w, 1);
    for (int j = 0; j < w->nnbh; j++)
        for (uint32_t i = 0; i < per && i < w->nbh[j].nres; i += 7) /* some needs pass */
            need_set(&w->nbh[j], i, DOM_MENTAL, SEV_NONE, 2);
    world_t *other = world_clone(w);
    int threads[2] = {1, 4}, ok = other != NULL;
    world_t *run[2] = {w, other};
    double events = 0;
    for (int k = 0; k < 2 && ok; k++) {
        omp_set_num_threads(threads[k]);
        clear_metrics(run[k]);
        for (int week = 2; week <= 4; week++)
            ok &= specialist_week(run[k], week) == 0;
    }
    omp_set_num_threads(omp_get_num_procs());
    const service_t *a = &w->services[DOM_MENTAL], *b = ok ? &other->services[DOM_MENTAL] : a;
    int same = ok && a->nclients == b->nclients && a->waiting.len == b->waiting.len &&
               memcmp(a->clients, b->clients, a->nclients * sizeof *a->clients) == 0;
    for (int j = 0; same && j < w->nnbh; j++) {
        const nbh_t *n = &w->nbh[j], *o = &other->nbh[j];
        same = memcmp(n->m, o->m, sizeof n->m) == 0;
        for (uint32_t i = 0; same && i < n->nres; i++)
            same = n->res[i].support == o->res[i].support;
        events += n->m[OFF_specialist_discharges + DOM_MENTAL] +
                  n->m[OFF_specialist_admissions + DOM_MENTAL];
    }
    for (int t = 0; same && t < w->nteams; t++) { /* field by field: case_t has padding */
        same = w->teams[t].ncases == other->teams[t].ncases;
        for (uint32_t k = 0; same && k < w->teams[t].ncases; k++) {
            const case_t *x = &w->teams[t].cases[k], *y = &other->teams[t].cases[k];
            same = x->resident == y->resident && x->nbh == y->nbh && x->opened == y->opened &&
                   x->until == y->until && x->domain == y->domain && x->kind == y->kind &&
                   x->prof == y->prof;
        }
    }
    CHECK(a->waiting.len >= SPECIALIST_PARALLEL_READS && events >= SPECIALIST_PARALLEL_EVENTS &&
              w->nteams == 3 && same,
          "same_week_for_one_and_four_threads",
          "%u waiting, %g discharges and admissions in the last week, %d teams, same %d",
          a->waiting.len, events, w->nteams, same);
    world_free(other);
    world_free(w);
}

int main(void) {
    test_places_per_1000();
    test_places_never_exceeded();
    test_zero_places();
    test_fifo_and_emergencies();
    test_discharge_hazard();
    test_stay_is_geometric_and_follows_a_new_parameter();
    test_passed_need_leaves_the_list();
    test_providers_follow_demand();
    test_heavy_care_costs_more();
    test_same_week_for_any_thread_count();
    return check_exit();
}
