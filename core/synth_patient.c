/* One synthetic patient's story: who they are, what they are prescribed over two years, which
 * visits they keep, what the care team documents at those visits, and which diagnoses sit on
 * their problem list. The rates below are the model described in docs/synthetic-data.md; they
 * are set so that every care gap the built-in checks know about shows up in realistic shares.
 *
 * Each patient draws from their own random stream (seed, patient number), so one patient's story
 * never depends on another's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

/* ---- small helpers ---- */

static void *vec_grow(void *v, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return v;
    int n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    *cap = n;
    return xrealloc(v, (size_t)n * size);
}

#define PUSH(vec)                                                                                  \
    ((vec).v = vec_grow((vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v),                       \
     memset(&(vec).v[(vec).n], 0, sizeof *(vec).v), &(vec).v[(vec).n++])

static int clampi(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static day_t weekday_on_or_after(day_t d)
{
    int w = date_weekday(d);
    return w == 6 ? d + 2 : w == 0 ? d + 1 : d;
}

static int age_at(day_t birth, day_t d)
{
    int by, bm, bd, y, m, dd;
    date_to_ymd(birth, &by, &bm, &bd);
    date_to_ymd(d, &y, &m, &dd);
    return y - by - (m < bm || (m == bm && dd < bd));
}

#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)ARRAY_LEN(arr))])

/* ---- the story ---- */

enum kind {
    K_IR,         /* short-acting opioid, long term */
    K_ER_IR,      /* extended-release with short-acting for breakthrough pain */
    K_METHADONE,
    K_FENTANYL,
    K_TRAMADOL,
    K_TAPENTADOL,
    K_HYDROMORPHONE,
    K_ACUTE,      /* one or two short fills: never long-term */
    K_STOPPED,    /* long-term therapy that ended months ago */
    K_LAPSED,     /* long-term therapy whose last fill is 2-3 months old */
    K_MOUD,       /* opioid use disorder treated with buprenorphine */
    K_COUNT
};

/* Share of each kind, permille. */
static const int kind_weight[K_COUNT] = {330, 100, 40, 40, 100, 20, 30, 165, 85, 40, 50};

/* Patients whose number has one of these remainders (mod 250) get a rare scenario for sure, so
 * any organisation of 250 patients or more shows every kind of gap. */
enum showcase {
    SC_NO_CLINICIAN = 3,
    SC_OMP = 7,
    SC_CANCER = 11,
    SC_SICKLE = 17,
    SC_PALLIATIVE = 23,
    SC_OVERDOSE = 29,
    SC_MISSPELLED = 31,
    SC_UNKNOWN_PRODUCT = 41,
    SC_NO_DAYS = 43,
};

struct line {
    enum ladder_id lad;
    int step;
    day_t from, to;
    day_t taper_from; /* DATE_NONE: no taper */
    bool to_zero;     /* a taper that ends in stopping */
    int max_med10;
};

struct story {
    struct gen *g;
    struct patient *p;
    struct rng *r;
    day_t as_of, hist;

    enum kind kind;
    bool ltot; /* a long-term opioid story */
    day_t start, stop;          /* planned opioid therapy; stop DATE_NONE: ongoing */
    day_t taper_from;           /* DATE_NONE: no taper */
    bool taper_to_zero;
    day_t moud_from, moud_to;   /* DATE_NONE: no MOUD */
    day_t ther_first, ther_last; /* first opioid fill and last day it covers */
    day_t acute_day;
    bool benzo, muscle, oud, omp, overdose, brand;
    int sc; /* showcase slot (idx mod 250) */
    int risk;                   /* 0 low, 1 moderate, 2 high */
    int peak_med10;

    /* traits */
    int pain, dep, anx, misuse;
    bool ptsd, osa, snores;
    uint8_t ort[10];

    /* care habits: permille per opportunity */
    int h_pdmp, h_udt, h_agree, h_peg, h_edu, h_screen, h_nal, h_ort;
    int home_pharm, alt_pharm;

    /* care state while walking the visits */
    day_t last_udt, last_agree, last_edu, last_plan, last_screen, last_gad, last_comm, last_ptsd,
        last_nal, last_taper_plan, pending_bh, pending_oud;
    bool ort_done, stopbang_done, oud_referred;
};

/* ---- names ---- */

static const char *const first_f[] = {
    "Ada",   "Beatrix", "Clara",  "Dolores", "Edith",  "Fern",   "Greta",  "Hazel",
    "Ines",  "June",    "Katya",  "Lena",    "Mabel",  "Nora",   "Opal",   "Pearl",
    "Rosa",  "Sylvie",  "Tess",   "Una",     "Vera",   "Wren",   "Yara",   "Zelda",
    "Maya",  "Lucia",   "Imogen", "Harriet", "Odette", "Marisol"};
static const char *const first_m[] = {
    "Abel",  "Bruno",  "Cyril", "Dmitri", "Elias",  "Felix",  "Gus",     "Hugo",
    "Ivo",   "Jasper", "Kurt",  "Linus",  "Milo",   "Nico",   "Otis",    "Percy",
    "Quinn", "Rufus",  "Silas", "Tobias", "Ulric",  "Victor", "Walt",    "Xavier",
    "Yusuf", "Zane",   "Anton", "Boris",  "Cormac", "Desmond"};
/* Surnames are made of two parts that no real family is named after, so every name reads as
 * synthetic at a glance. */
static const char *const sur_a[] = {"Bramble", "Cobble",  "Dapple", "Fiddle", "Gumble",  "Hobble",
                                    "Kettle",  "Lantern", "Marrow", "Nettle", "Pebble",  "Puddle",
                                    "Quill",   "Rumble",  "Thimble", "Tumble", "Wobble", "Bumble",
                                    "Crumple", "Pickle",  "Muddle", "Twiddle", "Waffle", "Noodle"};
static const char *const sur_b[] = {"wick",  "feather", "worth", "thorne",  "bury",
                                    "sprout", "whistle", "pot",   "button", "snout"};
static const char *const nick_f[] = {"Bee", "Dottie", "Fifi", "Lulu"};
static const char *const nick_m[] = {"Bud", "Moe", "Sonny", "Ziggy"};

void synth_make_name(struct rng *r, char sex, char *out, size_t n, bool nickname)
{
    const char *first = sex == 'F' ? PICK(r, first_f) : PICK(r, first_m);
    const char *a = PICK(r, sur_a), *b = PICK(r, sur_b);
    if (nickname)
        snprintf(out, n, "%s%s, %s \"%s\"", a, b, first,
                 sex == 'F' ? PICK(r, nick_f) : PICK(r, nick_m));
    else
        snprintf(out, n, "%s%s, %s", a, b, first);
}

/* ---- who the patient is ---- */

static int pick_prescriber(struct story *s, int site)
{
    const struct site *st = &s->g->org.sites[site];
    const struct clinician *c = s->g->org.clin;
    int total = 0;
    for (int i = st->presc_lo; i < st->presc_hi; i++)
        total += c[i].panel;
    int x = (int)rng_below(s->r, (uint32_t)total);
    for (int i = st->presc_lo; i < st->presc_hi; i++) {
        if (x < c[i].panel)
            return i;
        x -= c[i].panel;
    }
    return st->presc_hi - 1;
}

static void choose_place(struct story *s)
{
    const struct org *org = &s->g->org;
    int w[SYNTH_MAX_SITES];
    for (int i = 0; i < org->nsites; i++)
        w[i] = org->sites[i].weight;
    s->p->site = rng_weighted(s->r, w, org->nsites);
    s->p->clin = pick_prescriber(s, s->p->site);
    if (s->g->o->noise && (s->sc == SC_NO_CLINICIAN || rng_permille(s->r, 2)))
        s->p->clin = -1;
    const struct site *st = &org->sites[s->p->site];
    int nlocal = st->pharm_hi - st->pharm_lo;
    int nshared = org->npharm - org->shared_pharm_lo;
    /* Most patients use a pharmacy near the clinic; some use a mail-order or chain pharmacy. */
    s->home_pharm = rng_permille(s->r, 80) ? org->shared_pharm_lo + rng_range(s->r, 0, nshared - 1)
                                           : st->pharm_lo + rng_range(s->r, 0, nlocal - 1);
    s->alt_pharm = st->pharm_lo + rng_range(s->r, 0, nlocal - 1);
}

static void choose_demographics(struct story *s)
{
    struct patient *p = s->p;
    static const int age_w[] = {5, 17, 48, 25, 5};
    static const int age_lo[] = {18, 30, 45, 65, 80}, age_hi[] = {29, 44, 64, 79, 90};
    int band = rng_weighted(s->r, age_w, 5);
    int age = rng_range(s->r, age_lo[band], age_hi[band]);
    int y, m, d;
    date_to_ymd(s->as_of, &y, &m, &d);
    /* Born on a random day of the year that makes them `age` on the as-of date. */
    day_t latest = date_from_ymd(y - age, m, d > 28 && m == 2 ? 28 : d);
    p->birth = latest - rng_range(s->r, 0, 364);
    p->sex = rng_permille(s->r, 560) ? 'F' : 'M';
    synth_make_name(s->r, p->sex, p->name, sizeof p->name, rng_permille(s->r, 12));
    p->status = ST_ACTIVE;
    p->end = DATE_NONE;
    int x = (int)rng_below(s->r, 1000);
    if (x < 5) {
        p->status = ST_DECEASED;
        p->end = s->as_of - rng_range(s->r, 10, 540);
    } else if (x < 35) {
        p->status = ST_INACTIVE; /* moved away or changed primary care */
        p->end = s->as_of - rng_range(s->r, 20, 330);
    }
}

static void choose_kind(struct story *s)
{
    s->kind = (enum kind)rng_weighted(s->r, kind_weight, K_COUNT);
    /* Showcase patients need a long-term story for their scenario to matter. */
    if (s->sc == SC_OMP || s->sc == SC_CANCER || s->sc == SC_PALLIATIVE || s->sc == SC_SICKLE ||
        s->sc == SC_OVERDOSE || s->sc == SC_MISSPELLED || s->sc == SC_NO_DAYS)
        s->kind = K_IR;
    s->ltot = s->kind <= K_HYDROMORPHONE || s->kind == K_STOPPED || s->kind == K_LAPSED;
    s->brand = rng_permille(s->r, 200);
    s->omp = s->sc == SC_OMP || (s->ltot && s->kind != K_STOPPED && rng_permille(s->r, 4));
    s->oud = s->kind == K_MOUD || (s->ltot && rng_permille(s->r, 40));
    s->benzo = (s->ltot && rng_permille(s->r, 150)) || (!s->ltot && rng_permille(s->r, 50));
    s->muscle = rng_permille(s->r, s->ltot ? 110 : 50);
    s->overdose = s->sc == SC_OVERDOSE || rng_permille(s->r, s->oud || s->benzo ? 25 : 5);
}

static void choose_traits(struct story *s)
{
    static const int dep_w[] = {50, 25, 15, 10}, anx_w[] = {55, 25, 12, 8};
    static const int mis_w[] = {70, 18, 8, 4};
    s->pain = rng_range(s->r, 3, 9);
    s->dep = rng_weighted(s->r, dep_w, 4);
    s->anx = rng_weighted(s->r, anx_w, 4);
    s->misuse = rng_weighted(s->r, mis_w, 4);
    if (s->oud)
        s->misuse = clampi(s->misuse + 2, 2, 3);
    s->ptsd = rng_permille(s->r, 120);
    s->snores = rng_permille(s->r, s->p->sex == 'M' ? 450 : 250);
    s->osa = s->snores && rng_permille(s->r, 350);
    /* Opioid Risk Tool history, fixed for the patient: family alcohol, illegal drugs,
     * prescription drugs; personal alcohol, illegal drugs, prescription drugs; age (filled in
     * per date); preadolescent sexual abuse; psychological disease; depression. */
    static const int ort_p[10] = {250, 150, 100, 150, 120, 80, 0, 0, 120, 0};
    for (int i = 0; i < 10; i++)
        s->ort[i] = rng_permille(s->r, ort_p[i] + (i >= 3 && i <= 5 ? s->misuse * 150 : 0));
    s->ort[7] = rng_permille(s->r, s->p->sex == 'F' ? 100 : 40);
    s->ort[9] = s->dep >= 2 || rng_permille(s->r, 100);
}

/* Whether an item is part of this patient's routine care (a clinic either does UDTs for a
 * patient or mostly forgets), then how often it happens at an opportunity when it is. */
static int habit(struct story *s, int routine_permille, int when_routine, int otherwise)
{
    return rng_permille(s->r, routine_permille) ? when_routine : otherwise;
}

static void choose_habits(struct story *s)
{
    const struct clinician *c = s->p->clin >= 0 ? &s->g->org.clin[s->p->clin] : NULL;
    int base = clampi((c ? c->diligence : 400) + rng_range(s->r, -150, 150), 100, 970);
    bool registered = c && c->pdmp != DATE_NONE;
    s->h_pdmp = registered ? base * 85 / 100 : base / 5;
    s->h_udt = habit(s, base - 60, 500, 20);
    s->h_agree = habit(s, base + 100, 600, 30);
    s->h_peg = base * 55 / 100;
    s->h_edu = habit(s, base * 85 / 100, 400, 20);
    s->h_screen = habit(s, base, 500, 40);
    s->h_nal = habit(s, base * 70 / 100, 300, 10);
    s->h_ort = habit(s, base, 300, 10);
}

/* ---- therapy plan ---- */

static void plan_dates(struct story *s)
{
    struct rng *r = s->r;
    day_t A = s->as_of, H = s->hist;
    s->stop = s->moud_from = s->moud_to = s->taper_from = DATE_NONE;
    s->start = DATE_NONE;
    switch (s->kind) {
    case K_ACUTE:
        s->acute_day = rng_range(r, H, A - 3);
        if (s->p->end != DATE_NONE && s->acute_day > s->p->end - 10)
            s->acute_day = s->p->end - 10 > H ? s->p->end - 10 : H;
        return;
    case K_STOPPED:
        s->start = rng_range(r, H - 900, H + 200);
        s->stop = rng_range(r, (s->start + 120 > H + 60 ? s->start + 120 : H + 60), A - 150);
        break;
    case K_LAPSED:
        s->start = rng_permille(r, 700) ? H - rng_range(r, 30, 900) : rng_range(r, H, A - 240);
        s->stop = A - rng_range(r, 50, 85);
        break;
    case K_MOUD:
        s->moud_from = rng_permille(r, 300) ? H - rng_range(r, 30, 900) : rng_range(r, H + 30, A - 30);
        if (rng_permille(r, 500)) {
            s->start = s->moud_from - rng_range(r, 120, 700);
            s->stop = s->moud_from - 1;
        }
        if (rng_permille(r, 150))
            s->moud_to = rng_range(r, s->moud_from + 60, A + 60); /* dropped out */
        break;
    default: {
        int x = (int)rng_below(r, 1000);
        s->start = x < 600 ? H - rng_range(r, 30, 1800)
                 : x < 950 ? rng_range(r, H, A - 100)
                           : rng_range(r, A - 100, A - 45);
        int taper_p = 150;
        if (s->kind == K_ER_IR || s->kind == K_METHADONE || s->kind == K_FENTANYL)
            taper_p = 330;
        day_t lo = s->start + 90 > A - 330 ? s->start + 90 : A - 330;
        if (lo < A - 20 && rng_permille(r, taper_p)) {
            s->taper_from = rng_range(r, lo, A - 20);
            s->taper_to_zero = rng_permille(r, 250);
        }
    }
    }
    if (s->p->end != DATE_NONE && (s->stop == DATE_NONE || s->stop > s->p->end))
        s->stop = s->p->end;
}

/* ---- fills ---- */

static enum product_id brand_of(const struct story *s, enum product_id id)
{
    if (!s->brand)
        return id;
    switch (id) {
    case P_HC_APAP_10: return P_NORCO_10;
    case P_OXY_APAP_5: return P_PERCOCET_5;
    case P_OXY_APAP_10: return P_PERCOCET_10;
    case P_TRAMADOL_50: return P_ULTRAM_50;
    case P_FENTANYL_25: return P_DURAGESIC_25;
    default: return id;
    }
}

static int fill_prescriber(struct story *s)
{
    if (s->p->clin < 0 || rng_permille(s->r, 70))
        return pick_prescriber(s, s->p->site); /* a covering colleague */
    return s->p->clin;
}

static void choose_codes(struct story *s, struct fill *f)
{
    const struct product *pr = &synth_products[f->product];
    int x = (int)rng_below(s->r, 1000);
    if (x < 800) {
        f->source = SRC_PHARMACY;
        f->codes = pr->ndc[0] ? CODES_NDC : CODES_NONE;
    } else if (x < 850) {
        f->source = SRC_PHARMACY; /* some claims feeds carry only the drug text */
        f->codes = CODES_NONE;
    } else if (x < 950) {
        f->source = SRC_EHR;
        f->codes = pr->rxnorm[0] && rng_permille(s->r, 700) ? CODES_RXNORM : CODES_NONE;
    } else {
        f->source = SRC_PDMP;
        f->codes = pr->ndc[0] ? CODES_NDC : CODES_NONE;
    }
}

static void choose_sig(struct story *s, struct fill *f, int per_day, bool prn)
{
    const struct product *pr = &synth_products[f->product];
    f->prn = -1;
    if (pr->patch || !rng_permille(s->r, 750))
        return;
    f->sig_dose = 1;
    f->sig_per_day = (int8_t)per_day;
    f->prn = prn;
    /* "1 tablet every 4 to 6 hours as needed": the sig's maximum exceeds what was dispensed. */
    if (prn && rng_permille(s->r, 150))
        f->sig_per_day = (int8_t)(per_day + 2);
}

static struct fill *add_fill(struct story *s, enum product_id id, int per_day, int days, day_t d,
                             bool prn)
{
    struct patient *p = s->p;
    struct fill *f = PUSH(p->fills);
    const struct product *pr = &synth_products[id];
    f->date = d;
    f->seq = p->seq++;
    f->product = (int)id;
    f->days = days;
    f->qty = pr->patch ? days / 3 : per_day * days;
    f->clin = fill_prescriber(s);
    f->pharm = rng_permille(s->r, 120) ? s->alt_pharm : s->home_pharm;
    f->written = rng_permille(s->r, 850) ? d - rng_range(s->r, 0, 3) : DATE_NONE;
    f->med10 = pr->med10 * per_day;
    choose_codes(s, f);
    choose_sig(s, f, per_day, prn);
    return f;
}

enum line_policy { LP_OPIOID, LP_MOUD, LP_BENZO, LP_MUSCLE };

/* The last day anything can happen: the as-of date, or earlier when care ended. */
static day_t clip_to_care(const struct story *s, day_t to)
{
    if (to == DATE_NONE || to > s->as_of)
        to = s->as_of;
    if (s->p->end != DATE_NONE && to > s->p->end)
        to = s->p->end;
    return to;
}

/* Moves the line one rung up or down, or stops it; returns false when the line ends. */
static bool adjust_step(struct story *s, struct line *ln, day_t d, day_t start)
{
    const struct ladder *lad = &synth_ladders[ln->lad];
    if (ln->taper_from != DATE_NONE && d >= ln->taper_from) {
        if (ln->step == 0 && ln->to_zero && rng_permille(s->r, 500))
            return false;
        if (ln->step > 0 && rng_permille(s->r, 550))
            ln->step--;
        return true;
    }
    bool titrating = start != DATE_NONE && d - start < 120;
    if (titrating && rng_permille(s->r, 200))
        ln->step++;
    else if (rng_permille(s->r, 30))
        ln->step++;
    else if (rng_permille(s->r, 20))
        ln->step--;
    ln->step = clampi(ln->step, 0, lad->nsteps - 1);
    return true;
}

static int opioid_days(struct story *s, const struct line *ln, int nfill, bool new_start)
{
    if (synth_products[synth_ladders[ln->lad].steps[ln->step].product].patch)
        return rng_permille(s->r, 900) ? 30 : 15;
    if (new_start && nfill < 2)
        return rng_permille(s->r, 500) ? 7 : 14;
    int x = (int)rng_below(s->r, 1000);
    if (ln->lad == L_TRAMADOL && x < 30)
        return 90; /* mail order */
    return x < 550 ? 30 : x < 960 ? 28 : 14;
}

static int moud_days(struct story *s, int nfill, bool new_start)
{
    if (new_start && nfill < 4)
        return 7;
    if (new_start && nfill < 6)
        return 14;
    return rng_permille(s->r, 500) ? 28 : 30;
}

/* Days until the next fill, measured from this one: mostly on time, sometimes early (before the
 * supply runs out), sometimes late or after a gap. Sets *early for an early refill. */
static int refill_gap(struct story *s, int days, bool *early)
{
    int x = (int)rng_below(s->r, 1000);
    *early = false;
    if (days <= 7)
        return days + rng_range(s->r, -1, 2);
    if (x < 60) {
        *early = true;
        return days - rng_range(s->r, 3, 8);
    }
    if (x < 120)
        return days + rng_range(s->r, 6, 20);
    if (x < 135)
        return days + rng_range(s->r, 25, 60);
    return days + rng_range(s->r, -2, 4);
}

static void add_event(struct story *s, enum ev_type t, day_t d, int clin, const char *result,
                      const char *note);

static const char *const early_reasons[] = {
    "lost medication", "travel", "\"ran out early\" per patient", "pharmacy closed over holiday",
    "took extra doses for flare"};

static void run_line(struct story *s, struct line *ln, enum line_policy pol)
{
    const struct ladder *lad = &synth_ladders[ln->lad];
    bool new_start = ln->from >= s->hist;
    day_t d = new_start ? ln->from : s->hist + rng_range(s->r, 0, 29);
    day_t to = clip_to_care(s, ln->to);
    int nfill = 0;
    bool early = false;
    while (d <= to) {
        if (pol == LP_OPIOID && nfill > 0 && !adjust_step(s, ln, d, new_start ? ln->from : DATE_NONE))
            break;
        const struct dose_step *st = &lad->steps[ln->step];
        int days, per_day = st->per_day;
        if (pol == LP_OPIOID)
            days = opioid_days(s, ln, nfill, new_start);
        else if (pol == LP_MOUD)
            days = moud_days(s, nfill, new_start);
        else
            days = rng_permille(s->r, 900) ? 30 : 15;
        enum product_id id = brand_of(s, st->product);
        if (pol == LP_MOUD && s->brand)
            id = P_SUBOXONE_FILM_8;
        else if (pol == LP_MOUD)
            id = rng_permille(s->r, 60) ? P_BUP_TAB_8 : P_BUP_NAL_TAB_8;
        struct fill *f = add_fill(s, id, per_day, days, d, lad->prn);
        if (pol == LP_OPIOID && f->med10 > ln->max_med10)
            ln->max_med10 = f->med10;
        if (early && rng_permille(s->r, 400))
            add_event(s, EV_EARLY_REFILL, d, f->clin, rng_permille(s->r, 800) ? "approved" : "denied",
                      PICK(s->r, early_reasons));
        int gap = refill_gap(s, days, &early);
        if (pol == LP_BENZO || pol == LP_MUSCLE) {
            if (lad->prn && rng_permille(s->r, 350))
                gap += rng_range(s->r, 10, 60); /* used as needed: refilled irregularly */
            early = false;
        }
        nfill++;
        d += gap;
    }
}

/* The opioid analgesic regimen: one or two concurrent lines. */
static int regimen_lines(struct story *s, struct line *ln)
{
    struct rng *r = s->r;
    enum kind k = s->kind;
    if (k == K_STOPPED || k == K_LAPSED || k == K_MOUD) {
        static const enum kind fam[] = {K_IR, K_IR, K_IR, K_TRAMADOL, K_ER_IR, K_HYDROMORPHONE};
        k = PICK(r, fam);
    }
    int n = 1;
    switch (k) {
    case K_IR: {
        static const int w[] = {45, 30, 25};
        static const enum ladder_id l[] = {L_HC_APAP, L_OXY_APAP, L_OXY_IR};
        ln[0].lad = l[rng_weighted(r, w, 3)];
        break;
    }
    case K_ER_IR: {
        static const int w[] = {50, 30, 20};
        int x = rng_weighted(r, w, 3);
        ln[0].lad = x == 0 ? L_OXY_ER : x == 1 ? L_MORPHINE_ER : L_MSCONTIN;
        ln[1].lad = x == 0 ? L_OXY_IR : L_MORPHINE_IR;
        n = rng_permille(r, 800) ? 2 : 1;
        break;
    }
    case K_METHADONE: ln[0].lad = L_METHADONE; break;
    case K_FENTANYL:
        ln[0].lad = L_FENTANYL;
        ln[1].lad = rng_permille(r, 500) ? L_OXY_IR : L_HC_APAP;
        n = rng_permille(r, 500) ? 2 : 1;
        break;
    case K_TRAMADOL: ln[0].lad = L_TRAMADOL; break;
    case K_TAPENTADOL:
        ln[0].lad = rng_permille(r, 300) ? L_TAPENTADOL_ER : L_TAPENTADOL;
        break;
    default: ln[0].lad = L_HYDROMORPHONE; break;
    }
    for (int i = 0; i < n; i++) {
        const struct ladder *lad = &synth_ladders[ln[i].lad];
        /* Breakthrough doses next to a long-acting opioid stay low. */
        int hi = i == 1 ? (lad->start_hi < 2 ? lad->start_hi : 2) : lad->start_hi;
        ln[i].step = rng_range(r, lad->start_lo, hi);
        ln[i].from = s->start;
        ln[i].to = s->stop;
        ln[i].taper_from = s->taper_from;
        ln[i].to_zero = s->taper_to_zero;
        ln[i].max_med10 = 0;
    }
    /* A taper removes the breakthrough doses first, then reduces the long-acting opioid. */
    if (n == 2 && s->taper_from != DATE_NONE) {
        ln[1].to_zero = true;
        ln[0].taper_from = s->taper_from + rng_range(r, 30, 90);
    }
    return n;
}

static void acute_fills(struct story *s)
{
    static const enum product_id prod[] = {P_HC_APAP_5, P_OXY_5, P_TRAMADOL_50, P_OXY_APAP_5,
                                           P_HC_APAP_75};
    static const int per_day[] = {4, 4, 4, 4, 4};
    int i = (int)rng_below(s->r, ARRAY_LEN(prod));
    int days = rng_range(s->r, 3, 7);
    add_fill(s, prod[i], per_day[i], days, s->acute_day, true);
    if (rng_permille(s->r, 350) && s->acute_day + 20 <= s->as_of)
        add_fill(s, prod[i], per_day[i], rng_range(s->r, 3, 5),
                 s->acute_day + rng_range(s->r, days, 20), true);
}

static void opioid_fills(struct story *s)
{
    if (s->kind == K_ACUTE) {
        acute_fills(s);
        return;
    }
    if (s->start == DATE_NONE)
        return;
    struct line ln[2] = {0};
    int n = regimen_lines(s, ln);
    for (int i = 0; i < n; i++) {
        run_line(s, &ln[i], LP_OPIOID);
        s->peak_med10 += ln[i].max_med10;
    }
}

/* Fills that belong to someone shopping for opioids: several prescribers across the
 * organisation and several pharmacies within a few months (PQA "opioids from multiple
 * providers"). */
static void shopping_fills(struct story *s)
{
    const struct org *org = &s->g->org;
    int used_clin[5] = {s->p->clin, -1, -1, -1, -1};
    int used_pharm[5] = {s->home_pharm, s->alt_pharm, -1, -1, -1};
    for (int k = 0; k < 4; k++) {
        int c, ph, tries = 0;
        do {
            c = rng_range(s->r, 0, org->nclin - 1);
        } while ((org->clin[c].delegate_of >= 0 || c == used_clin[0] || c == used_clin[1] ||
                  c == used_clin[2] || c == used_clin[3]) &&
                 ++tries < 64);
        do {
            ph = rng_range(s->r, 0, org->npharm - 1);
        } while ((ph == used_pharm[0] || ph == used_pharm[1] || ph == used_pharm[2] ||
                  ph == used_pharm[3] || ph == used_pharm[4]) &&
                 ++tries < 128);
        used_clin[k + 1] = c;
        if (k + 2 < 5)
            used_pharm[k + 2] = ph;
        day_t d = s->as_of - rng_range(s->r, 10, 170);
        if (d > clip_to_care(s, d))
            continue;
        struct fill *f = add_fill(s, rng_permille(s->r, 500) ? P_HC_APAP_10 : P_OXY_10, 4,
                                  rng_range(s->r, 5, 10), d, true);
        f->clin = c;
        f->pharm = ph;
        f->source = SRC_PDMP;
        f->codes = CODES_NDC;
    }
}

static void moud_fills(struct story *s)
{
    if (s->moud_from == DATE_NONE)
        return;
    struct line ln = {.lad = L_BUP_NAL, .from = s->moud_from, .to = s->moud_to,
                      .taper_from = DATE_NONE};
    ln.step = rng_permille(s->r, 550) ? 1 : 0;
    run_line(s, &ln, LP_MOUD);
}

static void benzo_fills(struct story *s)
{
    if (!s->benzo)
        return;
    static const enum ladder_id l[] = {L_ALPRAZOLAM, L_CLONAZEPAM, L_LORAZEPAM, L_DIAZEPAM,
                                       L_TEMAZEPAM};
    static const int w[] = {35, 25, 15, 15, 10};
    struct line ln = {.lad = l[rng_weighted(s->r, w, 5)], .taper_from = DATE_NONE};
    ln.step = rng_range(s->r, 0, synth_ladders[ln.lad].start_hi);
    day_t base = s->start != DATE_NONE && s->start > s->hist ? s->start : s->hist;
    if (s->kind == K_ACUTE)
        base = s->acute_day - 200 > s->hist ? s->acute_day - 200 : s->hist;
    ln.from = rng_permille(s->r, 600) ? s->hist - 30 : rng_range(s->r, base, base + 300);
    ln.to = rng_permille(s->r, 300) ? ln.from + rng_range(s->r, 60, 400) : DATE_NONE;
    if (ln.from > s->as_of - 10)
        ln.from = s->as_of - 10;
    run_line(s, &ln, LP_BENZO);
}

static void muscle_fills(struct story *s)
{
    if (!s->muscle)
        return;
    static const enum ladder_id l[] = {L_CYCLOBENZAPRINE, L_METHOCARBAMOL, L_TIZANIDINE,
                                       L_BACLOFEN, L_CARISOPRODOL};
    static const int w[] = {40, 20, 20, 12, 8};
    struct line ln = {.lad = l[rng_weighted(s->r, w, 5)], .taper_from = DATE_NONE};
    ln.step = rng_range(s->r, 0, synth_ladders[ln.lad].start_hi);
    ln.from = rng_range(s->r, s->hist - 30, s->as_of - 20);
    /* Half are a short course after a flare; the rest take it for months. */
    ln.to = rng_permille(s->r, 500) ? ln.from + rng_range(s->r, 10, 80)
                                     : ln.from + rng_range(s->r, 120, 700);
    run_line(s, &ln, LP_MUSCLE);
}

static bool is_opioid_fill(const struct fill *f)
{
    return f->product >= 0 && synth_products[f->product].cls == RXC_OPIOID;
}

/* First opioid fill and the last day the opioid fills cover. */
static void therapy_span(struct story *s)
{
    s->ther_first = s->ther_last = DATE_NONE;
    for (int i = 0; i < s->p->fills.n; i++) {
        const struct fill *f = &s->p->fills.v[i];
        if (!is_opioid_fill(f))
            continue;
        if (s->ther_first == DATE_NONE || f->date < s->ther_first)
            s->ther_first = f->date;
        if (s->ther_last == DATE_NONE || f->date + f->days - 1 > s->ther_last)
            s->ther_last = f->date + f->days - 1;
    }
}

static void assess_risk(struct story *s)
{
    if (s->peak_med10 >= 900 || s->benzo || s->oud || s->overdose)
        s->risk = 2;
    else if (s->peak_med10 >= 500 || s->dep >= 2)
        s->risk = 1;
    else
        s->risk = 0;
}

/* ---- visits ---- */

static bool on_opioid(const struct story *s, day_t d)
{
    return s->ther_first != DATE_NONE && d >= s->ther_first - 14 && d <= s->ther_last + 30;
}

static bool on_moud(const struct story *s, day_t d)
{
    return s->moud_from != DATE_NONE && d >= s->moud_from - 14 &&
           (s->moud_to == DATE_NONE || d <= s->moud_to);
}

static int visit_interval(struct story *s, day_t d)
{
    if (on_moud(s, d))
        return d - s->moud_from < 35 ? 7 : d - s->moud_from < 90 ? 14 : rng_range(s->r, 26, 35);
    if (!on_opioid(s, d))
        return rng_range(s->r, 150, 260);
    static const int lo[] = {70, 42, 26}, hi[] = {115, 75, 42};
    return rng_range(s->r, lo[s->risk], hi[s->risk]);
}

static const char *visit_type(struct story *s, day_t d, bool first)
{
    if (first && s->start != DATE_NONE && s->start >= s->hist)
        return "new patient";
    if (on_moud(s, d))
        return "MOUD follow-up";
    int x = (int)rng_below(s->r, 1000);
    if (x < 100)
        return "telehealth";
    if (x < 160)
        return "annual wellness";
    if (on_opioid(s, d) && x < 400)
        return "pain management";
    return "follow-up";
}

static int visit_minutes(struct story *s)
{
    /* 20-minute slots from 08:00 to 16:40, none over lunch (12:00-13:00). */
    int slot = rng_range(s->r, 0, 23);
    int m = 8 * 60 + slot * 20;
    return m >= 12 * 60 ? m + 60 : m;
}

static int visit_clinician(struct story *s)
{
    if (s->p->clin < 0 || rng_permille(s->r, 120))
        return pick_prescriber(s, s->p->site);
    return s->p->clin;
}

static void add_appt(struct story *s, day_t d, int status, bool first)
{
    struct appointment *a = PUSH(s->p->appts);
    a->date = d;
    a->seq = s->p->seq++;
    a->clin = visit_clinician(s);
    a->minutes = visit_minutes(s);
    a->type = visit_type(s, d, first);
    a->status = (uint8_t)status;
}

/* The first visit in the history: the one that started treatment when that happened inside
 * the two years, otherwise some day early in the window. */
static day_t care_from(struct story *s)
{
    day_t t = s->kind == K_ACUTE ? s->acute_day : s->start;
    if (s->moud_from != DATE_NONE && (t == DATE_NONE || s->moud_from < t))
        t = s->moud_from;
    if (t == DATE_NONE || t < s->hist)
        return s->hist + rng_range(s->r, 0, 60);
    t -= rng_range(s->r, 0, 3);
    return t < s->hist ? s->hist : t;
}

static void visits(struct story *s)
{
    day_t horizon = s->as_of + 14;
    day_t end = s->p->end != DATE_NONE ? s->p->end : horizon;
    /* Some long-term patients keep getting refills by phone but have not been seen for a
     * long time: the visit-due gap. */
    if (s->ltot && s->stop == DATE_NONE && rng_permille(s->r, 70))
        end = s->as_of - rng_range(s->r, 120, 500);
    day_t d = care_from(s);
    bool first = true;
    while (1) {
        d = weekday_on_or_after(d);
        if (d > end || d > horizon)
            break;
        if (d >= s->as_of) {
            /* Today's and the next two weeks' schedule. */
            if (s->p->status == ST_ACTIVE)
                add_appt(s, d, AP_SCHEDULED, first);
            break;
        }
        int noshow = s->risk == 2 ? 110 : 70;
        int x = (int)rng_below(s->r, 1000);
        int status = x < noshow ? AP_NO_SHOW : x < noshow + 70 ? AP_CANCELLED : AP_COMPLETED;
        add_appt(s, d, status, first);
        first = false;
        if (status != AP_COMPLETED && rng_permille(s->r, 800))
            d += rng_range(s->r, 5, 14); /* rebooked */
        else
            d += visit_interval(s, d);
    }
}

/* ---- events and assessments ---- */

static void add_event(struct story *s, enum ev_type t, day_t d, int clin, const char *result,
                      const char *note)
{
    if (d > clip_to_care(s, d))
        return;
    struct event *e = PUSH(s->p->events);
    e->date = d;
    e->seq = s->p->seq++;
    e->type = (uint8_t)t;
    e->clin = clin;
    e->result = result;
    e->note = note;
}

static struct assessment *add_assessment(struct story *s, enum instrument in, day_t d, int n)
{
    struct assessment *a = PUSH(s->p->assess);
    a->date = d;
    a->seq = s->p->seq++;
    a->instr = (uint8_t)in;
    a->n = (uint8_t)n;
    return a;
}

static void finish_assessment(struct story *s, struct assessment *a)
{
    a->score100 = synth_score100(a, s->p->sex);
}

/* A 0-3 symptom item for a patient whose severity is level (0-3). */
static uint8_t symptom_item(struct rng *r, int level)
{
    int v = (int)rng_below(r, (uint32_t)(level + 2));
    if (level == 3)
        v = v < 2 ? 2 + (int)rng_below(r, 2) : v;
    return (uint8_t)clampi(v, 0, 3);
}

static int phq9(struct story *s, day_t d)
{
    struct assessment *a = add_assessment(s, IN_PHQ9, d, 9);
    for (int i = 0; i < 9; i++)
        a->items[i] = symptom_item(s->r, s->dep);
    /* Item 9 (thoughts of self-harm) is rarer than the others. */
    a->items[8] = s->dep >= 2 && rng_permille(s->r, 150) ? (uint8_t)rng_range(s->r, 1, 2) : 0;
    finish_assessment(s, a);
    return a->score100 / 100;
}

static void depression_screen(struct story *s, day_t d)
{
    int score;
    if (rng_permille(s->r, 600)) {
        struct assessment *a = add_assessment(s, IN_PHQ2, d, 2);
        a->items[0] = symptom_item(s->r, s->dep);
        a->items[1] = symptom_item(s->r, s->dep);
        finish_assessment(s, a);
        if (a->score100 < 300)
            return;
    }
    score = phq9(s, d);
    if (score >= 10)
        s->pending_bh = d;
}

static void gad7(struct story *s, day_t d)
{
    struct assessment *a = add_assessment(s, IN_GAD7, d, 7);
    for (int i = 0; i < 7; i++)
        a->items[i] = symptom_item(s->r, s->anx);
    finish_assessment(s, a);
    if (a->score100 >= 1000)
        s->pending_bh = d;
}

static void peg(struct story *s, day_t d)
{
    struct assessment *a = add_assessment(s, IN_PEG, d, 3);
    for (int i = 0; i < 3; i++)
        a->items[i] = (uint8_t)clampi(s->pain + rng_range(s->r, -2, 2) - (i == 0 ? 0 : 1), 0, 10);
    finish_assessment(s, a);
}

static void ort(struct story *s, day_t d)
{
    if (rng_permille(s->r, 120)) {
        struct assessment *a = add_assessment(s, IN_ORT_OUD, d, 9);
        for (int i = 0; i < 9; i++)
            a->items[i] = rng_permille(s->r, 80 + s->misuse * 150);
        finish_assessment(s, a);
        return;
    }
    struct assessment *a = add_assessment(s, IN_ORT, d, 10);
    memcpy(a->items, s->ort, 10);
    int age = age_at(s->p->birth, d);
    a->items[6] = age >= 16 && age <= 45;
    finish_assessment(s, a);
}

static void comm(struct story *s, day_t d)
{
    struct assessment *a = add_assessment(s, IN_COMM, d, 17);
    for (int i = 0; i < 17; i++) {
        int v = rng_permille(s->r, 250 + s->misuse * 200) ? rng_range(s->r, 1, 1 + s->misuse) : 0;
        a->items[i] = (uint8_t)clampi(v, 0, 4);
    }
    finish_assessment(s, a);
    if (a->score100 >= 900)
        s->pending_oud = d;
}

static void pcptsd5(struct story *s, day_t d)
{
    struct assessment *a = add_assessment(s, IN_PCPTSD5, d, 5);
    for (int i = 0; i < 5; i++)
        a->items[i] = rng_permille(s->r, s->ptsd ? 700 : 100);
    finish_assessment(s, a);
}

static void stopbang(struct story *s, day_t d)
{
    struct assessment *a = add_assessment(s, IN_STOPBANG, d, 8);
    a->items[0] = s->snores;
    a->items[1] = rng_permille(s->r, s->osa ? 700 : 300);
    a->items[2] = s->osa && rng_permille(s->r, 500);
    a->items[3] = rng_permille(s->r, 400);
    a->items[4] = rng_permille(s->r, s->osa ? 400 : 150);
    a->items[5] = age_at(s->p->birth, d) > 50;
    a->items[6] = rng_permille(s->r, s->p->sex == 'M' ? 500 : 100);
    a->items[7] = s->p->sex == 'M';
    finish_assessment(s, a);
}

static bool due(day_t last, day_t d, int interval)
{
    return last == DATE_NONE || d - last >= interval;
}

static int udt_interval(const struct story *s)
{
    static const int iv[] = {365, 182, 90};
    return iv[s->risk];
}

static const char *udt_result(struct story *s)
{
    static const char *const odd[] = {
        "inconsistent: prescribed opioid not detected", "inconsistent: THC detected",
        "inconsistent: non-prescribed benzodiazepine",  "inconsistent: cocaine detected",
        "inconsistent: fentanyl detected", "inconsistent: amphetamine, methamphetamine detected"};
    static const int odd_p[] = {80, 200, 400, 600};
    return rng_permille(s->r, odd_p[s->misuse]) ? PICK(s->r, odd) : "consistent";
}

/* Who ran the PDMP query: the clinician, or now and then one of the site's delegates. Returns
 * -1 when a delegate was required and the site has none. */
static int pdmp_checker(struct story *s, int clin, bool delegate_only)
{
    const struct site *st = &s->g->org.sites[s->p->site];
    bool has = st->deleg_hi > st->deleg_lo;
    if (has && (delegate_only || rng_permille(s->r, 250)))
        return rng_range(s->r, st->deleg_lo, st->deleg_hi - 1);
    return delegate_only ? -1 : clin;
}

static void naloxone(struct story *s, day_t d, int clin, bool with_fill)
{
    bool kit = !with_fill && rng_permille(s->r, 300);
    add_event(s, EV_NALOXONE, d, clin, kit ? "has kit" : "prescribed",
              kit ? "kit from community program" : NULL);
    if (with_fill || (!kit && rng_permille(s->r, 800))) {
        day_t fd = d + rng_range(s->r, 0, 3);
        if (fd <= clip_to_care(s, fd)) {
            struct fill *f = add_fill(s, P_NALOXONE_SPRAY, 1, 1, fd, true);
            f->qty = 2; /* one box holds two devices */
            f->clin = clin >= 0 ? clin : f->clin;
        }
    }
    s->last_nal = d;
}

static bool naloxone_eligible(const struct story *s)
{
    return s->peak_med10 >= 500 || s->benzo || s->oud || s->overdose;
}

static void visit_screening(struct story *s, day_t d, int clin)
{
    if (due(s->last_screen, d, 335) && rng_permille(s->r, s->h_screen)) {
        depression_screen(s, d);
        s->last_screen = d;
    }
    if (s->anx >= 1 && due(s->last_gad, d, 335) && rng_permille(s->r, s->h_screen / 2)) {
        gad7(s, d);
        s->last_gad = d;
    }
    if (s->pending_bh != DATE_NONE && rng_permille(s->r, 450)) {
        add_event(s, EV_REFERRAL_BH, d, clin, "referred",
                  rng_permille(s->r, 500) ? "integrated behavioral health" : "counseling, outside");
        s->pending_bh = DATE_NONE;
    }
    if (!s->ort_done && rng_permille(s->r, s->h_ort)) {
        ort(s, d);
        s->ort_done = true;
    }
    if (due(s->last_ptsd, d, 365) && rng_permille(s->r, s->ptsd ? 150 : 50)) {
        pcptsd5(s, d);
        s->last_ptsd = d;
    }
}

static void visit_opioid_care(struct story *s, day_t d, int clin)
{
    const struct clinician *c = &s->g->org.clin[clin];
    bool registered = c->pdmp != DATE_NONE && c->pdmp <= d;
    if (rng_permille(s->r, registered ? s->h_pdmp : 60)) {
        /* An unregistered prescriber's patients are checked only when a delegate does it. */
        int checker = pdmp_checker(s, clin, !registered);
        if (checker >= 0)
            add_event(s, EV_PDMP, d, checker,
                      rng_permille(s->r, 920) ? "no concerns" : "reviewed, other prescribers found",
                      NULL);
    }
    if (due(s->last_udt, d, udt_interval(s) - 30) && rng_permille(s->r, s->h_udt)) {
        add_event(s, EV_UDT, d, clin, udt_result(s), NULL);
        s->last_udt = d;
    }
    if (due(s->last_agree, d, 335) && rng_permille(s->r, s->h_agree)) {
        add_event(s, EV_AGREEMENT, d, clin, s->last_agree == DATE_NONE ? "signed" : "renewed",
                  NULL);
        s->last_agree = d;
    }
    if (rng_permille(s->r, s->h_peg))
        peg(s, d);
    if (due(s->last_edu, d, 335) && rng_permille(s->r, s->h_edu)) {
        add_event(s, EV_EDUCATION, d, clin, "done", "overdose risk, safe storage and disposal");
        s->last_edu = d;
    }
    if (due(s->last_plan, d, 335) && rng_permille(s->r, s->h_edu)) {
        add_event(s, EV_CARE_PLAN, d, clin, "updated",
                  rng_permille(s->r, 500) ? "function goal: walk 20 minutes daily"
                                          : "goals reviewed with patient");
        s->last_plan = d;
    }
    if (naloxone_eligible(s) && due(s->last_nal, d, 700) && rng_permille(s->r, s->h_nal))
        naloxone(s, d, clin, false);
    bool tapering = s->taper_from != DATE_NONE && d >= s->taper_from - 30;
    if (tapering && s->last_taper_plan == DATE_NONE && rng_permille(s->r, 700)) {
        add_event(s, EV_TAPER_PLAN, d, clin, "agreed", "reduce about 10% every 4 weeks");
        s->last_taper_plan = d;
    } else if (!tapering && s->peak_med10 >= 900 && due(s->last_taper_plan, d, 365) &&
               rng_permille(s->r, 120)) {
        add_event(s, EV_TAPER_PLAN, d, clin, "declined",
                  "patient prefers current dose; revisit in 3 months");
        s->last_taper_plan = d;
    }
    if (due(s->last_comm, d, 365) && rng_permille(s->r, s->misuse >= 2 ? 250 : 60)) {
        comm(s, d);
        s->last_comm = d;
    }
    if ((s->oud || s->pending_oud != DATE_NONE) && !s->oud_referred && s->moud_from == DATE_NONE &&
        rng_permille(s->r, 300)) {
        add_event(s, EV_REFERRAL_OUD, d, clin, "referred", "addiction medicine");
        s->oud_referred = true;
    }
    if (!s->stopbang_done && (s->peak_med10 >= 500 || s->benzo) && rng_permille(s->r, 100)) {
        stopbang(s, d);
        s->stopbang_done = true;
    }
}

static void reset_care_state(struct story *s)
{
    s->last_udt = s->last_agree = s->last_edu = s->last_plan = s->last_screen = s->last_gad =
        s->last_comm = s->last_ptsd = s->last_nal = s->last_taper_plan = s->pending_bh =
            s->pending_oud = DATE_NONE;
    s->ort_done = s->stopbang_done = s->oud_referred = false;
}

static void moud_events(struct story *s)
{
    if (s->moud_from == DATE_NONE)
        return;
    int clin = s->p->clin >= 0 ? s->p->clin : pick_prescriber(s, s->p->site);
    if (rng_permille(s->r, 700))
        add_event(s, EV_REFERRAL_OUD, s->moud_from - rng_range(s->r, 7, 30), clin, "referred",
                  "opioid treatment program");
    add_event(s, EV_MOUD, s->moud_from, clin, "buprenorphine started", NULL);
}

static void overdose_event(struct story *s)
{
    if (!s->overdose)
        return;
    day_t lo = s->ther_first != DATE_NONE && s->ther_first > s->hist ? s->ther_first : s->hist;
    day_t hi = s->p->end != DATE_NONE && s->p->end < s->as_of - 7 ? s->p->end : s->as_of - 7;
    if (lo >= hi)
        return;
    day_t d = rng_range(s->r, lo, hi);
    add_event(s, EV_OVERDOSE, d, -1, "nonfatal", "ED visit, naloxone given by EMS");
    int clin = s->p->clin >= 0 ? s->p->clin : pick_prescriber(s, s->p->site);
    if (rng_permille(s->r, 600))
        naloxone(s, d + rng_range(s->r, 1, 14), clin, true);
    if (rng_permille(s->r, 400))
        add_event(s, EV_REFERRAL_OUD, d + rng_range(s->r, 1, 20), clin, "referred",
                  "addiction medicine");
}

/* Refills between visits: some prescribers check the PDMP each time they sign one. */
static void refill_checks(struct story *s)
{
    int n = s->p->fills.n;
    for (int i = 0; i < n; i++) {
        const struct fill *f = &s->p->fills.v[i];
        if (!is_opioid_fill(f) || !rng_permille(s->r, s->h_pdmp / 4))
            continue;
        const struct clinician *c = &s->g->org.clin[f->clin];
        day_t d = f->written != DATE_NONE ? f->written : f->date;
        if (c->pdmp != DATE_NONE && c->pdmp <= d)
            add_event(s, EV_PDMP, d, f->clin, "no concerns", NULL);
    }
}

static void care(struct story *s)
{
    reset_care_state(s);
    int n = s->p->appts.n;
    for (int i = 0; i < n; i++) {
        const struct appointment *a = &s->p->appts.v[i];
        if (a->status != AP_COMPLETED)
            continue;
        if (on_opioid(s, a->date) || on_moud(s, a->date))
            visit_opioid_care(s, a->date, a->clin);
        visit_screening(s, a->date, a->clin);
    }
    refill_checks(s);
    moud_events(s);
    overdose_event(s);
    if (!naloxone_eligible(s) && s->ther_first != DATE_NONE && rng_permille(s->r, 40)) {
        day_t hi = clip_to_care(s, s->as_of);
        if (hi < s->ther_first)
            return;
        day_t d = rng_range(s->r, s->ther_first, hi);
        naloxone(s, d, s->p->clin >= 0 ? s->p->clin : pick_prescriber(s, s->p->site), false);
    }
}

/* ---- diagnoses ---- */

static void add_dx(struct story *s, const char *code, day_t d, day_t end)
{
    if (d > clip_to_care(s, d))
        return;
    struct diagnosis *x = PUSH(s->p->dx);
    x->date = d;
    x->end = end != DATE_NONE && end <= s->as_of ? end : DATE_NONE;
    x->seq = s->p->seq++;
    x->code = code;
}

static day_t some_day_before(struct story *s, day_t d, int lo, int hi)
{
    return d - rng_range(s->r, lo, hi);
}

static void pain_dx(struct story *s)
{
    static const char *const pain[] = {"M54.50", "G89.29", "G89.4", "M17.11", "M79.7",
                                       "M47.816", "M54.2", "M54.16", "M25.561", "G57.90"};
    day_t base = s->start != DATE_NONE ? s->start : s->kind == K_ACUTE ? s->acute_day : s->hist;
    int n = s->kind == K_ACUTE ? 1 : rng_range(s->r, 1, 3);
    int first = (int)rng_below(s->r, ARRAY_LEN(pain));
    for (int i = 0; i < n; i++) /* consecutive entries of the list: no code twice */
        add_dx(s, pain[(first + i) % (int)ARRAY_LEN(pain)], some_day_before(s, base, 0, 400),
               DATE_NONE);
}

static void label_dx(struct story *s)
{
    if (!s->ltot && !(s->kind == K_MOUD && s->start != DATE_NONE))
        return;
    int x = (int)rng_below(s->r, 1000);
    if (x >= 760)
        return; /* unlabeled: the care team never added the code */
    const char *code = x < 730 ? "Z79.891" : "F11.90";
    day_t d = s->start + rng_range(s->r, 14, 200);
    day_t end = DATE_NONE;
    if (s->stop != DATE_NONE && s->kind != K_LAPSED && rng_permille(s->r, 500))
        end = s->stop + rng_range(s->r, 30, 120);
    if (end != DATE_NONE && end <= d)
        end = d + 30;
    add_dx(s, code, d, end);
}

static void oud_dx(struct story *s)
{
    if (!s->oud)
        return;
    day_t d = s->moud_from != DATE_NONE ? s->moud_from - rng_range(s->r, 0, 30)
                                        : rng_range(s->r, s->hist, s->as_of - 1);
    add_dx(s, s->kind == K_MOUD || rng_permille(s->r, 600) ? "F11.20" : "F11.10", d, DATE_NONE);
}

static void exclusion_dx(struct story *s)
{
    static const char *const cancer[] = {"C50.919", "C61", "C34.90", "C18.9", "C25.9", "C79.51"};
    if (s->sc == SC_CANCER || rng_permille(s->r, 15))
        add_dx(s, PICK(s->r, cancer), s->as_of - rng_range(s->r, 20, 340), DATE_NONE);
    else if (rng_permille(s->r, 10)) /* a cancer more than a year ago no longer excludes */
        add_dx(s, PICK(s->r, cancer), s->as_of - rng_range(s->r, 400, 700), DATE_NONE);
    if (s->sc == SC_SICKLE || rng_permille(s->r, 4))
        add_dx(s, "D57.1", s->hist - rng_range(s->r, 0, 4000), DATE_NONE);
    if (s->sc == SC_PALLIATIVE || rng_permille(s->r, 8))
        add_dx(s, "Z51.5", s->as_of - rng_range(s->r, 10, s->sc == SC_PALLIATIVE ? 300 : 500),
               DATE_NONE);
}

static void mental_health_dx(struct story *s)
{
    static const char *const dep[] = {"F32.A", "F32.9", "F33.1", "F33.0"};
    static const char *const anx[] = {"F41.1", "F41.9"};
    if (s->dep >= 2 && rng_permille(s->r, 800))
        add_dx(s, PICK(s->r, dep), some_day_before(s, s->as_of, 30, 1500), DATE_NONE);
    if (s->anx >= 2 && rng_permille(s->r, 750))
        add_dx(s, PICK(s->r, anx), some_day_before(s, s->as_of, 30, 1500), DATE_NONE);
    if (s->ptsd && rng_permille(s->r, 500))
        add_dx(s, "F43.10", some_day_before(s, s->as_of, 30, 2000), DATE_NONE);
    if (s->osa && rng_permille(s->r, 600))
        add_dx(s, "G47.33", some_day_before(s, s->as_of, 30, 2000), DATE_NONE);
    if (rng_permille(s->r, 250))
        add_dx(s, "F17.210", some_day_before(s, s->as_of, 30, 2000), DATE_NONE);
    if (s->misuse >= 2 && rng_permille(s->r, 200))
        add_dx(s, "F10.20", some_day_before(s, s->as_of, 30, 1500), DATE_NONE);
}

/* ---- noise ---- */

static const char *misspelling(const struct product *pr)
{
    static const struct {
        const char *stem, *bad;
    } m[] = {
        {"hydrocodone", "hydrocodon/apap 10/325 tab"},
        {"Norco", "norcco 10/325"},
        {"oxycodone-acet", "oxycodne-acetaminophen 5/325 tab"},
        {"Percocet", "percoset 10/325mg"},
        {"oxycodone ", "oxycodon 10mg tab"},
        {"OxyContin", "oxycontn 20mg ER"},
        {"morphine", "morphin sulfate ER 30mg"},
        {"MS Contin", "ms contin 30"},
        {"methadone", "methadon 10mg tab"},
        {"fentanyl", "fentanil 25mcg patch"},
        {"Duragesic", "duragesic patch 25"},
        {"tramadol", "tramadoll 50mg"},
        {"Ultram", "ultram50"},
        {"Nucynta", "nucinta 50mg"},
        {"hydromorphone", "hydromorphon 2mg"},
    };
    for (size_t i = 0; i < ARRAY_LEN(m); i++)
        if (strncmp(pr->drug, m[i].stem, strlen(m[i].stem)) == 0)
            return m[i].bad;
    return "pain med - see chart";
}

static void misspell(struct fill *f)
{
    f->text = misspelling(&synth_products[f->product]);
    f->product = -1;
    f->codes = CODES_NONE;
    f->sig_dose = 0;
    f->prn = -1;
}

static void noise(struct story *s)
{
    struct patient *p = s->p;
    static const char *const unknown[] = {
        "compounded pain cream (ketoprofen 10%, lidocaine 5%)",
        "CBD oil 1000 mg \"full spectrum\"",
        "pain relief compound - see pharmacy notes",
    };
    bool misspelled = false, no_days = false;
    for (int i = 0; i < p->fills.n; i++) {
        struct fill *f = &p->fills.v[i];
        if (!is_opioid_fill(f))
            continue;
        if ((s->sc == SC_MISSPELLED && !misspelled) || rng_permille(s->r, 4)) {
            misspell(f);
            misspelled = true;
        } else if ((s->sc == SC_NO_DAYS && !no_days) || rng_permille(s->r, 2)) {
            f->days = -1;
            no_days = true;
        }
    }
    if ((s->sc == SC_UNKNOWN_PRODUCT || rng_permille(s->r, 5)) && s->ther_first != DATE_NONE) {
        day_t d = rng_range(s->r, s->hist, s->as_of);
        struct fill *f = add_fill(s, P_OXY_5, 1, 30, d, false);
        f->product = -1;
        f->text = PICK(s->r, unknown);
        f->qty = 120;
        f->codes = CODES_NONE;
        f->sig_dose = 0;
        f->prn = -1;
        f->med10 = 0;
    }
    for (int i = 0; i < p->dx.n; i++)
        if (rng_permille(s->r, 10))
            p->dx.v[i].nodot = true;
}

/* ---- putting it together ---- */

static void patient_reset(struct patient *p, int idx)
{
    p->idx = idx;
    snprintf(p->id, sizeof p->id, "P%06d", idx);
    p->seq = 0;
    p->fills.n = p->events.n = p->assess.n = p->appts.n = p->dx.n = 0;
}

void synth_patient(struct gen *g, int idx)
{
    struct patient *p = &g->p;
    struct story s = {.g = g, .p = p, .r = &p->rng, .as_of = g->as_of, .hist = g->hist_start,
                      .sc = idx % 250};
    patient_reset(p, idx);
    rng_seed(&p->rng, g->o->seed, (uint64_t)idx);
    choose_demographics(&s);
    choose_place(&s);
    choose_kind(&s);
    choose_traits(&s);
    choose_habits(&s);
    plan_dates(&s);
    opioid_fills(&s);
    if (s.omp)
        shopping_fills(&s);
    moud_fills(&s);
    benzo_fills(&s);
    muscle_fills(&s);
    therapy_span(&s);
    assess_risk(&s);
    visits(&s);
    care(&s);
    pain_dx(&s);
    label_dx(&s);
    oud_dx(&s);
    exclusion_dx(&s);
    mental_health_dx(&s);
    if (g->o->noise)
        noise(&s);
}

void synth_patient_free(struct patient *p)
{
    free(p->fills.v);
    free(p->events.v);
    free(p->assess.v);
    free(p->appts.v);
    free(p->dx.v);
    memset(p, 0, sizeof *p);
}

/* ---- scoring (CARE-GAPS.md, "Assessment scoring") ---- */

static const uint8_t ort_female[10] = {1, 2, 4, 3, 4, 5, 1, 3, 2, 1};
static const uint8_t ort_male[10] = {3, 3, 4, 3, 4, 5, 1, 0, 2, 1};

int synth_score100(const struct assessment *a, char sex)
{
    int sum = 0;
    if (a->instr == IN_ORT) {
        const uint8_t *w = sex == 'F' ? ort_female : ort_male;
        for (int i = 0; i < a->n; i++)
            sum += a->items[i] ? w[i] : 0;
        return sum * 100;
    }
    for (int i = 0; i < a->n; i++)
        sum += a->items[i];
    if (a->instr == IN_PEG)
        return (sum * 200 + 3) / 6; /* mean of three, rounded to hundredths */
    return sum * 100;
}
