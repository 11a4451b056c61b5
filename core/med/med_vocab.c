/* The engine's vocabulary: which ingredients exist and what they are, the words for units and
 * forms, and the rules that turn an ingredient + form + unit into a product class. Brand names are
 * data (config/products/brands.csv); only the grammar of the domain lives here. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

struct builtin {
    const char *name;
    enum med_kind kind;
    enum med_acting acting;
    bool mcg;
};

static const struct builtin builtins[] = {
    {"buprenorphine", MED_KIND_BUPRENORPHINE, MED_ACTING_LONG, false},
    {"benzhydrocodone", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"butorphanol", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"codeine", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"dihydrocodeine", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"fentanyl", MED_KIND_OPIOID, MED_ACTING_SHORT, true},
    {"hydrocodone", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"hydromorphone", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"levomethadyl", MED_KIND_OPIOID, MED_ACTING_LONG, false},
    {"levorphanol", MED_KIND_OPIOID, MED_ACTING_LONG, false},
    {"meperidine", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"methadone", MED_KIND_OPIOID, MED_ACTING_LONG, false},
    {"morphine", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"nalbuphine", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"oliceridine", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"opium", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"oxycodone", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"oxymorphone", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"pentazocine", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"propoxyphene", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"sufentanil", MED_KIND_OPIOID, MED_ACTING_SHORT, true},
    {"alfentanil", MED_KIND_OPIOID, MED_ACTING_SHORT, true},
    {"remifentanil", MED_KIND_OPIOID, MED_ACTING_SHORT, true},
    {"tapentadol", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"tramadol", MED_KIND_OPIOID, MED_ACTING_SHORT, false},
    {"alprazolam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"chlordiazepoxide", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"clobazam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"clonazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"clorazepate", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"diazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"estazolam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"flurazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"halazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"lorazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"midazolam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"oxazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"prazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"quazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"temazepam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"triazolam", MED_KIND_BENZO, MED_ACTING_UNKNOWN, false},
    {"baclofen", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"carisoprodol", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"chlorphenesin", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"chlorzoxazone", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"cyclobenzaprine", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"dantrolene", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"metaxalone", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"methocarbamol", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"orphenadrine", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"tizanidine", MED_KIND_MUSCLE_RELAXANT, MED_ACTING_UNKNOWN, false},
    {"naloxone", MED_KIND_NALOXONE, MED_ACTING_UNKNOWN, false},
    {"nalmefene", MED_KIND_NALOXONE, MED_ACTING_UNKNOWN, false},
    {"naltrexone", MED_KIND_NALTREXONE, MED_ACTING_UNKNOWN, false},
    /* Partners in combination products: recognised so that "acetaminophen 325 mg" is not an
     * unknown word and so that strengths pair with the right ingredient. */
    {"acetaminophen", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"aspirin", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"ibuprofen", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"caffeine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"butalbital", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"promethazine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"chlorpheniramine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"brompheniramine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"pseudoephedrine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"phenylephrine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"guaifenesin", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"homatropine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"belladonna", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"celecoxib", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"naproxen", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"gabapentin", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"pregabalin", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"amitriptyline", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"clidinium", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"pyrilamine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
    {"triprolidine", MED_KIND_OTHER, MED_ACTING_UNKNOWN, false},
};

/* Other spellings of built-in ingredients. */
static const char *const aliases[][2] = {
    {"apap", "acetaminophen"},    {"paracetamol", "acetaminophen"},
    {"acetaminophin", "acetaminophen"}, {"asa", "aspirin"},
    {"pethidine", "meperidine"},  {"dextropropoxyphene", "propoxyphene"},
    {"laam", "levomethadyl"},     {"ibu", "ibuprofen"},
};

int med_vocab_add(struct med_db *db, const char *name, enum med_kind kind)
{
    if (db->n_ing == db->cap_ing) {
        db->cap_ing = db->cap_ing ? db->cap_ing * 2 : 128;
        db->ing = xrealloc(db->ing, db->cap_ing * sizeof *db->ing);
    }
    struct med_ingredient *g = &db->ing[db->n_ing];
    memset(g, 0, sizeof *g);
    med_lower_copy(g->name, sizeof g->name, name);
    g->kind = kind;
    g->acting = kind == MED_KIND_OPIOID ? MED_ACTING_SHORT : MED_ACTING_UNKNOWN;
    struct med_name nm = {.n_ing = 1, .strength = NAN};
    nm.ing[0] = (int)db->n_ing;
    snprintf(nm.label, sizeof nm.label, "%s", g->name);
    db->n_ing++;
    med_name_add(db, g->name, &nm);
    return (int)db->n_ing - 1;
}

void med_vocab_init(struct med_db *db)
{
    for (size_t i = 0; i < ARRAY_LEN(builtins); i++) {
        int k = med_vocab_add(db, builtins[i].name, builtins[i].kind);
        db->ing[k].acting = builtins[i].acting;
        db->ing[k].mcg = builtins[i].mcg;
    }
    for (size_t i = 0; i < ARRAY_LEN(aliases); i++) {
        struct med_name nm = {.n_ing = 1, .strength = NAN};
        nm.ing[0] = med_vocab_find(db, aliases[i][1]);
        snprintf(nm.label, sizeof nm.label, "%s", aliases[i][1]);
        med_name_add(db, aliases[i][0], &nm);
    }
}

int med_vocab_find(const struct med_db *db, const char *name)
{
    for (size_t i = 0; i < db->n_ing; i++)
        if (strcmp(db->ing[i].name, name) == 0)
            return (int)i;
    return -1;
}

int med_name_add(struct med_db *db, const char *key, const struct med_name *nm)
{
    char low[128];
    med_lower_copy(low, sizeof low, key);
    uint32_t *at;
    if (!keyset_add(&db->name_index, low, strlen(low), &at)) {
        db->names[*at] = *nm; /* a later definition (site data) replaces an earlier one */
        return (int)*at;
    }
    if (db->n_names == db->cap_names) {
        db->cap_names = db->cap_names ? db->cap_names * 2 : 256;
        db->names = xrealloc(db->names, db->cap_names * sizeof *db->names);
    }
    db->names[db->n_names] = *nm;
    *at = (uint32_t)db->n_names;
    return (int)db->n_names++;
}

const struct med_name *med_name_find(const struct med_db *db, const char *key)
{
    const uint32_t *at = keyset_find(&db->name_index, key, strlen(key));
    return at ? &db->names[*at] : NULL;
}

/* ---------------------------------------------------------------- enum names */

const char *med_class_name(enum med_class c)
{
    static const char *const n[] = {"unresolved", "opioid", "buprenorphine_pain", "moud",
                                    "benzodiazepine", "muscle_relaxant", "naloxone", "other"};
    return (unsigned)c < ARRAY_LEN(n) ? n[c] : "unresolved";
}

const char *med_form_name(enum med_form f)
{
    static const char *const n[] = {"unknown",     "tablet",     "capsule",    "liquid",
                                    "patch",       "buccal tablet", "sublingual tablet",
                                    "film",        "lozenge",    "nasal spray", "oral spray",
                                    "spray",       "injection",  "suppository", "implant",
                                    "other"};
    return (unsigned)f < ARRAY_LEN(n) ? n[f] : "unknown";
}

const char *med_unit_name(enum med_unit u)
{
    static const char *const n[] = {"",      "mg",      "mcg",      "mg/mL",
                                    "mcg/mL", "mg/actuation", "mcg/actuation", "mcg/hr"};
    return (unsigned)u < ARRAY_LEN(n) ? n[u] : "";
}

const char *med_acting_name(enum med_acting a)
{
    return a == MED_ACTING_LONG ? "long" : a == MED_ACTING_SHORT ? "short" : "unknown";
}

const char *med_source_name(enum med_source s)
{
    static const char *const n[] = {"none", "ndc", "rxnorm", "text"};
    return (unsigned)s < ARRAY_LEN(n) ? n[s] : "none";
}

const char *med_form_route(enum med_form f)
{
    switch (f) {
    case MED_FORM_PATCH:
        return "transdermal";
    case MED_FORM_BUCCAL_TABLET:
    case MED_FORM_SUBLINGUAL_TABLET:
    case MED_FORM_LOZENGE:
        return "buccal";
    case MED_FORM_FILM:
        return "film";
    case MED_FORM_ORAL_SPRAY:
        return "oral_spray";
    case MED_FORM_NASAL_SPRAY:
        return "nasal";
    case MED_FORM_SPRAY:
        return "spray";
    case MED_FORM_INJECTION:
        return "injection";
    case MED_FORM_IMPLANT:
        return "implant";
    case MED_FORM_SUPPOSITORY:
        return "rectal";
    default:
        return "oral";
    }
}

bool med_class_is_analgesic(enum med_class c)
{
    return c == MED_CLASS_OPIOID || c == MED_CLASS_BUP_PAIN;
}

enum med_class med_class_parse(const char *s, bool *ok)
{
    *ok = true;
    for (int c = MED_CLASS_OPIOID; c <= MED_CLASS_OTHER; c++)
        if (streq_nocase(s, med_class_name((enum med_class)c)))
            return (enum med_class)c;
    if (streq_nocase(s, "benzo"))
        return MED_CLASS_BENZO;
    if (streq_nocase(s, "muscle relaxant"))
        return MED_CLASS_MUSCLE_RELAXANT;
    *ok = false;
    return MED_CLASS_UNRESOLVED;
}

/* ---------------------------------------------------------------- class rules */

static enum med_class buprenorphine_class(enum med_form form, enum med_unit unit,
                                          enum med_acting acting)
{
    /* Pain products are dosed in micrograms (Butrans patch, Belbuca film) or are the low-dose
     * injection; everything in milligrams for sublingual use, the monthly injections and the
     * implant treat opioid use disorder. */
    if (form == MED_FORM_PATCH || unit == MED_UNIT_MCG_HR || unit == MED_UNIT_MCG)
        return MED_CLASS_BUP_PAIN;
    if (form == MED_FORM_INJECTION)
        return acting == MED_ACTING_LONG ? MED_CLASS_MOUD : MED_CLASS_BUP_PAIN;
    return MED_CLASS_MOUD;
}

enum med_class med_class_of(const struct med_ingredient *ing, enum med_form form,
                            enum med_unit unit, enum med_acting acting)
{
    switch (ing->kind) {
    case MED_KIND_OPIOID:
        return MED_CLASS_OPIOID;
    case MED_KIND_BUPRENORPHINE:
        return buprenorphine_class(form, unit, acting);
    case MED_KIND_BENZO:
        return MED_CLASS_BENZO;
    case MED_KIND_MUSCLE_RELAXANT:
        return MED_CLASS_MUSCLE_RELAXANT;
    case MED_KIND_NALOXONE:
        return MED_CLASS_NALOXONE;
    case MED_KIND_NALTREXONE:
        /* Extended-release injectable naltrexone treats opioid use disorder; tablets are also
         * used for alcohol, so they stay "other". */
        return form == MED_FORM_INJECTION ? MED_CLASS_MOUD : MED_CLASS_OTHER;
    default:
        return MED_CLASS_OTHER;
    }
}

static bool unit_is_mg(enum med_unit u)
{
    return u == MED_UNIT_MG || u == MED_UNIT_MG_ML || u == MED_UNIT_MG_ACT;
}

void med_normalize_strength(const struct med_ingredient *ing, double *strength,
                            enum med_unit *unit)
{
    if (*unit == MED_UNIT_NONE)
        return;
    bool want_mcg = ing && ing->mcg;
    bool keep = ing && ing->kind == MED_KIND_BUPRENORPHINE; /* mg and mcg products differ */
    if (keep)
        return;
    if (want_mcg && unit_is_mg(*unit)) {
        *strength *= 1000.0;
        *unit = *unit == MED_UNIT_MG ? MED_UNIT_MCG
                : *unit == MED_UNIT_MG_ML ? MED_UNIT_MCG_ML
                                          : MED_UNIT_MCG_ACT;
    } else if (!want_mcg && !unit_is_mg(*unit) && *unit != MED_UNIT_MCG_HR) {
        *strength /= 1000.0;
        *unit = *unit == MED_UNIT_MCG ? MED_UNIT_MG
                : *unit == MED_UNIT_MCG_ML ? MED_UNIT_MG_ML
                                           : MED_UNIT_MG_ACT;
    }
}

void med_product_finish(const struct med_db *db, struct med_product *p, int ing)
{
    const struct med_ingredient *g = ing >= 0 ? &db->ing[ing] : NULL;
    if (g)
        str_copy(p->ingredient, sizeof p->ingredient, g->name);
    if (p->unit == MED_UNIT_MCG_HR && p->form == MED_FORM_UNKNOWN)
        p->form = MED_FORM_PATCH;
    if (p->form == MED_FORM_PATCH && p->unit == MED_UNIT_MCG) {
        /* Patch strengths are always stated per hour; "25 mcg patch" means 25 mcg/hr. */
        p->unit = MED_UNIT_MCG_HR;
        p->flags |= MED_FLAG_UNIT_ASSUMED;
    }
    if (!isnan(p->strength))
        med_normalize_strength(g, &p->strength, &p->unit);
    if (p->acting == MED_ACTING_UNKNOWN) {
        if (p->form == MED_FORM_PATCH)
            p->acting = MED_ACTING_LONG;
        else if (g)
            p->acting = g->acting;
    }
    if (p->cls == MED_CLASS_UNRESOLVED && g)
        p->cls = med_class_of(g, p->form, p->unit, p->acting);
}

/* ---------------------------------------------------------------- units and forms */

static bool word_in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return true;
    return false;
}

static const char *const w_mg[] = {"mg", "milligram", "milligrams", NULL};
static const char *const w_mcg[] = {"mcg", "ug", "microgram", "micrograms", NULL};
static const char *const w_ml[] = {"ml", "milliliter", "milliliters", "millilitre", NULL};
static const char *const w_hr[] = {"hr", "h", "hour", "hours", NULL};
static const char *const w_act[] = {"actuation", "actuations", "actuat", "act", "spray",
                                    "sprays", "puff", NULL};

/* Splits a unit text into lower-case words and numbers: "mg/5 mL" -> mg / 5 ml. */
static int unit_words(const char *s, char words[4][16], double *denom_num)
{
    int n = 0;
    *denom_num = 1.0;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        if (isalpha(c) || c == '%') {
            char w[16];
            size_t k = 0;
            if (c == '%') {
                w[k++] = '%';
                s++;
            } else {
                while (isalpha((unsigned char)*s) && k < sizeof w - 1)
                    w[k++] = (char)tolower((unsigned char)*s++);
                if (isalpha((unsigned char)*s))
                    return -1;
            }
            w[k] = 0;
            if (n == 4)
                return -1;
            memcpy(words[n++], w, k + 1);
        } else if (isdigit(c) || c == '.') {
            char *end;
            double v = strtod(s, &end);
            if (end == s || !(v > 0) || n == 0)
                return -1;
            *denom_num = v;
            s = end;
        } else if (c == 0xC2 && (unsigned char)s[1] == 0xB5) { /* µ (micro sign) */
            if (n == 4)
                return -1;
            snprintf(words[n++], 16, "ug");
            s += 2;
            while (isalpha((unsigned char)*s))
                s++; /* µg */
        } else if (c == '/' || isspace(c) || c == '-') {
            s++;
        } else {
            return -1;
        }
    }
    return n;
}

int med_unit_parse(const char *s, enum med_unit *unit, double *scale)
{
    char w[4][16];
    double denom;
    *scale = 1.0;
    int n = unit_words(s, w, &denom);
    if (n < 1)
        return -1;
    int i = 0;
    bool mcg;
    if (strcmp(w[0], "%") == 0) {
        /* w/v percent: 1 % = 1 g per 100 mL = 10 mg/mL */
        *unit = MED_UNIT_MG_ML;
        *scale = 10.0;
        return n == 1 ? 0 : -1;
    }
    if (word_in(w[0], w_mg))
        mcg = false;
    else if (word_in(w[0], w_mcg))
        mcg = true;
    else
        return -1;
    i = 1;
    if (i < n && strcmp(w[i], "per") == 0)
        i++;
    if (i == n) {
        *unit = mcg ? MED_UNIT_MCG : MED_UNIT_MG;
        return denom == 1.0 ? 0 : -1;
    }
    if (i != n - 1)
        return -1;
    if (word_in(w[i], w_ml)) {
        *unit = mcg ? MED_UNIT_MCG_ML : MED_UNIT_MG_ML;
        *scale = 1.0 / denom;
    } else if (word_in(w[i], w_hr) && denom == 1.0) {
        *unit = MED_UNIT_MCG_HR;
        *scale = mcg ? 1.0 : 1000.0;
    } else if (word_in(w[i], w_act) && denom == 1.0) {
        *unit = mcg ? MED_UNIT_MCG_ACT : MED_UNIT_MG_ACT;
    } else {
        return -1;
    }
    return 0;
}

/* Words that name a form, a route or a release type. */
struct form_word {
    const char *word;
    enum { FW_NOUN, FW_BUCCAL, FW_SUBLINGUAL, FW_NASAL, FW_ORAL, FW_TRANSMUCOSAL, FW_LONG,
           FW_SHORT } what;
    enum med_form form;
};

static const struct form_word form_words[] = {
    {"tablet", FW_NOUN, MED_FORM_TABLET},      {"tablets", FW_NOUN, MED_FORM_TABLET},
    {"tab", FW_NOUN, MED_FORM_TABLET},         {"tabs", FW_NOUN, MED_FORM_TABLET},
    {"tbl", FW_NOUN, MED_FORM_TABLET},         {"caplet", FW_NOUN, MED_FORM_TABLET},
    {"odt", FW_NOUN, MED_FORM_TABLET},         {"disintegrating", FW_NOUN, MED_FORM_TABLET},
    {"capsule", FW_NOUN, MED_FORM_CAPSULE},    {"capsules", FW_NOUN, MED_FORM_CAPSULE},
    {"cap", FW_NOUN, MED_FORM_CAPSULE},        {"caps", FW_NOUN, MED_FORM_CAPSULE},
    {"solution", FW_NOUN, MED_FORM_LIQUID},    {"soln", FW_NOUN, MED_FORM_LIQUID},
    {"liquid", FW_NOUN, MED_FORM_LIQUID},      {"syrup", FW_NOUN, MED_FORM_LIQUID},
    {"elixir", FW_NOUN, MED_FORM_LIQUID},      {"suspension", FW_NOUN, MED_FORM_LIQUID},
    {"susp", FW_NOUN, MED_FORM_LIQUID},        {"concentrate", FW_NOUN, MED_FORM_LIQUID},
    {"intensol", FW_NOUN, MED_FORM_LIQUID},    {"drops", FW_NOUN, MED_FORM_LIQUID},
    {"patch", FW_NOUN, MED_FORM_PATCH},        {"patches", FW_NOUN, MED_FORM_PATCH},
    {"transdermal", FW_NOUN, MED_FORM_PATCH},  {"td", FW_NOUN, MED_FORM_PATCH},
    {"film", FW_NOUN, MED_FORM_FILM},          {"films", FW_NOUN, MED_FORM_FILM},
    {"strip", FW_NOUN, MED_FORM_FILM},         {"lozenge", FW_NOUN, MED_FORM_LOZENGE},
    {"troche", FW_NOUN, MED_FORM_LOZENGE},     {"lollipop", FW_NOUN, MED_FORM_LOZENGE},
    {"spray", FW_NOUN, MED_FORM_SPRAY},        {"injection", FW_NOUN, MED_FORM_INJECTION},
    {"injectable", FW_NOUN, MED_FORM_INJECTION}, {"inj", FW_NOUN, MED_FORM_INJECTION},
    {"vial", FW_NOUN, MED_FORM_INJECTION},     {"syringe", FW_NOUN, MED_FORM_INJECTION},
    {"cartridge", FW_NOUN, MED_FORM_INJECTION}, {"carpuject", FW_NOUN, MED_FORM_INJECTION},
    {"subcutaneous", FW_NOUN, MED_FORM_INJECTION}, {"intravenous", FW_NOUN, MED_FORM_INJECTION},
    {"intramuscular", FW_NOUN, MED_FORM_INJECTION}, {"suppository", FW_NOUN, MED_FORM_SUPPOSITORY},
    {"suppositories", FW_NOUN, MED_FORM_SUPPOSITORY}, {"supp", FW_NOUN, MED_FORM_SUPPOSITORY},
    {"rectal", FW_NOUN, MED_FORM_SUPPOSITORY}, {"implant", FW_NOUN, MED_FORM_IMPLANT},
    {"cream", FW_NOUN, MED_FORM_OTHER},        {"gel", FW_NOUN, MED_FORM_OTHER},
    {"buccal", FW_BUCCAL, 0},                  {"sublingual", FW_SUBLINGUAL, 0},
    {"sl", FW_SUBLINGUAL, 0},                  {"nasal", FW_NASAL, 0},
    {"intranasal", FW_NASAL, 0},               {"ns", FW_NASAL, 0},
    {"mucosal", FW_ORAL, 0},                   {"oral", FW_ORAL, 0},
    {"transmucosal", FW_TRANSMUCOSAL, 0},      {"injector", FW_NOUN, MED_FORM_INJECTION},
    {"ampule", FW_NOUN, MED_FORM_INJECTION},   {"iv", FW_NOUN, MED_FORM_INJECTION},
    {"im", FW_NOUN, MED_FORM_INJECTION},       {"prefilled", FW_NOUN, MED_FORM_INJECTION},
    {"er", FW_LONG, 0},                        {"xr", FW_LONG, 0},
    {"sr", FW_LONG, 0},                        {"cr", FW_LONG, 0},
    {"la", FW_LONG, 0},                        {"xl", FW_LONG, 0},
    {"extended", FW_LONG, 0},                  {"controlled", FW_LONG, 0},
    {"sustained", FW_LONG, 0},                 {"er24", FW_LONG, 0},
    {"ir", FW_SHORT, 0},                       {"immediate", FW_SHORT, 0},
};

static const struct form_word *form_word_find(const char *w)
{
    for (size_t i = 0; i < ARRAY_LEN(form_words); i++)
        if (strcmp(form_words[i].word, w) == 0)
            return &form_words[i];
    return NULL;
}

bool med_form_word(const char *w)
{
    return form_word_find(w) != NULL;
}

void med_form_acc_word(struct form_acc *a, const char *w)
{
    const struct form_word *f = form_word_find(w);
    if (!f)
        return;
    switch (f->what) {
    case FW_NOUN:
        /* The first noun names the form ("tablet for suspension" is a tablet), except that
         * a patch or an injection mentioned anywhere decides. */
        if (a->noun == MED_FORM_UNKNOWN || f->form == MED_FORM_PATCH ||
            (f->form == MED_FORM_INJECTION && a->noun != MED_FORM_PATCH))
            a->noun = f->form;
        break;
    case FW_BUCCAL:
        a->buccal = true;
        break;
    case FW_SUBLINGUAL:
        a->sublingual = true;
        break;
    case FW_NASAL:
        a->nasal = true;
        break;
    case FW_ORAL:
        a->oral = true;
        break;
    case FW_TRANSMUCOSAL:
        a->transmucosal = true;
        break;
    case FW_LONG:
        a->lng = true;
        break;
    case FW_SHORT:
        a->shrt = true;
        break;
    }
}

void med_form_acc_result(const struct form_acc *a, enum med_form *form, enum med_acting *acting)
{
    enum med_form f = a->noun;
    if (f == MED_FORM_SPRAY || (f == MED_FORM_UNKNOWN && a->nasal))
        f = a->nasal ? MED_FORM_NASAL_SPRAY
            : (a->sublingual || a->oral || a->buccal || a->transmucosal) ? MED_FORM_ORAL_SPRAY
                                                       : MED_FORM_SPRAY;
    else if (f == MED_FORM_TABLET && a->buccal)
        f = MED_FORM_BUCCAL_TABLET;
    else if (f == MED_FORM_TABLET && a->sublingual)
        f = MED_FORM_SUBLINGUAL_TABLET;
    else if (f == MED_FORM_UNKNOWN && a->sublingual)
        f = MED_FORM_SUBLINGUAL_TABLET;
    else if (f == MED_FORM_UNKNOWN && a->transmucosal)
        f = MED_FORM_LOZENGE; /* "oral transmucosal fentanyl citrate" is the lozenge */
    *form = f;
    *acting = a->lng ? MED_ACTING_LONG : a->shrt ? MED_ACTING_SHORT : MED_ACTING_UNKNOWN;
}

void med_form_parse(const char *s, enum med_form *form, enum med_acting *acting)
{
    struct form_acc a = {0};
    char w[32];
    while (*s) {
        if (!isalnum((unsigned char)*s)) {
            s++;
            continue;
        }
        size_t k = 0;
        while (isalnum((unsigned char)*s)) {
            if (k < sizeof w - 1)
                w[k++] = (char)tolower((unsigned char)*s);
            s++;
        }
        w[k] = 0;
        med_form_acc_word(&a, w);
    }
    med_form_acc_result(&a, form, acting);
}

/* ---------------------------------------------------------------- helpers */

void med_lower_copy(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = 0;
}

int med_parse_number(const char *s, double *out)
{
    if (!s)
        return -1;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end || !isfinite(v) || strpbrk(s, "xXpP"))
        return -1; /* no hexadecimal, infinities or NaN from strtod's extensions */
    *out = v;
    return 0;
}
