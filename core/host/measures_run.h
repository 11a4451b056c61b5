/* The measures the plugins register, computed for a request (eval/measures.h has the engine). */
#ifndef SIXBB_MEASURES_RUN_H
#define SIXBB_MEASURES_RUN_H

#include "measures.h"

struct eval;

/* Computes the registered measures with the site's parameters. NULL after printing why. */
struct measures *measures_compute(struct eval *e, const struct measures_request *rq);

#endif
