/* The simulated world: a municipality of neighbourhoods, teams and specialist services.
 *
 * Memory follows events, not heads. A resident is a 24-byte record; informal ties are one
 * compressed adjacency array (CSR) per neighbourhood, built once. The details of residents
 * with something going on (a need, a request, a case, a carer's burden) live in a
 * per-neighbourhood active pool sized by what is active. Residents with nothing going on are
 * not visited at all: the week of their next need onset is drawn once (competing exponential
 * hazards) and filed in a per-week calendar bucket.
 *
 * Ownership decides what runs in parallel. A neighbourhood owns its residents, pool, calendar,
 * volunteers and stream; a team owns its queue, cases, staff and stream and serves a range of
 * consecutive neighbourhoods that no other team touches; the specialist services are shared
 * and run in serial phases. Requests and referrals cross these lines through per-owner
 * inboxes and outboxes that the receiving phase merges in a fixed order, so any thread count
 * gives the same bits. */
#ifndef WIJKSIM_WORLD_H
#define WIJKSIM_WORLD_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "core/params.h"
#include "core/series.h"
#include "core/domain.h"

#define NO_WEEK 0xFFFFu
#define MAX_WEEKS 0xFFF0u
#define PROPENSITY_SCALE 1024.0
#define MAX_VOL_CLIENTS 4
/* Neighbourhoods up to this many residents keep their ties in 16 bits (14 for the resident, 2
 * for closeness): half the memory of the largest part of the state after the residents
 * themselves (a default neighbourhood has 15,000 residents and 6.5 tie ends each). */
#define TIES16_MAX 16384u
/* A calendar entry for a pool member's candidate need event, beside the onsets of residents
 * with nothing going on (needs.c). */
#define POOL_EVENT 0x80000000u
#define SEEK_EVENT 0x40000000u  /* a pool member's candidate help-seeking event */
#define LEAVE_EVENT 0x20000000u /* a pool member whose relapse window ends: may leave the pool */
#define REST_EVENT 0x10000000u  /* a resting carer to look at again (informal.c) */

/* The most phases a week may have (models/schedule.c); the engine times each (sim/sim.c). */
#define MAX_PHASES 16

/* Resident flags. */
enum {
    RF_VOLUNTEER = 1,       /* in the neighbourhood's volunteer pool */
    RF_OVERLOADED = 2,      /* an overloaded carer */
    RF_YOUTH_CARE_YEAR = 4, /* a youth who received youth care this year */
    RF_GAVE_CARE = 8,       /* a carer who gave care (informal.cbs_care) this week */
    RF_REDRAW = 16,         /* in the pool, its next need event to be redrawn (needs.c) */
    RF_RESEEK = 128,        /* in the pool, its next help-seeking event to be redrawn */
    RF_NET_SHIFT = 5,       /* bits 5-6: quarter of network sizes in the neighbourhood (0-3) */
};
static inline int net_quarter(uint8_t flags) {
    return flags >> RF_NET_SHIFT & 3;
}

typedef struct {
    uint32_t household;  /* index into the neighbourhood's households */
    uint32_t active;     /* 1 + slot in the active pool; 0 when nothing is going on */
    uint32_t severity;   /* 3 bits per domain: severity_t */
    uint32_t support;    /* 4 bits per domain: support_t */
    uint16_t next_onset; /* week of the scheduled onset while inactive; NO_WEEK otherwise */
    uint8_t age_band;
    uint8_t self_reliance; /* 0..255 for 0..1 */
    uint8_t flags;
    uint16_t propensity; /* help-seeking propensity x PROPENSITY_SCALE; 0 = care avoider */
} resident_t;

_Static_assert(sizeof(resident_t) == 24, "resident_t is meant to stay compact");

/* What a resident in the active pool carries besides the resident record. */
typedef struct {
    uint32_t resident;
    uint16_t need_since[N_DOMAINS]; /* week the current need in each domain arose */
    uint16_t sup_since[N_DOMAINS];  /* week the current support status began */
    uint8_t quality[N_DOMAINS];     /* last week's team support: coverage x effectiveness, /255 */
    uint8_t relapse_mask;           /* domains with raised relapse risk until watch_until */
    uint8_t chronic_mask;           /* domains whose current need is chronic (needs.c) */
    uint16_t watch_until;           /* end of the relapse window */
    union {                         /* as a carer (informal.c): */
        uint16_t care_since;        /* while giving: week the current spell of caring began */
        uint16_t burden_week;       /* while resting: the week `burden` stands at (NO_WEEK: now) */
    };
    uint16_t event_week;  /* week of the next candidate need event (needs.c) */
    uint16_t seek_week;   /* week of the next candidate help-seeking event */
    float informal_cover; /* share of the informal hours asked that were given */
    float burden;         /* as a carer: moving average of hours given per week */
    float given;          /* as a carer: hours given this week */
} active_t;

/* Where a request to the team came from. */
typedef enum { SRC_SELF, SRC_SIGNAL, SRC_OUTREACH, N_SOURCES } source_t;

/* A request (team intake, volunteer match) or a referral (specialist waiting list). */
typedef struct {
    uint32_t resident;
    uint16_t nbh;   /* index of the resident's neighbourhood */
    uint16_t since; /* week it was made; it is void once the status it set has changed */
    uint8_t domain;
    uint8_t source; /* source_t for requests; REF_* flags for referrals */
} request_t;

enum { REF_GP = 1, REF_EMERGENCY = 2, REF_DESK = 4 }; /* referrals that bypass the team */

/* A first-in first-out queue of requests, growable, that can also push at the front. */
typedef struct {
    request_t *v;
    uint32_t head, len, cap;
} queue_t;

typedef enum { CASE_ACTIVE, CASE_AFTERCARE } case_kind_t;

typedef struct {
    uint32_t resident;
    uint16_t nbh;
    uint16_t opened;
    uint16_t until; /* end of a pending municipal decision, or of aftercare */
    uint8_t domain;
    uint8_t kind;         /* case_kind_t */
    uint8_t assessed_sev; /* severity at its last demand-led assessment, 0 if none */
    uint16_t prof;        /* index into the team's staff */
} case_t;

typedef enum { STAFF_WORKING, STAFF_SICK, STAFF_VACANT } staff_state_t;

/* One professional post of a team. */
typedef struct {
    double fte;
    int started;  /* week the current holder started (negative for starting staff) */
    int profiled; /* week the holder started in the post's current profile (T-shaped growth) */
    int until;    /* end of sick leave */
    uint32_t caseload;
    uint8_t profile, domain, state;
} prof_t;

typedef struct {
    uint32_t *v;
    uint32_t len, cap;
} u32vec_t;

typedef struct {
    int index;
    int first_nbh, nnbh; /* the neighbourhoods it serves; based in the first */
    double residents;
    prof_t *staff;
    int nstaff, capstaff;
    double intake_carry;     /* intake hours carried to the next week (fractional intakes) */
    double admin_due;        /* paperwork hours owed for municipal decisions */
    double strain;           /* moving average of workload (hours asked / hours available) */
    double hours;            /* client hours of staff at work this week */
    double reserved;         /* of which protected for outreach and prevention */
    double hours_left;       /* after intake, for paperwork, coordination and casework */
    double assess_due;       /* demand-led assessment hours owed */
    double assess_left;      /* joint assessment hours left (carried up to one assessment) */
    double demand;           /* hours the week's work asked for */
    double prevention_hours; /* this week's outreach and prevention hours */
    queue_t queue;           /* waiting for intake */
    case_t *cases;
    uint32_t ncases, capcases;
    queue_t outbox; /* referrals to specialist services made this week */
    gsl_rng *rng;
    double phase_work[MAX_PHASES]; /* seconds spent in each per-team phase (sim.c) */
} team_t;

/* A volunteer and the clients they help. */
typedef struct {
    uint32_t resident;
    uint8_t nclients;
    uint8_t cdomain[MAX_VOL_CLIENTS];
    uint16_t csince[MAX_VOL_CLIENTS];
    uint32_t client[MAX_VOL_CLIENTS];
} volunteer_t;

/* What the pool members add to the week's stocks (accounting.c), kept up to date at every
 * change of the state they follow (tally_resident), instead of counted by a weekly pass. */
typedef struct {
    int64_t loss; /* quality-of-life loss, in units of 2^-32 (whole numbers add up exactly) */
    int32_t with_need, unmet, youth_care, youth_team;
    int32_t chronic[N_DOMAINS];
    int32_t clients[3]; /* in specialist care in 1, 2, 3 or more domains */
} tally_t;

typedef struct {
    int index, team;
    double deprivation, cohesion;
    uint32_t nres, nhh;
    uint32_t age_count[N_AGE_BANDS];
    resident_t *res;
    uint32_t *hh_first;  /* first resident of each household, plus a final sentinel */
    uint8_t *hh_cases;   /* per household: its members' open active team cases (team.c) */
    uint32_t *tie_first; /* CSR: ties of resident i are tie_at(n, tie_first[i] .. tie_first[i+1]) */
    uint32_t *ties;      /* (resident << 2) | closeness 1-3, sorted by closeness; NULL when */
    uint16_t *ties16;    /* a neighbourhood of at most TIES16_MAX residents has them in 16 bits */
    active_t *active;
    uint32_t nactive, capactive;
    u32vec_t *calendar;     /* per week: residents whose onset (inactive) or candidate need event
                             * (in the pool, tagged POOL_EVENT) is scheduled then */
    u32vec_t redraw;        /* pool members whose next need event is to be redrawn (RF_REDRAW), */
    u32vec_t reseek;        /* and whose next help-seeking event is (RF_RESEEK) */
    u32vec_t seek_due;      /* this week's candidate help-seeking events (help_seeking.c) */
    u32vec_t leaving;       /* pool members who may leave the pool this week (accounting.c) */
    u32vec_t spec_resolved; /* (resident << 3 | domain) of specialist clients whose
                             * need passed since the last specialist phase */
    uint32_t spec_clients[N_DOMAINS][2]; /* specialist clients: light or moderate, heavy */
    u32vec_t gave;     /* carers who gave this week (informal.c), reset at the next week's start */
    u32vec_t rest_due; /* resting carers due to be looked at this week (REST_EVENT, informal.c) */
    uint64_t *carer_bits; /* informal.c's scratch, zero between weeks: two bitmaps of pool slots */
    uint32_t carer_words; /* (carers to bring on this week; last week's carers), words each */
    tally_t tally;
    double qol_loss[SEV_CRISIS], qol_overload; /* qol.loss and qol.overload_loss, for tally */
    uint8_t redraw_all;    /* new parameters: every pool member's next events are redrawn (bit 0
                            * need events, bit 1 help-seeking events, bit 2 carers' burden) */
    uint8_t out_of_memory; /* a list above could not grow: the next phase fails */
    queue_t inbox;         /* requests to the team made this week */
    queue_t outbox;        /* direct referrals to specialist services made this week */
    queue_t vol_queue;     /* needs waiting for a volunteer match */
    queue_t desk;          /* applications at the municipal desk, waiting for the decision */
    double coord_carry;    /* coordinator hours carried over for a match (fractional matches) */
    volunteer_t *vols;
    uint32_t nvols, capvols;
    u32vec_t crises;      /* (resident << 3 | domain) of open crises, oldest first */
    uint32_t crisis_open; /* crises[0 .. crisis_open) were open before this week */
    gsl_rng *rng;
    double onset_rate[N_AGE_BANDS][N_DOMAINS]; /* per week, before prevention */
    double onset_total[N_AGE_BANDS];           /* per week, summed over domains */
    double prevention_mult[N_DOMAINS];         /* onset rate multiplier from prevention (<= 1) */
    double prevention_level;                   /* 0..1 */
    double trust;                              /* 0..1, follows recent waiting times */
    double last_wait;                          /* mean intake wait of the team last week */
    int64_t sev_count[N_DOMAINS][N_SEVERITIES];
    uint32_t youth_care_year;
    double m[N_VALUES];            /* this week's metrics */
    double phase_work[MAX_PHASES]; /* seconds spent in each per-neighbourhood phase (sim.c) */
} nbh_t;

/* A client of a specialist service: admitted in week `since`, discharged in week `until` unless
 * the need passes first (MAX_WEEKS: not within the run). */
typedef struct {
    uint32_t resident;
    uint16_t nbh, since, until;
    uint8_t domain, source; /* source: the referral's REF_* flags */
} client_t;

/* A municipality-wide specialist service (one per domain). */
typedef struct {
    int places;
    double capacity; /* places providers offer when they follow demand (specialist.expand_weeks) */
    queue_t waiting;
    client_t *clients;
    uint32_t nclients, capclients;
} service_t;

typedef struct {
    params_t p;
    uint64_t seed;
    int replicate;
    int weeks_total; /* burn-in + output weeks */
    int nnbh, nteams;
    nbh_t *nbh;
    team_t *teams;
    service_t services[N_DOMAINS];
    uint64_t population;
    gsl_rng *rng; /* the run's own stream, for serial phases */
    /* Wall seconds of each phase, or of the parallel loop of consecutive phases of the same
     * kind that starts with it (sim.c); the work of each is in the neighbourhoods' and teams'
     * phase_work. A copy of the world starts from zero. */
    double phase_wall[MAX_PHASES];
} world_t;

/* Builds the world for one replicate; NULL with err on failure. Uses OpenMP over
 * neighbourhoods; each draws only from its own stream. */
world_t *world_new(const params_t *p, uint64_t seed, int replicate, char *err, size_t errlen);
void world_free(world_t *w);
/* A deep copy (random streams included): the copy continues exactly as the original would.
 * NULL when out of memory. */
world_t *world_clone(const world_t *w);
/* Puts new parameters in force from `week` on (a policy step, or a scenario branching from a
 * shared history): onset rates and calendars are redrawn when onset parameters change, posts
 * re-profiled when team.mix changes. Only schedulable parameters may differ. 0 or -1 (out of
 * memory). */
int world_apply_params(world_t *w, const params_t *np, int week);
/* Bytes held by the world (for benchmarks). */
size_t world_bytes(const world_t *w);

/* Severity is packed 3 bits per domain, support 4 bits. */
static inline int sev_get(const resident_t *r, int d) {
    return (r->severity >> (3 * d)) & 7;
}
static inline int sup_get(const resident_t *r, int d) {
    return (r->support >> (4 * d)) & 15;
}
/* The domains (bit d for domain d) in which a resident has a need, and those in which their
 * support status is not SUP_NONE: the weekly passes visit these instead of all six domains
 * (a resident in the pool has a need in about one). Bits come out in domain order, so sums
 * over them are the same sums, in the same order, as over all domains. */
_Static_assert(N_DOMAINS == 6, "the masks below spell out six domains");
static inline unsigned need_domains(const resident_t *r) {
    uint32_t x = r->severity, y = (x | x >> 1 | x >> 2) & 01111111u; /* bit 3d: domain d */
    return (y & 1) | (y >> 2 & 2) | (y >> 4 & 4) | (y >> 6 & 8) | (y >> 8 & 16) | (y >> 10 & 32);
}
static inline unsigned supported_domains(const resident_t *r) {
    uint32_t x = r->support, y = (x | x >> 1 | x >> 2 | x >> 3) & 0x111111u; /* bit 4d */
    return (y & 1) | (y >> 3 & 2) | (y >> 6 & 4) | (y >> 9 & 8) | (y >> 12 & 16) | (y >> 15 & 32);
}
/* The lowest domain in a mask, and the mask without it. */
static inline int mask_next(unsigned *mask) {
    int d = __builtin_ctz(*mask);
    *mask &= *mask - 1;
    return d;
}
/* Tie e of the neighbourhood: (resident << 2) | closeness. */
static inline uint32_t tie_at(const nbh_t *n, uint32_t e) {
    return n->ties16 ? n->ties16[e] : n->ties[e];
}
static inline active_t *active_of(nbh_t *n, uint32_t ri) {
    return &n->active[n->res[ri].active - 1];
}

/* Whether the team holds need d with status st (for the stocks: supported, youth care). */
static inline int team_holds(const active_t *a, int d, int st) {
    return st == SUP_TEAM ||
           ((st == SUP_DECISION || st == SUP_SPEC_WAIT) && a && a->quality[d] > 0);
}
/* Takes the resident's part of the week's stocks out of n->tally (sign -1) or puts it in (+1):
 * around every change of a need, a support status, a quality that decides whether the team holds
 * a need, a chronic flag or the overload flag. */
void tally_resident(nbh_t *n, uint32_t ri, int sign);
/* Sets last week's team support of need d, keeping the stocks in step. */
void quality_set(nbh_t *n, uint32_t ri, int d, double q);
/* Sets or clears the overload flag, keeping the stocks in step. */
void overload_flip(nbh_t *n, uint32_t ri);
static inline void overload_set(nbh_t *n, uint32_t ri, int on) {
    if (!!(n->res[ri].flags & RF_OVERLOADED) != !!on) overload_flip(n, ri);
}
/* Recounts the stocks from the pool (tests compare it with n->tally). */
void tally_recount(nbh_t *n, tally_t *t);
/* Puts the quality-of-life parameters in force for the stocks (building the world, new
 * parameters) and recounts them. */
void tally_params(const params_t *p, nbh_t *n);
/* Files a pool member that may leave the pool (accounting.c checks it); sets out_of_memory when
 * the list cannot grow. */
void pool_may_leave(nbh_t *n, uint32_t ri);

/* Changes one need's severity, keeping the severity counts and the flow metrics
 * (new needs, escalations, improvements, resolutions, crises) in step. */
void need_set(nbh_t *n, uint32_t ri, int d, int sev, int week);
/* Changes one need's support status and notes the week (the resident must be active). A need
 * leaving a specialist waiting list other than by admission counts as a waiting-list exit. */
void sup_change(nbh_t *n, uint32_t ri, int d, int s, int week);
/* True while a request or referral made at `since` still stands. */
int request_live(nbh_t *n, const request_t *q, int status);
/* Puts a resident in the active pool (no-op when already there). Invalidates active_t
 * pointers. */
int resident_activate(nbh_t *n, uint32_t ri);
/* Marks a pool member whose hazards' bounds changed, so that its next candidate event is
 * redrawn where the hazard's phase starts: pool_redraw for the needs (a need, its chronic flag,
 * the relapse domains; needs.c), pool_reseek for help seeking (a need or its support status;
 * help_seeking.c); both for a new pool member. Out of memory, it sets out_of_memory, which
 * the next needs, help-seeking or accounting phase turns into a failed run. */
void pool_mark_slow(nbh_t *n, uint32_t ri, u32vec_t *list, uint8_t flag);
static inline void pool_mark(nbh_t *n, uint32_t ri, u32vec_t *list, uint8_t flag) {
    resident_t *r = &n->res[ri];
    if (!r->active || (r->flags & flag)) return;
    if (list->len == list->cap) {
        pool_mark_slow(n, ri, list, flag);
        return;
    }
    r->flags |= flag;
    list->v[list->len++] = ri;
}
static inline void pool_redraw(nbh_t *n, uint32_t ri) {
    pool_mark(n, ri, &n->redraw, RF_REDRAW);
}
static inline void pool_reseek(nbh_t *n, uint32_t ri) {
    pool_mark(n, ri, &n->reseek, RF_RESEEK);
}
/* Draws and files the week of the resident's next onset after `week`. */
int resident_schedule_onset(const world_t *w, nbh_t *n, uint32_t ri, int week);
/* Files an application for need d at the municipal desk (status SUP_DECISION); it becomes a
 * referral to the specialist service when the decision is taken (help_seeking.c). */
int desk_apply(const params_t *p, nbh_t *n, uint32_t ri, int d, int week);

int u32vec_grow(u32vec_t *v, uint32_t x);
/* Appends x (the common case inline: room left); -1 when out of memory. */
static inline int u32vec_push(u32vec_t *v, uint32_t x) {
    if (v->len == v->cap) return u32vec_grow(v, x);
    v->v[v->len++] = x;
    return 0;
}
/* Makes room for one more element in a growable array (doubling, starting at `first`). */
int array_reserve(void **items, uint32_t len, uint32_t *cap, size_t size, uint32_t first);
/* The same, growing by 1/step of the capacity at a time (array_reserve: step 1, doubling). */
int array_reserve_by(void **items, uint32_t len, uint32_t *cap, size_t size, uint32_t first,
                     uint32_t step);
int queue_push(queue_t *q, request_t r);
int queue_push_front(queue_t *q, request_t r);
static inline request_t *queue_front(queue_t *q) {
    return &q->v[q->head];
}
static inline void queue_pop(queue_t *q) {
    q->head = (q->head + 1) % q->cap;
    q->len--;
}
static inline request_t *queue_at(queue_t *q, uint32_t k) {
    return &q->v[(q->head + k) % q->cap];
}

#endif
