/* wijksim compare: scenarios side by side with common random numbers, their outcomes at the
 * horizons and the comparison table. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "exit.h"
#include "files.h"
#include "outcomes.h"
#include "output.h"
#include "progress.h"
#include "sim.h"

const char usage_compare[] =
    "usage: wijksim compare A.cfg B.cfg ... [-o FILE.h5] [--replicates R] [--seed N] [--threads "
    "T]\n"
    "                       [--horizon Y[,Y...]] [--format text|csv|markdown] [--table FILE]\n"
    "                       [--set name=value]... [--detail] [--force] [--quiet] [--verbose]\n"
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
    "                        without --table)\n"
    "  -v, --verbose         also say what each scenario sets (parameters that differ from the\n"
    "                        defaults, where they were set, policy steps) and what it shares\n"
    "\n"
    "Standard output holds the table only; progress (per cent done and time left; on a\n"
    "terminal one line, elsewhere a line per tenth or per minute), the time taken and the files\n"
    "written go to standard error.\n";

typedef struct {
    output_t *out;
    int nh, reps;
    const int *horizons;
    double *v; /* [scenario][replicate][horizon][N_OUTCOMES] */
} compare_ctx_t;

static int compare_sink(void *ctx, int s, int rep, const world_t *w, const replicate_result_t *r) {
    compare_ctx_t *c = ctx;
    if (output_scenario_replicate(c->out, s, rep, w, r) != 0) return -1;
    for (int h = 0; h < c->nh; h++)
        outcomes_compute(r->mu, r->weeks, c->horizons[h],
                         &c->v[(((size_t)s * c->reps + rep) * c->nh + h) * N_OUTCOMES]);
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
static int write_table_file(const char *path, const compare_table_t *t, table_format_t fmt,
                            int force, char *err, size_t errlen) {
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

int cmd_compare(int argc, char **argv) {
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"seed", required_argument, 0, 's'},
                                         {"replicates", required_argument, 0, 'r'},
                                         {"threads", required_argument, 0, 't'},
                                         {"set", required_argument, 0, 'S'},
                                         {"horizon", required_argument, 0, 'H'},
                                         {"format", required_argument, 0, 'F'},
                                         {"table", required_argument, 0, 'T'},
                                         {"detail", no_argument, 0, 'd'},
                                         {"force", no_argument, 0, 'f'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"verbose", no_argument, 0, 'v'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    run_opts_t ro = {.seed = 1, .replicates = 10};
    out_opts_t oo = {.out = "comparison.h5", .sets = calloc((size_t)argc, sizeof(char *))};
    const char *hlist = NULL, *table = NULL, *format = NULL;
    int detail = 0, c;
    char **sets = oo.sets;
    if (!sets) return fputs("wijksim: out of memory\n", stderr), EXIT_RUNTIME;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:s:r:t:fqvh", opts, NULL)) != -1) {
        if (out_option(c, optarg, &oo) == 0) continue; /* -o, --set, --force, -q, -v */
        switch (c) {
        case 's':
        case 'r':
        case 't': {
            int st = run_option("compare", c, optarg, &ro);
            if (st) return free(sets), st;
            break;
        }
        case 'H':
            hlist = optarg;
            break;
        case 'F':
            format = optarg;
            break;
        case 'T':
            table = optarg;
            break;
        case 'd':
            detail = 1;
            break;
        case 'h':
            fputs(usage_compare, stdout);
            return free(sets), 0;
        default:
            return free(sets),
                   usage_error("compare", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    const char *outpath = oo.out;
    int force = oo.force, quiet = oo.quiet, nsets = oo.nsets;
    table_format_t fmt;
    int bad = format_option("compare", format, table, &fmt);
    if (bad) return free(sets), bad;
    int nsc = argc - optind;
    if (nsc < 1)
        return free(sets), usage_error("compare", "%s", "expected one or more SCENARIO.cfg files");

    char err[ERR_LEN];
    scenario_t *scs = calloc((size_t)nsc, sizeof *scs);
    const scenario_t **sc = calloc((size_t)nsc, sizeof *sc);
    const char **names = calloc((size_t)nsc, sizeof *names),
               **notes = calloc((size_t)nsc, sizeof *notes);
    char(*labels)[160] = calloc((size_t)nsc, sizeof *labels),
    (*notebuf)[256] = calloc((size_t)nsc, sizeof *notebuf);
    sim_plan_t *plan = calloc((size_t)nsc, sizeof *plan);
    int rc = scs && sc && names && notes && labels && notebuf && plan ? 0 : -1, status = EXIT_USAGE;
    if (rc) snprintf(err, sizeof err, "out of memory"), status = EXIT_RUNTIME;
    for (int i = 0; i < nsc && rc == 0; i++) {
        scenario_init(&scs[i]);
        sc[i] = &scs[i];
        rc = scenario_load(&scs[i], argv[optind + i], err, sizeof err);
        for (int k = 0; k < nsets && rc == 0; k++)
            rc = scenario_set(&scs[i], sets[k], err, sizeof err);
        if (rc == 0) rc = scenario_validate(&scs[i], err, sizeof err);
        if (rc == 0) { /* a label unique within the comparison */
            snprintf(labels[i], sizeof labels[i], "%s", scenario_label(&scs[i]));
            for (int k = 0, dup = 1; k < i; k++)
                if (strcmp(labels[k], labels[i]) == 0)
                    snprintf(labels[i], sizeof labels[i], "%.120s (%d)", scenario_label(&scs[i]),
                             ++dup);
            names[i] = labels[i];
        }
    }
    int horizons[16], nh = 0;
    if (rc == 0 && parse_horizons(hlist, (int)scs[0].params.sim_weeks[0], horizons, &nh) != 0) {
        snprintf(err, sizeof err,
                 "--horizon %s: expected whole years from 1 within the run (sim.weeks = %.0f, %.0f "
                 "years)",
                 hlist ? hlist : "(default)", scs[0].params.sim_weeks[0],
                 floor(scs[0].params.sim_weeks[0] / 52));
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
                         "change during a run",
                         names[0], plan[i].differs);
            else if (plan[i].branch == (int)scs[i].params.sim_weeks[0])
                snprintf(notebuf[i], sizeof notebuf[i], "the same parameters as %s throughout",
                         names[plan[i].root]);
            else
                snprintf(notebuf[i], sizeof notebuf[i],
                         "shares the history of %s up to output week %d", names[plan[i].root],
                         plan[i].branch);
            notes[i] = notebuf[i];
        }
    }
    free(sets);
    if (rc == 0 && table) {
        if (file_same_target(table, outpath)) {
            snprintf(err, sizeof err,
                     "--table %s: the same file as the output (-o %s); expected another name",
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
        ro.progress = progress_mode(quiet);
        ro.label = "wijksim compare";
        for (int i = 0; oo.verbose && !quiet && i < nsc; i++) {
            fprintf(stderr, "Scenario %d, %s (%s):\n", i + 1, names[i], argv[optind + i]);
            scenario_write_settings(stderr, &scs[i]);
            if (i > 0) fprintf(stderr, "  %s\n", notes[i]);
        }
        cc.v = malloc(sizeof(double) * (size_t)nsc * ro.replicates * nh * N_OUTCOMES);
        if (!cc.v) snprintf(err, sizeof err, "out of memory"), rc = -1;
        if (rc == 0) rc = output_begin_comparison(out, sc, nsc, plan, &ro, detail, err, sizeof err);
        run_stats_t st;
        ro.municipality_only = !detail; /* the table and the file need no more */
        if (rc == 0) rc = sim_run_scenarios(sc, nsc, &ro, compare_sink, &cc, &st, err, sizeof err);
        for (int i = 0; i < nsc && rc == 0; i++)
            rc = output_outcomes(out, i, &cc.v[(size_t)i * ro.replicates * nh * N_OUTCOMES], nh,
                                 horizons);
        compare_table_t t = {nsc, names, ro.replicates, nh, horizons, cc.v, notes};
        char cerr[ERR_LEN];
        if (output_close(out, rc == 0, cerr, sizeof cerr) != 0 && rc == 0) {
            snprintf(err, sizeof err, "%s", cerr);
            rc = -1;
        }
        /* The table after the HDF5 file: a table is never published beside a failed run. */
        if (rc == 0 && table) rc = write_table_file(table, &t, fmt, force, err, sizeof err);
        /* Standard output: the table only; what the command did goes to standard error. */
        if (rc == 0 && (!quiet || (format && !table)) && (!table || !format))
            compare_table_write(stdout, &t, table ? TABLE_TEXT : fmt);
        if (rc == 0 && !quiet)
            fprintf(stderr, "Simulated %.3g resident-weeks in %.2f s.\nOutput: %s%s%s\n",
                    st.resident_weeks, st.seconds, outpath, table ? "\nTable: " : "",
                    table ? table : "");
    }
    if (rc != 0) fprintf(stderr, "wijksim: %s\n", err);
    for (int i = 0; scs && i < nsc; i++)
        scenario_free(&scs[i]);
    free(scs), free(sc), free(names), free(notes), free(labels), free(notebuf), free(plan),
        free(cc.v);
    return rc == 0 ? 0 : status;
}
