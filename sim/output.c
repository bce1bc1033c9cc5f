#include "output.h"

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

#include "version.h"

struct output {
    char *path, *tmp;
    hid_t file;
    hid_t mun[N_SERIES], nbh[N_SERIES];
    int weeks, nnbh, replicates;
    char *err;
    size_t errlen;
    /* running sums for the summary */
    double sum[N_VALUES];
    double nsum;
};

/* For cleanup from a signal handler: one output per process. */
static char tmp_path_for_signal[4096];

void output_remove_tmp_signal_safe(void) {
    if (tmp_path_for_signal[0]) unlink(tmp_path_for_signal);
}

int output_open(output_t **out, const char *path, int force, char *err, size_t errlen) {
    struct stat st;
    *out = NULL;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: exists and is not a regular file; expected an output file name", path);
        return -2;
    }
    if (stat(path, &st) == 0 && !force) {
        snprintf(err, errlen, "%s: output file exists; use --force to overwrite it", path);
        return -2;
    }
    output_t *o = calloc(1, sizeof *o);
    if (o) o->path = strdup(path), o->tmp = malloc(strlen(path) + 32);
    if (!o || !o->path || !o->tmp) {
        if (o) free(o->path), free(o->tmp), free(o);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sprintf(o->tmp, "%s.tmp.%ld", path, (long)getpid());
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    o->file = H5Fcreate(o->tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (o->file < 0) {
        snprintf(err, errlen, "%s: cannot create the output file (%s): check that the folder exists and is writable",
                 o->tmp, errno ? strerror(errno) : "HDF5 error");
        free(o->path), free(o->tmp), free(o);
        return -2;
    }
    snprintf(tmp_path_for_signal, sizeof tmp_path_for_signal, "%s", o->tmp);
    for (int i = 0; i < N_SERIES; i++) o->mun[i] = o->nbh[i] = -1;
    *out = o;
    return 0;
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
    params_write_cfg(f, &s->params);
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

static const char *dims_text(series_shape_t sh, int per_nbh) {
    static const char *const t[2][3] = {
        {"replicate,week", "replicate,week,domain", "replicate,week,domain,severity"},
        {"replicate,week,neighbourhood", "replicate,week,neighbourhood,domain",
         "replicate,week,neighbourhood,domain,severity"}};
    return t[per_nbh][sh];
}

int output_begin(output_t *o, const scenario_t *s, const run_opts_t *ro, char *err, size_t errlen) {
    const params_t *p = &s->params;
    o->err = err;
    o->errlen = errlen;
    o->weeks = (int)p->sim_weeks[0];
    o->nnbh = (int)p->world_neighbourhoods[0];
    o->replicates = ro->replicates;
    hid_t f = o->file;
    int rc = 0;

    char created[64];
    const char *sde = getenv("SOURCE_DATE_EPOCH"); /* reproducible files on request */
    time_t now = sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    char *cfg = config_text(s), *files = NULL;
    size_t files_len = 0;
    FILE *ff = open_memstream(&files, &files_len);
    for (int i = 0; ff && i < s->nfiles; i++) fprintf(ff, "%s\n", s->files[i]);
    if (ff) fclose(ff);
    if (!cfg || !files) {
        free(cfg), free(files);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char names[512];
    rc |= attr_str(f, "/", "wijksim_version", WIJKSIM_VERSION);
    rc |= attr_str(f, "/", "git_commit", WIJKSIM_COMMIT);
    rc |= attr_str(f, "/", "created", created);
    rc |= attr_str(f, "/", "config", cfg);
    rc |= attr_str(f, "/", "scenario_files", files);
    rc |= attr_str(f, "/", "set_overrides", s->set_args);
    joined(names, sizeof names, domain_names, N_DOMAINS);
    rc |= attr_str(f, "/", "domain_names", names);
    joined(names, sizeof names, severity_names, N_SEVERITIES);
    rc |= attr_str(f, "/", "severity_names", names);
    free(cfg);
    free(files);
    unsigned long long seed = ro->seed;
    rc |= H5LTset_attribute_ulong(f, "/", "seed", &(unsigned long){(unsigned long)seed}, 1) < 0;
    rc |= H5LTset_attribute_int(f, "/", "replicates", &ro->replicates, 1) < 0;
    rc |= H5LTset_attribute_int(f, "/", "weeks", &o->weeks, 1) < 0;
    int burn = (int)p->sim_burn_in_weeks[0];
    rc |= H5LTset_attribute_int(f, "/", "burn_in_weeks", &burn, 1) < 0;
    rc |= H5LTset_attribute_int(f, "/", "neighbourhoods", &o->nnbh, 1) < 0;

    hid_t gp = group(f, "parameters");
    for (int i = 0; i < N_PARAMS && gp >= 0; i++) {
        const param_info_t *pi = &param_table[i];
        rc |= small_dataset(gp, pi->name, pi->n, params_cvalues(p, i));
        rc |= attr_str(gp, pi->name, "unit", pi->unit);
        rc |= attr_str(gp, pi->name, "description", pi->description);
        rc |= attr_str(gp, pi->name, "source", pi->source);
        double range[2] = {pi->range_lo, pi->range_hi};
        rc |= H5LTset_attribute_double(gp, pi->name, "plausible_range_factor", range, 2) < 0;
        rc |= attr_str(gp, pi->name, "type", param_type_names[pi->type]);
    }
    if (gp >= 0) H5Gclose(gp);

    hid_t gm = group(f, "municipality"), gn = group(f, "neighbourhood");
    if (gp < 0 || gm < 0 || gn < 0) rc = -1;
    for (int i = 0; i < N_SERIES && rc == 0; i++) {
        const series_info_t *si = &series_table[i];
        int extra = si->shape == S1 ? 0 : si->shape == SD ? 1 : 2;
        hsize_t ext[2] = {N_DOMAINS, N_SEVERITIES};
        hsize_t dm[4] = {(hsize_t)o->replicates, (hsize_t)o->weeks}, cm[4] = {1, (hsize_t)o->weeks};
        hsize_t dn[5] = {(hsize_t)o->replicates, (hsize_t)o->weeks, (hsize_t)o->nnbh};
        hsize_t cn[5] = {1, (hsize_t)(o->weeks < 104 ? o->weeks : 104),
                         (hsize_t)(o->nnbh < 64 ? o->nnbh : 64)};
        for (int k = 0; k < extra; k++) dm[2 + k] = cm[2 + k] = dn[3 + k] = cn[3 + k] = ext[k];
        o->mun[i] = dataset(gm, si->name, 2 + extra, dm, cm);
        o->nbh[i] = dataset(gn, si->name, 3 + extra, dn, cn);
        if (o->mun[i] < 0 || o->nbh[i] < 0) {
            rc = -1;
            break;
        }
        for (int g = 0; g < 2; g++) {
            hid_t loc = g ? gn : gm;
            rc |= attr_str(loc, si->name, "unit", si->unit);
            rc |= attr_str(loc, si->name, "description", si->description);
            rc |= attr_str(loc, si->name, "kind", series_kind_names[si->kind]);
            rc |= attr_str(loc, si->name, "dims", dims_text(si->shape, g));
        }
    }
    if (gm >= 0) H5Gclose(gm);
    if (gn >= 0) H5Gclose(gn);
    if (rc) snprintf(err, errlen, "%s: could not write the HDF5 header", o->tmp);
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

int output_replicate(void *ctx, int rep, const world_t *w, const double *values, int weeks) {
    output_t *o = ctx;
    int nn = o->nnbh, rc = 0;
    if (rep == 0) {
        double *idx = malloc(sizeof(double) * (size_t)nn * 4);
        if (!idx) return -1;
        double *dep = idx + nn, *coh = idx + 2 * nn, *team = idx + 3 * nn;
        hid_t g = group(o->file, "neighbourhoods");
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
        rc |= H5LTset_attribute_int(o->file, "/", "teams", &w->nteams, 1) < 0;
        free(idx);
    }
    /* Neighbourhood values with ratios filled in, and their municipality sums. */
    double *nb = malloc(sizeof(double) * (size_t)weeks * nn * N_VALUES);
    double *mu = calloc((size_t)weeks * N_VALUES, sizeof(double));
    double *buf = malloc(sizeof(double) * (size_t)weeks * nn * WIDTH_SDS);
    if (!nb || !mu || !buf) rc = -1;
    for (int t = 0; t < weeks && rc == 0; t++) {
        for (int i = 0; i < nn; i++) {
            double *v = &nb[((size_t)t * nn + i) * N_VALUES];
            memcpy(v, &values[((size_t)t * nn + i) * N_VALUES], sizeof(double) * N_VALUES);
            for (int k = 0; k < N_VALUES; k++) mu[(size_t)t * N_VALUES + k] += v[k];
            series_fill_ratios(v);
        }
        series_fill_ratios(&mu[(size_t)t * N_VALUES]);
    }
    for (int i = 0; i < N_SERIES && rc == 0; i++) {
        const series_info_t *si = &series_table[i];
        int extra = si->shape == S1 ? 0 : si->shape == SD ? 1 : 2;
        hsize_t sm[4] = {(hsize_t)rep, 0, 0, 0}, cm[4] = {1, (hsize_t)weeks, N_DOMAINS, N_SEVERITIES};
        hsize_t sn[5] = {(hsize_t)rep, 0, 0, 0, 0};
        hsize_t cn[5] = {1, (hsize_t)weeks, (hsize_t)nn, N_DOMAINS, N_SEVERITIES};
        for (int t = 0; t < weeks; t++)
            memcpy(&buf[(size_t)t * si->width], &mu[(size_t)t * N_VALUES + si->offset],
                   sizeof(double) * si->width);
        rc |= write_slab(o->mun[i], 2 + extra, sm, cm, buf);
        for (size_t tn = 0; tn < (size_t)weeks * nn; tn++)
            memcpy(&buf[tn * si->width], &nb[tn * N_VALUES + si->offset], sizeof(double) * si->width);
        rc |= write_slab(o->nbh[i], 3 + extra, sn, cn, buf);
    }
    /* Summary over the last 52 weeks. */
    for (int t = weeks > 52 ? weeks - 52 : 0; t < weeks && rc == 0; t++) {
        for (int k = 0; k < N_VALUES; k++) o->sum[k] += mu[(size_t)t * N_VALUES + k];
        o->nsum += 1;
    }
    free(nb), free(mu), free(buf);
    if (rc && o->err) snprintf(o->err, o->errlen, "%s: could not write replicate %d", o->tmp, rep);
    return rc ? -1 : 0;
}

void output_summary(const output_t *o, double v[N_VALUES]) {
    double n = o->nsum > 0 ? o->nsum : 1;
    for (int k = 0; k < N_VALUES; k++) v[k] = o->sum[k] / n;
    series_fill_ratios(v);
}

int output_close(output_t *o, int commit, char *err, size_t errlen) {
    if (!o) return 0;
    int rc = 0;
    for (int i = 0; i < N_SERIES; i++) {
        if (o->mun[i] >= 0) H5Dclose(o->mun[i]);
        if (o->nbh[i] >= 0) H5Dclose(o->nbh[i]);
    }
    if (H5Fclose(o->file) < 0) rc = -1;
    if (commit && rc == 0 && rename(o->tmp, o->path) != 0) {
        snprintf(err, errlen, "%s: cannot move the finished file into place: %s", o->path,
                 strerror(errno));
        rc = -1;
    }
    if (!commit || rc != 0) unlink(o->tmp);
    tmp_path_for_signal[0] = '\0';
    free(o->path), free(o->tmp), free(o);
    return rc;
}
