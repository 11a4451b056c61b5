/* Checking a report document and building its canonical form. Plugin authors see these
 * messages when a report is wrong, so each one names the path of the value, what was expected
 * and what was found; unknown fields are refused with the nearest known name, because a
 * misspelt `page_brek` would otherwise be silently ignored. */
#include "report_doc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PATH_DEPTH 32

/* The path to the value being checked is kept as a stack of keys and list positions and only
 * spelt out ("sections[2].blocks[1].rows[40].med") when a message or a link needs it: building
 * it for every value of a large document cost more than the checks themselves. */
struct vctx {
    char *err;
    size_t errlen;
    const char *key[PATH_DEPTH]; /* NULL: a list position, in index[] */
    int index[PATH_DEPTH];
    size_t len;                  /* depth; steps past PATH_DEPTH are left out of the text */
    char path[512];              /* path_text's output */
    cJSON *ids;   /* object: every anchor id seen */
    cJSON *links; /* array of [path, href] to check once every id is known */
};

static const char *const DOC_FIELDS[] = {"title",   "subtitle", "params",
                                         "figures", "sections", NULL};
static const char *const PARAM_FIELDS[] = {"label", "value", NULL};
static const char *const FIGURE_FIELDS[] = {"label", "value", "unit", "note", "href", NULL};
static const char *const SECTION_FIELDS[] = {"id", "title", "text", "page_break", "blocks", NULL};
static const char *const TABLE_FIELDS[] = {"type", "id", "title", "main", "columns", "rows", NULL};
static const char *const COLUMN_FIELDS[] = {"key", "title", "format", NULL};
static const char *const CHART_FIELDS[] = {"type",   "kind",       "title",  "unit",
                                           "points", "baseline",   "phases", "annotations",
                                           "goal",   "goal_label", NULL};
static const char *const POINT_FIELDS[] = {"label", "value", NULL};
static const char *const PHASE_FIELDS[] = {"start", "label", "baseline", NULL};
static const char *const NOTE_FIELDS[] = {"at", "text", NULL};
static const char *const TEXT_FIELDS[] = {"type", "text", NULL};
static const char *const LIST_FIELDS[] = {"type", "items", NULL};

static const char *const FORMATS[] = {"text", "number", "integer", "percent", "date", "med", NULL};
static const char *const KINDS[] = {"run", "line", "bar", NULL};
static const char *const UNITS[] = {"number", "count", "percent", NULL};
static const char *const BLOCK_TYPES[] = {"table", "chart", "text", "list", NULL};

/* ------------------------------------------------------------------ paths and errors */

static size_t push_key(struct vctx *c, const char *key)
{
    if (c->len < PATH_DEPTH)
        c->key[c->len] = key;
    return c->len++;
}

static size_t push_index(struct vctx *c, int i)
{
    if (c->len < PATH_DEPTH) {
        c->key[c->len] = NULL;
        c->index[c->len] = i;
    }
    return c->len++;
}

static void pop(struct vctx *c, size_t old)
{
    c->len = old;
}

/* The current path as text, in c->path. */
static const char *path_text(struct vctx *c)
{
    size_t at = 0, depth = c->len < PATH_DEPTH ? c->len : PATH_DEPTH;
    c->path[0] = 0;
    for (size_t i = 0; i < depth && at < sizeof c->path; i++) {
        int n = c->key[i] ? snprintf(c->path + at, sizeof c->path - at, "%s%s", at ? "." : "",
                                     c->key[i])
                          : snprintf(c->path + at, sizeof c->path - at, "[%d]", c->index[i] + 1);
        if (n < 0 || (size_t)n >= sizeof c->path - at)
            break;
        at += (size_t)n;
    }
    return c->path;
}

static int fail(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct vctx *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s %s", c->len ? path_text(c) : "the document", msg);
    return -1;
}

static const char *type_of(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        return "table";
    return "nil";
}

/* An empty Lua table arrives as an empty list; it is also a valid empty record. */
static bool is_record(const cJSON *v)
{
    return cJSON_IsObject(v) || (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0);
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static void join(const char *const *list, char *out, size_t n)
{
    size_t len = 0;
    out[0] = 0;
    for (size_t i = 0; list[i]; i++) {
        int w = snprintf(out + len, n - len, "%s%s", i ? ", " : "", list[i]);
        if (w < 0 || (size_t)w >= n - len)
            break;
        len += (size_t)w;
    }
}

/* The value at the current path must be a record with only the named fields. */
static int check_record(struct vctx *c, const cJSON *v, const char *const *fields)
{
    if (!is_record(v))
        return fail(c, "must be a table, got %s", type_of(v));
    for (const cJSON *f = v->child; f; f = f->next) {
        if (in_list(fields, f->string))
            continue;
        const char *near = nearest_in(fields, f->string, 3);
        if (near)
            return fail(c, "has an unknown field '%s' (did you mean '%s'?)", f->string, near);
        char known[200];
        join(fields, known, sizeof known);
        return fail(c, "has an unknown field '%s' (known: %s)", f->string, known);
    }
    return 0;
}

/* ------------------------------------------------------------------ scalar fields */

/* Copies a string field; required fields must be present. */
static int copy_string(struct vctx *c, const cJSON *obj, const char *name, bool required,
                       cJSON *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t old = push_key(c, name);
    int rc = 0;
    if (!v && required)
        rc = fail(c, "is required (a string)");
    else if (v && !cJSON_IsString(v))
        rc = fail(c, "must be a string, got %s", type_of(v));
    else if (v)
        cJSON_AddStringToObject(out, name, v->valuestring);
    pop(c, old);
    return rc;
}

static int copy_bool(struct vctx *c, const cJSON *obj, const char *name, cJSON *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t old = push_key(c, name);
    int rc = 0;
    if (v && !cJSON_IsBool(v))
        rc = fail(c, "must be true or false, got %s", type_of(v));
    else
        cJSON_AddBoolToObject(out, name, v && cJSON_IsTrue(v));
    pop(c, old);
    return rc;
}

static int copy_number(struct vctx *c, const cJSON *obj, const char *name, bool required,
                       cJSON *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t old = push_key(c, name);
    int rc = 0;
    if (!v && required)
        rc = fail(c, "is required (a number)");
    else if (v && !cJSON_IsNumber(v))
        rc = fail(c, "must be a number, got %s", type_of(v));
    else if (v)
        cJSON_AddNumberToObject(out, name, v->valuedouble);
    pop(c, old);
    return rc;
}

/* A whole number in [lo, hi] (1-based point positions and counts). */
static int copy_int(struct vctx *c, const cJSON *obj, const char *name, bool required, int lo,
                    int hi, cJSON *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t old = push_key(c, name);
    int rc = 0;
    if (!v && required)
        rc = fail(c, "is required (a whole number)");
    else if (v && (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)))
        rc = fail(c, "must be a whole number, got %s",
                  cJSON_IsNumber(v) ? "a fraction" : type_of(v));
    else if (v && (v->valuedouble < lo || v->valuedouble > hi))
        rc = fail(c, "must be between %d and %d, got %g", lo, hi, v->valuedouble);
    else if (v)
        cJSON_AddNumberToObject(out, name, v->valuedouble);
    pop(c, old);
    return rc;
}

/* A string or a number, kept as given (header facts, key figures, cells). */
static int copy_value(struct vctx *c, const cJSON *obj, const char *name, bool required, cJSON *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t old = push_key(c, name);
    int rc = 0;
    if (!v && required)
        rc = fail(c, "is required (a string or a number)");
    else if (v && !cJSON_IsString(v) && !cJSON_IsNumber(v))
        rc = fail(c, "must be a string or a number, got %s", type_of(v));
    else if (v)
        cJSON_AddItemToObject(out, name, cJSON_Duplicate(v, false));
    pop(c, old);
    return rc;
}

static int copy_choice(struct vctx *c, const cJSON *obj, const char *name,
                       const char *const *choices, const char *dflt, cJSON *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t old = push_key(c, name);
    int rc = 0;
    char known[120];
    join(choices, known, sizeof known);
    if (!v && !dflt)
        rc = fail(c, "is required (one of %s)", known);
    else if (v && !cJSON_IsString(v))
        rc = fail(c, "must be a string (one of %s), got %s", known, type_of(v));
    else if (v && !in_list(choices, v->valuestring))
        rc = fail(c, "must be one of %s, got '%s'", known, v->valuestring);
    else
        cJSON_AddStringToObject(out, name, v ? v->valuestring : dflt);
    pop(c, old);
    return rc;
}

/* ------------------------------------------------------------------ anchors and links */

static bool valid_anchor(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.' || *s == ':'))
            return false;
    return true;
}

/* An optional anchor id: unique in the document and safe in an HTML id and a URL fragment. */
static int copy_id(struct vctx *c, const cJSON *obj, cJSON *out)
{
    if (copy_string(c, obj, "id", false, out) != 0)
        return -1;
    const char *id = report_doc_str(out, "id");
    if (!id)
        return 0;
    size_t old = push_key(c, "id");
    int rc = 0;
    if (!valid_anchor(id))
        rc = fail(c,
                  "'%s' must start with a letter and use only letters, digits, '-', '_', '.' "
                  "and ':'",
                  id);
    else if (cJSON_GetObjectItemCaseSensitive(c->ids, id))
        rc = fail(c, "'%s' is used twice in the document", id);
    else
        cJSON_AddTrueToObject(c->ids, id);
    pop(c, old);
    return rc;
}

/* Links may only point inside the page; the target is checked once every id is known. */
static int check_href(struct vctx *c, const char *href)
{
    if (href[0] != '#' || !valid_anchor(href + 1))
        return fail(c,
                    "'%s' must be an in-page link such as '#patients' (reports never link "
                    "outside the page)",
                    href);
    cJSON *pair = cJSON_CreateArray();
    cJSON_AddItemToArray(pair, cJSON_CreateString(path_text(c)));
    cJSON_AddItemToArray(pair, cJSON_CreateString(href));
    cJSON_AddItemToArray(c->links, pair);
    return 0;
}

static int check_links(struct vctx *c)
{
    for (const cJSON *p = c->links->child; p; p = p->next) {
        const char *path = p->child->valuestring, *href = p->child->next->valuestring;
        if (!cJSON_GetObjectItemCaseSensitive(c->ids, href + 1)) {
            snprintf(c->err, c->errlen, "%s '%s' names no section or table id in the document",
                     path, href);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ lists of records */

typedef int (*item_fn)(struct vctx *c, const cJSON *item, cJSON *out, void *ud);

/* Validates the list field `name` item by item; absent lists become empty ones. */
static int copy_list(struct vctx *c, const cJSON *obj, const char *name, bool required, item_fn fn,
                     void *ud, cJSON *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t old = push_key(c, name);
    cJSON *arr = cJSON_AddArrayToObject(out, name);
    int rc = 0;
    if (!v && required)
        rc = fail(c, "is required (a list)");
    else if (v && !cJSON_IsArray(v))
        rc = fail(c, "must be a list, got %s",
                  cJSON_IsObject(v) ? "a table with named fields" : type_of(v));
    /* cJSON arrays are linked lists: walk them (indexing each item would make long tables
     * quadratic). */
    int i = 0;
    for (const cJSON *it = v ? v->child : NULL; rc == 0 && it; it = it->next, i++) {
        size_t o2 = push_index(c, i);
        rc = fn(c, it, arr, ud);
        if (rc == 0)
            pop(c, o2);
    }
    if (rc == 0)
        pop(c, old);
    return rc;
}

static int param_item(struct vctx *c, const cJSON *it, cJSON *arr, void *ud)
{
    (void)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (check_record(c, it, PARAM_FIELDS) != 0)
        return -1;
    return copy_string(c, it, "label", true, o) || copy_value(c, it, "value", true, o) ? -1 : 0;
}

static int figure_item(struct vctx *c, const cJSON *it, cJSON *arr, void *ud)
{
    (void)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (check_record(c, it, FIGURE_FIELDS) != 0 || copy_string(c, it, "label", true, o) ||
        copy_value(c, it, "value", true, o) || copy_string(c, it, "unit", false, o) ||
        copy_string(c, it, "note", false, o) || copy_string(c, it, "href", false, o))
        return -1;
    const char *href = report_doc_str(o, "href");
    if (!href)
        return 0;
    size_t old = push_key(c, "href");
    int rc = check_href(c, href);
    if (rc == 0)
        pop(c, old);
    return rc;
}

/* ------------------------------------------------------------------ tables */

static int column_item(struct vctx *c, const cJSON *it, cJSON *arr, void *ud)
{
    (void)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (check_record(c, it, COLUMN_FIELDS) != 0 || copy_string(c, it, "key", true, o) ||
        copy_string(c, it, "title", false, o) || copy_choice(c, it, "format", FORMATS, "text", o))
        return -1;
    if (!cJSON_GetObjectItemCaseSensitive(o, "title"))
        cJSON_AddStringToObject(o, "title", report_doc_str(o, "key"));
    const char *key = report_doc_str(o, "key");
    if (key[0] == '_' || key[0] == 0) {
        size_t old = push_key(c, "key");
        int rc = fail(c, "'%s' must not be empty or start with '_' (those keys are reserved)", key);
        pop(c, old);
        return rc;
    }
    for (const cJSON *prev = arr->child; prev != o; prev = prev->next)
        if (strcmp(report_doc_str(prev, "key"), key) == 0)
            return fail(c, "repeats the column key '%s'", key);
    return 0;
}

/* A row's `_href` maps column keys to in-page links. */
static int copy_row_links(struct vctx *c, const cJSON *row, const cJSON *columns, cJSON *out)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(row, "_href");
    if (!h)
        return 0;
    size_t old = push_key(c, "_href");
    if (!is_record(h))
        return fail(c, "must be a table of column key = '#anchor', got %s", type_of(h));
    cJSON *links = cJSON_AddObjectToObject(out, "_href");
    for (const cJSON *col = columns->child; col; col = col->next) {
        const char *key = report_doc_str(col, "key");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(h, key);
        if (!v)
            continue;
        size_t o2 = push_key(c, key);
        if (!cJSON_IsString(v))
            return fail(c, "must be a string, got %s", type_of(v));
        if (check_href(c, v->valuestring) != 0)
            return -1;
        cJSON_AddStringToObject(links, key, v->valuestring);
        pop(c, o2);
    }
    for (const cJSON *v = h->child; v; v = v->next)
        if (!cJSON_GetObjectItemCaseSensitive(links, v->string))
            return fail(c, "links '%s', which is not a column key", v->string);
    pop(c, old);
    return 0;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rows keep the columns' values first, in column order, then any other fields sorted by name,
 * so JSON output does not depend on the order Lua happens to iterate a table. */
static int row_item(struct vctx *c, const cJSON *row, cJSON *arr, void *ud)
{
    const cJSON *columns = ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (!is_record(row))
        return fail(c, "must be a table, got %s", type_of(row));
    for (const cJSON *v = row->child; v; v = v->next)
        if (v->string[0] != '_' && !cJSON_IsString(v) && !cJSON_IsNumber(v) && !cJSON_IsBool(v)) {
            push_key(c, v->string);
            return fail(c, "must be a string, a number or a boolean, got %s", type_of(v));
        }
    for (const cJSON *col = columns->child; col; col = col->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, report_doc_str(col, "key"));
        if (v)
            cJSON_AddItemToObject(o, v->string, cJSON_Duplicate(v, false));
    }
    size_t n = (size_t)cJSON_GetArraySize(row), k = 0;
    const char **extra = xcalloc(n ? n : 1, sizeof *extra);
    for (const cJSON *v = row->child; v; v = v->next)
        if (v->string[0] != '_' && !cJSON_GetObjectItemCaseSensitive(o, v->string))
            extra[k++] = v->string;
    qsort(extra, k, sizeof *extra, cmp_keys);
    for (size_t i = 0; i < k; i++)
        cJSON_AddItemToObject(
            o, extra[i], cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(row, extra[i]), false));
    free(extra);
    for (const cJSON *v = row->child; v; v = v->next)
        if (v->string[0] == '_' && strcmp(v->string, "_href") != 0)
            return fail(c,
                        "has an unknown field '%s' (fields starting with '_' are reserved; "
                        "'_href' links cells)",
                        v->string);
    return copy_row_links(c, row, columns, o);
}

static int table_block(struct vctx *c, const cJSON *b, cJSON *o)
{
    if (check_record(c, b, TABLE_FIELDS) != 0 || copy_id(c, b, o) ||
        copy_string(c, b, "title", false, o) || copy_bool(c, b, "main", o) ||
        copy_list(c, b, "columns", true, column_item, NULL, o))
        return -1;
    const cJSON *columns = cJSON_GetObjectItemCaseSensitive(o, "columns");
    if (cJSON_GetArraySize(columns) == 0) {
        push_key(c, "columns");
        return fail(c, "must name at least one column");
    }
    return copy_list(c, b, "rows", true, row_item, (void *)columns, o);
}

/* ------------------------------------------------------------------ charts */

static int point_item(struct vctx *c, const cJSON *it, cJSON *arr, void *ud)
{
    (void)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (check_record(c, it, POINT_FIELDS) != 0)
        return -1;
    return copy_string(c, it, "label", true, o) || copy_number(c, it, "value", true, o) ? -1 : 0;
}

static int phase_item(struct vctx *c, const cJSON *it, cJSON *arr, void *ud)
{
    int n = *(const int *)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (check_record(c, it, PHASE_FIELDS) != 0 ||
        copy_int(c, it, "start", true, 2, n > 2 ? n : 2, o) ||
        copy_string(c, it, "label", false, o) || copy_int(c, it, "baseline", false, 1, n, o))
        return -1;
    const cJSON *prev = o->prev != o ? o->prev : NULL;
    double start = cJSON_GetObjectItemCaseSensitive(o, "start")->valuedouble;
    if (prev && cJSON_GetObjectItemCaseSensitive(prev, "start")->valuedouble >= start)
        return fail(c, "must start after the phase before it");
    return 0;
}

static int note_item(struct vctx *c, const cJSON *it, cJSON *arr, void *ud)
{
    int n = *(const int *)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (check_record(c, it, NOTE_FIELDS) != 0)
        return -1;
    return copy_int(c, it, "at", true, 1, n, o) || copy_string(c, it, "text", true, o) ? -1 : 0;
}

static int chart_block(struct vctx *c, const cJSON *b, cJSON *o)
{
    if (check_record(c, b, CHART_FIELDS) != 0 || copy_choice(c, b, "kind", KINDS, NULL, o) ||
        copy_string(c, b, "title", false, o) || copy_choice(c, b, "unit", UNITS, "number", o) ||
        copy_list(c, b, "points", true, point_item, NULL, o))
        return -1;
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "points"));
    bool run = strcmp(report_doc_str(o, "kind"), "run") == 0;
    if (!run) {
        const char *only[] = {"baseline", "phases"};
        for (size_t i = 0; i < ARRAY_LEN(only); i++)
            if (cJSON_GetObjectItemCaseSensitive(b, only[i])) {
                push_key(c, only[i]);
                return fail(c, "only applies to run charts (kind = \"run\")");
            }
    }
    if (run && (copy_int(c, b, "baseline", false, 1, n > 1 ? n : 1, o) ||
                copy_list(c, b, "phases", false, phase_item, &n, o)))
        return -1;
    if (copy_list(c, b, "annotations", false, note_item, &n, o) ||
        copy_number(c, b, "goal", false, o) || copy_string(c, b, "goal_label", false, o))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ text, lists, sections */

static int text_block(struct vctx *c, const cJSON *b, cJSON *o)
{
    if (check_record(c, b, TEXT_FIELDS) != 0)
        return -1;
    return copy_string(c, b, "text", true, o);
}

static int string_item(struct vctx *c, const cJSON *it, cJSON *arr, void *ud)
{
    (void)ud;
    if (!cJSON_IsString(it) && !cJSON_IsNumber(it))
        return fail(c, "must be a string, got %s", type_of(it));
    cJSON_AddItemToArray(arr, cJSON_Duplicate(it, false));
    return 0;
}

static int list_block(struct vctx *c, const cJSON *b, cJSON *o)
{
    if (check_record(c, b, LIST_FIELDS) != 0)
        return -1;
    return copy_list(c, b, "items", true, string_item, NULL, o);
}

static int block_item(struct vctx *c, const cJSON *b, cJSON *arr, void *ud)
{
    (void)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (!is_record(b))
        return fail(c, "must be a table, got %s", type_of(b));
    if (copy_choice(c, b, "type", BLOCK_TYPES, NULL, o) != 0)
        return -1;
    const char *type = report_doc_str(o, "type");
    if (strcmp(type, "table") == 0)
        return table_block(c, b, o);
    if (strcmp(type, "chart") == 0)
        return chart_block(c, b, o);
    if (strcmp(type, "text") == 0)
        return text_block(c, b, o);
    return list_block(c, b, o);
}

static int section_item(struct vctx *c, const cJSON *s, cJSON *arr, void *ud)
{
    (void)ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    if (check_record(c, s, SECTION_FIELDS) != 0 || copy_id(c, s, o) ||
        copy_string(c, s, "title", true, o) || copy_string(c, s, "text", false, o) ||
        copy_bool(c, s, "page_break", o))
        return -1;
    return copy_list(c, s, "blocks", false, block_item, NULL, o);
}

cJSON *report_doc_normalize(const cJSON *raw, char *err, size_t errlen)
{
    struct vctx c = {.err = err, .errlen = errlen, .len = 0};
    c.ids = cJSON_CreateObject();
    c.links = cJSON_CreateArray();
    cJSON *doc = cJSON_CreateObject();
    int rc = -1;
    if (!raw || !is_record(raw))
        fail(&c, "must be a table (the report's run function returned %s)",
             raw ? type_of(raw) : "nothing");
    else if (check_record(&c, raw, DOC_FIELDS) == 0 &&
             copy_string(&c, raw, "title", true, doc) == 0 &&
             copy_string(&c, raw, "subtitle", false, doc) == 0 &&
             copy_list(&c, raw, "params", false, param_item, NULL, doc) == 0 &&
             copy_list(&c, raw, "figures", false, figure_item, NULL, doc) == 0 &&
             copy_list(&c, raw, "sections", false, section_item, NULL, doc) == 0)
        rc = check_links(&c);
    cJSON_Delete(c.ids);
    cJSON_Delete(c.links);
    if (rc != 0) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* ------------------------------------------------------------------ accessors */

const char *report_doc_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool report_doc_bool(const cJSON *obj, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

const cJSON *report_doc_main_table(const cJSON *doc)
{
    const cJSON *first = NULL;
    const cJSON *sections = cJSON_GetObjectItemCaseSensitive(doc, "sections");
    for (const cJSON *s = sections ? sections->child : NULL; s; s = s->next) {
        const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(s, "blocks");
        for (const cJSON *b = blocks ? blocks->child : NULL; b; b = b->next) {
            if (strcmp(report_doc_str(b, "type"), "table") != 0)
                continue;
            if (report_doc_bool(b, "main"))
                return b;
            if (!first)
                first = b;
        }
    }
    return first;
}
