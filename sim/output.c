#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "h5util.h"
#include "output_internal.h"
#include "outcomes.h"
#include "util.h"
#include "version.h"

int output_open(output_t **out, const char *path, int force, char *err, size_t errlen) {
    *out = NULL;
    if (file_check_output(path, force, err, errlen) != 0) return -2;
    output_t *o = calloc(1, sizeof *o);
    if (o) o->path = strdup(path), o->tmp = file_tmp_name(path), o->force = force;
    if (!o || !o->path || !o->tmp) {
        if (o) file_untrack(o->tmp), free(o->path), free(o->tmp), free(o);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    errno = 0;
    o->file = H5Fcreate(o->tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (o->file < 0) {
        char why[256];
        file_h5_reason(why, sizeof why);
        snprintf(
            err, errlen,
            "%s: cannot create the output file (%s): check that the folder exists and is writable",
            path, why);
        file_untrack(o->tmp), free(o->path), free(o->tmp), free(o);
        return -2;
    }
    *out = o;
    return 0;
}

/* "TARGET: could not write WHAT: REASON" into err, the reason from HDF5's error stack. */
void output_write_failed(const output_t *o, char *err, size_t errlen, const char *what) {
    char why[256];
    file_h5_reason(why, sizeof why);
    snprintf(err, errlen, "%s: could not write %s: %s", o->path, what, why);
}

static char *config_text(const scenario_t *s) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    scenario_write_cfg(f, s);
    fclose(f);
    return buf;
}

void output_joined(char *buf, size_t len, const char *const *names, int n) {
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        strncat(buf, names[i], len - strlen(buf) - 2);
        if (i < n - 1) strncat(buf, ",", len - strlen(buf) - 1);
    }
}

/* "replicate,week,neighbourhood,domain": the dimensions of a series dataset. */
static void dims_text(char *buf, size_t len, const char *first, series_shape_t sh, int per_nbh) {
    snprintf(buf, len, "%s,week%s%s%s", first, per_nbh ? ",neighbourhood" : "",
             sh != S1 ? ",domain" : "", sh == SDS ? ",severity" : "");
}

/* The policy as a table: one row per value set (week, parameter, element, value). */
static int write_policy(hid_t loc, const scenario_t *s) {
    typedef struct {
        int week;
        char parameter[64];
        int element;
        double value;
    } row_t;
    int n = 0;
    for (int i = 0; i < s->npolicy; i++)
        n += param_table[s->policy[i].id].n;
    row_t *rows = calloc((size_t)(n ? n : 1), sizeof *rows);
    if (!rows) return -1;
    int r = 0;
    for (int i = 0; i < s->npolicy; i++)
        for (int k = 0; k < param_table[s->policy[i].id].n; k++, r++) {
            rows[r].week = s->policy[i].week;
            snprintf(rows[r].parameter, sizeof rows[r].parameter, "%s",
                     param_table[s->policy[i].id].name);
            rows[r].element = k;
            rows[r].value = s->policy[i].v[k];
        }
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, 64);
    H5Tset_cset(str, H5T_CSET_UTF8);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(row_t));
    H5Tinsert(t, "week", HOFFSET(row_t, week), H5T_NATIVE_INT);
    H5Tinsert(t, "parameter", HOFFSET(row_t, parameter), str);
    H5Tinsert(t, "element", HOFFSET(row_t, element), H5T_NATIVE_INT);
    H5Tinsert(t, "value", HOFFSET(row_t, value), H5T_NATIVE_DOUBLE);
    hsize_t dims[1] = {(hsize_t)n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(loc, "policy", t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    herr_t rc = d < 0 ? -1 : n ? H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) : 0;
    if (d >= 0) H5Dclose(d);
    H5Pclose(dcpl), H5Sclose(space), H5Tclose(t), H5Tclose(str);
    free(rows);
    if (rc < 0) return -1;
    /* The values' units are their parameters' (/parameters/NAME): none for the table. */
    rc = h5_describe(loc, "policy", "",
                     "Policy steps: from output week `week` on, element `element` of parameter "
                     "`parameter` has value `value` (in the parameter's unit).",
                     "policy_row");
    return rc | h5_coord(loc, "policy_row", n, NULL, NULL, "1", "Row of /policy.");
}

/* The coordinate of parameters with n values: "elements_N". */
static void elements_dim(char *buf, size_t len, int n) {
    snprintf(buf, len, "elements_%d", n);
}

/* A scenario's description: configuration, files, overrides, policy, parameters. */
int output_write_scenario(hid_t loc, const scenario_t *s) {
    char *cfg = config_text(s), *files = NULL, *pol = NULL;
    size_t files_len = 0, pol_len = 0;
    FILE *ff = open_memstream(&files, &files_len);
    for (int i = 0; ff && i < s->nfiles; i++)
        fprintf(ff, "%s\n", s->files[i]);
    if (ff) fclose(ff);
    FILE *pf = open_memstream(&pol, &pol_len);
    if (pf) scenario_write_policy(pf, s), fclose(pf);
    int rc = !cfg || !files || !pol;
    if (!rc) {
        rc |= h5_attr_str(loc, ".", "config", cfg);
        rc |= h5_attr_str(loc, ".", "scenario_files", files);
        rc |= h5_attr_str(loc, ".", "set_overrides", s->set_args);
        rc |= h5_attr_str(loc, ".", "policy", pol);
        rc |= h5_attr_str(loc, ".", "label", scenario_label(s));
    }
    free(cfg), free(files), free(pol);
    rc |= write_policy(loc, s);
    const params_t *p = &s->params;
    hid_t gp = h5_group(loc, "parameters");
    for (int i = 0; i < N_PARAMS && gp >= 0; i++) {
        const param_info_t *pi = &param_table[i];
        char dim[32];
        elements_dim(dim, sizeof dim, pi->n);
        rc |= h5_small_dataset(gp, pi->name, pi->n, params_cvalues(p, i));
        rc |= h5_describe(gp, pi->name, pi->unit, pi->description, dim);
        rc |= h5_attr_str(gp, pi->name, "source", pi->source);
        double range[2] = {pi->range_lo, pi->range_hi};
        rc |= H5LTset_attribute_double(gp, pi->name, "plausible_range_factor", range, 2) < 0;
        rc |= h5_attr_str(gp, pi->name, "type", param_type_names[pi->type]);
        rc |= h5_attr_int(gp, pi->name, "schedulable", H5T_NATIVE_INT, pi->schedulable);
        /* One coordinate per length, made with the first parameter of that length. */
        int first = 1;
        for (int j = 0; j < i && first; j++)
            first = param_table[j].n != pi->n;
        if (first)
            rc |= h5_coord(gp, dim, pi->n, NULL, NULL, "1",
                           "Element of a parameter with this many values: their order is in the "
                           "parameter's description (per-domain parameters in domain order).");
    }
    if (gp >= 0)
        H5Gclose(gp);
    else
        rc = -1;
    return rc ? -1 : 0;
}

/* The series datasets of a run group at loc (neighbourhood series only with detail), with
 * `rows` rows of the first dimension, named `first` (replicates, or a sweep's runs). */
int output_begin_group(run_group_t *g, hid_t loc, const params_t *p, int rows, const char *first,
                       int detail) {
    g->loc = loc;
    g->weeks = (int)p->sim_weeks[0];
    g->nnbh = (int)p->world_neighbourhoods[0];
    for (int i = 0; i < N_SERIES; i++)
        g->mun[i] = g->nbh[i] = -1;
    int rc = 0;
    hid_t gm = h5_group(loc, "municipality"), gn = detail ? h5_group(loc, "neighbourhood") : 0;
    if (gm < 0 || gn < 0) rc = -1;
    for (int i = 0; i < N_SERIES && rc == 0; i++) {
        const series_info_t *si = &series_table[i];
        int extra = si->shape == S1 ? 0 : si->shape == SD ? 1 : 2;
        hsize_t ext[2] = {N_DOMAINS, N_SEVERITIES};
        hsize_t dm[4] = {(hsize_t)rows, (hsize_t)g->weeks}, cm[4] = {1, (hsize_t)g->weeks};
        hsize_t dn[5] = {(hsize_t)rows, (hsize_t)g->weeks, (hsize_t)g->nnbh};
        hsize_t cn[5] = {1, (hsize_t)(g->weeks < 104 ? g->weeks : 104),
                         (hsize_t)(g->nnbh < 64 ? g->nnbh : 64)};
        for (int k = 0; k < extra; k++)
            dm[2 + k] = cm[2 + k] = dn[3 + k] = cn[3 + k] = ext[k];
        g->mun[i] = h5_dataset(gm, si->name, 2 + extra, dm, cm);
        if (detail) g->nbh[i] = h5_dataset(gn, si->name, 3 + extra, dn, cn);
        if (g->mun[i] < 0 || (detail && g->nbh[i] < 0)) {
            rc = -1;
            break;
        }
        for (int k = 0; k < 1 + detail; k++) {
            hid_t l = k ? gn : gm;
            char dims[96];
            dims_text(dims, sizeof dims, first, si->shape, k);
            rc |= h5_describe(l, si->name, si->unit, si->description, dims);
            rc |= h5_attr_str(l, si->name, "kind", series_kind_names[si->kind]);
        }
    }
    if (gm >= 0) H5Gclose(gm);
    if (detail && gn >= 0) H5Gclose(gn);
    if (rc == 0) rc = output_series_coords(loc, g->weeks, g->nnbh);
    /* A sweep's runs are known row by row: their coordinate comes with the run table. */
    if (rc == 0 && strcmp(first, "replicate") == 0) rc = output_first_coord(loc, first, rows, NULL);
    return rc;
}

const char output_replicate_desc[] = "Replicate: the random streams (seed, replicate), the same "
                                     "in every scenario (common random numbers).";
const char output_run_desc[] = "Run index: point x replicates + replicate (its row of /runs).";

/* The coordinates a series group holds besides its series (merge makes them again rather
 * than copying them). */
static const char *const series_coord_names[] = {"week",          "domain", "severity",
                                                 "neighbourhood", "run",    "replicate"};

int output_is_series_coord(const char *name) {
    for (size_t k = 0; k < sizeof series_coord_names / sizeof series_coord_names[0]; k++)
        if (strcmp(name, series_coord_names[k]) == 0) return 1;
    return 0;
}

/* Writes coordinates into each series group under loc that exists (municipality, and
 * neighbourhood with --detail): the shared ones (first NULL) or the first dimension's. */
static int coords_of_groups(hid_t loc, int weeks, int nnbh, const char *first, int n,
                            const long long *v) {
    char sev[160];
    int len = snprintf(sev, sizeof sev, "Severity of a need:");
    for (int k = 0; k < N_SEVERITIES && len > 0 && (size_t)len < sizeof sev; k++)
        len += snprintf(sev + len, sizeof sev - (size_t)len, " %d %s%s", k, severity_names[k],
                        k < N_SEVERITIES - 1 ? "," : ".");
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        const char *name = k ? "neighbourhood" : "municipality";
        if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) continue;
        hid_t g = H5Gopen2(loc, name, H5P_DEFAULT);
        if (g < 0)
            rc = 1;
        else if (first)
            rc = h5_coord(g, first, n, v, NULL, "1",
                          strcmp(first, "run") == 0 ? output_run_desc : output_replicate_desc);
        else
            rc = h5_coord(g, "week", weeks, NULL, NULL, "weeks",
                          "Output week: weeks from the end of the burn-in, the first week 0.") ||
                 h5_coord(g, "domain", N_DOMAINS, NULL, domain_names, "", "Life domain.") ||
                 h5_coord(g, "severity", N_SEVERITIES, NULL, NULL, "1", sev) ||
                 (k && h5_coord(g, "neighbourhood", nnbh, NULL, NULL, "1",
                                "Neighbourhood index (as in /neighbourhoods)."));
        if (g >= 0) H5Gclose(g);
    }
    return rc ? -1 : 0;
}

int output_series_coords(hid_t loc, int weeks, int nnbh) {
    return coords_of_groups(loc, weeks, nnbh, NULL, 0, NULL);
}

int output_first_coord(hid_t loc, const char *first, int n, const long long *v) {
    return coords_of_groups(loc, 0, 0, first, n, v);
}

/* Root attributes common to runs and comparisons. */
int output_write_root(output_t *o, const char *kind, const params_t *p, const run_opts_t *ro) {
    hid_t f = o->file;
    char created[64], names[512];
    created_utc(created, sizeof created);
    int rc = h5_attr_str(f, "/", "kind", kind);
    rc |= h5_attr_str(f, "/", "wijksim_version", WIJKSIM_VERSION);
    rc |= h5_attr_str(f, "/", "git_commit", WIJKSIM_COMMIT);
    rc |= h5_attr_str(f, "/", "created", created);
    output_joined(names, sizeof names, domain_names, N_DOMAINS);
    rc |= h5_attr_str(f, "/", "domain_names", names);
    output_joined(names, sizeof names, severity_names, N_SEVERITIES);
    rc |= h5_attr_str(f, "/", "severity_names", names);
    rc |= h5_attr_u64(f, "/", "seed", H5T_NATIVE_ULONG, ro->seed);
    rc |= h5_attr_int(f, "/", "replicates", H5T_NATIVE_INT, ro->replicates);
    rc |= h5_attr_int(f, "/", "weeks", H5T_NATIVE_INT, (int)p->sim_weeks[0]);
    rc |= h5_attr_int(f, "/", "burn_in_weeks", H5T_NATIVE_INT, (int)p->sim_burn_in_weeks[0]);
    return rc;
}

int output_alloc_groups(output_t *o, int n, const run_opts_t *ro, char *err, size_t errlen) {
    o->err = err;
    o->errlen = errlen;
    o->replicates = ro->replicates;
    o->g = calloc((size_t)n, sizeof *o->g);
    if (!o->g) return snprintf(err, errlen, "out of memory"), -1;
    o->ng = n;
    return 0;
}

int output_begin(output_t *o, const scenario_t *s, const run_opts_t *ro, char *err, size_t errlen) {
    if (output_alloc_groups(o, 1, ro, err, errlen) != 0) return -1;
    int nnbh = (int)s->params.world_neighbourhoods[0];
    int rc = output_write_root(o, "run", &s->params, ro);
    rc |= h5_attr_int(o->file, "/", "neighbourhoods", H5T_NATIVE_INT, nnbh);
    rc |= output_write_scenario(o->file, s);
    rc |= output_begin_group(&o->g[0], o->file, &s->params, ro->replicates, "replicate", 1);
    if (rc) output_write_failed(o, err, errlen, "the HDF5 header");
    return rc ? -1 : 0;
}

/* A group name from a scenario's label: "NN_label" with only letters, digits, - and _. */
static void scenario_group_name(char *buf, size_t len, int i, const scenario_t *s) {
    int n = snprintf(buf, len, "%02d_", i);
    const char *b;
    size_t m = cfg_stem(s->nfiles ? s->files[s->nfiles - 1] : "defaults", &b);
    for (size_t k = 0; k < m && (size_t)n + 1 < len; k++)
        buf[n++] = isalnum((unsigned char)b[k]) || b[k] == '-' ? b[k] : '_';
    buf[n] = '\0';
}

int output_begin_comparison(output_t *o, const scenario_t *const *sc, int n, const sim_plan_t *plan,
                            const run_opts_t *ro, int detail, char *err, size_t errlen) {
    if (output_alloc_groups(o, n, ro, err, errlen) != 0) return -1;
    int rc = output_write_root(o, "comparison", &sc[0]->params, ro);
    rc |= h5_attr_int(o->file, "/", "scenarios", H5T_NATIVE_INT, n);
    hid_t top = h5_group(o->file, "scenarios");
    if (top < 0) rc = -1;
    char names[4096] = "";
    for (int i = 0; i < n && rc == 0; i++) {
        char name[128];
        scenario_group_name(name, sizeof name, i, sc[i]);
        if (i) strncat(names, ",", sizeof names - strlen(names) - 1);
        strncat(names, name, sizeof names - strlen(names) - 1);
        hid_t g = h5_group(top, name);
        if (g < 0) {
            rc = -1;
            break;
        }
        int nnbh = (int)sc[i]->params.world_neighbourhoods[0];
        int weeks = (int)sc[i]->params.sim_weeks[0], burn = (int)sc[i]->params.sim_burn_in_weeks[0];
        rc |= output_write_scenario(g, sc[i]);
        rc |= h5_attr_int(g, ".", "index", H5T_NATIVE_INT, i);
        rc |= h5_attr_int(g, ".", "neighbourhoods", H5T_NATIVE_INT, nnbh);
        rc |= h5_attr_int(g, ".", "weeks", H5T_NATIVE_INT, weeks);
        rc |= h5_attr_int(g, ".", "burn_in_weeks", H5T_NATIVE_INT, burn);
        rc |= h5_attr_int(g, ".", "shares_history_with", H5T_NATIVE_INT, plan[i].root);
        rc |= h5_attr_int(g, ".", "branch_week", H5T_NATIVE_INT, plan[i].branch);
        rc |= h5_attr_str(g, ".", "own_burn_in_because", plan[i].differs ? plan[i].differs : "");
        rc |= output_begin_group(&o->g[i], g, &sc[i]->params, ro->replicates, "replicate", detail);
    }
    rc |= h5_attr_str(o->file, "/", "scenario_groups", names);
    if (top >= 0) H5Gclose(top);
    if (rc) output_write_failed(o, err, errlen, "the HDF5 header");
    return rc ? -1 : 0;
}

/* The neighbourhoods' fixed traits, once per run group. */
static int write_neighbourhoods(hid_t loc, const world_t *w) {
    int nn = w->nnbh, rc = 0;
    double *idx = malloc(sizeof(double) * (size_t)nn * 4);
    if (!idx) return -1;
    double *dep = idx + nn, *coh = idx + 2 * nn, *team = idx + 3 * nn;
    hid_t g = h5_group(loc, "neighbourhoods");
    for (int i = 0; i < nn; i++)
        idx[i] = i, dep[i] = w->nbh[i].deprivation, coh[i] = w->nbh[i].cohesion,
        team[i] = w->nbh[i].team;
    rc |= g < 0 || h5_small_dataset(g, "index", nn, idx) ||
          h5_small_dataset(g, "deprivation", nn, dep) || h5_small_dataset(g, "cohesion", nn, coh) ||
          h5_small_dataset(g, "team", nn, team);
    if (g >= 0 && rc == 0) {
        rc |= h5_describe(g, "index", "1", "Index of the neighbourhood (0 .. neighbourhoods-1).",
                          "neighbourhood");
        rc |= h5_describe(g, "deprivation", "index 0-1", "Deprivation index of the neighbourhood.",
                          "neighbourhood");
        rc |= h5_describe(g, "cohesion", "index 0-1", "Social cohesion of the neighbourhood.",
                          "neighbourhood");
        rc |= h5_describe(g, "team", "team index",
                          "The team serving the neighbourhood (0 .. teams-1).", "neighbourhood");
        rc |= h5_coord(g, "neighbourhood", nn, NULL, NULL, "1",
                       "Neighbourhood index (as in /neighbourhood).");
    }
    if (g >= 0) H5Gclose(g);
    rc |= h5_attr_int(loc, ".", "teams", H5T_NATIVE_INT, w->nteams);
    free(idx);
    return rc;
}

/* Writes row `row` of a run group's series: mu_raw, the municipality sums [week][N_VALUES]
 * without ratios, and nb_raw, the neighbourhood values [week][neighbourhood][N_VALUES]
 * (ignored without neighbourhood detail). */
int output_write_values(run_group_t *g, int row, const double *mu_raw, const double *nb_raw,
                        int weeks) {
    int nn = g->nnbh, rc = 0, detail = g->nbh[0] >= 0;
    double *nb = detail ? malloc(sizeof(double) * (size_t)weeks * nn * N_VALUES) : NULL;
    double *mu = malloc((size_t)weeks * N_VALUES * sizeof(double));
    double *buf = malloc(sizeof(double) * (size_t)weeks * (detail ? nn : 1) * WIDTH_SDS);
    if ((detail && !nb) || !mu || !buf) rc = -1;
    if (rc == 0) memcpy(mu, mu_raw, (size_t)weeks * N_VALUES * sizeof(double));
    if (detail && rc == 0) { /* neighbourhood values with their ratios */
        memcpy(nb, nb_raw, sizeof(double) * (size_t)weeks * nn * N_VALUES);
        for (size_t tn = 0; tn < (size_t)weeks * nn; tn++)
            series_fill_ratios(&nb[tn * N_VALUES]);
    }
    /* Summary over the last 52 weeks (before the ratios are filled in). */
    for (int t = weeks > 52 ? weeks - 52 : 0; t < weeks && rc == 0; t++) {
        for (int k = 0; k < N_VALUES; k++)
            g->sum[k] += mu[(size_t)t * N_VALUES + k];
        g->nsum += 1;
    }
    if (rc == 0) { /* the steady-state check, as a mean over the rows written so far */
        double d[N_DRIFT_STOCKS], mean[N_DRIFT_STOCKS], rows = 0;
        outcomes_drift(mu, weeks, d);
        for (int s = 0; s < N_DRIFT_STOCKS; s++)
            g->drift[s] += d[s], g->drift2[s] += d[s] * d[s];
        g->ndrift += 1;
        rows = g->ndrift;
        for (int s = 0; s < N_DRIFT_STOCKS; s++)
            mean[s] = g->drift[s] / rows;
        rc |= H5LTset_attribute_double(g->loc, ".", "steady_state_drift", mean, N_DRIFT_STOCKS) < 0;
        char names[256] = "";
        for (int s = 0; s < N_DRIFT_STOCKS; s++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", s ? "," : "",
                     drift_stock_names[s]);
        rc |= h5_attr_str(g->loc, ".", "steady_state_stocks", names);
    }
    for (int t = 0; t < weeks && rc == 0; t++)
        series_fill_ratios(&mu[(size_t)t * N_VALUES]);
    for (int i = 0; i < N_SERIES && rc == 0; i++) {
        const series_info_t *si = &series_table[i];
        int extra = si->shape == S1 ? 0 : si->shape == SD ? 1 : 2;
        hsize_t sm[4] = {(hsize_t)row, 0, 0, 0},
                cm[4] = {1, (hsize_t)weeks, N_DOMAINS, N_SEVERITIES};
        hsize_t sn[5] = {(hsize_t)row, 0, 0, 0, 0};
        hsize_t cn[5] = {1, (hsize_t)weeks, (hsize_t)nn, N_DOMAINS, N_SEVERITIES};
        for (int t = 0; t < weeks; t++)
            memcpy(&buf[(size_t)t * si->width], &mu[(size_t)t * N_VALUES + si->offset],
                   sizeof(double) * si->width);
        rc |= h5_write_slab(g->mun[i], 2 + extra, sm, cm, buf);
        if (!detail) continue;
        for (size_t tn = 0; tn < (size_t)weeks * nn; tn++)
            memcpy(&buf[tn * si->width], &nb[tn * N_VALUES + si->offset],
                   sizeof(double) * si->width);
        rc |= h5_write_slab(g->nbh[i], 3 + extra, sn, cn, buf);
    }
    free(nb), free(mu), free(buf);
    return rc;
}

int output_scenario_replicate(void *ctx, int scenario, int rep, const world_t *w,
                              const replicate_result_t *r) {
    output_t *o = ctx;
    run_group_t *g = &o->g[scenario];
    int rc = 0;
    if (rep == 0) rc |= write_neighbourhoods(g->loc, w);
    if (rc == 0) rc = output_write_values(g, rep, r->mu, r->nb, r->weeks);
    if (rc && o->err) {
        char what[64];
        snprintf(what, sizeof what, "replicate %d", rep);
        output_write_failed(o, o->err, o->errlen, what);
    }
    return rc ? -1 : 0;
}

int output_replicate(void *ctx, int rep, const world_t *w, const replicate_result_t *r) {
    return output_scenario_replicate(ctx, 0, rep, w, r);
}

int output_outcomes(output_t *o, int scenario, const double *v, int nh, const int *horizons) {
    run_group_t *g = &o->g[scenario];
    hsize_t dims[3] = {(hsize_t)o->replicates, (hsize_t)nh, N_OUTCOMES};
    hid_t space = H5Screate_simple(3, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(g->loc, "outcomes", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int rc = d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0;
    if (d >= 0) H5Dclose(d);
    H5Pclose(dcpl), H5Sclose(space);
    /* Names are identifiers, joined by commas; units and labels may hold commas ("residents,
     * mean over the year"), so they are joined by '|'. */
    char *names = NULL, *units = NULL, *labels = NULL;
    size_t ln = 0, lu = 0, ll = 0;
    FILE *fn = open_memstream(&names, &ln), *fu = open_memstream(&units, &lu),
         *fl = open_memstream(&labels, &ll);
    for (int k = 0; fn && fu && fl && k < N_OUTCOMES; k++) {
        fprintf(fn, "%s%s", k ? "," : "", outcome_table[k].name);
        fprintf(fu, "%s%s", k ? "|" : "", outcome_table[k].unit);
        fprintf(fl, "%s%s", k ? "|" : "", outcome_table[k].label);
    }
    if (fn) fclose(fn);
    if (fu) fclose(fu);
    if (fl) fclose(fl);
    const char *onames[N_OUTCOMES];
    for (int k = 0; k < N_OUTCOMES; k++)
        onames[k] = outcome_table[k].name;
    long long hy[64];
    for (int h = 0; h < nh && h < 64; h++)
        hy[h] = horizons[h];
    if (rc == 0 && names && units && labels && nh <= 64) {
        rc |= h5_attr_str(g->loc, "outcomes", "dims", "replicate,horizon,outcome");
        rc |= h5_coord(g->loc, "replicate", o->replicates, NULL, NULL, "1", output_replicate_desc);
        rc |= h5_coord(g->loc, "horizon", nh, hy, NULL, "years",
                       "Horizon year: the outcomes over output years 1 to it (cumulative) or over "
                       "that year (yearly).");
        rc |= h5_coord(g->loc, "outcome", N_OUTCOMES, NULL, onames, "",
                       "Outcome (docs/output.md, Outcomes); its unit is in the attribute units of "
                       "outcomes.");
        rc |= h5_attr_str(g->loc, "outcomes", "outcome_names", names);
        rc |= h5_attr_str(g->loc, "outcomes", "units", units);
        rc |= h5_attr_str(g->loc, "outcomes", "labels", labels);
        rc |= H5LTset_attribute_int(g->loc, "outcomes", "horizon_years", horizons, (size_t)nh) < 0;
        rc |=
            h5_attr_str(g->loc, "outcomes", "description",
                        "Outcomes per replicate at each horizon year (docs/output.md, Outcomes).");
    } else {
        rc = -1;
    }
    free(names), free(units), free(labels);
    if (rc && o->err) output_write_failed(o, o->err, o->errlen, "the outcomes");
    return rc ? -1 : 0;
}

double output_drift(const output_t *o, const char **stock, double *se) {
    double worst = 0;
    *stock = drift_stock_names[0];
    *se = NAN;
    if (!o->ng || o->g[0].ndrift <= 0) return 0;
    const run_group_t *g = &o->g[0];
    double n = g->ndrift;
    for (int s = 0; s < N_DRIFT_STOCKS; s++) {
        double mean = g->drift[s] / n;
        if (fabs(mean) < worst) continue;
        worst = fabs(mean);
        *stock = drift_stock_names[s];
        *se = n > 1 ? sqrt(fmax(0, g->drift2[s] / n - mean * mean) * n / (n - 1) / n) : NAN;
    }
    return worst;
}

void output_summary(const output_t *o, double v[N_VALUES]) {
    double n = o->ng && o->g[0].nsum > 0 ? o->g[0].nsum : 1;
    for (int k = 0; k < N_VALUES; k++)
        v[k] = o->ng ? o->g[0].sum[k] / n : 0;
    series_fill_ratios(v);
}

int output_close(output_t *o, int commit, char *err, size_t errlen) {
    if (!o) return 0;
    int rc = 0;
    for (int k = 0; k < o->ng; k++) {
        for (int i = 0; i < N_SERIES; i++) {
            if (o->g[k].mun[i] >= 0) H5Dclose(o->g[k].mun[i]);
            if (o->g[k].nbh[i] >= 0) H5Dclose(o->g[k].nbh[i]);
        }
        if (o->g[k].loc != o->file && o->g[k].loc > 0) H5Gclose(o->g[k].loc);
    }
    free(o->g);
    free(o->rows); /* a sweep closed before its run table was written */
    /* The dimension scales, once every dataset is in place (h5util.h). */
    if (commit && h5_attach_dims(o->file) != 0) {
        rc = -1;
        output_write_failed(o, err, errlen, "the dimension scales");
    }
    errno = 0;
    if (H5Fclose(o->file) < 0 && rc == 0) {
        rc = -1;
        if (commit) output_write_failed(o, err, errlen, "the file to its end");
    }
    if (commit && rc == 0) rc = file_publish(o->tmp, o->path, o->force, err, errlen);
    if (!commit || rc != 0) unlink(o->tmp);
    file_untrack(o->tmp);
    free(o->path), free(o->tmp), free(o);
    return rc;
}
