/* Shared set-up for the MED unit tests: the product database and the three published standards,
 * loaded once per test program from the source tree's config/ (SIXBB_SOURCE, set by ctest). */
#ifndef SIXBB_TEST_MED_FIXTURE_H
#define SIXBB_TEST_MED_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med.h"
#include "util.h"

struct fixture {
    char config[4096];
    struct med_db *db;
    struct med_standard *cdc2022, *cdc2016, *analytic;
};

static struct fixture fx;

static int fixture_setup(void **state)
{
    (void)state;
    const char *src = getenv("SIXBB_SOURCE");
    snprintf(fx.config, sizeof fx.config, "%s/config", src && *src ? src : SIXBB_SOURCE_DIR);
    char err[512];
    fx.db = med_db_open(fx.config, err, sizeof err);
    if (!fx.db) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    fx.cdc2022 = med_standard_load_named(fx.config, "cdc2022", err, sizeof err);
    fx.cdc2016 = med_standard_load_named(fx.config, "cdc2016", err, sizeof err);
    fx.analytic = med_standard_load_named(fx.config, "cdc-analytic-2018", err, sizeof err);
    if (!fx.cdc2022 || !fx.cdc2016 || !fx.analytic) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int fixture_teardown(void **state)
{
    (void)state;
    med_standard_free(fx.cdc2022);
    med_standard_free(fx.cdc2016);
    med_standard_free(fx.analytic);
    med_db_free(fx.db);
    return 0;
}

/* A prescription in one call: NAN / NULL for what is not given. */
static inline struct med_input rx(const char *drug, double qty, double days, const char *dose,
                           const char *per_day)
{
    struct med_input in = med_input_empty();
    in.drug = drug;
    in.quantity = qty;
    in.days_supply = days;
    in.dose = dose;
    in.doses_per_day = per_day;
    return in;
}

static inline struct med_result compute(const struct med_standard *s, struct med_input in)
{
    struct med_result r;
    med_compute(fx.db, s, &in, &r);
    return r;
}

static inline bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1.0);
}

#endif
