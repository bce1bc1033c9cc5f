/* make bench: simulation speed and memory, without HDF5 writing.
 *
 * usage: bench [POPULATION NEIGHBOURHOODS THREADS]...   (default: the baseline and a
 * 1,000,000-resident municipality, each with 1 and 2 threads). Each configuration runs in a
 * child process so its peak memory (ru_maxrss) is its own. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/sim.h"

static int bench_one(double population, int nnbh, int threads) {
    params_t p;
    params_defaults(&p);
    p.world_population[0] = population;
    p.world_neighbourhoods[0] = nnbh;
    run_opts_t o = {.seed = 1, .replicates = 1, .threads = threads};
    run_stats_t st;
    char err[256];
    if (sim_run(&p, &o, NULL, NULL, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double res = population;
    printf("%10.0f %5d %7d %8.2f %12.3g %14.1f %14.1f\n", population, nnbh, threads, st.seconds,
           st.resident_weeks / st.seconds, (double)st.world_bytes / res,
           ru.ru_maxrss * 1024.0 / res);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    static const double defaults[][3] = {
        {150000, 10, 1}, {150000, 10, 2}, {1000000, 66, 1}, {1000000, 66, 2}};
    int n = argc > 1 ? (argc - 1) / 3 : 4;
    printf("wijksim bench: one replicate, default weeks and burn-in, default parameters, no output "
           "file\n");
    printf("%10s %5s %7s %8s %12s %14s %14s\n", "residents", "nbh", "threads", "seconds",
           "res-weeks/s", "state B/res", "peak RSS B/res");
    for (int i = 0; i < n; i++) {
        double pop = argc > 1 ? atof(argv[1 + 3 * i]) : defaults[i][0];
        int nnbh = argc > 1 ? atoi(argv[2 + 3 * i]) : (int)defaults[i][1];
        int thr = argc > 1 ? atoi(argv[3 + 3 * i]) : (int)defaults[i][2];
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) _exit(bench_one(pop, nnbh, thr));
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    }
    return 0;
}
