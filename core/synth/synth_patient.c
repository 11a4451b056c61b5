/* One synthetic patient: who they are, which site and clinician they belong to, what kind of
 * patient they are, and every fill over the two years of history (opioid regimens with their
 * dose changes, tapers and early refills, MOUD, benzodiazepines, muscle relaxants, and the odd
 * shopping spree across prescribers). synth_care.c adds visits, documentation and diagnoses.
 * The rates are the model described in docs/synthetic-data.md.
 *
 * Each patient draws from their own random stream (seed, patient number), so one patient's story
 * never depends on another's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_story.h"

/* Share of each kind, permille. */
static const int kind_weight[K_COUNT] = {330, 100, 40, 40, 100, 20, 30, 165, 85, 40, 50};

struct line {
    enum ladder_id lad;
    int step;
    day_t from, to;
    day_t taper_from; /* DATE_NONE: no taper */
    bool to_zero;     /* a taper that ends in stopping */
    int max_med10;
};

/* ---- names ---- */

static const char *const first_f[] = {"Ada",   "Beatrix", "Clara",  "Dolores", "Edith",  "Fern",
                                      "Greta", "Hazel",   "Ines",   "June",    "Katya",  "Lena",
                                      "Mabel", "Nora",    "Opal",   "Pearl",   "Rosa",   "Sylvie",
                                      "Tess",  "Una",     "Vera",   "Wren",    "Yara",   "Zelda",
                                      "Maya",  "Lucia",   "Imogen", "Harriet", "Odette", "Marisol"};
static const char *const first_m[] = {
    "Abel",  "Bruno",  "Cyril", "Dmitri", "Elias", "Felix", "Gus",   "Hugo",  "Ivo",    "Jasper",
    "Kurt",  "Linus",  "Milo",  "Nico",   "Otis",  "Percy", "Quinn", "Rufus", "Silas",  "Tobias",
    "Ulric", "Victor", "Walt",  "Xavier", "Yusuf", "Zane",  "Anton", "Boris", "Cormac", "Desmond"};
/* Surnames are made of two parts that no real family is named after, so every name reads as
 * synthetic at a glance. */
static const char *const sur_a[] = {"Bramble", "Cobble",  "Dapple",  "Fiddle",  "Gumble", "Hobble",
                                    "Kettle",  "Lantern", "Marrow",  "Nettle",  "Pebble", "Puddle",
                                    "Quill",   "Rumble",  "Thimble", "Tumble",  "Wobble", "Bumble",
                                    "Crumple", "Pickle",  "Muddle",  "Twiddle", "Waffle", "Noodle"};
static const char *const sur_b[] = {"wick",   "feather", "worth", "thorne", "bury",
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

int story_prescriber(struct story *s, int site)
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
    s->p->clin = story_prescriber(s, s->p->site);
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
    s->h_pdmp = registered ? clampi(base + 150, 0, 950) : base / 5;
    s->h_udt = habit(s, base + 30, 500, 20);
    s->h_agree = habit(s, base + 150, 600, 30);
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
        s->moud_from =
            rng_permille(r, 300) ? H - rng_range(r, 30, 900) : rng_range(r, H + 30, A - 30);
        if (rng_permille(r, 500)) {
            s->start = s->moud_from - rng_range(r, 120, 700);
            s->stop = s->moud_from - 1;
        }
        if (rng_permille(r, 150))
            s->moud_to = rng_range(r, s->moud_from + 60, A + 60); /* dropped out */
        break;
    default: {
        int x = (int)rng_below(r, 1000);
        s->start = x < 600   ? H - rng_range(r, 30, 1800)
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
    case P_HC_APAP_10:
        return P_NORCO_10;
    case P_OXY_APAP_5:
        return P_PERCOCET_5;
    case P_OXY_APAP_10:
        return P_PERCOCET_10;
    case P_TRAMADOL_50:
        return P_ULTRAM_50;
    case P_FENTANYL_25:
        return P_DURAGESIC_25;
    default:
        return id;
    }
}

static int fill_prescriber(struct story *s)
{
    if (s->p->clin < 0 || rng_permille(s->r, 70))
        return story_prescriber(s, s->p->site); /* a covering colleague */
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

struct fill *story_add_fill(struct story *s, enum product_id id, int per_day, int days, day_t d,
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
day_t story_clip(const struct story *s, day_t to)
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

static const char *const early_reasons[] = {
    "lost medication", "travel", "\"ran out early\" per patient", "pharmacy closed over holiday",
    "took extra doses for flare"};

static int line_days(struct story *s, const struct line *ln, enum line_policy pol, int nfill,
                     bool new_start)
{
    if (pol == LP_OPIOID)
        return opioid_days(s, ln, nfill, new_start);
    if (pol == LP_MOUD)
        return moud_days(s, nfill, new_start);
    return rng_permille(s->r, 900) ? 30 : 15;
}

static enum product_id line_product(struct story *s, const struct dose_step *st,
                                    enum line_policy pol)
{
    if (pol != LP_MOUD)
        return brand_of(s, st->product);
    if (s->brand)
        return P_SUBOXONE_FILM_8;
    return rng_permille(s->r, 60) ? P_BUP_TAB_8 : P_BUP_NAL_TAB_8;
}

/* Fills one line from its first day to its last: a fill, then the next one after the supply
 * (give or take), moving along the ladder as the story goes. */
static void run_line(struct story *s, struct line *ln, enum line_policy pol)
{
    const struct ladder *lad = &synth_ladders[ln->lad];
    bool new_start = ln->from >= s->hist;
    day_t d = new_start ? ln->from : s->hist + rng_range(s->r, 0, 29);
    day_t to = story_clip(s, ln->to);
    bool early = false;
    for (int nfill = 0; d <= to; nfill++) {
        if (pol == LP_OPIOID && nfill > 0 &&
            !adjust_step(s, ln, d, new_start ? ln->from : DATE_NONE))
            break;
        const struct dose_step *st = &lad->steps[ln->step];
        int days = line_days(s, ln, pol, nfill, new_start);
        struct fill *f =
            story_add_fill(s, line_product(s, st, pol), st->per_day, days, d, lad->prn);
        if (pol == LP_OPIOID && f->med10 > ln->max_med10)
            ln->max_med10 = f->med10;
        if (early && rng_permille(s->r, 400))
            story_add_event(s, EV_EARLY_REFILL, d, f->clin,
                            rng_permille(s->r, 800) ? "approved" : "denied",
                            PICK(s->r, early_reasons));
        int gap = refill_gap(s, days, &early);
        if (pol == LP_BENZO || pol == LP_MUSCLE) {
            if (lad->prn && rng_permille(s->r, 350))
                gap += rng_range(s->r, 10, 60); /* used as needed: refilled irregularly */
            early = false;
        }
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
    case K_METHADONE:
        ln[0].lad = L_METHADONE;
        break;
    case K_FENTANYL:
        ln[0].lad = L_FENTANYL;
        ln[1].lad = rng_permille(r, 500) ? L_OXY_IR : L_HC_APAP;
        n = rng_permille(r, 500) ? 2 : 1;
        break;
    case K_TRAMADOL:
        ln[0].lad = L_TRAMADOL;
        break;
    case K_TAPENTADOL:
        ln[0].lad = rng_permille(r, 300) ? L_TAPENTADOL_ER : L_TAPENTADOL;
        break;
    default:
        ln[0].lad = L_HYDROMORPHONE;
        break;
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
    /* After an injury or a procedure: every 6 hours as needed for a few days. */
    static const enum product_id prod[] = {P_HC_APAP_5, P_OXY_5, P_TRAMADOL_50, P_OXY_APAP_5,
                                           P_HC_APAP_75};
    enum product_id id = PICK(s->r, prod);
    int days = rng_range(s->r, 3, 7);
    story_add_fill(s, id, 4, days, s->acute_day, true);
    if (rng_permille(s->r, 350) && s->acute_day + 20 <= s->as_of)
        story_add_fill(s, id, 4, rng_range(s->r, 3, 5), s->acute_day + rng_range(s->r, days, 20),
                       true);
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
        if (d > story_clip(s, d))
            continue;
        struct fill *f = story_add_fill(s, rng_permille(s->r, 500) ? P_HC_APAP_10 : P_OXY_10, 4,
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
    struct line ln = {
        .lad = L_BUP_NAL, .from = s->moud_from, .to = s->moud_to, .taper_from = DATE_NONE};
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
    static const enum ladder_id l[] = {L_CYCLOBENZAPRINE, L_METHOCARBAMOL, L_TIZANIDINE, L_BACLOFEN,
                                       L_CARISOPRODOL};
    static const int w[] = {40, 20, 20, 12, 8};
    struct line ln = {.lad = l[rng_weighted(s->r, w, 5)], .taper_from = DATE_NONE};
    ln.step = rng_range(s->r, 0, synth_ladders[ln.lad].start_hi);
    ln.from = rng_range(s->r, s->hist - 30, s->as_of - 20);
    /* Half are a short course after a flare; the rest take it for months. */
    ln.to = rng_permille(s->r, 500) ? ln.from + rng_range(s->r, 10, 80)
                                    : ln.from + rng_range(s->r, 120, 700);
    run_line(s, &ln, LP_MUSCLE);
}

bool story_is_opioid(const struct fill *f)
{
    return f->product >= 0 && synth_products[f->product].cls == RXC_OPIOID;
}

/* First opioid fill and the last day the opioid fills cover. */
static void therapy_span(struct story *s)
{
    s->ther_first = s->ther_last = DATE_NONE;
    for (int i = 0; i < s->p->fills.n; i++) {
        const struct fill *f = &s->p->fills.v[i];
        if (!story_is_opioid(f))
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
    struct story s = {
        .g = g, .p = p, .r = &p->rng, .as_of = g->as_of, .hist = g->hist_start, .sc = idx % 250};
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
    story_visits(&s);
    story_care(&s);
    story_diagnoses(&s);
    if (g->o->noise)
        story_noise(&s);
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
