/* Benchmark of the MED engine beside the same work done by plain SQL in SQLite:
 *  1. MED of 1,000,000 resolved fills (engine: med_calc per fill; SQL: one sum() query);
 *  2. timelines of 100,000 synthetic patients over two years (engine: chaining, current MED,
 *     90-day maximum, yearly average, days covered, benzodiazepine overlap; SQL: the current MED
 *     of every patient in one GROUP BY query, without chaining).
 * The cdc-analytic-2018 standard is used because its every factor is a plain multiplier, so the
 * SQL formula quantity / days_supply * strength * factor gives the same total.
 * Output: one "key value" line per measure, read by tests/bench/med.sh. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "med.h"
#include "util.h"

#define FILLS 1000000
#define PATIENTS 100000
#define HISTORY_DAYS 730

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static const char *const opioid_products[] = {
    "oxycodone 5 mg tablet",   "oxycodone 10 mg tablet",     "OxyContin 20 mg",
    "Percocet 5/325",          "Norco 10/325",               "hydrocodone-acetaminophen 5-325 mg",
    "morphine ER 15 mg",       "MS Contin 30 mg",            "tramadol 50 mg tablet",
    "tapentadol 50 mg tablet", "hydromorphone 2 mg tablet",  "methadone 10 mg tablet",
    "fentanyl 25 mcg/hr patch", "fentanyl 50 mcg/hr patch",  "codeine 30 mg tablet",
    "Tylenol #3",              "oxycodone 5 mg/5 mL solution", "oxymorphone 10 mg tablet",
};
#define N_OPIOID (sizeof opioid_products / sizeof *opioid_products)

struct product {
    struct med_product p;
    double factor;
};

static void resolve_all(const struct med_db *db, const struct med_standard *std,
                        struct product *out)
{
    for (size_t i = 0; i < N_OPIOID; i++) {
        struct med_input in = med_input_empty();
        in.drug = opioid_products[i];
        char why[MED_ERROR_MAX];
        if (med_resolve(db, &in, &out[i].p, why, sizeof why) != MED_RESOLVED) {
            fprintf(stderr, "%s: %s\n", opioid_products[i], why);
            exit(1);
        }
        struct med_factor f = med_standard_factor(std, out[i].p.ingredient,
                                                  med_form_route(out[i].p.form), out[i].p.unit);
        out[i].factor = f.factor;
    }
}

struct fill_row {
    int patient;
    day_t date;
    int days;
    double qty;
    int product; /* index into opioid products, or -1 for a benzodiazepine */
};

static void sqlite_load(sqlite3 *db, const struct fill_row *rows, size_t n,
                        const struct product *prod, const double *med)
{
    sqlite3_exec(db,
                 "CREATE TABLE fills(patient INTEGER, fill_date INTEGER, days_supply INTEGER,"
                 " quantity REAL, strength REAL, factor REAL, med REAL)",
                 NULL, NULL, NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO fills VALUES(?,?,?,?,?,?,?)", -1, &st, NULL);
    for (size_t i = 0; i < n; i++) {
        const struct fill_row *r = &rows[i];
        sqlite3_bind_int(st, 1, r->patient);
        sqlite3_bind_int(st, 2, r->date);
        sqlite3_bind_int(st, 3, r->days);
        sqlite3_bind_double(st, 4, r->qty);
        sqlite3_bind_double(st, 5, r->product >= 0 ? prod[r->product].p.strength : 0);
        sqlite3_bind_double(st, 6, r->product >= 0 ? prod[r->product].factor : 0);
        sqlite3_bind_double(st, 7, med ? med[i] : 0);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

static double sql_double(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    double v = NAN;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* ---------------------------------------------------------------- part 1 */

static void bench_fills(const struct med_standard *std, const struct product *prod)
{
    struct fill_row *rows = xmalloc(FILLS * sizeof *rows);
    for (size_t i = 0; i < FILLS; i++)
        rows[i] = (struct fill_row){(int)(i / 10), 19000 + (day_t)rnd(730), 7 + (int)rnd(24),
                                    (double)(10 + rnd(230)), (int)rnd(N_OPIOID)};
    double t0 = now(), total = 0;
    struct med_result r;
    for (size_t i = 0; i < FILLS; i++) {
        struct med_dosing d = {rows[i].qty, rows[i].days, NAN, NAN, false, false, false};
        med_calc(std, &prod[rows[i].product].p, &d, &r);
        total += r.med;
    }
    double engine = now() - t0;
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    t0 = now();
    sqlite_load(db, rows, FILLS, prod, NULL);
    double load = now() - t0;
    t0 = now();
    double sql_total =
        sql_double(db, "SELECT sum(quantity * 1.0 / days_supply * strength * factor) FROM fills");
    double sql = now() - t0;
    sqlite3_close(db);
    printf("fills %d\n", FILLS);
    printf("fills_engine_seconds %.6f\n", engine);
    printf("fills_per_second %.0f\n", FILLS / engine);
    printf("fills_sqlite_query_seconds %.6f\n", sql);
    printf("fills_sqlite_load_seconds %.6f\n", load);
    printf("fills_sqlite_over_engine %.2f\n", sql / engine);
    printf("fills_totals_agree %d\n", fabs(total - sql_total) <= 1e-9 * fabs(total));
    free(rows);
}

/* ---------------------------------------------------------------- part 2 */

/* Two years of one patient: one to three opioid products refilled about monthly (sometimes
 * early), and for a quarter of patients a benzodiazepine now and then. */
static size_t make_patient(int patient, struct fill_row *out)
{
    size_t n = 0;
    int products = 1 + (int)rnd(3); /* at most 3 × 60 + 6 fills: fits the 256-fill buffer */
    for (int k = 0; k < products; k++) {
        int prod = (int)rnd(N_OPIOID);
        day_t d = 19000 + (day_t)rnd(60);
        while (d < 19000 + HISTORY_DAYS) {
            int days = rnd(4) ? 30 : 14;
            out[n++] = (struct fill_row){patient, d, days, (double)(days * (1 + rnd(4))), prod};
            d += days - (rnd(5) == 0 ? (day_t)rnd(7) : 0) + (day_t)rnd(10);
        }
    }
    if (rnd(4) == 0)
        for (int k = 0; k < 6; k++)
            out[n++] = (struct fill_row){patient, 19000 + (day_t)rnd(HISTORY_DAYS), 30, 30, -1};
    return n;
}

static void bench_timelines(const struct med_standard *std, const struct product *prod,
                            const struct med_product *benzo)
{
    size_t cap = (size_t)PATIENTS * 256;
    struct fill_row *rows = xmalloc(cap * sizeof *rows);
    size_t *start = xmalloc((PATIENTS + 1) * sizeof *start);
    size_t n = 0;
    for (int p = 0; p < PATIENTS; p++) {
        start[p] = n;
        n += make_patient(p, rows + n);
    }
    start[PATIENTS] = n;
    double *med = xmalloc(n * sizeof *med);
    day_t as_of = 19000 + HISTORY_DAYS - 1;
    struct med_result r;
    /* The per-fill MED column for SQLite, outside any timing. */
    for (size_t i = 0; i < n; i++) {
        struct med_dosing d = {rows[i].qty, rows[i].days, NAN, NAN, false, false, false};
        med_calc(std, rows[i].product >= 0 ? &prod[rows[i].product].p : benzo, &d, &r);
        med[i] = r.status == MED_OK ? r.med : 0;
    }

    /* The evaluation loop: per patient, MED of each fill into a reused buffer, then the
     * timeline and its queries. */
    struct med_fill fills[256];
    struct med_timeline *tl = med_timeline_new(NULL);
    double current = 0, sink = 0, calc = 0, timelines = 0;
    long covered = 0, overlap = 0;
    for (int p = 0; p < PATIENTS; p++) {
        double t0 = now();
        size_t k = 0;
        for (size_t i = start[p]; i < start[p + 1]; i++, k++) {
            struct med_dosing d = {rows[i].qty, rows[i].days, NAN, NAN, false, false, false};
            med_calc(std, rows[i].product >= 0 ? &prod[rows[i].product].p : benzo, &d, &r);
            med_fill_from_result(&fills[k], rows[i].date, rows[i].days, &r);
        }
        double t1 = now();
        med_timeline_build(tl, std, fills, k);
        current += med_timeline_med_at(tl, as_of);
        sink += med_timeline_max(tl, as_of - 89, as_of) + med_timeline_avg(tl, as_of - 364, as_of);
        covered += med_timeline_days_covered(tl, as_of - 89, as_of);
        overlap += med_timeline_overlap_days(tl, as_of - 29, as_of);
        double t2 = now();
        calc += t1 - t0;
        timelines += t2 - t1;
    }
    med_timeline_free(tl);

    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    sqlite_load(db, rows, n, prod, med);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT sum(m) FROM (SELECT patient, sum(med) AS m FROM fills WHERE fill_date <= %d"
             " AND fill_date + days_supply > %d GROUP BY patient)",
             as_of, as_of);
    double t0 = now();
    double sql_current = sql_double(db, sql);
    double sqlt = now() - t0;
    sqlite3_close(db);

    printf("patients %d\n", PATIENTS);
    printf("patient_fills %zu\n", n);
    printf("timelines_seconds %.6f\n", timelines);
    printf("timelines_with_calc_seconds %.6f\n", timelines + calc);
    printf("timelines_sqlite_current_med_seconds %.6f\n", sqlt);
    printf("timelines_sqlite_over_engine %.2f\n", sqlt / timelines);
    printf("current_med_engine_chained %.1f\n", current);
    printf("current_med_sqlite_unchained %.1f\n", sql_current);
    printf("checksum %.1f %ld %ld\n", sink, covered, overlap);
    free(rows);
    free(start);
    free(med);
}

int main(void)
{
    const char *src = getenv("SIXBB_SOURCE");
    char config[4096], err[512];
    snprintf(config, sizeof config, "%s/config", src && *src ? src : SIXBB_SOURCE_DIR);
    struct med_db *db = med_db_open(config, err, sizeof err);
    struct med_standard *std =
        db ? med_standard_load_named(config, "cdc-analytic-2018", err, sizeof err) : NULL;
    if (!db || !std) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct product prod[N_OPIOID];
    resolve_all(db, std, prod);
    struct med_input in = med_input_empty();
    in.drug = "alprazolam 1 mg tablet";
    struct med_product benzo;
    char why[MED_ERROR_MAX];
    med_resolve(db, &in, &benzo, why, sizeof why);
    bench_fills(std, prod);
    bench_timelines(std, prod, &benzo);
    med_standard_free(std);
    med_db_free(db);
    return 0;
}
