/* The simulated world: a municipality of neighbourhoods, each with its residents, households,
 * team, random stream and weekly metric accumulator.
 *
 * Memory follows events, not heads. A resident is a 24-byte record; the details of residents
 * with something going on (a need, a request, a case) live in a per-neighbourhood active pool
 * sized by what is active. Residents with nothing going on are not visited at all: the week
 * of their next need onset is drawn once (competing exponential hazards) and filed in a
 * per-week calendar bucket. Everything a neighbourhood touches in a week is its own, so
 * neighbourhoods run on separate threads without locks. */
#ifndef WIJKSIM_WORLD_H
#define WIJKSIM_WORLD_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "../sim/params.h"
#include "../sim/series.h"
#include "domain.h"

#define NO_WEEK 0xFFFFu
#define MAX_WEEKS 0xFFF0u
#define PROPENSITY_SCALE 1024.0

typedef struct {
    uint32_t household;  /* index into the neighbourhood's households */
    uint32_t active;     /* 1 + slot in the active pool; 0 when nothing is going on */
    uint32_t severity;   /* 3 bits per domain: severity_t */
    uint32_t support;    /* 3 bits per domain: support_t */
    uint16_t next_onset; /* week of the scheduled onset while inactive; NO_WEEK otherwise */
    uint8_t age_band;
    uint8_t self_reliance; /* 0..255 for 0..1 */
    uint8_t flags;
    uint16_t propensity; /* help-seeking propensity x PROPENSITY_SCALE; 0 = care avoider */
} resident_t;

_Static_assert(sizeof(resident_t) == 24, "resident_t is meant to stay compact");

typedef struct {
    uint32_t resident;
    uint16_t need_since[N_DOMAINS]; /* week the current need in each domain arose */
} active_t;

typedef struct {
    uint32_t resident;
    uint16_t since;
    uint8_t domain;
} request_t;

typedef struct {
    uint32_t resident;
    uint16_t opened;
    uint8_t domain;
} case_t;

typedef struct {
    uint32_t *v;
    uint32_t len, cap;
} u32vec_t;

typedef struct {
    double fte;
    double intake_carry; /* intake hours carried to the next week (fractional intakes) */
    double coverage;     /* share of needed casework hours given last week */
    double hours_left;   /* client hours left for casework this week, after intake */
    request_t *queue;    /* FIFO ring of requests waiting for intake */
    uint32_t qhead, qlen, qcap;
    case_t *cases;
    uint32_t ncases, capcases;
} team_t;

typedef struct {
    int index;
    double deprivation;
    uint32_t nres, nhh;
    resident_t *res;
    uint32_t *hh_first; /* first resident of each household, plus a final sentinel */
    active_t *active;
    uint32_t nactive, capactive;
    u32vec_t *calendar; /* per week: residents whose onset is scheduled then */
    team_t team;
    gsl_rng *rng;
    double onset_rate[N_AGE_BANDS][N_DOMAINS]; /* per week */
    double onset_total[N_AGE_BANDS];           /* per week, summed over domains */
    int64_t sev_count[N_DOMAINS][N_SEVERITIES];
    double m[N_VALUES]; /* this week's metrics */
    int failed;         /* out of memory inside a parallel phase */
} nbh_t;

typedef struct {
    params_t p;
    uint64_t seed;
    int replicate;
    int weeks_total; /* burn-in + output weeks */
    int nnbh;
    nbh_t *nbh;
    gsl_rng *rng; /* the run's own stream, for serial phases */
} world_t;

/* Builds the world for one replicate; NULL with err on failure. Uses OpenMP over
 * neighbourhoods; each draws only from its own stream. */
world_t *world_new(const params_t *p, uint64_t seed, int replicate, char *err, size_t errlen);
void world_free(world_t *w);
/* Bytes held by the world (for benchmarks). */
size_t world_bytes(const world_t *w);

/* Severity and support are packed 3 bits per domain. */
static inline int sev_get(const resident_t *r, int d) { return (r->severity >> (3 * d)) & 7; }
static inline int sup_get(const resident_t *r, int d) { return (r->support >> (3 * d)) & 7; }
static inline void sup_set(resident_t *r, int d, int s) {
    r->support = (r->support & ~(7u << (3 * d))) | ((uint32_t)s << (3 * d));
}

/* Changes one need's severity, keeping the severity counts and the flow metrics
 * (new needs, escalations, improvements, resolutions, crises) in step. */
void need_set(nbh_t *n, uint32_t ri, int d, int sev, int week);
/* Puts a resident in the active pool (no-op when already there). */
int resident_activate(nbh_t *n, uint32_t ri);
/* Draws and files the week of the resident's next onset after `week`. */
int resident_schedule_onset(const world_t *w, nbh_t *n, uint32_t ri, int week);

int u32vec_push(u32vec_t *v, uint32_t x);
/* Makes room for one more element in a growable array (doubling, starting at `first`). */
int array_reserve(void **items, uint32_t len, uint32_t *cap, size_t size, uint32_t first);

#endif
