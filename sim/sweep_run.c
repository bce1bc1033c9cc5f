#include "sweep_run.h"

#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"
#include "journal.h"
#include "output.h"
#include "sim.h"
#include "util.h"
#include "version.h"

#ifdef WIJKSIM_MPI
#include <mpi.h>
enum { TAG_READY = 1, TAG_RESULT, TAG_FAIL, TAG_WORK, TAG_STOP };
#endif

#include "exit.h"
#include "progress.h"

/* What the workers of one process share. */
typedef struct {
    const sweep_spec_t *spec;
    const double *points;
    int detail, weeks, nnbh;
    size_t payload;     /* doubles per run: municipality sums, then neighbourhood values */
    journal_t *journal; /* where results go (NULL on MPI ranks other than 0) */
    const size_t *todo; /* run indices to run, replicate by replicate */
    size_t ntodo;
    /* The runs to hand out, grouped by replicate (each group in todo order): a worker keeps the
     * burned-in world of the replicate it ran last and branches every point from it, so it is
     * given runs of that replicate while any are left, then a replicate nobody has started,
     * and only then joins the replicate with the most runs left (burning it in again), when
     * two or more are left; else it stops and leaves the last runs to their replicate's
     * workers. At most replicates + workers - 1 burn-ins; with runs handed out in todo order,
     * every worker burned in every replicate. */
    size_t *by_rep, *rep_first, *rep_next; /* group r: by_rep[rep_next[r] .. rep_first[r+1]) */
    unsigned char *rep_started;
    int nreps;
    size_t burn_ins;        /* worlds burned in by this process's workers */
    size_t finished, total; /* runs of the sweep or shard in the journal, and all of them */
    progress_t bar;         /* the progress line (off with --quiet and on MPI ranks > 0) */
    int failed;
    char err[ERR_LEN];
} shared_t;

/* A worker's own state: the burned-in world of the replicate it ran last, and a buffer. */
typedef struct {
    int rep;
    world_t *burned;
    double *values; /* [week][neighbourhood][N_VALUES] */
} worker_t;

int sweep_launched_by_mpi(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_SIZE") ||
           getenv("PMI_RANK");
}

static int worker_init(worker_t *wk, const shared_t *sh) {
    wk->rep = -1;
    wk->burned = NULL;
    /* The neighbourhoods' weeks are kept only for a sweep with detail; without, the run
     * sums them into the payload as it goes. */
    wk->values =
        sh->detail ? malloc(sizeof(double) * (size_t)sh->weeks * sh->nnbh * N_VALUES) : NULL;
    return !sh->detail || wk->values ? 0 : -1;
}

static void worker_free(worker_t *wk) {
    if (wk->burned) world_free(wk->burned);
    free(wk->values);
}

/* Runs one (point, replicate) into payload: from a copy of the replicate's burned-in world,
 * or, with a burn-in per point, from week 0. */
static int compute_run(shared_t *sh, worker_t *wk, size_t run, double *payload, char *err,
                       size_t errlen) {
    const sweep_spec_t *s = sh->spec;
    int point = (int)(run / (size_t)s->replicates), rep = (int)(run % (size_t)s->replicates);
    scenario_t pt;
    if (sweep_point_scenario(s, &sh->points[(size_t)point * s->k], &pt) != 0)
        return snprintf(err, errlen, "out of memory for point %d, replicate %d", point, rep), -1;
    world_t *w = NULL;
    if (s->per_point) {
        w = sim_burn_in(&pt, s->seed, rep, err, errlen);
    } else {
        if (!wk->burned || wk->rep != rep) {
            if (wk->burned) world_free(wk->burned);
            wk->rep = rep;
            wk->burned = sim_burn_in(&s->base, s->seed, rep, err, errlen);
#pragma omp atomic update
            sh->burn_ins++;
        }
        w = wk->burned ? world_clone(wk->burned) : NULL;
        if (wk->burned && !w)
            snprintf(err, errlen, "out of memory copying the world of replicate %d", rep);
    }
    int rc =
        w ? sim_output_weeks(w, &pt, sh->detail ? wk->values : payload, !sh->detail, err, errlen)
          : -1;
    sweep_point_free(&pt);
    if (w) world_free(w);
    if (rc != 0) return -1;
    if (sh->detail) {
        series_municipality(wk->values, sh->weeks, sh->nnbh, payload);
        memcpy(payload + (size_t)sh->weeks * N_VALUES, wk->values,
               sizeof(double) * (size_t)sh->weeks * sh->nnbh * N_VALUES);
    }
    return 0;
}

/* Groups the runs to do by replicate for take(); -1 when out of memory. */
static int group_by_replicate(shared_t *sh) {
    int nr = sh->spec->replicates;
    sh->nreps = nr;
    sh->by_rep = malloc(sizeof *sh->by_rep * (sh->ntodo + 1));
    sh->rep_first = calloc((size_t)nr + 1, sizeof *sh->rep_first);
    sh->rep_next = calloc((size_t)nr + 1, sizeof *sh->rep_next);
    sh->rep_started = calloc((size_t)nr + 1, 1);
    if (!sh->by_rep || !sh->rep_first || !sh->rep_next || !sh->rep_started) return -1;
    for (size_t i = 0; i < sh->ntodo; i++) /* counting sort, stable */
        sh->rep_first[sh->todo[i] % (size_t)nr + 1]++;
    for (int r = 0; r < nr; r++)
        sh->rep_first[r + 1] += sh->rep_first[r];
    memcpy(sh->rep_next, sh->rep_first, sizeof *sh->rep_next * (size_t)nr);
    for (size_t i = 0; i < sh->ntodo; i++)
        sh->by_rep[sh->rep_next[sh->todo[i] % (size_t)nr]++] = sh->todo[i];
    memcpy(sh->rep_next, sh->rep_first, sizeof *sh->rep_next * (size_t)nr);
    return 0;
}

static void group_free(shared_t *sh) {
    free(sh->by_rep), free(sh->rep_first), free(sh->rep_next), free(sh->rep_started);
}

/* The next run for a worker whose burned-in world is of replicate `mine` (-1: none), as
 * shared_t explains; 0 when none is left or the sweep failed. */
static int take(shared_t *sh, int mine, size_t *run) {
    int ok = 0;
#pragma omp critical(sweep_next)
    {
        int failed;
#pragma omp atomic read
        failed = sh->failed; /* set under sweep_journal by another thread */
        int r = -1;
#define LEFT(q) (sh->rep_first[(q) + 1] - sh->rep_next[q])
        if (!failed && mine >= 0 && mine < sh->nreps && LEFT(mine) > 0) r = mine; /* its own */
        for (int q = 0; !failed && r < 0 && q < sh->nreps; q++) /* one nobody has started */
            if (!sh->rep_started[q] && LEFT(q) > 0) r = q;
        if (!failed && r < 0) { /* else the one with the most runs left, if worth a burn-in */
            size_t most = sh->spec->per_point ? 0 : 1;
            for (int q = 0; q < sh->nreps; q++)
                if (LEFT(q) > most) most = LEFT(q), r = q;
        }
#undef LEFT
        if (r >= 0 && sh->rep_next[r] < sh->rep_first[r + 1]) {
            sh->rep_started[r] = 1;
            *run = sh->by_rep[sh->rep_next[r]++];
            ok = 1;
        }
    }
    return ok;
}

/* Journals a finished run, or records a failure (err != NULL). Callers hold sweep_journal. */
static void finish_run(shared_t *sh, size_t run, const double *payload, const char *err) {
    const sweep_spec_t *s = sh->spec;
    if (!err &&
        journal_append(sh->journal, (int)(run / (size_t)s->replicates),
                       (int)(run % (size_t)s->replicates), payload, sh->err, sizeof sh->err) != 0)
        err = sh->err;
    if (err) {
        if (!sh->failed && err != sh->err) snprintf(sh->err, sizeof sh->err, "%s", err);
#pragma omp atomic write
        sh->failed = 1;
        return;
    }
    sh->finished++;
    progress_add(&sh->bar, 1);
}

/* Takes runs until none is left: the threads of one machine, and the computing thread of MPI
 * rank 0. */
static void local_worker(shared_t *sh) {
    omp_set_num_threads(1); /* one thread per run: the machine's cores go to runs side by side */
    worker_t wk;
    double *payload = malloc(sizeof(double) * sh->payload);
    char err[ERR_LEN];
    if (worker_init(&wk, sh) != 0 || !payload) {
#pragma omp critical(sweep_journal)
        finish_run(sh, 0, NULL, "out of memory for a worker's buffers");
        worker_free(&wk);
        free(payload);
        return;
    }
    size_t run;
    while (take(sh, wk.rep, &run)) {
        int rc = compute_run(sh, &wk, run, payload, err, sizeof err);
#pragma omp critical(sweep_journal)
        finish_run(sh, run, payload, rc ? err : NULL);
    }
    worker_free(&wk);
    free(payload);
}

#ifdef WIJKSIM_MPI
/* Rank 0's serving thread: answers every other rank's request for work with the next run,
 * journals the results they send, and stops each when nothing is left. It polls rather than
 * blocks so that it leaves the core to the computing thread. */
static void mpi_master(shared_t *sh, int size, double *buf) {
    char msg[ERR_LEN];
    int active = size - 1;
    int *rank_rep = malloc(sizeof *rank_rep * (size_t)size); /* each rank's last replicate */
    for (int i = 0; rank_rep && i < size; i++)
        rank_rep[i] = -1;
    while (active > 0) {
        int flag = 0;
        MPI_Status ms;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &ms);
        if (!flag) {
            nanosleep(&(struct timespec){0, 1000000}, NULL);
            continue;
        }
        int src = ms.MPI_SOURCE;
        if (ms.MPI_TAG == TAG_RESULT) {
            MPI_Recv(buf, (int)(1 + sh->payload), MPI_DOUBLE, src, TAG_RESULT, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
#pragma omp critical(sweep_journal)
            finish_run(sh, (size_t)buf[0], buf + 1, NULL);
        } else if (ms.MPI_TAG == TAG_FAIL) {
            MPI_Recv(msg, ERR_LEN, MPI_CHAR, src, TAG_FAIL, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            msg[ERR_LEN - 1] = '\0';
#pragma omp critical(sweep_journal)
            finish_run(sh, 0, NULL, msg);
        } else {
            MPI_Recv(NULL, 0, MPI_DOUBLE, src, ms.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        size_t run;
        if (take(sh, rank_rep ? rank_rep[src] : -1, &run)) {
            if (rank_rep && !sh->spec->per_point)
                rank_rep[src] = (int)(run % (size_t)sh->spec->replicates);
            unsigned long long r = run;
            MPI_Send(&r, 1, MPI_UNSIGNED_LONG_LONG, src, TAG_WORK, MPI_COMM_WORLD);
        } else {
            MPI_Send(NULL, 0, MPI_UNSIGNED_LONG_LONG, src, TAG_STOP, MPI_COMM_WORLD);
            active--;
        }
    }
    free(rank_rep);
}

/* A rank other than 0: asks for a run, runs it, sends it back, until told to stop. A rank that
 * could not load the spec (ok == 0) reports that and waits to be stopped. */
static void mpi_worker(shared_t *sh, int ok, const char *why) {
    omp_set_num_threads(1);
    worker_t wk;
    double *buf = ok ? malloc(sizeof(double) * (1 + sh->payload)) : NULL;
    char err[ERR_LEN];
    snprintf(err, sizeof err, "%s", why);
    if (ok && (!buf || worker_init(&wk, sh) != 0)) {
        snprintf(err, sizeof err, "out of memory on an MPI rank");
        if (buf) free(buf), buf = NULL;
        ok = 0;
    }
    int tag = ok ? TAG_READY : TAG_FAIL;
    for (;;) {
        if (tag == TAG_RESULT)
            MPI_Send(buf, (int)(1 + sh->payload), MPI_DOUBLE, 0, tag, MPI_COMM_WORLD);
        else if (tag == TAG_FAIL)
            MPI_Send(err, (int)strlen(err) + 1, MPI_CHAR, 0, tag, MPI_COMM_WORLD);
        else
            MPI_Send(NULL, 0, MPI_DOUBLE, 0, tag, MPI_COMM_WORLD);
        unsigned long long r;
        MPI_Status ms;
        MPI_Recv(&r, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
        if (ms.MPI_TAG == TAG_STOP) break;
        buf[0] = (double)r;
        tag =
            compute_run(sh, &wk, (size_t)r, buf + 1, err, sizeof err) == 0 ? TAG_RESULT : TAG_FAIL;
    }
    if (ok) worker_free(&wk);
    free(buf);
}
#endif

/* The sweep file from the journal: rows are the runs of scope[nscope], sorted by run. */
static int write_file(const sweep_cli_t *c, const sweep_spec_t *s, const double *points,
                      size_t npoints, journal_t *j, const size_t *rows, size_t nrows, char *err,
                      size_t errlen) {
    output_t *o;
    int rc = output_open(&o, c->out_path, c->force, err, errlen);
    if (rc != 0) return rc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
    sweep_file_t sf = {s, c->spec_path, points, npoints, nrows, c->detail, c->shard, c->nshards};
    double *payload = malloc(sizeof(double) * j->values);
    rc = payload ? output_begin_sweep(o, &sf, err, errlen) : -1;
    int weeks = (int)s->base.params.sim_weeks[0];
    for (size_t i = 0; i < nrows && rc == 0; i++) {
        int point = (int)(rows[i] / (size_t)s->replicates),
            rep = (int)(rows[i] % (size_t)s->replicates);
        rc = journal_read(j, point, rep, payload, err, errlen);
        if (rc == 0)
            rc = output_sweep_run(o, i, point, rep, payload,
                                  c->detail ? payload + (size_t)weeks * N_VALUES : NULL);
    }
    if (rc == 0) rc = output_end_sweep(o);
    free(payload);
    char cerr[ERR_LEN];
    if (output_close(o, rc == 0, cerr, sizeof cerr) != 0 && rc == 0) {
        snprintf(err, errlen, "%s", cerr);
        rc = -1;
    }
    return rc == 0 ? 0 : EXIT_RUNTIME;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int sweep_command(const sweep_cli_t *c) {
    int root = c->mpi_rank == 0, status = 0;
    char err[ERR_LEN] = "";
    sweep_spec_t s;
    double *points = NULL;
    size_t npoints = 0, *scope = NULL, *todo = NULL, nscope = 0, ntodo = 0;
    journal_t j = {.fd = -1};
    int have_journal = 0;
    if (sweep_spec_load(&s, c->spec_path, err, sizeof err) != 0) status = EXIT_USAGE;
    if (status == 0 && !(points = sweep_points(&s, &npoints, err, sizeof err))) status = EXIT_USAGE;
    if (status == 0 && sweep_check_points(&s, points, npoints, err, sizeof err) != 0)
        status = EXIT_USAGE;
    size_t runs = npoints * (size_t)s.replicates;
    if (status == 0 &&
        root) { /* the runs of this sweep or shard, in the order they are handed out */
        size_t lo = runs * (size_t)c->shard / (size_t)c->nshards;
        size_t hi = runs * (size_t)(c->shard + 1) / (size_t)c->nshards;
        scope = malloc(sizeof *scope * (hi - lo + 1));
        todo = malloc(sizeof *todo * (hi - lo + 1));
        if (!scope || !todo) status = EXIT_RUNTIME, snprintf(err, sizeof err, "out of memory");
        for (size_t e = lo; status == 0 && e < hi; e++)
            scope[nscope++] = (e % npoints) * (size_t)s.replicates + e / npoints;
    }
    /* The output is checked before the first run (it is written only at the end). */
    if (status == 0 && root && file_check_output(c->out_path, c->force, err, sizeof err) != 0)
        status = EXIT_USAGE;
    if (status == 0 && root) {
        char jpath[4200];
        snprintf(jpath, sizeof jpath, "%s.journal", c->out_path);
        uint64_t build = fnv1a_text(FNV1A_START, WIJKSIM_VERSION " " WIJKSIM_COMMIT);
        journal_shape_t shape = {s.hash,
                                 (uint32_t)s.base.params.sim_weeks[0],
                                 (uint32_t)s.base.params.world_neighbourhoods[0],
                                 N_VALUES,
                                 (uint32_t)c->detail,
                                 (uint32_t)npoints,
                                 (uint32_t)s.replicates,
                                 build};
        int rc = journal_open(&j, jpath, &shape, err, sizeof err);
        if (rc != 0)
            status = rc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
        else
            have_journal = 1;
        for (size_t i = 0; status == 0 && i < nscope; i++)
            if (j.offset[scope[i]] < 0) todo[ntodo++] = scope[i];
    }
    double *master_buf = NULL; /* rank 0's buffer for the runs other ranks send */
    if (status == 0 && root && c->mpi_size > 1) {
        size_t payload = (size_t)s.base.params.sim_weeks[0] * N_VALUES *
                         (1 + (c->detail ? (size_t)s.base.params.world_neighbourhoods[0] : 0));
        if (!(master_buf = malloc(sizeof(double) * (1 + payload))))
            status = EXIT_RUNTIME,
            snprintf(err, sizeof err, "out of memory for the MPI receive buffer");
    }
    int loaded = status == 0; /* this rank's own spec and points */
    (void)loaded;             /* (used by MPI ranks other than 0) */
#ifdef WIJKSIM_MPI
    if (c->mpi_size > 1) /* rank 0's verdict decides; a rank that failed alone tells rank 0 */
        MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    if (status != 0) {
        if (root) fprintf(stderr, "wijksim: %s\n", err);
        goto done;
    }
    shared_t sh = {.spec = &s,
                   .points = points,
                   .detail = c->detail,
                   .weeks = (int)s.base.params.sim_weeks[0],
                   .nnbh = (int)s.base.params.world_neighbourhoods[0],
                   .journal = &j,
                   .todo = todo,
                   .ntodo = ntodo,
                   .total = nscope,
                   .finished = nscope - ntodo};
    sh.payload = (size_t)sh.weeks * N_VALUES * (1 + (c->detail ? (size_t)sh.nnbh : 0));
    if (root && group_by_replicate(&sh) != 0) {
        fprintf(stderr, "wijksim: out of memory for the list of runs\n");
        status = EXIT_RUNTIME;
        group_free(&sh);
        goto done;
    }
#ifdef WIJKSIM_MPI
    if (!root) {
        mpi_worker(&sh, loaded, err);
        goto done;
    }
#endif
    int threads = c->threads > 0 ? c->threads : omp_get_num_procs();
    /* Everything a sweep says goes to standard error: its output is the file. */
    if (!c->quiet) {
        fprintf(stderr, "wijksim sweep: %s: %s design, %zu point%s x %d replicate%s = %zu run%s",
                c->spec_path, design_names[s.design], npoints, npoints == 1 ? "" : "s",
                s.replicates, s.replicates == 1 ? "" : "s", runs, runs == 1 ? "" : "s");
        if (c->nshards > 1)
            fprintf(stderr, "; shard %d (of shards 0-%d): %zu run%s", c->shard, c->nshards - 1,
                    nscope, nscope == 1 ? "" : "s");
        if (c->mpi_size > 1)
            fprintf(stderr, "; %zu to run on %d MPI ranks", ntodo, c->mpi_size);
        else
            fprintf(stderr, "; %zu to run on %d thread%s", ntodo, threads, threads > 1 ? "s" : "");
        if (nscope > ntodo) fprintf(stderr, " (%zu already in %s)", nscope - ntodo, j.path);
        if (j.dropped)
            fprintf(
                stderr,
                " (%zu run%s from a half-written or damaged end of the journal dropped: run again)",
                j.dropped, j.dropped > 1 ? "s" : "");
        fprintf(stderr, "\n");
    }
    if (c->verbose && !c->quiet && root) {
        fprintf(stderr, "Base scenario %s:\n", s.base.nfiles ? s.base.files[0] : "(defaults)");
        scenario_write_settings(stderr, &s.base);
        fprintf(stderr, "Factors:\n");
        for (int f = 0; f < s.k; f++) {
            const factor_t *fa = &s.f[f];
            fprintf(stderr, "  %s: ", fa->label);
            if (fa->nvalues > 0)
                for (int v = 0; v < fa->nvalues; v++)
                    fprintf(stderr, "%s%g", v ? ", " : "", fa->values[v]);
            else
                fprintf(stderr, "%g to %g%s", fa->min, fa->max,
                        fa->dist == DIST_LOGUNIFORM ? " (log-uniform)" : "");
            fputc('\n', stderr);
        }
    }
    progress_start(&sh.bar, progress_mode(c->quiet),
                   c->nshards > 1 ? "wijksim sweep (shard)" : "wijksim sweep", "runs",
                   (double)nscope, (double)(nscope - ntodo));
    double t0 = omp_get_wtime();
    omp_set_max_active_levels(1); /* a run's own parallel loops run on the thread that runs it */
    if (c->mpi_size > 1) {
#ifdef WIJKSIM_MPI
#pragma omp parallel num_threads(2)
        {
            if (omp_get_thread_num() == 0)
                mpi_master(&sh, c->mpi_size, master_buf);
            else
                local_worker(&sh);
        }
#endif
    } else if (ntodo > 0) {
#pragma omp parallel num_threads(threads)
        local_worker(&sh);
    }
    double secs = omp_get_wtime() - t0;
    group_free(&sh);
    progress_end(&sh.bar);
    if (sh.failed) {
        fprintf(stderr,
                "wijksim: %s\n(the %zu runs finished are kept in %s: the same command resumes)\n",
                sh.err, sh.finished, j.path);
        status = EXIT_RUNTIME;
        goto done;
    }
    qsort(scope, nscope, sizeof *scope, cmp_size);
    status = write_file(c, &s, points, npoints, &j, scope, nscope, err, sizeof err);
    if (status != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        goto done;
    }
    journal_close(&j, 1);
    have_journal = 0;
    if (!c->quiet) {
        if (ntodo > 0)
            fprintf(stderr, "Ran %zu run%s in %.2f s: %.1f runs per minute.\n", ntodo,
                    ntodo == 1 ? "" : "s", secs, ntodo / secs * 60);
        if (ntodo > 0 && c->verbose && !s.per_point && c->mpi_size <= 1)
            fprintf(stderr, "Burned in %zu world%s for %d replicate%s.\n", sh.burn_ins,
                    sh.burn_ins == 1 ? "" : "s", s.replicates, s.replicates == 1 ? "" : "s");
        fprintf(stderr, "Output: %s\n", c->out_path);
    }
done:
    if (have_journal) journal_close(&j, 0);
    free(points), free(scope), free(todo), free(master_buf);
    sweep_spec_free(&s);
    return status;
}

/* ---- wijksim sweep: options and the MPI start-up ---------------------------------------- */

const char usage_sweep[] =
    "usage: wijksim sweep SPEC.cfg [-o FILE.h5] [--threads T] [--shard I/N] [--detail] [--force]\n"
    "                     [--quiet] [--verbose]\n"
    "       mpirun -np N wijksim sweep SPEC.cfg -o FILE.h5\n"
    "\n"
    "Runs every point of the sweep file SPEC.cfg (base scenario, factors, design, replicates:\n"
    "scenarios/sweeps/README.md) for every replicate, and writes one HDF5 file: a run table\n"
    "(point, replicate, seed, the varied parameters, the outcomes per horizon) and the weekly\n"
    "municipality series of every run (docs/output.md, Sweeps). Replicate r of every point\n"
    "uses the same random streams, and every point branches from its replicate's burn-in (or,\n"
    "with burn_in = \"per_point\"; in the spec, runs its own, so that any parameter may vary).\n"
    "Finished runs are kept in FILE.h5.journal: a sweep stopped in any way resumes, with the\n"
    "same command, from the runs that finished; a changed spec is refused.\n"
    "\n"
    "  -o, --output FILE     the sweep file (default: SPEC name + .h5 in the current folder)\n"
    "  -t, --threads T       runs side by side on this machine (default: all cores)\n"
    "      --shard I/N       run only the I-th of N parts (0 <= I < N), for job arrays; merge\n"
    "                        the parts with wijksim merge\n"
    "      --detail          also write per-neighbourhood series\n"
    "  -f, --force           overwrite an existing output file\n"
    "  -q, --quiet           print nothing but errors\n"
    "  -v, --verbose         also say what the base scenario sets and each factor's values\n"
    "\n"
    "Nothing goes to standard output (the results are the file): what the sweep runs, its\n"
    "progress (per cent of runs done and time left; on a terminal one line, elsewhere a line per\n"
    "tenth or per minute), its time and its file go to standard error.\n"
    "\n"
    "Under mpirun (a build with MPI: make MPI=1, the default when mpicc is installed) rank 0\n"
    "hands out runs and writes the file, every rank runs one run at a time (rank 0 too).\n";

int cmd_sweep(int argc, char **argv) {
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"threads", required_argument, 0, 't'},
                                         {"shard", required_argument, 0, 'P'},
                                         {"detail", no_argument, 0, 'd'},
                                         {"force", no_argument, 0, 'f'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"verbose", no_argument, 0, 'v'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    sweep_cli_t c = {.nshards = 1, .mpi_size = 1};
    run_opts_t ro = {0};
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:t:fqvh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            c.out_path = optarg;
            break;
        case 't': {
            int st = run_option("sweep", ch, optarg, &ro);
            if (st) return st;
            c.threads = ro.threads;
            break;
        }
        case 'P': {
            long i, n;
            char *slash = strchr(optarg, '/'), buf[64];
            snprintf(buf, sizeof buf, "%.*s", slash ? (int)(slash - optarg) : 0, optarg);
            if (!slash || parse_long(slash + 1, 1, 1000000, &n) != 0 ||
                parse_long(buf, 0, n - 1, &i) != 0)
                return usage_error(
                    "sweep", "--shard: expected I/N with 0 <= I < N (e.g. 3/10), got '%s'", optarg);
            c.shard = (int)i, c.nshards = (int)n;
            break;
        }
        case 'd':
            c.detail = 1;
            break;
        case 'f':
            c.force = 1;
            break;
        case 'q':
            c.quiet = 1;
            break;
        case 'v':
            c.verbose = 1;
            break;
        case 'h':
            fputs(usage_sweep, stdout);
            return 0;
        default:
            return usage_error("sweep", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return usage_error("sweep", "%s",
                           optind >= argc ? "expected one SPEC.cfg"
                                          : "expected exactly one SPEC.cfg");
    c.spec_path = argv[optind];
    char *defout = c.out_path ? NULL : default_output(c.spec_path);
    if (!c.out_path && !defout) return fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    if (!c.out_path) c.out_path = defout;
    int status;
#ifdef WIJKSIM_MPI
    if (sweep_launched_by_mpi()) {
        int provided;
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
        MPI_Comm_rank(MPI_COMM_WORLD, &c.mpi_rank);
        MPI_Comm_size(MPI_COMM_WORLD, &c.mpi_size);
        if (c.mpi_size > 1 && (provided < MPI_THREAD_FUNNELED || c.nshards > 1 || c.threads > 0)) {
            if (c.mpi_rank == 0)
                fprintf(stderr, "wijksim sweep: %s\n",
                        provided < MPI_THREAD_FUNNELED
                            ? "this MPI library does not support threads (MPI_THREAD_FUNNELED)"
                        : c.nshards > 1 ? "--shard is for separate processes (job arrays), not for "
                                          "mpirun: use one or the other"
                                        : "--threads: under mpirun every rank runs one run at a "
                                          "time; start one rank per core instead");
            MPI_Finalize();
            free(defout);
            return EXIT_USAGE;
        }
    }
#else
    if (sweep_launched_by_mpi()) {
        fputs("wijksim sweep: started by an MPI launcher, but this wijksim was built without MPI "
              "(build with `make MPI=1`, which needs mpicc from openmpi-bin and libopenmpi-dev)\n",
              stderr);
        free(defout);
        return EXIT_USAGE;
    }
#endif
    file_cleanup_on_signals();
    status = sweep_command(&c);
#ifdef WIJKSIM_MPI
    if (sweep_launched_by_mpi()) MPI_Finalize();
#endif
    free(defout);
    return status;
}
