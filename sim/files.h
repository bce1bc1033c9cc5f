/* Output files: one way for every command to check a target, write beside it and publish.
 *
 * Every file wijksim writes (run and comparison HDF5 files, sweep files and their merge,
 * comparison tables) is first checked as a target before any work starts, then written to a
 * temporary file beside it ("TARGET.tmp.HOST.PID") and published only when complete:
 * flushed to disk, moved into place without replacing an existing file unless --force, and
 * the folder flushed, so that a file that appeared survives a power cut and a file that is
 * there is always whole. Temporary files are removed on failure, on INT, TERM, HUP and PIPE,
 * and, when a later run finds them, if the process that wrote them (on this host) is gone. */
#ifndef WIJKSIM_FILES_H
#define WIJKSIM_FILES_H

#include <stddef.h>

/* Checks that path may be written: a non-empty name, not a folder or other special file,
 * absent or (with force) a regular file, in a folder that exists and is writable. Also
 * removes stale temporary files of this target. 0, or -2 with err naming the target and what
 * is expected. */
int file_check_output(const char *path, int force, char *err, size_t errlen);

/* True when a and b name the same file (the same name in the same folder, links resolved),
 * whether it exists or not. */
int file_same_target(const char *a, const char *b);

/* The temporary name for target path (malloc'd; NULL when out of memory), tracked so that a
 * signal removes it (file_untrack, or file_publish, ends that). */
char *file_tmp_name(const char *path);
void file_untrack(const char *tmp);

/* Publishes the finished temporary file tmp as path: fsync, a rename that never replaces an
 * existing file unless force (another process may have written it since the check), fsync of
 * the folder. On any failure tmp is removed. 0; -2 when path appeared meanwhile (and !force)
 * or is no longer a regular file; -1 on an I/O error (err says which). */
int file_publish(const char *tmp, const char *path, int force, char *err, size_t errlen);

/* Removes the temporary files still tracked; only async-signal-safe calls. */
void file_remove_tracked(void);

/* Installs handlers that remove the tracked temporary files on SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE, then end the process by that signal as before. */
void file_cleanup_on_signals(void);

/* The reason for the last failed HDF5 call, from its error stack (the system's message, such
 * as "No space left on device", where there is one), else from errno; never empty. */
void file_h5_reason(char *buf, size_t len);

#endif
