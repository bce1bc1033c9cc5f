#include "sweep.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <libconfig.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "design.h"
#include "outcomes.h"
#include "core/rng.h"
#include "util.h"

const char *const design_names[] = {"factorial", "oat", "lhs", "sobol"};

void sweep_spec_free(sweep_spec_t *s) {
    for (int j = 0; j < s->k; j++)
        free(s->f[j].values);
    free(s->f);
    free(s->text);
    scenario_free(&s->base);
    memset(s, 0, sizeof *s);
}

/* A number setting (integer or float); 0 when present and numeric. */
static int number(const config_setting_t *g, const char *name, double *v) {
    const config_setting_t *st = config_setting_get_member(g, name);
    if (!st) return 1;
    int t = config_setting_type(st);
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        *v = (double)config_setting_get_int64(st);
    else if (t == CONFIG_TYPE_FLOAT)
        *v = config_setting_get_float(st);
    else
        return -1;
    return 0;
}

static int bad(char *err, size_t errlen, const char *file, const config_setting_t *st,
               const char *what) {
    int line = st ? config_setting_source_line(st) : 0;
    if (line > 0)
        snprintf(err, errlen, "%s:%d: %s", file, line, what);
    else
        snprintf(err, errlen, "%s: %s", file, what); /* a setting that is missing has no line */
    return -1;
}

/* Refuses a setting of group g whose name is not one of names[n] (a misspelt `replicate`
 * would otherwise silently mean one replicate). */
static int known_names(const config_setting_t *g, const char *const *names, int n, const char *what,
                       const char *file, char *err, size_t errlen) {
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *st = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(st);
        int k = 0;
        while (name && k < n && strcmp(name, names[k]) != 0)
            k++;
        if (!name || k < n) continue;
        char msg[512], list[256] = "";
        for (k = 0; k < n; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                     names[k]);
        snprintf(msg, sizeof msg, "unknown %s setting '%s'; did you mean '%s'? (expected %s)", what,
                 name, closest_name(name, names, n), list);
        return bad(err, errlen, file, st, msg);
    }
    return 0;
}

static const char *const spec_names[] = {"base", "design",   "samples",    "replicates",
                                         "seed", "horizons", "parameters", "burn_in"};
static const char *const factor_names[] = {"name",   "values",       "min",    "max",
                                           "levels", "distribution", "element"};

/* Checks a value of factor f against the registry's type and bounds. */
static int check_value(const factor_t *f, double v, const char *where, char *err, size_t errlen) {
    char why[256];
    if (params_check_value(f->id, v, why, sizeof why) == 0) return 0;
    snprintf(err, errlen, "%s: parameter '%s': %s", where, f->label, why);
    return -1;
}

static int load_factor(sweep_spec_t *s, factor_t *f, const config_setting_t *g, const char *file,
                       char *err, size_t errlen) {
    char where[600], msg[512];
    snprintf(where, sizeof where, "%s:%d", file, config_setting_source_line(g));
    const char *name = NULL;
    if (!config_setting_is_group(g) || !config_setting_lookup_string(g, "name", &name))
        return bad(err, errlen, file, g,
                   "parameters: expected a group { name = \"group.name\"; ... }");
    if (known_names(g, factor_names, 7, "factor", file, err, errlen) != 0) return -1;
    f->id = params_find(name);
    if (f->id < 0) {
        snprintf(msg, sizeof msg, "unknown parameter '%s'; did you mean '%s'?", name,
                 params_closest(name));
        return bad(err, errlen, file, g, msg);
    }
    const param_info_t *pi = &param_table[f->id];
    for (int i = 0; i < s->base.npolicy; i++)
        if (s->base.policy[i].id == f->id) {
            snprintf(msg, sizeof msg,
                     "parameter '%s' cannot be varied: the base scenario's policy sets it (%s), "
                     "which would override the sweep's value part-way; vary it in a base without "
                     "that policy step",
                     name, s->base.policy[i].where);
            return bad(err, errlen, file, g, msg);
        }
    if (f->id == PID_sim_weeks || f->id == PID_world_neighbourhoods) {
        snprintf(
            msg, sizeof msg,
            "parameter '%s' cannot be varied: it sets the shape of every run's series (weeks x "
            "neighbourhoods), which all runs of a sweep share; set it in the base scenario",
            name);
        return bad(err, errlen, file, g, msg);
    }
    if (!pi->schedulable && !s->per_point) {
        snprintf(msg, sizeof msg,
                 "parameter '%s' cannot be varied: a sweep sets its factors from the first output "
                 "week on, so every replicate shares one burn-in across points, and only "
                 "schedulable parameters (`wijksim params` marks them) can change then; add "
                 "burn_in = \"per_point\"; to give every point its own burn-in, or set it in the "
                 "base scenario",
                 name);
        return bad(err, errlen, file, g, msg);
    }
    double e = 0;
    int has_el = number(g, "element", &e);
    f->element = -1;
    if (has_el == 0 && (e != floor(e) || e < 1 || e > pi->n)) {
        snprintf(msg, sizeof msg, "parameter '%s': 'element' expected an integer from 1 to %d",
                 name, pi->n);
        return bad(err, errlen, file, g, msg);
    }
    if (has_el == 0) f->element = (int)e - 1;
    if (f->element >= 0)
        snprintf(f->label, sizeof f->label, "%s[%d]", name, f->element + 1);
    else
        snprintf(f->label, sizeof f->label, "%s", name);

    const config_setting_t *vals = config_setting_get_member(g, "values");
    double mn, mx, lv;
    int hmin = number(g, "min", &mn), hmax = number(g, "max", &mx), hlev = number(g, "levels", &lv);
    if (!vals == (hmin != 0 || hmax != 0) || (vals && (hmin == 0 || hmax == 0))) {
        snprintf(msg, sizeof msg,
                 "parameter '%s': expected either 'values = [a, b, ...]' or both 'min' and 'max'",
                 name);
        return bad(err, errlen, file, g, msg);
    }
    if (vals) {
        int n = config_setting_length(vals);
        if ((!config_setting_is_array(vals) && !config_setting_is_list(vals)) || n < 1) {
            snprintf(msg, sizeof msg,
                     "parameter '%s': 'values' expected a list of one or more numbers", name);
            return bad(err, errlen, file, vals, msg);
        }
        f->values = malloc(sizeof(double) * (size_t)n);
        if (!f->values) return bad(err, errlen, file, g, "out of memory");
        f->nvalues = n;
        for (int i = 0; i < n; i++) {
            const config_setting_t *x = config_setting_get_elem(vals, (unsigned)i);
            int t = config_setting_type(x);
            if (t == CONFIG_TYPE_BOOL)
                f->values[i] = config_setting_get_bool(x);
            else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
                f->values[i] = (double)config_setting_get_int64(x);
            else if (t == CONFIG_TYPE_FLOAT)
                f->values[i] = config_setting_get_float(x);
            else
                return bad(err, errlen, file, vals, "values: expected numbers or true/false");
            if (check_value(f, f->values[i], where, err, errlen) != 0) return -1;
        }
        return 0;
    }
    if (pi->type == P_BOOL) {
        snprintf(msg, sizeof msg,
                 "parameter '%s' is true or false: expected 'values = [false, true]'", name);
        return bad(err, errlen, file, g, msg);
    }
    if (hmin < 0 || hmax < 0 || !(mn < mx)) {
        snprintf(msg, sizeof msg, "parameter '%s': expected numbers min < max", name);
        return bad(err, errlen, file, g, msg);
    }
    if (check_value(f, mn, where, err, errlen) != 0 || check_value(f, mx, where, err, errlen) != 0)
        return -1;
    f->min = mn, f->max = mx;
    const char *dist = "uniform";
    config_setting_lookup_string(g, "distribution", &dist);
    if (strcmp(dist, "uniform") == 0)
        f->dist = DIST_UNIFORM;
    else if (strcmp(dist, "loguniform") == 0 && mn > 0)
        f->dist = DIST_LOGUNIFORM;
    else {
        snprintf(
            msg, sizeof msg,
            "parameter '%s': 'distribution' expected \"uniform\" or \"loguniform\" (with min > 0)",
            name);
        return bad(err, errlen, file, g, msg);
    }
    if (hlev == 0 && (lv != floor(lv) || lv < 2 || lv > 1000)) {
        snprintf(msg, sizeof msg, "parameter '%s': 'levels' expected an integer from 2 to 1000",
                 name);
        return bad(err, errlen, file, g, msg);
    }
    f->levels = hlev == 0 ? (int)lv : 0;
    if (f->levels == 0 && (s->design == DESIGN_FACTORIAL || s->design == DESIGN_OAT)) {
        snprintf(msg, sizeof msg,
                 "parameter '%s': the %s design needs 'levels' for a range (or a list of values)",
                 name, design_names[s->design]);
        return bad(err, errlen, file, g, msg);
    }
    return 0;
}

static int load_settings(sweep_spec_t *s, config_t *cfg, const char *path, char *err,
                         size_t errlen) {
    const config_setting_t *root = config_root_setting(cfg);
    const char *base = NULL, *design = NULL;
    if (known_names(root, spec_names, 8, "sweep", path, err, errlen) != 0) return -1;
    if (!config_setting_lookup_string(root, "base", &base))
        return bad(err, errlen, path, root,
                   "parameter 'base': expected the base scenario, base = \"file.cfg\";");
    char dir[4096], basepath[8192];
    snprintf(dir, sizeof dir, "%s", path);
    snprintf(basepath, sizeof basepath, "%s%s%s", base[0] == '/' ? "" : dirname(dir),
             base[0] == '/' ? "" : "/", base);
    if (scenario_load(&s->base, basepath, err, errlen) != 0 ||
        scenario_validate(&s->base, err, errlen) != 0)
        return -1;
    if (!config_setting_lookup_string(root, "design", &design))
        return bad(err, errlen, path, root,
                   "parameter 'design': expected \"factorial\", \"oat\", \"lhs\" or \"sobol\"");
    int d = 0;
    while (d < 4 && strcmp(design, design_names[d]) != 0)
        d++;
    if (d == 4)
        return bad(err, errlen, path, config_setting_get_member(root, "design"),
                   "parameter 'design': expected \"factorial\", \"oat\", \"lhs\" or \"sobol\"");
    s->design = (design_kind_t)d;
    double v;
    int rc = number(root, "replicates", &v);
    s->replicates = rc == 1 ? 1 : (int)v;
    if (rc < 0 || (rc == 0 && (v != floor(v) || v < 1 || v > 100000)))
        return bad(err, errlen, path, config_setting_get_member(root, "replicates"),
                   "parameter 'replicates': expected an integer from 1 to 100000");
    rc = number(root, "seed", &v);
    const config_setting_t *seed_st = config_setting_get_member(root, "seed");
    int seed_int = seed_st && (config_setting_type(seed_st) == CONFIG_TYPE_INT ||
                               config_setting_type(seed_st) == CONFIG_TYPE_INT64);
    long long seed_exact = seed_int ? config_setting_get_int64(seed_st) : 0;
    if (rc < 0 || (rc == 0 && (seed_int ? seed_exact < 0 || seed_exact > (1LL << 53)
                                        : v != floor(v) || v < 0 || v > 9007199254740992.0)))
        return bad(err, errlen, path, config_setting_get_member(root, "seed"),
                   "parameter 'seed': expected a whole number from 0 to 2^53 (9007199254740992)");
    s->seed = rc == 1 ? 1 : seed_int ? (uint64_t)seed_exact : (uint64_t)v;
    rc = number(root, "samples", &v);
    int need = s->design == DESIGN_LHS || s->design == DESIGN_SOBOL;
    if ((need && rc != 0) || (rc == 0 && (v != floor(v) || v < 1 || v > 1e7)))
        return bad(err, errlen, path, root,
                   need ? "parameter 'samples': expected an integer from 1 (the lhs and sobol "
                          "designs need it)"
                        : "parameter 'samples': expected an integer from 1");
    s->samples = rc == 0 ? (int)v : 0;
    const config_setting_t *hs = config_setting_get_member(root, "horizons");
    int weeks = (int)s->base.params.sim_weeks[0];
    if (!hs) {
        s->nh = outcomes_default_horizons(weeks, s->horizons);
    } else {
        int n = config_setting_length(hs);
        if ((!config_setting_is_array(hs) && !config_setting_is_list(hs)) || n < 1 || n > 16)
            return bad(
                err, errlen, path, hs,
                "parameter 'horizons': expected a list of 1 to 16 whole years, e.g. [5, 10]");
        for (int i = 0; i < n; i++) {
            const config_setting_t *x = config_setting_get_elem(hs, (unsigned)i);
            int t = config_setting_type(x);
            long long y =
                t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ? config_setting_get_int64(x) : -1;
            if (y < 1 || y > weeks / 52) {
                char msg[256];
                snprintf(msg, sizeof msg,
                         "parameter 'horizons': expected whole years from 1 within the run "
                         "(the base runs sim.weeks = %d, %d years)",
                         weeks, weeks / 52);
                return bad(err, errlen, path, hs, msg);
            }
            s->horizons[i] = (int)y;
        }
        s->nh = n;
    }
    const char *burn = "shared";
    config_setting_lookup_string(root, "burn_in", &burn);
    if (strcmp(burn, "shared") != 0 && strcmp(burn, "per_point") != 0)
        return bad(
            err, errlen, path, config_setting_get_member(root, "burn_in"),
            "parameter 'burn_in': expected \"shared\" (factors from the first output week, one "
            "burn-in per replicate) or \"per_point\" (factors from the start, a burn-in per run)");
    s->per_point = strcmp(burn, "per_point") == 0;
    const config_setting_t *ps = config_setting_get_member(root, "parameters");
    if (!ps || !config_setting_is_list(ps) || config_setting_length(ps) < 1)
        return bad(err, errlen, path, ps ? ps : root,
                   "parameter 'parameters': expected a list of factors ( { name = \"group.name\"; "
                   "... }, ... )");
    s->k = config_setting_length(ps);
    s->f = calloc((size_t)s->k, sizeof *s->f);
    if (!s->f) return bad(err, errlen, path, root, "out of memory");
    for (int j = 0; j < s->k; j++)
        if (load_factor(s, &s->f[j], config_setting_get_elem(ps, (unsigned)j), path, err, errlen) !=
            0)
            return -1;
    for (int j = 0; j < s->k; j++)
        for (int q = 0; q < j; q++)
            if (s->f[q].id == s->f[j].id &&
                (s->f[q].element == s->f[j].element || s->f[q].element < 0 || s->f[j].element < 0))
                return bad(err, errlen, path, config_setting_get_elem(ps, (unsigned)j),
                           "parameters: a parameter (or element) is varied twice");
    if (s->design == DESIGN_SOBOL && s->k > DESIGN_SALTELLI_MAX_FACTORS) {
        char msg[128];
        snprintf(msg, sizeof msg, "the sobol design takes at most %d parameters",
                 DESIGN_SALTELLI_MAX_FACTORS);
        return bad(err, errlen, path, ps, msg);
    }
    return 0;
}

int sweep_spec_load(sweep_spec_t *s, const char *path, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    scenario_init(&s->base);
    struct stat st;
    if (stat(path, &st) == 0 &&
        !S_ISREG(st.st_mode)) { /* a FIFO would block, /dev/zero never end */
        snprintf(err, errlen, "%s: cannot read sweep file: %s; expected a sweep specification file",
                 path, S_ISDIR(st.st_mode) ? "it is a folder" : "not a regular file");
        return -1;
    }
    if (stat(path, &st) == 0 && st.st_size > (64 << 20)) {
        snprintf(
            err, errlen,
            "%s: cannot read sweep file: %lld bytes; expected a specification of at most 64 MB",
            path, (long long)st.st_size);
        return -1;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot read sweep file: %s", path, strerror(errno));
        return -1;
    }
    size_t len = 0;
    FILE *mem = open_memstream(&s->text, &len);
    char buf[4096];
    size_t got;
    while (mem && (got = fread(buf, 1, sizeof buf, fp)) > 0)
        fwrite(buf, 1, got, mem);
    fclose(fp);
    if (mem) fclose(mem);
    if (!s->text) return snprintf(err, errlen, "%s: out of memory", path), -1;
    if (strlen(s->text) != len) { /* libconfig would stop at a NUL byte and ignore the rest */
        int line = 1;
        for (const char *c = s->text; *c; c++)
            line += *c == '\n';
        snprintf(err, errlen, "%s:%d: a NUL byte (character 0) in the text; expected a text file",
                 path, line);
        return -1;
    }
    if (len >= 3 && memcmp(s->text, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte-order mark */
        memmove(s->text, s->text + 3, len - 2), len -= 3;
    /* libconfig would read an @include itself, from the working folder, past these checks and
     * outside the spec's hash: a spec is one file (its base scenario may include others). */
    int at_line = 1;
    for (const char *c = s->text; *c; c++) {
        const char *q = c;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncmp(q, "@include", 8) == 0) {
            snprintf(err, errlen,
                     "%s:%d: @include in a sweep specification; expected the whole spec "
                     "in one file (its base scenario, base = \"...\", may include others)",
                     path, at_line);
            return -1;
        }
        c = strchr(c, '\n');
        if (!c) break;
        at_line++;
    }
    config_t cfg;
    config_init(&cfg);
    config_set_auto_convert(&cfg, 0);
    int rc;
    if (config_check_integers(s->text, path, err, errlen) != 0) {
        rc = -1;
    } else if (!config_read_string(&cfg, s->text)) {
        snprintf(err, errlen, "%s:%d: syntax error: %s", path, config_error_line(&cfg),
                 config_error_text(&cfg));
        rc = -1;
    } else {
        rc = load_settings(s, &cfg, path, err, errlen);
    }
    config_destroy(&cfg);
    if (rc == 0) {
        char *base = NULL;
        size_t bl = 0;
        FILE *bf = open_memstream(&base, &bl);
        if (bf) scenario_write_cfg(bf, &s->base), fclose(bf);
        s->hash = fnv1a_text(fnv1a_text(FNV1A_START, s->text), base);
        free(base);
    }
    return rc;
}

/* The value of factor f at unit coordinate u: a list element, or a range quantile; level
 * designs sit on coordinates l / (levels - 1). */
static double factor_value(const factor_t *f, double u, int levelled) {
    if (f->nvalues > 0) {
        int i = levelled ? (int)lround(u * (f->nvalues - 1)) : (int)floor(u * f->nvalues);
        return f->values[i < f->nvalues ? i : f->nvalues - 1];
    }
    double x = f->dist == DIST_LOGUNIFORM ? exp(log(f->min) + u * (log(f->max) - log(f->min)))
                                          : f->min + u * (f->max - f->min);
    if (levelled) { /* 0.1 + (2/3) 0.3 is 0.30000000000000004: levels are meant as decimals */
        char buf[32];
        snprintf(buf, sizeof buf, "%.12g", x);
        x = strtod(buf, NULL);
    }
    return param_table[f->id].type == P_INT ? round(x) : x;
}

static int factor_levels(const factor_t *f) {
    return f->nvalues > 0 ? f->nvalues : f->levels;
}

/* The level of factor f nearest the base scenario's value (for one-at-a-time designs). */
static int base_level(const sweep_spec_t *s, const factor_t *f) {
    double b = params_cvalues(&s->base.params, f->id)[f->element >= 0 ? f->element : 0];
    int L = factor_levels(f), best = 0;
    for (int l = 1; l < L; l++)
        if (fabs(factor_value(f, (double)l / (L - 1), 1) - b) <
            fabs(factor_value(f, (double)best / (L - 1), 1) - b))
            best = l;
    return best;
}

double *sweep_points(const sweep_spec_t *s, size_t *n, char *err, size_t errlen) {
    int k = s->k, *levels = malloc(sizeof(int) * (size_t)k),
        *base = malloc(sizeof(int) * (size_t)k);
    double *u = NULL;
    *n = 0;
    if (!levels || !base) goto oom;
    for (int j = 0; j < k; j++)
        levels[j] = factor_levels(&s->f[j]), base[j] = 0;
    switch (s->design) {
    case DESIGN_FACTORIAL:
        *n = design_factorial_count(k, levels);
        break;
    case DESIGN_OAT:
        *n = design_oat_count(k, levels);
        break;
    case DESIGN_LHS:
        *n = (size_t)s->samples;
        break;
    case DESIGN_SOBOL:
        *n = design_saltelli_count(k, s->samples);
        break;
    }
    if (*n == 0 || *n > 100000000) {
        snprintf(err, errlen, "the %s design gives %zu points: expected 1 to 100000000",
                 design_names[s->design], *n);
        free(levels), free(base);
        return NULL;
    }
    u = malloc(sizeof(double) * *n * (size_t)k);
    if (!u) goto oom;
    if (s->design == DESIGN_FACTORIAL)
        design_factorial(k, levels, u);
    else if (s->design == DESIGN_OAT) {
        for (int j = 0; j < k; j++)
            base[j] = base_level(s, &s->f[j]);
        design_oat(k, levels, base, u);
    } else {
        /* The design follows the seed, not the file's wording. */
        gsl_rng *r = rng_stream_new(s->seed, 0, RNG_STREAM_DESIGN);
        if (!r) goto oom;
        int rc = 0;
        if (s->design == DESIGN_LHS)
            design_lhs(k, s->samples, r, u);
        else
            rc = design_saltelli(k, s->samples, r, u);
        gsl_rng_free(r);
        if (rc != 0) goto oom;
    }
    int levelled = s->design == DESIGN_FACTORIAL || s->design == DESIGN_OAT;
    for (size_t i = 0; i < *n; i++)
        for (int j = 0; j < k; j++)
            u[i * k + j] = factor_value(&s->f[j], u[i * k + j], levelled);
    free(levels), free(base);
    return u;
oom:
    free(levels), free(base), free(u);
    snprintf(err, errlen, "out of memory for the sweep design");
    return NULL;
}

int sweep_point_scenario(const sweep_spec_t *s, const double *x, scenario_t *out) {
    const scenario_t *b = &s->base;
    int extra = s->per_point ? 0 : s->k, at = 0;
    *out = *b;
    out->policy = malloc(sizeof *out->policy * (size_t)(b->npolicy + extra + 1));
    out->npolicy = b->npolicy + extra;
    if (!out->policy) return -1;
    while (at < b->npolicy && b->policy[at].week <= 0)
        at++; /* after the base's week-0 steps */
    if (at > 0) memcpy(out->policy, b->policy, sizeof *b->policy * (size_t)at);
    params_t p0;
    scenario_params_at(b, 0, &p0);
    for (int j = 0; j < s->k && s->per_point; j++) /* from the start: no step */
        for (int i = 0; i < param_table[s->f[j].id].n; i++)
            if (s->f[j].element < 0 || s->f[j].element == i)
                params_values(&out->params, s->f[j].id)[i] = x[j];
    for (int j = 0; j < extra; j++) {
        const factor_t *f = &s->f[j];
        policy_set_t *e = &out->policy[at + j];
        memset(e, 0, sizeof *e);
        e->id = f->id;
        /* Each step carries the whole vector: a parameter whose elements two factors set gets
         * both in its later step. */
        memcpy(e->v, params_cvalues(&p0, f->id), sizeof(double) * (size_t)param_table[f->id].n);
        for (int q = 0; q <= j; q++)
            for (int i = 0; i < param_table[f->id].n && s->f[q].id == f->id; i++)
                if (s->f[q].element < 0 || s->f[q].element == i) e->v[i] = x[q];
        snprintf(e->where, sizeof e->where, "sweep factor %s", f->label);
    }
    if (b->npolicy > at)
        memcpy(&out->policy[at + extra], &b->policy[at],
               sizeof *b->policy * (size_t)(b->npolicy - at));
    return 0;
}

void sweep_point_free(scenario_t *pt) {
    free(pt->policy);
    memset(pt, 0, sizeof *pt);
}

int sweep_check_points(const sweep_spec_t *s, const double *points, size_t n, char *err,
                       size_t errlen) {
    for (size_t i = 0; i < n; i++) {
        scenario_t pt;
        char why[ERR_LEN];
        if (sweep_point_scenario(s, &points[i * s->k], &pt) != 0)
            return snprintf(err, errlen, "out of memory"), -1;
        int rc = scenario_validate_values(&pt, why, sizeof why);
        sweep_point_free(&pt);
        if (rc == 0) continue;
        char vals[512] = "";
        for (int j = 0; j < s->k; j++) {
            size_t l = strlen(vals);
            snprintf(vals + l, sizeof vals - l, "%s%s = %g", j ? ", " : "", s->f[j].label,
                     points[i * s->k + j]);
        }
        snprintf(err, errlen, "point %zu of the %s design (%s) is not a valid scenario: %.600s", i,
                 design_names[s->design], vals, why);
        return -1;
    }
    return 0;
}
