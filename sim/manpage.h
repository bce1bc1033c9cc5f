/* The manual page wijksim(1) in roff (`wijksim manpage`, written to docs/wijksim.1 by make
 * docs): the synopsis and options of every command from its usage text, every parameter
 * from the registry and every output series, so that it cannot say other than the program. */
#ifndef WIJKSIM_MANPAGE_H
#define WIJKSIM_MANPAGE_H

#include <stdio.h>

typedef struct {
    const char *name;
    const char *usage;
} manpage_command_t;

void manpage_write(FILE *f, const manpage_command_t *cmds, int n);

#endif
