#include "design.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

static double level_coordinate(int l, int levels) {
    return levels > 1 ? (double)l / (levels - 1) : 0.5;
}

size_t design_factorial_count(int k, const int *levels) {
    size_t n = 1;
    for (int j = 0; j < k; j++) {
        if (levels[j] < 1 || n > (size_t)1 << 40) return 0;
        n *= (size_t)levels[j];
    }
    return n;
}

void design_factorial(int k, const int *levels, double *u) {
    size_t n = design_factorial_count(k, levels);
    for (size_t i = 0; i < n; i++) {
        size_t rest = i;
        for (int j = k - 1; j >= 0; j--) { /* odometer: the last factor fastest */
            u[i * k + j] = level_coordinate((int)(rest % (size_t)levels[j]), levels[j]);
            rest /= (size_t)levels[j];
        }
    }
}

size_t design_oat_count(int k, const int *levels) {
    size_t n = 1;
    for (int j = 0; j < k; j++) {
        if (levels[j] < 1) return 0;
        n += (size_t)levels[j] - 1;
    }
    return n;
}

void design_oat(int k, const int *levels, const int *base_level, double *u) {
    size_t n = design_oat_count(k, levels);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < k; j++)
            u[i * k + j] = level_coordinate(base_level[j], levels[j]);
    size_t i = 1;
    for (int j = 0; j < k; j++)
        for (int l = 0; l < levels[j]; l++)
            if (l != base_level[j]) u[i++ * k + j] = level_coordinate(l, levels[j]);
}

void design_lhs(int k, int n, gsl_rng *r, double *u) {
    int *perm = malloc(sizeof *perm * (size_t)(n > 0 ? n : 1));
    if (!perm) return;
    for (int j = 0; j < k; j++) {
        for (int s = 0; s < n; s++)
            perm[s] = s;
        gsl_ran_shuffle(r, perm, (size_t)n, sizeof *perm);
        for (int i = 0; i < n; i++)
            u[(size_t)i * k + j] = (perm[i] + gsl_rng_uniform(r)) / n;
    }
    free(perm);
}

size_t design_saltelli_count(int k, int N) {
    if (k < 1 || k > DESIGN_SALTELLI_MAX_FACTORS || N < 1) return 0;
    return (size_t)N * (size_t)(k + 2);
}

/* GSL's Sobol points are whole multiples of 2^-30 (SOBOL_BIT_COUNT in its sobol.c). */
#define SOBOL_BITS 30

int design_saltelli(int k, int N, gsl_rng *r, double *u) {
    if (design_saltelli_count(k, N) == 0) return -1;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!q) return -1;
    /* A random digital shift: every coordinate of dimension d is XORed with the same random
     * 30-bit number s_d. The shifted points are still a Sobol net (each 2^m consecutive points
     * from the start fill every dyadic interval of width 2^-m once per dimension), but
     * dimensions that the plain sequence makes equal (its first point is the centre in every
     * dimension, and early points repeat 1/4, 3/4 across dimensions) no longer are, so no row
     * of A coincides with B in a factor; Owen (2020), "On dropping the first Sobol' point",
     * argues for this over skipping points. */
    unsigned long shift[2 * DESIGN_SALTELLI_MAX_FACTORS];
    for (int d = 0; d < 2 * k; d++)
        shift[d] = gsl_rng_uniform_int(r, 1ul << SOBOL_BITS);
    double x[2 * DESIGN_SALTELLI_MAX_FACTORS] = {0}; /* point 0: the origin, which GSL skips */
    size_t nk = (size_t)N * k;
    for (int i = 0; i < N; i++) {
        if (i > 0) gsl_qrng_get(q, x);
        double y[2 * DESIGN_SALTELLI_MAX_FACTORS];
        for (int d = 0; d < 2 * k; d++) { /* the midpoint of the shifted point's finest cell */
            unsigned long v = (unsigned long)ldexp(x[d], SOBOL_BITS) ^ shift[d];
            y[d] = ldexp((double)v + 0.5, -SOBOL_BITS);
        }
        for (int j = 0; j < k; j++) {
            double a = y[j], b = y[k + j];
            u[(size_t)i * k + j] = a;      /* A */
            u[nk + (size_t)i * k + j] = b; /* B */
            for (int m = 0; m < k; m++)    /* AB_m: column m from B */
                u[(2 + (size_t)m) * nk + (size_t)i * k + j] = j == m ? b : a;
        }
    }
    gsl_qrng_free(q);
    return 0;
}
