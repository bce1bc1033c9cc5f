/* The scheduler: replicates, weeks and the model's phases.
 *
 * For each replicate the world is built from (seed, replicate), then every week runs the
 * model's phases in order: consecutive per-neighbourhood phases together in one OpenMP loop
 * over neighbourhoods, consecutive per-team phases in one loop over teams, serial phases in
 * between. After the burn-in, each neighbourhood's week
 * of metrics is copied into a [week][neighbourhood][value] buffer that is handed to a sink
 * (the HDF5 writer, a test, a benchmark) when the replicate ends. */
#ifndef WIJKSIM_SIM_H
#define WIJKSIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "../models/world.h"

typedef struct {
    uint64_t seed;
    int replicates;
    int threads;  /* 0 = OpenMP default */
    int progress; /* print a progress line on stderr */
} run_opts_t;

/* Called once per replicate with the finished world and its recorded weeks. */
typedef int (*replicate_sink_fn)(void *ctx, int replicate, const world_t *w,
                                 const double *values, int weeks);

typedef struct {
    double seconds;       /* wall time of simulation (excluding the sink) */
    double resident_weeks; /* residents x simulated weeks, burn-in included */
    size_t world_bytes;    /* of the last replicate's world, at its end */
} run_stats_t;

int sim_run(const params_t *p, const run_opts_t *o, replicate_sink_fn sink, void *ctx,
            run_stats_t *stats, char *err, size_t errlen);

#endif
