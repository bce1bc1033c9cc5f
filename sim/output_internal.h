/* What the writers of sim/output.c (runs and comparisons), sim/output_sweep.c (sweeps) and
 * sim/merge.c (merged sweeps) share; not for use outside them. */
#ifndef WIJKSIM_OUTPUT_INTERNAL_H
#define WIJKSIM_OUTPUT_INTERNAL_H

#include <hdf5.h>

#include "output.h"
#include "outcomes.h"
#include "core/series.h"

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

/* "TARGET: could not write WHAT: REASON" into err, the reason from HDF5's error stack. */
void output_write_failed(const output_t *o, char *err, size_t errlen, const char *what);
/* names[n] joined with commas into buf. */
void output_joined(char *buf, size_t len, const char *const *names, int n);
/* The scenario's texts and parameters under loc. 0 or -1. */
int output_write_scenario(hid_t loc, const scenario_t *s);
/* The root attributes of a run or comparison file of this kind. 0 or -1. */
int output_write_root(output_t *o, const char *kind, const params_t *p, const run_opts_t *ro);
/* n run groups, each for ro's replicates. 0, or -1 with err. */
int output_alloc_groups(output_t *o, int n, const run_opts_t *ro, char *err, size_t errlen);
/* The series datasets of run group g under loc, rows rows long. 0 or -1. */
int output_begin_group(run_group_t *g, hid_t loc, const params_t *p, int rows, const char *first,
                       int detail);
/* Row row of g's series from the municipality sums and the neighbourhood values. 0 or -1. */
int output_write_values(run_group_t *g, int row, const double *mu_raw, const double *nb_raw,
                        int weeks);
/* The coordinates week, domain, severity (and neighbourhood) of the series groups
 * /municipality and /neighbourhood under loc, those that exist. 0 or -1. */
int output_series_coords(hid_t loc, int weeks, int nnbh);
/* Whether a dataset of a series group is one of the coordinates above (or the first
 * dimension's), not a series. */
int output_is_series_coord(const char *name);
/* The descriptions of the coordinates replicate and run. */
extern const char output_replicate_desc[], output_run_desc[];
/* The coordinate of the series' first dimension, `first` (replicate, or run with v the run of
 * each row; v NULL: 0 .. n-1), in the series groups under loc. 0 or -1. */
int output_first_coord(hid_t loc, const char *first, int n, const long long *v);
/* The run table /runs of a sweep file: n rows laid out as mem_type (the run number, an int64,
 * first), stored as type, and the coordinate `run` of the file's root and series groups. 0 or
 * -1. */
int output_write_run_table(hid_t file, hid_t type, hid_t mem_type, const void *rows, size_t n);

#endif
