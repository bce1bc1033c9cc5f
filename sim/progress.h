/* Progress on standard error for the long commands (run, compare, sweep): how much is done,
 * in per cent, the time so far and the time left. On a terminal one line is rewritten at
 * most four times a second; elsewhere (a log file, a batch job's output) a line is written
 * at each tenth and at least once a minute, so a log shows that the job lives without
 * filling up. Nothing is written in the first second: a command that ends within a second
 * needs no progress. --quiet turns it off. */
#ifndef WIJKSIM_PROGRESS_H
#define WIJKSIM_PROGRESS_H

#include <stdio.h>

#define PROGRESS_QUIET_START 1.0        /* seconds without progress at the start */
#define PROGRESS_TERMINAL_INTERVAL 0.25 /* seconds between rewrites of a terminal line */
#define PROGRESS_LOG_INTERVAL 60.0      /* the longest gap between lines in a log */

typedef enum { PROGRESS_OFF, PROGRESS_TERMINAL, PROGRESS_LOG } progress_mode_t;

typedef struct {
    progress_mode_t mode;
    const char *label; /* "wijksim run" */
    const char *unit;  /* what is counted: "weeks", "runs" */
    double total, done;
    double done0;       /* done at the start: a resumed sweep's runs took no time here */
    double start, last; /* omp_get_wtime() at the start and at the last line */
    int tenth;          /* the last tenth written (log mode) */
    int open;           /* a terminal line is waiting for its newline */
    FILE *out;          /* standard error */
} progress_t;

/* The mode for a command: off when quiet, else by whether standard error is a terminal. */
progress_mode_t progress_mode(int quiet);

/* Starts counting `total` units, of which `done` are done already (a resumed sweep). */
void progress_start(progress_t *p, progress_mode_t mode, const char *label, const char *unit,
                    double total, double done);

/* `n` more units done; writes a line when one is due. Not thread-safe: one caller at a time. */
void progress_add(progress_t *p, double n);
/* The same at time `now` (seconds on the clock of p->start), for the tests. */
void progress_add_at(progress_t *p, double n, double now);

/* Ends the line on a terminal (and writes the last one when it was not written yet). */
void progress_end(progress_t *p);

/* The text of one progress line, without newline (for the tests): "wijksim run: 40 % (312 of
 * 780 weeks), 12 s so far, about 18 s left". */
void progress_text(const progress_t *p, double now, char *buf, int len);

#endif
