/* Sweep specifications (sim/sweep.c): the points each design gives from a spec file, and the
 * refusals of invalid specs with file, line and parameter. */
#include <string.h>
#include <unistd.h>

#include "sim/sweep.h"
#include "check.h"

static char dir[] = "/tmp/wijksim_sweep_XXXXXX";

static const char *write_file(const char *name, const char *text) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) fputs(text, f), fclose(f);
    return path;
}

/* Loads a spec; returns 0 or -1 and leaves the message in err. */
static int load(const char *text, sweep_spec_t *s, char *err) {
    return sweep_spec_load(s, write_file("s.cfg", text), err, ERR_LEN);
}

static void factorial(void) {
    sweep_spec_t s;
    char err[ERR_LEN];
    int rc = load("base = \"base.cfg\"; design = \"factorial\"; replicates = 2;\n"
                  "parameters = ( { name = \"team.fte\"; values = [6.0, 8.5, 10.0]; },\n"
                  "  { name = \"access.barrier\"; min = 0.1; max = 0.4; levels = 4; } );\n",
                  &s, err);
    CHECK(rc == 0, "factorial: a list and a range load", "%s", err);
    if (rc) return;
    size_t n;
    double *v = sweep_points(&s, &n, err, sizeof err);
    CHECK(v && n == 12, "factorial: 3 values x 4 levels give 12 points", "n = %zu", n);
    int ok = 1;
    for (size_t i = 0; v && i < n; i++) {
        double fte = v[i * 2], bar = v[i * 2 + 1];
        double want_fte[3] = {6, 8.5, 10};
        ok &= fte == want_fte[i / 4];
        ok &= fabs(bar - (0.1 + 0.1 * (double)(i % 4))) < 1e-12;
    }
    CHECK(ok, "factorial: list values as given, range levels evenly spaced from min to max",
          "wrong values");
    CHECK(s.replicates == 2 && s.seed == 1, "factorial: replicates read, seed defaults to 1",
          "%d %llu", s.replicates, (unsigned long long)s.seed);
    uint64_t h = s.hash;
    free(v);
    sweep_spec_free(&s);
    load("base = \"base.cfg\"; design = \"factorial\"; replicates = 3;\n"
         "parameters = ( { name = \"team.fte\"; values = [6.0, 8.5, 10.0]; },\n"
         "  { name = \"access.barrier\"; min = 0.1; max = 0.4; levels = 4; } );\n",
         &s, err);
    CHECK(s.hash != h, "factorial: a changed spec has another hash", "same hash");
    sweep_spec_free(&s);
}

static void one_at_a_time(void) {
    sweep_spec_t s;
    char err[ERR_LEN];
    int rc = load("base = \"base.cfg\"; design = \"oat\";\n"
                  "parameters = ( { name = \"team.fte\"; min = 4.0; max = 12.0; levels = 5; },\n"
                  "  { name = \"specialist.places\"; element = 3; values = [30, 60, 90]; } );\n",
                  &s, err);
    CHECK(rc == 0, "one at a time: loads", "%s", err);
    if (rc) return;
    size_t n;
    double *v = sweep_points(&s, &n, err, sizeof err);
    CHECK(v && n == 1 + 4 + 2, "one at a time: 1 + 4 + 2 points", "n = %zu", n);
    /* The base file sets team.fte = 8 and places[3] = 60 (the default): the base point. */
    CHECK(v && v[0] == 8 && v[1] == 60,
          "one at a time: the base point holds the base scenario's values", "got %g %g",
          v ? v[0] : -1, v ? v[1] : -1);
    CHECK(strcmp(s.f[1].label, "specialist.places[3]") == 0, "one at a time: an element's label",
          "got %s", s.f[1].label);
    free(v);
    sweep_spec_free(&s);
}

static void latin_hypercube(void) {
    sweep_spec_t s;
    char err[ERR_LEN];
    int rc = load("base = \"base.cfg\"; design = \"lhs\"; samples = 40; seed = 3;\n"
                  "parameters = ( { name = \"prevention.budget\"; min = 1000.0; max = 100000.0; "
                  "distribution = \"loguniform\"; } );\n",
                  &s, err);
    CHECK(rc == 0, "latin hypercube: loads", "%s", err);
    if (rc) return;
    size_t n;
    double *v = sweep_points(&s, &n, err, sizeof err);
    int hit[40] = {0}, ok = v && n == 40;
    for (size_t i = 0; ok && i < n; i++) {
        double q = (log(v[i]) - log(1000.0)) / (log(100000.0) - log(1000.0));
        ok &= q >= 0 && q < 1;
        if (ok) hit[(int)(q * 40)]++;
    }
    for (int b = 0; ok && b < 40; b++)
        ok &= hit[b] == 1;
    CHECK(ok, "latin hypercube: a loguniform range is stratified on the log scale",
          "not stratified");
    free(v);
    sweep_spec_free(&s);
}

/* A spec that must be refused with a message containing every one of the needles. */
static void refused(const char *name, const char *text, const char *n1, const char *n2) {
    sweep_spec_t s;
    char err[ERR_LEN] = "";
    int rc = load(text, &s, err);
    CHECK(rc != 0 && strstr(err, n1) && (!n2 || strstr(err, n2)), name, "rc %d, message '%s'", rc,
          err);
    sweep_spec_free(&s);
}

int main(void) {
    if (!mkdtemp(dir)) return printf("FAIL setup: mkdtemp\n"), 1;
    write_file("base.cfg",
               "world = { population = 2000; neighbourhoods = 2; };\nteam = { fte = 8.0; };\n");
    factorial();
    one_at_a_time();
    latin_hypercube();
    const char *head = "base = \"base.cfg\"; design = \"lhs\"; samples = 4;\n";
    char t[1024];
    snprintf(t, sizeof t,
             "%sparameters = ( { name = \"world.population\"; min = 1000.0; max = 2000.0; } );\n",
             head);
    refused("refused: a non-schedulable parameter, with file, line and name", t, "s.cfg:2",
            "'world.population' cannot be varied");
    snprintf(t, sizeof t, "%sparameters = ( { name = \"team.ftee\"; min = 1.0; max = 2.0; } );\n",
             head);
    refused("refused: an unknown parameter, with a suggestion", t, "s.cfg:2",
            "did you mean 'team.fte'");
    snprintf(t, sizeof t,
             "%sparameters = ( { name = \"access.barrier\"; min = 0.1; max = 1.5; } );\n", head);
    refused("refused: a range outside the registry's bounds", t, "s.cfg:2", "out of range");
    snprintf(t, sizeof t,
             "%sparameters = ( { name = \"team.fte\"; values = [1.0]; min = 1.0; max = 2.0; } );\n",
             head);
    refused("refused: both values and a range", t, "s.cfg:2", "either 'values");
    snprintf(t, sizeof t,
             "%sparameters = ( { name = \"specialist.places\"; element = 7; min = 1.0; max = 2.0; "
             "} );\n",
             head);
    refused("refused: an element beyond the parameter's values", t, "s.cfg:2", "from 1 to 6");
    refused("refused: lhs without samples",
            "base = \"base.cfg\"; design = \"lhs\";\nparameters = ( { name = \"team.fte\"; min = "
            "1.0; max = 2.0; } );\n",
            "samples", NULL);
    refused("refused: factorial over a range without levels",
            "base = \"base.cfg\"; design = \"factorial\";\nparameters = ( { name = \"team.fte\"; "
            "min = 1.0; max = 2.0; } );\n",
            "needs 'levels'", NULL);
    refused("refused: an unknown design", "base = \"base.cfg\"; design = \"grid\";\n", "s.cfg:1",
            "design");
    refused("refused: a missing base scenario", "base = \"nope.cfg\"; design = \"lhs\";\n",
            "nope.cfg", NULL);
    snprintf(t, sizeof t,
             "%sparameters = ( { name = \"team.fte\"; min = 1.0; max = 2.0; },\n"
             " { name = \"team.fte\"; values = [3.0]; } );\n",
             head);
    refused("refused: a parameter varied twice", t, "s.cfg:3", "twice");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("FAIL cleanup: %s\n", cmd);
    return check_exit();
}
