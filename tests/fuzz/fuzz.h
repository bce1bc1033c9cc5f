/* Shared by the fuzz harnesses (tests/fuzz/fuzz_*.c): a private scratch folder per process
 * where each input is written as the file the loader under test reads. */
#ifndef WIJKSIM_FUZZ_H
#define WIJKSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scratch folder (created once, removed at exit). */
const char *fuzz_dir(void);
/* Writes data to fuzz_dir()/name and returns the full path (static buffer). */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);

#endif
