/* The evidence table milestones read: counts from an evaluation without checks, prescribers
 * registered with the PDMP, and when the last evaluation and reports were produced. Shared by
 * `sixbb milestones` and the milestones report, so both show the same evidence. */
#include <lauxlib.h>
#include <stdio.h>

#include "checks.h"
#include "host.h"
#include "store_eval.h"

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
    if (store_eval_last_report(s, report, buf, sizeof buf))
        set_opt(L, key, buf);
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
    int prescribers, registered;
    if (store_eval_prescribers(h->store, site_id, &prescribers, &registered) == 0) {
        set_int(L, "prescribers", prescribers);
        set_int(L, "prescribers_registered", registered);
    }
    if (store_eval_last_evaluation(h->store, buf, sizeof buf))
        set_opt(L, "last_evaluation", buf);
    set_last_report(L, h->store, "last_dashboard", "dashboard");
    set_last_report(L, h->store, "last_huddle", "huddle");
    set_last_report(L, h->store, "last_measures", "measures");
    return 0;
}
