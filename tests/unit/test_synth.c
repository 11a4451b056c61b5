/* Tests of the synthetic data generator: determinism, exact headers, well-formed rows,
 * referential integrity, assessment scoring, realistic shares, and the product catalogue's
 * codes against the reference tables in config/data/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <csv.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "synth.h"
#include "synth_catalog.h"
#include "util.h"

#define AS_OF_Y 2025
#define AS_OF_M 6
#define AS_OF_D 30

/* ---- a parsed CSV file: cells in one arena ---- */

struct table {
    struct buf arena;
    size_t *cell; /* offsets into arena, row-major */
    size_t ncell, cap;
    int ncols, nrows; /* data rows, header excluded */
    int width_errors; /* rows whose column count differs from the header's */
    int field;        /* fields seen in the current row */
};

static void on_field(void *s, size_t n, void *data)
{
    struct table *t = data;
    if (t->ncell == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->cell = xrealloc(t->cell, t->cap * sizeof *t->cell);
    }
    t->cell[t->ncell++] = t->arena.len;
    buf_append(&t->arena, s ? s : "", s ? n : 0);
    buf_append(&t->arena, "", 1);
    t->field++;
}

static void on_row(int c, void *data)
{
    (void)c;
    struct table *t = data;
    if (t->ncols == 0)
        t->ncols = t->field;
    else if (t->field != t->ncols) {
        t->width_errors++;
        t->ncell -= (size_t)t->field; /* drop the malformed row */
        t->field = 0;
        return;
    } else
        t->nrows++;
    t->field = 0;
}

static void parse_table(struct table *t, const struct buf *b)
{
    struct csv_parser p;
    memset(t, 0, sizeof *t);
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    assert_int_equal(csv_parse(&p, b->data, b->len, on_field, on_row, t), b->len);
    assert_int_equal(csv_fini(&p, on_field, on_row, t), 0);
    csv_free(&p);
}

static void free_table(struct table *t)
{
    buf_free(&t->arena);
    free(t->cell);
}

static const char *cell(const struct table *t, int row, int col)
{
    /* row -1 is the header */
    return t->arena.data + t->cell[(size_t)(row + 1) * (size_t)t->ncols + (size_t)col];
}

static int col(const struct table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(cell(t, -1, c), name) == 0)
            return c;
    fail_msg("no column %s", name);
    return -1;
}

/* ---- sets of identifiers ---- */

struct idset {
    const char **v;
    int n;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void idset_build(struct idset *s, const struct table *t, const char *column)
{
    int c = col(t, column);
    s->v = xmalloc((size_t)t->nrows * sizeof *s->v);
    s->n = t->nrows;
    for (int r = 0; r < t->nrows; r++)
        s->v[r] = cell(t, r, c);
    qsort(s->v, (size_t)s->n, sizeof *s->v, cmp_str);
}

static bool idset_has(const struct idset *s, const char *id)
{
    return bsearch(&id, s->v, (size_t)s->n, sizeof *s->v, cmp_str) != NULL;
}

static int idset_duplicates(const struct idset *s)
{
    int d = 0;
    for (int i = 1; i < s->n; i++)
        d += strcmp(s->v[i - 1], s->v[i]) == 0;
    return d;
}

/* ---- fixtures ---- */

struct org {
    struct buf raw[SYNTH_NFILES];
    struct table t[SYNTH_NFILES];
    struct synth_result res;
    day_t as_of;
};

static struct org *make_org(uint64_t seed, int patients, bool noise)
{
    struct org *o = xcalloc(1, sizeof *o);
    o->as_of = date_from_ymd(AS_OF_Y, AS_OF_M, AS_OF_D);
    struct synth_opts opts = {
        .seed = seed, .patients = patients, .as_of = o->as_of, .noise = noise};
    synth_run_mem(&opts, o->raw, &o->res);
    for (int f = 0; f < SYNTH_NFILES; f++)
        parse_table(&o->t[f], &o->raw[f]);
    return o;
}

static void free_org(struct org *o)
{
    for (int f = 0; f < SYNTH_NFILES; f++) {
        buf_free(&o->raw[f]);
        free_table(&o->t[f]);
    }
    free(o);
}

static int setup_big(void **state)
{
    *state = make_org(1, 2000, true);
    return 0;
}

static int teardown_org(void **state)
{
    free_org(*state);
    return 0;
}

static day_t parse_day(const char *s)
{
    day_t d;
    if (date_parse(s, strlen(s), &d) != 0)
        fail_msg("not a date: '%s'", s);
    return d;
}

/* ---- determinism ---- */

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    struct synth_opts o = {
        .seed = 42, .patients = 300, .as_of = date_from_ymd(2024, 2, 29), .noise = true};
    struct buf a[SYNTH_NFILES], b[SYNTH_NFILES], c[SYNTH_NFILES];
    synth_run_mem(&o, a, NULL);
    synth_run_mem(&o, b, NULL);
    o.seed = 43;
    synth_run_mem(&o, c, NULL);
    for (int f = 0; f < SYNTH_NFILES; f++) {
        assert_int_equal(a[f].len, b[f].len);
        assert_memory_equal(a[f].data, b[f].data, a[f].len);
    }
    for (int f = SYNTH_PATIENTS; f < SYNTH_NFILES; f++)
        assert_true(a[f].len != c[f].len || memcmp(a[f].data, c[f].data, a[f].len) != 0);
    for (int f = 0; f < SYNTH_NFILES; f++) {
        buf_free(&a[f]);
        buf_free(&b[f]);
        buf_free(&c[f]);
    }
}

static void test_files_match_memory(void **state)
{
    (void)state;
    char dir[] = "/tmp/sixbb-synth-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct synth_opts o = {.seed = 5,
                           .patients = 120,
                           .as_of = date_from_ymd(2025, 1, 15),
                           .noise = true,
                           .out_dir = dir};
    struct buf mem[SYNTH_NFILES];
    struct synth_result r1, r2;
    char err[256];
    assert_int_equal(synth_run(&o, &r1, err, sizeof err), 0);
    synth_run_mem(&o, mem, &r2);
    for (int f = 0; f < SYNTH_NFILES; f++) {
        char *path = xasprintf("%s/%s", dir, synth_file_name((enum synth_file)f));
        size_t len;
        char *disk = read_file(path, &len);
        assert_non_null(disk);
        assert_int_equal(len, mem[f].len);
        assert_memory_equal(disk, mem[f].data, len);
        assert_int_equal(r1.rows[f], r2.rows[f]);
        free(disk);
        unlink(path);
        free(path);
        buf_free(&mem[f]);
    }
    /* Nothing else (no temporary file) is left behind. */
    DIR *d = opendir(dir);
    struct dirent *e;
    int extra = 0;
    while ((e = readdir(d)))
        extra += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(extra, 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_missing_dir_fails_cleanly(void **state)
{
    (void)state;
    struct synth_opts o = {.seed = 1,
                           .patients = 10,
                           .as_of = date_from_ymd(2025, 1, 15),
                           .out_dir = "/nonexistent/sixbb/synth"};
    char err[256] = "";
    assert_int_equal(synth_run(&o, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/sixbb/synth"));
}

static void test_default_sites(void **state)
{
    (void)state;
    assert_int_equal(synth_default_sites(10), 3);
    assert_int_equal(synth_default_sites(500), 3);
    assert_int_equal(synth_default_sites(10000), 5);
    assert_int_equal(synth_default_sites(100000), 12);
}

/* ---- format ---- */

static const char *const expected_headers[SYNTH_NFILES] = {
    "site_id,name,timezone",
    "clinician_id,site_id,name,role,npi,pdmp_registered,delegate_of",
    "patient_id,site_id,clinician_id,birth_date,sex,name,status",
    "rx_id,patient_id,fill_date,drug,quantity,days_supply,clinician_id,ndc,rxnorm,strength,"
    "strength_unit,form,dose,doses_per_day,prn,written_date,pharmacy_id,source",
    "patient_id,type,date,result,clinician_id,note",
    "patient_id,instrument,date,score,items",
    "appointment_id,patient_id,date,clinician_id,time,type,status",
    "patient_id,code,date,end_date",
};

static void test_headers_and_widths(void **state)
{
    struct org *o = *state;
    for (int f = 0; f < SYNTH_NFILES; f++) {
        size_t n = strlen(expected_headers[f]);
        assert_true(o->raw[f].len > n);
        assert_memory_equal(o->raw[f].data, expected_headers[f], n);
        assert_int_equal(o->raw[f].data[n], '\n');
        assert_string_equal(synth_file_header((enum synth_file)f), expected_headers[f]);
        assert_int_equal(o->t[f].width_errors, 0);
        assert_int_equal(o->t[f].nrows, o->res.rows[f]);
        assert_true(o->t[f].nrows > 0);
    }
    assert_int_equal(o->t[SYNTH_PATIENTS].nrows, 2000);
}

static void test_quoting_round_trips(void **state)
{
    struct org *o = *state;
    /* Names hold a comma ("Surname, First"); a few hold a quoted nickname. */
    const struct table *p = &o->t[SYNTH_PATIENTS];
    int name = col(p, "name"), quoted = 0;
    for (int r = 0; r < p->nrows; r++) {
        assert_non_null(strchr(cell(p, r, name), ','));
        quoted += strchr(cell(p, r, name), '"') != NULL;
    }
    assert_true(quoted > 0);
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool is_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void test_organisation(void **state)
{
    struct org *o = *state;
    const struct table *s = &o->t[SYNTH_SITES], *c = &o->t[SYNTH_CLINICIANS];
    struct idset sites, clins;
    idset_build(&sites, s, "site_id");
    idset_build(&clins, c, "clinician_id");
    assert_int_equal(idset_duplicates(&sites), 0);
    assert_int_equal(idset_duplicates(&clins), 0);
    assert_int_equal(s->nrows, 3);
    for (int r = 0; r < s->nrows; r++)
        assert_non_null(strchr(cell(s, r, col(s, "timezone")), '/'));
    int unregistered = 0, delegates = 0, roles[4] = {0};
    static const char *const prescriber_roles[] = {"MD", "DO", "NP", "PA", NULL};
    for (int r = 0; r < c->nrows; r++) {
        assert_true(idset_has(&sites, cell(c, r, col(c, "site_id"))));
        assert_true(is_digits(cell(c, r, col(c, "npi")), 10));
        const char *reg = cell(c, r, col(c, "pdmp_registered"));
        if (*reg)
            assert_true(parse_day(reg) <= o->as_of);
        else
            unregistered++;
        const char *del = cell(c, r, col(c, "delegate_of"));
        if (*del) {
            /* A delegate is a registered nurse or assistant working for a prescriber. */
            delegates++;
            assert_true(idset_has(&clins, del));
            assert_true(*reg);
            int k = atoi(del + 1) - 1; /* C0001 is row 0 */
            assert_string_equal(cell(c, k, col(c, "clinician_id")), del);
            assert_true(in_list(cell(c, k, col(c, "role")), prescriber_roles));
        }
        for (int k = 0; k < 4; k++)
            roles[k] += strcmp(cell(c, r, col(c, "role")), prescriber_roles[k]) == 0;
    }
    assert_true(unregistered > 0);
    assert_true(delegates > 0);
    for (int k = 0; k < 4; k++)
        assert_true(roles[k] > 0);
    free(sites.v);
    free(clins.v);
}

/* ---- referential integrity and values ---- */

static void test_patients(void **state)
{
    struct org *o = *state;
    const struct table *p = &o->t[SYNTH_PATIENTS];
    struct idset sites, clins, pats;
    idset_build(&sites, &o->t[SYNTH_SITES], "site_id");
    idset_build(&clins, &o->t[SYNTH_CLINICIANS], "clinician_id");
    idset_build(&pats, p, "patient_id");
    assert_int_equal(idset_duplicates(&pats), 0);
    int no_clin = 0;
    for (int r = 0; r < p->nrows; r++) {
        assert_true(idset_has(&sites, cell(p, r, col(p, "site_id"))));
        const char *c = cell(p, r, col(p, "clinician_id"));
        if (*c)
            assert_true(idset_has(&clins, c));
        else
            no_clin++;
        day_t b = parse_day(cell(p, r, col(p, "birth_date")));
        int age = (int)((o->as_of - b) * 100L / 36525);
        assert_in_range(age, 18, 90);
        const char *sex = cell(p, r, col(p, "sex"));
        assert_true(strcmp(sex, "F") == 0 || strcmp(sex, "M") == 0);
        const char *st = cell(p, r, col(p, "status"));
        assert_true(!strcmp(st, "active") || !strcmp(st, "inactive") || !strcmp(st, "deceased"));
    }
    /* Noise: a patient or two without a clinician, not more. */
    assert_in_range(no_clin, 1, p->nrows / 50);
    free(sites.v);
    free(clins.v);
    free(pats.v);
}

static void check_patient_column(const struct org *o, enum synth_file f, const struct idset *pats)
{
    const struct table *t = &o->t[f];
    int c = col(t, "patient_id");
    for (int r = 0; r < t->nrows; r++)
        if (!idset_has(pats, cell(t, r, c)))
            fail_msg("%s row %d: unknown patient %s", synth_file_name(f), r + 2, cell(t, r, c));
}

static void check_clinician_column(const struct org *o, enum synth_file f,
                                   const struct idset *clins, bool required)
{
    const struct table *t = &o->t[f];
    int c = col(t, "clinician_id");
    for (int r = 0; r < t->nrows; r++) {
        const char *v = cell(t, r, c);
        if (*v ? !idset_has(clins, v) : required)
            fail_msg("%s row %d: bad clinician '%s'", synth_file_name(f), r + 2, v);
    }
}

static void test_references(void **state)
{
    struct org *o = *state;
    struct idset pats, clins;
    idset_build(&pats, &o->t[SYNTH_PATIENTS], "patient_id");
    idset_build(&clins, &o->t[SYNTH_CLINICIANS], "clinician_id");
    for (int f = SYNTH_PRESCRIPTIONS; f < SYNTH_NFILES; f++)
        check_patient_column(o, (enum synth_file)f, &pats);
    check_clinician_column(o, SYNTH_PRESCRIPTIONS, &clins, true);
    check_clinician_column(o, SYNTH_EVENTS, &clins, false);
    check_clinician_column(o, SYNTH_APPOINTMENTS, &clins, true);
    free(pats.v);
    free(clins.v);
}

static void test_prescriptions(void **state)
{
    struct org *o = *state;
    const struct table *t = &o->t[SYNTH_PRESCRIPTIONS];
    struct idset ids;
    idset_build(&ids, t, "rx_id");
    assert_int_equal(idset_duplicates(&ids), 0);
    free(ids.v);
    int c_fill = col(t, "fill_date"), c_qty = col(t, "quantity"), c_days = col(t, "days_supply");
    int c_drug = col(t, "drug"), c_ndc = col(t, "ndc"), c_rx = col(t, "rxnorm");
    int c_written = col(t, "written_date"), c_pharm = col(t, "pharmacy_id");
    int c_src = col(t, "source");
    int no_days = 0, with_ndc = 0;
    for (int r = 0; r < t->nrows; r++) {
        day_t d = parse_day(cell(t, r, c_fill));
        assert_true(d <= o->as_of && d > o->as_of - 740);
        assert_true(*cell(t, r, c_drug));
        assert_true(atoi(cell(t, r, c_qty)) > 0);
        const char *days = cell(t, r, c_days);
        if (*days)
            assert_in_range(atoi(days), 1, 90);
        else
            no_days++;
        const char *ndc = cell(t, r, c_ndc), *rx = cell(t, r, c_rx);
        if (*ndc) {
            assert_true(is_digits(ndc, 11));
            with_ndc++;
        }
        assert_false(*ndc && *rx);
        const char *w = cell(t, r, c_written);
        if (*w)
            assert_true(parse_day(w) <= d);
        assert_true(*cell(t, r, c_pharm));
        const char *src = cell(t, r, c_src);
        assert_true(!strcmp(src, "pharmacy") || !strcmp(src, "ehr") || !strcmp(src, "pdmp"));
    }
    assert_in_range(no_days, 1, t->nrows / 200);
    assert_true(with_ndc > t->nrows * 7 / 10);
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* No two rows share (patient, key column, date): the registry's unique keys. */
static void check_unique(const struct table *t, const char *key)
{
    int cp = col(t, "patient_id"), ck = col(t, key), cd = col(t, "date");
    char **keys = xmalloc((size_t)t->nrows * sizeof *keys);
    for (int r = 0; r < t->nrows; r++)
        keys[r] = xasprintf("%s|%s|%s", cell(t, r, cp), cell(t, r, ck), cell(t, r, cd));
    qsort(keys, (size_t)t->nrows, sizeof *keys, cmp_key);
    for (int r = 1; r < t->nrows; r++)
        if (strcmp(keys[r - 1], keys[r]) == 0)
            fail_msg("duplicate %s", keys[r]);
    for (int r = 0; r < t->nrows; r++)
        free(keys[r]);
    free(keys);
}

static void test_events(void **state)
{
    struct org *o = *state;
    const struct table *t = &o->t[SYNTH_EVENTS];
    static const char *const types[] = {"pdmp_check", "udt",         "agreement",    "naloxone",
                                        "education",  "referral_bh", "referral_oud", "moud",
                                        "care_plan",  "taper_plan",  "overdose",     "early_refill",
                                        NULL};
    int seen[12] = {0};
    for (int r = 0; r < t->nrows; r++) {
        const char *type = cell(t, r, col(t, "type"));
        assert_true(in_list(type, types));
        for (int k = 0; types[k]; k++)
            seen[k] += strcmp(type, types[k]) == 0;
        assert_true(parse_day(cell(t, r, col(t, "date"))) <= o->as_of);
    }
    for (int k = 0; types[k]; k++)
        if (!seen[k])
            fail_msg("no %s event", types[k]);
    check_unique(t, "type");
}

/* ---- assessments: items valid for the instrument, score by the published rules ---- */

struct instrument {
    const char *name;
    int items, max;
};

static const struct instrument instruments[] = {
    {"peg", 3, 10},    {"phq9", 9, 3},  {"phq2", 2, 3},    {"gad7", 7, 3},     {"ort", 10, 1},
    {"ort_oud", 9, 1}, {"comm", 17, 4}, {"pcptsd5", 5, 1}, {"stopbang", 8, 1},
};

static int parse_items(const char *s, int *v, int max_items)
{
    int n = 0;
    while (*s) {
        char *end;
        long x = strtol(s, &end, 10);
        if (end == s || n == max_items)
            return -1;
        v[n++] = (int)x;
        s = end;
        if (*s == ';')
            s++;
        else if (*s)
            return -1;
    }
    return n;
}

/* Expected score x100, computed independently of the generator. */
static long expected_score100(const char *in, const int *v, int n, char sex, int age)
{
    static const int ort_f[] = {1, 2, 4, 3, 4, 5, 1, 3, 2, 1};
    static const int ort_m[] = {3, 3, 4, 3, 4, 5, 1, 0, 2, 1};
    long sum = 0;
    if (strcmp(in, "ort") == 0) {
        assert_int_equal(v[6], age >= 16 && age <= 45);
        for (int i = 0; i < n; i++)
            sum += v[i] ? (sex == 'F' ? ort_f[i] : ort_m[i]) : 0;
        return sum * 100;
    }
    if (strcmp(in, "stopbang") == 0) {
        assert_int_equal(v[5], age > 50);
        assert_int_equal(v[7], sex == 'M');
    }
    for (int i = 0; i < n; i++)
        sum += v[i];
    if (strcmp(in, "peg") == 0)
        return (sum * 200 + 3) / 6;
    return sum * 100;
}

static long parse_score100(const char *s)
{
    char *end;
    long whole = strtol(s, &end, 10);
    long frac = 0;
    if (*end == '.') {
        assert_true(is_digits(end + 1, 2));
        frac = strtol(end + 1, NULL, 10);
    } else {
        assert_int_equal(*end, 0);
    }
    return whole * 100 + frac;
}

static int age_on(day_t birth, day_t d)
{
    int by, bm, bd, y, m, dd;
    date_to_ymd(birth, &by, &bm, &bd);
    date_to_ymd(d, &y, &m, &dd);
    return y - by - (m < bm || (m == bm && dd < bd));
}

static void test_assessments(void **state)
{
    struct org *o = *state;
    const struct table *t = &o->t[SYNTH_ASSESSMENTS], *p = &o->t[SYNTH_PATIENTS];
    int seen[ARRAY_LEN(instruments)] = {0};
    for (int r = 0; r < t->nrows; r++) {
        const char *in = cell(t, r, col(t, "instrument"));
        const struct instrument *ins = NULL;
        for (size_t k = 0; k < ARRAY_LEN(instruments); k++)
            if (strcmp(in, instruments[k].name) == 0)
                ins = &instruments[k], seen[k]++;
        assert_non_null(ins);
        day_t d = parse_day(cell(t, r, col(t, "date")));
        assert_true(d <= o->as_of);
        int v[32];
        int n = parse_items(cell(t, r, col(t, "items")), v, 32);
        assert_int_equal(n, ins->items);
        for (int i = 0; i < n; i++)
            assert_in_range(v[i], 0, ins->max);
        /* Patient ids are P + number, rows in patient order: look the patient up directly. */
        int pi = atoi(cell(t, r, col(t, "patient_id")) + 1) - 1;
        char sex = cell(p, pi, col(p, "sex"))[0];
        int age = age_on(parse_day(cell(p, pi, col(p, "birth_date"))), d);
        long want = expected_score100(in, v, n, sex, age);
        assert_int_equal(parse_score100(cell(t, r, col(t, "score"))), want);
    }
    for (size_t k = 0; k < ARRAY_LEN(instruments); k++)
        if (!seen[k])
            fail_msg("no %s assessment", instruments[k].name);
    check_unique(t, "instrument");
}

static void test_appointments(void **state)
{
    struct org *o = *state;
    const struct table *t = &o->t[SYNTH_APPOINTMENTS];
    struct idset ids;
    idset_build(&ids, t, "appointment_id");
    assert_int_equal(idset_duplicates(&ids), 0);
    free(ids.v);
    static const char *const past[] = {"completed", "cancelled", "no_show", NULL};
    int upcoming = 0;
    for (int r = 0; r < t->nrows; r++) {
        day_t d = parse_day(cell(t, r, col(t, "date")));
        const char *st = cell(t, r, col(t, "status")), *tm = cell(t, r, col(t, "time"));
        assert_true(d <= o->as_of + 14);
        if (d < o->as_of)
            assert_true(in_list(st, past));
        else {
            assert_string_equal(st, "scheduled");
            upcoming++;
        }
        int w = date_weekday(d);
        assert_true(w >= 1 && w <= 5);
        assert_int_equal(strlen(tm), 5);
        assert_int_equal(tm[2], ':');
        int minutes = atoi(tm) * 60 + atoi(tm + 3);
        assert_in_range(minutes, 8 * 60, 17 * 60 - 1);
    }
    assert_true(upcoming > 100);
}

static void test_diagnoses(void **state)
{
    struct org *o = *state;
    const struct table *t = &o->t[SYNTH_DIAGNOSES];
    for (int r = 0; r < t->nrows; r++) {
        day_t d = parse_day(cell(t, r, col(t, "date")));
        assert_true(d <= o->as_of);
        const char *end = cell(t, r, col(t, "end_date"));
        if (*end)
            assert_true(parse_day(end) > d);
        const char *code = cell(t, r, col(t, "code"));
        assert_true(code[0] >= 'A' && code[0] <= 'Z' && strlen(code) >= 3);
    }
    check_unique(t, "code");
}

/* ---- realistic shares ---- */

static const struct product *product_by_drug(const char *drug)
{
    for (int i = 0; i < P_COUNT; i++)
        if (strcmp(synth_products[i].drug, drug) == 0)
            return &synth_products[i];
    return NULL;
}

struct pstat {
    day_t recent_first, recent_last; /* opioid fills within 90 days of the as-of date */
    bool benzo, label, excluded, early, no_ndc_text;
    day_t last_end[P_COUNT];
};

static void scan_fills(const struct org *o, struct pstat *ps)
{
    const struct table *t = &o->t[SYNTH_PRESCRIPTIONS];
    int cp = col(t, "patient_id"), cd = col(t, "fill_date"), cdr = col(t, "drug");
    int cds = col(t, "days_supply");
    for (int r = 0; r < t->nrows; r++) {
        struct pstat *s = &ps[atoi(cell(t, r, cp) + 1) - 1];
        const struct product *pr = product_by_drug(cell(t, r, cdr));
        day_t d = parse_day(cell(t, r, cd));
        if (!pr) {
            s->no_ndc_text = true;
            continue;
        }
        int k = (int)(pr - synth_products);
        if (pr->cls == RXC_BENZO)
            s->benzo = true;
        if (pr->cls != RXC_OPIOID)
            continue;
        if (d > o->as_of - 90) {
            if (s->recent_first == DATE_NONE)
                s->recent_first = d;
            s->recent_last = d;
        }
        /* Early refill: the same product again before the last supply ran out. */
        if (s->last_end[k] != DATE_NONE && d < s->last_end[k] - 2)
            s->early = true;
        if (*cell(t, r, cds))
            s->last_end[k] = d + atoi(cell(t, r, cds)) - 1;
    }
}

static void scan_diagnoses(const struct org *o, struct pstat *ps)
{
    const struct table *t = &o->t[SYNTH_DIAGNOSES];
    for (int r = 0; r < t->nrows; r++) {
        struct pstat *s = &ps[atoi(cell(t, r, col(t, "patient_id")) + 1) - 1];
        const char *code = cell(t, r, col(t, "code"));
        day_t d = parse_day(cell(t, r, col(t, "date")));
        const char *end = cell(t, r, col(t, "end_date"));
        bool open = !*end || parse_day(end) >= o->as_of;
        if ((!strcmp(code, "Z79.891") || !strcmp(code, "F11.90")) && open)
            s->label = true;
        if ((code[0] == 'C' && d > o->as_of - 365) || !strncmp(code, "D57", 3) ||
            (!strcmp(code, "Z51.5") && d > o->as_of - 365))
            s->excluded = true;
    }
}

static void test_shares(void **state)
{
    struct org *o = *state;
    int n = o->t[SYNTH_PATIENTS].nrows;
    struct pstat *ps = xmalloc((size_t)n * sizeof *ps);
    for (int i = 0; i < n; i++) {
        memset(&ps[i], 0, sizeof ps[i]);
        ps[i].recent_first = ps[i].recent_last = DATE_NONE;
        for (int k = 0; k < P_COUNT; k++)
            ps[i].last_end[k] = DATE_NONE;
    }
    scan_fills(o, ps);
    scan_diagnoses(o, ps);
    int ltot = 0, benzo = 0, unlabeled = 0, excluded = 0, early = 0;
    for (int i = 0; i < n; i++) {
        bool rule = ps[i].recent_first != DATE_NONE && ps[i].recent_last - ps[i].recent_first >= 28;
        ltot += rule;
        unlabeled += rule && !ps[i].label;
        excluded += (rule || ps[i].label) && ps[i].excluded;
        benzo += ps[i].benzo;
        early += ps[i].early;
    }
    print_message("LtOT by fills %d/%d, benzodiazepine %d, unlabeled %d, excluded %d, early %d\n",
                  ltot, n, benzo, unlabeled, excluded, early);
    assert_in_range(ltot * 100 / n, 50, 90);
    assert_in_range(benzo * 100 / n, 5, 25);
    assert_true(unlabeled > ltot / 20 && unlabeled < ltot / 2);
    assert_true(excluded >= 5);
    assert_true(early > n / 20);
    free(ps);
}

static void test_pqa_multiple_providers(void **state)
{
    /* Some patients fill opioids from >= 4 prescribers at >= 4 pharmacies within 180 days. */
    struct org *o = *state;
    const struct table *t = &o->t[SYNTH_PRESCRIPTIONS];
    int cp = col(t, "patient_id"), cc = col(t, "clinician_id"), cph = col(t, "pharmacy_id");
    int cd = col(t, "fill_date"), cdr = col(t, "drug");
    int found = 0;
    for (int r = 0; r < t->nrows;) {
        const char *pid = cell(t, r, cp);
        const char *clins[64], *pharms[64];
        int nc = 0, nph = 0;
        for (; r < t->nrows && strcmp(cell(t, r, cp), pid) == 0; r++) {
            const struct product *pr = product_by_drug(cell(t, r, cdr));
            if (!pr || pr->cls != RXC_OPIOID || parse_day(cell(t, r, cd)) <= o->as_of - 180)
                continue;
            bool c_new = true, p_new = true;
            for (int k = 0; k < nc; k++)
                c_new &= strcmp(clins[k], cell(t, r, cc)) != 0;
            for (int k = 0; k < nph; k++)
                p_new &= strcmp(pharms[k], cell(t, r, cph)) != 0;
            if (c_new && nc < 64)
                clins[nc++] = cell(t, r, cc);
            if (p_new && nph < 64)
                pharms[nph++] = cell(t, r, cph);
        }
        found += nc >= 4 && nph >= 4;
    }
    assert_true(found >= 2);
}

static int count_noise(const struct org *o)
{
    const struct table *rx = &o->t[SYNTH_PRESCRIPTIONS], *p = &o->t[SYNTH_PATIENTS];
    const struct table *dx = &o->t[SYNTH_DIAGNOSES];
    int n = 0;
    for (int r = 0; r < rx->nrows; r++)
        n +=
            !*cell(rx, r, col(rx, "days_supply")) || !product_by_drug(cell(rx, r, col(rx, "drug")));
    for (int r = 0; r < p->nrows; r++)
        n += !*cell(p, r, col(p, "clinician_id"));
    for (int r = 0; r < dx->nrows; r++)
        n += strchr(cell(dx, r, col(dx, "code")), '.') == NULL &&
             strlen(cell(dx, r, col(dx, "code"))) > 3;
    return n;
}

static void test_noise_switch(void **state)
{
    struct org *noisy = *state;
    struct org *clean = make_org(1, 600, false);
    assert_true(count_noise(noisy) > 20);
    assert_int_equal(count_noise(clean), 0);
    free_org(clean);
}

/* ---- the catalogue against the reference tables ---- */

/* Splits one line of a reference CSV (quoted fields allowed) into at most max fields. */
static int split_csv_line(char *line, char **f, int max)
{
    int n = 0;
    char *w = line, *r = line;
    while (n < max) {
        f[n++] = w;
        bool q = *r == '"';
        if (q)
            r++;
        while (*r && (q || (*r != ',' && *r != '\n' && *r != '\r'))) {
            if (q && *r == '"') {
                if (r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                    continue;
                }
                q = false;
                r++;
                continue;
            }
            *w++ = *r++;
        }
        bool more = *r == ',';
        *w++ = 0;
        if (!more)
            break;
        r++;
    }
    return n;
}

static char *data_path(const char *file)
{
    const char *src = getenv("SIXBB_SOURCE");
    return xasprintf("%s/config/data/%s", src && *src ? src : SIXBB_SOURCE_DIR, file);
}

/* For each product whose code is in the file, checks strength and unit; returns how many
 * products were matched. */
static int check_ndc_file(const char *file, enum rx_class cls)
{
    char *path = data_path(file);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[1024], *f[16];
    int matched = 0;
    while (fgets(line, sizeof line, fp)) {
        if (split_csv_line(line, f, 16) < 11)
            continue;
        for (int i = 0; i < P_COUNT; i++) {
            const struct product *p = &synth_products[i];
            if (p->cls != cls || strcmp(p->ndc, f[0]) != 0)
                continue;
            /* Strength_Per_Unit, UOM: "10","MG" or "25","MCG/HR" */
            assert_string_equal(p->strength, f[9]);
            assert_true(streq_nocase(p->unit, f[10]));
            matched++;
        }
    }
    fclose(fp);
    free(path);
    return matched;
}

static void test_catalogue_ndcs_are_real(void **state)
{
    (void)state;
    int want[5] = {0};
    for (int i = 0; i < P_COUNT; i++)
        if (synth_products[i].ndc[0])
            want[synth_products[i].cls]++;
    /* MOUD buprenorphine products are listed in the opioid file. */
    assert_int_equal(check_ndc_file("cdc-ndc-2018-opioids.csv", RXC_OPIOID), want[RXC_OPIOID]);
    assert_int_equal(check_ndc_file("cdc-ndc-2018-opioids.csv", RXC_MOUD), want[RXC_MOUD]);
    assert_int_equal(check_ndc_file("cdc-ndc-2018-benzodiazepines.csv", RXC_BENZO),
                     want[RXC_BENZO]);
    assert_int_equal(check_ndc_file("cdc-ndc-2018-muscle-relaxants.csv", RXC_MUSCLE),
                     want[RXC_MUSCLE]);
}

static void test_catalogue_rxnorm_codes_are_real(void **state)
{
    (void)state;
    char *path = data_path("rxnorm-opioid-ingredients-2020.csv");
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[1024], *f[16];
    int want = 0, matched = 0;
    for (int i = 0; i < P_COUNT; i++)
        want += synth_products[i].rxnorm[0] != 0;
    while (fgets(line, sizeof line, fp)) {
        if (split_csv_line(line, f, 16) < 8)
            continue;
        for (int i = 0; i < P_COUNT; i++) {
            const struct product *p = &synth_products[i];
            if (strcmp(p->rxnorm, f[0]) != 0)
                continue;
            /* strength_value, strength_unit: "10.0","MG" or "0.025","MG/HR" */
            double s = atof(f[6]);
            if (strcmp(f[7], "MG/HR") == 0)
                s *= 1000; /* mcg/hr */
            assert_true(s > atof(p->strength) - 0.6 && s < atof(p->strength) + 0.6);
            matched++;
        }
    }
    fclose(fp);
    free(path);
    assert_int_equal(matched, want);
}

int main(void)
{
    const struct CMUnitTest big[] = {
        cmocka_unit_test(test_headers_and_widths),
        cmocka_unit_test(test_quoting_round_trips),
        cmocka_unit_test(test_organisation),
        cmocka_unit_test(test_patients),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_prescriptions),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_assessments),
        cmocka_unit_test(test_appointments),
        cmocka_unit_test(test_diagnoses),
        cmocka_unit_test(test_shares),
        cmocka_unit_test(test_pqa_multiple_providers),
        cmocka_unit_test(test_noise_switch),
    };
    const struct CMUnitTest small[] = {
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_files_match_memory),
        cmocka_unit_test(test_missing_dir_fails_cleanly),
        cmocka_unit_test(test_default_sites),
        cmocka_unit_test(test_catalogue_ndcs_are_real),
        cmocka_unit_test(test_catalogue_rxnorm_codes_are_real),
    };
    int failed = cmocka_run_group_tests_name("synth: small runs", small, NULL, NULL);
    failed += cmocka_run_group_tests_name("synth: 2,000 patients", big, setup_big, teardown_org);
    return failed;
}
