/* make bench: simulation speed and memory, without HDF5 writing, against the targets of the
 * performance issue (docs/performance.md).
 *
 * usage: bench                          the target rows: the baseline city (150,000 residents,
 *                                       1 and 2 threads), 1,000,000 residents on 2 threads and
 *                                       the workshop town (30,000 in 2 neighbourhoods, 1
 *                                       thread); with BENCH_NATIONAL=1 also the Netherlands
 *                                       (17.9 million on 2 threads, several minutes)
 *        bench [POPULATION NEIGHBOURHOODS THREADS]...   these configurations instead
 *
 * Every row runs 260 burn-in + 520 output weeks (the weeks the targets were set for; the
 * model's default burn-in is 520) with the default parameters otherwise. Each row runs in a
 * child process, so that its peak memory (ru_maxrss) is its own. "ratio" is seconds over the
 * target: 1 or less meets it.
 *
 * BENCH_PHASES=1 prints before each row where its time went: each phase's work (seconds summed
 * over neighbourhoods or teams; a serial phase's wall time) and, for each parallel loop of
 * consecutive phases (or serial phase), its wall time and work / wall (the threads it kept
 * busy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/models.h"
#include "sim/sim.h"

#define BURN_IN 260
#define WEEKS 520
#define STATE_TARGET 48.0 /* bytes of state per resident */

typedef struct {
    const char *what;
    double population;
    int nnbh, threads;
    double target_s;      /* 0: none */
    double target_peak_b; /* peak bytes per resident; 0: none */
} row_t;

static int bench_one(const row_t *row) {
    params_t p;
    params_defaults(&p);
    p.world_population[0] = row->population;
    p.world_neighbourhoods[0] = row->nnbh;
    p.sim_burn_in_weeks[0] = BURN_IN;
    p.sim_weeks[0] = WEEKS;
    run_opts_t o = {.seed = 1, .replicates = 1, .threads = row->threads, .municipality_only = 1};
    run_stats_t st;
    char err[256];
    if (sim_run(&p, &o, NULL, NULL, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    const char *phases = getenv("BENCH_PHASES");
    if (phases && strcmp(phases, "1") == 0) {
        printf("  %-28s %9s %9s %6s\n", "phase (loop)", "work s", "wall s", "busy");
        for (int ph = 0, end; ph < n_model_phases; ph = end) {
            end = sim_loop_end(ph, st.by_team);
            double work = 0;
            for (int k = ph; k < end; k++)
                work += st.phase_work[k];
            for (int k = ph; k < end; k++)
                printf("  %-28s %9.2f%s", model_phases[k].name, st.phase_work[k],
                       k + 1 < end ? "\n" : "");
            printf(" %9.2f %6.2f\n", st.phase_wall[ph],
                   st.phase_wall[ph] > 0 ? work / st.phase_wall[ph] : 0);
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double res = row->population, state = (double)st.world_bytes / res;
    double peak = ru.ru_maxrss * 1024.0 / res;
    char target[32] = "-", ratio[32] = "-", state_ratio[32], peak_t[32] = "";
    if (row->target_s > 0) {
        snprintf(target, sizeof target, "%.2f", row->target_s);
        snprintf(ratio, sizeof ratio, "%.1f", st.seconds / row->target_s);
    }
    snprintf(state_ratio, sizeof state_ratio, "%.1f", state / STATE_TARGET);
    if (row->target_peak_b > 0)
        snprintf(peak_t, sizeof peak_t, " (target %.0f)", row->target_peak_b);
    printf("%-14s %10.0f %4d %7d %8.2f %8s %6s %11.3g %8.1f %6s %9.1f%s\n", row->what,
           row->population, row->nnbh, row->threads, st.seconds, target, ratio,
           st.resident_weeks / st.seconds, state, state_ratio, peak, peak_t);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    static const row_t targets[] = {{"baseline city", 150000, 10, 1, 0.75, 0},
                                    {"baseline city", 150000, 10, 2, 0.45, 0},
                                    {"1 million", 1000000, 66, 2, 4.0, 0},
                                    {"workshop town", 30000, 2, 1, 0.1, 0},
                                    {"Netherlands", 17900000, 1180, 2, 120, 96}};
    int national = getenv("BENCH_NATIONAL") && strcmp(getenv("BENCH_NATIONAL"), "1") == 0;
    int n = argc > 1 ? (argc - 1) / 3 : 4 + national;
    printf("wijksim bench: one replicate of %d + %d weeks, default parameters, no output file; "
           "ratio = seconds / target (<= 1 meets it); state target %.0f B per resident\n",
           BURN_IN, WEEKS, STATE_TARGET);
    printf("%-14s %10s %4s %7s %8s %8s %6s %11s %8s %6s %9s\n", "row", "residents", "nbh",
           "threads", "seconds", "target", "ratio", "res-weeks/s", "state B", "ratio", "peak B");
    for (int i = 0; i < n; i++) {
        row_t row = i < 5 ? targets[i] : targets[0];
        if (argc > 1) {
            row = (row_t){
                "custom", atof(argv[1 + 3 * i]), atoi(argv[2 + 3 * i]), atoi(argv[3 + 3 * i]), 0,
                0};
            if (row.population < 1 || row.nnbh < 1 || row.threads < 1) {
                fprintf(stderr,
                        "bench: expected POPULATION NEIGHBOURHOODS THREADS, got '%s %s %s'\n",
                        argv[1 + 3 * i], argv[2 + 3 * i], argv[3 + 3 * i]);
                return 2;
            }
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) _exit(bench_one(&row));
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    }
    return 0;
}
