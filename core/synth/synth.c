/* Synthetic organisation generator: the organisation (sites, clinicians, pharmacies), the
 * per-patient loop, and the CSV writers. Patients are generated and written one at a time, so
 * memory stays small whatever the number of patients; output goes through large buffers that
 * are flushed to temporary files and renamed into place at the end. */
#include "synth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth_internal.h"

#define FLUSH_AT (1u << 20)

static const struct {
    const char *name, *header;
} files[SYNTH_NFILES] = {
    [SYNTH_SITES] = {"sites.csv", "site_id,name,timezone"},
    [SYNTH_CLINICIANS] = {"clinicians.csv",
                          "clinician_id,site_id,name,role,npi,pdmp_registered,delegate_of"},
    [SYNTH_PATIENTS] = {"patients.csv",
                        "patient_id,site_id,clinician_id,birth_date,sex,name,status"},
    [SYNTH_PRESCRIPTIONS] =
        {"prescriptions.csv",
         "rx_id,patient_id,fill_date,drug,quantity,days_supply,clinician_id,ndc,"
         "rxnorm,strength,strength_unit,form,dose,doses_per_day,prn,"
         "written_date,pharmacy_id,source"},
    [SYNTH_EVENTS] = {"events.csv", "patient_id,type,date,result,clinician_id,note"},
    [SYNTH_ASSESSMENTS] = {"assessments.csv", "patient_id,instrument,date,score,items"},
    [SYNTH_APPOINTMENTS] = {"appointments.csv",
                            "appointment_id,patient_id,date,clinician_id,time,type,status"},
    [SYNTH_DIAGNOSES] = {"diagnoses.csv", "patient_id,code,date,end_date"},
};

const char *synth_file_name(enum synth_file f)
{
    return files[f].name;
}

const char *synth_file_header(enum synth_file f)
{
    return files[f].header;
}

int synth_default_sites(int patients)
{
    int k = patients / 2000;
    return k < 3 ? 3 : k > 12 ? 12 : k;
}

/* ---- CSV output ---- */

static void sink_flush(struct gen *g, struct sink *s)
{
    if (s->fd < 0 || s->b.len == 0)
        return;
    size_t off = 0;
    while (off < s->b.len && !g->werr) {
        ssize_t w = write(s->fd, s->b.data + off, s->b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            g->werr = errno;
        else
            off += (size_t)w;
    }
    s->b.len = 0;
}

/* Every row is short (well under ROW_MAX bytes), so end_row() keeps ROW_MAX bytes free and the
 * put functions below copy without checking capacity byte by byte. */
#define ROW_MAX 4096

static inline void put(struct sink *s, const char *p, size_t n)
{
    memcpy(s->b.data + s->b.len, p, n);
    s->b.len += n;
}

static inline void put_sep(struct sink *s)
{
    s->b.data[s->b.len++] = ',';
}

/* A field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void put_field(struct sink *s, const char *v)
{
    if (!v)
        return;
    const char *c = v;
    while (*c && *c != ',' && *c != '"' && *c != '\n' && *c != '\r')
        c++;
    if (!*c) {
        put(s, v, (size_t)(c - v));
        return;
    }
    char *w = s->b.data + s->b.len;
    *w++ = '"';
    for (c = v; *c; c++) {
        if (*c == '"')
            *w++ = '"';
        *w++ = *c;
    }
    *w++ = '"';
    s->b.len = (size_t)(w - s->b.data);
}

/* A non-negative number, zero-padded to at least width digits. */
static void put_uint(struct sink *s, unsigned long v, int width)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while ((int)sizeof tmp - i < width)
        tmp[--i] = '0';
    put(s, tmp + i, sizeof tmp - (size_t)i);
}

static void put_int(struct sink *s, long v)
{
    if (v < 0) {
        put(s, "-", 1);
        v = -v;
    }
    put_uint(s, (unsigned long)v, 1);
}

/* Dates near the as-of date are formatted once, in a table; the rest (birth dates, old
 * diagnoses) go through date_format(). */
#define DATE_TABLE_DAYS 4200

static void put_date(struct gen *g, struct sink *s, day_t d)
{
    char tmp[11];
    if (d == DATE_NONE)
        return;
    long k = (long)d - g->date_base;
    if (k >= 0 && k < DATE_TABLE_DAYS) {
        put(s, g->date_table + k * 10, 10);
        return;
    }
    date_format(d, tmp);
    put(s, tmp, 10);
}

/* An identifier: prefix and zero-padded number ("RX00001234"). */
static void put_id(struct sink *s, const char *prefix, long n, int width)
{
    put(s, prefix, strlen(prefix));
    put_uint(s, (unsigned long)n, width);
}

static void end_row(struct gen *g, struct sink *s)
{
    s->b.data[s->b.len++] = '\n';
    s->rows++;
    if (s->b.len >= FLUSH_AT)
        sink_flush(g, s);
    buf_reserve(&s->b, ROW_MAX);
    s->b.data[s->b.len] = 0;
}

static void put_header(struct sink *s, enum synth_file f)
{
    buf_reserve(&s->b, ROW_MAX);
    buf_puts(&s->b, files[f].header);
    buf_puts(&s->b, "\n");
    buf_reserve(&s->b, ROW_MAX);
}

/* ---- the organisation ---- */

static const char *const site_places[] = {
    "Larkmoor",   "Fennhollow", "Tallowmere",   "Cindervale",       "Brackenrill", "Gorsebeck",
    "Quillstead", "Hollowmere", "Thistlecombe", "Moss Landing Row", "Emberfield",  "Pellmoor"};
static const char *const site_kinds[] = {"Family Medicine", "Community Health Center",
                                         "Primary Care", "Internal Medicine"};
/* Mostly the Pacific Northwest, where the program started, then across the country. */
static const char *const site_zones[] = {"America/Los_Angeles", "America/Denver",
                                         "America/Chicago",     "America/New_York",
                                         "America/Phoenix",     "America/Boise",
                                         "America/Anchorage",   "Pacific/Honolulu",
                                         "America/Detroit",     "America/Indiana/Indianapolis",
                                         "America/Los_Angeles", "America/Chicago"};

static const char *const role_names[] = {[ROLE_MD] = "MD", [ROLE_DO] = "DO", [ROLE_NP] = "NP",
                                         [ROLE_PA] = "PA", [ROLE_RN] = "RN", [ROLE_MA] = "MA"};

/* NPI-shaped number: ten digits with a valid Luhn check digit (computed with the 80840 prefix
 * the NPI standard prescribes) but starting with 9, which the NPI system has never issued, so no
 * synthetic clinician can be mistaken for a real one. */
static void make_npi(struct rng *r, char out[12])
{
    int d[9];
    d[0] = 9;
    for (int i = 1; i < 9; i++)
        d[i] = (int)rng_below(r, 10);
    int sum = 24; /* the prefix 80840 contributes 24 to the Luhn sum */
    for (int i = 8, dbl = 1; i >= 0; i--, dbl = !dbl) {
        int v = dbl ? d[i] * 2 : d[i];
        sum += v > 9 ? v - 9 : v;
    }
    for (int i = 0; i < 9; i++)
        out[i] = (char)('0' + d[i]);
    out[9] = (char)('0' + (10 - sum % 10) % 10);
    out[10] = 0;
}

static void site_name(int i, char *out, size_t n)
{
    int np = (int)ARRAY_LEN(site_places), nk = (int)ARRAY_LEN(site_kinds);
    if (i < np * nk)
        snprintf(out, n, "%s %s", site_places[i % np], site_kinds[(i / np + i) % nk]);
    else
        snprintf(out, n, "%s %s %d", site_places[i % np], site_kinds[i % nk], i / np + 1);
}

static void new_clinician(struct gen *g, struct rng *r, int site, bool delegate)
{
    struct org *org = &g->org;
    struct clinician *c = &org->clin[org->nclin];
    /* Prescribers take roles in this rotation (about 45% MD, 15% DO, 25% NP, 15% PA), so
     * even a small organisation has every kind. */
    static const enum role rotation[] = {
        ROLE_MD, ROLE_NP, ROLE_DO, ROLE_PA, ROLE_MD, ROLE_NP, ROLE_MD, ROLE_MD, ROLE_PA, ROLE_NP,
        ROLE_MD, ROLE_DO, ROLE_MD, ROLE_NP, ROLE_MD, ROLE_PA, ROLE_MD, ROLE_NP, ROLE_DO, ROLE_MD};
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "C%04d", org->nclin + 1);
    c->site = site;
    c->role = delegate ? (rng_permille(r, 500) ? ROLE_RN : ROLE_MA)
                       : rotation[org->nprescribers++ % ARRAY_LEN(rotation)];
    synth_make_name(r, rng_permille(r, 550) ? 'F' : 'M', c->name, sizeof c->name, false);
    make_npi(r, c->npi);
    c->diligence = rng_permille(r, 150) ? rng_range(r, 200, 450) : rng_range(r, 450, 950);
    c->panel = rng_range(r, 50, 150);
    c->delegate_of = -1;
    if (delegate || rng_permille(r, 820))
        c->pdmp =
            g->as_of - (rng_permille(r, 800) ? rng_range(r, 400, 3000) : rng_range(r, 20, 365));
    else
        c->pdmp = DATE_NONE;
    org->nclin++;
}

/* Only a registered prescriber can have a PDMP delegate; take one when the site has any. */
static int delegating_prescriber(const struct org *org, struct rng *r, const struct site *s)
{
    int pick = rng_range(r, s->presc_lo, s->presc_hi - 1);
    for (int k = 0; k < s->presc_hi - s->presc_lo; k++) {
        int c = s->presc_lo + (pick - s->presc_lo + k) % (s->presc_hi - s->presc_lo);
        if (org->clin[c].pdmp != DATE_NONE)
            return c;
    }
    return pick;
}

static void build_site(struct gen *g, struct rng *r, int i, int total_weight)
{
    struct org *org = &g->org;
    struct site *s = &org->sites[i];
    long expected = (long)g->o->patients * s->weight / total_weight;
    int prescribers = (int)((expected + 75) / 150);
    if (prescribers < 2)
        prescribers = 2;
    int delegates = 1 + prescribers / 8;
    org->clin =
        xrealloc(org->clin, (size_t)(org->nclin + prescribers + delegates) * sizeof *org->clin);
    s->presc_lo = org->nclin;
    for (int k = 0; k < prescribers; k++)
        new_clinician(g, r, i, false);
    s->presc_hi = s->deleg_lo = org->nclin;
    for (int k = 0; k < delegates; k++) {
        new_clinician(g, r, i, true);
        org->clin[org->nclin - 1].delegate_of = delegating_prescriber(org, r, s);
    }
    s->deleg_hi = org->nclin;
    s->pharm_lo = org->npharm;
    org->npharm += rng_range(r, 3, 5);
    s->pharm_hi = org->npharm;
}

static void build_org(struct gen *g)
{
    struct org *org = &g->org;
    struct rng r;
    rng_seed(&r, g->o->seed, 0); /* stream 0: the organisation; patients use 1..N */
    org->nsites = g->o->sites > 0 ? g->o->sites : synth_default_sites(g->o->patients);
    org->sites = xcalloc((size_t)org->nsites, sizeof *org->sites);
    int total = 0;
    for (int i = 0; i < org->nsites; i++) {
        struct site *s = &org->sites[i];
        snprintf(s->id, sizeof s->id, "S%02d", i + 1);
        site_name(i, s->name, sizeof s->name);
        s->tz = site_zones[i % ARRAY_LEN(site_zones)];
        s->weight = rng_range(&r, 60, 140);
        total += s->weight;
    }
    for (int i = 0; i < org->nsites; i++)
        build_site(g, &r, i, total);
    org->shared_pharm_lo = org->npharm;
    org->npharm += 3; /* mail order and two chain pharmacies used across the organisation */
}

static void write_org(struct gen *g)
{
    const struct org *org = &g->org;
    struct sink *s = &g->out[SYNTH_SITES];
    for (int i = 0; i < org->nsites; i++) {
        put_field(s, org->sites[i].id), put_sep(s);
        put_field(s, org->sites[i].name), put_sep(s);
        put_field(s, org->sites[i].tz);
        end_row(g, s);
    }
    s = &g->out[SYNTH_CLINICIANS];
    for (int i = 0; i < org->nclin; i++) {
        const struct clinician *c = &org->clin[i];
        put_field(s, c->id), put_sep(s);
        put_field(s, org->sites[c->site].id), put_sep(s);
        put_field(s, c->name), put_sep(s);
        put_field(s, role_names[c->role]), put_sep(s);
        put_field(s, c->npi), put_sep(s);
        put_date(g, s, c->pdmp), put_sep(s);
        if (c->delegate_of >= 0)
            put_field(s, org->clin[c->delegate_of].id);
        end_row(g, s);
    }
}

/* ---- one patient's rows ---- */

static const char *const ev_names[EV_COUNT] = {
    [EV_PDMP] = "pdmp_check",           [EV_UDT] = "udt",
    [EV_AGREEMENT] = "agreement",       [EV_NALOXONE] = "naloxone",
    [EV_EDUCATION] = "education",       [EV_REFERRAL_BH] = "referral_bh",
    [EV_REFERRAL_OUD] = "referral_oud", [EV_MOUD] = "moud",
    [EV_CARE_PLAN] = "care_plan",       [EV_TAPER_PLAN] = "taper_plan",
    [EV_OVERDOSE] = "overdose",         [EV_EARLY_REFILL] = "early_refill"};

static const char *const in_names[IN_COUNT] = {
    [IN_PEG] = "peg",   [IN_PHQ9] = "phq9",       [IN_PHQ2] = "phq2",
    [IN_GAD7] = "gad7", [IN_ORT] = "ort",         [IN_ORT_OUD] = "ort_oud",
    [IN_COMM] = "comm", [IN_PCPTSD5] = "pcptsd5", [IN_STOPBANG] = "stopbang"};

static const char *const status_names[] = {"active", "inactive", "deceased"};
static const char *const appt_status_names[] = {"completed", "cancelled", "no_show", "scheduled"};
static const char *const source_names[] = {"pharmacy", "ehr", "pdmp"};

/* qsort() must not be handed the NULL array of a patient without rows of a kind. */
static void sort_rows(void *v, int n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(v, (size_t)n, size, cmp);
}

static void put_clin(struct gen *g, struct sink *s, int clin)
{
    if (clin >= 0)
        put_field(s, g->org.clin[clin].id);
}

static void write_patient_row(struct gen *g)
{
    const struct patient *p = &g->p;
    struct sink *s = &g->out[SYNTH_PATIENTS];
    put_field(s, p->id), put_sep(s);
    put_field(s, g->org.sites[p->site].id), put_sep(s);
    put_clin(g, s, p->clin), put_sep(s);
    put_date(g, s, p->birth), put_sep(s);
    put(s, p->sex == 'F' ? "F" : "M", 1), put_sep(s);
    put_field(s, p->name), put_sep(s);
    put_field(s, status_names[p->status]);
    end_row(g, s);
}

static int cmp_fill(const void *a, const void *b)
{
    const struct fill *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->seq - y->seq;
}

static void write_fill(struct gen *g, const struct fill *f)
{
    struct sink *s = &g->out[SYNTH_PRESCRIPTIONS];
    const struct product *pr = f->product >= 0 ? &synth_products[f->product] : NULL;
    bool structured = pr && (f->codes != CODES_NONE || f->source == SRC_EHR);
    put_id(s, "RX", ++g->next_rx, 8), put_sep(s);
    put_field(s, g->p.id), put_sep(s);
    put_date(g, s, f->date), put_sep(s);
    put_field(s, f->text ? f->text : pr->drug), put_sep(s);
    put_int(s, f->qty), put_sep(s);
    if (f->days >= 0)
        put_int(s, f->days);
    put_sep(s);
    put_clin(g, s, f->clin), put_sep(s);
    if (pr && f->codes == CODES_NDC)
        put_field(s, pr->ndc);
    put_sep(s);
    if (pr && f->codes == CODES_RXNORM)
        put_field(s, pr->rxnorm);
    put_sep(s);
    put_field(s, structured ? pr->strength : NULL), put_sep(s);
    put_field(s, structured ? pr->unit : NULL), put_sep(s);
    put_field(s, structured ? pr->form : NULL), put_sep(s);
    if (f->sig_dose > 0) {
        put_int(s, f->sig_dose), put_sep(s);
        put_int(s, f->sig_per_day), put_sep(s);
    } else {
        put_sep(s), put_sep(s);
    }
    if (f->prn >= 0)
        put_int(s, f->prn);
    put_sep(s);
    put_date(g, s, f->written), put_sep(s);
    put_id(s, "PH", f->pharm + 1, 3), put_sep(s);
    put_field(s, source_names[f->source]);
    end_row(g, s);
}

static int cmp_event(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->type != y->type)
        return x->type - y->type;
    return x->seq - y->seq;
}

static void write_events(struct gen *g)
{
    struct patient *p = &g->p;
    struct sink *s = &g->out[SYNTH_EVENTS];
    sort_rows(p->events.v, p->events.n, sizeof *p->events.v, cmp_event);
    for (int i = 0; i < p->events.n; i++) {
        const struct event *e = &p->events.v[i];
        /* The registry keeps one event of a type per day; so does the generator. */
        if (i > 0 && e->date == e[-1].date && e->type == e[-1].type)
            continue;
        put_field(s, p->id), put_sep(s);
        put_field(s, ev_names[e->type]), put_sep(s);
        put_date(g, s, e->date), put_sep(s);
        put_field(s, e->result), put_sep(s);
        put_clin(g, s, e->clin), put_sep(s);
        put_field(s, e->note);
        end_row(g, s);
    }
}

static int cmp_assessment(const void *a, const void *b)
{
    const struct assessment *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->instr != y->instr)
        return x->instr - y->instr;
    return x->seq - y->seq;
}

static void put_score(struct sink *s, int score100)
{
    put_int(s, score100 / 100);
    if (score100 % 100) {
        char frac[4] = {'.', (char)('0' + score100 % 100 / 10), (char)('0' + score100 % 10), 0};
        put(s, frac, 3);
    }
}

static void write_assessments(struct gen *g)
{
    struct patient *p = &g->p;
    struct sink *s = &g->out[SYNTH_ASSESSMENTS];
    sort_rows(p->assess.v, p->assess.n, sizeof *p->assess.v, cmp_assessment);
    for (int i = 0; i < p->assess.n; i++) {
        const struct assessment *a = &p->assess.v[i];
        if (i > 0 && a->date == a[-1].date && a->instr == a[-1].instr)
            continue;
        put_field(s, p->id), put_sep(s);
        put_field(s, in_names[a->instr]), put_sep(s);
        put_date(g, s, a->date), put_sep(s);
        put_score(s, a->score100), put_sep(s);
        for (int k = 0; k < a->n; k++) {
            if (k)
                put(s, ";", 1);
            put_int(s, a->items[k]);
        }
        end_row(g, s);
    }
}

static int cmp_appt(const void *a, const void *b)
{
    const struct appointment *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->seq - y->seq;
}

static void write_appointments(struct gen *g)
{
    struct patient *p = &g->p;
    struct sink *s = &g->out[SYNTH_APPOINTMENTS];
    sort_rows(p->appts.v, p->appts.n, sizeof *p->appts.v, cmp_appt);
    for (int i = 0; i < p->appts.n; i++) {
        const struct appointment *a = &p->appts.v[i];
        char hhmm[6] = {(char)('0' + a->minutes / 600),     (char)('0' + a->minutes / 60 % 10), ':',
                        (char)('0' + a->minutes % 60 / 10), (char)('0' + a->minutes % 10),      0};
        put_id(s, "A", ++g->next_appt, 8), put_sep(s);
        put_field(s, p->id), put_sep(s);
        put_date(g, s, a->date), put_sep(s);
        put_clin(g, s, a->clin), put_sep(s);
        put(s, hhmm, 5), put_sep(s);
        put_field(s, a->type), put_sep(s);
        put_field(s, appt_status_names[a->status]);
        end_row(g, s);
    }
}

static int cmp_dx(const void *a, const void *b)
{
    const struct diagnosis *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    int c = strcmp(x->code, y->code);
    return c ? c : x->seq - y->seq;
}

static void put_code(struct sink *s, const char *code, bool nodot)
{
    if (!nodot) {
        put_field(s, code);
        return;
    }
    for (const char *c = code; *c; c++)
        if (*c != '.')
            put(s, c, 1);
}

static void write_diagnoses(struct gen *g)
{
    struct patient *p = &g->p;
    struct sink *s = &g->out[SYNTH_DIAGNOSES];
    sort_rows(p->dx.v, p->dx.n, sizeof *p->dx.v, cmp_dx);
    for (int i = 0; i < p->dx.n; i++) {
        const struct diagnosis *x = &p->dx.v[i];
        if (i > 0 && x->date == x[-1].date && strcmp(x->code, x[-1].code) == 0)
            continue;
        put_field(s, p->id), put_sep(s);
        put_code(s, x->code, x->nodot), put_sep(s);
        put_date(g, s, x->date), put_sep(s);
        put_date(g, s, x->end);
        end_row(g, s);
    }
}

static void write_patient(struct gen *g)
{
    struct patient *p = &g->p;
    write_patient_row(g);
    sort_rows(p->fills.v, p->fills.n, sizeof *p->fills.v, cmp_fill);
    for (int i = 0; i < p->fills.n; i++)
        write_fill(g, &p->fills.v[i]);
    write_events(g);
    write_assessments(g);
    write_appointments(g);
    write_diagnoses(g);
}

/* ---- driver ---- */

static void gen_init(struct gen *g, const struct synth_opts *o)
{
    memset(g, 0, sizeof *g);
    g->o = o;
    g->as_of = o->as_of;
    g->hist_start = o->as_of - 730;
    g->date_base = o->as_of - (DATE_TABLE_DAYS - 100);
    g->date_table = xmalloc(DATE_TABLE_DAYS * 10 + 1);
    for (int i = 0; i < DATE_TABLE_DAYS; i++) {
        char tmp[11];
        memcpy(g->date_table + i * 10, date_format(g->date_base + i, tmp), 10);
    }
    for (int f = 0; f < SYNTH_NFILES; f++)
        g->out[f].fd = -1;
    build_org(g);
}

static void gen_free(struct gen *g)
{
    free(g->date_table);
    free(g->org.sites);
    free(g->org.clin);
    synth_patient_free(&g->p);
    for (int f = 0; f < SYNTH_NFILES; f++)
        buf_free(&g->out[f].b);
}

static void generate(struct gen *g)
{
    const struct synth_opts *o = g->o;
    for (int f = 0; f < SYNTH_NFILES; f++)
        put_header(&g->out[f], (enum synth_file)f);
    write_org(g);
    for (int i = 1; i <= o->patients && !g->werr; i++) {
        synth_patient(g, i);
        write_patient(g);
        if (o->progress && (i % 2000 == 0 || i == o->patients))
            o->progress(o->progress_ctx, i, o->patients);
    }
}

static void fill_result(const struct gen *g, struct synth_result *res)
{
    if (!res)
        return;
    for (int f = 0; f < SYNTH_NFILES; f++)
        res->rows[f] = g->out[f].rows;
    res->sites = g->org.nsites;
    res->clinicians = g->org.nclin;
}

void synth_run_mem(const struct synth_opts *o, struct buf out[SYNTH_NFILES],
                   struct synth_result *res)
{
    struct gen g;
    gen_init(&g, o);
    generate(&g);
    fill_result(&g, res);
    for (int f = 0; f < SYNTH_NFILES; f++) {
        out[f] = g.out[f].b;
        memset(&g.out[f].b, 0, sizeof g.out[f].b);
    }
    gen_free(&g);
}

struct outfiles {
    char *final[SYNTH_NFILES], *tmp[SYNTH_NFILES];
};

static void outfiles_free(struct outfiles *of)
{
    for (int f = 0; f < SYNTH_NFILES; f++) {
        free(of->final[f]);
        free(of->tmp[f]);
    }
}

static int open_temps(struct gen *g, struct outfiles *of, char *err, size_t errlen)
{
    const char *dir = g->o->out_dir;
    size_t n = strlen(dir);
    const char *slash = n && dir[n - 1] == '/' ? "" : "/";
    for (int f = 0; f < SYNTH_NFILES; f++) {
        of->final[f] = xasprintf("%s%s%s", dir, slash, files[f].name);
        of->tmp[f] = xasprintf("%s.tmp.%ld", of->final[f], (long)getpid());
        g->out[f].fd = open(of->tmp[f], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (g->out[f].fd < 0) {
            snprintf(err, errlen, "cannot create %s: %s", of->tmp[f], strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Flushes, syncs and closes every temporary file; -1 with a message on the first failure. */
static int close_temps(struct gen *g, struct outfiles *of, char *err, size_t errlen)
{
    int rc = 0;
    for (int f = 0; f < SYNTH_NFILES; f++) {
        struct sink *s = &g->out[f];
        if (s->fd < 0)
            continue;
        sink_flush(g, s);
        if (!g->werr && fsync(s->fd) != 0)
            g->werr = errno;
        if (close(s->fd) != 0 && !g->werr)
            g->werr = errno;
        s->fd = -1;
        if (g->werr && rc == 0) {
            snprintf(err, errlen, "cannot write %s: %s", of->final[f], strerror(g->werr));
            rc = -1;
        }
    }
    return rc;
}

int synth_run(const struct synth_opts *o, struct synth_result *res, char *err, size_t errlen)
{
    struct gen g;
    struct outfiles of = {0};
    gen_init(&g, o);
    int rc = open_temps(&g, &of, err, errlen);
    if (rc == 0) {
        generate(&g);
        rc = close_temps(&g, &of, err, errlen);
    } else {
        char ignored[8];
        close_temps(&g, &of, ignored, sizeof ignored); /* the first error is already reported */
    }
    for (int f = 0; f < SYNTH_NFILES && rc == 0; f++) {
        if (rename(of.tmp[f], of.final[f]) != 0) {
            snprintf(err, errlen, "cannot rename %s: %s", of.tmp[f], strerror(errno));
            rc = -1;
        }
    }
    if (rc != 0) {
        for (int f = 0; f < SYNTH_NFILES; f++)
            if (of.tmp[f])
                unlink(of.tmp[f]);
    }
    fill_result(&g, res);
    outfiles_free(&of);
    gen_free(&g);
    return rc;
}
