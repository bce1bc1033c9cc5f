/* A minimal test harness: CHECK prints "PASS name" or "FAIL name: why" (one line per check,
 * counted by tests/run_tests.sh), and check_exit() returns non-zero if anything failed.
 * CHECK_WITHIN tests a stochastic estimate against its expectation within k standard
 * errors, and refuses to pass on too small a sample (the minimum-sample guard). */
#ifndef WIJKSIM_CHECK_H
#define WIJKSIM_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

#define CHECK(cond, name, ...)                                                                     \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("PASS %s\n", name);                                                             \
        } else {                                                                                   \
            printf("FAIL %s: ", name);                                                             \
            printf(__VA_ARGS__);                                                                   \
            printf("  (%s:%d)\n", __FILE__, __LINE__);                                             \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* A count that is a sum of independent events with known mean and variance (a
 * Poisson-binomial count), within k standard errors; `size` must reach `min_size` (trials
 * or expected events, as the caller states) or the check fails as too small to judge. */
static inline void check_count_guarded(const char *name, double x, double mean, double var,
                                       double k, double size, double min_size) {
    if (size < min_size) {
        printf("FAIL %s: sample too small for a test (%g < %g)\n", name, size, min_size);
        check_failures++;
        return;
    }
    double sd = sqrt(var);
    double z = sd > 0 ? (x - mean) / sd : (x == mean ? 0 : INFINITY);
    CHECK(fabs(z) <= k, name, "observed %g, expected %g (sd %.3g), z=%.2f > %g", x, mean, sd, z, k);
}

/* Observed count `x` of `n` trials with probability p; at least min_n trials. */
static inline void check_binomial(const char *name, double x, double n, double p, double k,
                                  double min_n) {
    check_count_guarded(name, x, n * p, n * p * (1 - p), k, n, min_n);
}

/* Poisson-binomial count with at least min_mean expected events. */
static inline void check_count(const char *name, double x, double mean, double var, double k,
                               double min_mean) {
    check_count_guarded(name, x, mean, var, k, mean, min_mean);
}

static inline int check_exit(void) {
    return check_failures ? 1 : 0;
}

#endif
