/* The command line's shared parts: option parsing and usage errors (sim/cli.h). */
#include "cli.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "util.h"

int usage_error(const char *cmd, const char *fmt, const char *arg) {
    fprintf(stderr, "wijksim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'wijksim %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

int parse_long(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* The options run and compare share: --seed, --replicates, --threads. Returns 1 when c is
 * not one of them, 0 when it was stored, EXIT_USAGE (with the message printed) when invalid. */
int run_option(const char *cmd, int c, const char *arg, run_opts_t *ro) {
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
            return usage_error(cmd, "--replicates: expected an integer from 1 to 100000, got '%s'",
                               arg);
        ro->replicates = (int)v;
        return 0;
    case 't':
        if (parse_long(arg, 1, 4096, &v) != 0)
            return usage_error(cmd, "--threads: expected an integer from 1 to 4096, got '%s'", arg);
        /* More threads than cores only makes the weekly barriers wait (the results are the
         * same for any thread count). WIJKSIM_OVERSUBSCRIBE=1 lets the determinism tests run
         * more threads than a small machine has cores. */
        if (v > omp_get_num_procs() && !getenv("WIJKSIM_OVERSUBSCRIBE")) {
            fprintf(stderr, "wijksim %s: --threads %ld: this machine has %d cores; using %d\n", cmd,
                    v, omp_get_num_procs(), omp_get_num_procs());
            v = omp_get_num_procs();
        }
        ro->threads = (int)v;
        return 0;
    default:
        return 1;
    }
}

char *default_output(const char *scenario) {
    const char *base;
    size_t n = cfg_stem(scenario, &base);
    char *out = malloc(n + 4);
    if (out) sprintf(out, "%.*s.h5", (int)n, base);
    return out;
}

int out_option(int c, const char *arg, out_opts_t *oo) {
    switch (c) {
    case 'o':
        oo->out = arg;
        return 0;
    case 'S':
        if (!oo->sets) return 1;
        oo->sets[oo->nsets++] = (char *)arg;
        return 0;
    case 'f':
        oo->force = 1;
        return 0;
    case 'q':
        oo->quiet = 1;
        return 0;
    case 'v':
        oo->verbose = 1;
        return 0;
    default:
        return 1;
    }
}

int format_option(const char *cmd, const char *format, const char *file, table_format_t *fmt) {
    const char *ext = file ? strrchr(file, '.') : NULL;
    *fmt = TABLE_TEXT;
    if (format ? strcmp(format, "csv") == 0 : ext && strcmp(ext, ".csv") == 0)
        *fmt = TABLE_CSV;
    else if (format ? strcmp(format, "markdown") == 0 : ext && strcmp(ext, ".md") == 0)
        *fmt = TABLE_MARKDOWN;
    else if (format && strcmp(format, "text") != 0)
        return usage_error(cmd, "--format: expected text, csv or markdown, got '%s'", format);
    return 0;
}
