/* wijksim: command line. Parses arguments, loads and validates the scenario, runs it and
 * decides exit status: 0 success, 1 runtime failure, 2 usage or configuration error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <omp.h>

#include "config.h"
#include "files.h"
#include "util.h"
#include "output.h"
#include "outcomes.h"
#include "params.h"
#include "series.h"
#include "sim.h"
#include "sweep_run.h"
#include "version.h"

#ifdef WIJKSIM_MPI
#include <mpi.h>
#endif

#include "exit.h"

static const char *const usage_main =
    "usage: wijksim COMMAND [options]\n"
    "\n"
    "Simulates residents, their needs and the neighbourhood (wijk)team week by week, and\n"
    "writes weekly time series to HDF5.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.cfg     run a scenario and write an HDF5 file\n"
    "  compare A.cfg B.cfg ...  run scenarios with common random numbers and a shared\n"
    "                       burn-in, and print their outcomes side by side\n"
    "  sweep SPEC.cfg       run every point of a parameter sweep (threads, MPI ranks or\n"
    "                       job-array shards), resumably, into one HDF5 file\n"
    "  merge PART.h5 ...    merge the shards of a sweep into one file\n"
    "  report FILE.h5       write a self-contained HTML report of a run, comparison or sweep\n"
    "  params               list every parameter with its default, range and unit\n"
    "  series               list every output series with its unit\n"
    "  help [COMMAND]       this text, or the options of a command\n"
    "\n"
    "options:\n"
    "  --version            print the version and commit\n"
    "  --help               this text\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n";

static const char *const usage_run =
    "usage: wijksim run SCENARIO.cfg [-o FILE.h5] [--seed N] [--replicates R] [--threads T]\n"
    "                   [--set name=value]... [--force] [--quiet]\n"
    "\n"
    "  -o, --output FILE     HDF5 file to write (default: SCENARIO name + .h5 in the current folder)\n"
    "  -s, --seed N          base seed (default 1); same seed, same output, for any thread count\n"
    "  -r, --replicates R    independent replicates (default 1)\n"
    "  -t, --threads T       OpenMP threads (default: all cores)\n"
    "      --set name=value  override a parameter, e.g. --set team.fte=6.5 (repeatable)\n"
    "  -f, --force           overwrite an existing output file\n"
    "  -q, --quiet           print nothing but errors\n";

static const char *const usage_compare =
    "usage: wijksim compare A.cfg B.cfg ... [-o FILE.h5] [--replicates R] [--seed N] [--threads T]\n"
    "                       [--horizon Y[,Y...]] [--format text|csv|markdown] [--table FILE]\n"
    "                       [--set name=value]... [--detail] [--force] [--quiet]\n"
    "\n"
    "Runs every scenario for every replicate with the same seeds (common random numbers). The\n"
    "first scenario is the reference: every scenario that agrees with it on the parameters that\n"
    "cannot change during a run shares its burn-in and weeks up to the first week their\n"
    "parameters differ, and branches from a copy of that state, so differences are policy, not\n"
    "noise. Prints per horizon year the mean and 95 % confidence interval over replicates of each\n"
    "outcome (docs/output.md), and each scenario's paired difference from the first.\n"
    "\n"
    "  -o, --output FILE     HDF5 file with every scenario and replicate (default comparison.h5)\n"
    "  -r, --replicates R    replicates (default 10)\n"
    "  -s, --seed N          base seed (default 1)\n"
    "  -t, --threads T       OpenMP threads (default: all cores)\n"
    "      --horizon LIST    horizon years, e.g. 5,10 (default: 5 and 10, those within the run)\n"
    "      --format FMT      table format: text (default), csv or markdown\n"
    "      --table FILE      write the table to FILE (format from --format, or from the\n"
    "                        extension .csv or .md); the terminal then gets the text table\n"
    "                        only when --format is not given\n"
    "      --set name=value  override a parameter in every scenario (repeatable)\n"
    "      --detail          also write per-neighbourhood series\n"
    "  -f, --force           overwrite existing output and table files\n"
    "  -q, --quiet           print nothing but errors (and the table when --format is given\n"
    "                        without --table)\n";

static const char *const usage_sweep =
    "usage: wijksim sweep SPEC.cfg [-o FILE.h5] [--threads T] [--shard I/N] [--detail] [--force]\n"
    "                     [--quiet]\n"
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
    "\n"
    "Under mpirun (a build with MPI: make MPI=1, the default when mpicc is installed) rank 0\n"
    "hands out runs and writes the file, every rank runs one run at a time (rank 0 too).\n";

static const char *const usage_merge =
    "usage: wijksim merge PART.h5 ... -o FILE.h5 [--force] [--quiet]\n"
    "\n"
    "Merges sweep files of one spec (the shards of wijksim sweep --shard) into one sweep file\n"
    "holding every run once, in run order, as a single sweep would have written it. Parts of\n"
    "another spec, and runs missing from every part, are refused.\n"
    "  -o, --output FILE     the merged file (required)\n"
    "  -f, --force           overwrite an existing output file\n"
    "  -q, --quiet           print nothing but errors\n";

static const char *const usage_report =
    "usage: wijksim report FILE.h5 [-o REPORT.html] [--title TEXT] [--force] [--quiet]\n"
    "\n"
    "Writes one self-contained HTML page (charts inline, no network needed; prints well) for a\n"
    "run, comparison or sweep file: outcomes over time with 95 % bands, costs against outcomes,\n"
    "cumulative cost by category and break-even years for a comparison; sensitivity (Sobol\n"
    "indices or partial rank correlations) for a sweep. It runs the script\n"
    "analysis/report.py of this wijksim's source tree with /usr/bin/python3 (numpy, h5py,\n"
    "matplotlib: make deps installs them); WIJKSIM_PYTHON names another interpreter. The script\n"
    "also runs on its own: /usr/bin/python3 analysis/report.py FILE.h5 -o REPORT.html\n"
    "  -o, --output FILE     the HTML file (default: FILE with .html, in the current folder)\n"
    "      --title TEXT      the page title\n"
    "  -f, --force           overwrite an existing report\n"
    "  -q, --quiet           print nothing but errors\n";

static const char *const usage_params =
    "usage: wijksim params [SCENARIO.cfg] [--set name=value]... [--markdown | --cfg]\n"
    "\n"
    "Lists every parameter: name, value, range, unit and description. With a scenario (and\n"
    "--set) the values are those it resolves to.\n"
    "  --markdown   the reference table of docs/parameters.md\n"
    "  --cfg        the resolved values as a complete scenario file\n";

static const char *const usage_series =
    "usage: wijksim series [--markdown]\n"
    "\n"
    "Lists every output series with its dimensions, unit and description.\n"
    "  --markdown   the reference table of docs/output.md\n";

static int usage_error(const char *cmd, const char *fmt, const char *arg) {
    fprintf(stderr, "wijksim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'wijksim %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

static int parse_long(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* The options run and compare share: --seed, --replicates, --threads. Returns 1 when c is
 * not one of them, 0 when it was stored, EXIT_USAGE (with the message printed) when invalid. */
static int run_option(const char *cmd, int c, const char *arg, run_opts_t *ro) {
    long v;
    switch (c) {
    case 's': {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(arg, &end, 10);
        if (errno || end == arg || *end || strspn(arg, "0123456789") != strlen(arg))
            return usage_error(cmd, "--seed: expected a non-negative integer, got '%s'", arg);
        ro->seed = s;
        return 0;
    }
    case 'r':
        if (parse_long(arg, 1, 100000, &v) != 0)
            return usage_error(cmd, "--replicates: expected an integer from 1 to 100000, got '%s'", arg);
        ro->replicates = (int)v;
        return 0;
    case 't':
        if (parse_long(arg, 1, 4096, &v) != 0)
            return usage_error(cmd, "--threads: expected an integer from 1 to 4096, got '%s'", arg);
        /* More threads than cores only makes the weekly barriers wait (the results are the
         * same for any thread count). WIJKSIM_OVERSUBSCRIBE=1 lets the determinism tests run
         * more threads than a small machine has cores. */
        if (v > omp_get_num_procs() && !getenv("WIJKSIM_OVERSUBSCRIBE")) {
            fprintf(stderr, "wijksim %s: --threads %ld: this machine has %d cores; using %d\n", cmd, v,
                    omp_get_num_procs(), omp_get_num_procs());
            v = omp_get_num_procs();
        }
        ro->threads = (int)v;
        return 0;
    default: return 1;
    }
}

static char *default_output(const char *scenario) {
    const char *base;
    size_t n = cfg_stem(scenario, &base);
    char *out = malloc(n + 4);
    if (out) sprintf(out, "%.*s.h5", (int)n, base);
    return out;
}

/* The headline figures after a run: label, value offset (summed over the domains for
 * per-domain series), factor (52 turns a weekly flow into a yearly one) and unit. */
static void print_summary(const double *v) {
    static const struct {
        const char *label;
        int off, width;
        double factor;
        const char *unit;
    } rows[] = {
        {"residents with a need", OFF_residents_with_need, 1, 1, "residents"},
        {"unmet need (severity >= 2)", OFF_unmet_need, 1, 1, "residents"},
        {"new needs", OFF_new_needs, N_DOMAINS, 52, "per year"},
        {"crises", OFF_crises, 1, 52, "per year"},
        {"waiting list for intake", OFF_waiting_list, 1, 1, "requests"},
        {"waiting time to intake", OFF_waiting_time, 1, 1, "weeks"},
        {"team caseload", OFF_caseload_per_fte, 1, 1, "cases per FTE"},
        {"team workload", OFF_workload, 1, 1, "hours asked per hour available"},
        {"vacancies", OFF_vacancies, 1, 1, "FTE"},
        {"specialist clients", OFF_specialist_clients, N_DOMAINS, 1, "residents"},
        {"specialist waiting lists", OFF_specialist_waiting, N_DOMAINS, 1, "residents"},
        {"informal care", OFF_informal_hours, 1, 1, "hours per week"},
        {"overloaded carers", OFF_overloaded_carers, 1, 1, "residents"},
        {"volunteers", OFF_volunteers, 1, 1, "volunteers"},
        {"quality of life", OFF_qol_index, 1, 1, "index 0-1"},
        {"cost", OFF_cost_total, 1, 52, "euro per year"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double x = 0;
        for (int k = 0; k < rows[i].width; k++) x += v[rows[i].off + k];
        x *= rows[i].factor;
        const char *fmt = fabs(x) >= 100 ? "  %-30s %12.0f  %s\n"
                          : fabs(x) >= 10 ? "  %-30s %12.1f  %s\n" : "  %-30s %12.3f  %s\n";
        printf(fmt, rows[i].label, x, rows[i].unit);
    }
}

static int cmd_run(int argc, char **argv) {
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},  {"seed", required_argument, 0, 's'},
        {"replicates", required_argument, 0, 'r'}, {"threads", required_argument, 0, 't'},
        {"set", required_argument, 0, 'S'},     {"force", no_argument, 0, 'f'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    run_opts_t ro = {.seed = 1, .replicates = 1};
    const char *outpath = NULL;
    int force = 0, quiet = 0, c;
    char **sets = calloc((size_t)argc, sizeof *sets);
    int nsets = 0;
    if (!sets) return fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:s:r:t:fqh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outpath = optarg; break;
        case 's':
        case 'r':
        case 't': {
            int st = run_option("run", c, optarg, &ro);
            if (st) return free(sets), st;
            break;
        }
        case 'S': sets[nsets++] = optarg; break;
        case 'f': force = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_run, stdout); return free(sets), 0;
        default:
            return free(sets), usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return free(sets), usage_error("run", "%s", optind >= argc ? "expected one SCENARIO.cfg" : "expected exactly one SCENARIO.cfg");
    const char *path = argv[optind];

    char err[ERR_LEN];
    scenario_t sc;
    scenario_init(&sc);
    int rc = scenario_load(&sc, path, err, sizeof err);
    for (int i = 0; i < nsets && rc == 0; i++) rc = scenario_set(&sc, sets[i], err, sizeof err);
    if (rc == 0) rc = scenario_validate(&sc, err, sizeof err);
    free(sets);
    if (rc != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        scenario_free(&sc);
        return EXIT_USAGE;
    }
    char *defout = outpath ? NULL : default_output(path);
    if (!outpath && !defout) return scenario_free(&sc), fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    if (!outpath) outpath = defout;
    output_t *out;
    rc = output_open(&out, outpath, force, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        scenario_free(&sc);
        free(defout);
        return rc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
    }
    file_cleanup_on_signals();
    ro.progress = !quiet && isatty(STDERR_FILENO);
    run_stats_t st;
    rc = output_begin(out, &sc, &ro, err, sizeof err);
    const scenario_t *one = &sc;
    if (rc == 0) rc = sim_run_scenarios(&one, 1, &ro, output_scenario_replicate, out, &st, err, sizeof err);
    double mean[N_VALUES];
    output_summary(out, mean);
    const char *drift_stock;
    double drift_se, drift = output_drift(out, &drift_stock, &drift_se);
    char cerr[ERR_LEN];
    if (output_close(out, rc == 0, cerr, sizeof cerr) != 0 && rc == 0) {
        snprintf(err, sizeof err, "%s", cerr);
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
    } else if (!quiet) {
        printf("wijksim %s: %s, seed %llu, %d replicate%s, %.0f residents in %d neighbourhoods, "
               "%d weeks after %d weeks burn-in\n",
               WIJKSIM_VERSION, path, (unsigned long long)ro.seed, ro.replicates,
               ro.replicates > 1 ? "s" : "", mean[OFF_residents], (int)sc.params.world_neighbourhoods[0],
               (int)sc.params.sim_weeks[0], (int)sc.params.sim_burn_in_weeks[0]);
        printf("Municipality, mean over the last 52 weeks%s:\n",
               ro.replicates > 1 ? " and all replicates" : "");
        print_summary(mean);
        if ((int)sc.params.sim_weeks[0] >= 104) {
            /* Above the limit by more than chance (two standard errors over replicates; with one
             * replicate chance cannot be told apart, so say so). */
            int above = drift - (isnan(drift_se) ? 0 : 2 * drift_se) > DRIFT_LIMIT;
            char se[64] = "one replicate: chance included";
            if (!isnan(drift_se))
                snprintf(se, sizeof se, "+- %.2f over %d replicates", drift_se, ro.replicates);
            printf("Steady state: the main stocks drift at most %.2f %%/year over the first output "
                   "years (%s, %s; limit %.0f %%/year; attribute steady_state_drift)%s\n",
                   drift, drift_stock, se, DRIFT_LIMIT,
                   !above            ? "."
                   : isnan(drift_se) ? ": chance, or a burn-in too short (sim.burn_in_weeks); more "
                                       "replicates tell them apart."
                                     : ": the burn-in may be too short (sim.burn_in_weeks).");
        }
        printf("Simulated %.3g resident-weeks in %.2f s (%.3g per second).\n", st.resident_weeks,
               st.seconds, st.resident_weeks / st.seconds);
        printf("Output: %s\n", outpath);
    }
    scenario_free(&sc);
    free(defout);
    return rc == 0 ? 0 : EXIT_RUNTIME;
}

/* What a comparison collects while it runs: the output file and every outcome. */
typedef struct {
    output_t *out;
    int nh, reps;
    const int *horizons;
    double *v; /* [scenario][replicate][horizon][N_OUTCOMES] */
} compare_ctx_t;

static int compare_sink(void *ctx, int s, int rep, const world_t *w, const double *values, int weeks) {
    compare_ctx_t *c = ctx;
    if (output_scenario_replicate(c->out, s, rep, w, values, weeks) != 0) return -1;
    double *mu = malloc(sizeof(double) * (size_t)weeks * N_VALUES);
    if (!mu) return -1;
    series_municipality(values, weeks, w->nnbh, mu);
    for (int h = 0; h < c->nh; h++)
        outcomes_compute(mu, weeks, c->horizons[h],
                         &c->v[(((size_t)s * c->reps + rep) * c->nh + h) * N_OUTCOMES]);
    free(mu);
    return 0;
}

/* Horizons from "5,10"; with list NULL, those of 5 and 10 within the run (or its last year). */
static int parse_horizons(const char *list, int weeks, int *h, int *nh) {
    *nh = 0;
    if (!list) {
        *nh = outcomes_default_horizons(weeks, h);
        return 52 * h[0] <= weeks ? 0 : -1;
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *next = buf, *tok; (tok = strsep(&next, ",")) != NULL;) {
        long y;
        if (*nh == 16 || parse_long(tok, 1, 100, &y) != 0 || 52 * y > weeks) return -1;
        h[(*nh)++] = (int)y;
    }
    return 0;
}

/* Writes the table to path atomically (sim/files.h: a temporary file published when whole);
 * whether it may replace an existing file was checked before the run. */
static int write_table_file(const char *path, const compare_table_t *t, table_format_t fmt, int force,
                            char *err, size_t errlen) {
    char *tmp = file_tmp_name(path);
    if (!tmp) return snprintf(err, errlen, "out of memory"), -1;
    FILE *f = fopen(tmp, "wx");
    int rc = f ? compare_table_write(f, t, fmt) : -1;
    if (f && fclose(f) != 0) rc = -1;
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot write the table: %s", path, strerror(errno));
        unlink(tmp);
        file_untrack(tmp);
    } else {
        rc = file_publish(tmp, path, force, err, errlen);
    }
    free(tmp);
    return rc;
}

static int cmd_compare(int argc, char **argv) {
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"seed", required_argument, 0, 's'},
        {"replicates", required_argument, 0, 'r'}, {"threads", required_argument, 0, 't'},
        {"set", required_argument, 0, 'S'}, {"horizon", required_argument, 0, 'H'},
        {"format", required_argument, 0, 'F'}, {"table", required_argument, 0, 'T'},
        {"detail", no_argument, 0, 'd'}, {"force", no_argument, 0, 'f'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    run_opts_t ro = {.seed = 1, .replicates = 10};
    const char *outpath = "comparison.h5", *hlist = NULL, *table = NULL, *format = NULL;
    int force = 0, quiet = 0, detail = 0, c;
    char **sets = calloc((size_t)argc, sizeof *sets);
    int nsets = 0;
    if (!sets) return fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:s:r:t:fqh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outpath = optarg; break;
        case 's':
        case 'r':
        case 't': {
            int st = run_option("compare", c, optarg, &ro);
            if (st) return free(sets), st;
            break;
        }
        case 'S': sets[nsets++] = optarg; break;
        case 'H': hlist = optarg; break;
        case 'F': format = optarg; break;
        case 'T': table = optarg; break;
        case 'd': detail = 1; break;
        case 'f': force = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_compare, stdout); return free(sets), 0;
        default:
            return free(sets), usage_error("compare", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    table_format_t fmt = TABLE_TEXT;
    const char *fname = format ? format : table ? strrchr(table, '.') : NULL;
    if (fname && (strcmp(fname, "csv") == 0 || strcmp(fname, ".csv") == 0)) fmt = TABLE_CSV;
    else if (fname && (strcmp(fname, "markdown") == 0 || strcmp(fname, ".md") == 0)) fmt = TABLE_MARKDOWN;
    else if (format && strcmp(format, "text") != 0)
        return free(sets), usage_error("compare", "--format: expected text, csv or markdown, got '%s'", format);
    int nsc = argc - optind;
    if (nsc < 1) return free(sets), usage_error("compare", "%s", "expected one or more SCENARIO.cfg files");

    char err[ERR_LEN];
    scenario_t *scs = calloc((size_t)nsc, sizeof *scs);
    const scenario_t **sc = calloc((size_t)nsc, sizeof *sc);
    const char **names = calloc((size_t)nsc, sizeof *names), **notes = calloc((size_t)nsc, sizeof *notes);
    char (*labels)[160] = calloc((size_t)nsc, sizeof *labels), (*notebuf)[256] = calloc((size_t)nsc, sizeof *notebuf);
    sim_plan_t *plan = calloc((size_t)nsc, sizeof *plan);
    int rc = scs && sc && names && notes && labels && notebuf && plan ? 0 : -1, status = EXIT_USAGE;
    if (rc) snprintf(err, sizeof err, "out of memory"), status = EXIT_RUNTIME;
    for (int i = 0; i < nsc && rc == 0; i++) {
        scenario_init(&scs[i]);
        sc[i] = &scs[i];
        rc = scenario_load(&scs[i], argv[optind + i], err, sizeof err);
        for (int k = 0; k < nsets && rc == 0; k++) rc = scenario_set(&scs[i], sets[k], err, sizeof err);
        if (rc == 0) rc = scenario_validate(&scs[i], err, sizeof err);
        if (rc == 0) { /* a label unique within the comparison */
            snprintf(labels[i], sizeof labels[i], "%s", scenario_label(&scs[i]));
            for (int k = 0, dup = 1; k < i; k++)
                if (strcmp(labels[k], labels[i]) == 0)
                    snprintf(labels[i], sizeof labels[i], "%.120s (%d)", scenario_label(&scs[i]), ++dup);
            names[i] = labels[i];
        }
    }
    int horizons[16], nh = 0;
    if (rc == 0 && parse_horizons(hlist, (int)scs[0].params.sim_weeks[0], horizons, &nh) != 0) {
        snprintf(err, sizeof err,
                 "--horizon %s: expected whole years from 1 within the run (sim.weeks = %.0f, %.0f years)",
                 hlist ? hlist : "(default)", scs[0].params.sim_weeks[0], floor(scs[0].params.sim_weeks[0] / 52));
        rc = -1;
    }
    for (int i = 1; i < nsc && rc == 0; i++)
        if (scs[i].params.sim_weeks[0] < 52 * horizons[nh - 1]) {
            snprintf(err, sizeof err, "%s: runs %.0f weeks, shorter than the horizon of %d years",
                     argv[optind + i], scs[i].params.sim_weeks[0], horizons[nh - 1]);
            rc = -1;
        }
    if (rc == 0) {
        sim_plan(sc, nsc, plan);
        for (int i = 1; i < nsc; i++) {
            if (plan[i].root == i)
                snprintf(notebuf[i], sizeof notebuf[i],
                         "own burn-in with the same seeds: differs from %s in '%s', which cannot "
                         "change during a run", names[0], plan[i].differs);
            else if (plan[i].branch == (int)scs[i].params.sim_weeks[0])
                snprintf(notebuf[i], sizeof notebuf[i], "the same parameters as %s throughout",
                         names[plan[i].root]);
            else
                snprintf(notebuf[i], sizeof notebuf[i], "shares the history of %s up to output week %d",
                         names[plan[i].root], plan[i].branch);
            notes[i] = notebuf[i];
        }
    }
    free(sets);
    if (rc == 0 && table) {
        struct stat a, b;
        if (strcmp(table, outpath) == 0 ||
            (stat(table, &a) == 0 && stat(outpath, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
            snprintf(err, sizeof err, "--table %s: the same file as the output (-o %s); expected another name",
                     table, outpath);
            rc = -1;
        } else if (file_check_output(table, force, err, sizeof err) != 0) {
            rc = -1;
        }
    }
    output_t *out = NULL;
    if (rc == 0) {
        int orc = output_open(&out, outpath, force, err, sizeof err);
        if (orc != 0) rc = -1, status = orc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
    }
    compare_ctx_t cc = {out, nh, ro.replicates, horizons, NULL};
    if (rc == 0) {
        status = EXIT_RUNTIME;
        file_cleanup_on_signals();
        ro.progress = !quiet && isatty(STDERR_FILENO);
        cc.v = malloc(sizeof(double) * (size_t)nsc * ro.replicates * nh * N_OUTCOMES);
        if (!cc.v) snprintf(err, sizeof err, "out of memory"), rc = -1;
        if (rc == 0) rc = output_begin_comparison(out, sc, nsc, plan, &ro, detail, err, sizeof err);
        run_stats_t st;
        if (rc == 0) rc = sim_run_scenarios(sc, nsc, &ro, compare_sink, &cc, &st, err, sizeof err);
        for (int i = 0; i < nsc && rc == 0; i++)
            rc = output_outcomes(out, i, &cc.v[(size_t)i * ro.replicates * nh * N_OUTCOMES], nh, horizons);
        compare_table_t t = {nsc, names, ro.replicates, nh, horizons, cc.v, notes};
        if (rc == 0 && table) rc = write_table_file(table, &t, fmt, force, err, sizeof err);
        char cerr[ERR_LEN];
        if (output_close(out, rc == 0, cerr, sizeof cerr) != 0 && rc == 0) {
            snprintf(err, sizeof err, "%s", cerr);
            rc = -1;
        }
        if (rc == 0 && (!quiet || (format && !table))) {
            if (!table || !format) compare_table_write(stdout, &t, table ? TABLE_TEXT : fmt);
            if (!quiet)
                printf("Simulated %.3g resident-weeks in %.2f s.\nOutput: %s%s%s\n", st.resident_weeks,
                       st.seconds, outpath, table ? "\nTable: " : "", table ? table : "");
        }
    }
    if (rc != 0) fprintf(stderr, "wijksim: %s\n", err);
    for (int i = 0; scs && i < nsc; i++) scenario_free(&scs[i]);
    free(scs), free(sc), free(names), free(notes), free(labels), free(notebuf), free(plan), free(cc.v);
    return rc == 0 ? 0 : status;
}

static int cmd_sweep(int argc, char **argv) {
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"threads", required_argument, 0, 't'},
        {"shard", required_argument, 0, 'P'},  {"detail", no_argument, 0, 'd'},
        {"force", no_argument, 0, 'f'},        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    sweep_cli_t c = {.nshards = 1, .mpi_size = 1};
    run_opts_t ro = {0};
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:t:fqh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': c.out_path = optarg; break;
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
            if (!slash || parse_long(slash + 1, 1, 1000000, &n) != 0 || parse_long(buf, 0, n - 1, &i) != 0)
                return usage_error("sweep", "--shard: expected I/N with 0 <= I < N (e.g. 3/10), got '%s'", optarg);
            c.shard = (int)i, c.nshards = (int)n;
            break;
        }
        case 'd': c.detail = 1; break;
        case 'f': c.force = 1; break;
        case 'q': c.quiet = 1; break;
        case 'h': fputs(usage_sweep, stdout); return 0;
        default: return usage_error("sweep", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return usage_error("sweep", "%s", optind >= argc ? "expected one SPEC.cfg" : "expected exactly one SPEC.cfg");
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
                        provided < MPI_THREAD_FUNNELED ? "this MPI library does not support threads (MPI_THREAD_FUNNELED)"
                        : c.nshards > 1 ? "--shard is for separate processes (job arrays), not for mpirun: use one or the other"
                                        : "--threads: under mpirun every rank runs one run at a time; start one rank per core instead");
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

static int cmd_merge(int argc, char **argv) {
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"force", no_argument, 0, 'f'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    int force = 0, quiet = 0, ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:fqh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'f': force = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_merge, stdout); return 0;
        default: return usage_error("merge", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (!out) return usage_error("merge", "%s", "expected -o FILE.h5, the merged file");
    if (optind >= argc) return usage_error("merge", "%s", "expected one or more PART.h5 files");
    char err[ERR_LEN];
    file_cleanup_on_signals();
    int rc = output_merge_sweeps((const char *const *)&argv[optind], argc - optind, out, force, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        return rc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (!quiet) printf("Merged %d file%s: %s\n", argc - optind, argc - optind > 1 ? "s" : "", out);
    return 0;
}

/* `wijksim report`: the report is Python (analysis/report.py, next to bin/ in the source tree),
 * run in place of this process so its exit status is the command's. */
static int cmd_report(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return fputs(usage_report, stdout), 0;
    char exe[PATH_MAX], script[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return fputs("wijksim report: cannot find the wijksim executable's folder\n", stderr), EXIT_RUNTIME;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    snprintf(script, sizeof script, "%s/../analysis/report.py", exe);
    if (access(script, R_OK) != 0) {
        fprintf(stderr, "wijksim report: %s: not found; the report needs the source tree this wijksim was "
                "built in (or run analysis/report.py yourself)\n", script);
        return EXIT_RUNTIME;
    }
    const char *py = getenv("WIJKSIM_PYTHON") ? getenv("WIJKSIM_PYTHON") : "/usr/bin/python3";
    char **args = calloc((size_t)argc + 3, sizeof *args);
    if (!args) return fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    args[0] = (char *)py;
    args[1] = script;
    for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
    execvp(py, args); /* WIJKSIM_PYTHON may be a name on PATH */
    fprintf(stderr, "wijksim report: cannot run %s: %s (install python3-matplotlib, python3-h5py and "
            "python3-numpy: make deps)\n", py, strerror(errno));
    free(args);
    return EXIT_RUNTIME;
}

static int cmd_params(int argc, char **argv) {
    int markdown = 0, cfg = 0;
    const char *path = NULL;
    char err[ERR_LEN];
    scenario_t sc;
    scenario_init(&sc);
    for (int i = 1; i < argc; i++) {
        int rc = 0;
        if (strcmp(argv[i], "--markdown") == 0) markdown = 1;
        else if (strcmp(argv[i], "--cfg") == 0) cfg = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(usage_params, stdout), scenario_free(&sc), 0;
        else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) rc = scenario_set(&sc, argv[++i], err, sizeof err);
        else if (strncmp(argv[i], "--set=", 6) == 0) rc = scenario_set(&sc, argv[i] + 6, err, sizeof err);
        else if (argv[i][0] != '-' && !path) rc = scenario_load(&sc, path = argv[i], err, sizeof err);
        else return scenario_free(&sc), usage_error("params", "unexpected argument '%s'", argv[i]);
        if (rc != 0) {
            fprintf(stderr, "wijksim: %s\n", err);
            scenario_free(&sc);
            return EXIT_USAGE;
        }
    }
    if (!markdown && scenario_validate(&sc, err, sizeof err) != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        scenario_free(&sc);
        return EXIT_USAGE;
    }
    if (markdown) params_write_markdown(stdout);
    else if (cfg) scenario_write_cfg(stdout, &sc);
    else params_write_table(stdout, &sc.params);
    scenario_free(&sc);
    return 0;
}

static int cmd_series(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--markdown") == 0) {
        series_write_markdown(stdout);
        fputs("\n", stdout);
        outcomes_write_markdown(stdout);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(usage_series, stdout), 0;
    if (argc > 1) return usage_error("series", "unexpected argument '%s'", argv[1]);
    for (int i = 0; i < N_SERIES; i++)
        printf("%-24s %-6s %-16s %s\n", series_table[i].name, series_kind_names[series_table[i].kind],
               series_table[i].unit, series_table[i].description);
    return 0;
}

int main(int argc, char **argv) {
    /* No HDF5 clean-up at exit: every file is closed (or abandoned and removed) before, and
     * HDF5's own clean-up of a file whose close failed (a full disk) crashes. */
    H5dont_atexit();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
#ifdef WIJKSIM_MPI
        printf("wijksim %s (commit %s, with MPI)\n", WIJKSIM_VERSION, WIJKSIM_COMMIT);
#else
        printf("wijksim %s (commit %s, without MPI)\n", WIJKSIM_VERSION, WIJKSIM_COMMIT);
#endif
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        const char *what = argc > 2 ? argv[2] : "";
        fputs(strcmp(what, "run") == 0      ? usage_run
              : strcmp(what, "compare") == 0 ? usage_compare
              : strcmp(what, "sweep") == 0 ? usage_sweep
              : strcmp(what, "merge") == 0 ? usage_merge
              : strcmp(what, "report") == 0 ? usage_report
              : strcmp(what, "params") == 0 ? usage_params
              : strcmp(what, "series") == 0 ? usage_series
                                            : usage_main,
              stdout);
        return 0;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0) return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0) return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0) return cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0) return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "params") == 0) return cmd_params(argc - 1, argv + 1);
    if (strcmp(cmd, "series") == 0) return cmd_series(argc - 1, argv + 1);
    return usage_error(NULL, "unknown command '%s'", cmd);
}
