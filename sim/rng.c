#include "rng.h"

#include <gsl/gsl_randist.h>

#include <math.h>
#include <string.h>

/* Layout of GSL's mt19937 state (gsl/rng/mt.c); checked against gsl_rng_size at run time. */
typedef struct {
    unsigned long mt[624];
    int mti;
} mt_state_t;

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t rng_key(uint64_t seed, uint64_t replicate, uint64_t stream) {
    uint64_t x = seed;
    uint64_t k = splitmix64(&x);
    x = k ^ replicate;
    k = splitmix64(&x);
    x = k ^ stream;
    return splitmix64(&x);
}

void rng_stream_seed(gsl_rng *r, uint64_t seed, uint64_t replicate, uint64_t stream) {
    uint64_t x = rng_key(seed, replicate, stream);
    if (gsl_rng_size(r) != sizeof(mt_state_t) || r->type != gsl_rng_mt19937) {
        gsl_rng_set(r, (unsigned long)(x ^ (x >> 32))); /* unexpected GSL build: 32-bit seed */
        return;
    }
    mt_state_t *s = gsl_rng_state(r);
    for (int i = 0; i < 624; i++) s->mt[i] = (unsigned long)(splitmix64(&x) & 0xffffffffUL);
    s->mt[0] |= 0x80000000UL; /* never the all-zero state */
    s->mti = 624;             /* regenerate the block on the first draw */
}

gsl_rng *rng_stream_new(uint64_t seed, uint64_t replicate, uint64_t stream) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r) rng_stream_seed(r, seed, replicate, stream);
    return r;
}

double rng_exp(gsl_rng *r, double rate) { return -log(gsl_rng_uniform_pos(r)) / rate; }

int rng_bern(gsl_rng *r, double p) { return gsl_rng_uniform(r) < p; }

int rng_weeks(gsl_rng *r, double mean) {
    if (mean <= 0) return 0;
    if (mean <= 1) return 1;
    return (int)gsl_ran_geometric(r, 1 / mean);
}
