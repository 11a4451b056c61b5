/* libFuzzer target for the free-text product reader and the dose/frequency readers: any bytes
 * must give a resolution with a reason, never a crash, a read out of bounds or a leak. The
 * brand names are loaded once so the fuzzer explores the same vocabulary as the command. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med.h"

static struct med_db *db;
static struct med_standard *std;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[512];
    const char *src = getenv("SIXBB_SOURCE");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/config", src && *src ? src : SIXBB_SOURCE_DIR);
    char *brands = malloc(strlen(dir) + 32);
    sprintf(brands, "%s/products/brands.csv", dir);
    db = med_db_new();
    if (med_db_add_products_csv(db, brands, err, sizeof err) < 0 ||
        !(std = med_standard_load_named(dir, "cdc-analytic-2018", err, sizeof err))) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    free(brands);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    struct med_input in = med_input_empty();
    in.drug = text;
    /* The same bytes also serve as dose and frequency text. */
    in.dose = text;
    in.doses_per_day = text;
    in.quantity = 30;
    in.days_supply = 30;
    struct med_product p;
    char why[MED_ERROR_MAX];
    enum med_resolution r = med_resolve(db, &in, &p, why, sizeof why);
    if (r != MED_RESOLVED && !why[0])
        abort(); /* every failure must say why */
    struct med_result res;
    med_compute(db, std, &in, &res);
    if (res.status == MED_OK && !(res.med >= 0 && isfinite(res.med)))
        abort();
    char buf[512];
    med_result_arithmetic(&res, buf, sizeof buf);
    free(text);
    return 0;
}
