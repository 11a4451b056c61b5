/* What `sixbb import` and `sixbb record` print for people: the counts per kind, the
 * data-quality flags with example ids, and the progress line drawn while a large import runs. */
#include <stdio.h>

#include "commands.h"
#include "import.h"

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

void import_draw_progress(void *ud, long rows, double rows_per_second, bool final)
{
    (void)ud;
    fprintf(stderr, "\r\033[Kimport: %ld rows, %.0f rows/s", rows, rows_per_second);
    if (final)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}
