/* The import's statements. Each table's canonical columns are the leading columns of its rows,
 * in the import's order, so value i of a row is bound as ?i+1 everywhere. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_import.h"
#include "util.h"

/* New rows go BATCH_ROWS to one multi-row INSERT: SQLite's cost per statement (cursors opened
 * on the table and its indexes, then closed) is then paid once per batch instead of once per
 * row, which roughly halves the time of a large first import. */
#define BATCH_ROWS 32

struct table_sql {
    struct store_import_shape shape;
    const char *insert, *update, *keys, *export, *by_key;
};

#define RX_MED_COLS                                                                                \
    "class, ingredient, product_key, daily_dose, dose_unit, factor, med, long_acting, "            \
    "dq_flags, resolve_error"
#define RX_COLS                                                                                    \
    "rx_id, patient_id, fill_date, drug, quantity, days_supply, clinician_id, ndc, rxnorm, "       \
    "strength, strength_unit, form, dose, doses_per_day, prn, written_date, pharmacy_id, source"

static const struct table_sql tables[STORE_IMPORT_TABLES] = {
    [STORE_SITES] = {{1, 3, 3},
                     "INSERT INTO sites(site_id, name, timezone) VALUES (?1,?2,?3)",
                     "UPDATE sites SET name=?2, timezone=?3 WHERE site_id=?1 AND "
                     "(name IS NOT ?2 OR timezone IS NOT ?3)",
                     "SELECT site_id FROM sites",
                     "SELECT site_id, name, timezone FROM sites ORDER BY site_id",
                     "SELECT site_id, name, timezone FROM sites WHERE site_id = ?1"},
    [STORE_CLINICIANS] =
        {{1, 7, 7},
         "INSERT INTO clinicians(clinician_id, site_id, name, role, npi, pdmp_registered, "
         "delegate_of) VALUES (?1,?2,?3,?4,?5,?6,?7)",
         "UPDATE clinicians SET site_id=?2, name=?3, role=?4, npi=?5, pdmp_registered=?6, "
         "delegate_of=?7 WHERE clinician_id=?1 AND (site_id IS NOT ?2 OR name IS NOT ?3 OR "
         "role IS NOT ?4 OR npi IS NOT ?5 OR pdmp_registered IS NOT ?6 OR delegate_of IS NOT ?7)",
         "SELECT clinician_id FROM clinicians",
         "SELECT clinician_id, site_id, name, role, npi, pdmp_registered, delegate_of "
         "FROM clinicians ORDER BY clinician_id",
         "SELECT clinician_id, site_id, name, role, npi, pdmp_registered, delegate_of "
         "FROM clinicians WHERE clinician_id = ?1"},
    [STORE_PATIENTS] =
        {{1, 7, 7},
         "INSERT INTO patients(patient_id, site_id, clinician_id, birth_date, sex, name, status) "
         "VALUES (?1,?2,?3,?4,?5,?6,?7)",
         "UPDATE patients SET site_id=?2, clinician_id=?3, birth_date=?4, sex=?5, name=?6, "
         "status=?7 WHERE patient_id=?1 AND (site_id IS NOT ?2 OR clinician_id IS NOT ?3 OR "
         "birth_date IS NOT ?4 OR sex IS NOT ?5 OR name IS NOT ?6 OR status IS NOT ?7)",
         "SELECT patient_id FROM patients",
         "SELECT patient_id, site_id, clinician_id, birth_date, sex, name, status FROM patients "
         "ORDER BY patient_id",
         "SELECT patient_id, site_id, clinician_id, birth_date, sex, name, status FROM patients "
         "WHERE patient_id = ?1"},
    [STORE_PRESCRIPTIONS] =
        {{1, 28, 18},
         "INSERT INTO prescriptions(" RX_COLS ", " RX_MED_COLS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
         "?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28)",
         "UPDATE prescriptions SET patient_id=?2, fill_date=?3, drug=?4, quantity=?5, "
         "days_supply=?6, clinician_id=?7, ndc=?8, rxnorm=?9, strength=?10, strength_unit=?11, "
         "form=?12, dose=?13, doses_per_day=?14, prn=?15, written_date=?16, pharmacy_id=?17, "
         "source=?18, class=?19, ingredient=?20, product_key=?21, daily_dose=?22, dose_unit=?23, "
         "factor=?24, med=?25, long_acting=?26, dq_flags=?27, resolve_error=?28 "
         "WHERE rx_id=?1 AND (patient_id IS NOT ?2 OR fill_date IS NOT ?3 OR drug IS NOT ?4 OR "
         "quantity IS NOT ?5 OR days_supply IS NOT ?6 OR clinician_id IS NOT ?7 OR ndc IS NOT ?8 "
         "OR rxnorm IS NOT ?9 OR strength IS NOT ?10 OR strength_unit IS NOT ?11 OR form IS NOT "
         "?12 OR dose IS NOT ?13 OR doses_per_day IS NOT ?14 OR prn IS NOT ?15 OR written_date "
         "IS NOT ?16 OR pharmacy_id IS NOT ?17 OR source IS NOT ?18 OR class IS NOT ?19 OR "
         "ingredient IS NOT ?20 OR product_key IS NOT ?21 OR daily_dose IS NOT ?22 OR dose_unit "
         "IS NOT ?23 OR factor IS NOT ?24 OR med IS NOT ?25 OR long_acting IS NOT ?26 OR "
         "dq_flags IS NOT ?27 OR resolve_error IS NOT ?28)",
         "SELECT rx_id FROM prescriptions",
         "SELECT " RX_COLS " FROM prescriptions ORDER BY rx_id",
         "SELECT " RX_COLS " FROM prescriptions WHERE rx_id = ?1"},
    [STORE_EVENTS] =
        {{3, 6, 6},
         "INSERT INTO events(patient_id, type, date, result, clinician_id, note) "
         "VALUES (?1,?2,?3,?4,?5,?6)",
         "UPDATE events SET result=?4, clinician_id=?5, note=?6 WHERE patient_id=?1 AND type=?2 "
         "AND date=?3 AND (result IS NOT ?4 OR clinician_id IS NOT ?5 OR note IS NOT ?6)",
         "SELECT patient_id, type, date FROM events",
         "SELECT patient_id, type, date, result, clinician_id, note FROM events "
         "ORDER BY patient_id, date, type",
         "SELECT patient_id, type, date, result, clinician_id, note FROM events "
         "WHERE patient_id = ?1 AND type = ?2 AND date = ?3"},
    [STORE_ASSESSMENTS] =
        {{3, 6, 5},
         "INSERT INTO assessments(patient_id, instrument, date, score, items, dq_flags) "
         "VALUES (?1,?2,?3,?4,?5,?6)",
         "UPDATE assessments SET score=?4, items=?5, dq_flags=?6 WHERE patient_id=?1 AND "
         "instrument=?2 AND date=?3 AND (score IS NOT ?4 OR items IS NOT ?5 OR dq_flags IS NOT ?6)",
         "SELECT patient_id, instrument, date FROM assessments",
         "SELECT patient_id, instrument, date, score, items FROM assessments "
         "ORDER BY patient_id, date, instrument",
         "SELECT patient_id, instrument, date, score, items FROM assessments "
         "WHERE patient_id = ?1 AND instrument = ?2 AND date = ?3"},
    [STORE_APPOINTMENTS] =
        {{1, 7, 7},
         "INSERT INTO appointments(appointment_id, patient_id, date, clinician_id, time, type, "
         "status) VALUES (?1,?2,?3,?4,?5,?6,?7)",
         "UPDATE appointments SET patient_id=?2, date=?3, clinician_id=?4, time=?5, type=?6, "
         "status=?7 WHERE appointment_id=?1 AND (patient_id IS NOT ?2 OR date IS NOT ?3 OR "
         "clinician_id IS NOT ?4 OR time IS NOT ?5 OR type IS NOT ?6 OR status IS NOT ?7)",
         "SELECT appointment_id FROM appointments",
         "SELECT appointment_id, patient_id, date, clinician_id, time, type, status "
         "FROM appointments ORDER BY appointment_id",
         "SELECT appointment_id, patient_id, date, clinician_id, time, type, status "
         "FROM appointments WHERE appointment_id = ?1"},
    [STORE_DIAGNOSES] =
        {{3, 4, 4},
         "INSERT INTO diagnoses(patient_id, code, date, end_date) VALUES (?1,?2,?3,?4)",
         "UPDATE diagnoses SET end_date=?4 WHERE patient_id=?1 AND code=?2 AND date=?3 AND "
         "end_date IS NOT ?4",
         "SELECT patient_id, code, date FROM diagnoses",
         "SELECT patient_id, code, date, end_date FROM diagnoses ORDER BY patient_id, date, code",
         "SELECT patient_id, code, date, end_date FROM diagnoses "
         "WHERE patient_id = ?1 AND code = ?2 AND date = ?3"},
};

const struct store_import_shape *store_import_shape(enum store_import_table t)
{
    return &tables[t].shape;
}

/* ---------------------------------------------------------------- batched inserts */

/* "INSERT INTO t(a, b) VALUES (?,?),(?,?)…" for BATCH_ROWS rows, built once per process: the
 * statement cache knows a statement by the text's address, which therefore stays put. */
static char *batch_sql[STORE_IMPORT_TABLES];
static pthread_once_t batch_once = PTHREAD_ONCE_INIT;

static void build_batch_sql(void)
{
    for (int t = 0; t < STORE_IMPORT_TABLES; t++) {
        const struct table_sql *ts = &tables[t];
        const char *values = strstr(ts->insert, "VALUES");
        struct buf sql = {0};
        buf_append(&sql, ts->insert, (size_t)(values - ts->insert));
        buf_puts(&sql, "VALUES ");
        for (size_t r = 0; r < BATCH_ROWS; r++) {
            buf_puts(&sql, r ? ",(" : "(");
            for (size_t i = 0; i < ts->shape.nvals; i++)
                buf_puts(&sql, i ? ",?" : "?");
            buf_puts(&sql, ")");
        }
        batch_sql[t] = sql.data;
    }
}

static void bind_one(sqlite3_stmt *st, int p, const struct store_val *v, const char *text)
{
    switch (v->t) {
    case SV_NULL:
        sqlite3_bind_null(st, p);
        break;
    case SV_TEXT:
        sqlite3_bind_text(st, p, text ? text + (size_t)v->i : v->s, (int)v->len, SQLITE_STATIC);
        break;
    case SV_INT:
        sqlite3_bind_int64(st, p, v->i);
        break;
    case SV_REAL:
        sqlite3_bind_double(st, p, v->d);
        break;
    }
}

/* Whether rows [r, r + BATCH_ROWS) are all new ones. */
static bool run_of_inserts(const struct store_import_rows *b, size_t r)
{
    if (b->n - r < BATCH_ROWS)
        return false;
    for (size_t j = r; j < r + BATCH_ROWS; j++)
        if (b->update[j])
            return false;
    return true;
}

int store_import_write(struct store *s, const struct store_import_rows *b, long *updated,
                       long *unchanged, char *err, size_t errlen)
{
    const struct table_sql *ts = &tables[b->t];
    size_t nvals = ts->shape.nvals;
    pthread_once(&batch_once, build_batch_sql);
    size_t r = 0;
    while (r < b->n) {
        bool many = run_of_inserts(b, r);
        size_t rows = many ? BATCH_ROWS : 1;
        const char *sql = many ? batch_sql[b->t] : b->update[r] ? ts->update : ts->insert;
        sqlite3_stmt *st = store_prepare(s, sql);
        if (!st) {
            snprintf(err, errlen, "cannot prepare a statement: %s", store_errmsg(s));
            return -1;
        }
        for (size_t j = 0; j < rows; j++) {
            const struct store_val *v = b->v + (r + j) * b->stride;
            for (size_t i = 0; i < nvals; i++)
                bind_one(st, (int)(j * nvals + i) + 1, &v[i], b->text);
        }
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            snprintf(err, errlen, "storing rows failed: %s", store_errmsg(s));
            return -1;
        }
        if (b->update[r])
            sqlite3_changes(store_db(s)) > 0 ? (*updated)++ : (*unchanged)++;
        r += rows;
    }
    return 0;
}

/* ---------------------------------------------------------------- reads */

int store_import_keys(struct store *s, enum store_import_table t, store_key_fn fn, void *ud)
{
    const struct table_sql *ts = &tables[t];
    sqlite3_stmt *st = store_prepare(s, ts->keys);
    if (!st)
        return -1;
    const char *parts[3];
    size_t lens[3];
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t i = 0; i < ts->shape.nkey; i++) {
            parts[i] = (const char *)sqlite3_column_text(st, (int)i);
            parts[i] = parts[i] ? parts[i] : "";
            lens[i] = (size_t)sqlite3_column_bytes(st, (int)i);
        }
        fn(ud, parts, lens, ts->shape.nkey);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The value in column i of the current row; text is appended to *text (its offset in i). */
static struct store_val column_val(sqlite3_stmt *st, int i, struct buf *text)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return (struct store_val){.t = SV_INT, .i = sqlite3_column_int64(st, i)};
    case SQLITE_FLOAT:
        return (struct store_val){.t = SV_REAL, .d = sqlite3_column_double(st, i)};
    case SQLITE_NULL:
        return (struct store_val){.t = SV_NULL};
    default: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        size_t len = (size_t)sqlite3_column_bytes(st, i);
        struct store_val v = {.t = SV_TEXT, .s = s, .len = len};
        if (text) {
            v.i = (int64_t)text->len;
            buf_append(text, s, len);
        }
        return v;
    }
    }
}

int store_import_stored_row(struct store *s, enum store_import_table t, const struct store_val *key,
                            struct store_val *out, struct buf *text)
{
    const struct table_sql *ts = &tables[t];
    sqlite3_stmt *st = store_prepare(s, ts->by_key);
    if (!st)
        return -1;
    for (size_t i = 0; i < ts->shape.nkey; i++)
        bind_one(st, (int)i + 1, &key[i], NULL);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? 0 : -1;
    }
    for (size_t i = 0; i < ts->shape.ncolumns; i++)
        out[i] = column_val(st, (int)i, text);
    sqlite3_reset(st);
    for (size_t i = 0; i < ts->shape.ncolumns; i++)
        if (out[i].t == SV_TEXT)
            out[i].s = text->data + out[i].i;
    return 1;
}

const char *store_import_patient_sex(struct store *s, const char *patient, char *buf, size_t n)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT sex FROM patients WHERE patient_id = ?1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, patient, -1, SQLITE_TRANSIENT);
    const char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
        out = buf;
    }
    sqlite3_reset(st);
    return out;
}

int store_import_export(struct store *s, enum store_import_table t, store_row_fn fn, void *ud)
{
    const struct table_sql *ts = &tables[t];
    sqlite3_stmt *st = store_prepare(s, ts->export);
    if (!st)
        return -1;
    struct store_val v[32];
    size_t n = ts->shape.ncolumns;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t i = 0; i < n; i++)
            v[i] = column_val(st, (int)i, NULL);
        fn(ud, v, n);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -2;
}

/* ---------------------------------------------------------------- connection settings */

void store_import_begin(struct store *s)
{
    store_exec(s, "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-1048576", NULL, 0);
}

void store_import_end(struct store *s)
{
    store_exec(s, "PRAGMA foreign_keys=ON", NULL, 0);
}

/* In WAL mode a large batch is written three times: into the WAL at commit, then read back and
 * copied into the database by the checkpoint. A rollback journal writes new pages once, which
 * takes about 40 % off a million-row import. The switch needs the only connection to the
 * database, so it is attempted and silently skipped when the daemon or another command has it
 * open; the caller returns to WAL when the import ends (and every open does, should the process
 * die). */
bool store_import_rollback_journal(struct store *s)
{
    sqlite3_stmt *st = NULL;
    bool switched = false;
    if (sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode=DELETE", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        switched = mode && strcmp(mode, "delete") == 0;
    }
    sqlite3_finalize(st);
    return switched;
}

void store_import_wal(struct store *s)
{
    store_exec(s, "PRAGMA journal_mode=WAL", NULL, 0);
}

/* ---------------------------------------------------------------- the demo */

char *store_import_demo_patient(struct store *s)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    sqlite3_prepare_v2(store_db(s),
                       "SELECT patient_id FROM check_results WHERE patient_id IS NOT NULL "
                       "ORDER BY check_id = 'high-dose' DESC, patient_id LIMIT 1",
                       -1, &st, NULL);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        out = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}
