/* Sweep files (docs/output.md, Sweeps): the root attributes, /points, /columns, the run table
 * and the series of every run. */
#include "output.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "h5util.h"
#include "outcomes.h"
#include "output_internal.h"
#include "util.h"
#include "version.h"

/* A run-table row: its identity, then one float64 per varied parameter and per outcome and
 * horizon (the row is sizeof(run_row_t) + 8 bytes per value, as in the file). */
typedef struct {
    int64_t run, point, replicate;
    uint64_t seed;
    double value[];
} run_row_t;
#define SWEEP_ID_COLUMNS 4
_Static_assert(sizeof(run_row_t) == SWEEP_ID_COLUMNS * 8,
               "the row's identity is four 8-byte columns");

static size_t sweep_columns(const sweep_spec_t *s) {
    return SWEEP_ID_COLUMNS + (size_t)s->k + (size_t)s->nh * N_OUTCOMES;
}

/* A factor's column name: its label ("team.fte", "specialist.places[3]") as an identifier
 * ("team_fte", "specialist_places_3"), so that pandas (df.team_fte, df.query) and R take it as
 * it is. Every other character becomes one '_', none at the end. */
void output_column_name(char *name, size_t len, const char *label) {
    size_t n = 0;
    for (const char *p = label; *p && n + 1 < len; p++) {
        if (isalnum((unsigned char)*p) || *p == '_')
            name[n++] = *p;
        else if (n && name[n - 1] != '_')
            name[n++] = '_';
    }
    while (n && name[n - 1] == '_')
        n--;
    name[n] = '\0';
}

/* The name of float64 column c (c >= SWEEP_ID_COLUMNS), its unit and description. */
static void sweep_column(const sweep_spec_t *s, size_t c, char *name, size_t len, const char **unit,
                         const char **label, const char **desc) {
    size_t j = c - SWEEP_ID_COLUMNS;
    if (j < (size_t)s->k) {
        output_column_name(name, len, s->f[j].label);
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
    "Run index: point x replicates + replicate.", "Design point (row of /points).",
    ("Replicate: the run's random streams are (seed, replicate), the same at every point "
     "(common random numbers)."),
    "Base seed of the sweep."};

/* The compound type of a run-table row. */
static hid_t sweep_row_type(const sweep_spec_t *s) {
    size_t nc = sweep_columns(s);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(run_row_t) + (nc - SWEEP_ID_COLUMNS) * sizeof(double));
    H5Tinsert(t, sweep_id_names[0], offsetof(run_row_t, run), H5T_STD_I64LE);
    H5Tinsert(t, sweep_id_names[1], offsetof(run_row_t, point), H5T_STD_I64LE);
    H5Tinsert(t, sweep_id_names[2], offsetof(run_row_t, replicate), H5T_STD_I64LE);
    H5Tinsert(t, sweep_id_names[3], offsetof(run_row_t, seed), H5T_STD_U64LE);
    for (size_t c = SWEEP_ID_COLUMNS; c < nc; c++) {
        char name[160];
        const char *u, *l, *d;
        sweep_column(s, c, name, sizeof name, &u, &l, &d);
        H5Tinsert(t, name, offsetof(run_row_t, value) + (c - SWEEP_ID_COLUMNS) * sizeof(double),
                  H5T_IEEE_F64LE);
    }
    return t;
}

/* /columns: name, kind, unit, label, parameter and description of every column of /runs, and
 * the coordinates `column` (the column names) and `factor` (the factors' column names). */
static int write_sweep_columns(hid_t file, const sweep_spec_t *s) {
    typedef struct {
        char name[96], kind[16], unit[64], label[96], parameter[96], description[320];
    } col_t;
    size_t nc = sweep_columns(s);
    col_t *cols = calloc(nc, sizeof *cols);
    if (!cols) return -1;
    for (size_t c = 0; c < nc; c++) {
        const char *u = "", *l = "", *d = sweep_id_desc[c < SWEEP_ID_COLUMNS ? c : 0];
        if (c < SWEEP_ID_COLUMNS)
            snprintf(cols[c].name, sizeof cols[c].name, "%s", l = sweep_id_names[c]);
        else
            sweep_column(s, c, cols[c].name, sizeof cols[c].name, &u, &l, &d);
        snprintf(cols[c].kind, sizeof cols[c].kind, "%s",
                 c < SWEEP_ID_COLUMNS                  ? "id"
                 : c < SWEEP_ID_COLUMNS + (size_t)s->k ? "factor"
                                                       : "outcome");
        snprintf(cols[c].unit, sizeof cols[c].unit, "%s", u);
        snprintf(cols[c].label, sizeof cols[c].label, "%s", l);
        size_t j = c - SWEEP_ID_COLUMNS;
        if (c >= SWEEP_ID_COLUMNS && j < (size_t)s->k) /* the parameter the column varies */
            snprintf(cols[c].parameter, sizeof cols[c].parameter, "%s", s->f[j].label);
        snprintf(cols[c].description, sizeof cols[c].description, "%s", d);
    }
    enum { NF = 6 };
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(col_t)), str[NF];
    size_t sizes[NF] = {96, 16, 64, 96, 96, 320};
    size_t offs[NF] = {HOFFSET(col_t, name),      HOFFSET(col_t, kind),
                       HOFFSET(col_t, unit),      HOFFSET(col_t, label),
                       HOFFSET(col_t, parameter), HOFFSET(col_t, description)};
    const char *names[NF] = {"name", "kind", "unit", "label", "parameter", "description"};
    for (int i = 0; i < NF; i++) {
        str[i] = H5Tcopy(H5T_C_S1);
        H5Tset_size(str[i], sizes[i]);
        H5Tset_cset(str[i], H5T_CSET_UTF8);
        H5Tinsert(t, names[i], offs[i], str[i]);
    }
    hsize_t dims[1] = {nc};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(file, "columns", t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int rc = d < 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, cols) < 0;
    if (d >= 0) H5Dclose(d);
    for (int i = 0; i < NF; i++)
        H5Tclose(str[i]);
    H5Tclose(t), H5Sclose(space), H5Pclose(dcpl);
    const char **cn = malloc(sizeof *cn * nc);
    for (size_t c = 0; cn && c < nc; c++)
        cn[c] = cols[c].name;
    if (rc == 0)
        rc |= !cn ||
              h5_describe(file, "columns", "",
                          "The columns of /runs: kind id, factor (a varied parameter, named in "
                          "`parameter`) or outcome (NAME_yH: outcome NAME at horizon year H, "
                          "docs/output.md, Outcomes); each one's unit in `unit`.",
                          "column") ||
              h5_coord(file, "column", (int)nc, NULL, cn, "", "Column of /runs.") ||
              h5_coord(file, "factor", s->k, NULL, cn + SWEEP_ID_COLUMNS, "",
                       "Factor: a varied parameter, by its column of /runs (its parameter name in "
                       "/columns).");
    free(cn);
    free(cols);
    return rc ? -1 : 0;
}

int output_begin_sweep(output_t *o, const sweep_file_t *sf, char *err, size_t errlen) {
    const sweep_spec_t *s = sf->spec;
    run_opts_t ro = {.seed = s->seed, .replicates = s->replicates};
    if (output_alloc_groups(o, 1, &ro, err, errlen) != 0) return -1;
    o->spec = s;
    o->points = sf->points;
    o->nrows = sf->rows;
    o->rowbytes = sizeof(run_row_t) + (sweep_columns(s) - SWEEP_ID_COLUMNS) * sizeof(double);
    o->rows = calloc(sf->rows ? sf->rows : 1, o->rowbytes);
    if (!o->rows) return snprintf(err, errlen, "out of memory for the run table"), -1;
    const params_t *p = &s->base.params;
    int rc = output_write_root(o, "sweep", p, &ro);
    char hash[32], shard[32] = "", labels[4096];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->hash);
    if (sf->nshards > 1) snprintf(shard, sizeof shard, "%d/%d", sf->shard, sf->nshards);
    const char **lab = malloc(sizeof *lab * (size_t)s->k);
    if (!lab) return snprintf(err, errlen, "out of memory"), -1;
    for (int j = 0; j < s->k; j++)
        lab[j] = s->f[j].label;
    output_joined(labels, sizeof labels, lab, s->k);
    free(lab);
    rc |= h5_attr_str(o->file, "/", "spec", s->text);
    rc |= h5_attr_str(o->file, "/", "spec_file", sf->spec_path);
    rc |= h5_attr_str(o->file, "/", "spec_hash", hash);
    rc |= h5_attr_str(o->file, "/", "design", design_names[s->design]);
    rc |= h5_attr_str(o->file, "/", "factors", labels);
    rc |= h5_attr_str(o->file, "/", "shard", shard);
    rc |= h5_attr_int(o->file, "/", "points", H5T_NATIVE_LLONG, (long long)sf->npoints);
    rc |=
        h5_attr_int(o->file, "/", "runs", H5T_NATIVE_LLONG, (long long)sf->npoints * s->replicates);
    rc |= h5_attr_int(o->file, "/", "runs_in_file", H5T_NATIVE_LLONG, (long long)sf->rows);
    /* A list, however many horizons: an array. */
    rc |= H5LTset_attribute_int(o->file, "/", "horizon_years", s->horizons, (size_t)s->nh) < 0;
    rc |= h5_attr_int(o->file, "/", "neighbourhoods", H5T_NATIVE_INT,
                      (int)p->world_neighbourhoods[0]);
    hid_t gb = h5_group(o->file, "base");
    rc |= gb < 0 || output_write_scenario(gb, &s->base);
    if (gb >= 0) H5Gclose(gb);
    hsize_t pd[2] = {(hsize_t)sf->npoints, (hsize_t)s->k};
    hid_t space = H5Screate_simple(2, pd, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(o->file, "points", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    rc |= d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, sf->points) < 0;
    if (d >= 0) H5Dclose(d);
    H5Sclose(space), H5Pclose(dcpl);
    rc |= h5_attr_str(o->file, "points", "factors", labels);
    rc |= h5_describe(o->file, "points", "",
                      "The design: factor values (columns, named by the attribute factors; each "
                      "in its parameter's unit, /columns) of every point; every point runs every "
                      "replicate.",
                      "point,factor");
    rc |= h5_coord(o->file, "point", (int)sf->npoints, NULL, NULL, "1",
                   "Design point (a row of /points).");
    rc |= write_sweep_columns(o->file, s);
    rc |= output_begin_group(&o->g[0], o->file, p, (int)sf->rows, "run", sf->detail);
    if (rc) output_write_failed(o, err, errlen, "the HDF5 header");
    return rc ? -1 : 0;
}

int output_sweep_run(output_t *o, size_t row, int point, int replicate, const double *mu_raw,
                     const double *nb_raw) {
    const sweep_spec_t *s = o->spec;
    run_group_t *g = &o->g[0];
    run_row_t *r = (run_row_t *)(void *)&o->rows[row * o->rowbytes]; /* rowbytes: a multiple of 8 */
    r->run = (int64_t)point * s->replicates + replicate;
    r->point = point;
    r->replicate = replicate;
    r->seed = s->seed;
    memcpy(r->value, &o->points[(size_t)point * s->k], sizeof(double) * (size_t)s->k);
    int rc = 0;
    for (int h = 0; h < s->nh; h++)
        outcomes_compute(mu_raw, g->weeks, s->horizons[h], &r->value[s->k + h * N_OUTCOMES]);
    if (rc == 0) rc = output_write_values(g, (int)row, mu_raw, nb_raw, g->weeks);
    if (rc && o->err) {
        char what[64];
        snprintf(what, sizeof what, "run %lld", (long long)r->run);
        output_write_failed(o, o->err, o->errlen, what);
    }
    return rc ? -1 : 0;
}

/* The run table, rows of rowbytes in the file's layout. */
int output_write_run_table(hid_t file, hid_t type, hid_t mem_type, const void *rows, size_t n) {
    hsize_t dims[1] = {n}, chunk[1] = {n < 1024 ? (n ? n : 1) : 1024};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    H5Pset_chunk(dcpl, 1, chunk);
    H5Pset_deflate(dcpl, 4);
    hid_t d = H5Dcreate2(file, "runs", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int rc = d < 0 || (n && H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0);
    if (d >= 0) H5Dclose(d);
    H5Sclose(space), H5Pclose(dcpl);
    if (rc == 0)
        rc |= h5_describe(
            file, "runs", "",
            "One row per run: its identity, the values of the varied parameters and its "
            "outcomes per horizon year; /columns gives every column's unit. "
            "pandas.DataFrame(h5py.File(f)['runs'][:]) loads it.",
            "run");
    /* The run of each row (the first column, an int64): the coordinate `run`. */
    size_t rb = H5Tget_size(mem_type);
    long long *run = malloc(sizeof *run * (n ? n : 1));
    for (size_t r = 0; run && r < n; r++) {
        int64_t v;
        memcpy(&v, (const unsigned char *)rows + r * rb, sizeof v);
        run[r] = v;
    }
    if (rc == 0)
        rc |= !run || n > INT32_MAX ||
              h5_coord(file, "run", (int)n, run, NULL, "1", output_run_desc) ||
              output_first_coord(file, "run", (int)n, run);
    free(run);
    return rc ? -1 : 0;
}

int output_end_sweep(output_t *o) {
    hid_t t = sweep_row_type(o->spec);
    int rc = output_write_run_table(o->file, t, t, o->rows, o->nrows);
    H5Tclose(t);
    free(o->rows);
    o->rows = NULL;
    if (rc && o->err) output_write_failed(o, o->err, o->errlen, "the run table");
    return rc;
}
