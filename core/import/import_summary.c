/* What an import reports: counts per kind, data-quality flags with example ids, and the first
 * errors, as text for people and as one JSON object for scripts. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "import.h"
#include "json.h"

void import_print_summary(const struct importer *imp, bool dry_run)
{
    printf("%-14s %9s %9s %9s %9s\n", "kind", "inserted", "updated", "unchanged", "rejected");
    for (int k = 0; k < KIND_COUNT; k++) {
        if (!importer_used(imp, (enum import_kind)k))
            continue;
        const struct import_counts *c = importer_counts(imp, (enum import_kind)k);
        printf("%-14s %9ld %9ld %9ld %9ld\n", import_kind_name((enum import_kind)k), c->inserted,
               c->updated, c->unchanged, c->rejected);
    }
    bool header = false;
    for (int k = 0; k < KIND_COUNT; k++) {
        const struct import_counts *c = importer_counts(imp, (enum import_kind)k);
        for (int i = 0; i < c->ndq; i++) {
            if (!header)
                printf("\nData-quality flags (rows kept and flagged):\n");
            header = true;
            const struct import_dq *d = &c->dq[i];
            printf("  %-14s %-28s %8ld  e.g.", import_kind_name((enum import_kind)k), d->name,
                   d->count);
            for (int e = 0; e < d->nexamples; e++)
                printf("%s %s", e ? "," : "", d->examples[e]);
            printf("\n");
        }
    }
    if (dry_run)
        printf("\nDry run: nothing was written.\n");
}

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
