/* Version and commit; the Makefile passes the commit of the build (build/commit.h). */
#ifndef WIJKSIM_VERSION_H
#define WIJKSIM_VERSION_H

#define WIJKSIM_VERSION "0.1.0"

#if defined(__has_include)
#if __has_include("commit.h")
#include "commit.h"
#endif
#endif
#ifndef WIJKSIM_COMMIT
#define WIJKSIM_COMMIT "unknown"
#endif

#endif
