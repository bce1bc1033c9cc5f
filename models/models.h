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

#include <math.h>

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
/* specialist.c */
void services_update_places(world_t *w);
/* team.c, the team's API: opening a case (intake, aftercare), handing over the cases of a
 * professional who left, the client hours of the filled posts, referring a need to its
 * specialist service (with or without a joint assessment or a decision first), and sending a
 * need to the volunteer queue. */
int case_open(const world_t *w, team_t *t, nbh_t *n, uint32_t ri, int d, int kind, int week);
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

/* Whether a uniform draw u falls below rate_to_p(rate), with that probability into *p when it
 * does. Since 1 - exp(-r) < r for r > 0 (and the computed value is never above r: it is
 * faithfully rounded and r is the next float above the true value at worst), a draw of at
 * least `rate` is a miss without computing the exponential. Most resident-weeks are misses
 * (weekly rates are small), so this gives the same answers, bit for bit, with far fewer calls
 * to expm1, which took about a tenth of a run's time. */
static inline int rate_hit(double u, double rate, double *p) {
    if (!(rate > 0) || u >= rate) return 0;
    *p = -expm1(-rate);
    return u < *p;
}

#endif
