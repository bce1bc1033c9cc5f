#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files a signal must remove: at most a few per process (an HDF5 file and a table). */
enum { MAX_TRACKED = 4, TRACKED_LEN = 4608 };
static char tracked[MAX_TRACKED][TRACKED_LEN];

/* The folder of path (".", when it names none) into buf. */
static void folder_of(const char *path, char *buf, size_t len) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, len, ".");
    else if (slash == path)
        snprintf(buf, len, "/");
    else
        snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

static void host_name(char *buf, size_t len) {
    if (gethostname(buf, len) != 0) snprintf(buf, len, "host");
    buf[len - 1] = '\0';
    for (char *c = buf; *c; c++)
        if (*c == '/') *c = '_';
}

/* The largest process id of this system (Linux: /proc/sys/kernel/pid_max). */
static long pid_max(void) {
    long v = 4194304; /* Linux's upper limit */
    FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
    if (f) {
        if (fscanf(f, "%ld", &v) != 1) v = 4194304;
        fclose(f);
    }
    return v;
}

/* Removes "BASE.tmp.HOST.PID" beside path (only that form, only this host's, only a PID this
 * system can have: never a user's "BASE.tmp.20240101") whose process no longer runs: left by
 * a kill -9 or a power cut. One with this process's own id is stale too: the checks run
 * before this process writes anything for the target. */
static void remove_stale(const char *path) {
    char dir[4096], host[256], prefix[4400];
    folder_of(path, dir, sizeof dir);
    host_name(host, sizeof host);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int n = snprintf(prefix, sizeof prefix, "%s.tmp.", base);
    if (n <= 0 || (size_t)n >= sizeof prefix) return;
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, prefix, (size_t)n) != 0) continue;
        const char *rest = e->d_name + n, *dot = strrchr(rest, '.');
        if (!dot || (size_t)(dot - rest) != strlen(host) || strncmp(rest, host, strlen(host)) != 0)
            continue; /* not ours, or another host's: its process cannot be asked from here */
        const char *pid_text = dot + 1;
        char *end;
        long pid = strtol(pid_text, &end, 10);
        if (*pid_text == '\0' || *end != '\0' || pid <= 0 || pid > pid_max()) continue;
        if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) continue;
        char full[8192];
        if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) < (int)sizeof full) {
            struct stat st;
            if (lstat(full, &st) == 0 && S_ISREG(st.st_mode)) unlink(full);
        }
    }
    closedir(d);
}

int file_check_output(const char *path, int force, char *err, size_t errlen) {
    struct stat st;
    if (!path || !*path)
        return snprintf(err, errlen, "the output file name is empty; expected a file name"), -2;
    if (strlen(path) >= TRACKED_LEN - 300)
        return snprintf(err, errlen, "%.80s...: output file name too long (%zu characters)", path,
                        strlen(path)),
               -2;
    if (path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return snprintf(err, errlen,
                        "%s: is a folder; expected an output file name (such as %s%sout.h5)", path,
                        path, path[strlen(path) - 1] == '/' ? "" : "/"),
               -2;
    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode) &&
            !(S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode)))
            return snprintf(err, errlen,
                            "%s: exists and is not a regular file; expected an output file name",
                            path),
                   -2;
        if (!force)
            return snprintf(err, errlen, "%s: output file exists; use --force to overwrite it",
                            path),
                   -2;
    }
    char dir[4096];
    folder_of(path, dir, sizeof dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return snprintf(err, errlen,
                        "%s: its folder %s does not exist; expected a file in an existing folder",
                        path, dir),
               -2;
    if (access(dir, W_OK | X_OK) != 0)
        return snprintf(err, errlen, "%s: its folder %s is not writable (%s)", path, dir,
                        strerror(errno)),
               -2;
    remove_stale(path);
    return 0;
}

int file_same_target(const char *a, const char *b) {
    char da[4096], db[4096], ra[PATH_MAX], rb[PATH_MAX];
    folder_of(a, da, sizeof da);
    folder_of(b, db, sizeof db);
    const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
    ba = ba ? ba + 1 : a, bb = bb ? bb + 1 : b;
    if (strcmp(ba, bb) != 0) return 0;
    if (!realpath(da, ra) || !realpath(db, rb)) return strcmp(da, db) == 0;
    return strcmp(ra, rb) == 0;
}

char *file_tmp_name(const char *path) {
    char host[256];
    host_name(host, sizeof host);
    size_t n = strlen(path) + strlen(host) + 40;
    char *tmp = malloc(n);
    if (!tmp) return NULL;
    snprintf(tmp, n, "%s.tmp.%s.%ld", path, host, (long)getpid());
    for (int i = 0; i < MAX_TRACKED; i++)
        if (!tracked[i][0] && n <= TRACKED_LEN) {
            memcpy(tracked[i] + 1, tmp + 1, n - 1); /* the first byte last: a signal in between */
            tracked[i][0] = tmp[0];                 /* sees an empty slot, never half a name */
            break;
        }
    return tmp;
}

void file_untrack(const char *tmp) {
    for (int i = 0; tmp && i < MAX_TRACKED; i++)
        if (strcmp(tracked[i], tmp) == 0) tracked[i][0] = '\0';
}

void file_remove_tracked(void) {
    for (int i = 0; i < MAX_TRACKED; i++)
        if (tracked[i][0]) unlink(tracked[i]);
}

static void on_signal(int sig) {
    file_remove_tracked();
    signal(sig, SIG_DFL);
    raise(sig);
}

void file_cleanup_on_signals(void) {
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static int sync_path(const char *path, int folder) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* Some file systems cannot sync a folder; the file itself is synced already. */
    if (rc != 0 && folder && (errno == EINVAL || errno == ENOTSUP)) rc = 0;
    close(fd);
    return rc;
}

/* Moves tmp to path unless path exists: renameat2 where the file system has it, else a hard
 * link (which fails on an existing name) and the removal of tmp. */
static int rename_noreplace(const char *tmp, const char *path) {
#ifdef RENAME_NOREPLACE
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return -1;
#endif
    if (link(tmp, path) == 0) return unlink(tmp), 0;
    if (errno != EPERM && errno != ENOSYS && errno != ENOTSUP && errno != EOPNOTSUPP &&
        errno != EMLINK)
        return -1;
    /* Neither (some network and FUSE file systems): check, then rename; not atomic against a
     * writer in between, but the finished file is not lost. */
    struct stat st;
    if (lstat(path, &st) == 0) return errno = EEXIST, -1;
    return rename(tmp, path);
}

int file_publish(const char *tmp, const char *path, int force, char *err, size_t errlen) {
    struct stat st;
    int rc = 0;
    if (sync_path(tmp, 0) != 0) {
        snprintf(err, errlen, "%s: cannot flush the finished file to disk: %s", path,
                 strerror(errno));
        rc = -1;
    } else if (force && lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
               !(S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode))) {
        snprintf(err, errlen,
                 "%s: exists and is not a regular file (it appeared during the run); "
                 "nothing was written",
                 path);
        rc = -2;
    } else if (force ? rename(tmp, path) != 0 : rename_noreplace(tmp, path) != 0) {
        if (errno == EEXIST)
            snprintf(err, errlen,
                     "%s: the file appeared while this run was writing it (another "
                     "process wrote it); nothing was replaced: use --force to overwrite it, or "
                     "another output name",
                     path);
        else
            snprintf(err, errlen, "%s: cannot move the finished file into place: %s", path,
                     strerror(errno));
        rc = errno == EEXIST ? -2 : -1;
    } else {
        char dir[4096];
        folder_of(path, dir, sizeof dir);
        if (sync_path(dir, 1) != 0) {
            snprintf(err, errlen, "%s: written, but its folder could not be flushed to disk: %s",
                     path, strerror(errno));
            rc = -1; /* the file is there and whole; a power cut might still lose it */
        }
    }
    if (rc != 0 && access(tmp, F_OK) == 0) unlink(tmp);
    file_untrack(tmp);
    return rc;
}

/* Finds the system's message ("error message = '...'") in an HDF5 error description. */
static herr_t find_reason(unsigned n, const H5E_error2_t *e, void *data) {
    (void)n;
    char *buf = data;
    const char *m = e->desc ? strstr(e->desc, "error message = '") : NULL;
    if (m && !buf[0]) {
        m += strlen("error message = '");
        const char *end = strchr(m, '\'');
        size_t k = end ? (size_t)(end - m) : strlen(m);
        if (k > 200) k = 200;
        memcpy(buf, m, k);
        buf[k] = '\0';
    }
    return 0;
}

void file_h5_reason(char *buf, size_t len) {
    char found[256] = "";
    int saved = errno;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, find_reason, found);
    if (found[0])
        snprintf(buf, len, "%s", found);
    else if (saved)
        snprintf(buf, len, "%s", strerror(saved));
    else
        snprintf(buf, len, "HDF5 error");
}
