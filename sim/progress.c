/* Progress lines on standard error (sim/progress.h). */
#include "progress.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

progress_mode_t progress_mode(int quiet) {
    if (quiet) return PROGRESS_OFF;
    return isatty(STDERR_FILENO) ? PROGRESS_TERMINAL : PROGRESS_LOG;
}

void progress_start(progress_t *p, progress_mode_t mode, const char *label, const char *unit,
                    double total, double done) {
    *p = (progress_t){.mode = total > 0 ? mode : PROGRESS_OFF,
                      .label = label,
                      .unit = unit,
                      .total = total,
                      .done = done,
                      .done0 = done,
                      .out = stderr};
    p->start = p->last = omp_get_wtime();
    p->tenth = total > 0 ? (int)floor(10 * done / total) : 0;
}

/* Seconds as "under a second", "45 s", "12 min 5 s" or "3 h 20 min". */
static void duration(double s, char *buf, int len) {
    long t = lround(s);
    if (s < 1)
        snprintf(buf, (size_t)len, "under a second");
    else if (t < 60)
        snprintf(buf, (size_t)len, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, (size_t)len, "%ld min %ld s", t / 60, t % 60);
    else
        snprintf(buf, (size_t)len, "%ld h %ld min", t / 3600, t / 60 % 60);
}

void progress_text(const progress_t *p, double now, char *buf, int len) {
    double share = p->total > 0 ? p->done / p->total : 1, elapsed = now - p->start;
    char so_far[32], left[48] = "";
    duration(elapsed, so_far, sizeof so_far);
    /* The time left at the pace so far, once there is a pace (a second, and something done
     * by this process). */
    double pace = elapsed > 0 ? (p->done - p->done0) / elapsed : 0;
    if (p->done < p->total && elapsed >= 1 && pace > 0) {
        char d[32];
        duration((p->total - p->done) / pace, d, sizeof d);
        snprintf(left, sizeof left, ", about %s left", d);
    }
    snprintf(buf, (size_t)len, "%s: %3.0f %% (%.0f of %.0f %s), %s so far%s", p->label,
             floor(100 * share), p->done, p->total, p->unit, so_far, left);
}

void progress_add(progress_t *p, double n) {
    if (p->mode != PROGRESS_OFF) progress_add_at(p, n, omp_get_wtime());
}

void progress_add_at(progress_t *p, double n, double now) {
    if (p->mode == PROGRESS_OFF) return;
    p->done += n;
    int tenth = (int)floor(10 * p->done / p->total);
    char line[160];
    if (now - p->start < PROGRESS_QUIET_START) {
        p->tenth = tenth; /* the tenths passed so quickly need no line later */
        return;
    }
    if (p->mode == PROGRESS_TERMINAL) {
        if (p->open && now - p->last < PROGRESS_TERMINAL_INTERVAL && p->done < p->total) return;
        progress_text(p, now, line, sizeof line);
        fprintf(p->out, "\r%s\033[K", line); /* \033[K: clear what a longer line left */
        p->open = 1;
    } else {
        if (tenth <= p->tenth && now - p->last < PROGRESS_LOG_INTERVAL) return;
        progress_text(p, now, line, sizeof line);
        fprintf(p->out, "%s\n", line);
        p->tenth = tenth;
    }
    p->last = now;
    fflush(p->out);
}

void progress_end(progress_t *p) {
    if (p->mode == PROGRESS_TERMINAL && p->open) fputs("\n", p->out);
    p->open = 0;
    p->mode = PROGRESS_OFF;
}
