/* Fuzzes the HDF5 readers of `wijksim merge` (sim/merge.c, output_merge_sweeps) with damaged
 * and foreign sweep files. Random bytes as an HDF5 file would mostly test HDF5's own parser;
 * this harness instead starts from a real sweep file (WIJKSIM_FUZZ_SWEEP, written by `wijksim
 * sweep`) and lets the input choose up to six edits made with the HDF5 API: root attributes
 * replaced by other types, shapes and values (fixed or variable-length text in ASCII or UTF-8,
 * integers, reals, arrays), series replaced by datasets of other ranks, shapes and types, the
 * run table replaced (other columns, rank 2) or removed, groups removed, links back up the
 * tree (hard or soft), series of huge chunked shapes. The edited file and the original are then
 * merged; whatever was edited, merge must return an error or a file, never crash. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/config.h"
#include "sim/output.h"
#include "fuzz.h"

typedef struct {
    const uint8_t *p;
    size_t n;
} in_t;

static unsigned take(in_t *in) {
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

static int copy_file(const char *from, const char *to) {
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    char buf[65536];
    size_t got;
    int rc = a && b ? 0 : -1;
    while (rc == 0 && (got = fread(buf, 1, sizeof buf, a)) > 0)
        if (fwrite(buf, 1, got, b) != got) rc = -1;
    if (a) fclose(a);
    if (b && fclose(b) != 0) rc = -1;
    return rc;
}

/* A type chosen by the input: fixed text, variable text (ASCII or UTF-8), integers, a real. */
static hid_t pick_type(in_t *in, int *vlen) {
    unsigned k = take(in) % 7;
    *vlen = 0;
    hid_t t;
    switch (k) {
    case 0:
        t = H5Tcopy(H5T_C_S1), H5Tset_size(t, 1 + take(in) % 80);
        break;
    case 1:
        t = H5Tcopy(H5T_C_S1), H5Tset_size(t, H5T_VARIABLE), *vlen = 1;
        break;
    case 2:
        t = H5Tcopy(H5T_C_S1), H5Tset_size(t, H5T_VARIABLE), H5Tset_cset(t, H5T_CSET_UTF8),
        *vlen = 1;
        break;
    case 3:
        t = H5Tcopy(H5T_NATIVE_INT);
        break;
    case 4:
        t = H5Tcopy(H5T_NATIVE_LLONG);
        break;
    case 5:
        t = H5Tcopy(H5T_NATIVE_UCHAR);
        break;
    default:
        t = H5Tcopy(H5T_NATIVE_DOUBLE);
        break;
    }
    return t;
}

/* A dataspace chosen by the input: scalar or one dimension of 0 to 4,000 elements. */
static hid_t pick_space(in_t *in, hsize_t *n) {
    unsigned k = take(in);
    if (k % 3 == 0) return *n = 1, H5Screate(H5S_SCALAR);
    hsize_t d = k % 3 == 1 ? 1 + take(in) % 4 : (hsize_t)take(in) * 16;
    *n = d;
    return H5Screate_simple(1, &d, NULL);
}

static void put_attr(hid_t loc, const char *name, in_t *in) {
    int vlen;
    hid_t t = pick_type(in, &vlen);
    hsize_t n;
    hid_t sp = pick_space(in, &n);
    size_t size = vlen ? sizeof(char *) : H5Tget_size(t);
    unsigned char *buf = calloc(n ? n : 1, size);
    static char text[64];
    for (size_t i = 0; buf && i < sizeof text - 1; i++)
        text[i] = (char)(take(in) | 1);
    text[sizeof text - 1] = '\0';
    if (buf && vlen)
        for (hsize_t i = 0; i < n; i++)
            ((char **)buf)[i] = text + (take(in) % 8);
    else if (buf)
        for (size_t i = 0; i < n * size && i < 64; i++)
            buf[i] = (unsigned char)take(in);
    if (H5Aexists(loc, name) > 0) H5Adelete(loc, name);
    hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0 && buf) H5Awrite(a, t, buf);
    if (a >= 0) H5Aclose(a);
    free(buf);
    H5Sclose(sp), H5Tclose(t);
}

static const char *const root_attrs[] = {"kind",         "spec_hash",  "runs",
                                         "replicates",   "git_commit", "wijksim_version",
                                         "runs_in_file", "shard"};

static void edit(hid_t f, in_t *in) {
    char name[300];
    unsigned op = take(in) % 11;
    if (op == 0) {
        put_attr(f, root_attrs[take(in) % 8], in);
    } else if (op == 1) {
        const char *a = root_attrs[take(in) % 8];
        if (H5Aexists(f, a) > 0) H5Adelete(f, a);
    } else if (op == 2 || op == 3) { /* a series replaced (op 2) or removed (op 3) */
        hid_t g = H5Gopen2(f, "municipality", H5P_DEFAULT);
        H5G_info_t info;
        if (g < 0 || H5Gget_info(g, &info) < 0 || info.nlinks == 0) {
            if (g >= 0) H5Gclose(g);
            return;
        }
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, take(in) % info.nlinks, name,
                           sizeof name, H5P_DEFAULT);
        H5Ldelete(g, name, H5P_DEFAULT);
        if (op == 2) {
            int rank = 1 + take(in) % 12;
            hsize_t dims[12];
            for (int r = 0; r < rank; r++)
                dims[r] = take(in) % 6;
            hid_t sp = H5Screate_simple(rank, dims, NULL);
            hid_t t = take(in) & 1 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT;
            hid_t d = H5Dcreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (d >= 0) H5Dclose(d);
            H5Sclose(sp);
        }
        H5Gclose(g);
    } else if (op == 4) { /* the run table replaced by a table of other columns */
        H5Ldelete(f, "runs", H5P_DEFAULT);
        int cols = take(in) % 5;
        hid_t t = cols ? H5Tcreate(H5T_COMPOUND, (size_t)cols * 8) : H5Tcopy(H5T_NATIVE_LLONG);
        for (int c = 0; c < cols; c++) {
            snprintf(name, sizeof name, "c%d", c);
            unsigned k = take(in) % 3;
            H5Tinsert(t, name, (size_t)c * 8,
                      k == 0   ? H5T_NATIVE_LLONG
                      : k == 1 ? H5T_NATIVE_DOUBLE
                               : H5T_NATIVE_INT);
        }
        hsize_t n = take(in) % 40;
        hid_t sp = H5Screate_simple(1, &n, NULL);
        unsigned char *rows = calloc(n ? n : 1, H5Tget_size(t));
        for (size_t i = 0; rows && i < n * H5Tget_size(t); i++)
            rows[i] = (unsigned char)take(in);
        hid_t d = H5Dcreate2(f, "runs", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (d >= 0 && rows && n) H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows);
        if (d >= 0) H5Dclose(d);
        free(rows);
        H5Sclose(sp), H5Tclose(t);
    } else if (op == 5) {
        static const char *const objs[] = {"runs", "base", "points", "columns", "municipality"};
        H5Ldelete(f, objs[take(in) % 5], H5P_DEFAULT);
    } else if (op == 6) { /* an attribute of odd type on a series (merge copies them) */
        hid_t g = H5Gopen2(f, "municipality", H5P_DEFAULT);
        H5G_info_t info;
        if (g >= 0 && H5Gget_info(g, &info) >= 0 && info.nlinks) {
            H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, take(in) % info.nlinks, name,
                               sizeof name, H5P_DEFAULT);
            hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
            if (d >= 0) put_attr(d, "unit", in), H5Dclose(d);
        }
        if (g >= 0) H5Gclose(g);
    } else if (op == 7) { /* an attribute of odd type inside /base */
        hid_t g = H5Gopen2(f, "base", H5P_DEFAULT);
        if (g >= 0) put_attr(g, take(in) & 1 ? "config" : "label", in), H5Gclose(g);
    } else if (op == 8) { /* a run table of rank 2 (rows of several runs) */
        hid_t d = H5Dopen2(f, "runs", H5P_DEFAULT);
        hid_t t = d >= 0 ? H5Dget_type(d) : -1;
        if (d >= 0) H5Dclose(d);
        if (t >= 0) {
            H5Ldelete(f, "runs", H5P_DEFAULT);
            hsize_t dims[2] = {take(in) % 8, 1 + take(in) % 4};
            hid_t sp = H5Screate_simple(2, dims, NULL);
            hid_t nd = H5Dcreate2(f, "runs", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (nd >= 0) H5Dclose(nd);
            H5Sclose(sp), H5Tclose(t);
        }
    } else if (op == 9) { /* a link back up the tree, hard or soft */
        if (take(in) & 1)
            H5Lcreate_hard(f, "base", f, "base/loop", H5P_DEFAULT, H5P_DEFAULT);
        else
            H5Lcreate_soft("/base", f, "base/up", H5P_DEFAULT, H5P_DEFAULT);
    } else { /* a series with a huge, chunked shape (nothing written) */
        hid_t g = H5Gopen2(f, "municipality", H5P_DEFAULT);
        H5G_info_t info;
        if (g >= 0 && H5Gget_info(g, &info) >= 0 && info.nlinks) {
            H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, take(in) % info.nlinks, name,
                               sizeof name, H5P_DEFAULT);
            H5Ldelete(g, name, H5P_DEFAULT);
            hsize_t dims[3] = {4, (hsize_t)1 << (take(in) % 40), (hsize_t)1 << (take(in) % 40)};
            hsize_t chunk[3] = {1, 1, 16};
            hid_t sp = H5Screate_simple(3, dims, NULL), pl = H5Pcreate(H5P_DATASET_CREATE);
            H5Pset_chunk(pl, 3, chunk);
            hid_t d = H5Dcreate2(g, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
            if (d >= 0) H5Dclose(d);
            H5Pclose(pl), H5Sclose(sp);
        }
        if (g >= 0) H5Gclose(g);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *tmpl = getenv("WIJKSIM_FUZZ_SWEEP");
    if (!tmpl) {
        fprintf(stderr,
                "fuzz_merge: set WIJKSIM_FUZZ_SWEEP to a small sweep file (make fuzz does)\n");
        abort();
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    char part[512], out[512];
    snprintf(part, sizeof part, "%s/part.h5", fuzz_dir());
    snprintf(out, sizeof out, "%s/merged.h5", fuzz_dir());
    if (copy_file(tmpl, part) != 0) abort();
    hid_t f = H5Fopen(part, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) abort();
    in_t in = {data, size};
    for (int k = 0, edits = 1 + (int)(take(&in) % 6); k < edits && in.n; k++)
        edit(f, &in);
    H5Fclose(f);
    const char *parts[2] = {part, tmpl};
    char err[ERR_LEN];
    output_merge_sweeps(parts, 1 + (size > 0 && (data[0] & 0x80)), out, 1, err, sizeof err);
    unlink(out);
    return 0;
}
