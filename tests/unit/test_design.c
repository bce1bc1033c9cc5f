/* Sweep designs (sim/design.c): factorial counts and coverage, one-at-a-time structure, Latin
 * hypercube stratification, and the Saltelli/Sobol sample's properties. */
#include <string.h>

#include "sim/design.h"
#include "core/rng.h"
#include "check.h"

static void factorial(void) {
    int levels[3] = {3, 1, 4};
    size_t n = design_factorial_count(3, levels);
    CHECK(n == 12, "factorial: 3 x 1 x 4 levels give 12 points", "got %zu", n);
    double u[12 * 3];
    design_factorial(3, levels, u);
    int distinct = 1, seen[3][4] = {{0}};
    for (size_t i = 0; i < n; i++) {
        for (size_t q = 0; q < i; q++)
            if (memcmp(&u[i * 3], &u[q * 3], sizeof(double) * 3) == 0) distinct = 0;
        seen[0][(int)lround(u[i * 3] * 2)]++;
        seen[2][(int)lround(u[i * 3 + 2] * 3)]++;
    }
    CHECK(distinct, "factorial: every combination appears once", "a repeated point");
    int even = 1;
    for (int l = 0; l < 3; l++)
        even &= seen[0][l] == 4;
    for (int l = 0; l < 4; l++)
        even &= seen[2][l] == 3;
    CHECK(even, "factorial: each level of a factor appears n / levels times", "uneven levels");
    CHECK(u[1] == 0.5, "factorial: a single level sits at coordinate 0.5", "got %g", u[1]);
    CHECK(u[2] == 0 && u[5] == 1.0 / 3, "factorial: the last factor changes fastest", "got %g %g",
          u[2], u[5]);
    CHECK(design_factorial_count(2, (int[]){2, 0}) == 0,
          "factorial: a factor without levels is refused", "not 0");
}

static void one_at_a_time(void) {
    int levels[3] = {3, 2, 5}, base[3] = {1, 0, 2};
    size_t n = design_oat_count(3, levels);
    CHECK(n == 1 + 2 + 1 + 4, "one at a time: 1 + sum of (levels - 1) points", "got %zu", n);
    double u[8 * 3];
    design_oat(3, levels, base, u);
    double b[3] = {0.5, 0, 0.5};
    CHECK(memcmp(u, b, sizeof b) == 0, "one at a time: the first point is the base", "got %g %g %g",
          u[0], u[1], u[2]);
    int ok = 1, moved[3] = {0};
    for (size_t i = 1; i < n; i++) {
        int diff = 0;
        for (int j = 0; j < 3; j++)
            if (u[i * 3 + j] != b[j]) diff++, moved[j]++;
        ok &= diff == 1;
    }
    CHECK(ok, "one at a time: every other point moves exactly one factor from the base", "no");
    CHECK(moved[0] == 2 && moved[1] == 1 && moved[2] == 4,
          "one at a time: each factor visits each of its other levels once", "%d %d %d", moved[0],
          moved[1], moved[2]);
}

static void latin_hypercube(void) {
    enum { K = 4, N = 50 };
    gsl_rng *r = rng_stream_new(7, 0, RNG_STREAM_DESIGN);
    static double u[N * K];
    design_lhs(K, N, r, u);
    int strat = 1, inside = 1;
    for (int j = 0; j < K; j++) {
        int hit[N] = {0};
        for (int i = 0; i < N; i++) {
            double x = u[i * K + j];
            inside &= x >= 0 && x < 1;
            hit[(int)(x * N)]++;
        }
        for (int s = 0; s < N; s++)
            strat &= hit[s] == 1;
    }
    CHECK(inside, "latin hypercube: coordinates in [0, 1)", "outside");
    CHECK(strat, "latin hypercube: each factor has exactly one point per stratum",
          "a stratum empty or doubled");
    /* Strata are matched at random: the rank correlation of two factors is near 0 (sd 1/sqrt(N-1)).
     */
    double s = 0;
    for (int i = 0; i < N; i++)
        s += (floor(u[i * K] * N) - (N - 1) / 2.0) * (floor(u[i * K + 1] * N) - (N - 1) / 2.0);
    double rho = s / (N * (N * N - 1) / 12.0);
    CHECK(fabs(rho) < 4.5 / sqrt(N - 1.0), "latin hypercube: factors are not matched in order",
          "rank correlation %.3f", rho);
    gsl_rng_free(r);
}

static void saltelli(void) {
    enum { K = 3, N = 64 }; /* 2^6 points from the origin: a full net */
    size_t n = design_saltelli_count(K, N);
    CHECK(n == (size_t)N * (K + 2), "saltelli: N (k + 2) points", "got %zu", n);
    static double u[N * (K + 2) * K], u2[N * (K + 2) * K], u3[N * (K + 2) * K];
    gsl_rng *r = rng_stream_new(7, 0, RNG_STREAM_DESIGN);
    CHECK(design_saltelli(K, N, r, u) == 0, "saltelli: the sample is built", "failed");
    gsl_rng_free(r);
    const double *A = u, *B = u + N * K;
    int ab = 1;
    for (int m = 0; m < K; m++) {
        const double *AB = u + (size_t)(2 + m) * N * K;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < K; j++)
                ab &= AB[i * K + j] == (j == m ? B : A)[i * K + j];
    }
    CHECK(ab, "saltelli: AB_j is A with column j from B", "a mismatch");
    /* The first 2^m points of a digitally shifted Sobol sequence fill every interval of width
     * 2^-m once, in every dimension. */
    int net = 1;
    for (int j = 0; j < K; j++)
        for (int w = 0; w < 2; w++) {
            int hit[N] = {0};
            for (int i = 0; i < N; i++) {
                double x = (w ? B : A)[i * K + j];
                net &= x > 0 && x < 1;
                if (x > 0 && x < 1) hit[(int)(x * N)]++;
            }
            for (int s = 0; s < N; s++)
                net &= hit[s] == 1;
        }
    CHECK(net, "saltelli: every column of A and B is a stratified Sobol net",
          "a stratum empty or doubled, or a value outside (0, 1)");
    /* The plain sequence starts at the centre in every dimension and repeats values across
     * dimensions; after the shift no row of A shares a factor's value with B, so every AB_j
     * row differs from A. */
    int shared = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < K; j++)
            shared += A[i * K + j] == B[i * K + j];
    CHECK(shared == 0, "saltelli: no row of A shares a factor's value with B", "%d of %d shared",
          shared, N * K);
    /* Larger designs too (the case where the plain sequence repeats most: k = 20). */
    enum { K2 = 20, N2 = 256 };
    static double big[N2 * (K2 + 2) * K2];
    r = rng_stream_new(1, 0, RNG_STREAM_DESIGN);
    design_saltelli(K2, N2, r, big);
    gsl_rng_free(r);
    shared = 0;
    for (int i = 0; i < N2; i++)
        for (int j = 0; j < K2; j++)
            shared += big[i * K2 + j] == big[N2 * K2 + i * K2 + j];
    CHECK(shared == 0, "saltelli: 20 factors, 256 rows: no row of A shares a value with B",
          "%d of %d shared (the plain sequence shares 148 in its first 256 rows)", shared, N2 * K2);
    /* The shift follows the seed: the same seed gives the same design, another seed another. */
    r = rng_stream_new(7, 0, RNG_STREAM_DESIGN);
    design_saltelli(K, N, r, u2);
    gsl_rng_free(r);
    r = rng_stream_new(8, 0, RNG_STREAM_DESIGN);
    design_saltelli(K, N, r, u3);
    gsl_rng_free(r);
    CHECK(memcmp(u, u2, sizeof u) == 0 && memcmp(u, u3, sizeof u) != 0,
          "saltelli: the same seed gives the same design, another seed another", "not so");
    CHECK(design_saltelli_count(DESIGN_SALTELLI_MAX_FACTORS + 1, 8) == 0,
          "saltelli: more factors than the sequence has dimensions are refused", "not 0");
}

int main(void) {
    factorial();
    one_at_a_time();
    latin_hypercube();
    saltelli();
    return check_exit();
}
