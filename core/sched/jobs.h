/* Jobs: what plugins registered under `jobs`, adjusted by the site config's `jobs` map
 * (schedule, enabled, params by job id), and how one run of a job is carried out: the job's
 * run(ctx) is called through host_pcall, the messages it asks for with ctx.send are held in C
 * and queued in the same transaction that records the run's end, so a run that fails or is
 * cut short queues nothing. */
#ifndef SIXBB_JOBS_H
#define SIXBB_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cron.h"
#include "date.h"
#include "site_config.h"

struct clock;
struct host;
struct store;
struct tz;

struct job {
    char *id, *plugin, *title, *schedule;
    struct cron cron;
    bool enabled;
    char *error; /* the plugin's schedule cannot be parsed: listed, never scheduled */
};

struct job_list {
    struct job *v;
    size_t n;
};

/* Builds the job list from the registry and the site's `jobs` settings (cfg->jobs). An unknown
 * job id, an unknown setting or a bad schedule in the site config is an error (-1, h->last_error
 * set, naming the nearest valid id); a bad schedule in a plugin only marks that job. */
int jobs_load(struct host *h, const struct sched_config *cfg, struct job_list *out);
void jobs_free(struct job_list *l);
struct job *jobs_find(const struct job_list *l, const char *id);
/* The job id closest to `id`, or NULL. */
const char *jobs_nearest(const struct job_list *l, const char *id);

/* The site's time zone (cfg->timezone, UTC when not set). NULL with the reason in err. */
struct tz *jobs_zone(const struct sched_config *cfg, char *err, size_t errlen);

struct job_ctx {
    int64_t scheduled;     /* the time this run stands for */
    day_t as_of;           /* DATE_NONE: the date of `scheduled` in the zone */
    const struct tz *zone; /* the site zone */
    bool manual;
    const char *channel;   /* recorded on queued messages */
};

struct job_outcome {
    bool ok;
    char *error; /* names the plugin, the job and file:line */
    int queued, duplicates;
};
void job_outcome_free(struct job_outcome *o);

/* Runs a job whose run was claimed as run_id, then records the end (and queues its messages
 * when it succeeded) in one transaction. 0, or -1 when the database failed. */
int jobs_execute(struct host *h, struct store *s, const struct job *j, int64_t run_id,
                 const struct job_ctx *ctx, const struct clock *c, struct job_outcome *out);

#endif
