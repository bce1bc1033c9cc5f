/* The progress line (sim/progress.c) on a clock the test sets: in a log a line at each tenth
 * and at least once a minute, nothing in the first second, a terminal line rewritten at most
 * four times a second, and the time left at the pace so far. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sim/progress.h"

/* What the progress wrote, from its temporary file. */
static void written(FILE *f, char *buf, size_t len) {
    size_t n = (size_t)ftell(f);
    rewind(f);
    n = fread(buf, 1, n < len - 1 ? n : len - 1, f);
    buf[n] = '\0';
}

static int count(const char *s, const char *what) {
    int n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static progress_t started(progress_mode_t mode, double total, double done, FILE *out) {
    progress_t p;
    progress_start(&p, mode, "wijksim test", "weeks", total, done);
    p.out = out;
    p.start = p.last = 0; /* the test's clock */
    return p;
}

/* 1,000 weeks at one week a 9.9 ms: 9.9 s; the first second (100 weeks) says nothing, then
 * the tenths 2-10 give a line each. */
static void test_log_tenths(void) {
    FILE *f = tmpfile();
    progress_t p = started(PROGRESS_LOG, 1000, 0, f);
    for (int w = 1; w <= 1000; w++)
        progress_add_at(&p, 1, w * 0.0099);
    progress_end(&p);
    char buf[4096];
    written(f, buf, sizeof buf);
    fclose(f);
    int lines = count(buf, "\n");
    CHECK(lines == 9, "progress_log_a_line_per_tenth_after_the_first_second",
          "%d lines, expected 9 (tenths 2-10):\n%s", lines, buf);
    CHECK(strstr(buf, "wijksim test:  20 % (200 of 1000 weeks), 2 s so far, about 8 s left\n") &&
              strstr(buf, "wijksim test: 100 % (1000 of 1000 weeks), 10 s so far\n"),
          "progress_log_lines_say_share_counts_time_and_time_left", "got:\n%s", buf);
    CHECK(!strchr(buf, '\r'), "progress_log_has_no_carriage_returns", "got:\n%s", buf);
}

/* A slow job (one week every 30 s, 100 weeks): a line at least once a minute between tenths. */
static void test_log_once_a_minute(void) {
    FILE *f = tmpfile();
    progress_t p = started(PROGRESS_LOG, 100, 0, f);
    for (int w = 1; w <= 25; w++)
        progress_add_at(&p, 1, w * 30.0);
    char buf[4096];
    written(f, buf, sizeof buf);
    fclose(f);
    /* 750 s: tenths at weeks 10 and 20, and between them every 60 s: at least 12 lines. */
    int lines = count(buf, "\n");
    CHECK(lines >= 12 && lines <= 14, "progress_log_at_least_once_a_minute",
          "%d lines in 750 s, expected 12-14:\n%s", lines, buf);
}

static void test_quick_job_says_nothing(void) {
    FILE *f = tmpfile();
    progress_t p = started(PROGRESS_LOG, 100, 0, f);
    for (int w = 1; w <= 100; w++)
        progress_add_at(&p, 1, w * 0.009);
    progress_end(&p);
    long n = ftell(f);
    fclose(f);
    CHECK(n == 0, "progress_nothing_for_a_job_within_a_second", "%ld bytes written", n);
}

static void test_terminal_rate(void) {
    FILE *f = tmpfile();
    progress_t p = started(PROGRESS_TERMINAL, 1000, 0, f);
    for (int w = 1; w <= 1000; w++) /* 10 s: after the first second, 4 lines a second */
        progress_add_at(&p, 1, w * 0.01);
    progress_end(&p);
    char buf[16384];
    written(f, buf, sizeof buf);
    fclose(f);
    int rewrites = count(buf, "\r");
    CHECK(rewrites >= 34 && rewrites <= 38, "progress_terminal_rewrites_four_times_a_second",
          "%d rewrites in 9 s, expected 36 +- 2", rewrites);
    CHECK(count(buf, "\n") == 1 && buf[strlen(buf) - 1] == '\n',
          "progress_terminal_one_line_ended_by_progress_end", "%d newlines", count(buf, "\n"));
    CHECK(strstr(buf, "100 % (1000 of 1000 weeks)") != NULL, "progress_terminal_shows_the_end",
          "no 100 %% line");
}

/* A resumed sweep: 60 of 100 runs done before; the pace counts only this process's runs. */
static void test_resumed_pace(void) {
    progress_t p = started(PROGRESS_LOG, 100, 60, stderr);
    p.done = 70; /* 10 runs in 20 s: 2 s a run, 30 runs left: 60 s */
    char line[160];
    progress_text(&p, 20, line, sizeof line);
    CHECK(strcmp(line,
                 "wijksim test:  70 % (70 of 100 weeks), 20 s so far, about 1 min 0 s left") == 0,
          "progress_resumed_time_left_from_this_process_pace", "got '%s'", line);
}

static void test_off(void) {
    FILE *f = tmpfile();
    progress_t p = started(PROGRESS_OFF, 100, 0, f);
    for (int w = 1; w <= 100; w++)
        progress_add_at(&p, 1, w * 10.0);
    progress_end(&p);
    long n = ftell(f);
    fclose(f);
    CHECK(n == 0, "progress_off_writes_nothing", "%ld bytes written", n);
}

int main(void) {
    test_log_tenths();
    test_log_once_a_minute();
    test_quick_job_says_nothing();
    test_terminal_rate();
    test_resumed_pace();
    test_off();
    return check_exit();
}
