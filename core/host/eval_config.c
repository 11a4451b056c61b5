/* The site configuration evaluation runs with, read into C (eval_config.h). */
#include "eval_config.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "host.h"
#include "med.h"
#include "util.h"

static int read_codes(struct host *h, const char *path, struct code_set *set)
{
    lua_State *L = h->L;
    host_push_config_path(h, path);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        host_set_error(h, "setting '%s' must be a list of diagnosis codes", path);
        return -1;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
            lua_pop(L, 2);
            host_set_error(h, "setting '%s' must hold code strings (item %d is not)", path, (int)i);
            return -1;
        }
        code_set_add(set, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

/* A number the config must hold (config/defaults.lua gives every one). */
static bool need(struct host *h, const char *path, double *out, bool *ok)
{
    host_push_config_path(h, path);
    bool have = lua_type(h->L, -1) == LUA_TNUMBER;
    *out = have ? lua_tonumber(h->L, -1) : 0;
    lua_pop(h->L, 1);
    if (!have && *ok) {
        host_set_error(h, "setting '%s' is missing or not a number", path);
        *ok = false;
    }
    return have;
}

static int num(struct host *h, const char *path, bool *ok)
{
    double v;
    need(h, path, &v, ok);
    return (int)v;
}

static double real(struct host *h, const char *path, bool *ok)
{
    double v;
    need(h, path, &v, ok);
    return v;
}

int host_read_rules(struct host *h, struct rules *r)
{
    memset(r, 0, sizeof *r);
    const char *rule = host_config_string(h, "ltot_rule");
    static const char *const names[] = {"seed", "cdc", "bree", "kpwa"};
    bool ok = true;
    r->ltot_rule = -1;
    for (int i = 0; i < 4; i++)
        if (rule && strcmp(rule, names[i]) == 0)
            r->ltot_rule = i;
    if (r->ltot_rule < 0) {
        host_set_error(h, "setting 'ltot_rule' is '%s'; expected one of seed, cdc, bree, kpwa",
                       rule ? rule : "");
        return -1;
    }
    r->seed_window = num(h, "rules.ltot.seed.window_days", &ok);
    r->seed_min_fills = num(h, "rules.ltot.seed.min_fills", &ok);
    r->seed_min_span = num(h, "rules.ltot.seed.min_span_days", &ok);
    r->cdc_windows = num(h, "rules.ltot.cdc.windows", &ok);
    r->cdc_window_days = num(h, "rules.ltot.cdc.window_days", &ok);
    r->cdc_min_days = num(h, "rules.ltot.cdc.min_days_covered", &ok);
    r->bree_window = num(h, "rules.ltot.bree.window_days", &ok);
    r->bree_min = num(h, "rules.ltot.bree.min_days_covered", &ok);
    r->kpwa_window = num(h, "rules.ltot.kpwa.window_days", &ok);
    r->kpwa_min = num(h, "rules.ltot.kpwa.min_days_covered", &ok);
    host_push_config_path(h, "rules.exclusions.enabled");
    r->exclusions = !lua_isboolean(h->L, -1) || lua_toboolean(h->L, -1);
    lua_pop(h->L, 1);
    r->cancer_days = num(h, "rules.exclusions.cancer.within_days", &ok);
    r->palliative_days = num(h, "rules.exclusions.palliative.within_days", &ok);
    r->high_med = real(h, "rules.risk.high.med", &ok);
    r->high_benzo_days = num(h, "rules.risk.high.benzo_overlap_days", &ok);
    r->high_overdose_days = num(h, "rules.risk.high.overdose_days", &ok);
    r->high_ort = real(h, "rules.risk.high.ort", &ok);
    r->mod_med = real(h, "rules.risk.moderate.med", &ok);
    r->mod_ort = real(h, "rules.risk.moderate.ort", &ok);
    r->mod_phq9 = real(h, "rules.risk.moderate.phq9", &ok);
    r->interval[RISK_HIGH] = num(h, "rules.risk.intervals.high", &ok);
    r->interval[RISK_MODERATE] = num(h, "rules.risk.intervals.moderate", &ok);
    r->interval[RISK_LOW] = num(h, "rules.risk.intervals.low", &ok);
    r->missing_supply_days = num(h, "rules.missing_supply_days", &ok);
    if (!ok)
        return -1;
    if (read_codes(h, "rules.ltot.label_codes", &r->label) ||
        read_codes(h, "rules.oud_codes", &r->oud) ||
        read_codes(h, "rules.exclusions.cancer.codes", &r->cancer) ||
        read_codes(h, "rules.exclusions.sickle_cell.codes", &r->sickle) ||
        read_codes(h, "rules.exclusions.palliative.codes", &r->palliative))
        return -1;
    return 0;
}

int host_open_med(struct host *h, struct med_db **db, struct med_standard **std, char *err,
                  size_t errlen)
{
    const char *name = host_config_string(h, "standard");
    if (!name) {
        snprintf(err, errlen, "setting 'standard' is missing");
        return -1;
    }
    const char *config = paths_data_dir("config");
    *db = med_db_open(config, err, errlen);
    if (!*db)
        return -1;
    *std = NULL;
    if (h->site_dir) {
        /* A site may keep its own tables in <site>/standards/<name>.json. */
        char *own = xasprintf("%s/standards/%s.json", h->site_dir, name);
        if (path_exists(own))
            *std = med_standard_load(own, err, errlen);
        free(own);
    }
    if (!*std)
        *std = med_standard_load_named(config, name, err, errlen);
    if (!*std) {
        med_db_free(*db);
        *db = NULL;
        return -1;
    }
    if (h->site_dir) {
        char *extra = xasprintf("%s/products.csv", h->site_dir);
        int rc = path_exists(extra) ? med_db_add_products_csv(*db, extra, err, errlen) : 0;
        free(extra);
        if (rc != 0) {
            med_db_free(*db);
            med_standard_free(*std);
            *db = NULL;
            *std = NULL;
            return -1;
        }
    }
    return 0;
}

int host_as_of(struct host *h, const char *given, day_t *out, char *err, size_t errlen)
{
    if (given) {
        if (date_parse(given, strlen(given), out) != 0) {
            snprintf(err, errlen, "--as-of '%s' is not a date (YYYY-MM-DD)", given);
            return -1;
        }
        return 0;
    }
    *out = date_today(host_config_string(h, "timezone"));
    return 0;
}
