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
#include "outcomes.h"
#include "util.h"
#include "version.h"

/* The series datasets of one run (the file root) or one scenario of a comparison. */
typedef struct {
    hid_t loc;
    hid_t mun[N_SERIES], nbh[N_SERIES]; /* nbh: -1 without neighbourhood detail */
    int weeks, nnbh;
    double sum[N_VALUES]; /* running sums for the summary */
    double nsum;
    double drift[N_DRIFT_STOCKS];  /* running sums of the steady-state trends */
    double drift2[N_DRIFT_STOCKS]; /* and of their squares */
    double ndrift;
} run_group_t;

struct output {
    char *path, *tmp;
    int force;
    hid_t file;
    run_group_t *g;
    int ng, replicates;
    char *err;
    size_t errlen;
    /* A sweep: its spec and the run table, kept until output_end_sweep. */
    const sweep_spec_t *spec;
    const double *points;
    unsigned char *rows;
    size_t nrows, rowbytes;
};

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
        snprintf(err, errlen, "%s: cannot create the output file (%s): check that the folder exists and is writable",
                 path, why);
        file_untrack(o->tmp), free(o->path), free(o->tmp), free(o);
        return -2;
    }
    *out = o;
    return 0;
}

/* "TARGET: could not write WHAT: REASON" into err, the reason from HDF5's error stack. */
static void write_failed(const output_t *o, char *err, size_t errlen, const char *what) {
    char why[256];
    file_h5_reason(why, sizeof why);
    snprintf(err, errlen, "%s: could not write %s: %s", o->path, what, why);
}

static int attr_str(hid_t loc, const char *obj, const char *name, const char *value) {
    return H5LTset_attribute_string(loc, obj, name, value ? value : "") < 0 ? -1 : 0;
}

static hid_t group(hid_t loc, const char *name) {
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gcpl, 0);
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

/* A chunked, compressed float64 dataset without timestamps (so equal runs give equal files). */
static hid_t dataset(hid_t loc, const char *name, int rank, const hsize_t *dims, const hsize_t *chunk) {
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    H5Pset_chunk(dcpl, rank, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
    H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &(double){NAN});
    hid_t d = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

static int small_dataset(hid_t loc, const char *name, int n, const double *v) {
    hsize_t dims[1] = {(hsize_t)n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    herr_t rc = d < 0 ? -1 : H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (d >= 0) H5Dclose(d);
    return rc < 0 ? -1 : 0;
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

static void joined(char *buf, size_t len, const char *const *names, int n) {
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
    for (int i = 0; i < s->npolicy; i++) n += param_table[s->policy[i].id].n;
    row_t *rows = calloc((size_t)(n ? n : 1), sizeof *rows);
    if (!rows) return -1;
    int r = 0;
    for (int i = 0; i < s->npolicy; i++)
        for (int k = 0; k < param_table[s->policy[i].id].n; k++, r++) {
            rows[r].week = s->policy[i].week;
            snprintf(rows[r].parameter, sizeof rows[r].parameter, "%s", param_table[s->policy[i].id].name);
            rows[r].element = k;
            rows[r].value = s->policy[i].v[k];
        }
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, 64);
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
    return attr_str(loc, "policy", "description",
                    "Policy steps: from output week `week` on, element `element` of parameter "
                    "`parameter` has value `value`.");
}

/* A scenario's description: configuration, files, overrides, policy, parameters. */
static int write_scenario(hid_t loc, const scenario_t *s) {
    char *cfg = config_text(s), *files = NULL, *pol = NULL;
    size_t files_len = 0, pol_len = 0;
    FILE *ff = open_memstream(&files, &files_len);
    for (int i = 0; ff && i < s->nfiles; i++) fprintf(ff, "%s\n", s->files[i]);
    if (ff) fclose(ff);
    FILE *pf = open_memstream(&pol, &pol_len);
    if (pf) scenario_write_policy(pf, s), fclose(pf);
    int rc = !cfg || !files || !pol;
    if (!rc) {
        rc |= attr_str(loc, ".", "config", cfg);
        rc |= attr_str(loc, ".", "scenario_files", files);
        rc |= attr_str(loc, ".", "set_overrides", s->set_args);
        rc |= attr_str(loc, ".", "policy", pol);
        rc |= attr_str(loc, ".", "label", scenario_label(s));
    }
    free(cfg), free(files), free(pol);
    rc |= write_policy(loc, s);
    const params_t *p = &s->params;
    hid_t gp = group(loc, "parameters");
    for (int i = 0; i < N_PARAMS && gp >= 0; i++) {
        const param_info_t *pi = &param_table[i];
        rc |= small_dataset(gp, pi->name, pi->n, params_cvalues(p, i));
        rc |= attr_str(gp, pi->name, "unit", pi->unit);
        rc |= attr_str(gp, pi->name, "description", pi->description);
        rc |= attr_str(gp, pi->name, "source", pi->source);
        double range[2] = {pi->range_lo, pi->range_hi};
        rc |= H5LTset_attribute_double(gp, pi->name, "plausible_range_factor", range, 2) < 0;
        rc |= attr_str(gp, pi->name, "type", param_type_names[pi->type]);
        rc |= H5LTset_attribute_int(gp, pi->name, "schedulable", &(int){pi->schedulable}, 1) < 0;
    }
    if (gp >= 0) H5Gclose(gp);
    else rc = -1;
    return rc ? -1 : 0;
}

/* The series datasets of a run group at loc (neighbourhood series only with detail), with
 * `rows` rows of the first dimension, named `first` (replicates, or a sweep's runs). */
static int begin_group(run_group_t *g, hid_t loc, const params_t *p, int rows, const char *first,
                       int detail) {
    g->loc = loc;
    g->weeks = (int)p->sim_weeks[0];
    g->nnbh = (int)p->world_neighbourhoods[0];
    for (int i = 0; i < N_SERIES; i++) g->mun[i] = g->nbh[i] = -1;
    int rc = 0;
    hid_t gm = group(loc, "municipality"), gn = detail ? group(loc, "neighbourhood") : 0;
    if (gm < 0 || gn < 0) rc = -1;
    for (int i = 0; i < N_SERIES && rc == 0; i++) {
        const series_info_t *si = &series_table[i];
        int extra = si->shape == S1 ? 0 : si->shape == SD ? 1 : 2;
        hsize_t ext[2] = {N_DOMAINS, N_SEVERITIES};
        hsize_t dm[4] = {(hsize_t)rows, (hsize_t)g->weeks}, cm[4] = {1, (hsize_t)g->weeks};
        hsize_t dn[5] = {(hsize_t)rows, (hsize_t)g->weeks, (hsize_t)g->nnbh};
        hsize_t cn[5] = {1, (hsize_t)(g->weeks < 104 ? g->weeks : 104),
                         (hsize_t)(g->nnbh < 64 ? g->nnbh : 64)};
        for (int k = 0; k < extra; k++) dm[2 + k] = cm[2 + k] = dn[3 + k] = cn[3 + k] = ext[k];
        g->mun[i] = dataset(gm, si->name, 2 + extra, dm, cm);
        if (detail) g->nbh[i] = dataset(gn, si->name, 3 + extra, dn, cn);
        if (g->mun[i] < 0 || (detail && g->nbh[i] < 0)) {
            rc = -1;
            break;
        }
        for (int k = 0; k < 1 + detail; k++) {
            hid_t l = k ? gn : gm;
            char dims[96];
            dims_text(dims, sizeof dims, first, si->shape, k);
            rc |= attr_str(l, si->name, "unit", si->unit);
            rc |= attr_str(l, si->name, "description", si->description);
            rc |= attr_str(l, si->name, "kind", series_kind_names[si->kind]);
            rc |= attr_str(l, si->name, "dims", dims);
        }
    }
    if (gm >= 0) H5Gclose(gm);
    if (detail && gn >= 0) H5Gclose(gn);
    return rc;
}

/* Root attributes common to runs and comparisons. */
static int write_root(output_t *o, const char *kind, const params_t *p, const run_opts_t *ro) {
    hid_t f = o->file;
    char created[64], names[512];
    created_utc(created, sizeof created);
    int rc = attr_str(f, "/", "kind", kind);
    rc |= attr_str(f, "/", "wijksim_version", WIJKSIM_VERSION);
    rc |= attr_str(f, "/", "git_commit", WIJKSIM_COMMIT);
    rc |= attr_str(f, "/", "created", created);
    joined(names, sizeof names, domain_names, N_DOMAINS);
    rc |= attr_str(f, "/", "domain_names", names);
    joined(names, sizeof names, severity_names, N_SEVERITIES);
    rc |= attr_str(f, "/", "severity_names", names);
    rc |= H5LTset_attribute_ulong(f, "/", "seed", &(unsigned long){(unsigned long)ro->seed}, 1) < 0;
    rc |= H5LTset_attribute_int(f, "/", "replicates", &ro->replicates, 1) < 0;
    int weeks = (int)p->sim_weeks[0], burn = (int)p->sim_burn_in_weeks[0];
    rc |= H5LTset_attribute_int(f, "/", "weeks", &weeks, 1) < 0;
    rc |= H5LTset_attribute_int(f, "/", "burn_in_weeks", &burn, 1) < 0;
    return rc;
}

static int alloc_groups(output_t *o, int n, const run_opts_t *ro, char *err, size_t errlen) {
    o->err = err;
    o->errlen = errlen;
    o->replicates = ro->replicates;
    o->g = calloc((size_t)n, sizeof *o->g);
    if (!o->g) return snprintf(err, errlen, "out of memory"), -1;
    o->ng = n;
    return 0;
}

int output_begin(output_t *o, const scenario_t *s, const run_opts_t *ro, char *err, size_t errlen) {
    if (alloc_groups(o, 1, ro, err, errlen) != 0) return -1;
    int nnbh = (int)s->params.world_neighbourhoods[0];
    int rc = write_root(o, "run", &s->params, ro);
    rc |= H5LTset_attribute_int(o->file, "/", "neighbourhoods", &nnbh, 1) < 0;
    rc |= write_scenario(o->file, s);
    rc |= begin_group(&o->g[0], o->file, &s->params, ro->replicates, "replicate", 1);
    if (rc) write_failed(o, err, errlen, "the HDF5 header");
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

int output_begin_comparison(output_t *o, const scenario_t *const *sc, int n,
                            const sim_plan_t *plan, const run_opts_t *ro, int detail, char *err,
                            size_t errlen) {
    if (alloc_groups(o, n, ro, err, errlen) != 0) return -1;
    int rc = write_root(o, "comparison", &sc[0]->params, ro);
    rc |= H5LTset_attribute_int(o->file, "/", "scenarios", &n, 1) < 0;
    hid_t top = group(o->file, "scenarios");
    if (top < 0) rc = -1;
    char names[4096] = "";
    for (int i = 0; i < n && rc == 0; i++) {
        char name[128];
        scenario_group_name(name, sizeof name, i, sc[i]);
        if (i) strncat(names, ",", sizeof names - strlen(names) - 1);
        strncat(names, name, sizeof names - strlen(names) - 1);
        hid_t g = group(top, name);
        if (g < 0) {
            rc = -1;
            break;
        }
        int nnbh = (int)sc[i]->params.world_neighbourhoods[0];
        int weeks = (int)sc[i]->params.sim_weeks[0], burn = (int)sc[i]->params.sim_burn_in_weeks[0];
        rc |= write_scenario(g, sc[i]);
        rc |= H5LTset_attribute_int(g, ".", "index", &i, 1) < 0;
        rc |= H5LTset_attribute_int(g, ".", "neighbourhoods", &nnbh, 1) < 0;
        rc |= H5LTset_attribute_int(g, ".", "weeks", &weeks, 1) < 0;
        rc |= H5LTset_attribute_int(g, ".", "burn_in_weeks", &burn, 1) < 0;
        rc |= H5LTset_attribute_int(g, ".", "shares_history_with", &plan[i].root, 1) < 0;
        rc |= H5LTset_attribute_int(g, ".", "branch_week", &plan[i].branch, 1) < 0;
        rc |= attr_str(g, ".", "own_burn_in_because", plan[i].differs ? plan[i].differs : "");
        rc |= begin_group(&o->g[i], g, &sc[i]->params, ro->replicates, "replicate", detail);
    }
    rc |= attr_str(o->file, "/", "scenario_groups", names);
    if (top >= 0) H5Gclose(top);
    if (rc) write_failed(o, err, errlen, "the HDF5 header");
    return rc ? -1 : 0;
}

static int write_slab(hid_t d, int rank, const hsize_t *start, const hsize_t *count, const double *buf) {
    hid_t fs = H5Dget_space(d);
    hid_t ms = H5Screate_simple(rank, count, NULL);
    herr_t rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (rc >= 0) rc = H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    return rc < 0 ? -1 : 0;
}

/* The neighbourhoods' fixed traits, once per run group. */
static int write_neighbourhoods(hid_t loc, const world_t *w) {
    int nn = w->nnbh, rc = 0;
    double *idx = malloc(sizeof(double) * (size_t)nn * 4);
    if (!idx) return -1;
    double *dep = idx + nn, *coh = idx + 2 * nn, *team = idx + 3 * nn;
    hid_t g = group(loc, "neighbourhoods");
    for (int i = 0; i < nn; i++)
        idx[i] = i, dep[i] = w->nbh[i].deprivation, coh[i] = w->nbh[i].cohesion, team[i] = w->nbh[i].team;
    rc |= g < 0 || small_dataset(g, "index", nn, idx) || small_dataset(g, "deprivation", nn, dep) ||
          small_dataset(g, "cohesion", nn, coh) || small_dataset(g, "team", nn, team);
    if (g >= 0) {
        rc |= attr_str(g, "deprivation", "unit", "index 0-1");
        rc |= attr_str(g, "deprivation", "description", "Deprivation index of the neighbourhood.");
        rc |= attr_str(g, "cohesion", "unit", "index 0-1");
        rc |= attr_str(g, "cohesion", "description", "Social cohesion of the neighbourhood.");
        rc |= attr_str(g, "team", "unit", "team index");
        rc |= attr_str(g, "team", "description", "The team serving the neighbourhood (0 .. teams-1).");
        H5Gclose(g);
    }
    rc |= H5LTset_attribute_int(loc, ".", "teams", &w->nteams, 1) < 0;
    free(idx);
    return rc;
}

/* Writes row `row` of a run group's series: mu_raw, the municipality sums [week][N_VALUES]
 * without ratios, and nb_raw, the neighbourhood values [week][neighbourhood][N_VALUES]
 * (ignored without neighbourhood detail). */
static int write_values(run_group_t *g, int row, const double *mu_raw, const double *nb_raw, int weeks) {
    int nn = g->nnbh, rc = 0, detail = g->nbh[0] >= 0;
    double *nb = detail ? malloc(sizeof(double) * (size_t)weeks * nn * N_VALUES) : NULL;
    double *mu = malloc((size_t)weeks * N_VALUES * sizeof(double));
    double *buf = malloc(sizeof(double) * (size_t)weeks * (detail ? nn : 1) * WIDTH_SDS);
    if ((detail && !nb) || !mu || !buf) rc = -1;
    if (rc == 0) memcpy(mu, mu_raw, (size_t)weeks * N_VALUES * sizeof(double));
    if (detail && rc == 0) { /* neighbourhood values with their ratios */
        memcpy(nb, nb_raw, sizeof(double) * (size_t)weeks * nn * N_VALUES);
        for (size_t tn = 0; tn < (size_t)weeks * nn; tn++) series_fill_ratios(&nb[tn * N_VALUES]);
    }
    /* Summary over the last 52 weeks (before the ratios are filled in). */
    for (int t = weeks > 52 ? weeks - 52 : 0; t < weeks && rc == 0; t++) {
        for (int k = 0; k < N_VALUES; k++) g->sum[k] += mu[(size_t)t * N_VALUES + k];
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
        rc |= attr_str(g->loc, ".", "steady_state_stocks", names);
    }
    for (int t = 0; t < weeks && rc == 0; t++) series_fill_ratios(&mu[(size_t)t * N_VALUES]);
    for (int i = 0; i < N_SERIES && rc == 0; i++) {
        const series_info_t *si = &series_table[i];
        int extra = si->shape == S1 ? 0 : si->shape == SD ? 1 : 2;
        hsize_t sm[4] = {(hsize_t)row, 0, 0, 0}, cm[4] = {1, (hsize_t)weeks, N_DOMAINS, N_SEVERITIES};
        hsize_t sn[5] = {(hsize_t)row, 0, 0, 0, 0};
        hsize_t cn[5] = {1, (hsize_t)weeks, (hsize_t)nn, N_DOMAINS, N_SEVERITIES};
        for (int t = 0; t < weeks; t++)
            memcpy(&buf[(size_t)t * si->width], &mu[(size_t)t * N_VALUES + si->offset],
                   sizeof(double) * si->width);
        rc |= write_slab(g->mun[i], 2 + extra, sm, cm, buf);
        if (!detail) continue;
        for (size_t tn = 0; tn < (size_t)weeks * nn; tn++)
            memcpy(&buf[tn * si->width], &nb[tn * N_VALUES + si->offset], sizeof(double) * si->width);
        rc |= write_slab(g->nbh[i], 3 + extra, sn, cn, buf);
    }
    free(nb), free(mu), free(buf);
    return rc;
}

int output_scenario_replicate(void *ctx, int scenario, int rep, const world_t *w,
                              const double *values, int weeks) {
    output_t *o = ctx;
    run_group_t *g = &o->g[scenario];
    int rc = 0;
    if (rep == 0) rc |= write_neighbourhoods(g->loc, w);
    double *mu = malloc((size_t)weeks * N_VALUES * sizeof(double));
    if (!mu) rc = -1;
    if (rc == 0) series_municipality(values, weeks, g->nnbh, mu);
    if (rc == 0) rc = write_values(g, rep, mu, values, weeks);
    free(mu);
    if (rc && o->err) {
        char what[64];
        snprintf(what, sizeof what, "replicate %d", rep);
        write_failed(o, o->err, o->errlen, what);
    }
    return rc ? -1 : 0;
}

int output_replicate(void *ctx, int rep, const world_t *w, const double *values, int weeks) {
    return output_scenario_replicate(ctx, 0, rep, w, values, weeks);
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
    FILE *fn = open_memstream(&names, &ln), *fu = open_memstream(&units, &lu), *fl = open_memstream(&labels, &ll);
    for (int k = 0; fn && fu && fl && k < N_OUTCOMES; k++) {
        fprintf(fn, "%s%s", k ? "," : "", outcome_table[k].name);
        fprintf(fu, "%s%s", k ? "|" : "", outcome_table[k].unit);
        fprintf(fl, "%s%s", k ? "|" : "", outcome_table[k].label);
    }
    if (fn) fclose(fn);
    if (fu) fclose(fu);
    if (fl) fclose(fl);
    if (rc == 0 && names && units && labels) {
        rc |= attr_str(g->loc, "outcomes", "dims", "replicate,horizon,outcome");
        rc |= attr_str(g->loc, "outcomes", "outcome_names", names);
        rc |= attr_str(g->loc, "outcomes", "units", units);
        rc |= attr_str(g->loc, "outcomes", "labels", labels);
        rc |= H5LTset_attribute_int(g->loc, "outcomes", "horizon_years", horizons, (size_t)nh) < 0;
        rc |= attr_str(g->loc, "outcomes", "description",
                       "Outcomes per replicate at each horizon year (docs/output.md, Outcomes).");
    } else {
        rc = -1;
    }
    free(names), free(units), free(labels);
    if (rc && o->err) write_failed(o, o->err, o->errlen, "the outcomes");
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
    for (int k = 0; k < N_VALUES; k++) v[k] = o->ng ? o->g[0].sum[k] / n : 0;
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
    errno = 0;
    if (H5Fclose(o->file) < 0) {
        rc = -1;
        if (commit) write_failed(o, err, errlen, "the file to its end");
    }
    if (commit && rc == 0) rc = file_publish(o->tmp, o->path, o->force, err, errlen);
    if (!commit || rc != 0) unlink(o->tmp);
    file_untrack(o->tmp);
    free(o->path), free(o->tmp), free(o);
    return rc;
}

/* ---- Sweeps ---------------------------------------------------------------------------- */

/* A run-table row: run, point, replicate (int64), seed (uint64), then float64 columns. */
#define SWEEP_ID_COLUMNS 4

static size_t sweep_columns(const sweep_spec_t *s) {
    return SWEEP_ID_COLUMNS + (size_t)s->k + (size_t)s->nh * N_OUTCOMES;
}

/* The name of float64 column c (c >= SWEEP_ID_COLUMNS), its unit and description. */
static void sweep_column(const sweep_spec_t *s, size_t c, char *name, size_t len, const char **unit,
                         const char **label, const char **desc) {
    size_t j = c - SWEEP_ID_COLUMNS;
    if (j < (size_t)s->k) {
        snprintf(name, len, "%s", s->f[j].label);
        *unit = param_table[s->f[j].id].unit;
        *label = s->f[j].label;
        *desc = param_table[s->f[j].id].description;
        return;
    }
    j -= (size_t)s->k;
    const outcome_info_t *oi = &outcome_table[j % N_OUTCOMES];
    snprintf(name, len, "%s_y%d", oi->name, s->horizons[j / N_OUTCOMES]);
    *unit = oi->unit;
    *label = oi->label;
    *desc = oi->description;
}

static const char *const sweep_id_names[SWEEP_ID_COLUMNS] = {"run", "point", "replicate", "seed"};
static const char *const sweep_id_desc[SWEEP_ID_COLUMNS] = {
    "Run index: point x replicates + replicate.",
    "Design point (row of /points).",
    ("Replicate: the run's random streams are (seed, replicate), the same at every point "
     "(common random numbers)."),
    "Base seed of the sweep."};

/* The compound type of a run-table row. */
static hid_t sweep_row_type(const sweep_spec_t *s) {
    size_t nc = sweep_columns(s);
    hid_t t = H5Tcreate(H5T_COMPOUND, nc * 8);
    for (size_t c = 0; c < nc; c++) {
        char name[160];
        const char *u, *l, *d;
        if (c < SWEEP_ID_COLUMNS) snprintf(name, sizeof name, "%s", sweep_id_names[c]);
        else sweep_column(s, c, name, sizeof name, &u, &l, &d);
        hid_t ct = c == 3 ? H5T_STD_U64LE : c < 3 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
        H5Tinsert(t, name, c * 8, ct);
    }
    return t;
}

/* /columns: name, kind, unit, label and description of every column of /runs. */
static int write_sweep_columns(hid_t file, const sweep_spec_t *s) {
    typedef struct {
        char name[96], kind[16], unit[64], label[96], description[320];
    } col_t;
    size_t nc = sweep_columns(s);
    col_t *cols = calloc(nc, sizeof *cols);
    if (!cols) return -1;
    for (size_t c = 0; c < nc; c++) {
        const char *u = "", *l = "", *d = sweep_id_desc[c < SWEEP_ID_COLUMNS ? c : 0];
        if (c < SWEEP_ID_COLUMNS) snprintf(cols[c].name, sizeof cols[c].name, "%s", l = sweep_id_names[c]);
        else sweep_column(s, c, cols[c].name, sizeof cols[c].name, &u, &l, &d);
        snprintf(cols[c].kind, sizeof cols[c].kind, "%s",
                 c < SWEEP_ID_COLUMNS ? "id" : c < SWEEP_ID_COLUMNS + (size_t)s->k ? "factor" : "outcome");
        snprintf(cols[c].unit, sizeof cols[c].unit, "%s", u);
        snprintf(cols[c].label, sizeof cols[c].label, "%s", l);
        snprintf(cols[c].description, sizeof cols[c].description, "%s", d);
    }
    enum { NF = 5 };
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(col_t)), str[NF];
    size_t sizes[NF] = {96, 16, 64, 96, 320};
    size_t offs[NF] = {HOFFSET(col_t, name), HOFFSET(col_t, kind), HOFFSET(col_t, unit),
                       HOFFSET(col_t, label), HOFFSET(col_t, description)};
    const char *names[NF] = {"name", "kind", "unit", "label", "description"};
    for (int i = 0; i < NF; i++) {
        str[i] = H5Tcopy(H5T_C_S1);
        H5Tset_size(str[i], sizes[i]);
        H5Tinsert(t, names[i], offs[i], str[i]);
    }
    hsize_t dims[1] = {nc};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(file, "columns", t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int rc = d < 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, cols) < 0;
    if (d >= 0) H5Dclose(d);
    for (int i = 0; i < NF; i++) H5Tclose(str[i]);
    H5Tclose(t), H5Sclose(space), H5Pclose(dcpl);
    free(cols);
    if (rc == 0)
        rc |= attr_str(file, "columns", "description",
                       "The columns of /runs: kind id, factor (a varied parameter) or outcome "
                       "(NAME_yH: outcome NAME at horizon year H, docs/output.md, Outcomes).");
    return rc ? -1 : 0;
}

int output_begin_sweep(output_t *o, const sweep_file_t *sf, char *err, size_t errlen) {
    const sweep_spec_t *s = sf->spec;
    run_opts_t ro = {.seed = s->seed, .replicates = s->replicates};
    if (alloc_groups(o, 1, &ro, err, errlen) != 0) return -1;
    o->spec = s;
    o->points = sf->points;
    o->nrows = sf->rows;
    o->rowbytes = sweep_columns(s) * 8;
    o->rows = calloc(sf->rows ? sf->rows : 1, o->rowbytes);
    if (!o->rows) return snprintf(err, errlen, "out of memory for the run table"), -1;
    const params_t *p = &s->base.params;
    int rc = write_root(o, "sweep", p, &ro);
    char hash[32], shard[32] = "", labels[4096];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->hash);
    if (sf->nshards > 1) snprintf(shard, sizeof shard, "%d/%d", sf->shard, sf->nshards);
    const char **lab = malloc(sizeof *lab * (size_t)s->k);
    if (!lab) return snprintf(err, errlen, "out of memory"), -1;
    for (int j = 0; j < s->k; j++) lab[j] = s->f[j].label;
    joined(labels, sizeof labels, lab, s->k);
    free(lab);
    rc |= attr_str(o->file, "/", "spec", s->text);
    rc |= attr_str(o->file, "/", "spec_file", sf->spec_path);
    rc |= attr_str(o->file, "/", "spec_hash", hash);
    rc |= attr_str(o->file, "/", "design", design_names[s->design]);
    rc |= attr_str(o->file, "/", "factors", labels);
    rc |= attr_str(o->file, "/", "shard", shard);
    long long counts[3] = {(long long)sf->npoints, (long long)sf->npoints * s->replicates, (long long)sf->rows};
    rc |= H5LTset_attribute_long_long(o->file, "/", "points", &counts[0], 1) < 0;
    rc |= H5LTset_attribute_long_long(o->file, "/", "runs", &counts[1], 1) < 0;
    rc |= H5LTset_attribute_long_long(o->file, "/", "runs_in_file", &counts[2], 1) < 0;
    rc |= H5LTset_attribute_int(o->file, "/", "horizon_years", s->horizons, (size_t)s->nh) < 0;
    int nnbh = (int)p->world_neighbourhoods[0];
    rc |= H5LTset_attribute_int(o->file, "/", "neighbourhoods", &nnbh, 1) < 0;
    hid_t gb = group(o->file, "base");
    rc |= gb < 0 || write_scenario(gb, &s->base);
    if (gb >= 0) H5Gclose(gb);
    hsize_t pd[2] = {(hsize_t)sf->npoints, (hsize_t)s->k};
    hid_t space = H5Screate_simple(2, pd, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(o->file, "points", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    rc |= d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, sf->points) < 0;
    if (d >= 0) H5Dclose(d);
    H5Sclose(space), H5Pclose(dcpl);
    rc |= attr_str(o->file, "points", "factors", labels);
    rc |= attr_str(o->file, "points", "description",
                   "The design: factor values (columns, named by the attribute factors) of every "
                   "point; every point runs every replicate.");
    rc |= write_sweep_columns(o->file, s);
    rc |= begin_group(&o->g[0], o->file, p, (int)sf->rows, "run", sf->detail);
    if (rc) write_failed(o, err, errlen, "the HDF5 header");
    return rc ? -1 : 0;
}

int output_sweep_run(output_t *o, size_t row, int point, int replicate, const double *mu_raw,
                     const double *nb_raw) {
    const sweep_spec_t *s = o->spec;
    run_group_t *g = &o->g[0];
    unsigned char *r = &o->rows[row * o->rowbytes];
    int64_t id[3] = {(int64_t)point * s->replicates + replicate, point, replicate};
    uint64_t seed = s->seed;
    memcpy(r, id, sizeof id);
    memcpy(r + 24, &seed, 8);
    double *x = (double *)(void *)(r + 32);
    memcpy(x, &o->points[(size_t)point * s->k], sizeof(double) * (size_t)s->k);
    int rc = 0;
    for (int h = 0; h < s->nh; h++) outcomes_compute(mu_raw, g->weeks, s->horizons[h], &x[s->k + h * N_OUTCOMES]);
    if (rc == 0) rc = write_values(g, (int)row, mu_raw, nb_raw, g->weeks);
    if (rc && o->err) {
        char what[64];
        snprintf(what, sizeof what, "run %lld", (long long)id[0]);
        write_failed(o, o->err, o->errlen, what);
    }
    return rc ? -1 : 0;
}

/* The run table, rows of rowbytes in the file's layout. */
static int write_run_table(hid_t file, hid_t type, const void *rows, size_t n) {
    hsize_t dims[1] = {n}, chunk[1] = {n < 1024 ? (n ? n : 1) : 1024};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    H5Pset_chunk(dcpl, 1, chunk);
    H5Pset_deflate(dcpl, 4);
    hid_t d = H5Dcreate2(file, "runs", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int rc = d < 0 || (n && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0);
    if (d >= 0) H5Dclose(d);
    H5Sclose(space), H5Pclose(dcpl);
    if (rc == 0)
        rc |= attr_str(file, "runs", "description",
                       "One row per run: its identity, the values of the varied parameters and its "
                       "outcomes per horizon year; /columns gives every column's unit. "
                       "pandas.DataFrame(h5py.File(f)['runs'][:]) loads it.");
    return rc ? -1 : 0;
}

int output_end_sweep(output_t *o) {
    hid_t t = sweep_row_type(o->spec);
    int rc = write_run_table(o->file, t, o->rows, o->nrows);
    H5Tclose(t);
    free(o->rows);
    o->rows = NULL;
    if (rc && o->err) write_failed(o, o->err, o->errlen, "the run table");
    return rc;
}

/* ---- Merging sweep files ---------------------------------------------------------------- */

static herr_t copy_attr(hid_t loc, const char *name, const H5A_info_t *info, void *dst) {
    (void)info;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = H5Aget_type(a), sp = H5Aget_space(a);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    void *buf = malloc(H5Tget_size(t) * (size_t)(n > 0 ? n : 1));
    herr_t rc = -1;
    if (buf && H5Aread(a, t, buf) >= 0) {
        hid_t b = H5Acreate2(*(hid_t *)dst, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        rc = b < 0 ? -1 : H5Awrite(b, t, buf);
        if (b >= 0) H5Aclose(b);
        /* Variable-length values (h5py's text) were allocated by the read. */
        if (H5Tdetect_class(t, H5T_VLEN) > 0 || (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0))
            H5Dvlen_reclaim(t, sp, H5P_DEFAULT, buf);
    }
    free(buf);
    H5Sclose(sp), H5Tclose(t), H5Aclose(a);
    return rc < 0 ? -1 : 0;
}

static int copy_attrs(hid_t from, hid_t to) {
    return H5Aiterate2(from, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_attr, &to) < 0 ? -1 : 0;
}

/* A root string attribute as a newly allocated string (NULL when missing or not a string):
 * wijksim writes fixed-length strings, other tools (h5py) variable-length ones. */
static char *read_attr_text(hid_t loc, const char *name) {
    if (H5Aexists(loc, name) <= 0) return NULL;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = a < 0 ? -1 : H5Aget_type(a);
    hid_t sp = a < 0 ? -1 : H5Aget_space(a);
    char *buf = NULL;
    /* One value only: an array of strings would not fit the buffer read into. */
    int one = sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1;
    if (sp >= 0) H5Sclose(sp);
    if (!one) {
    } else if (t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
        char *v = NULL;
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t)); /* h5py writes UTF-8 */
        if (H5Aread(a, mt, &v) >= 0 && v) buf = strdup(v);
        if (v) H5free_memory(v);
        H5Tclose(mt);
    } else if (t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tget_size(t) < (1u << 24)) {
        buf = calloc(1, H5Tget_size(t) + 1);
        if (buf && H5Aread(a, t, buf) < 0) free(buf), buf = NULL;
    }
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return buf;
}

/* A root attribute holding one integer, into v: 0, or -1 when missing, not an integer or not
 * one value (H5LT would read every value of an array into v). */
static int read_attr_int(hid_t loc, const char *name, long long *v) {
    if (H5Aexists(loc, name) <= 0) return -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = a < 0 ? -1 : H5Aget_type(a);
    hid_t sp = a < 0 ? -1 : H5Aget_space(a);
    int rc = t >= 0 && sp >= 0 && H5Tget_class(t) == H5T_INTEGER && H5Sget_simple_extent_npoints(sp) == 1 &&
                     H5Aread(a, H5T_NATIVE_LLONG, v) >= 0
                 ? 0
                 : -1;
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return rc;
}

/* Copies object `name` (a group with its subgroups, or a dataset, with their attributes) from
 * loc `from` to `to`. The objects copied are small (the base scenario, the sweep's points and
 * column descriptions): each dataset is read whole. */
static int copy_object(hid_t from, const char *name, hid_t to);

static herr_t copy_member(hid_t g, const char *name, const H5L_info_t *info, void *to) {
    (void)info;
    return copy_object(g, name, *(hid_t *)to) ? -1 : 0;
}

static int copy_object(hid_t from, const char *name, hid_t to) {
    H5O_info_t oi;
    if (H5Oget_info_by_name2(from, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
    int rc = 0;
    if (oi.type == H5O_TYPE_GROUP) {
        hid_t a = H5Gopen2(from, name, H5P_DEFAULT), b = H5Gcreate2(to, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        rc = a < 0 || b < 0 || copy_attrs(a, b) != 0 ||
             H5Literate(a, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_member, &b) < 0;
        if (a >= 0) H5Gclose(a);
        if (b >= 0) H5Gclose(b);
    } else if (oi.type == H5O_TYPE_DATASET) {
        hid_t a = H5Dopen2(from, name, H5P_DEFAULT), t = a < 0 ? -1 : H5Dget_type(a);
        hid_t sp = a < 0 ? -1 : H5Dget_space(a);
        hssize_t n = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
        size_t size = t < 0 ? 0 : H5Tget_size(t);
        int vlen = t >= 0 && H5Tdetect_class(t, H5T_VLEN) > 0;
        void *buf = n >= 0 && size && !vlen && (size_t)n <= ((size_t)1 << 28) / size
                        ? malloc(size * (size_t)(n ? n : 1)) : NULL;
        hid_t b = buf ? H5Dcreate2(to, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
        rc = b < 0 || (n > 0 && (H5Dread(a, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ||
                                 H5Dwrite(b, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) ||
             copy_attrs(a, b) != 0;
        free(buf);
        if (b >= 0) H5Dclose(b);
        if (sp >= 0) H5Sclose(sp);
        if (t >= 0) H5Tclose(t);
        if (a >= 0) H5Dclose(a);
    }
    return rc ? -1 : 0;
}

/* True when root attribute `name` has the same text in both files. */
static int same_attr_text(hid_t a, hid_t b, const char *name) {
    char *x = read_attr_text(a, name), *y = read_attr_text(b, name);
    int same = x && y && strcmp(x, y) == 0;
    free(x), free(y);
    return same;
}

typedef struct {
    hid_t file, runs, type;
    size_t n;
    unsigned char *rows;
} part_t;

/* Copies the datasets of group `name` (series of every run) from the parts into out, row
 * `run` from the part and row src[run]. */
static int merge_series(part_t *pt, int np, const char *name, hid_t out, size_t total,
                        const int *src_part, const size_t *src_row, char *bad, size_t badlen) {
    hid_t g0 = H5Gopen2(pt[0].file, name, H5P_DEFAULT);
    if (g0 < 0) return 0; /* no such group: nothing to merge */
    hid_t go = group(out, name);
    H5G_info_t info;
    int rc = go < 0 || H5Gget_info(g0, &info) < 0;
    hid_t *src = calloc((size_t)np, sizeof *src);
    if (!src) rc = -1;
    for (hsize_t i = 0; i < info.nlinks && rc == 0; i++) {
        char ds[256];
        H5Lget_name_by_idx(g0, ".", H5_INDEX_NAME, H5_ITER_INC, i, ds, sizeof ds, H5P_DEFAULT);
        for (int p = 0; p < np; p++) {
            hid_t gp = H5Gopen2(pt[p].file, name, H5P_DEFAULT);
            src[p] = gp < 0 ? -1 : H5Dopen2(gp, ds, H5P_DEFAULT);
            if (gp >= 0) H5Gclose(gp);
            if (src[p] < 0) rc = -2;
        }
        if (rc) {
            for (int p = 0; p < np; p++)
                if (src[p] >= 0) H5Dclose(src[p]);
            snprintf(bad, badlen, "series %s/%s is missing in one of the files", name, ds);
            break;
        }
        hid_t sp = H5Dget_space(src[0]), dcpl = H5Dget_create_plist(src[0]);
        hsize_t dims[8], count[8], start[8] = {0};
        int rank = H5Sget_simple_extent_ndims(sp);
        if (rank >= 1 && rank <= 8) H5Sget_simple_extent_dims(sp, dims, NULL);
        H5Sclose(sp);
        /* Every part's dataset: a series of rank 1-8 of numbers, shaped as the first part's,
         * with a row for each run of its table. */
        for (int p = 0; p < np && rc == 0 && rank >= 1 && rank <= 8; p++) {
            hid_t ps = H5Dget_space(src[p]), pt_ = H5Dget_type(src[p]);
            hsize_t pd[8];
            int ok = ps >= 0 && H5Sget_simple_extent_ndims(ps) == rank && pt_ >= 0 &&
                     H5Tget_class(pt_) == H5T_FLOAT;
            if (ok) H5Sget_simple_extent_dims(ps, pd, NULL);
            for (int r = 1; ok && r < rank; r++) ok = pd[r] == dims[r];
            if (ok) ok = pd[0] >= pt[p].n;
            if (ps >= 0) H5Sclose(ps);
            if (pt_ >= 0) H5Tclose(pt_);
            if (!ok) rc = -2;
        }
        if (rank < 1 || rank > 8) rc = -2;
        if (rc) {
            H5Pclose(dcpl);
            for (int p = 0; p < np; p++)
                if (src[p] >= 0) H5Dclose(src[p]);
            snprintf(bad, badlen, "series %s/%s is not a series wijksim writes (rank %d, or a shape "
                     "that differs between the files or from their run tables)", name, ds, rank);
            break;
        }
        size_t row = 1;
        for (int r = 1; r < rank; r++) row *= dims[r];
        dims[0] = total;
        memcpy(count, dims, sizeof dims);
        count[0] = 1;
        hid_t space = H5Screate_simple(rank, dims, NULL);
        hid_t d = H5Dcreate2(go, ds, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        H5Pclose(dcpl);
        double *buf = malloc(sizeof(double) * row);
        hid_t ms = H5Screate_simple(rank, count, NULL);
        rc = d < 0 || !buf || copy_attrs(src[0], d) != 0;
        for (size_t j = 0; j < total && rc == 0; j++) {
            hid_t fs = H5Dget_space(src[src_part[j]]);
            start[0] = src_row[j];
            rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
                 H5Dread(src[src_part[j]], H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0;
            H5Sclose(fs);
            start[0] = j;
            if (rc == 0) rc = write_slab(d, rank, start, count, buf);
        }
        H5Sclose(ms), H5Sclose(space);
        free(buf);
        if (d >= 0) H5Dclose(d);
        for (int p = 0; p < np; p++)
            if (src[p] >= 0) H5Dclose(src[p]);
    }
    free(src);
    if (go >= 0) H5Gclose(go);
    H5Gclose(g0);
    return rc == -2 ? -2 : rc ? -1 : 0;
}

int output_merge_sweeps(const char *const *parts, int n, const char *path, int force, char *err,
                        size_t errlen) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* The target first: a refusal costs nothing, and nothing is read before it. */
    if (file_check_output(path, force, err, errlen) != 0) return -2;
    part_t *pt = calloc((size_t)n, sizeof *pt);
    int *src_part = NULL;
    size_t *src_row = NULL, total = 0;
    int rc = pt ? 0 : -1, status = -1;
    char *hash0 = NULL;
    long long runs0 = 0, reps0 = 0;
    for (int i = 0; i < n; i++) pt[i].file = pt[i].runs = pt[i].type = -1;
    for (int i = 0; i < n && rc == 0; i++) {
        pt[i].file = H5Fopen(parts[i], H5F_ACC_RDONLY, H5P_DEFAULT);
        char *kind = pt[i].file < 0 ? NULL : read_attr_text(pt[i].file, "kind");
        char *hash = kind ? read_attr_text(pt[i].file, "spec_hash") : NULL;
        long long runs = 0, reps = 0;
        if (pt[i].file < 0) {
            snprintf(err, errlen, "%s: cannot open as HDF5 (%s)", parts[i],
                     access(parts[i], R_OK) != 0 ? strerror(errno) : "not an HDF5 file");
            rc = -1, status = -2;
        } else if (!kind || strcmp(kind, "sweep") != 0 || !hash) {
            snprintf(err, errlen, "%s: not a wijksim sweep file: %s (expected one written by wijksim sweep)",
                     parts[i], !kind ? "no root attribute 'kind' holding one text" : !hash ? "no spec_hash text"
                                   : "its kind is not \"sweep\"");
            rc = -1, status = -2;
        } else if (read_attr_int(pt[i].file, "runs", &runs) != 0 || read_attr_int(pt[i].file, "replicates", &reps) != 0 ||
                   reps < 1 || reps > 100000 || runs < 0 || runs > (1LL << 32) || runs % reps != 0) {
            snprintf(err, errlen, "%s: not a wijksim sweep file: its root attributes runs and replicates "
                     "are not one whole number each, with replicates from 1 and runs a multiple of them",
                     parts[i]);
            rc = -1, status = -2;
        } else if (i == 0) {
            hash0 = hash, hash = NULL, runs0 = runs, reps0 = reps;
        } else if (strcmp(hash, hash0) != 0) {
            snprintf(err, errlen,
                     "%s: a sweep of another specification (spec hash %s, not %s as %s): only parts of "
                     "one sweep can be merged",
                     parts[i], hash, hash0, parts[0]);
            rc = -1, status = -2;
        } else if (runs != runs0 || reps != reps0) {
            snprintf(err, errlen,
                     "%s: the same specification as %s but %lld runs of %lld replicates, not %lld of %lld: "
                     "a damaged file? only parts of one sweep can be merged",
                     parts[i], parts[0], runs, reps, runs0, reps0);
            rc = -1, status = -2;
        } else if (!same_attr_text(pt[i].file, pt[0].file, "git_commit") ||
                   !same_attr_text(pt[i].file, pt[0].file, "wijksim_version")) {
            snprintf(err, errlen,
                     "%s and %s were written by different wijksim builds (version or commit), whose "
                     "models may differ: run the parts with one build",
                     parts[i], parts[0]);
            rc = -1, status = -2;
        } else if (H5Lexists(pt[i].file, "neighbourhood", H5P_DEFAULT) !=
                   H5Lexists(pt[0].file, "neighbourhood", H5P_DEFAULT)) {
            int det = H5Lexists(pt[i].file, "neighbourhood", H5P_DEFAULT) > 0;
            snprintf(err, errlen,
                     "%s was written %s --detail and %s %s: merge parts written alike (run the odd ones "
                     "again with the same options)",
                     parts[i], det ? "with" : "without", parts[0], det ? "without" : "with");
            rc = -1, status = -2;
        }
        free(kind), free(hash);
        if (rc) break;
        pt[i].runs = H5Dopen2(pt[i].file, "runs", H5P_DEFAULT);
        hid_t ft = pt[i].runs < 0 ? -1 : H5Dget_type(pt[i].runs);
        pt[i].type = ft < 0 ? -1 : H5Tget_native_type(ft, H5T_DIR_ASCEND);
        if (ft >= 0) H5Tclose(ft);
        hid_t sp = pt[i].runs < 0 ? -1 : H5Dget_space(pt[i].runs);
        hsize_t nr = 0;
        if (sp >= 0) H5Sget_simple_extent_dims(sp, &nr, NULL), H5Sclose(sp);
        pt[i].n = nr;
        /* The run table: one row per run, a compound type whose first column is the 64-bit
         * run number (merging reads it as such). */
        int table = pt[i].type >= 0 && H5Tget_class(pt[i].type) == H5T_COMPOUND && H5Tget_nmembers(pt[i].type) >= 1 &&
                    H5Tget_member_offset(pt[i].type, 0) == 0 && H5Tget_member_class(pt[i].type, 0) == H5T_INTEGER &&
                    H5Tget_size(pt[i].type) >= 8 && nr <= (hsize_t)runs0;
        if (table) {
            hid_t m0 = H5Tget_member_type(pt[i].type, 0);
            table = H5Tget_size(m0) == 8;
            H5Tclose(m0);
        }
        if (!table) {
            snprintf(err, errlen, "%s: not a wijksim sweep file: its run table /runs is missing, or not "
                     "one row per run starting with the run number", parts[i]);
            rc = -1, status = -2;
            break;
        }
        pt[i].rows = malloc(H5Tget_size(pt[i].type) * (nr ? nr : 1));
        if (!pt[i].rows || (i > 0 && H5Tequal(pt[i].type, pt[0].type) <= 0) ||
            (nr && H5Dread(pt[i].runs, pt[i].type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pt[i].rows) < 0)) {
            snprintf(err, errlen, "%s: cannot read its run table", parts[i]);
            rc = -1, status = -2;
        }
    }
    if (rc == 0) {
        total = (size_t)runs0;
        src_part = malloc(sizeof *src_part * (total ? total : 1));
        src_row = malloc(sizeof *src_row * (total ? total : 1));
        if (!src_part || !src_row) rc = -1, snprintf(err, errlen, "out of memory");
        for (size_t j = 0; rc == 0 && j < total; j++) src_part[j] = -1;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        size_t rb = H5Tget_size(pt[i].type);
        for (size_t r = 0; r < pt[i].n; r++) {
            int64_t run;
            memcpy(&run, &pt[i].rows[r * rb], sizeof run); /* the first column */
            if (run < 0 || (size_t)run >= total) continue;
            if (src_part[run] < 0) src_part[run] = i, src_row[run] = r; /* a duplicate is the same run */
        }
    }
    size_t missing = 0, first_missing = 0;
    for (size_t j = 0; rc == 0 && j < total; j++)
        if (src_part[j] < 0 && missing++ == 0) first_missing = j;
    if (rc == 0 && missing) {
        snprintf(err, errlen,
                 "%zu of %zu runs are in none of the %d files (the first: point %lld, replicate %lld); "
                 "is a shard missing or unfinished?",
                 missing, total, n, (long long)(first_missing / (size_t)reps0),
                 (long long)(first_missing % (size_t)reps0));
        rc = -1, status = -2;
    }
    output_t *o = NULL;
    if (rc == 0) {
        int orc = output_open(&o, path, force, err, errlen);
        if (orc != 0) rc = -1, status = orc;
    }
    if (rc == 0) {
        long long rows = (long long)total;
        rc |= copy_attrs(pt[0].file, o->file);
        char created[64];
        created_utc(created, sizeof created);
        rc |= attr_str(o->file, "/", "created", created);
        rc |= attr_str(o->file, "/", "shard", "");
        rc |= H5LTset_attribute_long_long(o->file, "/", "runs_in_file", &rows, 1) < 0;
        /* Copied object by object rather than with H5Ocopy, which crashes when a write fails
         * (a full disk) in the HDF5 of Debian 12. */
        for (int c = 0; c < 3 && rc == 0; c++) {
            const char *obj = c == 0 ? "base" : c == 1 ? "points" : "columns";
            rc |= copy_object(pt[0].file, obj, o->file);
        }
        char bad[512] = "";
        int ms = rc ? 0 : merge_series(pt, n, "municipality", o->file, total, src_part, src_row, bad, sizeof bad);
        if (ms == 0 && rc == 0) ms = merge_series(pt, n, "neighbourhood", o->file, total, src_part, src_row, bad, sizeof bad);
        if (ms == -2) {
            snprintf(err, errlen, "not a wijksim sweep file: %s", bad);
            status = -2;
        }
        rc |= ms != 0;
        size_t rb = H5Tget_size(pt[0].type);
        unsigned char *rows_out = malloc(rb * (total ? total : 1));
        if (!rows_out) rc = -1;
        for (size_t j = 0; rc == 0 && j < total; j++)
            memcpy(&rows_out[j * rb], &pt[src_part[j]].rows[src_row[j] * rb], rb);
        hid_t ft = H5Dget_type(pt[0].runs);
        if (rc == 0) rc = write_run_table(o->file, ft, rows_out, total);
        H5Tclose(ft);
        free(rows_out);
        if (rc && status != -2) write_failed(o, err, errlen, "the merged file");
        char cerr[ERR_LEN];
        if (output_close(o, rc == 0, cerr, sizeof cerr) != 0 && rc == 0) {
            snprintf(err, errlen, "%s", cerr);
            rc = -1;
        }
    }
    for (int i = 0; pt && i < n; i++) {
        if (pt[i].type >= 0) H5Tclose(pt[i].type);
        if (pt[i].runs >= 0) H5Dclose(pt[i].runs);
        if (pt[i].file >= 0) H5Fclose(pt[i].file);
        free(pt[i].rows);
    }
    free(pt), free(src_part), free(src_row), free(hash0);
    return rc == 0 ? 0 : status;
}
