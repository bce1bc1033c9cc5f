/* The scheduler: replicates, weeks and the model's phases.
 *
 * For each replicate the world is built from (seed, replicate), then every week runs the
 * model's phases in order: consecutive per-neighbourhood phases together in one OpenMP loop
 * over neighbourhoods, consecutive per-team phases in one loop over teams, serial phases in
 * between. After the burn-in, each neighbourhood's week
 * of metrics is copied into a [week][neighbourhood][value] buffer (or, when the sinks need
 * only the municipality, summed into a [week][value] one) that is handed to a sink (the HDF5
 * writer, a test, a benchmark) when the replicate ends. */
#ifndef WIJKSIM_SIM_H
#define WIJKSIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "models/world.h"
#include "config.h"

typedef struct {
    uint64_t seed;
    int replicates;
    int threads;           /* 0 = OpenMP default */
    int progress;          /* progress on stderr: a progress_mode_t (sim/progress.h), 0 none */
    const char *label;     /* the command, for the progress line ("wijksim run") */
    int municipality_only; /* the sinks need no neighbourhood values: only the municipality
                            * sums are kept, week by week (replicate_result_t.nb is NULL), so
                            * the output buffer does not grow with the neighbourhoods */
} run_opts_t;

/* The result of one replicate of one scenario, computed once for every sink: the values of
 * each neighbourhood [week][neighbourhood][N_VALUES] (NULL with run_opts_t.municipality_only)
 * and the municipality sums [week][N_VALUES] (sums and maxima by series kind; ratios not
 * filled in). */
typedef struct {
    const double *nb;
    const double *mu;
    int weeks, nnbh;
} replicate_result_t;

/* Called once per replicate with the finished world and its result. */
typedef int (*replicate_sink_fn)(void *ctx, int replicate, const world_t *w,
                                 const replicate_result_t *r);

typedef struct {
    double seconds;        /* wall time of simulation (excluding the sink) */
    double resident_weeks; /* residents x simulated weeks, burn-in included */
    size_t world_bytes;    /* of the last replicate's world, at its end */
    /* Per phase of model_phases: its work (seconds summed over neighbourhoods or teams; a
     * serial phase's wall time), and the wall time of the parallel loop that starts with it
     * (consecutive phases of the same kind share one; 0 for the others). */
    double phase_work[MAX_PHASES], phase_wall[MAX_PHASES];
    int by_team; /* the parallel loops went team by team (sim_by_team) */
} run_stats_t;

/* Whether a world's weeks run their parallel phases team by team: every phase between two
 * serial ones, per neighbourhood or per team, in one loop over the teams, each team taking its
 * neighbourhoods' phases and its own in the week's order. Each neighbourhood's data then stays
 * in the processor's cache from one phase to the next, and a week has fewer loops to wait
 * for; the result is the same, since a team's phases and its neighbourhoods' touch only their
 * own state (and what no phase changes). Chosen when there are at least two teams per thread
 * (or one thread); otherwise a loop per run of phases of one kind keeps the threads busy with
 * neighbourhoods. */
int sim_by_team(const world_t *w);

/* The end of the block of the week that starts with phase ph: a serial phase alone, or the
 * consecutive phases that run in one parallel loop: all of them up to the next serial phase
 * when the loops go team by team, otherwise those of the same kind (phase_wall is kept for each
 * block, under its first phase). */
int sim_loop_end(int ph, int by_team);

/* Runs parameters p (no policy), every replicate. */
int sim_run(const params_t *p, const run_opts_t *o, replicate_sink_fn sink, void *ctx,
            run_stats_t *stats, char *err, size_t errlen);

/* How the scenarios of a comparison share history. Scenario s starts from the world of its
 * root: the first earlier scenario that agrees with it on every parameter that cannot change
 * during a run. It shares the root's burn-in and weeks, bit for bit, up to output week
 * `branch` (the first in which their parameters differ; sim.weeks when they never do), and
 * continues from a copy of the root's world from there. A scenario that is its own root
 * (root == s) runs from week 0 with the same seeds; for s > 0 `differs` then names a
 * parameter it does not share with scenario 0. */
typedef struct {
    int root;
    int branch;
    const char *differs;
} sim_plan_t;

void sim_plan(const scenario_t *const *sc, int n, sim_plan_t *plan);

/* Called once per scenario and replicate with its world at the end and its output weeks (a
 * scenario whose parameters never differ from its root's gets the root's). */
typedef int (*scenario_sink_fn)(void *ctx, int scenario, int replicate, const world_t *w,
                                const replicate_result_t *r);

/* Runs every scenario for every replicate with common random numbers (the same seed per
 * replicate), each with its policy, branching from shared histories as sim_plan says. */
int sim_run_scenarios(const scenario_t *const *sc, int nsc, const run_opts_t *o,
                      scenario_sink_fn sink, void *ctx, run_stats_t *stats, char *err,
                      size_t errlen);

/* The two halves of one run, for sweeps that share a burn-in between many points: the world
 * of scenario s after its burn-in (built from (seed, replicate)), and the output weeks of s
 * continued from such a world (or a clone of it). A world that sim_burn_in returns and
 * sim_output_weeks then finishes gives the same bits as sim_run_scenarios does for s alone.
 * values: [sim.weeks][neighbourhood][N_VALUES]. The calling thread runs the weekly phases
 * with the OpenMP threads in force (one, inside a parallel region). */
world_t *sim_burn_in(const scenario_t *s, uint64_t seed, int replicate, char *err, size_t errlen);
int sim_output_weeks(world_t *w, const scenario_t *s, double *values, int municipality_only,
                     char *err, size_t errlen);

#endif
