/* Random number streams.
 *
 * Every stream is a GSL Mersenne Twister whose whole 19937-bit state is filled from a
 * splitmix64 sequence keyed by (seed, replicate, stream). Streams belong to neighbourhoods
 * (stream = neighbourhood index), to teams (RNG_STREAM_TEAM) or to the run (RNG_STREAM_RUN), never to threads, so any
 * thread count draws the same numbers. Seeding the full state (rather than gsl_rng_set's 32
 * bits) keeps distinct keys from colliding even across millions of streams in a sweep. */
#ifndef WIJKSIM_RNG_H
#define WIJKSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#define RNG_STREAM_RUN 0xFFFFFFFFull
/* Teams have streams of their own, keyed apart from neighbourhoods. */
#define RNG_STREAM_TEAM(t) (0x100000000ull + (uint64_t)(t))

uint64_t rng_key(uint64_t seed, uint64_t replicate, uint64_t stream);
/* A new generator for the stream, or NULL when out of memory. */
gsl_rng *rng_stream_new(uint64_t seed, uint64_t replicate, uint64_t stream);
void rng_stream_seed(gsl_rng *r, uint64_t seed, uint64_t replicate, uint64_t stream);

/* Exponential waiting time with the given rate (rate > 0). */
double rng_exp(gsl_rng *r, double rate);
/* Bernoulli with probability p. */
int rng_bern(gsl_rng *r, double p);
/* A whole number of weeks with the given mean: geometric on 1, 2, ... (a weekly chance of
 * 1/mean to end) for mean >= 1; 0 for mean 0; 1 in between. */
int rng_weeks(gsl_rng *r, double mean);

#endif
