/* The numbers behind LtOT status, exclusions and risk tiers, read from the site config
 * (rules.* in config/defaults.lua), and the diagnosis-code matching they rely on. */
#include "eval_internal.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Codes compare without dots or spaces and in upper case: "z79.891" and "Z79891" are one code. */
void code_normalize(const char *in, char *out, size_t n)
{
    size_t k = 0;
    for (; *in && k + 1 < n; in++) {
        if (*in == '.' || *in == ' ')
            continue;
        out[k++] = (char)toupper((unsigned char)*in);
    }
    out[k] = 0;
}

/* "C00-C96" is a range over the first characters; "D57" or "Z51.5" is a prefix. */
static void add_range(struct code_set *set, const char *spec)
{
    set->r = xrealloc(set->r, (set->n + 1) * sizeof *set->r);
    struct code_range *r = &set->r[set->n++];
    const char *dash = strchr(spec, '-');
    if (dash) {
        char lo[16];
        snprintf(lo, sizeof lo, "%.*s", (int)(dash - spec), spec);
        code_normalize(lo, r->lo, sizeof r->lo);
        code_normalize(dash + 1, r->hi, sizeof r->hi);
    } else {
        code_normalize(spec, r->lo, sizeof r->lo);
        memcpy(r->hi, r->lo, sizeof r->hi);
    }
}

bool code_in_set(const struct code_set *set, const char *normalized)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct code_range *r = &set->r[i];
        size_t n = strlen(r->lo);
        if (strlen(normalized) < n)
            continue;
        if (strncmp(normalized, r->lo, n) >= 0 && strncmp(normalized, r->hi, n) <= 0)
            return true;
    }
    return false;
}

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
        add_range(set, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

static int num(struct host *h, const char *path, double fallback)
{
    return (int)host_config_number(h, path, fallback);
}

int rules_read(struct host *h, struct rules *r)
{
    memset(r, 0, sizeof *r);
    const char *rule = host_config_string(h, "ltot_rule");
    static const char *const names[] = {"seed", "cdc", "bree", "kpwa"};
    r->ltot_rule = -1;
    for (int i = 0; i < 4; i++)
        if (rule && strcmp(rule, names[i]) == 0)
            r->ltot_rule = i;
    if (r->ltot_rule < 0) {
        host_set_error(h, "setting 'ltot_rule' is '%s'; expected one of seed, cdc, bree, kpwa",
                       rule ? rule : "");
        return -1;
    }
    r->seed_window = num(h, "rules.ltot.seed.window_days", 90);
    r->seed_min_fills = num(h, "rules.ltot.seed.min_fills", 2);
    r->seed_min_span = num(h, "rules.ltot.seed.min_span_days", 28);
    r->cdc_windows = num(h, "rules.ltot.cdc.windows", 3);
    r->cdc_window_days = num(h, "rules.ltot.cdc.window_days", 30);
    r->cdc_min_days = num(h, "rules.ltot.cdc.min_days_covered", 21);
    r->bree_window = num(h, "rules.ltot.bree.window_days", 90);
    r->bree_min = num(h, "rules.ltot.bree.min_days_covered", 60);
    r->kpwa_window = num(h, "rules.ltot.kpwa.window_days", 90);
    r->kpwa_min = num(h, "rules.ltot.kpwa.min_days_covered", 70);
    host_push_config_path(h, "rules.exclusions.enabled");
    r->exclusions = !lua_isboolean(h->L, -1) || lua_toboolean(h->L, -1);
    lua_pop(h->L, 1);
    r->cancer_days = num(h, "rules.exclusions.cancer.within_days", 365);
    r->palliative_days = num(h, "rules.exclusions.palliative.within_days", 365);
    r->high_med = host_config_number(h, "rules.risk.high.med", 90);
    r->high_benzo_days = num(h, "rules.risk.high.benzo_overlap_days", 30);
    r->high_overdose_days = num(h, "rules.risk.high.overdose_days", 365);
    r->high_ort = host_config_number(h, "rules.risk.high.ort", 8);
    r->mod_med = host_config_number(h, "rules.risk.moderate.med", 50);
    r->mod_ort = host_config_number(h, "rules.risk.moderate.ort", 4);
    r->mod_phq9 = host_config_number(h, "rules.risk.moderate.phq9", 10);
    r->interval[RISK_HIGH] = num(h, "rules.risk.intervals.high", 90);
    r->interval[RISK_MODERATE] = num(h, "rules.risk.intervals.moderate", 182);
    r->interval[RISK_LOW] = num(h, "rules.risk.intervals.low", 365);
    r->missing_supply_days = num(h, "rules.missing_supply_days", 30);
    if (read_codes(h, "rules.ltot.label_codes", &r->label) || read_codes(h, "rules.oud_codes", &r->oud) ||
        read_codes(h, "rules.exclusions.cancer.codes", &r->cancer) ||
        read_codes(h, "rules.exclusions.sickle_cell.codes", &r->sickle) ||
        read_codes(h, "rules.exclusions.palliative.codes", &r->palliative))
        return -1;
    return 0;
}

void rules_free(struct rules *r)
{
    free(r->label.r);
    free(r->oud.r);
    free(r->cancer.r);
    free(r->sickle.r);
    free(r->palliative.r);
}

const char *const risk_names[3] = {"high", "moderate", "low"};
const char *const ltot_rule_names[4] = {"seed", "cdc", "bree", "kpwa"};
