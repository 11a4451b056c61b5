/* The scheduler's part of the site configuration read once from the Lua config into C: the
 * time zone, the scheduler.* and delivery.* settings, and the site's `jobs` overrides. The
 * scheduler and delivery work from these structs; they check the values themselves. */
#ifndef SIXBB_SITE_CONFIG_H
#define SIXBB_SITE_CONFIG_H

#include <stddef.h>

struct host;

/* delivery.*: a string is NULL when the setting is missing or not a string; a number holds its
 * default when missing or not a number. */
struct delivery_config {
    char *channel, *from, *command;
    double command_timeout_seconds; /* 60 */
    double max_attempts;            /* delivery.retry.max_attempts, 8 */
    double base_seconds;            /* delivery.retry.base_seconds, 60 */
    double max_seconds;             /* delivery.retry.max_seconds, 21600 */
};

/* One `jobs.<id> = {...}` entry, in the order the config table gives them. */
struct job_setting {
    char *id;       /* "?" when the key is not a string */
    char *error;    /* the entry is not a table, or has an unknown or mistyped setting */
    char *schedule; /* NULL when not set */
    int enabled;    /* -1 when not set, else 0 or 1 */
};

struct sched_config {
    char *timezone;        /* NULL when not a string */
    double catch_up_hours; /* scheduler.catch_up_hours, 24 */
    double poll_seconds;   /* scheduler.poll_seconds, 30 */
    struct delivery_config delivery;
    struct job_setting *jobs;
    size_t njobs;
};

/* Reads the settings from h's loaded config. Errors in a `jobs` entry are kept in that entry
 * (the job list decides when an unknown job id comes first). */
void site_sched_config(struct host *h, struct sched_config *out);
void sched_config_free(struct sched_config *c);

#endif
