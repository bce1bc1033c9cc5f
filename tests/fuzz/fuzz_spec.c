/* Fuzzes the sweep-spec loader (sim/sweep.c): the input is a spec, whose base may be base.cfg
 * beside it (a small scenario). Loading, the design's points (when few) and their checks
 * must never crash. */
#include <stdio.h>
#include <stdlib.h>

#include "sim/sweep.h"
#include "fuzz.h"

static const char base[] =
    "sim = { weeks = 104; burn_in_weeks = 52; };\nworld = { population = 2000; };\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int once;
    if (!once++) fuzz_write("base.cfg", (const uint8_t *)base, sizeof base - 1);
    const char *path = fuzz_write("spec.cfg", data, size);
    char err[ERR_LEN];
    sweep_spec_t s;
    if (sweep_spec_load(&s, path, err, sizeof err) == 0 && s.samples <= 256) {
        size_t n = 0;
        double *pts = sweep_points(&s, &n, err, sizeof err);
        if (pts && n <= 4096) sweep_check_points(&s, pts, n, err, sizeof err);
        free(pts);
    }
    sweep_spec_free(&s);
    return 0;
}
