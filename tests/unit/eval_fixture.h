/* Shared set-up for the evaluation unit tests: a registry of four patients in a temporary
 * store, the MED tables from the source tree's config/, and the engine with the default rules,
 * all without a Lua host. */
#ifndef SIXBB_TEST_EVAL_FIXTURE_H
#define SIXBB_TEST_EVAL_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval.h"
#include "med.h"
#include "store.h"
#include "util.h"

struct world {
    char dir[64], *path;
    struct store *s;
    struct med_db *db;
    struct med_standard *std;
    struct eval_engine *en;
};

static void sql(struct store *s, const char *q)
{
    char err[512];
    if (store_exec(s, q, err, sizeof err) != 0)
        fail_msg("%s: %s", q, err);
}

/* The rules of config/defaults.lua, written out. */
static void default_rules(struct rules *r)
{
    memset(r, 0, sizeof *r);
    r->ltot_rule = 0; /* seed */
    r->seed_window = 90;
    r->seed_min_fills = 2;
    r->seed_min_span = 28;
    r->cdc_windows = 3;
    r->cdc_window_days = 30;
    r->cdc_min_days = 21;
    r->bree_window = r->kpwa_window = 90;
    r->bree_min = 60;
    r->kpwa_min = 70;
    r->exclusions = true;
    r->cancer_days = r->palliative_days = 365;
    r->high_med = 90;
    r->high_benzo_days = 30;
    r->high_overdose_days = 365;
    r->high_ort = 8;
    r->mod_med = 50;
    r->mod_ort = 4;
    r->mod_phq9 = 10;
    r->interval[0] = 90;
    r->interval[1] = 182;
    r->interval[2] = 365;
    r->missing_supply_days = 30;
    code_set_add(&r->label, "Z79.891");
    code_set_add(&r->oud, "F11.1");
    code_set_add(&r->cancer, "C00-C96");
    code_set_add(&r->sickle, "D57");
    code_set_add(&r->palliative, "Z51.5");
}

static void fill(struct store *s, const char *rx, const char *patient, const char *date,
                 const char *drug, int qty, int days)
{
    char *q = xasprintf("INSERT INTO prescriptions(rx_id, patient_id, fill_date, drug, quantity, "
                        "days_supply) VALUES ('%s','%s','%s','%s',%d,%d)",
                        rx, patient, date, drug, qty, days);
    sql(s, q);
    free(q);
}

#define OXY "oxycodone 10 mg tablet"

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/sixbb-eval-XXXXXX");
    assert_non_null(mkdtemp(w->dir));
    w->path = xasprintf("%s/sixbb.db", w->dir);
    char err[512] = "";
    w->s = store_open(w->path, STORE_CREATE, err, sizeof err);
    if (!w->s)
        fail_msg("store_open: %s", err);
    sql(w->s, "INSERT INTO sites(site_id, name) VALUES ('S1','One'),('S2','Two');"
              "INSERT INTO clinicians(clinician_id, site_id, name) VALUES ('C1','S1','Dr One');"
              "INSERT INTO patients(patient_id, site_id, clinician_id, birth_date, sex) VALUES "
              "('P1','S1','C1','1960-01-01','F'),('P2','S1',NULL,'1970-01-01','M'),"
              "('P3','S1','C1','1980-01-01','F'),('P4','S2',NULL,'1950-01-01','M');"
              "INSERT INTO diagnoses(patient_id, code, date) VALUES ('P4','C50.9','2026-01-01');");
    /* P1: three monthly fills (LtOT by the seed rule), 60 MED. */
    fill(w->s, "R1", "P1", "2026-04-15", OXY, 120, 30);
    fill(w->s, "R2", "P1", "2026-05-15", OXY, 120, 30);
    fill(w->s, "R3", "P1", "2026-06-14", OXY, 120, 30);
    /* P2: one fill, not LtOT. */
    fill(w->s, "R4", "P2", "2026-06-20", OXY, 120, 30);
    /* P3: LtOT, and a benzodiazepine from 06-10 alongside the fill of 06-01. */
    fill(w->s, "R5", "P3", "2026-05-01", OXY, 120, 30);
    fill(w->s, "R6", "P3", "2026-06-01", OXY, 120, 30);
    fill(w->s, "R7", "P3", "2026-06-10", "alprazolam 1 mg tablet", 30, 30);
    /* P4: would be LtOT, but excluded by an active cancer diagnosis. */
    fill(w->s, "R8", "P4", "2026-05-01", OXY, 120, 30);
    fill(w->s, "R9", "P4", "2026-06-01", OXY, 120, 30);
    const char *src = getenv("SIXBB_SOURCE");
    char *config = xasprintf("%s/config", src && *src ? src : SIXBB_SOURCE_DIR);
    w->db = med_db_open(config, err, sizeof err);
    if (w->db)
        w->std = med_standard_load_named(config, "cdc2022", err, sizeof err);
    free(config);
    if (!w->db || !w->std)
        fail_msg("MED tables: %s", err);
    struct rules r;
    default_rules(&r);
    w->en = eval_engine_new(w->s, w->db, w->std, &r);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    eval_engine_free(w->en);
    med_standard_free(w->std);
    med_db_free(w->db);
    store_close(w->s);
    unlink(w->path);
    char *wal = xasprintf("%s-wal", w->path), *shm = xasprintf("%s-shm", w->path);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    rmdir(w->dir);
    free(w->path);
    free(w);
    return 0;
}

static day_t day(const char *s)
{
    day_t d;
    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

#endif
