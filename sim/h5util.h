/* Small HDF5 helpers every writer and reader of wijksim files uses: objects without
 * timestamps (equal runs give equal files), slab writes, readers that check an attribute's
 * type and size before they read it, and the netCDF-4 conventions researchers' tools expect
 * (xarray with h5netcdf, HDFView): text as UTF-8, single values as scalars, and every
 * dimension a dimension scale.
 *
 * Dimensions: every dataset of rank 1 or more carries a `dims` attribute naming its dimensions
 * ("replicate,week,domain"). A coordinate is a rank-1 dataset whose `dims` is its own name
 * (`week` with dims "week", as in netCDF); h5_attach_dims makes it a dimension scale and
 * attaches it to every dataset of its group, or of a group below, that names it. The `dims`
 * attributes are the one source: merge copies datasets without the scales' references (they
 * point into the file they came from) and attaches them again the same way. */
#ifndef WIJKSIM_H5UTIL_H
#define WIJKSIM_H5UTIL_H

#include <hdf5.h>

/* A text attribute on object obj of loc (value NULL: ""): one UTF-8 value (scalar dataspace,
 * fixed length, null-terminated). 0 or -1. */
int h5_attr_str(hid_t loc, const char *obj, const char *name, const char *value);
/* An integer attribute on object obj of loc holding one value (scalar dataspace), stored as
 * type (H5T_NATIVE_INT, H5T_NATIVE_LLONG, H5T_NATIVE_ULONG ...). 0 or -1. */
int h5_attr_int(hid_t loc, const char *obj, const char *name, hid_t type, long long value);
/* The same for an unsigned 64-bit value (a seed), stored as type. 0 or -1. */
int h5_attr_u64(hid_t loc, const char *obj, const char *name, hid_t type, unsigned long long value);
/* The attributes every wijksim dataset carries: `units` (the CF name) and `unit` (the name older
 * readers use) holding unit, `description` and, with dims non-NULL, `dims`. 0 or -1. */
int h5_describe(hid_t loc, const char *obj, const char *unit, const char *description,
                const char *dims);
/* A coordinate `name` of n integers (v NULL: 0 .. n-1), or with names non-NULL of n texts
 * (variable-length UTF-8), described as h5_describe does, with dims = name. 0 or -1. */
int h5_coord(hid_t loc, const char *name, int n, const long long *v, const char *const *names,
             const char *unit, const char *description);
/* Makes every coordinate of group g (a rank-1 dataset whose `dims` is its name) a dimension
 * scale, and attaches to each dimension of every other dataset of g with a `dims` attribute the
 * coordinate of that name in g or the nearest group above it. Datasets already attached are
 * left as they are, so it may run again after more datasets are written. 0; -1 when a dataset
 * names a dimension no coordinate provides, or an HDF5 call fails. */
int h5_attach_dims(hid_t g);
/* A group without timestamps. */
hid_t h5_group(hid_t loc, const char *name);
/* A chunked, compressed float64 dataset without timestamps, filled with NaN. */
hid_t h5_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims, const hsize_t *chunk);
/* A small float64 dataset of n values, written at once. 0 or -1. */
int h5_small_dataset(hid_t loc, const char *name, int n, const double *v);
/* Writes count values from start of dataset d (rank dimensions) from buf. 0 or -1. */
int h5_write_slab(hid_t d, int rank, const hsize_t *start, const hsize_t *count, const double *buf);

/* Copies every attribute of from to to, but the dimension-scale attributes (CLASS, NAME,
 * DIMENSION_LIST, REFERENCE_LIST: references into from's file, h5_attach_dims makes them
 * again). 0 or -1. */
int h5_copy_attrs(hid_t from, hid_t to);
/* Copies object name (a group with everything in it, or a dataset, with their attributes) from
 * loc from to loc to, object by object (H5Ocopy crashes in Debian 12's HDF5 when a write
 * fails). Hard links only, each object once, at most 16 deep. 0; -2 when the source holds what
 * wijksim never writes (soft or external links, a link back up the tree, more than 256
 * objects, named types); -1 when a write failed. */
int h5_copy_object(hid_t from, const char *name, hid_t to);
/* A text attribute holding one value (fixed or variable length, ASCII or UTF-8), malloc'd; NULL
 * when missing, not text or not one value. */
char *h5_read_attr_text(hid_t loc, const char *name);
/* An attribute holding one integer into *v: 0, or -1 when missing, not an integer or not one
 * value (a scalar, or an array of one as older files hold). */
int h5_read_attr_int(hid_t loc, const char *name, long long *v);
/* True when attribute name has the same text on a and b. */
int h5_same_attr_text(hid_t a, hid_t b, const char *name);
/* True when attribute name of loc holds one value in a scalar dataspace (this layout), false
 * for a missing attribute or an array (older files wrote arrays of one). */
int h5_attr_is_scalar(hid_t loc, const char *name);

#endif
