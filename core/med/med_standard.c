/* Conversion standards: named, versioned tables of MED factors loaded from JSON files in
 * config/standards/ or built by a site's config through the builder calls. Lookups run once per
 * fill, so entries carry a precomputed hash of ingredient and route. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

#define ROUTE_MAX 16

struct factor_entry {
    char ingredient[MED_NAME_MAX];
    char route[ROUTE_MAX]; /* "" = every route but injection and implant */
    uint64_t hash;
    enum med_unit unit; /* MED_UNIT_MG, MED_UNIT_MCG or MED_UNIT_MCG_HR */
    double factor;
    unsigned options;
    bool excluded;
    char *reason;
};

struct tier {
    double above, up_to, factor;
};

struct med_standard {
    char *name, *version, *source;
    char **notes;
    size_t n_notes;
    struct factor_entry *f;
    size_t n_f, cap_f;
    struct tier *tiers;
    size_t n_tiers, cap_tiers;
    double methadone_review;
};

static const char *const routes[] = {"oral",       "rectal", "transdermal", "buccal",
                                     "film",       "oral_spray", "nasal",   "spray",
                                     "injection",  "implant", NULL};

static bool route_known(const char *r)
{
    for (const char *const *p = routes; *p; p++)
        if (strcmp(*p, r) == 0)
            return true;
    return false;
}

/* Hash of "ingredient|route", built from the ingredient's hash so a lookup hashes the ingredient
 * once for both the route-specific and the default entry. */
static uint64_t ingredient_hash(const char *ingredient)
{
    return hash_fnv1a64(ingredient, strlen(ingredient), HASH_FNV64_SEED);
}

static uint64_t route_hash(uint64_t ingredient_h, const char *route)
{
    uint64_t h = hash_fnv1a64("|", 1, ingredient_h);
    return hash_fnv1a64(route, strlen(route), h);
}

static uint64_t entry_hash(const char *ingredient, const char *route)
{
    return route_hash(ingredient_hash(ingredient), route);
}

struct med_standard *med_standard_new(const char *name, const char *version, const char *source)
{
    struct med_standard *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(name ? name : "");
    s->version = xstrdup(version ? version : "");
    s->source = xstrdup(source ? source : "");
    s->methadone_review = 80.0;
    return s;
}

void med_standard_free(struct med_standard *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->version);
    free(s->source);
    for (size_t i = 0; i < s->n_notes; i++)
        free(s->notes[i]);
    free(s->notes);
    for (size_t i = 0; i < s->n_f; i++)
        free(s->f[i].reason);
    free(s->f);
    free(s->tiers);
    free(s);
}

struct med_standard *med_standard_clone(const struct med_standard *s, const char *name,
                                        const char *version, const char *source)
{
    struct med_standard *c = med_standard_new(name, version, source);
    for (size_t i = 0; i < s->n_notes; i++)
        med_standard_add_note(c, s->notes[i]);
    c->f = xmalloc((s->n_f ? s->n_f : 1) * sizeof *c->f);
    c->cap_f = c->n_f = s->n_f;
    for (size_t i = 0; i < s->n_f; i++) {
        c->f[i] = s->f[i];
        c->f[i].reason = s->f[i].reason ? xstrdup(s->f[i].reason) : NULL;
    }
    c->tiers = xmalloc((s->n_tiers ? s->n_tiers : 1) * sizeof *c->tiers);
    c->cap_tiers = c->n_tiers = s->n_tiers;
    if (s->n_tiers)
        memcpy(c->tiers, s->tiers, s->n_tiers * sizeof *c->tiers);
    c->methadone_review = s->methadone_review;
    return c;
}

int med_standard_add_note(struct med_standard *s, const char *note)
{
    s->notes = xrealloc(s->notes, (s->n_notes + 1) * sizeof *s->notes);
    s->notes[s->n_notes++] = xstrdup(note);
    return 0;
}

static int factor_unit(const char *unit, enum med_unit *out)
{
    if (!unit)
        return -1;
    if (streq_nocase(unit, "mg"))
        *out = MED_UNIT_MG;
    else if (streq_nocase(unit, "mcg"))
        *out = MED_UNIT_MCG;
    else if (streq_nocase(unit, "mcg/hr"))
        *out = MED_UNIT_MCG_HR;
    else
        return -1;
    return 0;
}

/* Finds or appends the entry for (ingredient, route). */
static struct factor_entry *entry_for(struct med_standard *s, const char *ingredient,
                                      const char *route)
{
    char ing[MED_NAME_MAX];
    med_lower_copy(ing, sizeof ing, ingredient);
    const char *r = route ? route : "";
    for (size_t i = 0; i < s->n_f; i++)
        if (strcmp(s->f[i].ingredient, ing) == 0 && strcmp(s->f[i].route, r) == 0) {
            free(s->f[i].reason);
            s->f[i].reason = NULL;
            return &s->f[i];
        }
    if (s->n_f == s->cap_f) {
        s->cap_f = s->cap_f ? s->cap_f * 2 : 32;
        s->f = xrealloc(s->f, s->cap_f * sizeof *s->f);
    }
    struct factor_entry *e = &s->f[s->n_f++];
    memset(e, 0, sizeof *e);
    snprintf(e->ingredient, sizeof e->ingredient, "%s", ing);
    snprintf(e->route, sizeof e->route, "%s", r);
    e->hash = entry_hash(e->ingredient, e->route);
    return e;
}

static int check_names(const char *ingredient, const char *route, char *err, size_t errlen)
{
    if (!ingredient || !*ingredient || strlen(ingredient) >= MED_NAME_MAX) {
        snprintf(err, errlen, "ingredient: expected a name of 1 to %d characters",
                 MED_NAME_MAX - 1);
        return -1;
    }
    if (route && !route_known(route)) {
        snprintf(err, errlen,
                 "route '%s': expected one of oral, rectal, transdermal, buccal, film, "
                 "oral_spray, nasal, spray, injection, implant",
                 route);
        return -1;
    }
    return 0;
}

int med_standard_set_factor(struct med_standard *s, const char *ingredient, const char *route,
                            const char *unit, double factor, unsigned options, char *err,
                            size_t errlen)
{
    enum med_unit u;
    if (check_names(ingredient, route, err, errlen) < 0)
        return -1;
    if (factor_unit(unit, &u) < 0) {
        snprintf(err, errlen, "unit '%s': expected mg, mcg or mcg/hr", unit ? unit : "");
        return -1;
    }
    if (!isfinite(factor) || factor <= 0) {
        snprintf(err, errlen, "factor for %s: expected a positive number", ingredient);
        return -1;
    }
    if ((options & MED_FACTOR_PER_PATCH_DAY) && u != MED_UNIT_MCG_HR) {
        snprintf(err, errlen, "factor for %s: the per-patch-day rule needs unit mcg/hr",
                 ingredient);
        return -1;
    }
    struct factor_entry *e = entry_for(s, ingredient, route);
    e->unit = u;
    e->factor = factor;
    e->options = options;
    e->excluded = false;
    return 0;
}

int med_standard_exclude(struct med_standard *s, const char *ingredient, const char *route,
                         const char *reason, char *err, size_t errlen)
{
    if (check_names(ingredient, route, err, errlen) < 0)
        return -1;
    struct factor_entry *e = entry_for(s, ingredient, route);
    e->excluded = true;
    e->factor = NAN;
    e->options = 0;
    e->unit = MED_UNIT_NONE;
    e->reason = xstrdup(reason && *reason ? reason : "left out of MED by this standard");
    return 0;
}

int med_standard_add_methadone_tier(struct med_standard *s, double above_mg, double up_to_mg,
                                    double factor, char *err, size_t errlen)
{
    if (!isfinite(above_mg) || above_mg < 0 || !(up_to_mg > above_mg) || isnan(up_to_mg)) {
        snprintf(err, errlen, "methadone tier: expected 0 <= above < up_to");
        return -1;
    }
    if (!isfinite(factor) || factor <= 0) {
        snprintf(err, errlen, "methadone tier: expected a positive factor");
        return -1;
    }
    if (s->n_tiers > 0) {
        const struct tier *last = &s->tiers[s->n_tiers - 1];
        if (isinf(last->up_to) || last->up_to != above_mg) {
            snprintf(err, errlen,
                     "methadone tier above %g mg: expected it to start where the previous "
                     "tier ends (%g mg)",
                     above_mg, last->up_to);
            return -1;
        }
    }
    if (s->n_tiers == s->cap_tiers) {
        s->cap_tiers = s->cap_tiers ? s->cap_tiers * 2 : 8;
        s->tiers = xrealloc(s->tiers, s->cap_tiers * sizeof *s->tiers);
    }
    s->tiers[s->n_tiers++] = (struct tier){above_mg, up_to_mg, factor};
    return 0;
}

int med_standard_check(const struct med_standard *s, char *err, size_t errlen)
{
    if (!s->name[0]) {
        snprintf(err, errlen, "name: expected a non-empty string");
        return -1;
    }
    if (s->n_tiers == 0)
        return 0;
    if (s->tiers[0].above != 0) {
        snprintf(err, errlen, "methadone tiers: expected the first to start above 0 mg");
        return -1;
    }
    if (!isinf(s->tiers[s->n_tiers - 1].up_to)) {
        snprintf(err, errlen, "methadone tiers: expected the last to have no upper bound");
        return -1;
    }
    for (size_t i = 0; i < s->n_f; i++)
        if (strcmp(s->f[i].ingredient, "methadone") == 0 && !s->f[i].excluded) {
            snprintf(err, errlen,
                     "methadone: expected either tiers or a flat factor, not both");
            return -1;
        }
    return 0;
}

const char *med_standard_name(const struct med_standard *s)
{
    return s->name;
}

const char *med_standard_version(const struct med_standard *s)
{
    return s->version;
}

const char *med_standard_source(const struct med_standard *s)
{
    return s->source;
}

size_t med_standard_note_count(const struct med_standard *s)
{
    return s->n_notes;
}

const char *med_standard_note(const struct med_standard *s, size_t i)
{
    return i < s->n_notes ? s->notes[i] : NULL;
}

bool med_standard_tiered(const struct med_standard *s)
{
    return s->n_tiers > 0;
}

double med_standard_methadone_review_mg(const struct med_standard *s)
{
    return s->methadone_review;
}

double med_standard_methadone_factor(const struct med_standard *s, double total_mg)
{
    if (!(total_mg > 0))
        return NAN;
    /* Half-open bands (above, up_to]: 20 mg is in the first band, 20.5 mg in the second. */
    for (size_t i = 0; i < s->n_tiers; i++)
        if (total_mg > s->tiers[i].above && total_mg <= s->tiers[i].up_to)
            return s->tiers[i].factor;
    return NAN;
}

static enum med_unit mass_of(enum med_unit u)
{
    switch (u) {
    case MED_UNIT_MG:
    case MED_UNIT_MG_ML:
    case MED_UNIT_MG_ACT:
        return MED_UNIT_MG;
    case MED_UNIT_MCG:
    case MED_UNIT_MCG_ML:
    case MED_UNIT_MCG_ACT:
        return MED_UNIT_MCG;
    default:
        return u;
    }
}

static const struct factor_entry *find_entry(const struct med_standard *s, uint64_t h,
                                             const char *ingredient, const char *route)
{
    for (size_t i = 0; i < s->n_f; i++)
        if (s->f[i].hash == h && strcmp(s->f[i].ingredient, ingredient) == 0 &&
            strcmp(s->f[i].route, route) == 0)
            return &s->f[i];
    return NULL;
}

static struct med_factor from_entry(const struct factor_entry *e, enum med_unit unit)
{
    struct med_factor f = {.status = MED_FACTOR_NONE, .factor = NAN};
    if (e->excluded) {
        f.status = MED_FACTOR_EXCLUDED;
        f.reason = e->reason;
    } else if (e->unit == mass_of(unit)) {
        f.status = MED_FACTOR_OK;
        f.factor = e->factor;
        f.options = e->options;
    }
    return f;
}

struct med_factor med_standard_factor(const struct med_standard *s, const char *ingredient,
                                      const char *route, enum med_unit unit)
{
    struct med_factor none = {.status = MED_FACTOR_NONE, .factor = NAN};
    if (!route)
        route = "";
    if (s->n_tiers > 0 && strcmp(ingredient, "methadone") == 0 && mass_of(unit) == MED_UNIT_MG &&
        strcmp(route, "injection") != 0)
        return (struct med_factor){.status = MED_FACTOR_TIERED, .factor = NAN};
    const struct factor_entry *e;
    uint64_t ih = ingredient_hash(ingredient);
    if (*route && (e = find_entry(s, route_hash(ih, route), ingredient, route))) {
        struct med_factor f = from_entry(e, unit);
        if (f.status != MED_FACTOR_NONE)
            return f;
    }
    /* The route-less factor is for oral-type use; parenteral doses need their own entry. */
    if (strcmp(route, "injection") == 0 || strcmp(route, "implant") == 0)
        return none;
    e = find_entry(s, route_hash(ih, ""), ingredient, "");
    return e ? from_entry(e, unit) : none;
}

/* ---------------------------------------------------------------- JSON loader */

struct jctx {
    const char *file;
    char *err;
    size_t errlen;
};

static int jfail(struct jctx *j, const char *key, const char *expected)
{
    snprintf(j->err, j->errlen, "%s: %s: expected %s", j->file, key, expected);
    return -1;
}

static int entry_fail(struct jctx *j, const char *key, const char *why)
{
    snprintf(j->err, j->errlen, "%s: %s: %s", j->file, key, why);
    return -1;
}

static const char *jstring(struct jctx *j, const cJSON *obj, const char *name, const char *key,
                           bool required, int *rc)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        if (required)
            *rc = jfail(j, key, "a string");
        return NULL;
    }
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        *rc = jfail(j, key, "a non-empty string");
        return NULL;
    }
    return v->valuestring;
}

static int load_notes(struct jctx *j, struct med_standard *s, const cJSON *root)
{
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(root, "notes");
    if (!notes)
        return 0;
    if (!cJSON_IsArray(notes))
        return jfail(j, "notes", "an array of strings");
    int i = 0;
    const cJSON *n;
    cJSON_ArrayForEach(n, notes)
    {
        if (!cJSON_IsString(n)) {
            char key[32];
            snprintf(key, sizeof key, "notes[%d]", i);
            return jfail(j, key, "a string");
        }
        med_standard_add_note(s, n->valuestring);
        i++;
    }
    return 0;
}

static int load_basis(struct jctx *j, const cJSON *e, const char *key, unsigned *options)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, "basis");
    if (!b)
        return 0;
    char k[64];
    snprintf(k, sizeof k, "%s.basis", key);
    if (!cJSON_IsString(b))
        return jfail(j, k, "\"daily_dose\", \"rate\" or \"patches_per_day\"");
    if (strcmp(b->valuestring, "patches_per_day") == 0)
        *options |= MED_FACTOR_PER_PATCH_DAY;
    else if (strcmp(b->valuestring, "rate") != 0 && strcmp(b->valuestring, "daily_dose") != 0)
        return jfail(j, k, "\"daily_dose\", \"rate\" or \"patches_per_day\"");
    return 0;
}

/* Applies one factor entry to each of its routes (or to the default when it names none). */
static int load_factor(struct jctx *j, struct med_standard *s, const cJSON *e, int idx)
{
    char key[48], k2[80], e2[160];
    snprintf(key, sizeof key, "factors[%d]", idx);
    if (!cJSON_IsObject(e))
        return jfail(j, key, "an object");
    int rc = 0;
    snprintf(k2, sizeof k2, "%s.ingredient", key);
    const char *ing = jstring(j, e, "ingredient", k2, true, &rc);
    if (rc)
        return rc;
    const cJSON *routes_j = cJSON_GetObjectItemCaseSensitive(e, "routes");
    const char *route_list[12];
    int nr = 0;
    if (routes_j) {
        snprintf(k2, sizeof k2, "%s.routes", key);
        if (!cJSON_IsArray(routes_j) || cJSON_GetArraySize(routes_j) < 1 ||
            cJSON_GetArraySize(routes_j) > 10)
            return jfail(j, k2, "an array of 1 to 10 route names");
        const cJSON *r;
        cJSON_ArrayForEach(r, routes_j)
        {
            if (!cJSON_IsString(r) || !route_known(r->valuestring))
                return jfail(j, k2,
                             "route names among oral, rectal, transdermal, buccal, film, "
                             "oral_spray, nasal, spray, injection, implant");
            route_list[nr++] = r->valuestring;
        }
    } else {
        route_list[nr++] = NULL;
    }
    const cJSON *excl = cJSON_GetObjectItemCaseSensitive(e, "excluded");
    if (excl) {
        snprintf(k2, sizeof k2, "%s.excluded", key);
        if (!cJSON_IsString(excl) || !excl->valuestring[0])
            return jfail(j, k2, "the reason the ingredient is left out, as a string");
        for (int i = 0; i < nr; i++)
            if (med_standard_exclude(s, ing, route_list[i], excl->valuestring, e2,
                                     sizeof e2) < 0)
                return entry_fail(j, key, e2);
        return 0;
    }
    snprintf(k2, sizeof k2, "%s.unit", key);
    const char *unit = jstring(j, e, "unit", k2, true, &rc);
    if (rc)
        return rc;
    enum med_unit u;
    if (factor_unit(unit, &u) < 0)
        return jfail(j, k2, "\"mg\", \"mcg\" or \"mcg/hr\"");
    const cJSON *fac = cJSON_GetObjectItemCaseSensitive(e, "factor");
    snprintf(k2, sizeof k2, "%s.factor", key);
    if (!cJSON_IsNumber(fac) || !(fac->valuedouble > 0) || !isfinite(fac->valuedouble))
        return jfail(j, k2, "a positive number");
    unsigned options = 0;
    const cJSON *mark = cJSON_GetObjectItemCaseSensitive(e, "not_in_guideline_table");
    if (mark) {
        snprintf(k2, sizeof k2, "%s.not_in_guideline_table", key);
        if (!cJSON_IsBool(mark))
            return jfail(j, k2, "true or false");
        if (cJSON_IsTrue(mark))
            options |= MED_FACTOR_NOT_IN_GUIDELINE;
    }
    if (load_basis(j, e, key, &options) < 0)
        return -1;
    if ((options & MED_FACTOR_PER_PATCH_DAY) && u != MED_UNIT_MCG_HR) {
        snprintf(k2, sizeof k2, "%s.unit", key);
        return jfail(j, k2, "\"mcg/hr\" with basis \"patches_per_day\"");
    }
    for (int i = 0; i < nr; i++) {
        if (med_standard_set_factor(s, ing, route_list[i], unit, fac->valuedouble, options, e2,
                                    sizeof e2) < 0)
            return entry_fail(j, key, e2);
    }
    return 0;
}

static int load_tiers(struct jctx *j, struct med_standard *s, const cJSON *root)
{
    const cJSON *tiers = cJSON_GetObjectItemCaseSensitive(root, "methadone_tiers");
    if (!tiers)
        return 0;
    if (!cJSON_IsArray(tiers) || cJSON_GetArraySize(tiers) < 1)
        return jfail(j, "methadone_tiers", "a non-empty array");
    int i = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tiers)
    {
        char key[48], k2[80];
        snprintf(key, sizeof key, "methadone_tiers[%d]", i++);
        if (!cJSON_IsObject(t))
            return jfail(j, key, "an object");
        const cJSON *above = cJSON_GetObjectItemCaseSensitive(t, "above_mg");
        const cJSON *up = cJSON_GetObjectItemCaseSensitive(t, "up_to_mg");
        const cJSON *fac = cJSON_GetObjectItemCaseSensitive(t, "factor");
        snprintf(k2, sizeof k2, "%s.above_mg", key);
        if (!cJSON_IsNumber(above) || above->valuedouble < 0)
            return jfail(j, k2, "a number of mg, 0 or more");
        snprintf(k2, sizeof k2, "%s.up_to_mg", key);
        if (up && !cJSON_IsNumber(up))
            return jfail(j, k2, "a number of mg (leave it out on the last tier)");
        snprintf(k2, sizeof k2, "%s.factor", key);
        if (!cJSON_IsNumber(fac) || !(fac->valuedouble > 0))
            return jfail(j, k2, "a positive number");
        char e2[160];
        if (med_standard_add_methadone_tier(s, above->valuedouble,
                                            up ? up->valuedouble : INFINITY, fac->valuedouble,
                                            e2, sizeof e2) < 0) {
            snprintf(j->err, j->errlen, "%s: %s: %s", j->file, key, e2);
            return -1;
        }
    }
    return 0;
}

static int load_root(struct jctx *j, struct med_standard **out, const cJSON *root)
{
    int rc = 0;
    if (!cJSON_IsObject(root))
        return jfail(j, "(top level)", "an object");
    const char *name = jstring(j, root, "name", "name", true, &rc);
    const char *version = rc ? NULL : jstring(j, root, "version", "version", true, &rc);
    const char *source = rc ? NULL : jstring(j, root, "source", "source", true, &rc);
    if (rc)
        return rc;
    struct med_standard *s = med_standard_new(name, version, source);
    const cJSON *factors = cJSON_GetObjectItemCaseSensitive(root, "factors");
    if (!cJSON_IsArray(factors))
        rc = jfail(j, "factors", "an array of factor entries");
    int i = 0;
    const cJSON *e;
    if (!rc)
        cJSON_ArrayForEach(e, factors)
        {
            if ((rc = load_factor(j, s, e, i++)) < 0)
                break;
        }
    if (!rc)
        rc = load_tiers(j, s, root);
    if (!rc)
        rc = load_notes(j, s, root);
    const cJSON *rev = cJSON_GetObjectItemCaseSensitive(root, "methadone_review_above_mg");
    if (!rc && rev) {
        if (!cJSON_IsNumber(rev) || !(rev->valuedouble > 0))
            rc = jfail(j, "methadone_review_above_mg", "a positive number");
        else
            s->methadone_review = rev->valuedouble;
    }
    char e2[200];
    if (!rc && med_standard_check(s, e2, sizeof e2) < 0) {
        snprintf(j->err, j->errlen, "%s: %s", j->file, e2);
        rc = -1;
    }
    if (rc) {
        med_standard_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

struct med_standard *med_standard_load(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    struct jctx j = {path, err, errlen};
    struct med_standard *s = NULL;
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        long off = at && at >= text && at <= text + len ? (long)(at - text) : -1;
        long line = 1;
        for (long i = 0; i < off; i++)
            line += text[i] == '\n';
        snprintf(err, errlen, "%s: line %ld: not valid JSON", path, line);
    } else {
        load_root(&j, &s, root);
    }
    cJSON_Delete(root);
    free(text);
    return s;
}

struct med_standard *med_standard_load_named(const char *config_dir, const char *name, char *err,
                                             size_t errlen)
{
    for (const char *p = name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.') ||
            (p == name && *p == '.')) {
            snprintf(err, errlen, "standard name '%s': expected letters, digits, '-', '_' or '.'",
                     name);
            return NULL;
        }
    char *path = xasprintf("%s/standards/%s.json", config_dir, name);
    if (!path_exists(path)) {
        snprintf(err, errlen, "no standard named '%s' (looked for %s)", name, path);
        free(path);
        return NULL;
    }
    struct med_standard *s = med_standard_load(path, err, errlen);
    free(path);
    return s;
}
