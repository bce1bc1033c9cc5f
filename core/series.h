/* The output series registry (core/series.def) as C: ids, value offsets and a table.
 *
 * Each neighbourhood accumulates one week of values in a flat double array of N_VALUES;
 * series `x` occupies OFF_x .. OFF_x + width - 1 (domain-major for SDS). Models add to it by
 * offset; the engine copies it each week, sums neighbourhoods into the municipality and
 * computes ratios at output time. */
#ifndef WIJKSIM_SERIES_H
#define WIJKSIM_SERIES_H

#include <stdio.h>

#include "core/domain.h"

/* K_COST is a flow in euros that counts towards cost_total; K_COST_TOTAL is their sum. */
typedef enum { K_FLOW, K_STOCK, K_RATIO, K_COST, K_COST_TOTAL, K_MAX } series_kind_t;
typedef enum { S1, SD, SDS } series_shape_t;

#define WIDTH_S1 1
#define WIDTH_SD N_DOMAINS
#define WIDTH_SDS (N_DOMAINS * N_SEVERITIES)

typedef enum {
#define SERIES(id, name, shape, kind, num, den, unit, desc) SID_##id,
#include "core/series.def"
#undef SERIES
    N_SERIES,
    SID_NONE = -1
} series_id_t;

enum {
#define SERIES(id, name, shape, kind, num, den, unit, desc)                                        \
    OFF_##id, OFF_END_##id = OFF_##id + WIDTH_##shape - 1,
#include "core/series.def"
#undef SERIES
    N_VALUES
};

typedef struct {
    const char *name;
    series_shape_t shape;
    series_kind_t kind;
    int num, den; /* series ids for K_RATIO, else SID_NONE */
    const char *unit;
    const char *description;
    int offset, width;
} series_info_t;

extern const series_info_t series_table[N_SERIES];
extern const char *const series_kind_names[];

/* Fills ratio series in a value vector whose other series are already summed. */
void series_fill_ratios(double *values);
/* Municipality sums mu[week][value] of values[week][neighbourhood][value] (ratios not filled;
 * K_MAX series take the largest neighbourhood value instead of the sum). */
void series_municipality(const double *values, int weeks, int nnbh, double *mu);
/* Sets every K_COST_TOTAL series to the sum of all K_COST values. */
void series_sum_costs(double *values);
/* docs/output.md. */
void series_write_markdown(FILE *f);

#endif
