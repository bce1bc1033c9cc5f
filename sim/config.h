/* Scenario loading: libconfig files layered over the registry defaults.
 *
 * A scenario file sets parameters by their dotted names as nested groups
 * (`access = { barrier = 0.3; };`). Each `@include "base.cfg"` line names a base scenario: the
 * bases are applied first, in order, and the including file's own settings then override
 * them, so a preset reads as "baseline, except ...". (Plain libconfig would reject the
 * override as a duplicate setting.) `--set name=value` overrides come last.
 *
 * Every error is returned as a value with a message naming file, line, parameter and what
 * was expected; nothing here prints or exits. */
#ifndef WIJKSIM_CONFIG_H
#define WIJKSIM_CONFIG_H

#include <stddef.h>

#include "params.h"

#define ERR_LEN 1024
#define MAX_SOURCE_FILES 32

typedef struct {
    params_t params;
    int nfiles;
    char *files[MAX_SOURCE_FILES]; /* scenario files read, in order of application */
    char *set_args;                /* the --set overrides, one per line */
} scenario_t;

void scenario_init(scenario_t *s);
void scenario_free(scenario_t *s);
/* Applies a scenario file (and its bases) on top of the current values. 0 or -1 with err. */
int scenario_load(scenario_t *s, const char *path, char *err, size_t errlen);
/* Applies one `name=value` override (value: number, true/false, or [a, b, ...]). */
int scenario_set(scenario_t *s, const char *assignment, char *err, size_t errlen);
/* Checks that hold between parameters (e.g. min <= max). */
int scenario_validate(const scenario_t *s, char *err, size_t errlen);

#endif
