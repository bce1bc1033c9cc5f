/* Scenario loading: libconfig files layered over the registry defaults.
 *
 * A scenario file sets parameters by their dotted names as nested groups
 * (`access = { barrier = 0.3; };`). Each `@include "base.cfg"` line names a base scenario: the
 * bases are applied first, in order, and the including file's own settings then override
 * them, so a preset reads as "baseline, except ...". (Plain libconfig would reject the
 * override as a duplicate setting.) A base reached twice (two included presets that both
 * include baseline.cfg) is applied once, the first time, so presets combine: the settings of
 * each apply in order. `--set name=value` overrides come last.
 *
 * Besides parameters a file may hold `title = "..."` (a label for comparison tables) and a
 * policy: changes of schedulable parameters from an output week on,
 *
 *   policy = ( { year = 3; team = { fte = 9.0; }; }, { week = 156; team = { fte = 8.0; }; } );
 *
 * Weeks count from the first output week after the burn-in (0-based); year Y starts at week
 * 52 (Y - 1). A file that defines `policy` replaces the policy of its bases.
 *
 * Every error is returned as a value with a message naming file, line, parameter and what
 * was expected; nothing here prints or exits. */
#ifndef WIJKSIM_CONFIG_H
#define WIJKSIM_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "core/params.h"

#define ERR_LEN 1024
#define MAX_SOURCE_FILES 32

/* One parameter set by a policy from an output week on. */
typedef struct {
    int week;
    int id;
    double v[PARAM_MAX_N];
    char where[160]; /* file:line, for messages */
} policy_set_t;

typedef struct {
    params_t params; /* at the start of the run */
    char *title;     /* NULL when the file has none */
    policy_set_t *policy;
    int npolicy;
    int nfiles;
    char *files[MAX_SOURCE_FILES]; /* scenario files read, in order of application */
    char *set_args;                /* the --set overrides, one per line */
    /* Where each start parameter was last set, for messages about parameters together:
     * set_file 0 = the default, k = files[k - 1] (the file being read gets the next index),
     * -1 = the set_line-th --set. */
    short set_file[N_PARAMS];
    int set_line[N_PARAMS];
    char label[128];
} scenario_t;

void scenario_init(scenario_t *s);
void scenario_free(scenario_t *s);
/* Applies a scenario file (and its bases) on top of the current values. 0 or -1 with err. */
int scenario_load(scenario_t *s, const char *path, char *err, size_t errlen);
/* Applies one `name=value` override (value: number, true/false, or [a, b, ...]). */
int scenario_set(scenario_t *s, const char *assignment, char *err, size_t errlen);
/* Checks that hold between parameters (e.g. min <= max), at the start and after every policy
 * step, and that every step falls within the run. */
int scenario_validate(const scenario_t *s, char *err, size_t errlen);
/* The same without the check that the title and the resolved scenario fit the output file
 * (the sweep's points: their texts are not stored, the base's is). */
int scenario_validate_values(const scenario_t *s, char *err, size_t errlen);
/* The parameters in force in output week `week` (negative: the burn-in): the start values
 * with every policy step up to that week applied, in order of week and then of the file. */
void scenario_params_at(const scenario_t *s, int week, params_t *out);
/* True when some policy step starts in output week `week`. */
int scenario_changes_at(const scenario_t *s, int week);
/* The policy as libconfig text (nothing when there is none), and the resolved scenario:
 * start parameters, title and policy, loadable again. */
void scenario_write_policy(FILE *f, const scenario_t *s);
void scenario_write_cfg(FILE *f, const scenario_t *s);
/* What a scenario sets: every start parameter that differs from its default (with the default
 * and where it was set) and every policy step with its week (for --verbose). */
void scenario_write_settings(FILE *f, const scenario_t *s);
/* Checks the integer literals of libconfig text before it is parsed: libconfig keeps only
 * the low 32 bits of an integer without the L suffix (5000000000 becomes 705032704) and wraps
 * one beyond 64 bits, silently. 0, or -1 with "file:line: ..." in err. */
int config_check_integers(const char *text, const char *file, char *err, size_t errlen);
/* A short label: the title, or the name of the last file loaded without folder and .cfg
 * ("defaults" before any). Owned by s. */
const char *scenario_label(const scenario_t *s);

#endif
