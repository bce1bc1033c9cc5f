/* The run journal of a sweep: what makes a sweep resumable after any interruption.
 *
 * Every finished run is appended to one file next to the sweep's output
 * ("SWEEP.h5.journal") as a record: point, replicate, the run's values, and a checksum over
 * all of it, written with one write() and flushed to disk. A record that a kill (-9
 * included) or a crash cut short fails its length or checksum when the journal is opened
 * again; the journal is cut back to the last whole record and that run is simply redone. The
 * file starts with a header naming the sweep (spec hash) and the shape of a record, so a
 * journal of another spec, or of another --detail, is refused rather than mixed. An advisory
 * lock keeps a second process from writing the same journal.
 *
 * A record holds the municipality sums [week][N_VALUES] (ratios not filled in) and, for a
 * sweep with neighbourhood detail, the neighbourhood values [week][neighbourhood][N_VALUES]:
 * everything the sweep file is written from. */
#ifndef WIJKSIM_JOURNAL_H
#define WIJKSIM_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
    uint64_t spec_hash;
    uint32_t weeks, nnbh, nvalues, detail;
    uint32_t points, replicates;
    uint64_t build; /* hash of the wijksim version and commit: runs of another build differ */
} journal_shape_t;

typedef struct {
    int fd;
    char *path;
    journal_shape_t shape;
    size_t values;  /* doubles in a record's payload */
    off_t *offset;  /* [point * replicates + replicate]: the record's payload, or -1 */
    size_t done;    /* runs with a record */
    size_t dropped; /* runs (records, whole or not) cut off a short or damaged end on opening */
} journal_t;

/* Opens (creating it when missing) the journal at path for a sweep of this shape and indexes
 * its whole records. 0; -2 when the journal belongs to another sweep, another process holds
 * it, or its folder is missing or not writable (a usage error: err says what to do); -1 on an
 * I/O or memory failure. */
int journal_open(journal_t *j, const char *path, const journal_shape_t *shape, char *err,
                 size_t errlen);
/* Appends the run (point, replicate) with its payload of j->values doubles, durably. 0 or -1. */
int journal_append(journal_t *j, int point, int replicate, const double *payload, char *err,
                   size_t errlen);
/* Reads the payload of run (point, replicate), which must have a record. 0 or -1. */
int journal_read(const journal_t *j, int point, int replicate, double *payload, char *err,
                 size_t errlen);
/* Closes, and with remove set deletes the file (the sweep's output is complete). */
void journal_close(journal_t *j, int remove);

#endif
