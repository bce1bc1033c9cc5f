/* Running a sweep: every (point, replicate) of a spec, on the threads of one machine, over MPI
 * ranks, or as one shard of a job array, resumably, into one HDF5 file.
 *
 * A run is identified by (spec hash, point, replicate) and is independent of every other: its
 * random streams are (seed, replicate), its parameters the base scenario with the point's
 * factors from the first output week on. Each worker keeps the burned-in world of the last
 * replicate it ran and continues a copy of it for every point, so a burn-in is simulated about
 * once per replicate and worker; the results do not depend on which worker ran what.
 *
 * Finished runs go to the journal (journal.h) as they come in; when every run of the sweep
 * (or shard) is in it, the sweep file is written from it in run order, atomically, and the
 * journal removed. Started again after an interruption, the same command skips the runs in
 * the journal.
 *
 * Scheduling. Runs are handed out one at a time in replicate-major order (every point of
 * replicate 0, then of replicate 1, ...), so that workers share burn-ins. On one machine the
 * threads take the next run from a shared counter. Under MPI, rank 0 hands out runs to the
 * other ranks on request and writes what they send back; one thread of rank 0 runs runs too.
 * A shard I of N (0 <= I < N) takes the I-th of N contiguous blocks of that order. */
#ifndef WIJKSIM_SWEEP_RUN_H
#define WIJKSIM_SWEEP_RUN_H

#include <stddef.h>

#include "sweep.h"

typedef struct {
    const char *spec_path, *out_path;
    int threads;        /* runs at a time on this machine (0: all cores) */
    int shard, nshards; /* 0 and 1 without --shard */
    int detail, force, quiet, verbose;
    int mpi_rank, mpi_size; /* 0 and 1 without MPI */
} sweep_cli_t;

/* The `wijksim sweep` command. Returns the exit status (0, 1 runtime failure, 2 usage or
 * configuration error) and prints its messages (under MPI, rank 0 only). */
int sweep_command(const sweep_cli_t *c);

/* True when the process was started by an MPI launcher (mpirun, srun with PMI). */
int sweep_launched_by_mpi(void);

#endif
