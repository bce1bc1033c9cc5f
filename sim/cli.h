/* The command line's shared parts, and the commands that live outside sim/main.c. */
#ifndef WIJKSIM_CLI_H
#define WIJKSIM_CLI_H

#include "outcomes.h"
#include "sim.h"

/* Prints "wijksim CMD: " and the message (fmt with one %s, arg), and how to get help;
 * returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, const char *arg);
/* A whole number from lo to hi into *out: 0, or -1 when s is anything else. */
int parse_long(const char *s, long lo, long hi, long *out);
/* The options run, compare and sweep share: --seed (s), --replicates (r), --threads (t; capped
 * at the cores). 1 when c is not one of them, 0 when stored, EXIT_USAGE (message printed)
 * when invalid. */
int run_option(const char *cmd, int c, const char *arg, run_opts_t *ro);
/* The output options run, compare and merge share: -o, --set (into sets, room for argc),
 * --force, --quiet, --verbose (v). */
typedef struct {
    const char *out;
    char **sets;
    int nsets, force, quiet, verbose;
} out_opts_t;
/* 1 when c is not one of them, 0 when stored. */
int out_option(int c, const char *arg, out_opts_t *oo);
/* The default output of a scenario: its file name with .h5 for .cfg (malloc'd; NULL when out
 * of memory). */
char *default_output(const char *scenario);

/* --format FMT (text, csv or markdown; NULL: from the extension of `file`, .csv or .md, else
 * text) into *fmt: 0, or EXIT_USAGE with the message printed. */
int format_option(const char *cmd, const char *format, const char *file, table_format_t *fmt);

/* wijksim compare (sim/compare.c) and wijksim sweep (sim/sweep_run.c, with its MPI start-up). */
extern const char usage_compare[], usage_sweep[];
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
