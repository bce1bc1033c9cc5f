#include "design.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
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

int design_saltelli(int k, int N, double *u) {
    if (design_saltelli_count(k, N) == 0) return -1;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!q) return -1;
    double x[2 * DESIGN_SALTELLI_MAX_FACTORS];
    size_t nk = (size_t)N * k;
    for (int i = 0; i < N; i++) {
        gsl_qrng_get(q, x);
        for (int j = 0; j < k; j++) {
            double a = x[j], b = x[k + j];
            u[(size_t)i * k + j] = a;      /* A */
            u[nk + (size_t)i * k + j] = b; /* B */
            for (int m = 0; m < k; m++)    /* AB_m: column m from B */
                u[(2 + (size_t)m) * nk + (size_t)i * k + j] = j == m ? b : a;
        }
    }
    gsl_qrng_free(q);
    return 0;
}
