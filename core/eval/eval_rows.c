/* Reading rows: each table read once in patient order and merged patient by patient, so the
 * whole population costs one pass and no query per patient; every fill's MED is recomputed
 * under the site's current standard, so a change of standard never leaves stale numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

static day_t col_date(struct store_cursor *st, int i)
{
    const char *s = store_col_text(st, i);
    day_t d;
    if (!s || date_parse(s, strlen(s), &d) != 0)
        return DATE_NONE;
    return d;
}

/* Copies a string into the rows' arena ("" for NULL) and returns its offset. */
static size_t arena_add(struct patient_rows *pr, const char *v)
{
    size_t at = pr->arena.len;
    buf_append(&pr->arena, v ? v : "", strlen(v ? v : "") + 1);
    return at;
}

static void rows_add_fill(struct eval_engine *e, struct patient_rows *pr, struct store_cursor *st,
                          day_t as_of)
{
    day_t date = col_date(st, 2);
    if (date == DATE_NONE)
        return;
    struct med_fill mf;
    char err[MED_ERROR_MAX];
    const char *why = fill_lookup(e, st, &mf, err, sizeof err);
    if (pr->nfills == pr->capfills) {
        pr->capfills = pr->capfills ? pr->capfills * 2 : 32;
        pr->fills = xrealloc(pr->fills, pr->capfills * sizeof *pr->fills);
        pr->rx_at = xrealloc(pr->rx_at, pr->capfills * sizeof *pr->rx_at);
        pr->why_at = xrealloc(pr->why_at, pr->capfills * sizeof *pr->why_at);
        pr->prescriber_at = xrealloc(pr->prescriber_at, pr->capfills * sizeof *pr->prescriber_at);
        pr->pharmacy_at = xrealloc(pr->pharmacy_at, pr->capfills * sizeof *pr->pharmacy_at);
    }
    size_t i = pr->nfills++;
    double supply = store_col_num(st, 5);
    mf.fill_date = date;
    mf.days_supply = isnan(supply) ? 0 : (int32_t)supply;
    pr->fills[i] = mf;
    const char *rx = store_col_text(st, 1);
    pr->rx_at[i] = arena_add(pr, rx ? rx : "?");
    pr->prescriber_at[i] = arena_add(pr, store_col_text(st, 14));
    pr->pharmacy_at[i] = arena_add(pr, store_col_text(st, 15));
    pr->why_at[i] = why ? arena_add(pr, why) : (size_t)-1;
    day_t *last = NULL;
    switch (mf.cls) {
    case MED_CLASS_NALOXONE:
        last = &pr->last_fill_naloxone;
        break;
    case MED_CLASS_MOUD:
        last = &pr->last_fill_moud;
        break;
    case MED_CLASS_BENZO:
        last = &pr->last_fill_benzo;
        break;
    case MED_CLASS_OPIOID:
    case MED_CLASS_BUP_PAIN:
        last = &pr->last_fill_opioid;
        break;
    default:
        break;
    }
    if (last && date <= as_of && (*last == DATE_NONE || date > *last))
        *last = date;
}

static void rows_add_score(struct patient_rows *pr, struct store_cursor *st)
{
    if (pr->nscores == pr->capscores) {
        pr->capscores = pr->capscores ? pr->capscores * 2 : 8;
        pr->scores = xrealloc(pr->scores, pr->capscores * sizeof *pr->scores);
    }
    struct score *s = &pr->scores[pr->nscores];
    const char *inst = store_col_text(st, 1);
    str_copy(s->instrument, sizeof s->instrument, inst ? inst : "");
    s->date = col_date(st, 2);
    s->has_score = store_col_type(st, 3) != STORE_COL_NULL;
    s->score = s->has_score ? store_col_num(st, 3) : 0;
    if (s->date != DATE_NONE)
        pr->nscores++;
}

/* Keeps the diagnosis, classified once, for evaluation at earlier dates (facts_at). Codes that
 * no rule looks at are dropped. */
static void rows_add_dated_dx(const struct rules *ru, struct patient_rows *pr, const char *code,
                              day_t date, day_t end)
{
    unsigned flags = (code_in_set(&ru->label, code) ? DX_LABEL : 0) |
                     (code_in_set(&ru->oud, code) ? DX_OUD : 0) |
                     (code_in_set(&ru->cancer, code) ? DX_CANCER : 0) |
                     (code_in_set(&ru->sickle, code) ? DX_SICKLE : 0) |
                     (code_in_set(&ru->palliative, code) ? DX_PALLIATIVE : 0);
    if (!flags)
        return;
    if (pr->ndxs == pr->capdxs) {
        pr->capdxs = pr->capdxs ? pr->capdxs * 2 : 8;
        pr->dxs = xrealloc(pr->dxs, pr->capdxs * sizeof *pr->dxs);
    }
    pr->dxs[pr->ndxs++] = (struct dated_dx){flags, date, end};
}

static void rows_add_event(struct patient_rows *pr, int type, day_t date)
{
    if (type < 0 || date == DATE_NONE)
        return;
    if (pr->last_event[type] == DATE_NONE || date > pr->last_event[type])
        pr->last_event[type] = date;
    if (pr->nevents == pr->capevents) {
        pr->capevents = pr->capevents ? pr->capevents * 2 : 16;
        pr->events = xrealloc(pr->events, pr->capevents * sizeof *pr->events);
    }
    pr->events[pr->nevents++] = (struct dated_event){type, date};
}

static void rows_add_diagnosis(const struct rules *ru, struct patient_rows *pr,
                               struct store_cursor *st, day_t as_of)
{
    char code[32];
    const char *raw = store_col_text(st, 1);
    code_normalize(raw ? raw : "", code, sizeof code);
    day_t date = col_date(st, 2), end = col_date(st, 3);
    if (date == DATE_NONE || date > as_of)
        return;
    rows_add_dated_dx(ru, pr, code, date, end);
    bool active = end == DATE_NONE || end >= as_of;
    char d[16];
    if (active && code_in_set(&ru->label, code) && !pr->labeled) {
        pr->labeled = true;
        snprintf(pr->label_code, sizeof pr->label_code, "%s", raw);
    }
    if (active && code_in_set(&ru->oud, code) && (!pr->oud || date < pr->oud_date)) {
        pr->oud = true;
        pr->oud_date = date;
    }
    if (pr->exclusion[0])
        return;
    if (code_in_set(&ru->cancer, code) && date > as_of - ru->cancer_days)
        snprintf(pr->exclusion, sizeof pr->exclusion, "active cancer (%s on %s)", raw,
                 date_format(date, d));
    else if (code_in_set(&ru->sickle, code))
        snprintf(pr->exclusion, sizeof pr->exclusion, "sickle cell disease (%s on %s)", raw,
                 date_format(date, d));
    else if (code_in_set(&ru->palliative, code) && date > as_of - ru->palliative_days)
        snprintf(pr->exclusion, sizeof pr->exclusion, "hospice or palliative care (%s on %s)", raw,
                 date_format(date, d));
}

static void rows_reset(struct patient_rows *pr)
{
    pr->nfills = 0;
    pr->nscores = 0;
    pr->nevents = 0;
    pr->ndxs = 0;
    pr->arena.len = 0;
    for (int i = 0; i < EV_N; i++)
        pr->last_event[i] = DATE_NONE;
    pr->last_fill_naloxone = pr->last_fill_moud = pr->last_fill_opioid = pr->last_fill_benzo =
        DATE_NONE;
    pr->last_visit = pr->next_visit = DATE_NONE;
    pr->labeled = pr->oud = false;
    pr->label_code[0] = 0;
    pr->oud_date = DATE_NONE;
    pr->exclusion[0] = 0;
}

static void copy_id(char *dst, const char *src)
{
    str_copy(dst, ID_MAX, src ? src : "");
}

static void read_appointment(struct patient_rows *pr, struct store_cursor *st, day_t as_of)
{
    day_t date = col_date(st, 1);
    const char *status = store_col_text(st, 2);
    bool cancelled = status && (strcmp(status, "cancelled") == 0 || strcmp(status, "no_show") == 0);
    if (date == DATE_NONE)
        return;
    if (date <= as_of && !cancelled && (pr->last_visit == DATE_NONE || date > pr->last_visit))
        pr->last_visit = date;
    if (date > as_of && (!status || !*status || strcmp(status, "scheduled") == 0) &&
        (pr->next_visit == DATE_NONE || date < pr->next_visit))
        pr->next_visit = date;
}

/* The next patient with all their rows, and their facts. false at the end. */
static bool reader_next(struct reader *rd, struct patient_rows *pr, struct facts *f)
{
    struct eval_engine *e = rd->en;
    day_t as_of = rd->as_of;
    struct store_cursor *ps = store_rows_patients(rd->rows);
    if (!store_cursor_step(ps))
        return false;
    struct store_cursor *c[ROWS_N];
    for (int i = 0; i < ROWS_N; i++)
        c[i] = store_rows_table(rd->rows, (enum store_rows_table)i);
    rows_reset(pr);
    copy_id(pr->id, store_col_text(ps, 0));
    copy_id(pr->site, store_col_text(ps, 1));
    const char *clin = store_col_text(ps, 2);
    pr->has_clinician = clin && *clin;
    copy_id(pr->clinician, clin);
    pr->birth = col_date(ps, 3);
    const char *sex = store_col_text(ps, 4);
    str_copy(pr->sex, sizeof pr->sex, sex ? sex : "");
    for (; store_cursor_at(c[ROWS_FILLS], pr->id); store_cursor_step(c[ROWS_FILLS]))
        rows_add_fill(e, pr, c[ROWS_FILLS], as_of);
    for (struct store_cursor *ev = c[ROWS_EVENTS]; store_cursor_at(ev, pr->id);
         store_cursor_step(ev)) {
        const char *type = store_col_text(ev, 1);
        rows_add_event(pr, event_type_index(type ? type : ""), col_date(ev, 2));
    }
    for (; store_cursor_at(c[ROWS_ASSESSMENTS], pr->id); store_cursor_step(c[ROWS_ASSESSMENTS]))
        rows_add_score(pr, c[ROWS_ASSESSMENTS]);
    for (; store_cursor_at(c[ROWS_APPOINTMENTS], pr->id); store_cursor_step(c[ROWS_APPOINTMENTS]))
        read_appointment(pr, c[ROWS_APPOINTMENTS], as_of);
    for (; store_cursor_at(c[ROWS_DX], pr->id); store_cursor_step(c[ROWS_DX]))
        rows_add_diagnosis(&e->rules, pr, c[ROWS_DX], as_of);
    if (!rd->rows_only)
        facts_compute(&e->rules, e->std, e->tl, pr, as_of, f);
    return true;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Makes the reader walk a list of patients: sorted, so the index is read in order, and without
 * repeats, so each patient is evaluated once. */
static void reader_set_list(struct reader *rd, const char *const *ids, size_t n)
{
    rd->ids = xmalloc((n ? n : 1) * sizeof *rd->ids);
    memcpy(rd->ids, ids, n * sizeof *ids);
    qsort(rd->ids, n, sizeof *rd->ids, cmp_id);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(rd->ids[k - 1], rd->ids[i]) != 0)
            rd->ids[k++] = rd->ids[i];
    rd->nids = k;
    rd->at = 0;
    rd->bound = false;
}

/* The next patient of the population or of the list. */
bool reader_next_any(struct reader *rd, struct patient_rows *pr, struct facts *f)
{
    if (!rd->ids)
        return reader_next(rd, pr, f);
    while (rd->at < rd->nids) {
        if (!rd->bound) {
            store_rows_rebind(rd->rows, rd->ids[rd->at]);
            rd->bound = true;
        }
        if (reader_next(rd, pr, f))
            return true;
        rd->at++;
        rd->bound = false;
    }
    return false;
}

void patient_rows_free(struct patient_rows *pr)
{
    free(pr->fills);
    free(pr->rx_at);
    free(pr->why_at);
    free(pr->prescriber_at);
    free(pr->pharmacy_at);
    free(pr->events);
    free(pr->dxs);
    free(pr->scores);
    buf_free(&pr->arena);
}

static void *dup_array(const void *p, size_t n, size_t size)
{
    if (!p || !n)
        return NULL;
    void *q = xmalloc(n * size);
    memcpy(q, p, n * size);
    return q;
}

void patient_rows_copy(struct patient_rows *dst, const struct patient_rows *src)
{
    *dst = *src;
    dst->capfills = src->nfills;
    dst->fills = dup_array(src->fills, src->nfills, sizeof *src->fills);
    dst->rx_at = dup_array(src->rx_at, src->nfills, sizeof *src->rx_at);
    dst->why_at = dup_array(src->why_at, src->nfills, sizeof *src->why_at);
    dst->prescriber_at = dup_array(src->prescriber_at, src->nfills, sizeof *src->prescriber_at);
    dst->pharmacy_at = dup_array(src->pharmacy_at, src->nfills, sizeof *src->pharmacy_at);
    dst->capevents = src->nevents;
    dst->events = dup_array(src->events, src->nevents, sizeof *src->events);
    dst->capdxs = src->ndxs;
    dst->dxs = dup_array(src->dxs, src->ndxs, sizeof *src->dxs);
    dst->capscores = src->nscores;
    dst->scores = dup_array(src->scores, src->nscores, sizeof *src->scores);
    memset(&dst->arena, 0, sizeof dst->arena);
    buf_append(&dst->arena, src->arena.data ? src->arena.data : "", src->arena.len);
}

int reader_open(struct reader *rd, struct eval_engine *en, const struct eval_pass *p, char *err,
                size_t errlen)
{
    memset(rd, 0, sizeof *rd);
    rd->en = en;
    rd->as_of = p->as_of;
    rd->rows_only = p->rows_only;
    const struct eval_filter *flt = p->filter;
    char d[16], oldest[16];
    date_format(p->as_of, d);
    /* Fills older than three years before the earliest date evaluated cannot reach any window
     * the rules look at. */
    day_t base = p->earliest != DATE_NONE && p->earliest < p->as_of ? p->earliest : p->as_of;
    date_format(base - 3 * 366, oldest);
    struct store_rows_query q = {.patient = flt->patient,
                                 .site = flt->site,
                                 .clinician = flt->clinician,
                                 .one_by_one = flt->patient || flt->npatients,
                                 .prescribers = p->rows_only,
                                 .as_of = d,
                                 .oldest_fill = oldest};
    rd->rows = store_rows_open(en->s, &q, err, errlen);
    if (!rd->rows)
        return -1;
    if (flt->npatients && !flt->patient)
        reader_set_list(rd, flt->patients, flt->npatients);
    return 0;
}

void reader_close(struct reader *rd)
{
    free((void *)rd->ids);
    store_rows_close(rd->rows);
}
