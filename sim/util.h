/* Small helpers several files need, each written once. */
#ifndef WIJKSIM_UTIL_H
#define WIJKSIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64 bits: the hash of spec texts, builds and journal records. */
#define FNV1A_START 14695981039346656037ULL
uint64_t fnv1a_bytes(uint64_t h, const void *p, size_t n);
uint64_t fnv1a_text(uint64_t h, const char *text); /* NULL hashes as "" */

/* The time a file is written, as "YYYY-MM-DDTHH:MM:SSZ": SOURCE_DATE_EPOCH when set (files
 * reproducible byte for byte on request), else now. */
void created_utc(char *buf, size_t len);

/* A scenario's name: the file name of path without its folder and without ".cfg"; *stem
 * points into path, and the length is returned. */
size_t cfg_stem(const char *path, const char **stem);

#endif
