/* Sweep specifications: which parameters a sweep varies, over what, with which design.
 *
 * A sweep file (libconfig) names a base scenario, a design, the replicates and the factors:
 *
 *   base = "baseline.cfg";           # relative to the sweep file
 *   design = "lhs";                  # factorial | oat | lhs | sobol
 *   samples = 64;                    # lhs: points; sobol: base samples N (N (k + 2) points)
 *   replicates = 3;
 *   seed = 1;                        # replicate r of every point uses streams (seed, r)
 *   horizons = [5, 10];              # outcome years (default: 5 and 10 within the run)
 *   burn_in = "shared";              # or "per_point" (below)
 *   parameters = (
 *     { name = "team.fte"; values = [6.0, 8.0, 10.0]; },                      # a list
 *     { name = "access.barrier"; min = 0.1; max = 0.4; levels = 4; },          # a range
 *     { name = "prevention.budget"; min = 5000.0; max = 20000.0; distribution = "loguniform"; },
 *     { name = "specialist.places"; element = 3; min = 40.0; max = 80.0; levels = 3; }
 *   );
 *
 * A factor is a list of values, or a range [min, max] with a distribution (uniform or
 * loguniform): factorial and one-at-a-time designs take `levels` evenly spaced values of a
 * range (on a log scale for loguniform), Latin hypercube and Sobol designs draw quantiles. A
 * factor of a parameter with one value per domain sets element `element` (1-based) or, without
 * it, every element. A sweep runs each point as the base scenario with the factors set from the
 * first output week on (a policy step), so only schedulable parameters may vary: every
 * replicate then shares its burn-in across points, and differences between points are paired.
 * A parameter that the base scenario's own policy sets cannot vary (the step would override
 * the factor part-way).
 *
 * With `burn_in = "per_point";` every point instead starts from week 0 of its burn-in with
 * its factors set, so any parameter may vary (a model assumption such as needs.spillover, or
 * the population), at the cost of a burn-in per run; replicate r still uses streams (seed, r)
 * at every point.
 * Every error names the file, line, parameter and what was expected. */
#ifndef WIJKSIM_SWEEP_H
#define WIJKSIM_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef enum { DESIGN_FACTORIAL, DESIGN_OAT, DESIGN_LHS, DESIGN_SOBOL } design_kind_t;
typedef enum { DIST_UNIFORM, DIST_LOGUNIFORM } dist_kind_t;

typedef struct {
    int id;         /* parameter */
    int element;    /* 0-based, or -1 for every element */
    int nvalues;    /* > 0 for a list */
    double *values; /* the list */
    double min, max;
    int levels; /* for factorial and one-at-a-time designs over a range */
    dist_kind_t dist;
    char label[96]; /* "team.fte" or "specialist.places[3]" */
} factor_t;

typedef struct {
    char *text;    /* the spec file as read (provenance) */
    uint64_t hash; /* of the spec text and the resolved base scenario */
    scenario_t base;
    design_kind_t design;
    int samples, replicates;
    uint64_t seed;
    int nh, horizons[16]; /* outcome horizon years */
    int per_point;        /* burn_in = "per_point": factors set from week 0 of the burn-in */
    int k;
    factor_t *f;
} sweep_spec_t;

extern const char *const design_names[];

/* Loads and checks a sweep file; 0, or -1 with err. */
int sweep_spec_load(sweep_spec_t *s, const char *path, char *err, size_t errlen);
void sweep_spec_free(sweep_spec_t *s);
/* The points: a newly allocated [n][k] array of parameter values, and n; NULL with err when
 * out of memory. */
double *sweep_points(const sweep_spec_t *s, size_t *n, char *err, size_t errlen);

/* The scenario of one point x[k]: the base with the factors set from output week 0 on, as
 * policy steps after the base's own (or, per point, in its start parameters). It shares the
 * base's strings (title, files): release it with sweep_point_free, never scenario_free. 0, or
 * -1 when out of memory. */
int sweep_point_scenario(const sweep_spec_t *s, const double *x, scenario_t *out);
void sweep_point_free(scenario_t *pt);
/* Checks every point of points[n][k] as a scenario (cross-parameter rules such as min <= max,
 * at the start and after every policy step); 0, or -1 with err naming the point and its values. */
int sweep_check_points(const sweep_spec_t *s, const double *points, size_t n, char *err,
                       size_t errlen);

#endif
