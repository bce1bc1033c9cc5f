/* Random streams: deterministic per key, distinct and uncorrelated across keys, and the
 * right distribution for the helpers the models use. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "check.h"

#define N 200000

static int same_sequence(gsl_rng *a, gsl_rng *b, int n) {
    for (int i = 0; i < n; i++)
        if (gsl_rng_get(a) != gsl_rng_get(b)) return 0;
    return 1;
}

static void test_same_key_same_stream(void) {
    gsl_rng *a = rng_stream_new(42, 3, 7), *b = rng_stream_new(42, 3, 7);
    CHECK(same_sequence(a, b, 10000), "same_key_gives_same_stream", "sequences differ");
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_keys_give_distinct_streams(void) {
    const uint64_t keys[][3] = {
        {42, 3, 7}, {43, 3, 7}, {42, 4, 7}, {42, 3, 8}, {42, 3, RNG_STREAM_RUN},
        {0, 0, 0},  {0, 0, 1},  {0, 1, 0},  {1, 0, 0}};
    int nk = sizeof keys / sizeof keys[0], clashes = 0;
    for (int i = 0; i < nk; i++)
        for (int j = 0; j < i; j++) {
            gsl_rng *a = rng_stream_new(keys[i][0], keys[i][1], keys[i][2]);
            gsl_rng *b = rng_stream_new(keys[j][0], keys[j][1], keys[j][2]);
            int equal = 0;
            for (int k = 0; k < 1000; k++)
                equal += gsl_rng_get(a) == gsl_rng_get(b);
            clashes += equal > 5;
            gsl_rng_free(a);
            gsl_rng_free(b);
        }
    CHECK(clashes == 0, "different_seed_replicate_or_stream_give_different_streams", "%d clashes",
          clashes);
}

/* Neighbouring streams must not be correlated: Pearson r of paired uniforms ~ N(0, 1/n). */
static void test_neighbour_streams_uncorrelated(void) {
    int bad = 0;
    for (uint64_t s = 0; s < 8; s++) {
        gsl_rng *a = rng_stream_new(1, 0, s), *b = rng_stream_new(1, 0, s + 1);
        double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < N; i++) {
            double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);
            sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
        }
        double r = (sxy - sx * sy / N) / sqrt((sxx - sx * sx / N) * (syy - sy * sy / N));
        bad += fabs(r) * sqrt(N) > 4.5;
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    CHECK(bad == 0, "neighbouring_streams_uncorrelated", "%d of 8 pairs |r| > 4.5/sqrt(n)", bad);
}

static void test_distributions(void) {
    gsl_rng *r = rng_stream_new(7, 0, 0);
    double s = 0, hits = 0, rate = 0.3;
    for (int i = 0; i < N; i++)
        s += rng_exp(r, rate);
    double mean = s / N, se = (1 / rate) / sqrt(N);
    CHECK(fabs(mean - 1 / rate) < 4 * se, "exponential_mean_is_one_over_rate",
          "mean %g expected %g", mean, 1 / rate);
    for (int i = 0; i < N; i++)
        hits += rng_bern(r, 0.137);
    check_binomial("bernoulli_frequency_matches_p", hits, N, 0.137, 4, 10000);
    gsl_rng_free(r);
}

/* The generator is the published one: xoshiro256** from the state {1, 2, 3, 4} gives the
 * reference implementation's first ten outputs (as listed by its C++ and Rust ports' tests),
 * and splitmix64 from 0 its well-known first three. */
static void test_reference_values(void) {
    static const uint64_t want[10] = {11520u,
                                      0u,
                                      1509978240u,
                                      1215971899390074240u,
                                      1216172134540287360u,
                                      607988272756665600u,
                                      16172922978634559625u,
                                      8476171486693032832u,
                                      10595114339597558777u,
                                      2904607092377533576u};
    uint64_t s[4] = {1, 2, 3, 4};
    int ok = 1, at = -1;
    for (int i = 0; i < 10 && ok; i++)
        if (rng_xoshiro_next(s) != want[i]) ok = 0, at = i;
    CHECK(ok, "xoshiro256** gives the reference values from {1, 2, 3, 4}", "output %d differs", at);
    uint64_t x = 0;
    uint64_t a = rng_splitmix64(&x), b = rng_splitmix64(&x), c = rng_splitmix64(&x);
    CHECK(a == 0xE220A8397B1DCDAFull && b == 0x6E789E6AA1B965F4ull && c == 0x06C45D188009454Full,
          "splitmix64 gives the reference values from 0", "%016llx %016llx %016llx",
          (unsigned long long)a, (unsigned long long)b, (unsigned long long)c);
    /* Through GSL: the stream type is ours, and a uniform is the upper 53 bits of a draw. */
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256ss);
    uint64_t *st = gsl_rng_state(r);
    st[0] = 1, st[1] = 2, st[2] = 3, st[3] = 4;
    double u0 = gsl_rng_uniform(r), u1 = gsl_rng_uniform(r), u2 = gsl_rng_uniform(r);
    CHECK(u0 == (double)(11520u >> 11) * 0x1.0p-53 && u1 == 0.0 &&
              u2 == (double)(1509978240u >> 11) * 0x1.0p-53,
          "gsl_rng_uniform is the upper 53 bits of the reference outputs", "%.17g %.17g %.17g", u0,
          u1, u2);
    CHECK(strcmp(gsl_rng_name(r), "xoshiro256**") == 0, "the streams' GSL type is xoshiro256**",
          "%s", gsl_rng_name(r));
    gsl_rng_free(r);
    /* A stream is the state from four splitmix64 outputs of its key. */
    gsl_rng *k = rng_stream_new(42, 3, 7);
    uint64_t key = rng_key(42, 3, 7), mine[4];
    for (int i = 0; i < 4; i++)
        mine[i] = rng_splitmix64(&key);
    CHECK(memcmp(gsl_rng_state(k), mine, sizeof mine) == 0,
          "a stream's state is splitmix64 of its key", "state differs");
    gsl_rng_free(k);
}

/* rng_uniform is gsl_rng_uniform without the call through GSL: the same numbers, draw for
 * draw, from two copies of one stream. */
static void test_inline_uniform(void) {
    gsl_rng *a = rng_stream_new(9, 1, 4), *b = rng_stream_new(9, 1, 4);
    int same = 1, at = -1;
    for (int i = 0; i < 100000 && same; i++) {
        double x = gsl_rng_uniform(a), y = rng_uniform(b);
        if (x != y) same = 0, at = i;
    }
    CHECK(same, "rng_uniform draws what gsl_rng_uniform draws", "draw %d differs", at);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* rng_poisson_positive: a Poisson number given at least one, P(k) = e^-m m^k / k! / (1 - e^-m),
 * for a small mean (the candidate weeks of the pool's hazards, needs.c) and a larger one, and
 * the fallback for a mean whose e^-m is 0 in doubles. */
static void test_poisson_positive(void) {
    gsl_rng *r = rng_stream_new(8, 0, 0);
    static const double means[2] = {0.3, 2.5};
    for (int m = 0; m < 2; m++) {
        double mean = means[m], count[5] = {0}, zero = 0;
        for (int i = 0; i < N; i++) {
            int k = rng_poisson_positive(r, mean);
            zero += k < 1;
            if (k >= 1 && k <= 4) count[k] += 1;
        }
        CHECK(zero == 0, "poisson_positive_is_at_least_one", "%g draws of 0 at mean %g", zero,
              mean);
        double pk = exp(-mean) / -expm1(-mean);
        for (int k = 1; k <= 4; k++) {
            pk *= mean / k;
            char name[64];
            snprintf(name, sizeof name, "poisson_positive_mean_%g_k_%d", mean, k);
            check_binomial(name, count[k], N, pk, 4, k == 4 && m == 0 ? 10 : 500);
        }
    }
    int huge = rng_poisson_positive(r, 800);
    CHECK(huge > 650 && huge < 950, "poisson_positive_large_mean", "%d at mean 800", huge);
    gsl_rng_free(r);
}

int main(void) {
    test_poisson_positive();
    test_inline_uniform();
    test_reference_values();
    test_same_key_same_stream();
    test_keys_give_distinct_streams();
    test_neighbour_streams_uncorrelated();
    test_distributions();
    return check_exit();
}
