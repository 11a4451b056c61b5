/* What the facilitator's commands read and write: clinics and their stages, improvement teams,
 * meetings, tallies, surveys, self-assessment scores, aims, action plans and milestones. Reads
 * return JSON rows keyed by column name; every write is audited, and a write that makes its own
 * transaction returns -1 with SQLite's reason in err (kept from before the rollback). */
#ifndef SIXBB_STORE_PROGRAM_H
#define SIXBB_STORE_PROGRAM_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Ends a transaction begun with store_begin: commits when ok, else rolls back. Returns 0, or
 * -1 with the reason in err. */
int store_end(struct store *s, bool ok, char *err, size_t errlen);

/* ---- sites */
bool store_site_exists(struct store *s, const char *site);
/* {site_id, name} of every clinic, or only of `only` when not NULL, by id. */
cJSON *store_sites(struct store *s, const char *only);
/* One row per clinic with stage, track, stage_start, team, missing_roles (words separated by a
 * space, or null) and the last improvement-team and action-plan meetings. */
cJSON *store_sites_overview(struct store *s);
/* The current stage and track (the latest started, then the latest recorded), or both NULL.
 * The caller frees both. */
void store_site_stage(struct store *s, const char *site, char **stage, char **track);
/* Renames (or creates, when !exists) a clinic and/or records a stage from date, in one
 * audited transaction; name or stage may be NULL to leave that alone. */
int store_site_update(struct store *s, const char *site, const char *name, bool exists,
                      const char *stage, const char *track, const char *date, char *err,
                      size_t errlen);

/* ---- team */
cJSON *store_team(struct store *s, const char *site);
int store_team_add(struct store *s, const char *site, const char *role, const char *name,
                   const char *email, long long *id, char *err, size_t errlen);
bool store_team_member_at(struct store *s, const char *id, const char *site);
int store_team_remove(struct store *s, const char *id, const char *site, char *err, size_t errlen);

/* ---- meetings and tallies */
int store_meeting_add(struct store *s, const char *site, const char *type, const char *date,
                      const char *attendees, const char *notes, long long *id, char *err,
                      size_t errlen);
/* Newest first; site and type filter when not NULL. */
cJSON *store_meetings(struct store *s, const char *site, const char *type);
bool store_tally_exists(struct store *s, const char *site, const char *measure, const char *date);
int store_tally_add(struct store *s, const char *site, const char *measure, const char *date,
                    long count, const char *note, char *err, size_t errlen);
cJSON *store_tallies(struct store *s, const char *site, const char *measure);

/* ---- surveys and self-assessment (the caller holds the transaction for puts) */
/* v: site_id, respondent, date, question, answer; value is stored when numeric. */
int store_survey_put(struct store *s, const char *kind, const char *const v[5], bool numeric,
                     double value);
cJSON *store_survey_summary(struct store *s, const char *site);
/* v: site_id, occasion, role, respondent, date, item, score. */
int store_assess_put(struct store *s, const char *const v[7]);
/* A scratch set of keys for one import: reset it, then store_assess_seen says whether a key
 * was given before and remembers it. */
void store_assess_seen_reset(struct store *s);
bool store_assess_seen(struct store *s, const char *key);
/* Per clinic, occasion and item: n, mean, min, max and the kickoff mean (baseline). */
cJSON *store_assess_items(struct store *s, const char *site);

/* ---- aims */
int store_aim_add(struct store *s, const char *measure, const char *site, double target,
                  const char *by, const char *note, const char *created, long long *id, char *err,
                  size_t errlen);
/* 0 removed, 1 no such aim, -1 error (reason in err). */
int store_aim_remove(struct store *s, const char *id, char *err, size_t errlen);
/* {aim_id, measure_id, site_id, target, by_date, note, created} by measure, site and date. */
cJSON *store_aims(struct store *s);

/* ---- action plans */
/* A clinic's current action plan is its latest one (the highest plan_id): a new plan carries
 * forward what was open and leaves the earlier plan as it was. 0 when it has none. */
long long store_plan_current(struct store *s, const char *site);
bool store_plan_exists(struct store *s, const char *id);
struct store_plan_started {
    long long id, previous;
    int carried; /* steps carried from the previous plan */
};
/* Starts a plan and carries forward the open steps of the clinic's current plan. */
int store_plan_new(struct store *s, const char *site, const char *from, const char *through,
                   const char *goal, struct store_plan_started *out, char *err, size_t errlen);
int store_plan_activity_add(struct store *s, const char *plan, const char *block, const char *title,
                            const char *manager, const char *due, const char *resources,
                            bool future, long long *id, char *err, size_t errlen);
bool store_plan_activity_exists(struct store *s, const char *id);
int store_plan_step_add(struct store *s, const char *activity, const char *what, const char *who,
                        const char *when, long long *id, char *err, size_t errlen);
/* 0 and done ("" while open) when the step exists, else -1. */
int store_plan_step_state(struct store *s, const char *id, char *done, size_t n);
int store_plan_step_done(struct store *s, const char *id, const char *date, char *err,
                         size_t errlen);
/* The plan with its activities (in block order) and their steps, overdue as of today. */
cJSON *store_plan_json(struct store *s, long long id, const char *today);
/* Every plan (of one site when not NULL) with open, overdue and done step counts. */
cJSON *store_plans(struct store *s, const char *site, const char *today);

/* ---- milestones */
/* {milestone_id, block, title} of the local milestones for a site ("" for all), in the order
 * they were added. */
cJSON *store_local_milestones(struct store *s, const char *site);
/* status, date and note of a milestone at a site (each NULL when not set; caller frees). */
void store_milestone_status(struct store *s, const char *site, const char *id, char **status,
                            char **date, char **note);
int store_milestone_set(struct store *s, const char *site, const char *id, const char *status,
                        const char *date, const char *note, const char *detail, char *err,
                        size_t errlen);
long long store_local_milestone_count(struct store *s, const char *block);
int store_local_milestone_add(struct store *s, const char *id, const char *block, const char *title,
                              const char *site, char *err, size_t errlen);

#endif
