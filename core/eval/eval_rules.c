/* The diagnosis-code matching the rules rely on (the rules' numbers are read from the site
 * config by the host: rules.* in config/defaults.lua). */
#include "eval_facts.h"

#include <ctype.h>
#include <stdio.h>
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
void code_set_add(struct code_set *set, const char *spec)
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
