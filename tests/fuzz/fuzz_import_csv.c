/* Fuzzes the CSV reader and every kind's checks together, without a database: the first byte
 * picks the kind, the rest is the file. Any input must end in a clean import or in errors, never
 * a crash, a leak or undefined behaviour. Run with scripts/fuzz.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "import.h"
#include "med.h"
#include "util.h"

static struct med_db *db;
static struct med_standard *std;

/* The tables take milliseconds to load: once per process, not once per input. */
static void load_tables(void)
{
    const char *src = getenv("SIXBB_SOURCE");
    char *config = xasprintf("%s/config", src ? src : ".");
    char err[512];
    db = med_db_open(config, err, sizeof err);
    std = db ? med_standard_load_named(config, "cdc2022", err, sizeof err) : NULL;
    free(config);
    if (!db || !std) {
        fprintf(stderr, "fuzz_import_csv: %s (set SIXBB_SOURCE)\n", err);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        load_tables();
    if (size < 1)
        return 0;
    struct import_options o = {0};
    o.as_of = date_from_ymd(2025, 6, 30);
    o.med_db = db;
    o.med_std = std;
    struct importer *imp = importer_new(NULL, &o);
    importer_begin(imp);
    importer_file(imp, (enum import_kind)(data[0] % KIND_COUNT), "fuzz.csv",
                  (const char *)data + 1, size - 1);
    importer_finish(imp);
    importer_free(imp);
    return 0;
}
