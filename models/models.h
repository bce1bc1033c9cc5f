/* The model's weekly schedule and the functions behind it.
 *
 * model_phases lists the phases of a week in the order of MODEL_BRIEF section 4. A phase is
 * either per neighbourhood (run for all neighbourhoods in parallel, each with its own stream
 * and accumulators) or serial (resolves what neighbourhoods share, e.g. municipality-wide
 * services, in a fixed order on the run's stream). Phases return 0, or -1 when out of memory. */
#ifndef WIJKSIM_MODELS_H
#define WIJKSIM_MODELS_H

#include <math.h>

#include "world.h"

typedef int (*nbh_phase_fn)(world_t *w, nbh_t *n, int week);
typedef int (*serial_phase_fn)(world_t *w, int week);

typedef struct {
    const char *name;
    nbh_phase_fn nbh;       /* per neighbourhood, or NULL */
    serial_phase_fn serial; /* serial, or NULL */
} phase_t;

extern const phase_t model_phases[];
extern const int n_model_phases;

/* access.c: client hours of a team per week */
double team_client_hours(const params_t *p, const team_t *t);

/* population.c */
int population_init(const world_t *w, nbh_t *n, int index);
void needs_rates_update(const params_t *p, nbh_t *n);

/* the phases, one file each */
int needs_week(world_t *w, nbh_t *n, int week);
int help_seeking_week(world_t *w, nbh_t *n, int week);
int access_week(world_t *w, nbh_t *n, int week);
int casework_week(world_t *w, nbh_t *n, int week);
int accounting_week(world_t *w, nbh_t *n, int week);

/* Weekly probability of an event with the given weekly rate. */
static inline double rate_to_p(double rate) { return rate > 0 ? -expm1(-rate) : 0; }

#endif
