#include "journal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAGIC "WJSIMJ01"
#define RECORD_MAGIC 0x4e555257u /* "WRUN" */

typedef struct {
    char magic[8];
    journal_shape_t shape;
    uint64_t check;
} file_header_t;

typedef struct {
    uint32_t magic, point, replicate, pad;
    uint64_t bytes; /* of the payload */
} record_header_t;

/* Reads exactly n bytes at off; 0, or -1 when the file ends first or on an error. */
static int read_at(int fd, void *buf, size_t n, off_t off) {
    for (size_t got = 0; got < n;) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

static int write_all(int fd, const void *buf, size_t n) {
    for (size_t put = 0; put < n;) {
        ssize_t w = write(fd, (const char *)buf + put, n - put);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        put += (size_t)w;
    }
    return 0;
}

/* Indexes the records after the header; a record cut short or corrupt ends the journal. */
static int scan(journal_t *j, char *err, size_t errlen) {
    size_t pbytes = j->values * sizeof(double);
    unsigned char *buf = malloc(sizeof(record_header_t) + pbytes + sizeof(uint64_t));
    if (!buf) return snprintf(err, errlen, "out of memory reading %s", j->path), -1;
    off_t end = lseek(j->fd, 0, SEEK_END), at = sizeof(file_header_t);
    size_t nrec = sizeof(record_header_t) + pbytes + sizeof(uint64_t);
    while (at + (off_t)nrec <= end && read_at(j->fd, buf, nrec, at) == 0) {
        record_header_t h;
        uint64_t check;
        memcpy(&h, buf, sizeof h);
        memcpy(&check, buf + nrec - sizeof check, sizeof check);
        if (h.magic != RECORD_MAGIC || h.bytes != pbytes || h.point >= j->shape.points ||
            h.replicate >= j->shape.replicates ||
            fnv1a_bytes(FNV1A_START, buf, nrec - sizeof check) != check)
            break;
        size_t run = (size_t)h.point * j->shape.replicates + h.replicate;
        if (j->offset[run] < 0) j->offset[run] = at + (off_t)sizeof h, j->done++;
        at += (off_t)nrec;
    }
    free(buf);
    if (at < end) { /* a record cut short by a kill: drop it, the run is redone */
        if (ftruncate(j->fd, at) != 0)
            return snprintf(err, errlen, "%s: cannot cut back a half-written run: %s", j->path,
                            strerror(errno)),
                   -1;
        j->dropped = ((size_t)(end - at) + nrec - 1) / nrec;
    }
    lseek(j->fd, 0, SEEK_END);
    return 0;
}

int journal_open(journal_t *j, const char *path, const journal_shape_t *shape, char *err,
                 size_t errlen) {
    memset(j, 0, sizeof *j);
    j->fd = -1;
    j->shape = *shape;
    j->values = (size_t)shape->weeks * shape->nvalues * (1 + (shape->detail ? shape->nnbh : 0));
    size_t runs = (size_t)shape->points * shape->replicates;
    j->path = strdup(path);
    j->offset = malloc(sizeof *j->offset * (runs ? runs : 1));
    if (!j->path || !j->offset)
        return free(j->path), free(j->offset), snprintf(err, errlen, "out of memory"), -1;
    for (size_t i = 0; i < runs; i++)
        j->offset[i] = -1;
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen,
                 "%s: exists and is not a regular file, so it cannot be the sweep's "
                 "journal; remove it or write to another output file",
                 path);
        return journal_close(j, 0), -2;
    }
    j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (j->fd < 0) {
        int usage = errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == EROFS;
        snprintf(err, errlen,
                 "%s: cannot create the sweep journal (%s): check that the output's folder "
                 "exists and is writable",
                 path, strerror(errno));
        return journal_close(j, 0), usage ? -2 : -1;
    }
    if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen,
                 "%s: another wijksim sweep is writing this journal; wait for it to end "
                 "or write to another output file",
                 path);
        return journal_close(j, 0), -2;
    }
    file_header_t want;
    memset(&want, 0, sizeof want);
    memcpy(want.magic, FILE_MAGIC, 8);
    want.shape = *shape;
    want.check = fnv1a_bytes(FNV1A_START, &want, offsetof(file_header_t, check));
    file_header_t have;
    off_t size = lseek(j->fd, 0, SEEK_END);
    if (size > 0 && size < (off_t)sizeof have) { /* cut short before its header was whole? */
        unsigned char head[8];
        size_t k = (size_t)size < sizeof head ? (size_t)size : sizeof head;
        if (read_at(j->fd, head, k, 0) != 0 || memcmp(head, FILE_MAGIC, k) != 0) {
            snprintf(err, errlen,
                     "%s: exists and is not a wijksim sweep journal (it does not start "
                     "as one); it was left alone: remove it or write to another output file",
                     path);
            return journal_close(j, 0), -2;
        }
    }
    if (size < (off_t)sizeof have) { /* new, or cut short before its header was whole */
        if (ftruncate(j->fd, 0) != 0 ||
            pwrite(j->fd, &want, sizeof want, 0) != (ssize_t)sizeof want || fdatasync(j->fd) != 0) {
            snprintf(err, errlen, "%s: cannot write the sweep journal: %s", path, strerror(errno));
            return journal_close(j, 0), -1;
        }
    } else if (read_at(j->fd, &have, sizeof have, 0) != 0 ||
               memcmp(&have, &want, sizeof have) != 0) {
        int ours = memcmp(have.magic, FILE_MAGIC, 8) == 0;
        snprintf(err, errlen,
                 "%s: this journal holds runs of %s, and a run is identified by (spec hash, point, "
                 "replicate); remove the journal to start afresh, or write to another output file",
                 path,
                 !ours ? "something that is not a wijksim sweep journal"
                 : have.shape.spec_hash != shape->spec_hash
                     ? "another sweep specification (the spec or its base scenario changed since)"
                 : have.shape.build != shape->build
                     ? "another wijksim build (version or commit), whose model may differ"
                     : "the same specification with other output options (--detail)");
        return journal_close(j, 0), -2;
    }
    if (scan(j, err, errlen) != 0) return journal_close(j, 0), -1;
    return 0;
}

int journal_append(journal_t *j, int point, int replicate, const double *payload, char *err,
                   size_t errlen) {
    size_t pbytes = j->values * sizeof(double);
    size_t n = sizeof(record_header_t) + pbytes + sizeof(uint64_t);
    unsigned char *buf = malloc(n);
    if (!buf) return snprintf(err, errlen, "out of memory"), -1;
    record_header_t h = {RECORD_MAGIC, (uint32_t)point, (uint32_t)replicate, 0, pbytes};
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, payload, pbytes);
    uint64_t check = fnv1a_bytes(FNV1A_START, buf, n - sizeof check);
    memcpy(buf + n - sizeof check, &check, sizeof check);
    off_t at = lseek(j->fd, 0, SEEK_END);
    int rc = write_all(j->fd, buf, n) == 0 && fdatasync(j->fd) == 0 ? 0 : -1;
    free(buf);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot append a run to the sweep journal: %s", j->path,
                 strerror(errno));
        if (ftruncate(j->fd, at) == 0)
            lseek(j->fd, 0, SEEK_END); /* no half record to resume over */
        return -1;
    }
    size_t run = (size_t)point * j->shape.replicates + (size_t)replicate;
    if (j->offset[run] < 0) j->offset[run] = at + (off_t)sizeof h, j->done++;
    return 0;
}

int journal_read(const journal_t *j, int point, int replicate, double *payload, char *err,
                 size_t errlen) {
    off_t off = j->offset[(size_t)point * j->shape.replicates + (size_t)replicate];
    if (off < 0 || read_at(j->fd, payload, j->values * sizeof(double), off) != 0) {
        snprintf(err, errlen, "%s: cannot read the run of point %d, replicate %d", j->path, point,
                 replicate);
        return -1;
    }
    return 0;
}

void journal_close(journal_t *j, int remove) {
    if (j->fd >= 0) {
        if (remove) unlink(j->path);
        close(j->fd); /* releases the lock */
    }
    free(j->path);
    free(j->offset);
    memset(j, 0, sizeof *j);
    j->fd = -1;
}
