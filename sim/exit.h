/* The exit statuses of every command: 0 success, 1 a failure while working (I/O, memory, a
 * full disk), 2 bad input or usage (a message names file, line and what was expected; nothing
 * was written). */
#ifndef WIJKSIM_EXIT_H
#define WIJKSIM_EXIT_H

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

#endif
