/* The model's weekly schedule and the functions behind it.
 *
 * model_phases lists the phases of a week in the order of MODEL_BRIEF section 4 (docs/ODD.md
 * explains the few places where the order differs). A phase runs
 *   per neighbourhood: for all neighbourhoods in parallel, each with its own stream;
 *   per team: for all teams in parallel, each touching only its own neighbourhoods;
 *   serially: for what all neighbourhoods share (specialist services), on the run's stream.
 * Phases return 0, or -1 when out of memory. */
#ifndef WIJKSIM_MODELS_H
#define WIJKSIM_MODELS_H

#include <assert.h>
#include <math.h>

#include "core/rng.h"
#include "world.h"

typedef int (*nbh_phase_fn)(world_t *w, nbh_t *n, int week);
typedef int (*team_phase_fn)(world_t *w, team_t *t, int week);
typedef int (*serial_phase_fn)(world_t *w, int week);

typedef struct {
    const char *name;
    nbh_phase_fn nbh;       /* per neighbourhood, or NULL */
    team_phase_fn team;     /* per team, or NULL */
    serial_phase_fn serial; /* serial, or NULL */
} phase_t;

extern const phase_t model_phases[];
extern const int n_model_phases;

/* population.c: households, residents, onset rates */
int population_init(const world_t *w, nbh_t *n, int index);
void needs_rates_update(const params_t *p, nbh_t *n);
/* informal.c: the tie network of one neighbourhood */
int informal_ties_build(const params_t *p, nbh_t *n);
/* volunteers.c: the starting pool, and a resident joining it */
int volunteers_init(const params_t *p, nbh_t *n);
int volunteer_join(const params_t *p, nbh_t *n, uint32_t ri);
/* workforce.c: the team's posts and starting staff */
int team_init(const world_t *w, team_t *t, int index);
double team_target_fte(const world_t *w, const team_t *t);
/* Gives every post the profile team.mix now asks for (a reorganisation); a post that changes
 * profile starts growing into it from `week`. */
void workforce_reprofile(const world_t *w, team_t *t, int week);
double prof_effectiveness(const params_t *p, const prof_t *s, int domain, int week);
/* specialist.c. It reads whether waiting referrals still stand in parallel from this many:
 * below it, waking the threads costs more than the reads (measured when it read every client's
 * severity too: the baseline city, about 10,000 clients, 0.33 s serial against 0.40 s parallel
 * for the phase on 2 threads; a million residents, about 70,000 clients, 10 % less time). */
#define SPECIALIST_PARALLEL_READS 32768u
/* It applies its decisions (discharges, admissions) per team in parallel from this many a week
 * (the baseline city makes about 350, a million residents about 1,700). */
#define SPECIALIST_PARALLEL_EVENTS 1024u
void services_update_places(world_t *w);
/* New parameters from `week` on: a service whose specialist.stay_weeks changed draws the end of
 * every client's stay again (the stay is memoryless), on the run's stream. */
void services_new_stays(world_t *w, const params_t *old, int week);
/* team.c, the team's API: opening a case (intake, aftercare), handing over the cases of a
 * professional who left, the client hours of the filled posts, referring a need to its
 * specialist service (with or without a joint assessment or a decision first), and sending a
 * need to the volunteer queue. */
int case_open(const world_t *w, team_t *t, nbh_t *n, uint32_t ri, int d, int kind, int week);
/* A case of kind CASE_ACTIVE opens (+1) or closes or stops being active (-1) in its household's
 * count (nbh_t.hh_cases), which lets assign() skip households without one. */
static inline void case_counted(nbh_t *n, const case_t *c, int delta) {
    uint8_t *k = &n->hh_cases[n->res[c->resident].household];
    assert(delta > 0 ? *k < UINT8_MAX : *k > 0);
    *k = (uint8_t)(*k + delta);
}
void cases_hand_over(const world_t *w, team_t *t, int prof, int week);
double team_client_hours(const params_t *p, const team_t *t);
int team_refer(const world_t *w, team_t *t, nbh_t *n, case_t *c, int week);
int team_to_volunteer(nbh_t *n, uint32_t ri, int d, int week);
/* prevention.c */
void prevention_init(const params_t *p, nbh_t *n);
/* the team of a neighbourhood */
static inline team_t *team_of(world_t *w, const nbh_t *n) {
    return &w->teams[n->team];
}

/* the phases, one file each */
int needs_week(world_t *w, nbh_t *n, int week);
int informal_week(world_t *w, nbh_t *n, int week);
/* New parameters from `week` on: resting carers' burden is brought on to last week at the old
 * informal.burden_weeks, and every carer is looked at in this week's informal care. */
void informal_new_params(world_t *w, const params_t *old, int week);
/* A pool member's burden as of the end of `week` (0 outside the pool). */
double informal_burden(const world_t *w, const nbh_t *n, uint32_t ri, int week);
int help_seeking_week(world_t *w, nbh_t *n, int week);
int access_week(world_t *w, team_t *t, int week);
int casework_week(world_t *w, team_t *t, int week);
int prevention_team_week(world_t *w, team_t *t, int week);
int volunteers_week(world_t *w, nbh_t *n, int week);
int crisis_week(world_t *w, nbh_t *n, int week);
int specialist_week(world_t *w, int week);
int workforce_week(world_t *w, team_t *t, int week);
int prevention_week(world_t *w, nbh_t *n, int week);
int accounting_week(world_t *w, nbh_t *n, int week);

/* Weekly probability of an event with the given weekly rate. */
static inline double rate_to_p(double rate) {
    return rate > 0 ? -expm1(-rate) : 0;
}

/* Thinning of a pool member's hazards (needs.c, help_seeking.c): the hazard one point of the
 * bound process falls to, in proportion to the bounds b[0..nb) (summing to total), and in *v
 * the point's place within that bound, uniform on [0, b[j]): the point is kept when *v is below
 * the week's hazard. */
static inline int bound_pick(gsl_rng *r, const double *b, int nb, double total, double *v) {
    double x = rng_uniform(r) * total;
    int j = 0;
    while (j < nb - 1 && (b[j] <= 0 || x >= b[j]))
        x -= b[j], j++;
    while (b[j] <= 0)
        j--; /* rounding at the top end */
    *v = x;
    return j;
}
/* The week of the first point of a Poisson process with the given weekly rate, `from` or later
 * (a pool member's next candidate week), or -1 when there is none within the run. */
int candidate_week(const world_t *w, nbh_t *n, double rate, int from);

#endif
