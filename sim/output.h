/* HDF5 output.
 *
 * The file is written to "<target>.tmp.<pid>" next to the target and renamed over it only
 * when everything is written, so a reader never sees a half-written file and a failed run
 * leaves nothing behind. An existing target is refused unless `force` is set.
 *
 * Layout (docs/output.md): root attributes (version, commit, seed, replicates, creation time,
 * resolved configuration as libconfig text), /parameters (one dataset per registry entry with
 * unit, description and source), /neighbourhoods (index, deprivation), and every series of
 * the series registry as /municipality/NAME [replicate, week, ...] and /neighbourhood/NAME
 * [replicate, week, neighbourhood, ...], chunked and compressed. */
#ifndef WIJKSIM_OUTPUT_H
#define WIJKSIM_OUTPUT_H

#include <stddef.h>

#include "models/world.h"
#include "config.h"
#include "sim.h"
#include "sweep.h"

typedef struct output output_t;

/* Refuses an existing target without force, and creates the temporary file. Exit-status
 * class: returns -2 for a usage error (target exists), -1 for a runtime failure. */
int output_open(output_t **out, const char *path, int force, char *err, size_t errlen);
int output_begin(output_t *o, const scenario_t *s, const run_opts_t *ro, char *err, size_t errlen);
/* A comparison: root attributes, then per scenario a group /scenarios/NN_name with the
 * scenario's configuration, policy, parameters, how it shares history (plan) and its series
 * (neighbourhood series only with detail). */
int output_begin_comparison(output_t *o, const scenario_t *const *sc, int n, const sim_plan_t *plan,
                            const run_opts_t *ro, int detail, char *err, size_t errlen);
/* A replicate_sink_fn for a single run; ctx is the output_t. */
int output_replicate(void *ctx, int replicate, const world_t *w, const replicate_result_t *r);
/* A scenario_sink_fn for a comparison; ctx is the output_t. */
int output_scenario_replicate(void *ctx, int scenario, int replicate, const world_t *w,
                              const replicate_result_t *r);
/* A scenario's outcomes, v[replicate][horizon][N_OUTCOMES], as /scenarios/NN_name/outcomes. */
int output_outcomes(output_t *o, int scenario, const double *v, int nh, const int *horizons);
/* Closes and publishes (commit: sim/files.h, file_publish) or removes the temporary file.
 * 0, or nonzero with err naming the target and the reason. */
int output_close(output_t *o, int commit, char *err, size_t errlen);

/* A sweep file (docs/output.md, Sweeps): the root attributes with the spec's text and hash,
 * /base (the base scenario, as a comparison's scenario groups), /points [point][factor], the
 * run table /runs (run, point, replicate, seed, one column per factor, one per outcome and
 * horizon: `cost_total_y5`) described by /columns, and the series /municipality/NAME
 * [run, week, ...] (and /neighbourhood/NAME with detail). Rows are runs in the order of run
 * index point * replicates + replicate, whether the file holds a whole sweep or a shard. */
typedef struct {
    const sweep_spec_t *spec;
    const char *spec_path;
    const double *points; /* [npoints][k] */
    size_t npoints;
    size_t rows; /* runs in this file */
    int detail;
    int shard, nshards; /* 0 and 1 for a whole sweep */
} sweep_file_t;

int output_begin_sweep(output_t *o, const sweep_file_t *sf, char *err, size_t errlen);
/* Row `row` of the file: run (point, replicate) from its municipality sums [week][N_VALUES]
 * (ratios not filled in) and, with detail, its neighbourhood values. */
int output_sweep_run(output_t *o, size_t row, int point, int replicate, const double *mu_raw,
                     const double *nb_raw);
/* Writes the run table; call after the last run, before output_close. */
int output_end_sweep(output_t *o);
/* Merges the sweep files parts[n] (shards of one spec, or whole sweeps) into one sweep file
 * at path, every run once, in run order. 0; -2 for a usage error (parts of different specs,
 * runs missing, an existing output without force); -1 for an I/O failure. */
int output_merge_sweeps(const char *const *parts, int n, const char *path, int force, char *err,
                        size_t errlen);

/* Municipality means of every value over the last 52 recorded weeks of all replicates (of
 * the run, or of the first scenario), with ratios recomputed from the means. */
void output_summary(const output_t *o, double v[N_VALUES]);
/* The steady-state check of the first run group: the largest trend of a main stock over the
 * first output years, percent per year, as a mean over replicates (outcomes_drift); *stock
 * names that stock and *se is the standard error of its mean over replicates (NaN with one
 * replicate). */
double output_drift(const output_t *o, const char **stock, double *se);

/* A sweep factor's column name in the run table: its label ("team.fte",
 * "specialist.places[3]") as an identifier ("team_fte", "specialist_places_3"). */
void output_column_name(char *name, size_t len, const char *label);

#endif
