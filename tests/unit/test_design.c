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
    enum { K = 3, N = 63 }; /* 2^6 - 1 points: with the origin GSL leaves out, a full net */
    size_t n = design_saltelli_count(K, N);
    CHECK(n == (size_t)N * (K + 2), "saltelli: N (k + 2) points", "got %zu", n);
    static double u[N * (K + 2) * K];
    CHECK(design_saltelli(K, N, u) == 0, "saltelli: the sample is built", "failed");
    const double *A = u, *B = u + N * K;
    int ab = 1;
    for (int m = 0; m < K; m++) {
        const double *AB = u + (size_t)(2 + m) * N * K;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < K; j++)
                ab &= AB[i * K + j] == (j == m ? B : A)[i * K + j];
    }
    CHECK(ab, "saltelli: AB_j is A with column j from B", "a mismatch");
    /* Sobol points 1 .. 2^m - 1 fill every interval of width 2^-m but [0, 2^-m) once. */
    int net = 1;
    for (int j = 0; j < K; j++)
        for (int w = 0; w < 2; w++) {
            int hit[N + 1] = {0};
            for (int i = 0; i < N; i++)
                hit[(int)((w ? B : A)[i * K + j] * (N + 1))]++;
            net &= hit[0] == 0;
            for (int s = 1; s <= N; s++)
                net &= hit[s] == 1;
        }
    CHECK(net, "saltelli: every column of A and B is a stratified Sobol net",
          "a stratum empty or doubled");
    /* The first Sobol point is the centre in every dimension, so A and B share row 0; every
     * later row of A is a different point from the same row of B. */
    int differ = 0;
    for (int i = 1; i < N; i++)
        differ += memcmp(&A[i * K], &B[i * K], sizeof(double) * K) != 0;
    CHECK(differ == N - 1, "saltelli: rows 1.. of A and B are different points", "%d of %d differ",
          differ, N - 1);
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
