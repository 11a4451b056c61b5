/* Private to the MED engine: the ingredient vocabulary, the product database layout, the CSV row
 * reader and the text parser shared by med_*.c. Nothing outside core/med_*.c includes this. */
#ifndef SIXBB_MED_INTERNAL_H
#define SIXBB_MED_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"
#include "keyset.h"
#include "med.h"

/* What an ingredient is, before form and unit decide a product's class. */
enum med_kind {
    MED_KIND_OPIOID,
    MED_KIND_BUPRENORPHINE,
    MED_KIND_BENZO,
    MED_KIND_MUSCLE_RELAXANT,
    MED_KIND_NALOXONE,
    MED_KIND_NALTREXONE,
    MED_KIND_OTHER,
};

struct med_ingredient {
    char name[MED_NAME_MAX];
    enum med_kind kind;
    enum med_acting acting; /* default when a product says nothing (methadone is long-acting) */
    bool mcg;               /* strengths are kept in micrograms (fentanyl and its kin) */
};

/* A name the text parser recognises: an ingredient, an alias, or a brand with its defaults. */
#define MED_BRAND_MAX_ING 4
struct med_name {
    uint8_t n_ing;
    int ing[MED_BRAND_MAX_ING]; /* ingredient indexes, in the order strengths are written */
    double strength;            /* of the class-defining ingredient; NAN when not fixed */
    enum med_unit unit;
    enum med_form form;
    enum med_acting acting;
    enum med_class cls; /* MED_CLASS_UNRESOLVED: derive from the ingredient */
    char label[MED_LABEL_MAX];
};

struct med_db {
    struct med_ingredient *ing;
    size_t n_ing, cap_ing;
    struct med_name *names;
    size_t n_names, cap_names;
    struct keyset name_index;      /* lower-case name -> names[] */
    struct med_product *products;  /* rows of the NDC, RxNorm and site tables */
    size_t n_products, cap_products;
    struct u64map ndc;   /* 11-digit NDC as a number -> products[] */
    struct u64map rxcui; /* rxcui -> products[] */
};

/* vocabulary (med_vocab.c) */
void med_vocab_init(struct med_db *db);
int med_vocab_find(const struct med_db *db, const char *name);
int med_vocab_add(struct med_db *db, const char *name, enum med_kind kind);
int med_name_add(struct med_db *db, const char *key, const struct med_name *nm);
const struct med_name *med_name_find(const struct med_db *db, const char *key);
/* Class of a product from its ingredient, form, unit and acting (buprenorphine rules). */
enum med_class med_class_of(const struct med_ingredient *ing, enum med_form form,
                            enum med_unit unit, enum med_acting acting);
/* Converts a strength to the ingredient's kept unit (micrograms for fentanyl, mcg/hr for rates). */
void med_normalize_strength(const struct med_ingredient *ing, double *strength,
                            enum med_unit *unit);
/* Finalises a product whose ingredient, strength, unit and form are set: normalises the unit,
 * infers the patch form from mcg/hr, sets acting and class. */
void med_product_finish(const struct med_db *db, struct med_product *p, int ing);
/* Reads a unit such as "mg", "mcg/hr", "mg/5 mL", "%" (which scales *strength). -1 if unknown. */
int med_unit_parse(const char *s, enum med_unit *unit, double *scale);
/* Reads a form description ("tablet", "ER capsule", "buccal film", "transdermal patch"). */
void med_form_parse(const char *s, enum med_form *form, enum med_acting *acting);
enum med_class med_class_parse(const char *s, bool *ok);
/* Form words accumulated one by one (the text parser feeds each word it does not otherwise know). */
struct form_acc {
    enum med_form noun;
    bool buccal, sublingual, nasal, oral, transmucosal, lng, shrt;
};
void med_form_acc_word(struct form_acc *a, const char *w);
void med_form_acc_result(const struct form_acc *a, enum med_form *form, enum med_acting *acting);
bool med_form_word(const char *w);

/* free text (med_text.c) */
struct med_text_result {
    int ing; /* class-defining ingredient, -1 when none */
    double strength;
    enum med_unit unit;
    enum med_form form;
    enum med_acting acting;
    enum med_class cls; /* from a brand, or MED_CLASS_UNRESOLVED to derive */
    uint32_t flags;
    char label[MED_LABEL_MAX];
};
/* Parses a product description. Returns MED_RESOLVED, MED_PARTIAL (ingredient without a usable
 * strength) or MED_UNRESOLVED, with the reason in why. */
enum med_resolution med_text_parse(const struct med_db *db, const char *text,
                                   struct med_text_result *out, char *why, size_t whylen);

/* CSV rows (med_csv.c): calls row() for each record with its fields and the line it ended on.
 * A non-zero return from row() stops the reading and is returned. */
typedef int (*med_csv_row_fn)(void *ctx, char **fields, size_t n, long line);
int med_csv_read(const char *data, size_t len, med_csv_row_fn row, void *ctx, char *err,
                 size_t errlen);
/* The same with the quote-free fast path switched off (fast = false), so tests can hold the two
 * readings to each other. */
int med_csv_read_with(const char *data, size_t len, med_csv_row_fn row, void *ctx, char *err,
                      size_t errlen, bool fast);
/* Finds a header column, case-insensitively and ignoring surrounding spaces; -1 when absent. */
int med_csv_column(char **header, size_t n, const char *name);

/* small helpers */
void med_lower_copy(char *dst, size_t cap, const char *src);
/* Strict number: the whole string (spaces allowed around) must be a finite number. */
int med_parse_number(const char *s, double *out);

#endif
