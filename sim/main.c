/* wijksim: command line. One table of commands (name, function, usage); run, merge, report,
 * params and series here, compare in sim/compare.c, sweep with its MPI start-up in
 * sim/sweep_run.c, the shared option parsing in sim/cli.c. Exit statuses: sim/exit.h. */
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

#include "cli.h"
#include "config.h"
#include "files.h"
#include "util.h"
#include "output.h"
#include "manpage.h"
#include "outcomes.h"
#include "progress.h"
#include "core/params.h"
#include "core/series.h"
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
    "  manpage              write the manual page wijksim(1) (roff)\n"
    "  help [COMMAND]       this text, or the options of a command\n"
    "\n"
    "options:\n"
    "  -V, --version        print the version and commit\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n";

static const char *const usage_run =
    "usage: wijksim run SCENARIO.cfg [-o FILE.h5] [--seed N] [--replicates R] [--threads T]\n"
    "                   [--set name=value]... [--format text|csv|markdown] [--force]\n"
    "                   [--quiet] [--verbose]\n"
    "\n"
    "  -o, --output FILE     HDF5 file to write (default: SCENARIO name + .h5 in the current "
    "folder)\n"
    "  -s, --seed N          base seed (default 1); same seed, same output, for any thread count\n"
    "  -r, --replicates R    independent replicates (default 1)\n"
    "  -t, --threads T       OpenMP threads (default: all cores)\n"
    "      --set name=value  override a parameter, e.g. --set team.fte=6.5 (repeatable)\n"
    "      --format FMT      the summary as text (default), csv or markdown; standard output\n"
    "                        then holds the table alone\n"
    "  -f, --force           overwrite an existing output file\n"
    "  -q, --quiet           print nothing but errors (and the table when --format is given)\n"
    "  -v, --verbose         also say what the scenario sets (parameters that differ from the\n"
    "                        defaults, where they were set, policy steps) and the memory per\n"
    "                        resident\n"
    "\n"
    "Standard output holds the results: the summary of the last year. Progress (per cent done\n"
    "and time left; on a terminal one line, elsewhere a line per tenth or per minute), the time\n"
    "taken and the file written go to standard error.\n";

static const char *const usage_merge =
    "usage: wijksim merge PART.h5 ... -o FILE.h5 [--force] [--quiet]\n"
    "\n"
    "Merges sweep files of one spec (the shards of wijksim sweep --shard) into one sweep file\n"
    "holding every run once, in run order, as a single sweep would have written it. Parts of\n"
    "another spec, and runs missing from every part, are refused.\n"
    "  -o, --output FILE     the merged file (required)\n"
    "  -f, --force           overwrite an existing output file\n"
    "  -q, --quiet           print nothing but errors\n"
    "Nothing goes to standard output; the line naming the merged file goes to standard error.\n";

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
    "usage: wijksim params [SCENARIO.cfg] [--set name=value]... [--markdown | --cfg | --names]\n"
    "\n"
    "Lists every parameter: name, value, range, unit and description. With a scenario (and\n"
    "--set) the values are those it resolves to.\n"
    "  --markdown   the reference table of docs/parameters.md\n"
    "  --cfg        the resolved values as a complete scenario file\n"
    "  --names      the names alone, one per line (for shell completion)\n";

static const char *const usage_manpage =
    "usage: wijksim manpage\n"
    "\n"
    "Writes the manual page wijksim(1) in roff to standard output, from the usage texts of the\n"
    "commands and the parameter and series registries (make docs writes it to docs/wijksim.1;\n"
    "make install-man installs it).\n";

static const char *const usage_series =
    "usage: wijksim series [--markdown]\n"
    "\n"
    "Lists every output series with its dimensions, unit and description.\n"
    "  --markdown   the reference table of docs/output.md\n";

/* The headline figures after a run: label, value offset (summed over the domains for
 * per-domain series), factor (52 turns a weekly flow into a yearly one) and unit; as a
 * terminal table, CSV (quantity, value, unit) or Markdown. */
static void print_summary(FILE *f, const double *v, table_format_t fmt) {
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
    if (fmt == TABLE_CSV) fputs("quantity,value,unit\n", f);
    if (fmt == TABLE_MARKDOWN) fputs("| quantity | value | unit |\n|---|---:|---|\n", f);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double x = 0;
        for (int k = 0; k < rows[i].width; k++)
            x += v[rows[i].off + k];
        x *= rows[i].factor;
        if (fmt == TABLE_CSV) {
            table_csv_field(f, rows[i].label, 1);
            fprintf(f, ",%.10g", x);
            table_csv_field(f, rows[i].unit, 0);
            fputc('\n', f);
            continue;
        }
        const char *fmtx = fabs(x) >= 100 ? "%.0f" : fabs(x) >= 10 ? "%.1f" : "%.3f";
        char num[64];
        snprintf(num, sizeof num, fmtx, x);
        if (fmt == TABLE_MARKDOWN)
            fprintf(f, "| %s | %s | %s |\n", rows[i].label, num, rows[i].unit);
        else
            fprintf(f, "  %-30s %12s  %s\n", rows[i].label, num, rows[i].unit);
    }
}

static int cmd_run(int argc, char **argv) {
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"seed", required_argument, 0, 's'},
                                         {"replicates", required_argument, 0, 'r'},
                                         {"threads", required_argument, 0, 't'},
                                         {"set", required_argument, 0, 'S'},
                                         {"force", no_argument, 0, 'f'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"verbose", no_argument, 0, 'v'},
                                         {"format", required_argument, 0, 'F'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    run_opts_t ro = {.seed = 1, .replicates = 1, .label = "wijksim run"};
    const char *format = NULL;
    out_opts_t oo = {.sets = calloc((size_t)argc, sizeof(char *))};
    int c;
    if (!oo.sets) return fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:s:r:t:fqvh", opts, NULL)) != -1) {
        if (c == 'F') {
            format = optarg;
            continue;
        }
        int st = c == 's' || c == 'r' || c == 't' ? run_option("run", c, optarg, &ro)
                                                  : out_option(c, optarg, &oo);
        if (st == 0) continue;
        if (c == 'h') return fputs(usage_run, stdout), free(oo.sets), 0;
        free(oo.sets);
        return c == 's' || c == 'r' || c == 't'
                   ? st
                   : usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    const char *outpath = oo.out;
    char **sets = oo.sets;
    int force = oo.force, quiet = oo.quiet, nsets = oo.nsets;
    table_format_t fmt;
    int bad = format_option("run", format, NULL, &fmt);
    if (bad) return free(sets), bad;
    if (optind != argc - 1)
        return free(sets), usage_error("run", "%s",
                                       optind >= argc ? "expected one SCENARIO.cfg"
                                                      : "expected exactly one SCENARIO.cfg");
    const char *path = argv[optind];

    char err[ERR_LEN];
    scenario_t sc;
    scenario_init(&sc);
    int rc = scenario_load(&sc, path, err, sizeof err);
    for (int i = 0; i < nsets && rc == 0; i++)
        rc = scenario_set(&sc, sets[i], err, sizeof err);
    if (rc == 0) rc = scenario_validate(&sc, err, sizeof err);
    free(sets);
    if (rc != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        scenario_free(&sc);
        return EXIT_USAGE;
    }
    char *defout = outpath ? NULL : default_output(path);
    if (!outpath && !defout)
        return scenario_free(&sc), fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    if (!outpath) outpath = defout;
    output_t *out;
    rc = output_open(&out, outpath, force, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        scenario_free(&sc);
        free(defout);
        return rc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
    }
    ro.progress = progress_mode(quiet);
    if (oo.verbose && !quiet) {
        fprintf(stderr, "Scenario %s (%s):\n", scenario_label(&sc), path);
        scenario_write_settings(stderr, &sc);
    }
    run_stats_t st;
    rc = output_begin(out, &sc, &ro, err, sizeof err);
    const scenario_t *one = &sc;
    if (rc == 0)
        rc = sim_run_scenarios(&one, 1, &ro, output_scenario_replicate, out, &st, err, sizeof err);
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
    } else {
        /* Standard output: the results (with --format, the table alone); standard error: what
         * the run was, its checks, its time and its file. */
        FILE *notes = format ? stderr : stdout;
        if (!quiet)
            fprintf(notes,
                    "wijksim %s: %s, seed %llu, %d replicate%s, %.0f residents in %d "
                    "neighbourhoods, %d weeks after %d weeks burn-in\n",
                    WIJKSIM_VERSION, path, (unsigned long long)ro.seed, ro.replicates,
                    ro.replicates > 1 ? "s" : "", mean[OFF_residents],
                    (int)sc.params.world_neighbourhoods[0], (int)sc.params.sim_weeks[0],
                    (int)sc.params.sim_burn_in_weeks[0]);
        if (!quiet && !format)
            printf("Municipality, mean over the last 52 weeks%s:\n",
                   ro.replicates > 1 ? " and all replicates" : "");
        if (!quiet || format) print_summary(stdout, mean, fmt);
        if (!quiet && (int)sc.params.sim_weeks[0] >= 104) {
            /* Above the limit by more than chance (two standard errors over replicates; with one
             * replicate chance cannot be told apart, so say so). */
            int above = drift - (isnan(drift_se) ? 0 : 2 * drift_se) > DRIFT_LIMIT;
            char se[64] = "one replicate: chance included";
            if (!isnan(drift_se))
                snprintf(se, sizeof se, "+- %.2f over %d replicates", drift_se, ro.replicates);
            fprintf(notes,
                    "Steady state: the main stocks drift at most %.2f %%/year over the first "
                    "output years (%s, %s; limit %.0f %%/year; attribute steady_state_drift)%s\n",
                    drift, drift_stock, se, DRIFT_LIMIT,
                    !above ? "."
                    : isnan(drift_se)
                        ? ": chance, or a burn-in too short (sim.burn_in_weeks); more "
                          "replicates tell them apart."
                        : ": the burn-in may be too short (sim.burn_in_weeks).");
        }
        if (!quiet) {
            fflush(stdout);
            fprintf(stderr, "Simulated %.3g resident-weeks in %.2f s (%.3g per second).\n",
                    st.resident_weeks, st.seconds, st.resident_weeks / st.seconds);
            if (oo.verbose)
                fprintf(stderr, "World: %.0f bytes per resident.\n",
                        st.world_bytes / fmax(1, mean[OFF_residents]));
            fprintf(stderr, "Output: %s\n", outpath);
        }
    }
    scenario_free(&sc);
    free(defout);
    return rc == 0 ? 0 : EXIT_RUNTIME;
}

/* What a comparison collects while it runs: the output file and every outcome. */
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
        case 'o':
            out = optarg;
            break;
        case 'f':
            force = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(usage_merge, stdout);
            return 0;
        default:
            return usage_error("merge", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (!out) return usage_error("merge", "%s", "expected -o FILE.h5, the merged file");
    if (optind >= argc) return usage_error("merge", "%s", "expected one or more PART.h5 files");
    char err[ERR_LEN];
    int rc = output_merge_sweeps((const char *const *)&argv[optind], argc - optind, out, force, err,
                                 sizeof err);
    if (rc != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        return rc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (!quiet)
        fprintf(stderr, "Merged %d file%s: %s\n", argc - optind, argc - optind > 1 ? "s" : "", out);
    return 0;
}

/* `wijksim report`: the report is Python (analysis/report.py, next to bin/ in the source tree),
 * run in place of this process so its exit status is the command's. */
static int cmd_report(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(usage_report, stdout), 0;
    char exe[PATH_MAX], script[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return fputs("wijksim report: cannot find the wijksim executable's folder\n", stderr),
               EXIT_RUNTIME;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    snprintf(script, sizeof script, "%s/../analysis/report.py", exe);
    if (access(script, R_OK) != 0) {
        fprintf(stderr,
                "wijksim report: %s: not found; the report needs the source tree this wijksim was "
                "built in (or run analysis/report.py yourself)\n",
                script);
        return EXIT_RUNTIME;
    }
    const char *py = getenv("WIJKSIM_PYTHON") ? getenv("WIJKSIM_PYTHON") : "/usr/bin/python3";
    char **args = calloc((size_t)argc + 3, sizeof *args);
    if (!args) return fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    args[0] = (char *)py;
    args[1] = script;
    for (int i = 1; i < argc; i++)
        args[i + 1] = argv[i];
    execvp(py, args); /* WIJKSIM_PYTHON may be a name on PATH */
    fprintf(stderr,
            "wijksim report: cannot run %s: %s (install python3-matplotlib, python3-h5py and "
            "python3-numpy: make deps)\n",
            py, strerror(errno));
    free(args);
    return EXIT_RUNTIME;
}

static int cmd_params(int argc, char **argv) {
    int markdown = 0, cfg = 0, names = 0;
    const char *path = NULL;
    char err[ERR_LEN];
    scenario_t sc;
    scenario_init(&sc);
    for (int i = 1; i < argc; i++) {
        int rc = 0;
        if (strcmp(argv[i], "--markdown") == 0)
            markdown = 1;
        else if (strcmp(argv[i], "--cfg") == 0)
            cfg = 1;
        else if (strcmp(argv[i], "--names") == 0)
            names = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(usage_params, stdout), scenario_free(&sc), 0;
        else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc)
            rc = scenario_set(&sc, argv[++i], err, sizeof err);
        else if (strncmp(argv[i], "--set=", 6) == 0)
            rc = scenario_set(&sc, argv[i] + 6, err, sizeof err);
        else if (argv[i][0] != '-' && !path)
            rc = scenario_load(&sc, path = argv[i], err, sizeof err);
        else
            return scenario_free(&sc), usage_error("params", "unexpected argument '%s'", argv[i]);
        if (rc != 0) {
            fprintf(stderr, "wijksim: %s\n", err);
            scenario_free(&sc);
            return EXIT_USAGE;
        }
    }
    if (!markdown && !names && scenario_validate(&sc, err, sizeof err) != 0) {
        fprintf(stderr, "wijksim: %s\n", err);
        scenario_free(&sc);
        return EXIT_USAGE;
    }
    if (names)
        for (int i = 0; i < N_PARAMS; i++)
            puts(param_table[i].name);
    else if (markdown)
        params_write_markdown(stdout);
    else if (cfg)
        scenario_write_cfg(stdout, &sc);
    else
        params_write_table(stdout, &sc.params);
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
        printf("%-24s %-6s %-16s %s\n", series_table[i].name,
               series_kind_names[series_table[i].kind], series_table[i].unit,
               series_table[i].description);
    return 0;
}

/* The commands: name, what runs it, its usage text. */
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command_t;

static int cmd_manpage(int argc, char **argv);

static const command_t commands[] = {
    {"run", cmd_run, usage_run},          {"compare", cmd_compare, usage_compare},
    {"sweep", cmd_sweep, usage_sweep},    {"merge", cmd_merge, usage_merge},
    {"report", cmd_report, usage_report}, {"params", cmd_params, usage_params},
    {"series", cmd_series, usage_series}, {"manpage", cmd_manpage, usage_manpage},
};
#define N_COMMANDS (int)(sizeof commands / sizeof commands[0])

static int cmd_manpage(int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(usage_manpage, stdout), 0;
    if (argc > 1) return usage_error("manpage", "unexpected argument '%s'", argv[1]);
    manpage_command_t mc[N_COMMANDS];
    for (int i = 0; i < N_COMMANDS; i++)
        mc[i] = (manpage_command_t){commands[i].name, commands[i].usage};
    manpage_write(stdout, mc, N_COMMANDS);
    return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

static const command_t *find_command(const char *name) {
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

int main(int argc, char **argv) {
    /* No HDF5 clean-up at exit: every file is closed (or abandoned and removed) before, and
     * HDF5's own clean-up of a file whose close failed (a full disk) crashes. */
    H5dont_atexit();
    /* Temporary files are removed on INT, TERM, HUP and PIPE from the start: a signal between
     * creating one and publishing it leaves nothing behind. */
    file_cleanup_on_signals();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
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
        int about_help = argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0);
        if (argc > 3)
            return usage_error(NULL, "help: expected at most one COMMAND, got '%s'", argv[3]);
        const command_t *c = argc > 2 ? find_command(argv[2]) : NULL;
        if (argc > 2 && !c && !about_help)
            return usage_error(NULL, "help: unknown command '%s'", argv[2]);
        fputs(c ? c->usage : usage_main, stdout);
        return 0;
    }
    const command_t *c = find_command(cmd);
    if (c) return c->run(argc - 1, argv + 1);
    return usage_error(NULL, "unknown command '%s'", cmd);
}
