/* The evidence table milestones read: counts from an evaluation without checks, prescribers
 * registered with the PDMP, and when the last evaluation and reports were produced. Shared by
 * `sixbb milestones` and the milestones report, so both show the same evidence. */
#include <lauxlib.h>
#include <stdio.h>

#include "eval.h"
#include "host.h"
#include "store.h"

static const char *first_text(struct store *s, const char *sql, const char *arg, char *buf,
                              size_t n)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    if (!st)
        return NULL; /* the table may not exist in this schema */
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    const char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
        out = buf;
    }
    sqlite3_reset(st);
    return out;
}

static void set_int(lua_State *L, const char *k, int v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void set_opt(lua_State *L, const char *k, const char *v)
{
    if (v) {
        lua_pushstring(L, v);
        lua_setfield(L, -2, k);
    }
}

static void set_last_report(lua_State *L, struct store *s, const char *key, const char *report)
{
    char buf[32];
    set_opt(L, key,
            first_text(s,
                       "SELECT max(date(produced_at, 'unixepoch')) FROM report_runs "
                       "WHERE report = ?1",
                       report, buf, sizeof buf));
}

int eval_push_evidence(struct eval *e, day_t as_of, const char *site_id)
{
    struct host *h = eval_host(e);
    struct eval_filter f = {.site = *site_id ? site_id : NULL, .check = "(evidence: no checks)"};
    struct eval_result r;
    if (eval_run(e, as_of, &f, &r, NULL) != 0) {
        eval_result_free(&r);
        return -1;
    }
    lua_State *L = h->L;
    char d[16], buf[32];
    lua_createtable(L, 0, 14);
    set_opt(L, "as_of", date_format(as_of, d));
    set_int(L, "patients", r.patients);
    set_int(L, "ltot_patients", r.ltot);
    set_int(L, "ltot_labeled", r.ltot_labeled);
    set_int(L, "fill_rule_patients", r.fill_rule);
    set_int(L, "fill_rule_labeled", r.labeled);
    set_int(L, "current_fills", r.active_fills);
    set_int(L, "current_fills_computable", r.active_computable);
    eval_result_free(&r);
    sqlite3_stmt *st = store_prepare(
        h->store, "SELECT count(*), count(NULLIF(pdmp_registered, '')) FROM clinicians "
                  "WHERE ?1 = '' OR site_id = ?1");
    if (st) {
        sqlite3_bind_text(st, 1, site_id, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            set_int(L, "prescribers", sqlite3_column_int(st, 0));
            set_int(L, "prescribers_registered", sqlite3_column_int(st, 1));
        }
        sqlite3_reset(st);
    }
    set_opt(L, "last_evaluation",
            first_text(h->store, "SELECT max(as_of) FROM evaluations", NULL, buf, sizeof buf));
    set_last_report(L, h->store, "last_dashboard", "dashboard");
    set_last_report(L, h->store, "last_huddle", "huddle");
    set_last_report(L, h->store, "last_measures", "measures");
    return 0;
}
