/* What happens around a synthetic patient's prescriptions: the visits they keep, what the
 * care team documents at those visits (PDMP checks, urine drug tests, agreements, screening
 * instruments, naloxone, referrals), overdoses, the problem list, and the deliberate
 * data-quality noise. Rates are the model in docs/synthetic-data.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_story.h"

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
        return story_prescriber(s, s->p->site);
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

void story_visits(struct story *s)
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

void story_add_event(struct story *s, enum ev_type t, day_t d, int clin, const char *result,
                     const char *note)
{
    if (d > story_clip(s, d))
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
    int age = date_age_years(s->p->birth, d);
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
    a->items[5] = date_age_years(s->p->birth, d) > 50;
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
    static const char *const odd[] = {"inconsistent: prescribed opioid not detected",
                                      "inconsistent: THC detected",
                                      "inconsistent: non-prescribed benzodiazepine",
                                      "inconsistent: cocaine detected",
                                      "inconsistent: fentanyl detected",
                                      "inconsistent: amphetamine, methamphetamine detected"};
    static const int odd_p[] = {80, 200, 400, 600};
    return rng_permille(s->r, odd_p[s->misuse]) ? PICK(s->r, odd) : "consistent";
}

/* Who ran the PDMP query: the clinician, or now and then one of the site's delegates. Returns
 * -1 when a delegate was required and the site has none. */
static int pdmp_checker(struct story *s, int clin, bool delegate_only, day_t d)
{
    const struct site *st = &s->g->org.sites[s->p->site];
    if (st->deleg_hi > st->deleg_lo && (delegate_only || rng_permille(s->r, 250))) {
        int k = rng_range(s->r, st->deleg_lo, st->deleg_hi - 1);
        day_t reg = s->g->org.clin[k].pdmp;
        if (reg != DATE_NONE && reg <= d) /* delegates query only once registered */
            return k;
    }
    return delegate_only ? -1 : clin;
}

static void naloxone(struct story *s, day_t d, int clin, bool with_fill)
{
    bool kit = !with_fill && rng_permille(s->r, 300);
    story_add_event(s, EV_NALOXONE, d, clin, kit ? "has kit" : "prescribed",
                    kit ? "kit from community program" : NULL);
    if (with_fill || (!kit && rng_permille(s->r, 800))) {
        day_t fd = d + rng_range(s->r, 0, 3);
        if (fd <= story_clip(s, fd)) {
            struct fill *f = story_add_fill(s, P_NALOXONE_SPRAY, 1, 1, fd, true);
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
        story_add_event(s, EV_REFERRAL_BH, d, clin, "referred",
                        rng_permille(s->r, 500) ? "integrated behavioral health"
                                                : "counseling, outside");
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

static void visit_pdmp(struct story *s, day_t d, int clin)
{
    const struct clinician *c = &s->g->org.clin[clin];
    bool registered = c->pdmp != DATE_NONE && c->pdmp <= d;
    if (!rng_permille(s->r, registered ? s->h_pdmp : 60))
        return;
    /* An unregistered prescriber's patients are checked only when a delegate does it. */
    int checker = pdmp_checker(s, clin, !registered, d);
    if (checker >= 0)
        story_add_event(
            s, EV_PDMP, d, checker,
            rng_permille(s->r, 920) ? "no concerns" : "reviewed, other prescribers found", NULL);
}

/* Urine drug test, agreement and PEG: the monitoring the periodic review asks for. */
static void visit_monitoring(struct story *s, day_t d, int clin)
{
    if (due(s->last_udt, d, udt_interval(s) - 30) && rng_permille(s->r, s->h_udt)) {
        story_add_event(s, EV_UDT, d, clin, udt_result(s), NULL);
        s->last_udt = d;
    }
    if (due(s->last_agree, d, 335) && rng_permille(s->r, s->h_agree)) {
        story_add_event(s, EV_AGREEMENT, d, clin, s->last_agree == DATE_NONE ? "signed" : "renewed",
                        NULL);
        s->last_agree = d;
    }
    if (rng_permille(s->r, s->h_peg))
        peg(s, d);
}

static void visit_education(struct story *s, day_t d, int clin)
{
    if (due(s->last_edu, d, 335) && rng_permille(s->r, s->h_edu)) {
        story_add_event(s, EV_EDUCATION, d, clin, "done",
                        "overdose risk, safe storage and disposal");
        s->last_edu = d;
    }
    if (due(s->last_plan, d, 335) && rng_permille(s->r, s->h_edu)) {
        story_add_event(s, EV_CARE_PLAN, d, clin, "updated",
                        rng_permille(s->r, 500) ? "function goal: walk 20 minutes daily"
                                                : "goals reviewed with patient");
        s->last_plan = d;
    }
}

/* Naloxone and taper plans: what a higher-risk regimen calls for. */
static void visit_safety(struct story *s, day_t d, int clin)
{
    if (naloxone_eligible(s) && due(s->last_nal, d, 700) && rng_permille(s->r, s->h_nal))
        naloxone(s, d, clin, false);
    bool tapering = s->taper_from != DATE_NONE && d >= s->taper_from - 30;
    if (tapering && s->last_taper_plan == DATE_NONE && rng_permille(s->r, 700)) {
        story_add_event(s, EV_TAPER_PLAN, d, clin, "agreed", "reduce about 10% every 4 weeks");
        s->last_taper_plan = d;
    } else if (!tapering && s->peak_med10 >= 900 && due(s->last_taper_plan, d, 365) &&
               rng_permille(s->r, 120)) {
        story_add_event(s, EV_TAPER_PLAN, d, clin, "declined",
                        "patient prefers current dose; revisit in 3 months");
        s->last_taper_plan = d;
    }
    if (!s->stopbang_done && (s->peak_med10 >= 500 || s->benzo) && rng_permille(s->r, 100)) {
        stopbang(s, d);
        s->stopbang_done = true;
    }
}

/* Misuse screening and the referral that follows opioid use disorder or a positive COMM. */
static void visit_misuse(struct story *s, day_t d, int clin)
{
    if (due(s->last_comm, d, 365) && rng_permille(s->r, s->misuse >= 2 ? 250 : 60)) {
        comm(s, d);
        s->last_comm = d;
    }
    if ((s->oud || s->pending_oud != DATE_NONE) && !s->oud_referred && s->moud_from == DATE_NONE &&
        rng_permille(s->r, 300)) {
        story_add_event(s, EV_REFERRAL_OUD, d, clin, "referred", "addiction medicine");
        s->oud_referred = true;
    }
}

static void visit_opioid_care(struct story *s, day_t d, int clin)
{
    visit_pdmp(s, d, clin);
    visit_monitoring(s, d, clin);
    visit_education(s, d, clin);
    visit_safety(s, d, clin);
    visit_misuse(s, d, clin);
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
    int clin = s->p->clin >= 0 ? s->p->clin : story_prescriber(s, s->p->site);
    if (rng_permille(s->r, 700))
        story_add_event(s, EV_REFERRAL_OUD, s->moud_from - rng_range(s->r, 7, 30), clin, "referred",
                        "opioid treatment program");
    story_add_event(s, EV_MOUD, s->moud_from, clin, "buprenorphine started", NULL);
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
    story_add_event(s, EV_OVERDOSE, d, -1, "nonfatal", "ED visit, naloxone given by EMS");
    int clin = s->p->clin >= 0 ? s->p->clin : story_prescriber(s, s->p->site);
    if (rng_permille(s->r, 600))
        naloxone(s, d + rng_range(s->r, 1, 14), clin, true);
    if (rng_permille(s->r, 400))
        story_add_event(s, EV_REFERRAL_OUD, d + rng_range(s->r, 1, 20), clin, "referred",
                        "addiction medicine");
}

/* Refills between visits: some prescribers check the PDMP each time they sign one. */
static void refill_checks(struct story *s)
{
    int n = s->p->fills.n;
    for (int i = 0; i < n; i++) {
        const struct fill *f = &s->p->fills.v[i];
        if (!story_is_opioid(f) || !rng_permille(s->r, s->h_pdmp / 4))
            continue;
        const struct clinician *c = &s->g->org.clin[f->clin];
        day_t d = f->written != DATE_NONE ? f->written : f->date;
        if (c->pdmp != DATE_NONE && c->pdmp <= d)
            story_add_event(s, EV_PDMP, d, f->clin, "no concerns", NULL);
    }
}

/* Some clinicians offer naloxone to patients the rules do not single out. */
static void occasional_naloxone(struct story *s)
{
    if (naloxone_eligible(s) || s->ther_first == DATE_NONE || !rng_permille(s->r, 40))
        return;
    day_t hi = story_clip(s, s->as_of);
    if (hi < s->ther_first)
        return;
    day_t d = rng_range(s->r, s->ther_first, hi);
    naloxone(s, d, s->p->clin >= 0 ? s->p->clin : story_prescriber(s, s->p->site), false);
}

void story_care(struct story *s)
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
    occasional_naloxone(s);
}

/* ---- diagnoses ---- */

static void add_dx(struct story *s, const char *code, day_t d, day_t end)
{
    if (d > story_clip(s, d))
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
    static const char *const pain[] = {"M54.50",  "G89.29", "G89.4",  "M17.11",  "M79.7",
                                       "M47.816", "M54.2",  "M54.16", "M25.561", "G57.90"};
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
    static const char *const cancer[] = {"C50.9", "C50.919", "C61",   "C34.90",
                                         "C18.9", "C25.9",   "C79.51"};
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

void story_diagnoses(struct story *s)
{
    pain_dx(s);
    label_dx(s);
    oud_dx(s);
    exclusion_dx(s);
    mental_health_dx(s);
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

void story_noise(struct story *s)
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
        if (!story_is_opioid(f))
            continue;
        if ((s->sc == SC_MISSPELLED && !misspelled) || rng_permille(s->r, 4)) {
            misspell(f);
            misspelled = true;
        } else if ((s->sc == SC_NO_DAYS && !no_days) || rng_permille(s->r, 1)) {
            f->days = -1;
            no_days = true;
        }
    }
    if ((s->sc == SC_UNKNOWN_PRODUCT || rng_permille(s->r, 5)) && s->ther_first != DATE_NONE) {
        day_t d = rng_range(s->r, s->hist, story_clip(s, s->as_of));
        struct fill *f = story_add_fill(s, P_OXY_5, 1, 30, d, false);
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
