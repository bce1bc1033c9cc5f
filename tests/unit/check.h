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

/* Observed count `x` of `n` trials against probability p within k standard errors. */
static inline void check_binomial(const char *name, double x, double n, double p, double k,
                                  double min_n) {
    if (n < min_n) {
        printf("FAIL %s: sample too small (%g < %g)\n", name, n, min_n);
        check_failures++;
        return;
    }
    double se = sqrt(n * p * (1 - p));
    double z = se > 0 ? (x - n * p) / se : (x == n * p ? 0 : INFINITY);
    CHECK(fabs(z) <= k, name, "observed %g of %g, expected %g (p=%g), z=%.2f > %g", x, n, n * p,
          p, z, k);
}

/* A count that is a sum of independent events with known mean and variance (a
 * Poisson-binomial count), within k standard errors. */
static inline void check_count(const char *name, double x, double mean, double var, double k,
                               double min_mean) {
    if (mean < min_mean) {
        printf("FAIL %s: expected count too small for a test (%g < %g)\n", name, mean, min_mean);
        check_failures++;
        return;
    }
    double z = (x - mean) / sqrt(var);
    CHECK(fabs(z) <= k, name, "observed %g, expected %g (sd %.3g), z=%.2f > %g", x, mean,
          sqrt(var), z, k);
}

static inline int check_exit(void) { return check_failures ? 1 : 0; }

#endif
