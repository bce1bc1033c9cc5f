/* wijksim merge: shards of one sweep (or whole sweeps) into one sweep file, every run once, in
 * run order. Every attribute and dataset read is checked for type, rank, shape and count
 * first: a foreign or damaged file is refused with what is wrong, never read past. */
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
#include <unistd.h>

#include "files.h"
#include "h5util.h"
#include "outcomes.h"
#include "output_internal.h"
#include "util.h"
#include "version.h"

typedef struct {
    hid_t file, runs, type;
    size_t n;
    unsigned char *rows;
} part_t;

/* The length of the rank-1 dataset name of loc, or -1. */
static long long coord_length(hid_t loc, const char *name) {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return -1;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT), sp = d < 0 ? -1 : H5Dget_space(d);
    hsize_t n = 0;
    int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1;
    if (ok) H5Sget_simple_extent_dims(sp, &n, NULL);
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    return ok ? (long long)n : -1;
}

/* The shape a series of this name has in a sweep file of `weeks` weeks and `nnbh`
 * neighbourhoods (docs/output.md): its rank, and dims[1..] (dims[0] is the runs). 0, or -1 for a
 * name the registry does not have. */
static int expected_shape(const char *group, const char *ds, hsize_t weeks, hsize_t nnbh, int *rank,
                          hsize_t *dims) {
    for (int i = 0; i < N_SERIES; i++) {
        if (strcmp(series_table[i].name, ds) != 0) continue;
        int extra = series_table[i].shape == S1 ? 0 : series_table[i].shape == SD ? 1 : 2;
        int nb = strcmp(group, "neighbourhood") == 0;
        *rank = 2 + nb + extra;
        dims[1] = weeks;
        if (nb) dims[2] = nnbh;
        if (extra >= 1) dims[2 + nb] = N_DOMAINS;
        if (extra == 2) dims[3 + nb] = N_SEVERITIES;
        return 0;
    }
    return -1;
}

static int merge_series(part_t *pt, int np, const char *name, hid_t out, size_t total,
                        const int *src_part, const size_t *src_row, hsize_t weeks, hsize_t nnbh,
                        char *bad, size_t badlen) {
    hid_t g0 = H5Gopen2(pt[0].file, name, H5P_DEFAULT);
    if (g0 < 0 && strcmp(name, "municipality") == 0) {
        snprintf(bad, badlen, "no /municipality series");
        return -2;
    }
    if (g0 < 0) return 0; /* no neighbourhood detail (the same in every part: checked before) */
    hid_t go = h5_group(out, name);
    H5G_info_t info;
    int rc = go < 0 || H5Gget_info(g0, &info) < 0;
    hid_t *src = calloc((size_t)np, sizeof *src);
    if (!src) rc = -1;
    for (int p = 1; p < np && rc == 0; p++) { /* the same series in every part */
        hid_t gp = H5Gopen2(pt[p].file, name, H5P_DEFAULT);
        H5G_info_t ip;
        if (gp < 0 || H5Gget_info(gp, &ip) < 0 || ip.nlinks != info.nlinks) {
            snprintf(bad, badlen, "%s holds other series than the first part's in /%s", "a part",
                     name);
            rc = -2;
        }
        if (gp >= 0) H5Gclose(gp);
    }
    for (hsize_t i = 0; i < info.nlinks && rc == 0; i++) {
        char ds[256] = "";
        if (H5Lget_name_by_idx(g0, ".", H5_INDEX_NAME, H5_ITER_INC, i, ds, sizeof ds, H5P_DEFAULT) <
            0) {
            snprintf(bad, badlen, "series %s: a member whose name cannot be read", name);
            rc = -2;
            break;
        }
        if (output_is_series_coord(ds)) continue; /* made again below, as a sweep makes them */
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
            for (int r = 1; ok && r < rank; r++)
                ok = pd[r] == dims[r];
            if (ok) ok = pd[0] >= pt[p].n;
            /* Stored in the file itself: external raw-data files or a virtual layout would read
             * (and, copied, write) other files. */
            hid_t pl = ok ? H5Dget_create_plist(src[p]) : -1;
            if (pl >= 0) {
                H5D_layout_t lay = H5Pget_layout(pl);
                ok = H5Pget_external_count(pl) == 0 &&
                     (lay == H5D_CHUNKED || lay == H5D_CONTIGUOUS || lay == H5D_COMPACT);
                H5Pclose(pl);
            }
            if (ps >= 0) H5Sclose(ps);
            if (pt_ >= 0) H5Tclose(pt_);
            if (!ok) rc = -2;
        }
        if (rank < 1 || rank > 8) rc = -2;
        /* The shape the registry gives this series (a damaged file could claim any other, and
         * reading a huge one of empty chunks takes for ever). */
        hsize_t want[8];
        int wrank;
        if (rc == 0 && (expected_shape(name, ds, weeks, nnbh, &wrank, want) != 0 || wrank != rank))
            rc = -2;
        for (int r = 1; r < rank && rc == 0; r++)
            if (dims[r] != want[r]) rc = -2;
        /* A row of at most 2^24 values (wijksim's largest: weeks x neighbourhoods x domains x
         * severities, far below): no product can overflow. */
        size_t row = 1;
        for (int r = 1; r < rank && rc == 0; r++) {
            if (dims[r] == 0 || dims[r] > ((hsize_t)1 << 24) / row)
                rc = -2;
            else
                row *= dims[r];
        }
        if (rc) {
            H5Pclose(dcpl);
            for (int p = 0; p < np; p++)
                if (src[p] >= 0) H5Dclose(src[p]);
            snprintf(bad, badlen,
                     "series %s/%s is not a series wijksim writes (rank %d, a shape "
                     "that differs between the files or from their run tables, a row too large, "
                     "or storage outside the file)",
                     name, ds, rank);
            break;
        }
        /* A fresh dataset as wijksim writes one (h5util.c), with the first part's chunks where
         * they fit; never the part's own creation list (it could name external files). */
        hsize_t chunk[8];
        int crank = H5Pget_layout(dcpl) == H5D_CHUNKED ? H5Pget_chunk(dcpl, 8, chunk) : -1;
        H5Pclose(dcpl);
        for (int r = 0; r < rank; r++)
            if (crank != rank || chunk[r] < 1 || (r > 0 && chunk[r] > dims[r]) ||
                (r == 0 && chunk[r] != 1))
                crank = -1;
        if (crank != rank) {
            chunk[0] = 1;
            for (int r = 1; r < rank; r++)
                chunk[r] = dims[r];
        }
        dims[0] = total ? total : 1;
        memcpy(count, dims, sizeof dims);
        count[0] = 1;
        dims[0] = total;
        hid_t d = h5_dataset(go, ds, rank, dims, chunk);
        double *buf = malloc(sizeof(double) * row);
        hid_t ms = H5Screate_simple(rank, count, NULL);
        rc = d < 0 || !buf || h5_copy_attrs(src[0], d) != 0;
        for (size_t j = 0; j < total && rc == 0; j++) {
            hid_t fs = H5Dget_space(src[src_part[j]]);
            start[0] = src_row[j];
            rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
                 H5Dread(src[src_part[j]], H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0;
            H5Sclose(fs);
            start[0] = j;
            if (rc == 0) rc = h5_write_slab(d, rank, start, count, buf);
        }
        H5Sclose(ms);
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
    if (!pt) return snprintf(err, errlen, "out of memory"), -1;
    int *src_part = NULL;
    size_t *src_row = NULL, total = 0;
    int rc = 0, status = -1;
    char *hash0 = NULL;
    long long runs0 = 0, reps0 = 0, weeks0 = 0, nnbh0 = 0;
    for (int i = 0; i < n; i++)
        pt[i].file = pt[i].runs = pt[i].type = -1;
    for (int i = 0; i < n && rc == 0; i++) {
        struct stat st;
        if (stat(parts[i], &st) == 0 && !S_ISREG(st.st_mode)) { /* a FIFO would block the open */
            snprintf(err, errlen,
                     "%s: cannot open as HDF5 (not a regular file); expected a sweep file",
                     parts[i]);
            rc = -1, status = -2;
            break;
        }
        pt[i].file = H5Fopen(parts[i], H5F_ACC_RDONLY, H5P_DEFAULT);
        char *kind = pt[i].file < 0 ? NULL : h5_read_attr_text(pt[i].file, "kind");
        char *hash = kind ? h5_read_attr_text(pt[i].file, "spec_hash") : NULL;
        long long runs = 0, reps = 0;
        if (pt[i].file < 0) {
            snprintf(err, errlen, "%s: cannot open as HDF5 (%s)", parts[i],
                     access(parts[i], R_OK) != 0 ? strerror(errno) : "not an HDF5 file");
            rc = -1, status = -2;
        } else if (!kind || strcmp(kind, "sweep") != 0 || !hash) {
            snprintf(err, errlen,
                     "%s: not a wijksim sweep file: %s (expected one written by wijksim sweep)",
                     parts[i],
                     !kind   ? "no root attribute 'kind' holding one text"
                     : !hash ? "no spec_hash text"
                             : "its kind is not \"sweep\"");
            rc = -1, status = -2;
        } else if (h5_read_attr_int(pt[i].file, "runs", &runs) != 0 ||
                   h5_read_attr_int(pt[i].file, "replicates", &reps) != 0 || reps < 1 ||
                   reps > 100000 || runs < 0 || runs > (1LL << 32) || runs % reps != 0) {
            snprintf(
                err, errlen,
                "%s: not a wijksim sweep file: its root attributes runs and replicates "
                "are not one whole number each, with replicates from 1 and runs a multiple of them",
                parts[i]);
            rc = -1, status = -2;
        } else if (!h5_attr_is_scalar(pt[i].file, "runs") ||
                   !h5_attr_is_scalar(pt[i].file, "replicates") ||
                   coord_length(pt[i].file, "run") < 0) {
            snprintf(err, errlen,
                     "%s: a sweep file of an older layout (root attributes as arrays of one value, "
                     "no coordinate /run): merge parts written by this wijksim (run them again)",
                     parts[i]);
            rc = -1, status = -2;
        } else if (i == 0 && (h5_read_attr_int(pt[i].file, "weeks", &weeks0) != 0 ||
                              h5_read_attr_int(pt[i].file, "neighbourhoods", &nnbh0) != 0 ||
                              weeks0 < 1 || weeks0 > 100000 || nnbh0 < 1 || nnbh0 > 1000000)) {
            snprintf(
                err, errlen,
                "%s: not a wijksim sweep file: its root attributes weeks and neighbourhoods are "
                "not one whole number each in range",
                parts[i]);
            rc = -1, status = -2;
        } else if (i == 0) {
            hash0 = hash, hash = NULL, runs0 = runs, reps0 = reps;
        } else if (strcmp(hash, hash0) != 0) {
            snprintf(
                err, errlen,
                "%s: a sweep of another specification (spec hash %s, not %s as %s): only parts of "
                "one sweep can be merged",
                parts[i], hash, hash0, parts[0]);
            rc = -1, status = -2;
        } else if (runs != runs0 || reps != reps0) {
            snprintf(err, errlen,
                     "%s: the same specification as %s but %lld runs of %lld replicates, not %lld "
                     "of %lld: "
                     "a damaged file? only parts of one sweep can be merged",
                     parts[i], parts[0], runs, reps, runs0, reps0);
            rc = -1, status = -2;
        } else if (!h5_same_attr_text(pt[i].file, pt[0].file, "git_commit") ||
                   !h5_same_attr_text(pt[i].file, pt[0].file, "wijksim_version")) {
            snprintf(
                err, errlen,
                "%s and %s were written by different wijksim builds (version or commit), whose "
                "models may differ: run the parts with one build",
                parts[i], parts[0]);
            rc = -1, status = -2;
        } else if (H5Lexists(pt[i].file, "neighbourhood", H5P_DEFAULT) !=
                   H5Lexists(pt[0].file, "neighbourhood", H5P_DEFAULT)) {
            int det = H5Lexists(pt[i].file, "neighbourhood", H5P_DEFAULT) > 0;
            snprintf(
                err, errlen,
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
        int rank1 = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1; /* dims of rank 1 only */
        if (rank1) H5Sget_simple_extent_dims(sp, &nr, NULL);
        if (sp >= 0) H5Sclose(sp);
        /* runs = points x replicates, the points being the rows of /points */
        hid_t pd = H5Lexists(pt[i].file, "points", H5P_DEFAULT) > 0
                       ? H5Dopen2(pt[i].file, "points", H5P_DEFAULT)
                       : -1;
        hid_t ps = pd >= 0 ? H5Dget_space(pd) : -1;
        hsize_t pdims[2] = {0, 0};
        int prank = ps >= 0 ? H5Sget_simple_extent_ndims(ps) : -1;
        if (prank >= 1 && prank <= 2) H5Sget_simple_extent_dims(ps, pdims, NULL);
        if (ps >= 0) H5Sclose(ps);
        if (pd >= 0) H5Dclose(pd);
        if (prank != 2 || (long long)pdims[0] * reps0 != runs0) rank1 = 0;
        pt[i].n = nr;
        /* The run table: one row per run, a compound type whose first column is the 64-bit
         * run number (merging reads it as such). */
        int table = rank1 && pt[i].type >= 0 && H5Tget_class(pt[i].type) == H5T_COMPOUND &&
                    H5Tget_nmembers(pt[i].type) >= 1 && H5Tget_member_offset(pt[i].type, 0) == 0 &&
                    H5Tget_member_class(pt[i].type, 0) == H5T_INTEGER &&
                    H5Tget_size(pt[i].type) >= 8 && nr <= (hsize_t)runs0;
        if (table) {
            hid_t m0 = H5Tget_member_type(pt[i].type, 0);
            table = H5Tget_size(m0) == 8;
            H5Tclose(m0);
        }
        /* The coordinates merge copies (point, factor, column) fit what they label (/points,
         * /columns), and the run coordinate the rows. */
        if (table)
            table = coord_length(pt[i].file, "point") == (long long)pdims[0] &&
                    coord_length(pt[i].file, "factor") == (long long)pdims[1] &&
                    coord_length(pt[i].file, "column") == coord_length(pt[i].file, "columns") &&
                    coord_length(pt[i].file, "run") == (long long)nr;
        if (!table) {
            snprintf(err, errlen,
                     "%s: not a wijksim sweep file: its run table /runs is missing, or not "
                     "one row per run starting with the run number, or /points does not hold "
                     "runs / replicates points, or its coordinates (/run, /point, /factor, "
                     "/column) do not fit them",
                     parts[i]);
            rc = -1, status = -2;
            break;
        }
        pt[i].rows = malloc(H5Tget_size(pt[i].type) * (nr ? nr : 1));
        if (!pt[i].rows || (i > 0 && H5Tequal(pt[i].type, pt[0].type) <= 0) ||
            (nr &&
             H5Dread(pt[i].runs, pt[i].type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pt[i].rows) < 0)) {
            snprintf(err, errlen, "%s: cannot read its run table", parts[i]);
            rc = -1, status = -2;
        }
    }
    if (rc == 0) {
        total = (size_t)runs0;
        src_part = malloc(sizeof *src_part * (total ? total : 1));
        src_row = malloc(sizeof *src_row * (total ? total : 1));
        if (!src_part || !src_row) rc = -1, snprintf(err, errlen, "out of memory");
        for (size_t j = 0; rc == 0 && j < total; j++)
            src_part[j] = -1;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        size_t rb = H5Tget_size(pt[i].type);
        for (size_t r = 0; r < pt[i].n; r++) {
            int64_t run;
            memcpy(&run, &pt[i].rows[r * rb], sizeof run); /* the first column */
            if (run < 0 || (size_t)run >= total) continue;
            if (src_part[run] < 0)
                src_part[run] = i, src_row[run] = r; /* a duplicate is the same run */
        }
    }
    size_t missing = 0, first_missing = 0;
    for (size_t j = 0; rc == 0 && j < total; j++)
        if (src_part[j] < 0 && missing++ == 0) first_missing = j;
    if (rc == 0 && missing) {
        snprintf(
            err, errlen,
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
        rc |= h5_copy_attrs(pt[0].file, o->file);
        char created[64];
        created_utc(created, sizeof created);
        rc |= h5_attr_str(o->file, "/", "created", created);
        rc |= h5_attr_str(o->file, "/", "shard", "");
        rc |= h5_attr_int(o->file, "/", "runs_in_file", H5T_NATIVE_LLONG, rows);
        /* Copied object by object rather than with H5Ocopy, which crashes when a write fails
         * (a full disk) in the HDF5 of Debian 12. */
        char bad[512] = "";
        static const char *const copied[] = {"base",  "points", "columns",
                                             "point", "factor", "column"};
        for (int c = 0; c < (int)(sizeof copied / sizeof copied[0]) && rc == 0; c++) {
            const char *obj = copied[c];
            int cr = h5_copy_object(pt[0].file, obj, o->file);
            if (cr == -2) {
                snprintf(bad, sizeof bad,
                         "/%s holds what wijksim never writes (soft or external links, a "
                         "link back up the tree, named types, too many objects)",
                         obj);
                status = -2;
            }
            rc |= cr != 0;
        }
        int ms = rc ? 0
                    : merge_series(pt, n, "municipality", o->file, total, src_part, src_row,
                                   (hsize_t)weeks0, (hsize_t)nnbh0, bad, sizeof bad);
        if (ms == 0 && rc == 0)
            ms = merge_series(pt, n, "neighbourhood", o->file, total, src_part, src_row,
                              (hsize_t)weeks0, (hsize_t)nnbh0, bad, sizeof bad);
        /* The series' coordinates, as a sweep makes them (the runs' come with the table). */
        if (ms == 0 && rc == 0 && output_series_coords(o->file, (int)weeks0, (int)nnbh0) != 0)
            rc = -1;
        if (ms == -2 || status == -2) {
            snprintf(err, errlen, "%s: not a wijksim sweep file: %s", parts[0], bad);
            status = -2;
        }
        rc |= ms != 0;
        size_t rb = H5Tget_size(pt[0].type);
        unsigned char *rows_out = malloc(rb * (total ? total : 1));
        if (!rows_out) rc = -1;
        for (size_t j = 0; rc == 0 && j < total; j++)
            memcpy(&rows_out[j * rb], &pt[src_part[j]].rows[src_row[j] * rb], rb);
        hid_t ft = H5Dget_type(pt[0].runs);
        if (rc == 0) rc = output_write_run_table(o->file, ft, pt[0].type, rows_out, total);
        H5Tclose(ft);
        free(rows_out);
        if (rc && status != -2) output_write_failed(o, err, errlen, "the merged file");
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
