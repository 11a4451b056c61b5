/* The evidence table milestones read: counts from an evaluation without checks, prescribers
 * registered with the PDMP, and when the last evaluation and reports were produced. Shared by
 * `sixbb milestones` and the milestones report, so both show the same evidence. */
#include <lauxlib.h>
#include <stdio.h>

#include "checks.h"
#include "host.h"
#include "store_eval.h"
#include "lua_fields.h"

static void set_last_report(lua_State *L, struct store *s, const char *key, const char *report)
{
    char buf[32];
    if (store_eval_last_report(s, report, buf, sizeof buf))
        lf_str(L, key, buf);
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
    lf_str(L, "as_of", date_format(as_of, d));
    lf_int(L, "patients", r.patients);
    lf_int(L, "ltot_patients", r.ltot);
    lf_int(L, "ltot_labeled", r.ltot_labeled);
    lf_int(L, "fill_rule_patients", r.fill_rule);
    lf_int(L, "fill_rule_labeled", r.labeled);
    lf_int(L, "current_fills", r.active_fills);
    lf_int(L, "current_fills_computable", r.active_computable);
    eval_result_free(&r);
    int prescribers, registered;
    if (store_eval_prescribers(h->store, site_id, &prescribers, &registered) == 0) {
        lf_int(L, "prescribers", prescribers);
        lf_int(L, "prescribers_registered", registered);
    }
    if (store_eval_last_evaluation(h->store, buf, sizeof buf))
        lf_str(L, "last_evaluation", buf);
    set_last_report(L, h->store, "last_dashboard", "dashboard");
    set_last_report(L, h->store, "last_huddle", "huddle");
    set_last_report(L, h->store, "last_measures", "measures");
    return 0;
}
