/* Workforce: the team's professionals (MODEL_BRIEF s3, s4.10).
 *
 * Posts. A team of team.fte FTE is split into posts of about team.fte_per_person each; their
 * profiles follow team.mix (generalist, specialist, T-shaped; largest remainders), and
 * specialists and T-shaped professionals take domains in turn, in domain order. Starting staff
 * have exponential experience (mean workforce.experience_years). With team.risk_sizing > 0 the
 * total FTE is shared among teams by residents weighted by the deprivation of their
 * neighbourhoods (team_target_fte). When a policy changes team.fte or team.risk_sizing, posts
 * are added as vacancies or removed (vacant ones first); when it changes team.mix, the posts
 * are re-profiled (workforce_reprofile).
 *
 * Effectiveness of a professional in a domain: the match of their profile (a specialist in their
 * own domain 1, a generalist team.generalist_match, a specialist elsewhere team.specialist_off;
 * a T-shaped professional grows from there to the generalist level with time constant
 * team.tshape_weeks, seed 002 L602-612), times 1 - workforce.new_penalty x exp(-experience /
 * workforce.ramp_weeks): new staff start less effective.
 *
 * Strain is a moving average (workforce.strain_weeks) of workload, the hours the week's work
 * asked for per hour available (casework.c), counted up to 5. Above 1, sick leave and turnover
 * rates are multiplied by 1 + workforce.strain_effect x (strain - 1): sustained overload drives
 * people out (seed 002 L1902, seed 001 L232). A leaver's post stays vacant for
 * workforce.hiring_weeks on average and their cases are handed over; the new hire starts without
 * experience. */
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "models.h"

double prof_effectiveness(const params_t *p, const prof_t *s, int domain, int week) {
    double xp = week - s->started, match;
    double gen = p->team_generalist_match[0], off = p->team_specialist_off[0];
    switch (s->profile) {
    case PROF_GENERALIST:
        match = gen;
        break;
    case PROF_SPECIALIST:
        match = domain == s->domain ? 1 : off;
        break;
    default:
        match = domain == s->domain
                    ? 1
                    : off + (gen - off) * -expm1(-(week - s->profiled) / p->team_tshape_weeks[0]);
    }
    return match * (1 - p->work_new_penalty[0] * exp(-xp / p->work_ramp_weeks[0]));
}

/* Profile of post k under team.mix (largest remainders, in a fixed interleaved order). */
static int post_profile(const params_t *p, int k) {
    double tot = p->team_mix[0] + p->team_mix[1] + p->team_mix[2];
    if (tot <= 0) return PROF_GENERALIST;
    /* Give post k the profile whose quota, counted over posts 0..k, is furthest behind. */
    int count[N_PROFILES] = {0}, pick = 0;
    for (int j = 0; j <= k; j++) {
        double best = -1e9;
        for (int q = 0; q < N_PROFILES; q++) {
            double behind = p->team_mix[q] / tot * (j + 1) - count[q];
            if (behind > best + 1e-12) best = behind, pick = q;
        }
        count[pick]++;
    }
    return pick;
}

/* Domain of post k with profile prof: domains go round among the posts of one profile. */
static int post_domain(const team_t *t, int k, int prof) {
    int nth = 0;
    for (int j = 0; j < k; j++)
        nth += t->staff[j].profile == prof;
    return nth % N_DOMAINS;
}

static int add_post(const params_t *p, team_t *t, double fte, int started, int state) {
    uint32_t cap = (uint32_t)t->capstaff;
    if (array_reserve((void **)&t->staff, (uint32_t)t->nstaff, &cap, sizeof *t->staff, 16) != 0)
        return -1;
    t->capstaff = (int)cap;
    int k = t->nstaff++, prof = post_profile(p, k);
    t->staff[k] = (prof_t){.fte = fte,
                           .started = started,
                           .profiled = started,
                           .profile = (uint8_t)prof,
                           .domain = (uint8_t)post_domain(t, k, prof),
                           .state = (uint8_t)state};
    return 0;
}

void workforce_reprofile(const world_t *w, team_t *t, int week) {
    for (int k = 0; k < t->nstaff; k++) {
        prof_t *s = &t->staff[k];
        int prof = post_profile(&w->p, k), dom = post_domain(t, k, prof);
        if (prof == s->profile && dom == s->domain) continue;
        s->profile = (uint8_t)prof;
        s->domain = (uint8_t)dom;
        s->profiled = week;
    }
}

static int people_for(const params_t *p, double fte) {
    return fte > 0 ? (int)fmax(1, lround(fte / p->team_fte_per_person[0])) : 0;
}

/* The team's share of the total FTE (team.fte x teams): by residents, weighted by
 * exp(team.risk_sizing x deprivation) of each neighbourhood it serves. */
double team_target_fte(const world_t *w, const team_t *t) {
    const params_t *p = &w->p;
    double k = p->team_risk_sizing[0];
    if (k == 0 || w->nteams == 1) return p->team_fte[0];
    double mine = 0, all = 0;
    for (int i = 0; i < w->nnbh; i++) {
        double x = w->nbh[i].nres * exp(k * w->nbh[i].deprivation);
        all += x;
        if (w->nbh[i].team == t->index) mine += x;
    }
    return all > 0 ? p->team_fte[0] * w->nteams * mine / all : 0;
}

int team_init(const world_t *w, team_t *t, int index) {
    const params_t *p = &w->p;
    t->index = index;
    t->rng = rng_stream_new(w->seed, (uint64_t)w->replicate, RNG_STREAM_TEAM(index));
    if (!t->rng) return -1;
    double fte = team_target_fte(w, t);
    int people = people_for(p, fte);
    for (int k = 0; k < people; k++) {
        int xp = (int)lround(rng_exp(t->rng, 1 / (p->work_experience_years[0] * 52 + 1e-9)));
        if (add_post(p, t, fte / people, -xp, STAFF_WORKING) != 0) return -1;
    }
    t->strain = 1;
    return 0;
}

/* Follows a scheduled change of team.fte: vacancies added, vacant posts removed first. */
static int resize(const world_t *w, team_t *t, int week) {
    const params_t *p = &w->p;
    double fte = team_target_fte(w, t), have = 0;
    for (int k = 0; k < t->nstaff; k++)
        have += t->staff[k].fte;
    if (fabs(have - fte) < 1e-9) return 0;
    int people = people_for(p, fte);
    while (t->nstaff < people)
        if (add_post(p, t, 0, week, STAFF_VACANT) != 0) return -1;
    while (t->nstaff > people) {
        int drop = t->nstaff - 1, last = t->nstaff - 1;
        for (int k = last; k >= 0; k--)
            if (t->staff[k].state == STAFF_VACANT) {
                drop = k;
                break;
            }
        t->staff[drop].state = STAFF_VACANT;
        cases_hand_over(w, t, drop, week);
        if (drop != last) { /* the last post moves into the freed slot, with its cases */
            t->staff[drop] = t->staff[last];
            for (uint32_t c = 0; c < t->ncases; c++)
                if (t->cases[c].prof == last) t->cases[c].prof = (uint16_t)drop;
        }
        t->nstaff--;
    }
    for (int k = 0; k < t->nstaff; k++)
        t->staff[k].fte = people ? fte / people : 0;
    return 0;
}

int workforce_week(world_t *w, team_t *t, int week) {
    const params_t *p = &w->p;
    if (resize(w, t, week) != 0) return -1;
    double load = t->hours > 0 ? t->demand / t->hours : t->demand > 0 ? 5 : 1;
    t->strain += (fmin(load, 5) - t->strain) / p->work_strain_weeks[0];
    double mult = 1 + p->work_strain_effect[0] * fmax(0, t->strain - 1);
    double p_sick = rate_to_p(p->work_sick_rate[0] / 52 * mult);
    double p_leave = rate_to_p(p->work_turnover_rate[0] / 52 * mult);
    double p_hire = 1 / p->work_hiring_weeks[0];
    double leavers = 0, hires = 0, filled = 0, sick = 0, vacant = 0, posts = 0;
    for (int k = 0; k < t->nstaff; k++) {
        prof_t *s = &t->staff[k];
        switch (s->state) {
        case STAFF_WORKING:
            if (rng_bern(t->rng, p_leave)) {
                s->state = STAFF_VACANT;
                leavers++;
                cases_hand_over(w, t, k, week);
            } else if (rng_bern(t->rng, p_sick)) {
                s->state = STAFF_SICK;
                s->until = week + rng_weeks(t->rng, p->work_sick_weeks[0]);
            }
            break;
        case STAFF_SICK:
            if (week >= s->until) s->state = STAFF_WORKING;
            break;
        default: /* a post added this week stays vacant at least until next week */
            if (s->started != week && rng_bern(t->rng, p_hire)) {
                s->state = STAFF_WORKING;
                s->started = s->profiled = week;
                hires++;
            }
        }
        posts += s->fte;
        if (s->state == STAFF_VACANT)
            vacant += s->fte;
        else
            filled += s->fte;
        if (s->state == STAFF_SICK) sick += s->fte;
    }
    /* Team stocks, and team totals attributed to neighbourhoods by population. */
    for (int k = 0; k < t->nnbh; k++) {
        nbh_t *n = &w->nbh[t->first_nbh + k];
        double f = n->nres / t->residents;
        n->m[OFF_team_fte] = filled * f;
        n->m[OFF_team_posts] = posts * f;
        n->m[OFF_staff_sick] = sick * f;
        n->m[OFF_vacancies] = vacant * f;
        n->m[OFF_staff_leavers] += leavers * f;
        n->m[OFF_staff_hires] += hires * f;
        n->m[OFF_hours_demand] += t->demand * f;
        n->m[OFF_cost_team_staff] += filled * p->cost_team_fte_year[0] / 52.0 * f;
        n->m[OFF_waiting_list] = n->m[OFF_team_cases] = n->m[OFF_held_cases] = 0;
        n->m[OFF_aftercare_clients] = 0;
    }
    for (uint32_t k = 0; k < t->queue.len; k++) { /* requests that still stand */
        request_t *q = queue_at(&t->queue, k);
        if (request_live(&w->nbh[q->nbh], q, SUP_WAITING)) w->nbh[q->nbh].m[OFF_waiting_list] += 1;
    }
    for (uint32_t k = 0; k < t->ncases; k++) {
        const case_t *c = &t->cases[k];
        nbh_t *n = &w->nbh[c->nbh];
        if (c->kind == CASE_AFTERCARE) {
            n->m[OFF_aftercare_clients] += 1;
            continue;
        }
        n->m[OFF_team_cases] += 1;
        int st = sup_get(&n->res[c->resident], c->domain);
        if (st == SUP_DECISION || st == SUP_SPEC_WAIT) n->m[OFF_held_cases] += 1;
    }
    return 0;
}
