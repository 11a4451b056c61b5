/* What an import reports, as one JSON object for scripts: counts per kind, data-quality flags
 * with example ids, and the first errors. The text for people is the CLI's
 * (cli/import_summary.c). */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "import.h"
#include "json.h"


static cJSON *dq_json(const struct import_counts *c)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < c->ndq; i++) {
        const struct import_dq *d = &c->dq[i];
        cJSON *f = cJSON_AddObjectToObject(o, d->name);
        cJSON_AddNumberToObject(f, "count", (double)d->count);
        cJSON *ex = cJSON_AddArrayToObject(f, "examples");
        for (int e = 0; e < d->nexamples; e++)
            cJSON_AddItemToArray(ex, cJSON_CreateString(d->examples[e]));
    }
    return o;
}

cJSON *import_summary_json(const struct importer *imp, bool dry_run)
{
    cJSON *root = cJSON_CreateObject();
    long nerr = importer_error_count(imp);
    cJSON_AddBoolToObject(root, "ok", nerr == 0);
    cJSON_AddBoolToObject(root, "dry_run", dry_run);
    cJSON_AddBoolToObject(root, "written", nerr == 0 && !dry_run);
    cJSON_AddNumberToObject(root, "rows", (double)importer_rows(imp));
    cJSON *kinds = cJSON_AddObjectToObject(root, "kinds");
    for (int k = 0; k < KIND_COUNT; k++) {
        if (!importer_used(imp, (enum import_kind)k))
            continue;
        const struct import_counts *c = importer_counts(imp, (enum import_kind)k);
        cJSON *o = cJSON_AddObjectToObject(kinds, import_kind_name((enum import_kind)k));
        cJSON_AddNumberToObject(o, "inserted", (double)c->inserted);
        cJSON_AddNumberToObject(o, "updated", (double)c->updated);
        cJSON_AddNumberToObject(o, "unchanged", (double)c->unchanged);
        cJSON_AddNumberToObject(o, "rejected", (double)c->rejected);
        cJSON_AddItemToObject(o, "dq_flags", dq_json(c));
    }
    cJSON_AddNumberToObject(root, "error_count", (double)nerr);
    const char *const *msgs;
    size_t n = importer_errors(imp, &msgs);
    cJSON *errs = cJSON_AddArrayToObject(root, "errors");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(errs, cJSON_CreateString(msgs[i]));
    return root;
}
