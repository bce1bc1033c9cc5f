/* Team casework (MODEL_BRIEF s4.6).
 *
 * Assignment. A new case goes to a professional already working with the household when
 * their effectiveness in the domain is at least team.reuse_match (one family, one plan, seed
 * 004 L570-648); otherwise to the most effective professional for the domain, the least
 * loaded among near equals. Effectiveness depends on profile and domain (a specialist in
 * their own domain 1, a generalist team.generalist_match, a specialist elsewhere
 * team.specialist_off, a T-shaped professional growing from there to the generalist level
 * with experience) and on experience (workforce.c).
 *
 * Time, in order of priority, from the hours intake left (access.c):
 *   1. paperwork for municipal decisions and demand-led assessments owed;
 *   2. coordination: a household with k professionals (team and specialist services) costs
 *      team.coordination_hours per pair, k(k-1)/2 pairs, or k-1 with a case director
 *      (seed 004 L570-648, L201);
 *   3. crisis cases, then the other cases, each class sharing what is left in proportion to
 *      its needs (team.case_hours by severity): crises crowd out the rest (seed 003 L298,
 *      seed 002 L743-766);
 *   4. aftercare contacts;
 *   5. unless protected, outreach and prevention get what is left, up to their share.
 * A case's support quality this week is its class coverage times its professional's
 * effectiveness; it acts on the need next week (needs.c).
 *
 * Closing. A case closes when its need is resolved (then aftercare for aftercare.weeks and a
 * raised relapse risk, needs.c), when a specialist service admits it, or at the duration cap
 * team.case_max_weeks (seed 002 L1068-1071) with the need handed back. Cases held for a
 * municipal decision or a specialist place are not capped: the team keeps heavy cases while
 * specialist services have waiting lists (seed 002 L724-725, L1825). A need that reaches the
 * referral threshold under casework is referred. A relapse during aftercare reopens the case
 * without a new intake. A resolved former client may become a volunteer (reciprocity). */
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "models.h"

static double share(double given, double needed) {
    return needed > 0 ? given / needed : 1;
}

/* Sorts n keys in place (tmp: room for n more): a radix sort, 11 bits at a time, of only the
 * digits in which the keys differ (here the professional, the household's low bits and, for a
 * team of several neighbourhoods, the neighbourhood). Keys that compare equal are equal, so
 * the result is the one any sort gives; qsort's comparisons were 2 % of a run. */
static void sort_keys(uint64_t *key, uint32_t n, uint64_t *tmp) {
    uint64_t any = 0, all = ~0ull;
    for (uint32_t i = 0; i < n; i++)
        any |= key[i], all &= key[i];
    uint64_t *from = key, *to = tmp;
    for (int shift = 0; shift < 64; shift += 11) {
        if (!((any ^ all) >> shift & 2047)) continue; /* the same digit in every key */
        uint32_t start[2049] = {0};
        for (uint32_t i = 0; i < n; i++)
            start[(from[i] >> shift & 2047) + 1]++;
        for (int d = 0; d < 2048; d++)
            start[d + 1] += start[d];
        for (uint32_t i = 0; i < n; i++)
            to[start[from[i] >> shift & 2047]++] = from[i];
        uint64_t *x = from;
        from = to, to = x;
    }
    if (from != key) memcpy(key, from, sizeof *key * n);
}

/* Coordination around the households with team cases: the hours they need, and the share
 * `avail` allows, attributed to their neighbourhoods. */
static int coordination(const world_t *w, team_t *t, double avail, double *needed, double *given) {
    const params_t *p = &w->p;
    uint64_t *key = malloc((2 * (size_t)t->ncases + 1) * sizeof *key); /* keys, and sort room */
    if (!key) return -1;
    uint32_t nk = 0;
    /* key: neighbourhood (16 bits) | household (32 bits) | professional (16 bits) */
    for (uint32_t k = 0; k < t->ncases; k++) {
        const case_t *c = &t->cases[k];
        if (c->kind != CASE_ACTIVE) continue;
        uint64_t h = w->nbh[c->nbh].res[c->resident].household;
        key[nk++] = (uint64_t)c->nbh << 48 | h << 16 | c->prof;
    }
    sort_keys(key, nk, key + t->ncases);
    *needed = *given = 0;
    for (int pass = 0; pass < 2; pass++) {
        double f = pass == 0 ? 0 : share(*given = *needed < avail ? *needed : avail, *needed);
        for (uint32_t a = 0; a < nk;) {
            uint32_t b = a, profs = 0;
            while (b < nk && key[b] >> 16 == key[a] >> 16) {
                if (b == a || key[b] != key[b - 1]) profs++;
                b++;
            }
            nbh_t *n = &w->nbh[key[a] >> 48];
            uint32_t h = (uint32_t)(key[a] >> 16 & 0xFFFFFFFFu);
            int services = 0;
            for (uint32_t j = n->hh_first[h]; j < n->hh_first[h + 1]; j++)
                for (int d = 0; d < N_DOMAINS; d++)
                    services += sup_get(&n->res[j], d) == SUP_SPECIALIST;
            double k = profs + services;
            double hours = p->team_coordination_hours[0] *
                           (p->team_case_director[0] ? k - 1 : k * (k - 1) / 2);
            if (pass == 0) {
                *needed += hours;
            } else {
                n->m[OFF_hours_coordination] += hours * f;
                n->m[OFF_professionals_per_household] += k;
                n->m[OFF_households_in_care] += 1;
            }
            a = b;
        }
    }
    free(key);
    return 0;
}

/* Counts an active case's closing and how long it was open. */
static void count_closed(nbh_t *n, const case_t *c, int week) {
    n->m[OFF_cases_closed] += 1;
    n->m[OFF_case_weeks_closed] += week - c->opened + 1;
}

/* Closes case k of team t; n is the case's neighbourhood. */
static void close_case(team_t *t, nbh_t *n, uint32_t k) {
    assert(t->cases[k].nbh == n->index);
    if (t->cases[k].kind == CASE_ACTIVE) case_counted(n, &t->cases[k], -1);
    if (t->cases[k].kind == CASE_ACTIVE && t->nstaff && t->staff[t->cases[k].prof].caseload > 0)
        t->staff[t->cases[k].prof].caseload--;
    t->cases[k] = t->cases[--t->ncases];
}

/* The need of an active case is resolved: aftercare, relapse watch, reciprocity. */
static int resolved(const world_t *w, team_t *t, nbh_t *n, uint32_t k, int status, int week) {
    const params_t *p = &w->p;
    case_t c = t->cases[k];
    close_case(t, n, k);
    count_closed(n, &c, week);
    active_t *a = active_of(n, c.resident);
    a->relapse_mask |= (uint8_t)(1u << c.domain);
    a->watch_until = (uint16_t)(week + p->needs_relapse_weeks[0]);
    pool_redraw(n, c.resident); /* the onset's bound includes the relapse risk */
    if (status == SUP_TEAM && p->aftercare_weeks[0] > 0 && team_client_hours(p, t) > 0) {
        if (case_open(w, t, n, c.resident, c.domain, CASE_AFTERCARE, week) != 0) return -1;
    } else {
        sup_change(n, c.resident, c.domain, SUP_NONE, week);
    }
    if (rng_bern(t->rng, p->vol_reciprocity[0])) return volunteer_join(p, n, c.resident);
    return 0;
}

int casework_week(world_t *w, team_t *t, int week) {
    const params_t *p = &w->p;
    double left = t->hours_left;
    /* 1. paperwork */
    double owed = t->admin_due + t->assess_due, paid = owed < left ? owed : left;
    double fa = share(paid, owed);
    for (int k = 0; k < t->nnbh; k++) {
        nbh_t *n = &w->nbh[t->first_nbh + k];
        n->m[OFF_hours_admin] += t->admin_due * fa * n->nres / t->residents;
        n->m[OFF_hours_intake] += t->assess_due * fa * n->nres / t->residents;
    }
    t->demand += owed;
    t->admin_due *= 1 - fa;
    t->assess_due *= 1 - fa;
    left -= paid;
    /* 2. coordination */
    double coord, coord_given;
    if (coordination(w, t, left, &coord, &coord_given) != 0) return -1;
    left -= coord_given;
    t->demand += coord;
    /* 3. casework needs by class */
    double need_crisis = 0, need_other = 0, need_after = 0;
    for (uint32_t k = 0; k < t->ncases; k++) { /* cases that stay open this week */
        const case_t *c = &t->cases[k];
        const resident_t *r = &w->nbh[c->nbh].res[c->resident];
        int s = sev_get(r, c->domain), st = sup_get(r, c->domain);
        if (c->kind == CASE_AFTERCARE)
            need_after += st == SUP_AFTERCARE ? p->aftercare_hours[0] : 0;
        else if (s == SEV_NONE || (st != SUP_TEAM && st != SUP_DECISION && st != SUP_SPEC_WAIT))
            continue;
        else if (s == SEV_CRISIS)
            need_crisis += p->team_case_hours[3];
        else
            need_other += p->team_case_hours[s - 1];
    }
    double give_crisis = need_crisis < left ? need_crisis : left;
    left -= give_crisis;
    double give_other = need_other < left ? need_other : left;
    left -= give_other;
    double give_after = need_after < left ? need_after : left;
    left -= give_after;
    double cov_crisis = share(give_crisis, need_crisis), cov_other = share(give_other, need_other);
    double cov_after = share(give_after, need_after);
    t->demand += need_crisis + need_other + need_after + t->hours * p->team_prevention_share[0];
    /* 5. outreach and prevention */
    if (p->team_prevention_protected[0]) {
        t->prevention_hours = t->reserved;
    } else {
        double want = t->hours * p->team_prevention_share[0];
        t->prevention_hours = want < left ? want : left;
    }
    /* The cases, backwards so a swap-remove only moves cases already visited. */
    int cap = (int)p->team_case_max_weeks[0];
    for (uint32_t k = t->ncases; k-- > 0;) {
        case_t *c = &t->cases[k];
        nbh_t *n = &w->nbh[c->nbh];
        uint32_t ri = c->resident;
        int d = c->domain, s = sev_get(&n->res[ri], d), st = sup_get(&n->res[ri], d);
        if (c->kind == CASE_AFTERCARE) {
            if (st != SUP_AFTERCARE) { /* taken over meanwhile (an emergency referral) */
                close_case(t, n, k);
                continue;
            }
            n->m[OFF_hours_aftercare] += p->aftercare_hours[0] * cov_after;
            quality_set(n, ri, d, cov_after);
            if (s > SEV_NONE && cov_after > 0) { /* a relapse noticed in aftercare: reopen */
                c->kind = CASE_ACTIVE;
                case_counted(n, c, 1);
                c->opened = (uint16_t)week;
                sup_change(n, ri, d, SUP_TEAM, week);
                quality_set(n, ri, d, 0); /* casework hours start next week */
                n->m[OFF_cases_opened] += 1;
                n->m[OFF_requests_aftercare] += 1;
                if (t->nstaff) t->staff[c->prof].caseload++;
            } else if (week >= c->until) {
                sup_change(n, ri, d, SUP_NONE, week);
                close_case(t, n, k);
            }
            continue;
        }
        if (st != SUP_TEAM && st != SUP_DECISION && st != SUP_SPEC_WAIT) { /* admitted */
            count_closed(n, c, week);
            close_case(t, n, k);
            continue;
        }
        if (s == SEV_NONE) {
            if (resolved(w, t, n, k, st, week) != 0) return -1;
            continue;
        }
        double hours = p->team_case_hours[s - 1], cov = s == SEV_CRISIS ? cov_crisis : cov_other;
        n->m[OFF_hours_casework] += hours * cov;
        n->m[OFF_hours_casework_needed] += hours;
        double q = t->nstaff ? cov * prof_effectiveness(p, &t->staff[c->prof], d, week) : 0;
        quality_set(n, ri, d, q);
        if (st == SUP_DECISION && week >= c->until) {
            sup_change(n, ri, d, SUP_SPEC_WAIT, week);
            if (queue_push(&t->outbox, (request_t){ri, c->nbh, (uint16_t)week, (uint8_t)d, 0}) != 0)
                return -1;
        } else if (st == SUP_TEAM && s >= p->access_refer_threshold[d] && s > c->assessed_sev) {
            if (team_refer(w, t, n, c, week) != 0) return -1;
        } else if (st == SUP_TEAM && week - c->opened + 1 >= cap) {
            sup_change(n, ri, d, SUP_NONE, week);
            count_closed(n, c, week);
            close_case(t, n, k);
            n->m[OFF_cases_capped] += 1;
        }
    }
    return 0;
}
