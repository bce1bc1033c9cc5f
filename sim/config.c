#include "config.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_INCLUDE_DEPTH 16
/* Texts stored as HDF5 attributes (at most 64 KB each, with room for the rest). */
#define MAX_TITLE 4096
#define MAX_SCENARIO_TEXT 60000

static void set_label(scenario_t *s);

void scenario_init(scenario_t *s) {
    memset(s, 0, sizeof *s);
    params_defaults(&s->params);
    set_label(s);
}

void scenario_free(scenario_t *s) {
    for (int i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    free(s->set_args);
    free(s->title);
    free(s->policy);
    memset(s, 0, sizeof *s);
}

static char *read_text(const char *path, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot read scenario file: not a regular file", path);
        return NULL;
    }
    if (stat(path, &st) == 0 && st.st_size > (64 << 20)) {
        snprintf(err, errlen,
                 "%s: cannot read scenario file: %lld bytes; expected a scenario of at most 64 MB",
                 path, (long long)st.st_size);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read scenario file: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    buf[len] = '\0';
    char *nul = memchr(buf, '\0', len);
    if (nul) { /* libconfig would stop there and ignore the rest silently */
        int line = 1;
        for (char *c = buf; c < nul; c++)
            line += *c == '\n';
        snprintf(err, errlen, "%s:%d: a NUL byte (character 0) in the text; expected a text file",
                 path, line);
        free(buf);
        return NULL;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        memmove(buf, buf + 3, len - 2); /* a UTF-8 BOM */
    return buf;
}

int config_check_integers(const char *text, const char *file, char *err, size_t errlen) {
    int line = 1;
    for (const char *c = text; *c; c++) {
        if (*c == '\n') {
            line++;
        } else if (*c == '#' || (c[0] == '/' && c[1] == '/')) { /* a line comment */
            while (c[1] && c[1] != '\n')
                c++;
        } else if (c[0] == '/' && c[1] == '*') { /* a block comment */
            int from = line;
            for (c += 2; *c && !(c[0] == '*' && c[1] == '/'); c++)
                line += *c == '\n';
            if (!*c) { /* libconfig would take the rest of the file as comment, silently */
                snprintf(err, errlen,
                         "%s:%d: a block comment /* ... is never closed; expected */ "
                         "before the end of the file",
                         file, from);
                return -1;
            }
            c++;
        } else if (*c == '"') { /* a string */
            for (c++; *c && *c != '"'; c++) {
                if (*c == '\\' && c[1]) c++;
                line += *c == '\n';
            }
            if (!*c) break;
        } else if (*c >= '0' && *c <= '9' &&
                   (c == text ||
                    !(isalnum((unsigned char)c[-1]) || c[-1] == '_' || c[-1] == '.'))) {
            const char *e = c;
            int hex = c[0] == '0' && (c[1] == 'x' || c[1] == 'X');
            if (hex) e += 2;
            while (hex ? isxdigit((unsigned char)*e) : isdigit((unsigned char)*e))
                e++;
            int real = !hex && (*e == '.' || *e == 'e' || *e == 'E');
            int wide = *e == 'L';
            if (!real) { /* an integer literal: does it fit? */
                errno = 0;
                unsigned long long v = strtoull(c, NULL, hex ? 16 : 10);
                int neg = c > text && c[-1] == '-';
                unsigned long long lim32 = hex   ? 0xFFFFFFFFULL
                                           : neg ? 2147483648ULL
                                                 : 2147483647ULL;
                unsigned long long lim64 = hex   ? ~0ULL
                                           : neg ? 9223372036854775808ULL
                                                 : 9223372036854775807ULL;
                if (errno == ERANGE || v > lim64 || (!wide && v > lim32)) {
                    snprintf(err, errlen, "%s:%d: the integer %s%.*s is too large%s; expected %s",
                             file, line, neg ? "-" : "", (int)(e - c), c,
                             wide || errno == ERANGE || v > lim64 ? " even for a 64-bit integer"
                                                                  : " for a 32-bit integer",
                             wide || errno == ERANGE || v > lim64
                                 ? "a smaller value (for a large number write it with a decimal "
                                   "point: 1e20)"
                                 : "it with the L suffix for a 64-bit integer (5000000000L), or a "
                                   "smaller value");
                    return -1;
                }
            }
            c = e - 1;
            while (isalnum((unsigned char)c[1]) || c[1] == '.' || c[1] == '_')
                c++; /* the rest of the token */
        }
    }
    return 0;
}

/* A hint for a syntax error on `line` of text: a percentage or a decimal comma, which
 * spreadsheets and Dutch habits bring in. */
static const char *syntax_hint(const char *text, int line) {
    for (int l = 1; l < line && text; l++) {
        text = strchr(text, '\n');
        if (text) text++;
    }
    if (!text) return "";
    const char *eol = strchr(text, '\n'), *eq = strchr(text, '=');
    size_t n = eol ? (size_t)(eol - text) : strlen(text);
    const char *cm = memchr(text, '#', n);
    if (cm) n = (size_t)(cm - text);
    if (memchr(text, '%', n)) return " (write a share as a fraction: 0.15, not 15%)";
    for (size_t i = 1; eq && eq < text + n && i + 1 < n; i++)
        if (text[i] == ',' && text[i - 1] >= '0' && text[i - 1] <= '9' && text[i + 1] >= '0' &&
            text[i + 1] <= '9' && !memchr(text, '[', n) && !memchr(text, '(', n))
            return " (write decimals with a point: 0.3, not 0,3)";
    return "";
}

/* Stores a value after type and range checks; `where` is "file:line" for the message. */
static int set_checked(params_t *p, int id, int k, double v, const char *where, char *err,
                       size_t errlen) {
    char why[256];
    if (params_check_value(id, v, why, sizeof why) != 0) {
        if (param_table[id].n > 1)
            snprintf(err, errlen, "%s: parameter '%s' element %d: %s", where, param_table[id].name,
                     k + 1, why);
        else
            snprintf(err, errlen, "%s: parameter '%s': %s", where, param_table[id].name, why);
        return -1;
    }
    params_values(p, id)[k] = v;
    return 0;
}

static int scalar_value(const config_setting_t *st, int id, double *v, const char *where, char *err,
                        size_t errlen) {
    const param_info_t *pi = &param_table[id];
    int t = config_setting_type(st);
    const char *expected = pi->type == P_BOOL  ? "true or false"
                           : pi->type == P_INT ? "an integer"
                                               : "a number";
    if (pi->type == P_BOOL && t == CONFIG_TYPE_BOOL) {
        *v = config_setting_get_bool(st);
        return 0;
    }
    if (pi->type != P_BOOL && (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)) {
        *v = (double)config_setting_get_int64(st);
        return 0;
    }
    if (pi->type == P_REAL && t == CONFIG_TYPE_FLOAT) {
        *v = config_setting_get_float(st);
        return 0;
    }
    static const char *const tn[] = {
        "nothing",  "a group",       "an integer", "an integer", "a number with a decimal point",
        "a string", "true or false", "an array",   "a list"};
    snprintf(err, errlen, "%s: parameter '%s': wrong type: expected %s, got %s", where, pi->name,
             expected, t >= 0 && t <= 8 ? tn[t] : "an unknown type");
    return -1;
}

/* Reads one parameter setting into p; its id goes to *idp. In a policy step (`step`) only
 * schedulable parameters are allowed. */
static int apply_setting(params_t *p, const config_setting_t *st, const char *path,
                         const char *file, int step, int *idp, char *err, size_t errlen) {
    char where[512];
    snprintf(where, sizeof where, "%s:%d", file, config_setting_source_line(st));
    int id = params_find(path);
    if (id < 0) {
        snprintf(err, errlen, "%s: unknown parameter '%s'; did you mean '%s'?", where, path,
                 params_closest(path));
        return -1;
    }
    if (idp) *idp = id;
    if (step && !param_table[id].schedulable) {
        snprintf(err, errlen,
                 "%s: parameter '%s' cannot change during a run: expected a schedulable "
                 "parameter in a policy step (`wijksim params` marks them); set it outside "
                 "`policy` instead",
                 where, path);
        return -1;
    }
    const param_info_t *pi = &param_table[id];
    int t = config_setting_type(st);
    int is_seq = t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
    if (pi->n == 1 && is_seq) {
        snprintf(err, errlen, "%s: parameter '%s': wrong type: expected a single value, got a list",
                 where, pi->name);
        return -1;
    }
    if (pi->n > 1) {
        if (!is_seq) {
            snprintf(err, errlen,
                     "%s: parameter '%s': wrong type: expected a list of %d values [a, b, ...]",
                     where, pi->name, pi->n);
            return -1;
        }
        if (config_setting_length(st) != pi->n) {
            snprintf(err, errlen, "%s: parameter '%s': expected %d values, got %d", where, pi->name,
                     pi->n, config_setting_length(st));
            return -1;
        }
        for (int k = 0; k < pi->n; k++) {
            double v;
            if (scalar_value(config_setting_get_elem(st, (unsigned)k), id, &v, where, err,
                             errlen) != 0 ||
                set_checked(p, id, k, v, where, err, errlen) != 0)
                return -1;
        }
        return 0;
    }
    double v;
    if (scalar_value(st, id, &v, where, err, errlen) != 0) return -1;
    return set_checked(p, id, 0, v, where, err, errlen);
}

/* Records a parameter of a policy step (or, with step NULL, does nothing more). */
static int step_record(scenario_t *s, const policy_set_t *step, int id, const params_t *p,
                       const config_setting_t *st, const char *file, char *err, size_t errlen) {
    if (!step) return 0;
    policy_set_t *np = realloc(s->policy, sizeof *np * (size_t)(s->npolicy + 1));
    if (!np) {
        snprintf(err, errlen, "%s: out of memory", file);
        return -1;
    }
    s->policy = np;
    policy_set_t *e = &np[s->npolicy++];
    *e = *step;
    e->id = id;
    memcpy(e->v, params_cvalues(p, id), sizeof(double) * (size_t)param_table[id].n);
    snprintf(e->where, sizeof e->where, "%s:%d", file, config_setting_source_line(st));
    return 0;
}

/* Applies the parameters of group g (names prefixed by `prefix`) to p. In a policy step the
 * values go to a scratch copy and are recorded as policy entries of that step. */
static int apply_group(scenario_t *s, params_t *p, const config_setting_t *g, const char *prefix,
                       const char *file, const policy_set_t *step, char *err, size_t errlen) {
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *st = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(st);
        if (!step && !*prefix && (strcmp(name, "policy") == 0 || strcmp(name, "title") == 0))
            continue; /* read by load_file */
        if (step && !*prefix && (strcmp(name, "week") == 0 || strcmp(name, "year") == 0)) continue;
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", name);
        int id = -1;
        int rc = config_setting_is_group(st)
                     ? apply_group(s, p, st, path, file, step, err, errlen)
                     : apply_setting(p, st, path, file, step != NULL, &id, err, errlen) ||
                           step_record(s, step, id, p, st, file, err, errlen);
        if (rc != 0) return rc;
        if (!step && id >= 0)
            s->set_file[id] = (short)(s->nfiles + 1),
            s->set_line[id] = config_setting_source_line(st);
    }
    return 0;
}

/* The week of a policy step: `week = W` (from 0) or `year = Y` (from 1), exactly one. */
static int step_week(const config_setting_t *g, const char *file, int *week, char *err,
                     size_t errlen) {
    const config_setting_t *wk = config_setting_get_member(g, "week");
    const config_setting_t *yr = config_setting_get_member(g, "year");
    int line = config_setting_source_line(g);
    if (!wk == !yr) {
        snprintf(err, errlen,
                 "%s:%d: policy step: expected exactly one of 'week = W' (output week from 0) or "
                 "'year = Y' (from 1)",
                 file, line);
        return -1;
    }
    const config_setting_t *st = wk ? wk : yr;
    int t = config_setting_type(st);
    long long v =
        t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ? config_setting_get_int64(st) : -1;
    if (v < (wk ? 0 : 1) || v > (wk ? 100000 : 2000)) {
        snprintf(err, errlen,
                 "%s:%d: policy step: parameter '%s': expected an integer of at least %d", file,
                 config_setting_source_line(st), wk ? "week" : "year", wk ? 0 : 1);
        return -1;
    }
    *week = wk ? (int)v : (int)(52 * (v - 1));
    return 0;
}

/* Reads `policy = ( {...}, ... )`, replacing any policy the bases set. */
static int load_policy(scenario_t *s, const config_setting_t *pol, const char *file, char *err,
                       size_t errlen) {
    if (!config_setting_is_list(pol) && !config_setting_is_array(pol)) {
        snprintf(err, errlen,
                 "%s:%d: parameter 'policy': expected a list of steps ( { week = W; group = { "
                 "name = value; }; }, ... )",
                 file, config_setting_source_line(pol));
        return -1;
    }
    free(s->policy);
    s->policy = NULL;
    s->npolicy = 0;
    int n = config_setting_length(pol);
    for (int i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(pol, (unsigned)i);
        if (!config_setting_is_group(g)) {
            snprintf(err, errlen, "%s:%d: policy step %d: expected a group { week = W; ... }", file,
                     config_setting_source_line(g), i + 1);
            return -1;
        }
        policy_set_t step = {0};
        params_t scratch = s->params;
        int before = s->npolicy;
        if (step_week(g, file, &step.week, err, errlen) != 0 ||
            apply_group(s, &scratch, g, "", file, &step, err, errlen) != 0)
            return -1;
        if (s->npolicy == before) {
            snprintf(err, errlen, "%s:%d: policy step %d: expected at least one parameter to set",
                     file, config_setting_source_line(g), i + 1);
            return -1;
        }
    }
    /* Keep the entries in order of week, and of the file within a week: a stable merge sort
     * (an insertion sort took 20 s for 40,000 steps). */
    policy_set_t *tmp = malloc(sizeof *tmp * (size_t)(s->npolicy ? s->npolicy : 1));
    if (!tmp) return snprintf(err, errlen, "%s: out of memory", file), -1;
    for (int width = 1; width < s->npolicy; width *= 2) {
        for (int lo = 0; lo < s->npolicy; lo += 2 * width) {
            int mid = lo + width < s->npolicy ? lo + width : s->npolicy;
            int hi = lo + 2 * width < s->npolicy ? lo + 2 * width : s->npolicy;
            int a = lo, b = mid, k = lo;
            while (a < mid || b < hi)
                tmp[k++] = b >= hi || (a < mid && s->policy[a].week <= s->policy[b].week)
                               ? s->policy[a++]
                               : s->policy[b++];
        }
        memcpy(s->policy, tmp, sizeof *tmp * (size_t)s->npolicy);
    }
    free(tmp);
    return 0;
}

static int load_title(scenario_t *s, const config_setting_t *t, const char *file, char *err,
                      size_t errlen) {
    const char *v = config_setting_get_string(t);
    if (!v) {
        snprintf(err, errlen, "%s:%d: parameter 'title': expected a string in double quotes", file,
                 config_setting_source_line(t));
        return -1;
    }
    free(s->title);
    if (!(s->title = strdup(v))) {
        snprintf(err, errlen, "%s: out of memory", file);
        return -1;
    }
    return 0;
}

/* Blanks every `@include "x"` line of text (keeping line numbers) and collects the paths,
 * resolved against the including file's directory. */
static int take_includes(char *text, const char *file, char **incs, int *lines, int *ninc,
                         char *err, size_t errlen) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    char *d = dirname(dir);
    int line = 1, in_comment = 0, in_string = 0; /* both may run over several lines */
    for (char *p = text; *p;) {
        char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *q = p;
        while (q < p + len && (*q == ' ' || *q == '\t'))
            q++;
        if (!in_comment && !in_string && (size_t)(p + len - q) >= 8 &&
            strncmp(q, "@include", 8) == 0) {
            char *a = memchr(q, '"', (size_t)(p + len - q));
            char *b = a ? memchr(a + 1, '"', (size_t)(p + len - a - 1)) : NULL;
            char *rest = b ? b + 1 : NULL;
            while (rest && rest < p + len && (*rest == ' ' || *rest == '\t' || *rest == '\r'))
                rest++;
            if (!b || (rest < p + len && *rest != '#' && strncmp(rest, "//", 2) != 0)) {
                snprintf(err, errlen,
                         "%s:%d: syntax error: expected @include \"file.cfg\" alone on its line",
                         file, line);
                return -1;
            }
            if (*ninc == MAX_SOURCE_FILES) {
                snprintf(err, errlen, "%s:%d: too many @include lines", file, line);
                return -1;
            }
            size_t plen = (size_t)(b - a - 1);
            char *inc = malloc(strlen(d) + plen + 2);
            if (!inc) {
                snprintf(err, errlen, "%s: out of memory", file);
                return -1;
            }
            if (a[1] == '/')
                snprintf(inc, plen + 1, "%s", a + 1);
            else
                sprintf(inc, "%s/%.*s", d, (int)plen, a + 1);
            lines[*ninc] = line;
            incs[(*ninc)++] = inc;
            memset(p, ' ', len);
        }
        /* Track block comments and strings (libconfig lets both run over several lines) so
         * that a commented-out @include stays out and one after them is seen. A block-comment
         * opener inside a line comment (# or //) or a string opens nothing. */
        for (char *c = p; c < p + len; c++) {
            if (in_comment) {
                if (c + 1 < p + len && c[0] == '*' && c[1] == '/') in_comment = 0, c++;
            } else if (in_string) {
                if (*c == '\\' && c + 1 < p + len)
                    c++;
                else if (*c == '"')
                    in_string = 0;
            } else if (*c == '#' || (c + 1 < p + len && c[0] == '/' && c[1] == '/')) {
                break;
            } else if (c + 1 < p + len && c[0] == '/' && c[1] == '*') {
                in_comment = 1, c++;
            } else if (*c == '"') {
                in_string = 1;
            }
        }
        if (!eol) break;
        p = eol + 1;
        line++;
    }
    return 0;
}

/* True when the file at path was applied already (an include guard: a base shared by two
 * included presets is applied once, before the first of them). */
static int already_loaded(const scenario_t *s, const char *path) {
    char want[PATH_MAX], have[PATH_MAX];
    if (!realpath(path, want)) return 0;
    for (int i = 0; i < s->nfiles; i++)
        if (realpath(s->files[i], have) && strcmp(want, have) == 0) return 1;
    return 0;
}

/* The files being loaded, from the scenario given down to the one being read: an include
 * that names one of them is a cycle. */
typedef struct chain {
    const char *path;
    const struct chain *up;
} chain_t;

static int edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return 99;
    int row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up, row[j] = best;
        }
    }
    return row[m];
}

/* "; did you mean "NAME"?" for the .cfg file in path's folder closest to its name (at most 3
 * edits away), or "". */
static void close_name(const char *path, char *buf, size_t len) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    buf[0] = '\0';
    DIR *d = opendir(dirname(dir));
    if (!d) return;
    int best = 4;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".cfg") != 0) continue;
        int k = edit_distance(base, e->d_name);
        if (k > 0 && k < best) best = k, snprintf(buf, len, "; did you mean \"%s\"?", e->d_name);
    }
    closedir(d);
}

static int load_file(scenario_t *s, const char *path, const chain_t *up, const char *from,
                     int from_line, char *err, size_t errlen) {
    int depth = 0;
    for (const chain_t *c = up; c; c = c->up)
        depth++;
    if (depth > 0 && already_loaded(s, path)) return 0;
    char want[PATH_MAX], have[PATH_MAX];
    for (const chain_t *c = up; c && realpath(path, want); c = c->up)
        if (realpath(c->path, have) && strcmp(want, have) == 0) {
            char trail[1024] = "";
            for (const chain_t *k = up; k; k = k->up)
                snprintf(trail + strlen(trail), sizeof trail - strlen(trail), " <- %s", k->path);
            snprintf(err, errlen,
                     "%s:%d: @include \"%s\" makes a cycle (%s%s); expected each file "
                     "to be included from outside it",
                     from, from_line, path, path, trail);
            return -1;
        }
    if (depth > MAX_INCLUDE_DEPTH) {
        snprintf(err, errlen, "%s:%d: @include nested more than %d deep", from, from_line,
                 MAX_INCLUDE_DEPTH);
        return -1;
    }
    char *text = read_text(path, err, errlen);
    if (!text) {
        if (from) { /* name the including line, and a close name when the file is missing */
            char why[ERR_LEN], hint[300] = "";
            snprintf(why, sizeof why, "%s", err);
            if (access(path, F_OK) != 0) close_name(path, hint, sizeof hint);
            snprintf(err, errlen, "%s:%d: @include: %s%s", from, from_line, why, hint);
        }
        return -1;
    }
    char *incs[MAX_SOURCE_FILES];
    int lines[MAX_SOURCE_FILES];
    int ninc = 0, rc = take_includes(text, path, incs, lines, &ninc, err, errlen);
    chain_t here = {path, up};
    for (int i = 0; i < ninc && rc == 0; i++)
        rc = load_file(s, incs[i], &here, path, lines[i], err, errlen);
    for (int i = 0; i < ninc; i++)
        free(incs[i]);
    if (rc != 0) {
        free(text);
        return rc;
    }
    config_t cfg;
    config_init(&cfg);
    config_set_auto_convert(&cfg, 0);
    if (config_check_integers(text, path, err, errlen) != 0) {
        rc = -1;
    } else if (!config_read_string(&cfg, text)) {
        snprintf(err, errlen, "%s:%d: syntax error: %s%s", path, config_error_line(&cfg),
                 config_error_text(&cfg), syntax_hint(text, config_error_line(&cfg)));
        rc = -1;
    } else {
        const config_setting_t *root = config_root_setting(&cfg);
        const config_setting_t *pol = config_setting_get_member(root, "policy");
        const config_setting_t *title = config_setting_get_member(root, "title");
        rc = apply_group(s, &s->params, root, "", path, NULL, err, errlen);
        if (rc == 0 && title) rc = load_title(s, title, path, err, errlen);
        if (rc == 0 && pol) rc = load_policy(s, pol, path, err, errlen);
    }
    config_destroy(&cfg);
    free(text);
    if (rc == 0) {
        if (s->nfiles == MAX_SOURCE_FILES) {
            snprintf(err, errlen, "%s: more than %d scenario files in one run", path,
                     MAX_SOURCE_FILES);
            return -1;
        }
        if (!(s->files[s->nfiles++] = strdup(path))) {
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
    }
    return rc;
}

/* The label: the title, or the file name without folder and .cfg. */
static void set_label(scenario_t *s) {
    if (s->title)
        snprintf(s->label, sizeof s->label, "%s", s->title);
    else if (s->nfiles == 0)
        snprintf(s->label, sizeof s->label, "defaults");
    else {
        const char *b;
        size_t n = cfg_stem(s->files[s->nfiles - 1], &b);
        snprintf(s->label, sizeof s->label, "%.*s", (int)n, b);
    }
}

int scenario_load(scenario_t *s, const char *path, char *err, size_t errlen) {
    int rc = load_file(s, path, NULL, NULL, 0, err, errlen);
    set_label(s);
    return rc;
}

static int parse_number(const char *str, double *v) {
    while (*str == ' ')
        str++;
    if (strcmp(str, "true") == 0) return *v = 1, 0;
    if (strcmp(str, "false") == 0) return *v = 0, 0;
    char *end;
    errno = 0;
    *v = strtod(str, &end);
    while (*end == ' ')
        end++;
    return end == str || *end != '\0' || errno ? -1 : 0;
}

int scenario_set(scenario_t *s, const char *assignment, char *err, size_t errlen) {
    const char *eq = strchr(assignment, '=');
    char where[600];
    snprintf(where, sizeof where, "--set %s", assignment);
    if (!eq || eq == assignment) {
        snprintf(err, errlen, "%s: expected name=value", where);
        return -1;
    }
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(eq - assignment), assignment);
    int id = params_find(name);
    if (id < 0) {
        snprintf(err, errlen, "%s: unknown parameter '%s'; did you mean '%s'?", where, name,
                 params_closest(name));
        return -1;
    }
    const param_info_t *pi = &param_table[id];
    char val[1024];
    snprintf(val, sizeof val, "%s", eq + 1);
    char *body = val;
    size_t vl = strlen(body);
    if (body[0] == '[' && vl > 1 && body[vl - 1] == ']') body[vl - 1] = '\0', body++;
    int k = 0;
    for (char *next = body, *tok; (tok = strsep(&next, ",")) != NULL; k++) {
        double v;
        if (k >= pi->n) continue; /* counted, reported below */
        if (parse_number(tok, &v) != 0) {
            snprintf(err, errlen, "%s: parameter '%s': wrong type: expected %s, got '%s'", where,
                     name, pi->type == P_BOOL ? "true or false" : "a number", tok);
            return -1;
        }
        if (pi->type == P_BOOL && v != 0 && v != 1) {
            snprintf(err, errlen, "%s: parameter '%s': wrong type: expected true or false", where,
                     name);
            return -1;
        }
        if (set_checked(&s->params, id, k, v, where, err, errlen) != 0) return -1;
    }
    if (k != pi->n) {
        snprintf(err, errlen, "%s: parameter '%s': expected %d value%s, got %d", where, name, pi->n,
                 pi->n > 1 ? "s separated by commas" : "", k);
        return -1;
    }
    size_t old = s->set_args ? strlen(s->set_args) : 0;
    char *nb = realloc(s->set_args, old + strlen(assignment) + 2);
    if (nb) {
        sprintf(nb + old, "%s\n", assignment);
        s->set_args = nb;
    }
    s->set_file[id] = -1, s->set_line[id] = 0;
    return 0;
}

static double sum(const double *v, int n) {
    double t = 0;
    for (int i = 0; i < n; i++)
        t += v[i];
    return t;
}

/* Two parameters that must be ordered: a <= b. */
static int ordered(const char *na, double a, const char *nb, double b, const char *expect,
                   char *err, size_t errlen) {
    if (a <= b) return 0;
    snprintf(err, errlen, "parameters '%s' (%g) and '%s' (%g): expected %s", na, a, nb, b, expect);
    return -1;
}

/* The parameters a failed cross-parameter check names, from its message ("parameters 'a' ...
 * and 'b' ..."), into ids[2] (-1 where none). */
static void named_params(const char *msg, int ids[2]) {
    ids[0] = ids[1] = -1;
    const char *q = msg;
    for (int k = 0; k < 2 && (q = strchr(q, '\'')) != NULL; k++) {
        const char *e = strchr(q + 1, '\'');
        if (!e) break;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(e - q - 1), q + 1);
        ids[k] = params_find(name);
        q = e + 1;
    }
}

/* Where parameter id got its start value, e.g. "a.cfg:3", "--set", "the default". */
static void set_where(const scenario_t *s, int id, char *buf, size_t len) {
    int f = s->set_file[id];
    if (f == 0)
        snprintf(buf, len, "the default");
    else if (f < 0)
        snprintf(buf, len, "--set");
    else
        snprintf(buf, len, "%s:%d", f <= s->nfiles ? s->files[f - 1] : "?", s->set_line[id]);
}

void scenario_write_settings(FILE *f, const scenario_t *s) {
    params_t d;
    params_defaults(&d);
    int n = 0;
    for (int id = 0; id < N_PARAMS; id++) {
        const double *v = params_cvalues(&s->params, id), *dv = params_cvalues(&d, id);
        if (memcmp(v, dv, sizeof(double) * (size_t)param_table[id].n) == 0) continue;
        char where[200];
        set_where(s, id, where, sizeof where);
        fprintf(f, "%s  %s = ", n++ ? "" : "Parameters that differ from the defaults:\n",
                param_table[id].name);
        params_write_values(f, id, v);
        fprintf(f, " (default ");
        params_write_values(f, id, dv);
        fprintf(f, "; %s)\n", where);
    }
    if (n == 0) fputs("Every parameter has its default value.\n", f);
    for (int k = 0; k < s->npolicy; k++) {
        const policy_set_t *ps = &s->policy[k];
        fprintf(f, "%s  week %d (year %d): %s = ", k ? "" : "Policy:\n", ps->week,
                ps->week / 52 + 1, param_table[ps->id].name);
        params_write_values(f, ps->id, ps->v);
        fprintf(f, " (%s)\n", ps->where);
    }
}

static int check_params(const params_t *p, char *err, size_t errlen) {
    if (ordered("world.deprivation_min", p->world_deprivation_min[0], "world.deprivation_max",
                p->world_deprivation_max[0], "min <= max", err, errlen) ||
        ordered("world.cohesion_min", p->world_cohesion_min[0], "world.cohesion_max",
                p->world_cohesion_max[0], "min <= max", err, errlen) ||
        ordered("volunteers.preferred_clients", p->vol_preferred_clients[0],
                "volunteers.max_clients", p->vol_max_clients[0], "preferred <= max", err, errlen) ||
        ordered("world.teams", p->world_teams[0], "world.neighbourhoods",
                p->world_neighbourhoods[0], "at most one team per neighbourhood (0 = one each)",
                err, errlen))
        return -1;
    if (p->world_population[0] < 20 * p->world_neighbourhoods[0]) {
        snprintf(err, errlen,
                 "parameters 'world.population' (%g) and 'world.neighbourhoods' (%g): expected "
                 "at least 20 residents per neighbourhood",
                 p->world_population[0], p->world_neighbourhoods[0]);
        return -1;
    }
    if (sum(p->world_household_share, 6) <= 0 || sum(p->world_children_share, 3) <= 0) {
        snprintf(err, errlen,
                 "parameters 'world.household_share' and 'world.children_share': "
                 "expected shares with a positive sum");
        return -1;
    }
    return 0;
}

int scenario_validate(const scenario_t *s, char *err, size_t errlen) {
    if (scenario_validate_values(s, err, errlen) != 0) return -1;
    /* The title and the resolved scenario are stored as HDF5 attributes, which hold at most
     * 64 KB: refuse what would not fit now, not when the file is written (for a sweep: after
     * every run). */
    if (s->title && strlen(s->title) > MAX_TITLE) {
        snprintf(err, errlen, "%s: parameter 'title': %zu characters; expected at most %d",
                 s->nfiles ? s->files[s->nfiles - 1] : "scenario", strlen(s->title), MAX_TITLE);
        return -1;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) scenario_write_cfg(f, s), fclose(f);
    free(text);
    if (len > MAX_SCENARIO_TEXT) {
        snprintf(err, errlen,
                 "%s: the resolved scenario is %zu bytes as text (%d policy entries); "
                 "expected at most %d, which the output file can store: fewer policy steps",
                 s->nfiles ? s->files[s->nfiles - 1] : "scenario", len, s->npolicy,
                 MAX_SCENARIO_TEXT);
        return -1;
    }
    return 0;
}

int scenario_validate_values(const scenario_t *s, char *err, size_t errlen) {
    char why[ERR_LEN];
    if (check_params(&s->params, why, sizeof why) != 0) {
        int ids[2];
        char a[400] = "", b[400] = "";
        named_params(why, ids);
        if (ids[0] >= 0) set_where(s, ids[0], a, sizeof a);
        if (ids[1] >= 0) set_where(s, ids[1], b, sizeof b);
        if (ids[0] >= 0 && ids[1] >= 0)
            snprintf(err, errlen, "%s (set: '%s' at %s, '%s' at %s)", why, param_table[ids[0]].name,
                     a, param_table[ids[1]].name, b);
        else
            snprintf(err, errlen, "%s", why);
        return -1;
    }
    int weeks = (int)s->params.sim_weeks[0];
    params_t at = s->params; /* the steps applied one by one (they are sorted by week) */
    for (int i = 0; i < s->npolicy; i++) {
        const policy_set_t *e = &s->policy[i];
        memcpy(params_values(&at, e->id), e->v, sizeof(double) * (size_t)param_table[e->id].n);
        if (i + 1 < s->npolicy && s->policy[i + 1].week == e->week)
            continue; /* the week's last step checks */
        if (e->week >= weeks) {
            snprintf(err, errlen,
                     "%s: policy step at week %d (year %d): expected a week within the run "
                     "(sim.weeks = %d, so weeks 0 to %d)",
                     e->where, e->week, e->week / 52 + 1, weeks, weeks - 1);
            return -1;
        }
        if (check_params(&at, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: after the policy step at week %d: %.*s", e->where, e->week,
                     (int)(errlen > 200 ? errlen - 200 : 0), why);
            return -1;
        }
    }
    return 0;
}

void scenario_params_at(const scenario_t *s, int week, params_t *out) {
    *out = s->params;
    for (int i = 0; i < s->npolicy && s->policy[i].week <= week; i++) /* sorted by week */
        memcpy(params_values(out, s->policy[i].id), s->policy[i].v,
               sizeof(double) * (size_t)param_table[s->policy[i].id].n);
}

int scenario_changes_at(const scenario_t *s, int week) {
    for (int i = 0; i < s->npolicy; i++)
        if (s->policy[i].week == week) return 1;
    return 0;
}

/* A dotted name as nested libconfig groups: "team.fte" -> "team = { fte = ". */
static int write_open_groups(FILE *f, const char *name) {
    int depth = 0;
    for (const char *dot; (dot = strchr(name, '.')) != NULL; name = dot + 1, depth++)
        fprintf(f, "%.*s = { ", (int)(dot - name), name);
    fprintf(f, "%s = ", name);
    return depth;
}

void scenario_write_policy(FILE *f, const scenario_t *s) {
    if (s->npolicy == 0) return;
    fputs("policy = (\n", f);
    for (int i = 0; i < s->npolicy; i++) { /* sorted by week: one step per week */
        const policy_set_t *e = &s->policy[i];
        if (i == 0 || e->week != e[-1].week)
            fprintf(f, "%s  { week = %d;", i ? " },\n" : "", e->week);
        fputc(' ', f);
        int depth = write_open_groups(f, param_table[e->id].name);
        params_write_values(f, e->id, e->v);
        fputc(';', f);
        for (int k = 0; k < depth; k++)
            fputs(" };", f);
    }
    fputs(" }\n);\n", f);
}

void scenario_write_cfg(FILE *f, const scenario_t *s) {
    params_write_cfg(f, &s->params);
    if (s->title) {
        fputs("title = \"", f);
        for (const char *c = s->title; *c; c++) {
            if (*c == '"' || *c == '\\') fputc('\\', f);
            fputc(*c, f);
        }
        fputs("\";\n", f);
    }
    scenario_write_policy(f, s);
}

const char *scenario_label(const scenario_t *s) {
    return s->label;
}
