/* Free-text product descriptions: "oxycodone-acetaminophen 10-325 mg tablet", "Norco 5/325",
 * "fentaNYL (DURAGESIC) 25 mcg/hr patch". The text is split into words, numbers and symbols;
 * names (ingredients, aliases, brands) and strength groups are found; strengths are paired with
 * ingredients by position. Whenever the pairing is not certain the result says so instead of
 * guessing, because a wrong strength is a wrong MED. No allocation except on the error path. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

#define TEXT_MAX 512
#define TOK_MAX 128
#define WORD_MAX 24
#define GROUP_MAX 6
#define ELEM_MAX 64
#define PEND_MAX 8

enum tok_kind { T_WORD, T_NUM, T_SYM };

struct tok {
    enum tok_kind kind;
    char w[WORD_MAX]; /* lower-case word; "" for junk */
    double v;
    char sym;
};

struct item {
    double v;
    enum med_unit unit; /* MED_UNIT_NONE when unitless */
};

struct group {
    struct item it[GROUP_MAX];
    int n;
};

struct elem {
    const struct med_name *name; /* a name, or NULL for a group */
    struct group g;
};

struct pairing {
    int ing;
    double v;
    enum med_unit unit;
    bool ambiguous;
};

struct parse {
    const struct med_db *db;
    struct tok t[TOK_MAX];
    int nt;
    struct elem e[ELEM_MAX];
    int ne;
    struct form_acc form;
    struct pairing pair[PEND_MAX];
    int npair;
    int mention[PEND_MAX]; /* ingredients in order of mention */
    int nmention;
    bool truncated;
};

/* ---------------------------------------------------------------- tokens */

static bool push_tok(struct parse *ps, enum tok_kind k)
{
    if (ps->nt == TOK_MAX) {
        ps->truncated = true;
        return false;
    }
    struct tok *t = &ps->t[ps->nt++];
    memset(t, 0, sizeof *t);
    t->kind = k;
    return true;
}

static const char *lex_word(struct parse *ps, const char *s)
{
    char w[WORD_MAX];
    size_t k = 0;
    bool junk = false;
    while (isalnum((unsigned char)*s)) {
        if (k < sizeof w - 1)
            w[k++] = (char)tolower((unsigned char)*s);
        else
            junk = true; /* too long to be any name we know */
        s++;
    }
    w[k] = 0;
    if (push_tok(ps, T_WORD) && !junk)
        memcpy(ps->t[ps->nt - 1].w, w, k + 1);
    return s;
}

static const char *lex_number(struct parse *ps, const char *s)
{
    char buf[24];
    size_t k = 0;
    bool dot = false, junk = false;
    while (isdigit((unsigned char)*s) || (*s == '.' && !dot && isdigit((unsigned char)s[1]))) {
        if (*s == '.')
            dot = true;
        if (k < 15)
            buf[k++] = *s;
        else
            junk = true;
        s++;
    }
    buf[k] = 0;
    if (!push_tok(ps, junk ? T_SYM : T_NUM))
        return s;
    struct tok *t = &ps->t[ps->nt - 1];
    if (junk)
        t->sym = '?';
    else
        t->v = strtod(buf, NULL);
    return s;
}

static void lex(struct parse *ps, const char *s)
{
    while (*s && !ps->truncated) {
        unsigned char c = (unsigned char)*s;
        unsigned char c1 = (unsigned char)s[1];
        if (isspace(c)) {
            s++;
        } else if (isalpha(c)) {
            s = lex_word(ps, s);
        } else if (isdigit(c) || (c == '.' && isdigit(c1))) {
            s = lex_number(ps, s);
        } else if (c == '#' && isdigit(c1)) {
            /* "Tylenol #3": the number belongs to the name */
            if (push_tok(ps, T_WORD)) {
                struct tok *t = &ps->t[ps->nt - 1];
                t->w[0] = '#';
                size_t k = 1;
                s++;
                while (isdigit((unsigned char)*s) && k < 4)
                    t->w[k++] = *s++;
                t->w[k] = 0;
            }
        } else if ((c == 0xC2 && c1 == 0xB5) || (c == 0xCE && c1 == 0xBC)) {
            /* µg / μg */
            s += 2;
            if (*s == 'g' || *s == 'G') {
                s++;
                if (push_tok(ps, T_WORD))
                    memcpy(ps->t[ps->nt - 1].w, "ug", 3);
            }
        } else {
            if (push_tok(ps, T_SYM))
                ps->t[ps->nt - 1].sym = c < 0x80 ? (char)c : '?';
            s++;
        }
    }
}

/* ---------------------------------------------------------------- words */

static bool in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return true;
    return false;
}

static const char *const mg_words[] = {"mg", "milligram", "milligrams", NULL};
static const char *const mcg_words[] = {"mcg", "ug", "microgram", "micrograms", NULL};
static const char *const ml_words[] = {"ml", "milliliter", "milliliters", "millilitre", NULL};
static const char *const hr_words[] = {"hr", "h", "hour", "hours", "hrs", NULL};
static const char *const act_words[] = {"actuation", "actuations", "actuat", "act", "spray",
                                        "sprays", "puff", "dose", NULL};
/* Salt and filler words that may sit between a name and its strength. */
static const char *const salt_words[] = {
    "hcl",      "hydrochloride", "bitartrate", "sulfate",  "sulphate",  "phosphate",
    "citrate",  "tartrate",      "acetate",    "napsylate", "hbr",      "hydrobromide",
    "mesylate", "maleate",       "terephthalate", "base",  "tannate",   "polistirex",
    "and",      "with",          "w",          "oral",     NULL};

static bool tok_is(const struct parse *ps, int i, enum tok_kind k)
{
    return i < ps->nt && ps->t[i].kind == k;
}

static bool tok_sym(const struct parse *ps, int i, char c)
{
    return tok_is(ps, i, T_SYM) && ps->t[i].sym == c;
}

static bool tok_word_in(const struct parse *ps, int i, const char *const *list)
{
    return tok_is(ps, i, T_WORD) && in_list(ps->t[i].w, list);
}

/* ---------------------------------------------------------------- names */

/* Longest name of up to four words starting at token i (words may be joined by '-'). */
static int match_name(struct parse *ps, int i, const struct med_name **out)
{
    char key[4 * WORD_MAX + 4];
    int best = 0;
    int words = 0;
    size_t len = 0;
    for (int j = i; j < ps->nt && words < 4; j++) {
        if (tok_sym(ps, j, '-') && words > 0)
            continue;
        if (tok_is(ps, j, T_NUM) && words > 0) /* site names such as "clinic oxy 5" */
            len += (size_t)snprintf(key + len, sizeof key - len, " %g", ps->t[j].v);
        else if (tok_is(ps, j, T_WORD) && ps->t[j].w[0])
            len += (size_t)snprintf(key + len, sizeof key - len, "%s%s", words ? " " : "",
                                    ps->t[j].w);
        else
            break;
        if (len >= sizeof key)
            break;
        words++;
        const struct med_name *nm = med_name_find(ps->db, key);
        if (nm) {
            *out = nm;
            best = j - i + 1;
        }
    }
    return best;
}

/* ---------------------------------------------------------------- strengths */

/* A denominator after "mg": "/mL", "/5 mL", "per hour", "/actuation", "per tablet". Returns the
 * index after it, or i when there is none. */
static int denominator(const struct parse *ps, int i, bool mcg, struct item *it)
{
    if (!(tok_sym(ps, i, '/') || (tok_is(ps, i, T_WORD) && strcmp(ps->t[i].w, "per") == 0)))
        return i;
    int k = i + 1;
    double d = 1.0;
    if (tok_is(ps, k, T_NUM)) {
        d = ps->t[k].v;
        k++;
    }
    if (!(d > 0))
        return i;
    if (tok_word_in(ps, k, ml_words)) {
        it->unit = mcg ? MED_UNIT_MCG_ML : MED_UNIT_MG_ML;
        it->v /= d;
        return k + 1;
    }
    if (d != 1.0 || k != i + 1)
        return i;
    if (tok_word_in(ps, k, hr_words)) {
        it->unit = MED_UNIT_MCG_HR;
        if (!mcg)
            it->v *= 1000.0;
        return k + 1;
    }
    if (tok_word_in(ps, k, act_words)) {
        it->unit = mcg ? MED_UNIT_MCG_ACT : MED_UNIT_MG_ACT;
        return k + 1;
    }
    if (tok_is(ps, k, T_WORD) && med_form_word(ps->t[k].w))
        return k + 1; /* "per tablet" */
    return i;
}

/* One number with its unit, if any. Returns the next token index. */
static int parse_item(const struct parse *ps, int i, struct item *it)
{
    it->v = ps->t[i].v;
    it->unit = MED_UNIT_NONE;
    int j = i + 1;
    if (tok_word_in(ps, j, mg_words) || tok_word_in(ps, j, mcg_words)) {
        bool mcg = tok_word_in(ps, j, mcg_words);
        it->unit = mcg ? MED_UNIT_MCG : MED_UNIT_MG;
        return denominator(ps, j + 1, mcg, it);
    }
    if (tok_sym(ps, j, '%')) {
        it->unit = MED_UNIT_MG_ML; /* w/v: 1 % is 10 mg/mL */
        it->v *= 10.0;
        return j + 1;
    }
    return j;
}

/* A group of strengths joined by '-' or '/': "10-325 mg", "8 mg/2 mg", "5/300". */
static int parse_group(const struct parse *ps, int i, struct group *g)
{
    g->n = 0;
    int j = i;
    for (;;) {
        struct item it;
        j = parse_item(ps, j, &it);
        if (g->n < GROUP_MAX)
            g->it[g->n++] = it;
        if ((tok_sym(ps, j, '-') || tok_sym(ps, j, '/')) && tok_is(ps, j + 1, T_NUM))
            j++;
        else
            break;
    }
    /* Unitless members take the unit written beside them ("10-325 mg"). */
    enum med_unit u = MED_UNIT_NONE;
    for (int k = 0; k < g->n && u == MED_UNIT_NONE; k++)
        u = g->it[k].unit;
    for (int k = 0; k < g->n; k++)
        if (g->it[k].unit == MED_UNIT_NONE)
            g->it[k].unit = u;
    return j;
}

static bool group_has_unit(const struct group *g)
{
    return g->n > 0 && g->it[0].unit != MED_UNIT_NONE;
}

/* ---------------------------------------------------------------- scanning */

static void add_elem_name(struct parse *ps, const struct med_name *nm)
{
    if (ps->ne < ELEM_MAX) {
        ps->e[ps->ne].name = nm;
        ps->ne++;
    }
}

/* The first brand (a name carrying defaults) that contains the chosen ingredient. */
static const struct med_name *brand_for(const struct parse *ps, int ing)
{
    for (int i = 0; i < ps->ne; i++) {
        const struct med_name *nm = ps->e[i].name;
        if (!nm || !(nm->n_ing > 1 || nm->form || nm->acting || nm->cls ||
                     !isnan(nm->strength) || nm->unit))
            continue;
        for (int k = 0; k < nm->n_ing; k++)
            if (nm->ing[k] == ing)
                return nm;
    }
    return NULL;
}

/* True when the element before the current end is a name, so a unitless number can be its
 * strength ("Norco 10", "hydrocodone/APAP 5/300"). */
static bool follows_name(const struct parse *ps, bool adjacent)
{
    return adjacent && ps->ne > 0 && ps->e[ps->ne - 1].name != NULL;
}

static void scan(struct parse *ps)
{
    bool adjacent = false; /* nothing but salts and brackets since the last name */
    for (int i = 0; i < ps->nt;) {
        const struct tok *t = &ps->t[i];
        const struct med_name *nm = NULL;
        int n;
        if (t->kind == T_WORD && (n = match_name(ps, i, &nm)) > 0) {
            add_elem_name(ps, nm);
            adjacent = true;
            i += n;
        } else if (t->kind == T_NUM) {
            struct group g;
            int next = parse_group(ps, i, &g);
            bool lone_count = !group_has_unit(&g) && g.n == 1 && tok_is(ps, next, T_WORD) &&
                              !tok_word_in(ps, next, salt_words);
            if (!group_has_unit(&g) && g.n == 1 && tok_word_in(ps, next, hr_words) &&
                (g.it[0].v == 12 || g.it[0].v == 24))
                ps->form.lng = true; /* "12 hr" / "24 hr" release */
            if ((group_has_unit(&g) || (follows_name(ps, adjacent) && !lone_count)) &&
                ps->ne < ELEM_MAX) {
                ps->e[ps->ne].name = NULL;
                ps->e[ps->ne].g = g;
                ps->ne++;
            }
            adjacent = false;
            i = next;
        } else if (t->kind == T_WORD) {
            med_form_acc_word(&ps->form, t->w);
            if (!in_list(t->w, salt_words))
                adjacent = false;
            i++;
        } else {
            if (t->sym != '(' && t->sym != ')' && t->sym != ',' && t->sym != '[' &&
                t->sym != ']' && t->sym != '-')
                adjacent = false;
            i++;
        }
    }
}

/* ---------------------------------------------------------------- pairing */

static struct pairing *pairing_for(struct parse *ps, int ing)
{
    for (int i = 0; i < ps->npair; i++)
        if (ps->pair[i].ing == ing)
            return &ps->pair[i];
    if (ps->npair == PEND_MAX)
        return NULL;
    struct pairing *p = &ps->pair[ps->npair++];
    p->ing = ing;
    p->v = NAN;
    p->unit = MED_UNIT_NONE;
    p->ambiguous = false;
    return p;
}

static void set_strength(struct parse *ps, int ing, const struct item *it)
{
    struct pairing *p = pairing_for(ps, ing);
    if (!p)
        return;
    if (!isnan(p->v) && (p->v != it->v || p->unit != it->unit))
        p->ambiguous = true; /* two different strengths for one ingredient */
    p->v = it->v;
    p->unit = it->unit;
}

static void mark_ambiguous(struct parse *ps, const int *ing, int n)
{
    for (int i = 0; i < n; i++) {
        struct pairing *p = pairing_for(ps, ing[i]);
        if (p)
            p->ambiguous = true;
    }
}

static bool mentioned(const struct parse *ps, int ing)
{
    for (int i = 0; i < ps->nmention; i++)
        if (ps->mention[i] == ing)
            return true;
    return false;
}

static bool is_partner(const struct med_db *db, int ing)
{
    const struct med_ingredient *g = &db->ing[ing];
    return g->kind == MED_KIND_NALOXONE || g->kind == MED_KIND_NALTREXONE ||
           !strcmp(g->name, "acetaminophen") || !strcmp(g->name, "aspirin") ||
           !strcmp(g->name, "ibuprofen");
}

/* "Norco 10", "Suboxone 8": one number for an opioid with analgesic or antagonist partners. The
 * partners' own strengths are never under 100 mg (acetaminophen, aspirin, ibuprofen) or are
 * never written alone (naloxone), so a number under 100 can only be the opioid's. */
static int lone_opioid(const struct parse *ps, const int *pending, int np, const struct group *g)
{
    if (g->n != 1 || !(g->it[0].v < 100))
        return -1;
    int opioid = -1;
    for (int k = 0; k < np; k++) {
        enum med_kind kind = ps->db->ing[pending[k]].kind;
        if (kind == MED_KIND_OPIOID || kind == MED_KIND_BUPRENORPHINE) {
            if (opioid >= 0)
                return -1;
            opioid = pending[k];
        } else if (!is_partner(ps->db, pending[k])) {
            return -1;
        }
    }
    return opioid;
}

static void pair_group(struct parse *ps, const int *pending, int np, const struct group *g)
{
    int lone = lone_opioid(ps, pending, np, g);
    if (lone >= 0) {
        set_strength(ps, lone, &g->it[0]);
    } else if (g->n == np) {
        for (int k = 0; k < np; k++)
            set_strength(ps, pending[k], &g->it[k]);
    } else {
        mark_ambiguous(ps, pending, np);
    }
}

static void pair_all(struct parse *ps)
{
    int pending[PEND_MAX], np = 0;
    const struct group *orphan = NULL;
    int orphans = 0;
    for (int i = 0; i < ps->ne; i++) {
        const struct elem *e = &ps->e[i];
        if (e->name) {
            for (int k = 0; k < e->name->n_ing; k++) {
                int ing = e->name->ing[k];
                if (mentioned(ps, ing) || ps->nmention == PEND_MAX)
                    continue; /* "oxycodone-acetaminophen (Percocet)": same ingredients */
                ps->mention[ps->nmention++] = ing;
                if (np < PEND_MAX)
                    pending[np++] = ing;
            }
        } else if (np > 0) {
            pair_group(ps, pending, np, &e->g);
            np = 0;
        } else {
            orphan = &e->g;
            orphans++;
        }
    }
    /* "10 mg oxycodone tablet": a strength written before its name. */
    if (np > 0 && orphans == 1)
        pair_group(ps, pending, np, orphan);
}

/* ---------------------------------------------------------------- choosing the ingredient */

static int kind_rank(enum med_kind k)
{
    switch (k) {
    case MED_KIND_OPIOID:
    case MED_KIND_BUPRENORPHINE:
        return 0;
    case MED_KIND_BENZO:
        return 1;
    case MED_KIND_MUSCLE_RELAXANT:
        return 2;
    case MED_KIND_NALOXONE:
        return 3;
    case MED_KIND_NALTREXONE:
        return 4;
    default:
        return 5;
    }
}

/* Picks the class-defining ingredient; refuses two opioids or an opioid with a
 * benzodiazepine, which no single product contains. */
static int choose(const struct parse *ps, char *why, size_t whylen)
{
    const struct med_db *db = ps->db;
    int best = -1;
    for (int i = 0; i < ps->nmention; i++) {
        int ing = ps->mention[i];
        if (best < 0 || kind_rank(db->ing[ing].kind) < kind_rank(db->ing[best].kind))
            best = ing;
    }
    if (best < 0)
        return -1;
    for (int i = 0; i < ps->nmention; i++) {
        int ing = ps->mention[i];
        if (ing == best)
            continue;
        int rb = kind_rank(db->ing[best].kind), ri = kind_rank(db->ing[ing].kind);
        if ((rb == 0 && ri == 0) || (rb == 0 && ri == 1)) {
            snprintf(why, whylen,
                     "more than one drug (%s, %s) in one description: give one per row",
                     db->ing[best].name, db->ing[ing].name);
            return -2;
        }
    }
    return best;
}

/* Analgesic partners are never below 100 mg in a combination product; a smaller number means
 * the pairing read a dose count ("Percocet 1-2 tabs") as strengths. */
static bool partners_plausible(const struct parse *ps)
{
    for (int i = 0; i < ps->npair; i++) {
        const char *n = ps->db->ing[ps->pair[i].ing].name;
        bool analgesic = strcmp(n, "acetaminophen") == 0 || strcmp(n, "aspirin") == 0 ||
                         strcmp(n, "ibuprofen") == 0;
        if (analgesic && !isnan(ps->pair[i].v) &&
            (ps->pair[i].unit == MED_UNIT_MG || ps->pair[i].unit == MED_UNIT_NONE) &&
            ps->pair[i].v < 100)
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- result */

static void quote(char *dst, size_t cap, const char *text)
{
    size_t k = 0;
    for (const char *s = text; *s && k + 4 < cap; s++)
        dst[k++] = (unsigned char)*s < 0x20 ? ' ' : *s;
    if (strlen(text) + 4 >= cap && cap > 4) {
        memcpy(dst + k, "...", 3);
        k += 3;
    }
    dst[k] = 0;
}

/* Suggests the nearest known name for words that look misspelt. Error path only. */
static void suggest(const struct parse *ps, char *buf, size_t cap)
{
    const struct keyset *names = &ps->db->name_index;
    struct nearest n = nearest_start("", 2);
    buf[0] = 0;
    for (int i = 0; i < ps->nt; i++) {
        const char *w = ps->t[i].w;
        if (ps->t[i].kind != T_WORD || strlen(w) < 5 || med_form_word(w))
            continue;
        n.name = w; /* the nearest pair over all words: best and dist carry over */
        for (size_t k = 0; k < keyset_count(names); k++) {
            size_t len;
            const char *key = keyset_key(names, k, &len);
            if (len >= 5 && !strchr(key, ' '))
                nearest_offer(&n, key);
        }
    }
    if (n.best)
        snprintf(buf, cap, " (did you mean %s?)", n.best);
}

static enum med_resolution finish(struct parse *ps, const char *text, struct med_text_result *out,
                                  char *why, size_t whylen)
{
    char q[96];
    quote(q, sizeof q, text);
    int ing = choose(ps, why, whylen);
    if (ing == -2)
        return MED_UNRESOLVED;
    if (ing < 0) {
        char hint[64];
        suggest(ps, hint, sizeof hint);
        snprintf(why, whylen, "no opioid ingredient recognised in '%s'%s", q, hint);
        return MED_UNRESOLVED;
    }
    out->ing = ing;
    med_form_acc_result(&ps->form, &out->form, &out->acting);
    const struct med_name *b = brand_for(ps, ing);
    if (b) {
        if (out->form == MED_FORM_UNKNOWN)
            out->form = b->form;
        else if (out->form == MED_FORM_SPRAY && b->form == MED_FORM_NASAL_SPRAY)
            out->form = b->form;
        if (out->acting == MED_ACTING_UNKNOWN)
            out->acting = b->acting;
        out->cls = b->cls;
        snprintf(out->label, sizeof out->label, "%s", b->label);
    }
    const struct pairing *p = NULL;
    for (int i = 0; i < ps->npair; i++)
        if (ps->pair[i].ing == ing)
            p = &ps->pair[i];
    const char *name = ps->db->ing[ing].name;
    if (p && (p->ambiguous || !partners_plausible(ps))) {
        snprintf(why, whylen,
                 "the strength of %s in '%s' is ambiguous: write each ingredient's strength "
                 "(e.g. 10/325 mg) or give the strength separately",
                 name, q);
        return MED_PARTIAL;
    }
    if (p && !isnan(p->v)) {
        out->strength = p->v;
        out->unit = p->unit;
        if (out->unit == MED_UNIT_NONE && b && b->unit) {
            out->unit = b->unit; /* "Duragesic 25" */
        } else if (out->unit == MED_UNIT_NONE) {
            /* A bare number reads as milligrams, said so by a flag, except where milligrams
             * would be wrong: micrograms for fentanyl, per mL for liquids, per hour for
             * patches. */
            if (ps->db->ing[ing].mcg || out->form == MED_FORM_LIQUID ||
                out->form == MED_FORM_PATCH) {
                snprintf(why, whylen, "unit of the %s strength missing in '%s'", name, q);
                return MED_PARTIAL;
            }
            out->unit = MED_UNIT_MG;
            out->flags |= MED_FLAG_UNIT_ASSUMED;
        }
    } else if (b && !isnan(b->strength) && b->n_ing > 0) {
        out->strength = b->strength; /* "Tylenol #3" */
        out->unit = b->unit ? b->unit : MED_UNIT_MG;
    } else {
        if (b && b->unit)
            out->unit = b->unit;
        snprintf(why, whylen, "strength missing for %s in '%s'", name, q);
        return MED_PARTIAL;
    }
    return MED_RESOLVED;
}

enum med_resolution med_text_parse(const struct med_db *db, const char *text,
                                   struct med_text_result *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    out->ing = -1;
    out->strength = NAN;
    if (!text || !*text) {
        snprintf(why, whylen, "empty description");
        return MED_UNRESOLVED;
    }
    if (strlen(text) > TEXT_MAX) {
        snprintf(why, whylen, "description longer than %d characters", TEXT_MAX);
        return MED_UNRESOLVED;
    }
    struct parse ps;
    memset(&ps, 0, sizeof ps);
    ps.db = db;
    lex(&ps, text);
    scan(&ps);
    pair_all(&ps);
    return finish(&ps, text, out, why, whylen);
}
