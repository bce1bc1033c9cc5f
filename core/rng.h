/* Random number streams.
 *
 * The generator is the project's own: xoshiro256** (Blackman and Vigna 2018, "Scrambled
 * linear pseudorandom number generators"; the reference code at prng.di.unimi.it, public
 * domain), whose 256-bit state is filled from a splitmix64 sequence keyed by (seed,
 * replicate, stream), as its authors recommend for seeding. It is wrapped as a GSL generator
 * type (a gsl_rng_type of our own, GSL's documented way to add one), so GSL's distributions
 * draw from it, but no part of GSL's private state is touched: every stream is identical on
 * every platform and build, the browser's included. tests/unit/test_rng.c checks it against
 * the published reference values.
 *
 * Streams belong to neighbourhoods (stream = neighbourhood index), to teams (RNG_STREAM_TEAM),
 * to the run (RNG_STREAM_RUN) or to a sweep's design (RNG_STREAM_DESIGN), never to threads, so
 * any thread count draws the same numbers. Distinct keys give unrelated 256-bit states, so
 * streams do not collide even across millions of them in a sweep. */
#ifndef WIJKSIM_RNG_H
#define WIJKSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#define RNG_STREAM_RUN 0xFFFFFFFFull
/* Teams have streams of their own, keyed apart from neighbourhoods. */
#define RNG_STREAM_TEAM(t) (0x100000000ull + (uint64_t)(t))
/* The design of a sweep (its sampled points): keyed by the sweep's seed alone. */
#define RNG_STREAM_DESIGN 0xFFFFFFFEull

/* The GSL generator type of the streams: xoshiro256**. gsl_rng_set(r, s) seeds it from s
 * through splitmix64; gsl_rng_get gives the upper 32 bits of a draw, gsl_rng_uniform the upper
 * 53 bits as a double in [0, 1). */
extern const gsl_rng_type *rng_xoshiro256ss;

/* One step of xoshiro256** on the state s[4]: the next 64-bit output. */
uint64_t rng_xoshiro_next(uint64_t s[4]);

/* gsl_rng_uniform(r) for a stream of rng_xoshiro256ss, the same number, without the call
 * through GSL's function pointer (the weekly passes draw one or more per resident). */
static inline double rng_uniform(gsl_rng *r) {
    uint64_t *s = r->state; /* xoshiro_t: four words */
    uint64_t x = s[1] * 5, result = ((x << 7) | (x >> 57)) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return (double)(result >> 11) * 0x1.0p-53;
}
/* One step of splitmix64 on *x (Steele, Lea and Flood 2014): the next 64-bit output. */
uint64_t rng_splitmix64(uint64_t *x);

uint64_t rng_key(uint64_t seed, uint64_t replicate, uint64_t stream);
/* A new generator for the stream, or NULL when out of memory. */
gsl_rng *rng_stream_new(uint64_t seed, uint64_t replicate, uint64_t stream);
void rng_stream_seed(gsl_rng *r, uint64_t seed, uint64_t replicate, uint64_t stream);

/* Exponential waiting time with the given rate (rate > 0). */
double rng_exp(gsl_rng *r, double rate);
/* A Poisson number with the given mean (> 0) given that it is at least 1 (zero-truncated), by
 * inversion: the number of points of a Poisson process in a week known to hold one. */
int rng_poisson_positive(gsl_rng *r, double mean);
/* Bernoulli with probability p. */
int rng_bern(gsl_rng *r, double p);
/* A whole number of weeks with the given mean: geometric on 1, 2, ... (a weekly chance of
 * 1/mean to end) for mean >= 1; 0 for mean 0; 1 in between. */
int rng_weeks(gsl_rng *r, double mean);

#endif
