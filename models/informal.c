/* Informal care: family, friends and neighbours (MODEL_BRIEF s3, s4.3).
 *
 * Ties. Household members are each other's closest carers (closeness 0) without being stored.
 * Ties outside the household are built once per neighbourhood into a compressed adjacency
 * array: family elsewhere in the neighbourhood (closeness 1), friends (2) and neighbours (3).
 * Each resident starts half of their expected ties (the other half arrive from others), with
 * means informal.family_ties and informal.friend_ties (the latter proportional to cohesion),
 * both multiplied by exp(informal.network_effect x (self-reliance - 0.5)): residents with few
 * resources have thin networks (the Matthew effect, seed 003 L392). Ties stay within the
 * neighbourhood.
 *
 * Weekly care. A need asks for informal.need_hours[severity] x informal.domain_weight[domain]
 * hours, less the share formal support takes over (informal.substitution: a volunteer, a team
 * case, specialist care), so refusing formal support shifts hours onto carers. Going through their
 * household first and then their ties by closeness, a resident's carers give what they can: the
 * hours of their life situation and closeness (Gostoli and Silverman: working 16/8/4/0, retired
 * 48/32/16/8), times informal.willingness, less what they already gave this week, and reduced when
 * overloaded. Children and carers with a severe need of their own give nothing. A heavy,
 * long-lasting need (daily living from moderate, any other domain from severe, for
 * informal.primary_weeks) has a primary carer: the first of these carers who can give offers
 * informal.primary_stretch times their usual hours to it, so such care concentrates on one close
 * carer, as CBS finds for intensive and heavily burdened carers. The share of the hours met
 * (informal_cover) helps the need next week (needs.c).
 *
 * Burden. A carer's burden is a moving average of the hours they give (time constant
 * informal.burden_weeks); paid respite (informal.respite) takes over a share of an
 * overloaded carer's hours. Above informal.overload_hours x (1 + informal.overload_spread x
 * (self-reliance - 0.5)) a carer is overloaded: fewer hours to give and a higher onset of their own
 * needs (needs.c). A resting carer (nothing given, burden left) is looked at only in the weeks
 * their burden may cross a threshold (see rest_until), with the same result.
 *
 * Counting. Carers are counted as CBS counts mantelzorgers: care (informal.cbs_care domains) for
 * informal.long_weeks or longer, or a burden above informal.intensive_hours (intensive_carers);
 * the overloaded among them are the heavily burdened (docs/ODD.md 7.2). Output only. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "models.h"

static uint32_t random_other(gsl_rng *r, const nbh_t *n, uint32_t self) {
    if (n->nres < 2) return self;
    uint32_t j = (uint32_t)gsl_rng_uniform_int(r, n->nres - 1);
    return j >= self ? j + 1 : j;
}

/* Household members plus ties, capped at 256 (a counting bucket). */
static uint32_t network_size(const nbh_t *n, uint32_t i) {
    uint32_t h = n->res[i].household;
    uint32_t size = n->hh_first[h + 1] - n->hh_first[h] - 1 + n->tie_first[i + 1] - n->tie_first[i];
    return size < 256 ? size : 256;
}

/* Marks each resident with the quarter (0-3) of network sizes in the neighbourhood they fall
 * in, by mid-rank (residents of equal size share a quarter), for the output by network size. */
static void network_quarters(nbh_t *n) {
    uint32_t count[257] = {0}, below[257], run = 0;
    for (uint32_t i = 0; i < n->nres; i++)
        count[network_size(n, i)]++;
    for (int k = 0; k < 257; k++)
        below[k] = run, run += count[k];
    for (uint32_t i = 0; i < n->nres; i++) {
        uint32_t size = network_size(n, i);
        int q = (int)(4.0 * (below[size] + count[size] / 2.0) / n->nres);
        n->res[i].flags = (uint8_t)((n->res[i].flags & ~(3u << RF_NET_SHIFT)) |
                                    (uint32_t)(q < 3 ? q : 3) << RF_NET_SHIFT);
    }
}

int informal_ties_build(const params_t *p, nbh_t *n) {
    typedef struct {
        uint32_t from; /* resident << 2 | closeness */
        uint32_t to;
    } edge_t;
    uint32_t cap = 0, len = 0;
    edge_t *edge = NULL;
    n->tie_first = calloc((size_t)n->nres + 1, sizeof *n->tie_first);
    if (!n->tie_first) return -1;
    double fam = p->informal_family_ties[0] / 2, fr = p->informal_friend_ties[0] * n->cohesion;
    for (uint32_t i = 0; i < n->nres && n->nres > 1; i++) {
        double f = exp(p->informal_network_effect[0] * (n->res[i].self_reliance / 255.0 - 0.5));
        unsigned k[4] = {0, gsl_ran_poisson(n->rng, fam * f), gsl_ran_poisson(n->rng, fr / 2 * f),
                         gsl_ran_poisson(n->rng, fr / 2 * f)};
        for (uint32_t c = 1; c <= 3; c++)
            for (unsigned t = 0; t < k[c]; t++) {
                uint32_t j = random_other(n->rng, n, i);
                if (n->res[j].household == n->res[i].household) continue;
                if (array_reserve((void **)&edge, len, &cap, sizeof *edge, 1024) != 0) goto oom;
                edge[len++] = (edge_t){i << 2 | c, j};
            }
    }
    /* Counting sort into CSR, both directions. */
    for (uint32_t e = 0; e < len; e++)
        n->tie_first[edge[e].from >> 2]++, n->tie_first[edge[e].to]++;
    uint32_t run = 0;
    for (uint32_t i = 0; i <= n->nres; i++) {
        uint32_t c = i < n->nres ? n->tie_first[i] : 0;
        n->tie_first[i] = run;
        run += c;
    }
    n->ties = malloc(((size_t)run + 1) * sizeof *n->ties);
    uint32_t *fill = malloc(((size_t)n->nres + 1) * sizeof *fill);
    if (!n->ties || !fill) {
        free(fill);
        goto oom;
    }
    memcpy(fill, n->tie_first, ((size_t)n->nres + 1) * sizeof *fill);
    for (uint32_t e = 0; e < len; e++) {
        uint32_t a = edge[e].from >> 2, c = edge[e].from & 3, b = edge[e].to;
        n->ties[fill[a]++] = b << 2 | c;
        n->ties[fill[b]++] = a << 2 | c;
    }
    free(fill);
    /* Closest first: an insertion sort per resident (lists are short). */
    for (uint32_t i = 0; i < n->nres; i++)
        for (uint32_t x = n->tie_first[i] + 1; x < n->tie_first[i + 1]; x++)
            for (uint32_t y = x; y > n->tie_first[i] && (n->ties[y] & 3) < (n->ties[y - 1] & 3);
                 y--) {
                uint32_t t = n->ties[y];
                n->ties[y] = n->ties[y - 1];
                n->ties[y - 1] = t;
            }
    free(edge);
    if (n->nres <= TIES16_MAX) { /* the same ties in half the memory */
        n->ties16 = malloc(((size_t)run + 1) * sizeof *n->ties16);
        if (!n->ties16) return -1;
        for (uint32_t e = 0; e < run; e++)
            n->ties16[e] = (uint16_t)n->ties[e];
        free(n->ties);
        n->ties = NULL;
    }
    network_quarters(n);
    return 0;
oom:
    free(edge);
    return -1;
}

/* What formal support takes over of a need's informal hours (informal.substitution): nothing,
 * a volunteer's share, the team's share (when the team holds the need), the specialists'. */
enum { TAKE_NONE, TAKE_VOLUNTEER, TAKE_TEAM, TAKE_SPECIALIST, N_TAKES };

static int takeover(const active_t *a, int d, int status) {
    switch (status) {
    case SUP_VOLUNTEER:
        return TAKE_VOLUNTEER;
    case SUP_TEAM:
    case SUP_DECISION:
    case SUP_SPEC_WAIT:
        return a->quality[d] > 0 ? TAKE_TEAM : TAKE_NONE; /* held by the team */
    case SUP_SPECIALIST:
        return TAKE_SPECIALIST;
    default:
        return TAKE_NONE;
    }
}

/* The week's products of the parameters, computed once per neighbourhood and week instead of
 * once per need and carer (the same products, so the same hours to the last bit): the informal
 * hours a need asks by domain, severity and takeover, and the hours a carer could give by age
 * band, closeness and overload. */
typedef struct {
    double need[N_DOMAINS][N_SEVERITIES][N_TAKES];
    double can[N_AGE_BANDS][4][2];
} hours_t;

static void hours_of(const params_t *p, hours_t *t) {
    const double take[N_TAKES] = {0, p->informal_substitution[0], p->informal_substitution[1],
                                  p->informal_substitution[2]};
    for (int d = 0; d < N_DOMAINS; d++)
        for (int s = SEV_LIGHT; s < N_SEVERITIES; s++)
            for (int k = 0; k < N_TAKES; k++)
                t->need[d][s][k] =
                    p->informal_need_hours[s - 1] * p->informal_domain_weight[d] * (1 - take[k]);
    const double *by_band[N_AGE_BANDS] = {NULL, p->informal_hours_working,
                                          p->informal_hours_retired, p->informal_hours_oldest};
    for (int b = 0; b < N_AGE_BANDS; b++)
        for (int c = 0; c < 4; c++) {
            double x = by_band[b] ? by_band[b][c] * p->informal_willingness[0] : 0;
            t->can[b][c][0] = x;
            t->can[b][c][1] = x * p->informal_overload_capacity[0];
        }
}

/* Whether any of the packed 3-bit severities is SEV_SEVERE (3) or SEV_CRISIS (4): bit 2 set,
 * or bits 0 and 1 both set (a test of all domains at once; carers are asked often). */
_Static_assert(SEV_SEVERE == 3 && SEV_CRISIS == 4 && N_SEVERITIES <= 8, "3-bit severities");
static inline int has_severe(uint32_t packed) {
    uint32_t low = 0;
    for (int d = 0; d < N_DOMAINS; d++)
        low |= 1u << (3 * d);
    return ((packed >> 2 & low) | (packed & packed >> 1 & low)) != 0;
}

/* Hours a resident could give someone at this closeness this week, before what they gave:
 * nothing as a child or with a severe need of their own, less when overloaded. */
static double carer_hours(const hours_t *t, const resident_t *c, int closeness) {
    if (has_severe(c->severity)) return 0;
    return t->can[c->age_band][closeness][!!(c->flags & RF_OVERLOADED)];
}

/* Carer j gives what they can towards `*left` hours, `stretch` times their usual hours when
 * they are the primary carer of a heavy need (*stretch is then used up: one primary carer),
 * marked as giving care when the need is care in CBS's sense (`care`); returns -1 when out of
 * memory. */
static int offer(const hours_t *t, nbh_t *n, uint32_t j, int closeness, double *left,
                 double *stretch, int care) {
    resident_t *c = &n->res[j];
    double cap = carer_hours(t, c, closeness) * *stretch;
    if (cap <= 0) return 0;
    if (c->active) cap -= n->active[c->active - 1].given;
    if (cap <= 0) return 0;
    *stretch = 1;
    if (!c->active && resident_activate(n, j) != 0) return -1;
    double take = cap < *left ? cap : *left;
    active_t *a = &n->active[c->active - 1];
    if (a->given <= 0 && u32vec_push(&n->gave, j) != 0) return -1;
    a->given += (float)take;
    if (care) c->flags |= RF_GAVE_CARE;
    *left -= take;
    return 0;
}

/* The output series by quarter of network size. */
static const int needed_by_quarter[4] = {OFF_informal_needed_q1, OFF_informal_needed_q2,
                                         OFF_informal_needed_q3, OFF_informal_needed_q4};
static const int given_by_quarter[4] = {OFF_informal_hours_q1, OFF_informal_hours_q2,
                                        OFF_informal_hours_q3, OFF_informal_hours_q4};

/* A heavy, long-lasting need: daily living from moderate or any other domain from severe, for
 * informal.primary_weeks or more (the daily living of the oldest, dementia, disability, a
 * child with severe problems). */
static int heavy_lasting(const params_t *p, const active_t *a, const resident_t *r, int week) {
    for (unsigned dm = need_domains(r); dm;) {
        int d = mask_next(&dm), s = sev_get(r, d);
        if ((s >= SEV_SEVERE || (d == DOM_DAILY && s >= SEV_MODERATE)) &&
            week - a->need_since[d] >= p->informal_primary_weeks[0])
            return 1;
    }
    return 0;
}

/* Resting carers. A carer who gave nothing last week and still carries burden is resting: until
 * they give again, their burden only decays (burden += -burden / informal.burden_weeks each
 * week) and nothing else about them changes, except in the week it falls below the overload
 * threshold or below the recovery level. So a resting carer is not looked at every week: their
 * burden stands at the week burden_week, and they are looked at again when they give or in a
 * week filed in the calendar (REST_EVENT) no later than the first of those two weeks; then the
 * weeks in between are applied one by one, with the same operations as week by week, and the
 * week is that of any other carer. The result is the same to the last bit. */

/* The pool slots to look at this week (todo) and last week's carers (fresh), as bitmaps; made
 * large enough for `slots` slots, keeping what is set. */
static int carer_bits_reserve(nbh_t *n, uint32_t slots) {
    uint32_t words = (slots + 63) / 64;
    if (words <= n->carer_words) return 0;
    uint32_t nw = words + words / 4 + 16;
    uint64_t *b = calloc(2 * (size_t)nw, sizeof *b);
    if (!b) return -1;
    if (n->carer_bits) {
        memcpy(b, n->carer_bits, n->carer_words * sizeof *b);
        memcpy(b + nw, n->carer_bits + n->carer_words, n->carer_words * sizeof *b);
        free(n->carer_bits);
    }
    n->carer_bits = b;
    n->carer_words = nw;
    return 0;
}

static inline void bit_set(uint64_t *bits, uint32_t i) {
    bits[i / 64] |= 1ull << (i % 64);
}

/* A resting carer's burden one week on. */
static inline float rested(float burden, double tau) {
    return burden + (float)((0.0 - burden) / tau);
}

/* The week a resting carer is looked at again: no later than the first week after `week` in
 * which their burden falls below the recovery level (0.5) or, when overloaded, to the overload
 * threshold. Burden decays geometrically, burden x q^k with q = 1 - 1/tau; the weekly float
 * operations stay within 1e-4 of that over a run, far less than a week's decay (1/tau, tau <=
 * 520 weeks), so two weeks before the week of the closed form is never late. Looked at early,
 * the carer is simply filed again. -1: not before the end of the run. */
static int rest_until(const world_t *w, double tau, float burden, double limit, int overloaded,
                      int week) {
    double q = 1 - 1 / tau, k = INFINITY;
    double thresholds[2] = {0.5, overloaded ? limit : 0};
    for (int j = 0; j < 2; j++) {
        if (!(thresholds[j] > 0)) continue;
        if (!(burden > thresholds[j]) || !(q > 0)) return week + 1;
        double x = floor(log(thresholds[j] / burden) / log(q)) + 1; /* burden q^x below it */
        if (x < k) k = x;
    }
    double at = week + fmax(1, k - 2);
    return at < w->weeks_total ? (int)at : -1;
}

/* Carer (or former carer) in pool slot i this week: burden, overload, recovery and the counts.
 * `fresh`: they gave last week (their care_since is current); otherwise a carer with burden is
 * resting and their burden is brought on from burden_week first. */
static int carer_week(world_t *w, nbh_t *n, uint32_t i, int fresh, const double *limit_of,
                      int week) {
    const params_t *p = &w->p;
    double tau = p->informal_burden_weeks[0], respite = p->informal_respite[0];
    active_t *a = &n->active[i];
    if (!fresh && a->burden > 0) { /* resting until now */
        if (a->burden_week != NO_WEEK)
            for (int u = a->burden_week + 1; u < week; u++)
                a->burden = rested(a->burden, tau);
        a->care_since = NO_WEEK;
    }
    if (a->given <= 0 && a->burden <= 0) {
        a->care_since = NO_WEEK;
        return 0;
    }
    resident_t *c = &n->res[a->resident];
    double load = a->given;
    if (c->flags & RF_OVERLOADED) {
        n->m[OFF_respite_hours] += load * respite;
        n->m[OFF_cost_respite] += load * respite * p->cost_respite_hour[0];
        load *= 1 - respite;
    }
    a->burden += (float)((load - a->burden) / tau);
    if (a->burden < 0.5f && a->given <= 0) { /* recovered: may leave the pool */
        a->burden = 0;
        pool_may_leave(n, a->resident);
    }
    overload_set(n, a->resident, a->burden > limit_of[c->self_reliance]);
    if (a->given > 0) n->m[OFF_carers] += 1;
    /* Counted as CBS counts carers: someone who gave this week, for informal.long_weeks or
     * longer or more than informal.intensive_hours a week; the heavily burdened among them. A
     * former carer whose burden is still high stays overloaded (needs.c) but is not counted. */
    if (!(c->flags & RF_GAVE_CARE)) {
        a->care_since = NO_WEEK;
        if (a->given > 0 || a->burden <= 0) return 0;
        a->burden_week = (uint16_t)week; /* resting from now on */
        int at = rest_until(w, tau, a->burden, limit_of[c->self_reliance],
                            (c->flags & RF_OVERLOADED) != 0, week);
        return at < 0 ? 0 : u32vec_push(&n->calendar[at], a->resident | REST_EVENT);
    }
    if (a->care_since == NO_WEEK) a->care_since = (uint16_t)week;
    if (a->burden > p->informal_intensive_hours[0] ||
        week - a->care_since >= p->informal_long_weeks[0]) {
        n->m[OFF_intensive_carers] += 1;
        n->m[OFF_carer_hours_intensive] += a->given;
        if (c->flags & RF_OVERLOADED) {
            n->m[OFF_overloaded_carers] += 1;
            n->m[OFF_carer_hours_overloaded] += a->given;
        }
    }
    return 0;
}

int informal_week(world_t *w, nbh_t *n, int week) {
    const params_t *p = &w->p;
    hours_t t;
    hours_of(p, &t);
    /* Last week's carers start the week without hours given (the others have none: members
     * who joined since have a fresh record). */
    if (carer_bits_reserve(n, n->nactive) != 0) return -1;
    for (uint32_t k = 0; k < n->gave.len; k++) {
        resident_t *c = &n->res[n->gave.v[k]];
        c->flags &= (uint8_t)~RF_GAVE_CARE;
        if (!c->active) continue;
        n->active[c->active - 1].given = 0;
        bit_set(n->carer_bits + n->carer_words, c->active - 1);
    }
    n->gave.len = 0;
    uint32_t nactive = n->nactive;
    for (uint32_t i = 0; i < nactive; i++) {
        uint32_t ri = n->active[i].resident;
        const resident_t *r = &n->res[ri];
        double need = 0;
        int gives_care = 0; /* the need is care in CBS's sense (informal.cbs_care) */
        for (unsigned dm = need_domains(r); dm;) {
            int d = mask_next(&dm), s = sev_get(r, d);
            double h = t.need[d][s][takeover(&n->active[i], d, sup_get(r, d))];
            need += h;
            if (p->informal_cbs_care[d] != 0 && h > 0) gives_care = 1;
        }
        if (need <= 0) {
            n->active[i].informal_cover = 0;
            continue;
        }
        double left = need, stretch = heavy_lasting(p, &n->active[i], r, week)
                                          ? p->informal_primary_stretch[0]
                                          : 1;
        uint32_t h = r->household;
        for (uint32_t j = n->hh_first[h]; j < n->hh_first[h + 1] && left > 1e-9; j++)
            if (j != ri && offer(&t, n, j, 0, &left, &stretch, gives_care) != 0) return -1;
        for (uint32_t e = n->tie_first[ri]; e < n->tie_first[ri + 1] && left > 1e-9; e++)
            if (offer(&t, n, tie_at(n, e) >> 2, (int)(tie_at(n, e) & 3), &left, &stretch,
                      gives_care) != 0)
                return -1;
        n->active[i].informal_cover = (float)((need - left) / need);
        n->m[OFF_informal_hours_needed] += need;
        n->m[OFF_informal_hours] += need - left;
        int q = net_quarter(r->flags);
        n->m[needed_by_quarter[q]] += need;
        n->m[given_by_quarter[q]] += need - left;
    }
    /* Burden of this week's and last week's carers and of the resting carers due now (of every
     * pool member after new parameters), in pool order as before: the others' burden and flags
     * stay as they are this week (see rest_until). */
    double limit_of[256]; /* the overload threshold per self-reliance byte, computed once */
    for (int k = 0; k < 256; k++)
        limit_of[k] = p->informal_overload_hours[0] *
                      (1 + p->informal_overload_spread[0] * (k / 255.0 - 0.5));
    if (carer_bits_reserve(n, n->nactive) != 0) return -1;
    uint64_t *todo = n->carer_bits, *fresh = n->carer_bits + n->carer_words;
    for (uint32_t k = 0; k < n->gave.len; k++)
        bit_set(todo, n->res[n->gave.v[k]].active - 1);
    for (uint32_t k = 0; k < n->rest_due.len; k++)
        if (n->res[n->rest_due.v[k]].active) bit_set(todo, n->res[n->rest_due.v[k]].active - 1);
    n->rest_due.len = 0;
    int all = (n->redraw_all & 4) != 0;
    n->redraw_all &= (uint8_t)~4;
    uint32_t words = (n->nactive + 63) / 64;
    for (uint32_t k = 0; k < words; k++) {
        uint64_t bits = all ? ~0ull : todo[k] | fresh[k];
        for (; bits; bits &= bits - 1) {
            uint32_t i = k * 64 + (uint32_t)__builtin_ctzll(bits);
            if (i >= n->nactive) break;
            if (carer_week(w, n, i, (int)(fresh[k] >> (i % 64) & 1), limit_of, week) != 0)
                return -1;
        }
        todo[k] = fresh[k] = 0;
    }
    return 0;
}

void informal_new_params(world_t *w, const params_t *old, int week) {
    double tau = old->informal_burden_weeks[0];
    for (int k = 0; k < w->nnbh; k++) {
        nbh_t *n = &w->nbh[k];
        n->redraw_all |= 4;
        for (uint32_t i = 0; i < n->nactive; i++) {
            active_t *a = &n->active[i];
            if (a->given > 0 || a->burden <= 0 || a->burden_week == NO_WEEK) continue;
            for (int u = a->burden_week + 1; u < week; u++)
                a->burden = rested(a->burden, tau);
            if (a->burden_week < week - 1) a->burden_week = (uint16_t)(week - 1);
        }
    }
}

/* A pool member's burden as of `week` (a resting carer's is brought on from burden_week without
 * being changed; for tests and checks). */
double informal_burden(const world_t *w, const nbh_t *n, uint32_t ri, int week) {
    if (!n->res[ri].active) return 0;
    const active_t *a = &n->active[n->res[ri].active - 1];
    float b = a->burden;
    if (a->given > 0 || b <= 0 || a->burden_week == NO_WEEK) return b;
    for (int u = a->burden_week + 1; u <= week; u++)
        b = rested(b, w->p.informal_burden_weeks[0]);
    return b;
}
