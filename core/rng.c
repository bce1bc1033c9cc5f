#include "rng.h"

#include <gsl/gsl_randist.h>

#include <math.h>
#include <string.h>

/* Written here rather than taken from a library: GSL has no xoshiro, and a generator whose
 * every bit the project specifies is the point (the same streams on every platform). Both
 * functions follow the authors' reference code line for line. */
uint64_t rng_splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_xoshiro_next(uint64_t s[4]) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

typedef struct {
    uint64_t s[4];
} xoshiro_t;

/* The state from a 64-bit key: four splitmix64 outputs (never all zero). */
static void xoshiro_seed(xoshiro_t *x, uint64_t key) {
    for (int i = 0; i < 4; i++)
        x->s[i] = rng_splitmix64(&key);
    if (!(x->s[0] | x->s[1] | x->s[2] | x->s[3])) x->s[0] = 1;
}

static void xo_set(void *state, unsigned long seed) {
    xoshiro_seed(state, (uint64_t)seed);
}
static unsigned long xo_get(void *state) {
    return (unsigned long)(rng_xoshiro_next(((xoshiro_t *)state)->s) >> 32);
}
static double xo_get_double(void *state) {
    return (double)(rng_xoshiro_next(((xoshiro_t *)state)->s) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**", 0xFFFFFFFFUL, 0, sizeof(xoshiro_t), xo_set, xo_get, xo_get_double};
const gsl_rng_type *rng_xoshiro256ss = &xoshiro_type;

uint64_t rng_key(uint64_t seed, uint64_t replicate, uint64_t stream) {
    uint64_t x = seed;
    uint64_t k = rng_splitmix64(&x);
    x = k ^ replicate;
    k = rng_splitmix64(&x);
    x = k ^ stream;
    return rng_splitmix64(&x);
}

void rng_stream_seed(gsl_rng *r, uint64_t seed, uint64_t replicate, uint64_t stream) {
    xoshiro_seed(gsl_rng_state(r), rng_key(seed, replicate, stream));
}

gsl_rng *rng_stream_new(uint64_t seed, uint64_t replicate, uint64_t stream) {
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256ss);
    if (r) rng_stream_seed(r, seed, replicate, stream);
    return r;
}

double rng_exp(gsl_rng *r, double rate) {
    return -log(gsl_rng_uniform_pos(r)) / rate;
}

int rng_poisson_positive(gsl_rng *r, double mean) {
    double none = exp(-mean);
    if (!(none > 0)) { /* a mean so large that none of it is 0 in doubles */
        unsigned k;
        while ((k = gsl_ran_poisson(r, mean)) == 0) {
        }
        return (int)k;
    }
    double u = none + rng_uniform(r) * -expm1(-mean);
    double pk = none * mean, cdf = none + pk;
    int k = 1;
    while (u >= cdf && k < 1000 && pk > 0) /* pk: the chance of exactly k */
        k++, pk *= mean / k, cdf += pk;
    return k;
}

int rng_bern(gsl_rng *r, double p) {
    return gsl_rng_uniform(r) < p;
}

int rng_weeks(gsl_rng *r, double mean) {
    if (mean <= 0) return 0;
    if (mean <= 1) return 1;
    return (int)gsl_ran_geometric(r, 1 / mean);
}
