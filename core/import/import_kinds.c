/* The eight canonical kinds: their columns (the canonical CSV table), how each field is checked,
 * and the value each becomes. A kind's canonical columns are also the leading columns of its
 * table (core/store/store_import.c), in the same order, so column i of the file is value i. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "import_internal.h"
#include "med.h"
#include "tz.h"
#include "util.h"

#define DAYS_AHEAD 365 /* fills, events and visits may be dated up to a year after as-of */

static day_t date_floor(void)
{
    return date_from_ymd(1900, 1, 1);
}

static day_t date_ceiling(const struct row *r)
{
    return importer_as_of(r) + DAYS_AHEAD;
}

/* ---------------------------------------------------------------- sites */

static const char *const site_cols[] = {"site_id", "name", "timezone"};
enum { S_ID, S_NAME, S_TZ };

static void check_timezone(struct row *r)
{
    size_t len;
    const char *s = row_cell(r, S_TZ, &len);
    if (!s) {
        val_null(r, S_TZ);
        return;
    }
    char name[80], err[256];
    if (len < sizeof name && val_id(r, S_TZ, S_TZ, false) == 0) {
        memcpy(name, s, len);
        name[len] = 0;
        struct tz *z = tz_load(name, err, sizeof err);
        if (z) {
            tz_free(z);
            return;
        }
    }
    row_error(r, S_TZ, "an IANA time zone name such as America/Denver");
}

static void validate_site(struct row *r)
{
    val_id(r, S_ID, S_ID, true);
    val_text(r, S_NAME, S_NAME, true, 200);
    check_timezone(r);
    row_set_id(r, S_ID);
}

/* ---------------------------------------------------------------- clinicians */

static const char *const clin_cols[] = {"clinician_id", "site_id",         "name",       "role",
                                        "npi",          "pdmp_registered", "delegate_of"};
enum { C_ID, C_SITE, C_NAME, C_ROLE, C_NPI, C_PDMP, C_DELEGATE };

static void check_npi(struct row *r)
{
    size_t len;
    const char *s = row_cell(r, C_NPI, &len);
    if (!s) {
        val_null(r, C_NPI);
        return;
    }
    bool ok = len == 10;
    for (size_t i = 0; ok && i < len; i++)
        ok = isdigit((unsigned char)s[i]);
    if (!ok)
        row_error(r, C_NPI, "a National Provider Identifier of 10 digits");
    else
        val_text(r, C_NPI, C_NPI, false, 10);
}

static void validate_clinician(struct row *r)
{
    if (val_id(r, C_ID, C_ID, true) == 0)
        row_set_id(r, C_ID);
    if (val_id(r, C_SITE, C_SITE, true) == 0)
        ref_check(r, C_SITE, KIND_SITES, "site");
    val_text(r, C_NAME, C_NAME, true, 200);
    val_text(r, C_ROLE, C_ROLE, false, 100);
    check_npi(r);
    val_date(r, C_PDMP, C_PDMP, false, date_floor(), importer_as_of(r), NULL);
    /* A delegate may be listed before the clinician it works for: checked after the file. */
    if (val_id(r, C_DELEGATE, C_DELEGATE, false) == 0 && row_cell(r, C_DELEGATE, NULL))
        importer_defer_ref(r, C_DELEGATE, KIND_CLINICIANS, "clinician");
}

/* ---------------------------------------------------------------- patients */

static const char *const pat_cols[] = {"patient_id", "site_id", "clinician_id", "birth_date",
                                       "sex",        "name",    "status"};
enum { P_ID, P_SITE, P_CLIN, P_BIRTH, P_SEX, P_NAME, P_STATUS };

static void check_sex(struct row *r)
{
    static const struct {
        const char *in, *out;
    } map[] = {{"F", "F"},      {"M", "M"},    {"X", "X"},     {"U", "U"},
               {"female", "F"}, {"male", "M"}, {"other", "X"}, {"unknown", "U"}};
    size_t len;
    const char *s = row_cell(r, P_SEX, &len);
    if (s)
        for (size_t i = 0; i < ARRAY_LEN(map); i++)
            if (strlen(map[i].in) == len && strncasecmp(s, map[i].in, len) == 0) {
                val_str(r, P_SEX, map[i].out);
                return;
            }
    row_error(r, P_SEX, "F, M, X (another sex) or U (unknown)");
}

static void validate_patient(struct row *r)
{
    static const char *const status[] = {"active",      "inactive",   "deceased",
                                         "transferred", "discharged", NULL};
    if (val_id(r, P_ID, P_ID, true) == 0)
        row_set_id(r, P_ID);
    if (val_id(r, P_SITE, P_SITE, true) == 0)
        ref_check(r, P_SITE, KIND_SITES, "site");
    /* The column is required; an empty cell is a patient not yet assigned to a clinician. */
    if (val_id(r, P_CLIN, P_CLIN, false) == 0)
        ref_check(r, P_CLIN, KIND_CLINICIANS, "clinician");
    val_date(r, P_BIRTH, P_BIRTH, true, date_floor(), importer_as_of(r), NULL);
    check_sex(r);
    val_text(r, P_NAME, P_NAME, false, 200);
    val_enum(r, P_STATUS, P_STATUS, false, status,
             "active, inactive, deceased, transferred or discharged");
}

/* ---------------------------------------------------------------- prescriptions */

static const char *const rx_cols[] = {
    "rx_id",        "patient_id",    "fill_date", "drug",         "quantity",      "days_supply",
    "clinician_id", "ndc",           "rxnorm",    "strength",     "strength_unit", "form",
    "dose",         "doses_per_day", "prn",       "written_date", "pharmacy_id",   "source"};
enum {
    RX_ID,
    RX_PAT,
    RX_FILL,
    RX_DRUG,
    RX_QTY,
    RX_DAYS,
    RX_CLIN,
    RX_NDC,
    RX_RXNORM,
    RX_STRENGTH,
    RX_UNIT,
    RX_FORM,
    RX_DOSE,
    RX_PERDAY,
    RX_PRN,
    RX_WRITTEN,
    RX_PHARMACY,
    RX_SOURCE
};

static void check_ndc(struct row *r)
{
    size_t len;
    const char *s = row_cell(r, RX_NDC, &len);
    if (!s) {
        val_null(r, RX_NDC);
        return;
    }
    char tmp[32];
    if (len < sizeof tmp) {
        memcpy(tmp, s, len);
        tmp[len] = 0;
        if (med_ndc_normalize(tmp, r->scratch[0]) == 0) {
            val_str(r, RX_NDC, r->scratch[0]);
            return;
        }
    }
    row_error(r, RX_NDC, "an NDC of 11 digits or hyphenated 4-4-2, 5-3-2, 5-4-1 or 5-4-2");
}

static void check_digits(struct row *r, int col, size_t maxlen, const char *expected)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s) {
        val_null(r, col);
        return;
    }
    bool ok = len <= maxlen;
    for (size_t i = 0; ok && i < len; i++)
        ok = isdigit((unsigned char)s[i]);
    if (ok)
        val_text(r, col, col, false, maxlen);
    else
        row_error(r, col, expected);
}

/* Dose and frequency keep the prescriber's wording ("1-2", "q6h"); the MED engine reads it. */
static void check_sig(struct row *r, int col, bool per_day)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s) {
        val_null(r, col);
        return;
    }
    char tmp[48];
    double v = NAN;
    bool range = false;
    int rc = -1;
    if (len < sizeof tmp) {
        memcpy(tmp, s, len);
        tmp[len] = 0;
        rc = per_day ? med_parse_per_day(tmp, &v, &range) : med_parse_amount(tmp, &v, &range);
    }
    if (rc == 0 && v > 0) {
        val_text(r, col, col, false, sizeof tmp);
        return;
    }
    row_error(r, col,
              per_day ? "times a day greater than 0: a number, a range (3-4) or a "
                        "frequency (q6h, bid, tid, qid, daily, q72h)"
                      : "units per dose greater than 0: a number or a range (1-2)");
}

static void check_rx_dates(struct row *r)
{
    day_t fill, written;
    val_date(r, RX_FILL, RX_FILL, true, date_floor(), date_ceiling(r), &fill);
    val_date(r, RX_WRITTEN, RX_WRITTEN, false, date_floor(), date_ceiling(r), &written);
    if (fill != DATE_NONE && fill > importer_as_of(r))
        row_flag(r, "fill_date_future");
    if (fill != DATE_NONE && written != DATE_NONE && written > fill)
        row_flag(r, "written_after_fill");
}

static void validate_prescription(struct row *r)
{
    if (val_id(r, RX_ID, RX_ID, true) == 0)
        row_set_id(r, RX_ID);
    if (val_id(r, RX_PAT, RX_PAT, true) == 0)
        ref_check(r, RX_PAT, KIND_PATIENTS, "patient");
    check_rx_dates(r);
    val_text(r, RX_DRUG, RX_DRUG, true, 500);
    val_number(r, RX_QTY, RX_QTY, true, 0, true, "a quantity greater than 0", NULL);
    /* The column is required, but extracts do lose the value: kept, flagged, MED not computed. */
    val_whole(r, RX_DAYS, RX_DAYS, false, "a whole number of days greater than 0");
    if (!row_cell(r, RX_DAYS, NULL))
        row_flag(r, "days_supply_missing");
    val_id(r, RX_CLIN, RX_CLIN, false);
    check_ndc(r);
    check_digits(r, RX_RXNORM, 10, "an RxNorm concept id (digits)");
    val_number(r, RX_STRENGTH, RX_STRENGTH, false, 0, false, "a strength of 0 or more", NULL);
    val_text(r, RX_UNIT, RX_UNIT, false, 32);
    val_text(r, RX_FORM, RX_FORM, false, 64);
    check_sig(r, RX_DOSE, false);
    check_sig(r, RX_PERDAY, true);
    val_bool(r, RX_PRN, RX_PRN);
    val_id(r, RX_PHARMACY, RX_PHARMACY, false);
    val_text(r, RX_SOURCE, RX_SOURCE, false, 64);
    if (!r->errors)
        rx_med_apply(importer_med(r->imp), r);
}

/* ---------------------------------------------------------------- events */

static const char *const event_cols[] = {"patient_id", "type",         "date",
                                         "result",     "clinician_id", "note"};
enum { E_PAT, E_TYPE, E_DATE, E_RESULT, E_CLIN, E_NOTE };

static const char *const event_types[] = {
    "pdmp_check",  "udt",          "agreement", "naloxone",  "education",
    "referral_bh", "referral_oud", "moud",      "care_plan", "taper_plan",
    "overdose",    "early_refill", NULL};

/* "patient/type/date" for examples in the summary; parts that failed their checks are empty. */
static void key_id(struct row *r, int a, int b, int c)
{
    const struct store_val *v[3] = {&r->v[a], &r->v[b], &r->v[c]};
    const char *s[3];
    int n[3];
    for (int i = 0; i < 3; i++) {
        bool text = v[i]->t == SV_TEXT;
        s[i] = text ? v[i]->s : "";
        n[i] = text ? (int)v[i]->len : 0;
    }
    snprintf(r->id, sizeof r->id, "%.*s/%.*s/%.*s", n[0], s[0], n[1], s[1], n[2], s[2]);
}

static void validate_event(struct row *r)
{
    if (val_id(r, E_PAT, E_PAT, true) == 0)
        ref_check(r, E_PAT, KIND_PATIENTS, "patient");
    val_enum(r, E_TYPE, E_TYPE, true, event_types,
             "an event type: pdmp_check, udt, agreement, naloxone, education, referral_bh, "
             "referral_oud, moud, care_plan, taper_plan, overdose or early_refill");
    val_date(r, E_DATE, E_DATE, true, date_floor(), date_ceiling(r), NULL);
    val_text(r, E_RESULT, E_RESULT, false, 500);
    val_id(r, E_CLIN, E_CLIN, false);
    val_text(r, E_NOTE, E_NOTE, false, 4000);
    key_id(r, E_PAT, E_TYPE, E_DATE);
}

/* ---------------------------------------------------------------- assessments */

static const char *const assess_cols[] = {"patient_id", "instrument", "date", "score", "items"};
enum { A_PAT, A_INSTR, A_DATE, A_SCORE, A_ITEMS, A_DQ };

static const char *const builtin_instruments[] = {"peg",     "phq9", "phq2",    "gad7",     "ort",
                                                  "ort_oud", "comm", "pcptsd5", "stopbang", NULL};

static void check_instrument(struct row *r)
{
    size_t len;
    const char *s = row_cell(r, A_INSTR, &len);
    if (!s) {
        row_error(r, A_INSTR, "a value (the column is required)");
        return;
    }
    for (const char *const *b = builtin_instruments; *b; b++)
        if (strlen(*b) == len && strncasecmp(s, *b, len) == 0) {
            val_str(r, A_INSTR, *b);
            return;
        }
    char id[64];
    if (len < sizeof id) {
        memcpy(id, s, len);
        id[len] = 0;
        if (importer_instrument_known(r->imp, id)) {
            val_text(r, A_INSTR, A_INSTR, true, sizeof id);
            return;
        }
    }
    row_error(r, A_INSTR,
              "an instrument: peg, phq9, phq2, gad7, ort, ort_oud, comm, pcptsd5, "
              "stopbang, or one a plugin registers");
}

/* Items are responses separated by ';'. Returns the count, or -1 after reporting. */
static int parse_items(struct row *r, double *items, int max)
{
    size_t len;
    const char *s = row_cell(r, A_ITEMS, &len);
    if (!s)
        return 0;
    int n = 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && s[j] != ';')
            j++;
        size_t a = i, b = j;
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        if (n == max || !parse_number(s + a, b - a, &items[n]) || items[n] < 0) {
            row_error(r, A_ITEMS, "responses of 0 or more separated by ';' (\"6;7;5\")");
            return -1;
        }
        n++;
        i = j + 1;
    }
    return n;
}

static void score_items(struct row *r, const double *items, int n, double given)
{
    bool known = false;
    long expected = 0;
    double score = NAN;
    char err[512];
    const char *instr = r->v[A_INSTR].s;
    if (importer_score(r->imp, instr, r->v[A_PAT].s, items, (size_t)n, &known, &expected, &score,
                       err, sizeof err) != 0) {
        if (expected && expected != n)
            row_errorf(r, A_ITEMS, "expected %ld responses for %s, found %d", expected, instr, n);
        else
            row_errorf(r, A_ITEMS, "the %s scoring failed: %s", instr, err);
        return;
    }
    if (!known) {
        if (isnan(given))
            row_flag(r, "score_not_computed");
        return;
    }
    if (isnan(given))
        val_real(r, A_SCORE, score);
    else if (fabs(given - score) > 0.005)
        row_flag(r, "score_disagrees_with_items");
}

static void validate_assessment(struct row *r)
{
    if (val_id(r, A_PAT, A_PAT, true) == 0)
        ref_check(r, A_PAT, KIND_PATIENTS, "patient");
    check_instrument(r);
    val_date(r, A_DATE, A_DATE, true, date_floor(), date_ceiling(r), NULL);
    double given = NAN, items[64];
    val_number(r, A_SCORE, A_SCORE, false, 0, false, "a score of 0 or more", &given);
    int n = parse_items(r, items, (int)ARRAY_LEN(items));
    if (n > 0)
        val_text(r, A_ITEMS, A_ITEMS, false, 1000);
    else
        val_null(r, A_ITEMS);
    if (n == 0 && isnan(given) && !row_cell(r, A_SCORE, NULL))
        row_errorf(r, A_SCORE, "expected a score, items, or both");
    if (!r->errors && n > 0)
        score_items(r, items, n, given);
    val_str(r, A_DQ, r->dq[0] ? r->dq : NULL);
    if (r->v[A_INSTR].t == SV_TEXT)
        key_id(r, A_PAT, A_INSTR, A_DATE);
}

/* ---------------------------------------------------------------- appointments */

static const char *const appt_cols[] = {"appointment_id", "patient_id", "date",  "clinician_id",
                                        "time",           "type",       "status"};
enum { AP_ID, AP_PAT, AP_DATE, AP_CLIN, AP_TIME, AP_TYPE, AP_STATUS };

static void check_time(struct row *r)
{
    size_t len;
    const char *s = row_cell(r, AP_TIME, &len);
    if (!s) {
        val_null(r, AP_TIME);
        return;
    }
    bool ok = len == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
              s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
              (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
    if (ok)
        val_text(r, AP_TIME, AP_TIME, false, 5);
    else
        row_error(r, AP_TIME, "a time as HH:MM (24-hour)");
}

static void validate_appointment(struct row *r)
{
    static const char *const status[] = {"scheduled", "arrived",     "completed", "cancelled",
                                         "no_show",   "rescheduled", NULL};
    if (val_id(r, AP_ID, AP_ID, true) == 0)
        row_set_id(r, AP_ID);
    if (val_id(r, AP_PAT, AP_PAT, true) == 0)
        ref_check(r, AP_PAT, KIND_PATIENTS, "patient");
    val_date(r, AP_DATE, AP_DATE, true, date_floor(), date_ceiling(r), NULL);
    val_id(r, AP_CLIN, AP_CLIN, false);
    check_time(r);
    val_text(r, AP_TYPE, AP_TYPE, false, 100);
    val_enum(r, AP_STATUS, AP_STATUS, false, status,
             "scheduled, arrived, completed, cancelled, no_show or rescheduled");
}

/* ---------------------------------------------------------------- diagnoses */

static const char *const dx_cols[] = {"patient_id", "code", "date", "end_date"};
enum { D_PAT, D_CODE, D_DATE, D_END };

/* ICD-10-CM: a letter, two characters, then up to four after a dot. Extracts often drop the dot
 * ("F1120"); it is put back so rules written as F11.20 or F11.* match. */
static void check_code(struct row *r)
{
    size_t len;
    const char *s = row_cell(r, D_CODE, &len);
    if (!s) {
        row_error(r, D_CODE, "a value (the column is required)");
        return;
    }
    char *out = r->scratch[1];
    size_t n = 0;
    bool ok = len >= 3 && len <= 8;
    for (size_t i = 0; ok && i < len; i++) {
        char c = (char)toupper((unsigned char)s[i]);
        if (c == '.' && i == 3 && len > 4)
            continue;
        ok = i == 0 ? (c >= 'A' && c <= 'Z') : isalnum((unsigned char)c);
        if (ok && n == 3)
            out[n++] = '.';
        out[n++] = c;
    }
    out[n] = 0;
    if (ok && isdigit((unsigned char)out[1]) && n <= 8) {
        val_str(r, D_CODE, out);
        return;
    }
    row_error(r, D_CODE,
              "an ICD-10-CM code such as F11.20 (letter, digit, character, then "
              "up to four after the dot)");
}

static void validate_diagnosis(struct row *r)
{
    day_t from, to;
    if (val_id(r, D_PAT, D_PAT, true) == 0)
        ref_check(r, D_PAT, KIND_PATIENTS, "patient");
    check_code(r);
    val_date(r, D_DATE, D_DATE, true, date_floor(), date_ceiling(r), &from);
    val_date(r, D_END, D_END, false, date_floor(), date_ceiling(r), &to);
    if (from != DATE_NONE && to != DATE_NONE && to < from)
        row_error(r, D_END, "an end date on or after the diagnosis date");
    key_id(r, D_PAT, D_CODE, D_DATE);
}

/* ---------------------------------------------------------------- the table */

const struct kind_def import_kinds[KIND_COUNT] = {
    [KIND_SITES] = {"sites", site_cols, 3, 2, 0, validate_site},
    [KIND_CLINICIANS] = {"clinicians", clin_cols, 7, 3, 0, validate_clinician},
    [KIND_PATIENTS] = {"patients", pat_cols, 7, 5, 1u << P_NAME, validate_patient},
    [KIND_PRESCRIPTIONS] = {"prescriptions", rx_cols, 18, 6, 0, validate_prescription},
    [KIND_EVENTS] = {"events", event_cols, 6, 3, (1u << E_NOTE) | (1u << E_RESULT), validate_event},
    [KIND_ASSESSMENTS] = {"assessments", assess_cols, 5, 3, 0, validate_assessment},
    [KIND_APPOINTMENTS] = {"appointments", appt_cols, 7, 3, 0, validate_appointment},
    [KIND_DIAGNOSES] = {"diagnoses", dx_cols, 4, 3, 0, validate_diagnosis},
};

/* The kinds and the store's tables are numbered alike. */
_Static_assert(KIND_COUNT == (int)STORE_IMPORT_TABLES, "a kind per table");
_Static_assert(KIND_SITES == (int)STORE_SITES && KIND_CLINICIANS == (int)STORE_CLINICIANS &&
                   KIND_PATIENTS == (int)STORE_PATIENTS &&
                   KIND_PRESCRIPTIONS == (int)STORE_PRESCRIPTIONS &&
                   KIND_EVENTS == (int)STORE_EVENTS && KIND_ASSESSMENTS == (int)STORE_ASSESSMENTS &&
                   KIND_APPOINTMENTS == (int)STORE_APPOINTMENTS &&
                   KIND_DIAGNOSES == (int)STORE_DIAGNOSES,
               "kinds and tables in the same order");

int import_kind_from_name(const char *name)
{
    for (int k = 0; k < KIND_COUNT; k++)
        if (strcmp(name, import_kinds[k].name) == 0)
            return k;
    return -1;
}

const char *import_kind_name(enum import_kind k)
{
    return import_kinds[k].name;
}

size_t import_kind_columns(enum import_kind k, const char *const **names)
{
    *names = import_kinds[k].columns;
    return import_kinds[k].ncolumns;
}

size_t import_kind_required(enum import_kind k)
{
    return import_kinds[k].nrequired;
}
