/* Fuzzes the sweep journal reader (sim/journal.c). The first byte chooses how the input
 * becomes a journal file: as it is (mode 0), or after a valid header for the harness's sweep
 * shape (mode 1), so that record parsing is reached without the header being guessed. The
 * journal is opened, every indexed record read, one run appended and the file closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/journal.h"
#include "fuzz.h"

static const journal_shape_t shape = {.spec_hash = 0x1234,
                                      .weeks = 3,
                                      .nnbh = 2,
                                      .nvalues = 4,
                                      .detail = 1,
                                      .points = 3,
                                      .replicates = 2,
                                      .build = 99};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const char *path;
    char err[1024];
    if (data[0] & 1) {
        /* A valid header: what journal_open writes for a new journal of this shape. */
        const char *fresh = fuzz_write("h.journal", NULL, 0);
        journal_t j;
        if (journal_open(&j, fresh, &shape, err, sizeof err) != 0) abort();
        journal_close(&j, 0);
        FILE *f = fopen(fresh, "ab");
        if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0) abort();
        path = fresh;
    } else {
        path = fuzz_write("f.journal", data + 1, size - 1);
    }
    journal_t j;
    if (journal_open(&j, path, &shape, err, sizeof err) == 0) {
        double *payload = calloc(j.values ? j.values : 1, sizeof *payload);
        for (uint32_t p = 0; payload && p < shape.points; p++)
            for (uint32_t r = 0; r < shape.replicates; r++)
                if (j.offset[p * shape.replicates + r] >= 0)
                    journal_read(&j, (int)p, (int)r, payload, err, sizeof err);
        if (payload) journal_append(&j, 0, 0, payload, err, sizeof err);
        free(payload);
        journal_close(&j, 1);
    }
    return 0;
}
