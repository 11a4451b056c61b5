/* Running a registered report: building its ctx, calling its run(ctx) under the host's limits,
 * checking the document it returns, and recording what was produced in report_runs (milestone
 * evidence reads the last dashboard and huddle dates from there). Shared by `sixbb report` and
 * anything else that produces reports. */
#ifndef SIXBB_REPORT_H
#define SIXBB_REPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "date.h"
#include "render.h"

struct host;
struct store;

struct report_request {
    const char *id;
    day_t as_of;
    bool as_of_given;      /* the caller chose the date (else it is today) */
    const char *from, *to; /* ISO dates or NULL */
    const char *site, *clinician, *patient;
    enum render_format format;
    const char *const *params; /* "key=value" overrides of the report's params, NULL-terminated */
};

/* Runs the report and returns its canonical document (caller deletes), or NULL with the reason
 * in err: an unknown report (with the nearest id), a bad parameter, the plugin's error with
 * file:line, or the document path that is wrong. *usage is set when the caller's request was
 * at fault (exit status 2) rather than the plugin. */
cJSON *report_run(struct host *h, const struct report_request *rq, char *err, size_t errlen,
                  bool *usage);

/* Run-chart settings from the site config (runchart = {...}). */
void report_render_options(struct host *h, struct render_options *o);

/* Records a produced report (path NULL when written to standard output). 0 or -1. */
int report_record(struct store *s, const char *id, day_t as_of, const char *format,
                  const char *path, const char *site);

#endif
