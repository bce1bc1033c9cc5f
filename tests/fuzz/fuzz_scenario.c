/* Fuzzes the scenario loader (sim/config.c): the input is a scenario file, which may @include
 * base.cfg beside it. Loading, validation, writing the resolved scenario and the policy's
 * parameters at a few weeks must never crash, whatever the bytes. The first line of the input
 * is also tried as a --set assignment. */
#include <stdio.h>
#include <string.h>

#include "sim/config.h"
#include "fuzz.h"

static const char base[] = "team = { fte = 9.5; };\nsim = { weeks = 104; burn_in_weeks = 52; };\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int once;
    if (!once++) fuzz_write("base.cfg", (const uint8_t *)base, sizeof base - 1);
    const char *path = fuzz_write("s.cfg", data, size);
    char err[ERR_LEN];
    scenario_t s;
    scenario_init(&s);
    if (scenario_load(&s, path, err, sizeof err) == 0 &&
        scenario_validate(&s, err, sizeof err) == 0) {
        FILE *null = fopen("/dev/null", "w");
        if (null) scenario_write_cfg(null, &s), fclose(null);
        params_t p;
        for (int week = -52; week <= 520; week += 52)
            scenario_params_at(&s, week, &p);
    }
    scenario_free(&s);
    char set[256];
    size_t n = 0;
    while (n < size && n < sizeof set - 1 && data[n] != '\n')
        set[n] = (char)data[n], n++;
    set[n] = '\0';
    scenario_init(&s);
    if (scenario_set(&s, set, err, sizeof err) == 0) scenario_validate(&s, err, sizeof err);
    scenario_free(&s);
    return 0;
}
