/* The program's milestones for one site, as `sixbb milestones` lists them: the plugins'
 * milestones and the local ones, in the program's block order, each with its recorded status
 * and the live evidence its plugin computes from the data. */
#ifndef SIXBB_LUA_MILESTONES_H
#define SIXBB_LUA_MILESTONES_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "eval.h"
#include "host.h"
#include "store.h"

struct milestone_row {
    char *id, *block, *title, *status, *date, *note, *evidence;
    bool local;
};

/* True when id is a registered or a local milestone. */
bool milestones_known(struct host *h, struct store *s, const char *id);
/* The rows for site ("" for the organisation) as of a date, evidence computed with e. Returns
 * 0, or -1 when the evidence could not be prepared (the reason in the host's last_error). */
int milestones_collect(struct host *h, struct store *s, struct eval *e, day_t as_of,
                       const char *site, struct milestone_row **out, size_t *n);
void milestones_free(struct milestone_row *rows, size_t n);

#endif
