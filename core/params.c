#include "params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PARAM(id, name, type, n, defaults, min, max, range, unit, sched, desc, source)             \
    static const double defaults_##id[n] = defaults;
#include "core/params.def"
#undef PARAM

const param_info_t param_table[N_PARAMS] = {
#define PARAM(id, name, type, n, defaults, min, max, range, unit, sched, desc, source)             \
    {name,  type, n,     defaults_##id, min,    max,                                               \
     range, unit, sched, desc,          source, offsetof(params_t, id)},
#include "core/params.def"
#undef PARAM
};

const char *const param_type_names[] = {"real", "int", "bool"};

double *params_values(params_t *p, int id) {
    return (double *)((char *)p + param_table[id].offset);
}

const double *params_cvalues(const params_t *p, int id) {
    return (const double *)((const char *)p + param_table[id].offset);
}

void params_defaults(params_t *p) {
    for (int i = 0; i < N_PARAMS; i++)
        memcpy(params_values(p, i), param_table[i].defaults,
               sizeof(double) * (size_t)param_table[i].n);
}

int params_find(const char *name) {
    for (int i = 0; i < N_PARAMS; i++)
        if (strcmp(param_table[i].name, name) == 0) return i;
    return -1;
}

static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 127 || lb > 127) return la > lb ? la : lb;
    size_t row[128];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *closest_name(const char *name, const char *const *names, int n) {
    const char *best = n > 0 ? names[0] : "";
    size_t bestd = (size_t)-1;
    for (int i = 0; i < n; i++) {
        size_t d = edit_distance(name, names[i]);
        if (d < bestd) bestd = d, best = names[i];
    }
    return best;
}

const char *params_closest(const char *name) {
    const char *best = param_table[0].name;
    size_t bestd = (size_t)-1;
    for (int i = 0; i < N_PARAMS; i++) {
        size_t d = edit_distance(name, param_table[i].name);
        if (d < bestd) {
            bestd = d;
            best = param_table[i].name;
        }
    }
    return best;
}

int params_check_value(int id, double v, char *msg, size_t msglen) {
    const param_info_t *pi = &param_table[id];
    if (!isfinite(v)) {
        snprintf(msg, msglen, "expected a finite %s", param_type_names[pi->type]);
        return -1;
    }
    if (pi->type != P_REAL && v != floor(v)) {
        snprintf(msg, msglen, "expected %s, got %g",
                 pi->type == P_INT ? "an integer" : "true or false", v);
        return -1;
    }
    if (v < pi->min || v > pi->max) {
        snprintf(msg, msglen, "value %g is out of range; allowed %g to %g (%s)", v, pi->min,
                 pi->max, pi->unit);
        return -1;
    }
    return 0;
}

static void write_value(FILE *f, param_type_t t, double v) {
    if (t == P_BOOL)
        fputs(v != 0 ? "true" : "false", f);
    else if (t == P_INT)
        fprintf(f, "%.0f", v);
    else {
        /* The shortest of %.15g..%.17g that round-trips; a decimal point so libconfig reads a
         * float. */
        char buf[64];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, v);
            if (strtod(buf, NULL) == v) break;
        }
        if (!strpbrk(buf, ".eEni")) strcat(buf, ".0");
        fputs(buf, f);
    }
}

void params_write_values(FILE *f, int id, const double *v) {
    const param_info_t *pi = &param_table[id];
    if (pi->n > 1) fputs("[", f);
    for (int k = 0; k < pi->n; k++) {
        if (k) fputs(", ", f);
        write_value(f, pi->type, v[k]);
    }
    if (pi->n > 1) fputs("]", f);
}

/* Group prefix of a dotted name: "access.barrier" -> length of "access". */
static size_t group_len(const char *name) {
    const char *dot = strrchr(name, '.');
    return dot ? (size_t)(dot - name) : 0;
}

void params_write_cfg(FILE *f, const params_t *p) {
    fputs("# Resolved wijksim configuration: every parameter with the value used.\n", f);
    for (int i = 0; i < N_PARAMS; i++) {
        const param_info_t *pi = &param_table[i];
        size_t gl = group_len(pi->name);
        int new_group = i == 0 || gl != group_len(param_table[i - 1].name) ||
                        strncmp(pi->name, param_table[i - 1].name, gl) != 0;
        if (new_group) {
            if (i) fputs("};\n", f);
            fprintf(f, "%.*s = {\n", (int)gl, pi->name);
        }
        fprintf(f, "  %s = ", pi->name + gl + 1);
        params_write_values(f, i, params_cvalues(p, i));
        fputs(";\n", f);
    }
    if (N_PARAMS) fputs("};\n", f);
}

void params_range(int id, int k, double *lo, double *hi) {
    const param_info_t *pi = &param_table[id];
    double a = pi->defaults[k] * pi->range_lo, b = pi->defaults[k] * pi->range_hi;
    if (pi->type == P_INT) a = floor(a), b = ceil(b);
    *lo = fmax(pi->min, fmin(a, b));
    *hi = fmin(pi->max, fmax(a, b));
}

static void write_range(FILE *f, int id) {
    const param_info_t *pi = &param_table[id];
    if (pi->range_lo == 1 && pi->range_hi == 1) {
        fputs("(a choice)", f);
        return;
    }
    fprintf(f, "x%g-%g", pi->range_lo, pi->range_hi);
    if (pi->n == 1) {
        double lo, hi;
        params_range(id, 0, &lo, &hi);
        fprintf(f, ": %g-%g", lo, hi);
    }
}

void params_write_markdown(FILE *f) {
    fputs(
        "# Parameters\n\n"
        "Generated by `wijksim params --markdown` from `core/params.def`; do not edit by hand "
        "(`make docs` regenerates it, and a test fails when it is stale).\n\n"
        "Vector parameters hold one value per life domain in the order finances, mental_health, "
        "daily_living, parenting, loneliness, housing, unless the description says otherwise. "
        "Schedulable parameters may change mid-run in a policy schedule. Min and max bound what "
        "a scenario may set; the plausible range is the uncertainty a sensitivity analysis "
        "should explore, as multiples of the default (x0.5-2 for assumptions, x0.75-1.33 for "
        "figures from a source; switches, thresholds and the size of the run are choices).\n\n"
        "| name | type | default | min | max | plausible range | unit | schedulable | description "
        "| source or rationale |\n|---|---|---|---|---|---|---|---|---|---|\n",
        f);
    for (int i = 0; i < N_PARAMS; i++) {
        const param_info_t *pi = &param_table[i];
        fprintf(f, "| `%s` | %s%s | ", pi->name, param_type_names[pi->type], pi->n > 1 ? "[]" : "");
        params_write_values(f, i, pi->defaults);
        fprintf(f, " | %g | %g | ", pi->min, pi->max);
        write_range(f, i);
        fprintf(f, " | %s | %s | %s | %s |\n", pi->unit, pi->schedulable ? "yes" : "no",
                pi->description, pi->source);
    }
}

void params_write_table(FILE *f, const params_t *p) {
    for (int i = 0; i < N_PARAMS; i++) {
        const param_info_t *pi = &param_table[i];
        fprintf(f, "%-38s ", pi->name);
        params_write_values(f, i, params_cvalues(p, i));
        fprintf(f, "  [%g..%g %s]%s\n    %s\n", pi->min, pi->max, pi->unit,
                pi->schedulable ? " schedulable" : "", pi->description);
    }
}
