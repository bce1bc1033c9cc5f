/* The parameter registry.
 *
 * core/params.def is the one list of parameters. From it this header builds params_t (one
 * double array per parameter, so models read p->team_fte[0]) and param_table (name, type,
 * bounds, unit, description, source) that drives loading, validation, `wijksim params`,
 * docs/parameters.md and the HDF5 attributes. Integers and booleans are stored as doubles and
 * validated as whole numbers. */
#ifndef WIJKSIM_PARAMS_H
#define WIJKSIM_PARAMS_H

#include <stddef.h>
#include <stdio.h>

#include "core/domain.h"

typedef enum { P_REAL, P_INT, P_BOOL } param_type_t;

/* The most values one parameter has (a value per life domain). */
#define PARAM_MAX_N 6

#define V(...)                                                                                     \
    { __VA_ARGS__ }
#define R(lo, hi) lo, hi

typedef struct {
#define PARAM(id, name, type, n, defaults, min, max, range, unit, sched, desc, source) double id[n];
#include "core/params.def"
#undef PARAM
} params_t;

typedef enum {
#define PARAM(id, name, type, n, defaults, min, max, range, unit, sched, desc, source) PID_##id,
#include "core/params.def"
#undef PARAM
    N_PARAMS
} param_id_t;

typedef struct {
    const char *name;
    param_type_t type;
    int n;
    const double *defaults;
    double min, max;
    double range_lo, range_hi; /* plausible range, as multiples of the default */
    const char *unit;
    int schedulable;
    const char *description;
    const char *source;
    size_t offset; /* of the first value in params_t */
} param_info_t;

extern const param_info_t param_table[N_PARAMS];
extern const char *const param_type_names[];

void params_defaults(params_t *p);
/* Index of the parameter with this dotted name, or -1. */
int params_find(const char *name);
/* The known name closest to `name` (edit distance), for "did you mean" messages. */
const char *params_closest(const char *name);
/* The same among names[n]. */
const char *closest_name(const char *name, const char *const *names, int n);
double *params_values(params_t *p, int id);
const double *params_cvalues(const params_t *p, int id);
/* Checks one value against type and range; on failure writes what was expected into msg. */
int params_check_value(int id, double v, char *msg, size_t msglen);

/* The values of one parameter as libconfig text (a scalar, or [a, b, ...]). */
void params_write_values(FILE *f, int id, const double *v);
/* The resolved parameters as a libconfig scenario (loadable again). */
void params_write_cfg(FILE *f, const params_t *p);
/* docs/parameters.md. */
void params_write_markdown(FILE *f);
/* The plausible range of value k (the default times range_lo and range_hi, within min and max). */
void params_range(int id, int k, double *lo, double *hi);
/* One line per parameter for `wijksim params`. */
void params_write_table(FILE *f, const params_t *p);

#endif
