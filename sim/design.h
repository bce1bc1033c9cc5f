/* Sampling designs for parameter sweeps.
 *
 * A design places n points in the unit cube [0,1]^k, one coordinate per varied factor; the
 * sweep maps a coordinate to a parameter value (a level of a list, or a quantile of a range's
 * distribution). Points are written row by row: u[i * k + j] is factor j of point i.
 *
 *   factorial   every combination of levels[j] levels (coordinate l / (levels[j] - 1), 0.5
 *               for a single level), the last factor changing fastest;
 *   one at a time  the base point (coordinate base[j] for every factor) and then, factor by
 *               factor, each of its levels other than the base one with the others at base;
 *   Latin hypercube  n points; for each factor, every stratum [s/n, (s+1)/n) holds exactly one
 *               point, at a uniform position within it, strata matched at random;
 *   Saltelli    for variance-based (Sobol) sensitivity: matrices A and B of N points each from
 *               the first N points of a 2k-dimensional Sobol sequence (GSL's, which leaves out
 *               the origin), A its first k coordinates and B its last k; then for each factor j
 *               the matrix AB_j, which is A with column j taken from B. Points: A, B, AB_1 ..
 *               AB_k, so n = N (k + 2) (Saltelli et al. 2010).
 *               Early points of the sequence are dyadic fractions, and a row of A and the
 *               same row of B can share a coordinate (row 0, the centre of the cube, shares
 *               all; for some k later rows share one): its AB_j is then A itself. The
 *               estimators in analysis/wijksim/stats.py leave such rows out, given the points.
 *
 * The counting functions return the number of points, or 0 for an impossible request. */
#ifndef WIJKSIM_DESIGN_H
#define WIJKSIM_DESIGN_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* The most factors a Saltelli design takes (GSL's Sobol sequence has 40 dimensions). */
#define DESIGN_SALTELLI_MAX_FACTORS 20

size_t design_factorial_count(int k, const int *levels);
void design_factorial(int k, const int *levels, double *u);

size_t design_oat_count(int k, const int *levels);
/* base_level[j]: index of the base level of factor j (0 .. levels[j] - 1). */
void design_oat(int k, const int *levels, const int *base_level, double *u);

void design_lhs(int k, int n, gsl_rng *r, double *u);

size_t design_saltelli_count(int k, int N);
/* Saltelli's sample of N (k + 2) points from a digitally shifted Sobol sequence (shifts
 * drawn from r): A [N][k], B [N][k], then AB_1 .. AB_k (A with column j from B), each [N][k].
 * 0, or -1 when GSL cannot allocate the sequence. */
int design_saltelli(int k, int N, gsl_rng *r, double *u);

#endif
