/* The world's lifecycle: building it from the parameters (world_new), copying it for a
 * policy branch (world_clone), its size, applying new parameters during a run, and freeing it.
 * The primitives that change its state week by week are in state.c. */
#include "world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "models.h"

static void nbh_free(nbh_t *n, int weeks) {
    free(n->res);
    free(n->hh_first);
    free(n->hh_cases);
    free(n->tie_first);
    free(n->ties);
    free(n->ties16);
    free(n->active);
    if (n->calendar)
        for (int k = 0; k < weeks; k++)
            free(n->calendar[k].v);
    free(n->calendar);
    free(n->inbox.v);
    free(n->outbox.v);
    free(n->vol_queue.v);
    free(n->desk.v);
    free(n->vols);
    free(n->crises.v);
    free(n->redraw.v);
    free(n->reseek.v);
    free(n->seek_due.v);
    free(n->leaving.v);
    free(n->spec_resolved.v);
    free(n->gave.v);
    free(n->rest_due.v);
    free(n->carer_bits);
    if (n->rng) gsl_rng_free(n->rng);
}

static void team_free(team_t *t) {
    free(t->staff);
    free(t->queue.v);
    free(t->cases);
    free(t->outbox.v);
    if (t->rng) gsl_rng_free(t->rng);
}

void world_free(world_t *w) {
    if (!w) return;
    for (int i = 0; w->nbh && i < w->nnbh; i++)
        nbh_free(&w->nbh[i], w->weeks_total);
    for (int i = 0; w->teams && i < w->nteams; i++)
        team_free(&w->teams[i]);
    for (int d = 0; d < N_DOMAINS; d++) {
        free(w->services[d].waiting.v);
        free(w->services[d].clients);
    }
    free(w->nbh);
    free(w->teams);
    if (w->rng) gsl_rng_free(w->rng);
    free(w);
}

/* A copy of n bytes, or NULL (also for n = 0) with *failed set when out of memory. */
static void *dup(const void *src, size_t n, int *failed) {
    if (!src || n == 0) return NULL;
    void *d = malloc(n);
    if (!d)
        *failed = 1;
    else
        memcpy(d, src, n);
    return d;
}

static gsl_rng *rng_dup(const gsl_rng *r, int *failed) {
    if (!r) return NULL;
    gsl_rng *c = gsl_rng_clone(r);
    if (!c) *failed = 1;
    return c;
}

static queue_t queue_dup(const queue_t *q, int *failed) {
    queue_t c = *q;
    c.v = dup(q->v, (size_t)q->cap * sizeof *q->v, failed);
    return c;
}

static u32vec_t u32vec_dup(const u32vec_t *v, int *failed) {
    u32vec_t c = {dup(v->v, (size_t)v->len * sizeof *v->v, failed), v->len, v->len};
    if (!c.v) c.cap = 0;
    return c;
}

/* The heap parts of a neighbourhood copied from src into n (whose other fields are already
 * src's). n's pointers are replaced before anything can fail, so world_free works after a
 * failure. */
static void nbh_copy(nbh_t *n, const nbh_t *src, int weeks, int *failed) {
    n->res = NULL, n->hh_first = n->tie_first = n->ties = NULL, n->ties16 = NULL, n->active = NULL;
    n->hh_cases = NULL;
    n->calendar = NULL, n->inbox.v = n->outbox.v = n->vol_queue.v = n->desk.v = NULL,
    n->vols = NULL;
    n->crises.v = NULL,
    n->redraw.v = n->reseek.v = n->seek_due.v = n->leaving.v = n->gave.v = n->spec_resolved.v =
        n->rest_due.v = NULL,
    n->carer_bits = NULL, n->carer_words = 0; /* scratch: made again when needed */
    n->rng = NULL;
    n->res = dup(src->res, (size_t)src->nres * sizeof *src->res, failed);
    n->hh_first = dup(src->hh_first, ((size_t)src->nhh + 1) * sizeof(uint32_t), failed);
    n->hh_cases = dup(src->hh_cases, src->nhh * sizeof *src->hh_cases, failed);
    n->tie_first = dup(src->tie_first, ((size_t)src->nres + 1) * sizeof(uint32_t), failed);
    n->ties = dup(src->ties, (size_t)src->tie_first[src->nres] * sizeof(uint32_t), failed);
    n->ties16 = dup(src->ties16, (size_t)src->tie_first[src->nres] * sizeof(uint16_t), failed);
    n->active = dup(src->active, (size_t)src->capactive * sizeof *src->active, failed);
    n->calendar = calloc((size_t)weeks, sizeof *n->calendar);
    if (!n->calendar) *failed = 1;
    for (int k = 0; n->calendar && k < weeks; k++)
        n->calendar[k] = u32vec_dup(&src->calendar[k], failed);
    n->inbox = queue_dup(&src->inbox, failed);
    n->outbox = queue_dup(&src->outbox, failed);
    n->vol_queue = queue_dup(&src->vol_queue, failed);
    n->desk = queue_dup(&src->desk, failed);
    n->vols = dup(src->vols, (size_t)src->capvols * sizeof *src->vols, failed);
    n->crises = u32vec_dup(&src->crises, failed);
    n->redraw = u32vec_dup(&src->redraw, failed);
    n->reseek = u32vec_dup(&src->reseek, failed);
    n->seek_due = u32vec_dup(&src->seek_due, failed);
    n->leaving = u32vec_dup(&src->leaving, failed);
    n->spec_resolved = u32vec_dup(&src->spec_resolved, failed);
    n->gave = u32vec_dup(&src->gave, failed);
    n->rest_due = u32vec_dup(&src->rest_due, failed);
    n->rng = rng_dup(src->rng, failed);
}

static void team_copy(team_t *t, const team_t *src, int *failed) {
    t->staff = NULL, t->queue.v = t->outbox.v = NULL, t->cases = NULL, t->rng = NULL;
    t->staff = dup(src->staff, (size_t)src->capstaff * sizeof *src->staff, failed);
    t->queue = queue_dup(&src->queue, failed);
    t->cases = dup(src->cases, (size_t)src->capcases * sizeof *src->cases, failed);
    t->outbox = queue_dup(&src->outbox, failed);
    t->rng = rng_dup(src->rng, failed);
}

world_t *world_clone(const world_t *src) {
    world_t *w = malloc(sizeof *w);
    if (!w) return NULL;
    *w = *src;
    w->nbh = NULL, w->teams = NULL, w->rng = NULL;
    for (int d = 0; d < N_DOMAINS; d++)
        w->services[d].waiting.v = NULL, w->services[d].clients = NULL;
    int failed = 0;
    w->nbh = calloc((size_t)src->nnbh, sizeof *w->nbh);
    w->teams = calloc((size_t)src->nteams, sizeof *w->teams);
    if (!w->nbh || !w->teams) failed = 1;
    for (int i = 0; !failed && i < src->nnbh; i++) {
        w->nbh[i] = src->nbh[i];
        nbh_copy(&w->nbh[i], &src->nbh[i], src->weeks_total, &failed);
    }
    for (int i = 0; !failed && i < src->nteams; i++) {
        w->teams[i] = src->teams[i];
        team_copy(&w->teams[i], &src->teams[i], &failed);
    }
    for (int d = 0; !failed && d < N_DOMAINS; d++) {
        const service_t *sv = &src->services[d];
        w->services[d].waiting = queue_dup(&sv->waiting, &failed);
        w->services[d].clients =
            dup(sv->clients, (size_t)sv->capclients * sizeof *sv->clients, &failed);
    }
    w->rng = rng_dup(src->rng, &failed);
    memset(w->phase_wall, 0, sizeof w->phase_wall);
    for (int i = 0; !failed && i < w->nnbh; i++)
        memset(w->nbh[i].phase_work, 0, sizeof w->nbh[i].phase_work);
    for (int i = 0; !failed && i < w->nteams; i++)
        memset(w->teams[i].phase_work, 0, sizeof w->teams[i].phase_work);
    if (failed) {
        /* Neighbourhoods and teams not reached hold no pointers (calloc). */
        world_free(w);
        return NULL;
    }
    return w;
}

size_t world_bytes(const world_t *w) {
    size_t b = sizeof *w + (size_t)w->nnbh * sizeof(nbh_t);
    for (int i = 0; i < w->nnbh; i++) {
        const nbh_t *n = &w->nbh[i];
        b += (size_t)n->nres * sizeof(resident_t) + ((size_t)n->nhh + 1) * sizeof(uint32_t) +
             n->nhh * sizeof *n->hh_cases;
        b += (size_t)n->capactive * sizeof(active_t);
        b += (size_t)w->weeks_total * sizeof(u32vec_t);
        for (int k = 0; k < w->weeks_total; k++)
            b += (size_t)n->calendar[k].cap * sizeof(uint32_t);
        b += ((size_t)n->nres + 1) * sizeof(uint32_t) +
             (size_t)n->tie_first[n->nres] * (n->ties16 ? sizeof(uint16_t) : sizeof(uint32_t));
        b += ((size_t)n->inbox.cap + n->outbox.cap + n->vol_queue.cap + n->desk.cap) *
             sizeof(request_t);
        b += (size_t)n->capvols * sizeof(volunteer_t) +
             ((size_t)n->crises.cap + n->redraw.cap + n->reseek.cap + n->seek_due.cap +
              n->leaving.cap + n->gave.cap + n->spec_resolved.cap + n->rest_due.cap) *
                 sizeof(uint32_t) +
             2 * (size_t)n->carer_words * sizeof(uint64_t);
        b += gsl_rng_size(n->rng);
    }
    for (int i = 0; i < w->nteams; i++) {
        const team_t *t = &w->teams[i];
        b += (size_t)t->capstaff * sizeof(prof_t) + (size_t)t->capcases * sizeof(case_t);
        b += ((size_t)t->queue.cap + t->outbox.cap) * sizeof(request_t) + gsl_rng_size(t->rng);
    }
    for (int d = 0; d < N_DOMAINS; d++)
        b += (size_t)w->services[d].waiting.cap * sizeof(request_t) +
             (size_t)w->services[d].capclients * sizeof(request_t);
    return b;
}

world_t *world_new(const params_t *p, uint64_t seed, int replicate, char *err, size_t errlen) {
    world_t *w = calloc(1, sizeof *w);
    if (!w) goto oom;
    w->p = *p;
    w->seed = seed;
    w->replicate = replicate;
    w->weeks_total = (int)(p->sim_burn_in_weeks[0] + p->sim_weeks[0]);
    if (w->weeks_total > (int)MAX_WEEKS) {
        snprintf(err, errlen,
                 "parameters 'sim.weeks' + 'sim.burn_in_weeks' = %d: expected at most %u weeks",
                 w->weeks_total, MAX_WEEKS);
        free(w);
        return NULL;
    }
    w->nnbh = (int)p->world_neighbourhoods[0];
    w->nbh = calloc((size_t)w->nnbh, sizeof *w->nbh);
    w->rng = rng_stream_new(seed, (uint64_t)replicate, RNG_STREAM_RUN);
    if (!w->nbh || !w->rng) goto oom;
    w->nteams = p->world_teams[0] > 0 ? (int)p->world_teams[0] : w->nnbh;
    if (w->nteams > w->nnbh) {
        snprintf(err, errlen,
                 "parameter 'world.teams' = %d: expected at most one team per neighbourhood "
                 "('world.neighbourhoods' = %d)",
                 w->nteams, w->nnbh);
        world_free(w);
        return NULL;
    }
    w->teams = calloc((size_t)w->nteams, sizeof *w->teams);
    if (!w->teams) goto oom;
    /* Teams serve consecutive neighbourhoods, as evenly as the division allows. */
    for (int t = 0; t < w->nteams; t++) {
        w->teams[t].first_nbh = (int)((long)t * w->nnbh / w->nteams);
        w->teams[t].nnbh = (int)((long)(t + 1) * w->nnbh / w->nteams) - w->teams[t].first_nbh;
        for (int k = 0; k < w->teams[t].nnbh; k++)
            w->nbh[w->teams[t].first_nbh + k].team = t;
    }
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int i = 0; i < w->nnbh; i++)
        failed |= population_init(w, &w->nbh[i], i) != 0;
    if (failed) goto oom;
    for (int i = 0; i < w->nnbh; i++)
        tally_params(p, &w->nbh[i]);
    for (int i = 0; i < w->nnbh; i++) {
        w->population += w->nbh[i].nres;
        w->teams[w->nbh[i].team].residents += w->nbh[i].nres;
    }
    for (int t = 0; t < w->nteams; t++)
        if (team_init(w, &w->teams[t], t) != 0) goto oom;
    for (int d = 0; d < N_DOMAINS; d++)
        w->services[d].capacity = -1; /* the contracted places */
    services_update_places(w);
    return w;
oom:
    snprintf(err, errlen, "out of memory building the world");
    world_free(w);
    return NULL;
}

/* True when parameter `id` differs between a and b. */
static int param_differs(const params_t *a, const params_t *b, int id) {
    return memcmp(params_cvalues(a, id), params_cvalues(b, id),
                  sizeof(double) * (size_t)param_table[id].n) != 0;
}

/* Redraws the onset week of every resident with nothing going on, at the new rates. The
 * waiting time to an onset is memoryless, so a redraw from now is exact. Stale calendar
 * entries are skipped where they come due (needs.c). */
static int onsets_redraw(world_t *w, int week) {
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (int i = 0; i < w->nnbh; i++) {
        nbh_t *n = &w->nbh[i];
        needs_rates_update(&w->p, n);
        for (uint32_t ri = 0; ri < n->nres && !failed; ri++)
            if (!n->res[ri].active) failed |= resident_schedule_onset(w, n, ri, week - 1) != 0;
    }
    return failed ? -1 : 0;
}

int world_apply_params(world_t *w, const params_t *np, int week) {
    params_t old = w->p;
    w->p = *np;
    static const int onset_ids[] = {PID_needs_onset_0_17, PID_needs_onset_18_64,
                                    PID_needs_onset_65_79, PID_needs_onset_80plus,
                                    PID_needs_deprivation_effect};
    int redraw = 0;
    for (size_t k = 0; k < sizeof onset_ids / sizeof onset_ids[0]; k++)
        redraw |= param_differs(&old, np, onset_ids[k]);
    if (redraw && onsets_redraw(w, week) != 0) return -1;
    /* The bounds of the pool members' hazards follow the parameters: when any parameter changes,
     * their next candidate need and help-seeking events are redrawn in this week's phases
     * (memoryless, so exact). Parameters that do not change draw nothing new, so a scenario
     * that branches without a difference continues as the run it copies, bit for bit. */
    if (memcmp(&old, np, sizeof old) != 0) {
        for (int i = 0; i < w->nnbh; i++) {
            w->nbh[i].redraw_all |= 3;
            tally_params(np, &w->nbh[i]); /* the stocks' quality-of-life weights */
        }
        informal_new_params(w, &old, week); /* resting carers' thresholds may have moved */
    }
    services_new_stays(w, &old, week);
    if (param_differs(&old, np, PID_spec_places)) /* a new contract: providers start from it */
        for (int d = 0; d < N_DOMAINS; d++)
            w->services[d].capacity = -1;
    if (param_differs(&old, np, PID_team_mix))
        for (int t = 0; t < w->nteams; t++)
            workforce_reprofile(w, &w->teams[t], week);
    /* team.fte and team.risk_sizing: workforce.c resizes the posts every week; specialist.places:
     * specialist.c recounts the places every week; the rest is read where it is used. */
    return 0;
}
