/* sixbb outbox: the queued reminders and what became of each, and 'outbox mark' to settle a
 * message a person has checked (one set aside as uncertain, or one that failed for good). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "jobs.h"
#include "json.h"
#include "outbox.h"
#include "site.h"
#include "tz.h"
#include "util.h"

static const char outbox_usage[] =
    "usage: sixbb [-C DIR] outbox [--status STATUS] [--json]\n"
    "       sixbb [-C DIR] outbox mark ID delivered|pending\n"
    "\n"
    "Lists the messages jobs have queued: id, dedupe key, recipient, subject, status, attempts,\n"
    "last error, when queued and when delivered. Statuses:\n"
    "  pending     waiting for its (next) delivery attempt\n"
    "  sending     being delivered right now\n"
    "  delivered   done\n"
    "  failed      every attempt failed; fix the cause, then 'outbox mark ID pending'\n"
    "  uncertain   the daemon stopped while a delivery command ran, so nobody knows whether it\n"
    "              was sent. Check the mail system, then mark it 'delivered', or 'pending' to\n"
    "              send it again. sixbb never resends such a message by itself.\n"
    "\n"
    "  --status S   only messages with this status\n"
    "  --json       print a JSON array of {id, key, job, channel, to, subject, status,\n"
    "               attempts, next_attempt, last_error, created, delivered}\n";

static const char *const statuses[] = {"pending", "sending", "delivered", "failed", "uncertain"};

static bool known_status(const char *s)
{
    for (size_t i = 0; i < ARRAY_LEN(statuses); i++)
        if (strcmp(s, statuses[i]) == 0)
            return true;
    return false;
}

struct listing {
    const struct tz *zone;
    cJSON *arr;
};

static cJSON *time_or_null(const struct tz *z, int64_t t)
{
    char iso[TZ_ISO_LEN];
    return t ? cJSON_CreateString(tz_format_iso(z, t, iso)) : cJSON_CreateNull();
}

static int add_row(const struct outbox_row *r, void *arg)
{
    struct listing *l = arg;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)r->id);
    cJSON_AddStringToObject(o, "key", r->key);
    cJSON_AddItemToObject(o, "job", json_str_or_null(r->job));
    cJSON_AddStringToObject(o, "channel", r->channel);
    cJSON_AddStringToObject(o, "to", r->to);
    cJSON_AddStringToObject(o, "subject", r->subject);
    cJSON_AddStringToObject(o, "status", r->status);
    cJSON_AddNumberToObject(o, "attempts", r->attempts);
    bool waiting = strcmp(r->status, "pending") == 0;
    cJSON_AddItemToObject(o, "next_attempt",
                          waiting ? time_or_null(l->zone, r->next_attempt) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "last_error", json_str_or_null(r->last_error));
    cJSON_AddItemToObject(o, "created", time_or_null(l->zone, r->created_at));
    cJSON_AddItemToObject(o, "delivered", time_or_null(l->zone, r->delivered_at));
    cJSON_AddItemToArray(l->arr, o);
    return 0;
}

static void print_text(cJSON *arr)
{
    if (cJSON_GetArraySize(arr) == 0) {
        puts("The outbox is empty.");
        return;
    }
    printf("%-6s %-10s %-8s %-30s %-26s %s\n", "ID", "STATUS", "ATTEMPTS", "TO", "CREATED",
           "SUBJECT");
    cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        printf("%-6.0f %-10s %-8.0f %-30s %-26s %s\n",
               cJSON_GetNumberValue(cJSON_GetObjectItem(o, "id")),
               cJSON_GetStringValue(cJSON_GetObjectItem(o, "status")),
               cJSON_GetNumberValue(cJSON_GetObjectItem(o, "attempts")),
               cJSON_GetStringValue(cJSON_GetObjectItem(o, "to")),
               cJSON_GetStringValue(cJSON_GetObjectItem(o, "created")),
               cJSON_GetStringValue(cJSON_GetObjectItem(o, "subject")));
        const char *err = cJSON_GetStringValue(cJSON_GetObjectItem(o, "last_error"));
        if (err)
            printf("       last error: %s\n", err);
    }
}

static int list(struct cli *cli, const char *status, bool json)
{
    struct site *s = site_open(cli, SITE_HOST | SITE_READONLY | SITE_QUIET, "outbox");
    if (!s)
        return EXIT_FAIL;
    char err[512];
    struct sched_config settings;
    site_sched_config(s->host, &settings);
    struct tz *z = jobs_zone(&settings, err, sizeof err);
    sched_config_free(&settings);
    int rc = EXIT_OK;
    if (!z) {
        rc = cli_fail("configuration error: %s", err);
    } else {
        struct listing l = {z, cJSON_CreateArray()};
        if (outbox_list(s->store, status, add_row, &l) < 0) {
            rc = cli_fail("cannot read the outbox: %s", store_errmsg(s->store));
            cJSON_Delete(l.arr);
        } else if (json) {
            json_print(l.arr);
        } else {
            print_text(l.arr);
            cJSON_Delete(l.arr);
        }
    }
    tz_free(z);
    site_close(s);
    return rc;
}

static int mark(struct cli *cli, const char *id_text, const char *status)
{
    char *end;
    errno = 0;
    long long id = strtoll(id_text, &end, 10);
    if (errno || *end || id <= 0)
        return cli_usage_error("outbox", "mark wants a message id (a number), not '%s'", id_text);
    if (strcmp(status, "delivered") != 0 && strcmp(status, "pending") != 0)
        return cli_usage_error("outbox", "a message can be marked 'delivered' or 'pending', not "
                                         "'%s'", status);
    struct clock c;
    char err[512];
    if (clock_init_from_env(&c, err, sizeof err) < 0)
        return cli_fail("%s", err);
    struct site *s = site_open(cli, 0, "outbox mark");
    if (!s)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    struct outbox_row r = {0};
    int found = outbox_get(s->store, id, &r);
    if (found <= 0) {
        rc = found < 0 ? cli_fail("cannot read the outbox: %s", store_errmsg(s->store))
                       : cli_fail("no message %lld in the outbox", id);
    } else if (strcmp(r.status, "sending") == 0) {
        rc = cli_fail("message %lld is being delivered right now; try again shortly", id);
    } else {
        const char *note = strcmp(status, "delivered") == 0 ? "marked delivered by hand"
                                                            : "queued again by hand";
        store_begin(s->store);
        outbox_set_status(s->store, id, status, note, clock_now(&c));
        char detail[64];
        snprintf(detail, sizeof detail, "%s -> %s", r.status, status);
        store_audit(s->store, "mark", "outbox", id_text, detail);
        if (store_commit(s->store) != 0)
            rc = cli_fail("cannot update the outbox: %s", store_errmsg(s->store));
        else
            printf("message %lld: %s -> %s\n", id, r.status, status);
    }
    outbox_row_free(&r);
    site_close(s);
    return rc;
}

int cmd_outbox(struct cli *cli, int argc, char **argv)
{
    const char *status = NULL;
    bool json = false;
    const struct opt opts[] = {{"status", 0, OPT_VALUE, &status},
                               {"json", 0, OPT_FLAG, &json},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int parsed = cli_parse(argc, argv, opts, outbox_usage, &pos, &npos);
    int rc;
    if (parsed != 0)
        rc = parsed > 0 ? EXIT_OK : EXIT_USAGE;
    else if (npos == 3 && strcmp(pos[0], "mark") == 0)
        rc = mark(cli, pos[1], pos[2]);
    else if (npos > 0)
        rc = cli_usage_error("outbox", "unexpected '%s' (the sub-command is 'mark ID STATUS')",
                             pos[0]);
    else if (status && !known_status(status))
        rc = cli_usage_error("outbox", "unknown status '%s' (pending, sending, delivered, failed, "
                                       "uncertain)", status);
    else
        rc = list(cli, status, json);
    free(pos);
    return rc;
}
