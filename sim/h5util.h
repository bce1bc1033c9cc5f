/* Small HDF5 helpers every writer and reader of wijksim files uses: objects without
 * timestamps (equal runs give equal files), slab writes, and readers that check an
 * attribute's type and size before they read it. */
#ifndef WIJKSIM_H5UTIL_H
#define WIJKSIM_H5UTIL_H

#include <hdf5.h>

/* A text attribute on object obj of loc (value NULL: ""). 0 or -1. */
int h5_attr_str(hid_t loc, const char *obj, const char *name, const char *value);
/* A group without timestamps. */
hid_t h5_group(hid_t loc, const char *name);
/* A chunked, compressed float64 dataset without timestamps, filled with NaN. */
hid_t h5_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims, const hsize_t *chunk);
/* A small float64 dataset of n values, written at once. 0 or -1. */
int h5_small_dataset(hid_t loc, const char *name, int n, const double *v);
/* Writes count values from start of dataset d (rank dimensions) from buf. 0 or -1. */
int h5_write_slab(hid_t d, int rank, const hsize_t *start, const hsize_t *count, const double *buf);

/* Copies every attribute of from to to. 0 or -1. */
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
 * value. */
int h5_read_attr_int(hid_t loc, const char *name, long long *v);
/* True when attribute name has the same text on a and b. */
int h5_same_attr_text(hid_t a, hid_t b, const char *name);

#endif
