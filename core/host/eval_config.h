/* What evaluation needs from the site configuration, read once by the host into C: the rules'
 * numbers and code lists, the MED tables and standard the site names, and the site's today. */
#ifndef SIXBB_EVAL_CONFIG_H
#define SIXBB_EVAL_CONFIG_H

#include <stddef.h>

#include "date.h"
#include "eval_facts.h"

struct host;
struct med_db;
struct med_standard;

/* The rules (rules.*, ltot_rule) from the loaded config, whose defaults come from
 * config/defaults.lua: a missing value is an error naming its key. 0, or -1 with the host's
 * last error set (free r with rules_free either way). */
int host_read_rules(struct host *h, struct rules *r);

/* Loads the MED database and the standard the site's config names (standard = "..."), looking
 * first in the site's standards/ folder, then in the installed config. 0, or -1 with err. */
int host_open_med(struct host *h, struct med_db **db, struct med_standard **std, char *err,
                  size_t errlen);

/* The as-of date: given (YYYY-MM-DD), or today in the site's time zone. 0, or -1 with the
 * reason in err. */
int host_as_of(struct host *h, const char *given, day_t *out, char *err, size_t errlen);

#endif
