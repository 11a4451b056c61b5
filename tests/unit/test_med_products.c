/* Product resolution: NDC and RxNorm rows of the real tables, brand names, combination products,
 * units and forms, explicit columns, unresolved input with its reason, site product files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <unistd.h>

#include "med_fixture.h"
#include "med_internal.h"

static enum med_resolution resolve_text(const char *text, struct med_product *p, char *why)
{
    struct med_input in = med_input_empty();
    in.drug = text;
    return med_resolve(fx.db, &in, p, why, 256);
}

static void expect(const char *text, const char *ingredient, double strength, enum med_unit unit,
                   enum med_form form, enum med_acting acting, enum med_class cls)
{
    struct med_product p;
    char why[256];
    enum med_resolution r = resolve_text(text, &p, why);
    if (r != MED_RESOLVED)
        fail_msg("'%s' not resolved: %s", text, why);
    if (strcmp(p.ingredient, ingredient) || !(isnan(strength) ? isnan(p.strength)
                                                              : near(p.strength, strength)) ||
        p.unit != unit || p.form != form || p.acting != acting || p.cls != cls)
        fail_msg("'%s' -> %s %g %s %s %s %s", text, p.ingredient, p.strength,
                 med_unit_name(p.unit), med_form_name(p.form), med_acting_name(p.acting),
                 med_class_name(p.cls));
}

static void expect_not(const char *text, enum med_resolution want, const char *reason)
{
    struct med_product p;
    char why[256];
    enum med_resolution r = resolve_text(text, &p, why);
    if (r != want || !strstr(why, reason))
        fail_msg("'%s': got %d '%s', expected %d with '%s'", text, r, why, want, reason);
}

static void ndc_forms(void **state)
{
    (void)state;
    char out[12];
    assert_int_equal(med_ndc_normalize("00228298311", out), 0);
    assert_string_equal(out, "00228298311");
    assert_int_equal(med_ndc_normalize("0228-2983-11", out), 0); /* 4-4-2 */
    assert_string_equal(out, "00228298311");
    assert_int_equal(med_ndc_normalize("10544-591-20", out), 0); /* 5-3-2 */
    assert_string_equal(out, "10544059120");
    assert_int_equal(med_ndc_normalize("12280-0035-0", out), 0); /* 5-4-1 */
    assert_string_equal(out, "12280003500");
    assert_int_equal(med_ndc_normalize(" 00228-2983-11 ", out), 0); /* 5-4-2 */
    assert_string_equal(out, "00228298311");
    assert_int_equal(med_ndc_normalize("0228298311", out), -1); /* ten bare digits */
    assert_int_equal(med_ndc_normalize("00228-2983", out), -1);
    assert_int_equal(med_ndc_normalize("0022a298311", out), -1);
    assert_int_equal(med_ndc_normalize("1-2-3", out), -1);
    assert_int_equal(med_ndc_normalize("", out), -1);
}

static struct med_product by_ndc(const char *ndc)
{
    struct med_input in = med_input_empty();
    in.ndc = ndc;
    struct med_product p;
    char why[256];
    if (med_resolve(fx.db, &in, &p, why, sizeof why) != MED_RESOLVED)
        fail_msg("NDC %s: %s", ndc, why);
    return p;
}

static void ndc_rows(void **state)
{
    (void)state;
    assert_int_equal(med_db_ndc_count(fx.db), 14549 + 7816 + 5987);
    struct med_product p = by_ndc("00228298311"); /* oxycodone-APAP 10 mg */
    assert_string_equal(p.ingredient, "oxycodone");
    assert_true(near(p.strength, 10));
    assert_int_equal(p.cls, MED_CLASS_OPIOID);
    assert_int_equal(p.acting, MED_ACTING_SHORT);
    p = by_ndc("10544-591-20"); /* OxyContin 10 mg */
    assert_int_equal(p.acting, MED_ACTING_LONG);
    p = by_ndc("00093690219"); /* fentanyl 75 mcg/hr */
    assert_int_equal(p.form, MED_FORM_PATCH);
    assert_int_equal(p.unit, MED_UNIT_MCG_HR);
    p = by_ndc("59385002160"); /* Belbuca */
    assert_int_equal(p.cls, MED_CLASS_BUP_PAIN);
    p = by_ndc("35356060504"); /* Butrans */
    assert_int_equal(p.cls, MED_CLASS_BUP_PAIN);
    p = by_ndc("12496120201"); /* Suboxone film */
    assert_int_equal(p.cls, MED_CLASS_MOUD);
    p = by_ndc("13913000901"); /* Lazanda */
    assert_int_equal(p.form, MED_FORM_NASAL_SPRAY);
    p = by_ndc("20482000110"); /* Subsys */
    assert_int_equal(p.form, MED_FORM_ORAL_SPRAY);
    p = by_ndc("00087565041"); /* Stadol NS */
    assert_int_equal(p.form, MED_FORM_NASAL_SPRAY);
    p = by_ndc("00074246024"); /* Actiq */
    assert_int_equal(p.form, MED_FORM_LOZENGE);
    p = by_ndc("00054039168"); /* methadone 10 mg/mL */
    assert_int_equal(p.unit, MED_UNIT_MG_ML);
    assert_int_equal(p.form, MED_FORM_LIQUID);
    p = by_ndc("00009002901"); /* Xanax */
    assert_int_equal(p.cls, MED_CLASS_BENZO);
    assert_string_equal(p.ingredient, "alprazolam");
    p = by_ndc("00037200101"); /* Soma */
    assert_int_equal(p.cls, MED_CLASS_MUSCLE_RELAXANT);
}

struct crosscheck {
    int col_ndc, col_factor;
    size_t checked;
    bool header;
};

/* Every row of the CDC file that carries a factor must get the same factor from the
 * cdc-analytic-2018 standard once resolved by its NDC. */
static int crosscheck_row(void *ctx, char **f, size_t n, long line)
{
    struct crosscheck *c = ctx;
    if (!c->header) {
        c->col_ndc = med_csv_column(f, n, "NDC");
        c->col_factor = med_csv_column(f, n, "MME_Conversion_Factor");
        c->header = true;
        return 0;
    }
    const char *want = f[c->col_factor];
    if (!*want)
        return 0;
    struct med_product p = by_ndc(f[c->col_ndc]);
    struct med_factor got = med_standard_factor(fx.analytic, p.ingredient,
                                                med_form_route(p.form), p.unit);
    if (got.status != MED_FACTOR_OK || !near(got.factor, atof(want))) {
        fprintf(stderr, "line %ld: NDC %s %s %s %s: factor %g, file says %s\n", line,
                f[c->col_ndc], p.ingredient, med_form_name(p.form), med_unit_name(p.unit),
                got.factor, want);
        return 1;
    }
    c->checked++;
    return 0;
}

static void every_ndc_factor_matches_the_file(void **state)
{
    (void)state;
    char *path = xasprintf("%s/data/cdc-ndc-2018-opioids.csv", fx.config);
    size_t len;
    char *data = read_file(path, &len);
    assert_non_null(data);
    struct crosscheck c = {0};
    char err[256];
    assert_int_equal(med_csv_read(data, len, crosscheck_row, &c, err, sizeof err), 0);
    assert_true(c.checked > 14000);
    free(data);
    free(path);
}

/* Every row as one line of text ("line|f1|f2|..."), to compare two readings of a file. */
static int transcribe_row(void *ctx, char **f, size_t n, long line)
{
    struct buf *out = ctx;
    char tmp[32];
    int k = snprintf(tmp, sizeof tmp, "%ld", line);
    buf_append(out, tmp, (size_t)k);
    for (size_t i = 0; i < n; i++) {
        buf_append(out, "|", 1);
        buf_append(out, f[i], strlen(f[i]));
    }
    buf_append(out, "\n", 1);
    return 0;
}

static void same_reading(const char *data, size_t len)
{
    struct buf fast = {0}, slow = {0};
    char err[256];
    int a = med_csv_read_with(data, len, transcribe_row, &fast, err, sizeof err, true);
    int b = med_csv_read_with(data, len, transcribe_row, &slow, err, sizeof err, false);
    assert_int_equal(a, b);
    buf_append(&fast, "", 1);
    buf_append(&slow, "", 1);
    assert_string_equal(fast.data, slow.data);
    buf_free(&fast);
    buf_free(&slow);
}

/* Lines holding a whole row are split without libcsv; the result must be libcsv's to the byte,
 * also around quoted fields that span lines, doubled quotes, stray quotes, bare carriage
 * returns and padding. */
static void quote_free_lines_read_as_libcsv_reads_them(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "a,b,c\n1,2,3\n",
        "a,b\r\n 1 ,\t2\t\r\n\r\n\n,\n,,\n",
        "h1,h2\n\"x\ny\",z\nnext,row\n",
        "h\n\"open\nstill, open\nclosed\",1\nplain,2\n",
        "a,b\rc,d\n\"q\"\"\",e\n",
        "x\r\"y\nz\",1\nw,2\n",
        "\xEF\xBB\xBFid,name\n1,one\n2, two \n",
        "last,line,without,newline",
        "   \n\t\n",
        "a\"b,c\n\"d\ne\",f\ng,h\n",
        "\"a,b\",c\n\"a\"\"b\",\"\"\n x ,\"\",\"y\"\n",
        "\"a\" ,b\n \"a\",b\n\"a\"b,c\nq,\"open\n",
        "h\n\"spans\nlines\"\n\"ok\",1\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        same_reading(cases[i], strlen(cases[i]));
    static const char *const tables[] = {
        "cdc-ndc-2018-opioids.csv", "cdc-ndc-2018-benzodiazepines.csv",
        "cdc-ndc-2018-muscle-relaxants.csv", "rxnorm-opioid-ingredients-2020.csv"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char *path = xasprintf("%s/data/%s", fx.config, tables[i]);
        size_t len;
        char *data = read_file(path, &len);
        assert_non_null(data);
        same_reading(data, len);
        free(data);
        free(path);
    }
}

static void rxnorm_rows(void **state)
{
    (void)state;
    assert_int_equal(med_db_rxnorm_count(fx.db), 910);
    struct med_input in = med_input_empty();
    struct med_product p;
    char why[256];
    in.rxnorm = "197696"; /* 72 HR fentanyl 0.075 MG/HR */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_true(near(p.strength, 75));
    assert_int_equal(p.unit, MED_UNIT_MCG_HR);
    assert_int_equal(p.form, MED_FORM_PATCH);
    in.rxnorm = "637540"; /* oxycodone hydrochloride 4.5 mg + terephthalate 0.38 mg */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_true(near(p.strength, 4.88));
    in.rxnorm = "1237062"; /* Subsys 0.4 mg/actuation */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_int_equal(p.unit, MED_UNIT_MCG_ACT);
    assert_true(near(p.strength, 400));
    assert_int_equal(p.form, MED_FORM_ORAL_SPRAY);
    in.rxnorm = "1115575"; /* Lazanda */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_int_equal(p.form, MED_FORM_NASAL_SPRAY);
    in.rxnorm = "1431083"; /* Zubsolv */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_int_equal(p.cls, MED_CLASS_MOUD);
    in.rxnorm = "1049593"; /* 12 HR oxycodone 60 mg ER */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_int_equal(p.acting, MED_ACTING_LONG);
    in.rxnorm = "99999999";
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_UNRESOLVED);
    assert_non_null(strstr(why, "unknown RxNorm 99999999"));
}

static void codes_before_text(void **state)
{
    (void)state;
    struct med_input in = med_input_empty();
    struct med_product p;
    char why[256];
    in.ndc = "00228298311";
    in.drug = "morphine 30 mg"; /* the NDC wins */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_string_equal(p.ingredient, "oxycodone");
    in.ndc = "12345678901"; /* unknown: the text is used and the miss is flagged */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_string_equal(p.ingredient, "morphine");
    assert_true(p.flags & MED_FLAG_NDC_NOT_FOUND);
    in.drug = NULL;
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_UNRESOLVED);
    assert_non_null(strstr(why, "unknown NDC 12345678901"));
    in.ndc = "00228298311";
    in.strength = 5; /* disagrees with the NDC */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_true(near(p.strength, 10));
    assert_true(p.flags & MED_FLAG_STRENGTH_CONFLICT);
}

static void brand_names(void **state)
{
    (void)state;
    const enum med_acting S = MED_ACTING_SHORT, L = MED_ACTING_LONG;
    expect("Percocet 5/325", "oxycodone", 5, MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("Norco 10-325 mg", "hydrocodone", 10, MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("Vicodin 5 mg/300 mg", "hydrocodone", 5, MED_UNIT_MG, MED_FORM_TABLET, S,
           MED_CLASS_OPIOID);
    expect("OxyContin 20 mg", "oxycodone", 20, MED_UNIT_MG, MED_FORM_TABLET, L, MED_CLASS_OPIOID);
    expect("Roxicodone 15 mg", "oxycodone", 15, MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("MS Contin 30 mg", "morphine", 30, MED_UNIT_MG, MED_FORM_TABLET, L, MED_CLASS_OPIOID);
    expect("Kadian 20 mg", "morphine", 20, MED_UNIT_MG, MED_FORM_CAPSULE, L, MED_CLASS_OPIOID);
    expect("Dilaudid 2 mg", "hydromorphone", 2, MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("Exalgo 8 mg", "hydromorphone", 8, MED_UNIT_MG, MED_FORM_TABLET, L, MED_CLASS_OPIOID);
    expect("Duragesic 50 mcg/hr", "fentanyl", 50, MED_UNIT_MCG_HR, MED_FORM_PATCH, L,
           MED_CLASS_OPIOID);
    expect("Nucynta 50 mg", "tapentadol", 50, MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("Nucynta ER 100 mg", "tapentadol", 100, MED_UNIT_MG, MED_FORM_TABLET, L,
           MED_CLASS_OPIOID);
    expect("Ultram 50 mg", "tramadol", 50, MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("Tylenol #3", "codeine", 30, MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("Tylenol with Codeine #4", "codeine", 60, MED_UNIT_MG, MED_FORM_TABLET, S,
           MED_CLASS_OPIOID);
    expect("Butrans 10 mcg/hr", "buprenorphine", 10, MED_UNIT_MCG_HR, MED_FORM_PATCH, L,
           MED_CLASS_BUP_PAIN);
    expect("Belbuca 150 mcg", "buprenorphine", 150, MED_UNIT_MCG, MED_FORM_FILM, L,
           MED_CLASS_BUP_PAIN);
    expect("Suboxone 8 mg-2 mg film", "buprenorphine", 8, MED_UNIT_MG, MED_FORM_FILM, L,
           MED_CLASS_MOUD);
    expect("Zubsolv 5.7/1.4", "buprenorphine", 5.7, MED_UNIT_MG, MED_FORM_SUBLINGUAL_TABLET, L,
           MED_CLASS_MOUD);
    expect("Subutex 8 mg", "buprenorphine", 8, MED_UNIT_MG, MED_FORM_SUBLINGUAL_TABLET, L,
           MED_CLASS_MOUD);
    expect("buprenorphine 2 mg sublingual tablet", "buprenorphine", 2, MED_UNIT_MG,
           MED_FORM_SUBLINGUAL_TABLET, L, MED_CLASS_MOUD);
    expect("Opana ER 10 mg", "oxymorphone", 10, MED_UNIT_MG, MED_FORM_TABLET, L, MED_CLASS_OPIOID);
    expect("Dolophine 10 mg", "methadone", 10, MED_UNIT_MG, MED_FORM_TABLET, L, MED_CLASS_OPIOID);
    expect("Methadose 10 mg/mL concentrate", "methadone", 10, MED_UNIT_MG_ML, MED_FORM_LIQUID, L,
           MED_CLASS_OPIOID);
    expect("Xtampza ER 18 mg", "oxycodone", 18, MED_UNIT_MG, MED_FORM_CAPSULE, L,
           MED_CLASS_OPIOID);
    expect("Hysingla ER 30 mg", "hydrocodone", 30, MED_UNIT_MG, MED_FORM_TABLET, L,
           MED_CLASS_OPIOID);
    expect("Zohydro ER 20 mg", "hydrocodone", 20, MED_UNIT_MG, MED_FORM_CAPSULE, L,
           MED_CLASS_OPIOID);
    expect("Actiq 400 mcg", "fentanyl", 400, MED_UNIT_MCG, MED_FORM_LOZENGE, S, MED_CLASS_OPIOID);
    expect("Fentora 200 mcg", "fentanyl", 200, MED_UNIT_MCG, MED_FORM_BUCCAL_TABLET, S,
           MED_CLASS_OPIOID);
    expect("Lazanda 100 mcg", "fentanyl", 100, MED_UNIT_MCG, MED_FORM_NASAL_SPRAY, S,
           MED_CLASS_OPIOID);
    expect("Narcan 4 mg nasal spray", "naloxone", 4, MED_UNIT_MG, MED_FORM_NASAL_SPRAY,
           MED_ACTING_UNKNOWN, MED_CLASS_NALOXONE);
    expect("Evzio 2 mg", "naloxone", 2, MED_UNIT_MG, MED_FORM_INJECTION, MED_ACTING_UNKNOWN,
           MED_CLASS_NALOXONE);
    expect("Kloxxado 8 mg", "naloxone", 8, MED_UNIT_MG, MED_FORM_NASAL_SPRAY, MED_ACTING_UNKNOWN,
           MED_CLASS_NALOXONE);
    expect("Xanax 0.5 mg", "alprazolam", 0.5, MED_UNIT_MG, MED_FORM_TABLET, MED_ACTING_UNKNOWN,
           MED_CLASS_BENZO);
    expect("Valium 5 mg", "diazepam", 5, MED_UNIT_MG, MED_FORM_TABLET, MED_ACTING_UNKNOWN,
           MED_CLASS_BENZO);
    expect("Ativan 1 mg", "lorazepam", 1, MED_UNIT_MG, MED_FORM_TABLET, MED_ACTING_UNKNOWN,
           MED_CLASS_BENZO);
    expect("Klonopin 0.5 mg", "clonazepam", 0.5, MED_UNIT_MG, MED_FORM_TABLET, MED_ACTING_UNKNOWN,
           MED_CLASS_BENZO);
    expect("Restoril 15 mg", "temazepam", 15, MED_UNIT_MG, MED_FORM_CAPSULE, MED_ACTING_UNKNOWN,
           MED_CLASS_BENZO);
    expect("Soma 350 mg", "carisoprodol", 350, MED_UNIT_MG, MED_FORM_TABLET, MED_ACTING_UNKNOWN,
           MED_CLASS_MUSCLE_RELAXANT);
    expect("Flexeril 10 mg", "cyclobenzaprine", 10, MED_UNIT_MG, MED_FORM_TABLET,
           MED_ACTING_UNKNOWN, MED_CLASS_MUSCLE_RELAXANT);
    expect("baclofen 10 mg tablet", "baclofen", 10, MED_UNIT_MG, MED_FORM_TABLET,
           MED_ACTING_UNKNOWN, MED_CLASS_MUSCLE_RELAXANT);
    expect("tizanidine 4 mg", "tizanidine", 4, MED_UNIT_MG, MED_FORM_UNKNOWN, MED_ACTING_UNKNOWN,
           MED_CLASS_MUSCLE_RELAXANT);
}

static void combination_products(void **state)
{
    (void)state;
    const enum med_acting S = MED_ACTING_SHORT;
    expect("oxycodone-acetaminophen 10-325 mg tablet", "oxycodone", 10, MED_UNIT_MG,
           MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("hydrocodone/APAP 5/300", "hydrocodone", 5, MED_UNIT_MG, MED_FORM_UNKNOWN, S,
           MED_CLASS_OPIOID);
    expect("acetaminophen 300 mg / codeine 30 mg tablet", "codeine", 30, MED_UNIT_MG,
           MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("HYDROcodone-acetaminophen (NORCO) 7.5-325 mg per tablet", "hydrocodone", 7.5,
           MED_UNIT_MG, MED_FORM_TABLET, S, MED_CLASS_OPIOID);
    expect("buprenorphine-naloxone 8-2 mg SL tablet", "buprenorphine", 8, MED_UNIT_MG,
           MED_FORM_SUBLINGUAL_TABLET, MED_ACTING_LONG, MED_CLASS_MOUD);
    expect("morphine-naltrexone ER 30-1.2 mg capsule", "morphine", 30, MED_UNIT_MG,
           MED_FORM_CAPSULE, MED_ACTING_LONG, MED_CLASS_OPIOID);
    expect("carisoprodol/aspirin/codeine 200/325/16 mg", "codeine", 16, MED_UNIT_MG,
           MED_FORM_UNKNOWN, S, MED_CLASS_OPIOID);
    expect("10 mg oxycodone tablet", "oxycodone", 10, MED_UNIT_MG, MED_FORM_TABLET, S,
           MED_CLASS_OPIOID);
    /* a dose count is not a strength */
    expect_not("Percocet 1-2 tabs", MED_PARTIAL, "ambiguous");
    expect_not("hydrocodone-acetaminophen 325 mg", MED_PARTIAL, "ambiguous");
    expect_not("oxycodone and morphine 10 mg", MED_UNRESOLVED, "more than one drug");
    expect_not("oxycodone 10 mg and alprazolam 1 mg", MED_UNRESOLVED, "more than one drug");
}

static void units_and_forms(void **state)
{
    (void)state;
    const enum med_acting S = MED_ACTING_SHORT, L = MED_ACTING_LONG;
    expect("oxycodone 5 mg/5 mL oral solution", "oxycodone", 1, MED_UNIT_MG_ML, MED_FORM_LIQUID, S,
           MED_CLASS_OPIOID);
    expect("morphine 100 mg per 5 ml solution", "morphine", 20, MED_UNIT_MG_ML, MED_FORM_LIQUID,
           S, MED_CLASS_OPIOID);
    expect("morphine 2% solution", "morphine", 20, MED_UNIT_MG_ML, MED_FORM_LIQUID, S,
           MED_CLASS_OPIOID);
    expect("72 HR fentanyl 0.075 MG/HR Transdermal System", "fentanyl", 75, MED_UNIT_MCG_HR,
           MED_FORM_PATCH, L, MED_CLASS_OPIOID);
    expect("fentanyl 25 mcg patch", "fentanyl", 25, MED_UNIT_MCG_HR, MED_FORM_PATCH, L,
           MED_CLASS_OPIOID);
    expect("fentanyl 25 µg/h transdermal", "fentanyl", 25, MED_UNIT_MCG_HR, MED_FORM_PATCH, L,
           MED_CLASS_OPIOID);
    expect("fentanyl 0.4 MG/ACTUAT Mucosal Spray", "fentanyl", 400, MED_UNIT_MCG_ACT,
           MED_FORM_ORAL_SPRAY, S, MED_CLASS_OPIOID);
    expect("fentanyl 100 mcg/actuation nasal spray", "fentanyl", 100, MED_UNIT_MCG_ACT,
           MED_FORM_NASAL_SPRAY, S, MED_CLASS_OPIOID);
    expect("fentanyl 200 mcg buccal film", "fentanyl", 200, MED_UNIT_MCG, MED_FORM_FILM, S,
           MED_CLASS_OPIOID);
    expect("oxymorphone 5 mg suppository", "oxymorphone", 5, MED_UNIT_MG, MED_FORM_SUPPOSITORY, S,
           MED_CLASS_OPIOID);
    expect("Abuse-Deterrent 12 HR oxycodone 9 MG Extended Release Oral Capsule", "oxycodone", 9,
           MED_UNIT_MG, MED_FORM_CAPSULE, L, MED_CLASS_OPIOID);
    expect("morphine sulfate SR 15 mg", "morphine", 15, MED_UNIT_MG, MED_FORM_UNKNOWN, L,
           MED_CLASS_OPIOID);
    expect("oxycodone CR 20 mg", "oxycodone", 20, MED_UNIT_MG, MED_FORM_UNKNOWN, L,
           MED_CLASS_OPIOID);
    expect("tramadol XR 100 mg", "tramadol", 100, MED_UNIT_MG, MED_FORM_UNKNOWN, L,
           MED_CLASS_OPIOID);
    expect("morphine 10 mg/mL injection", "morphine", 10, MED_UNIT_MG_ML, MED_FORM_INJECTION, S,
           MED_CLASS_OPIOID);
    /* milligrams are not assumed where they would be wrong */
    expect_not("fentanyl 25", MED_PARTIAL, "unit of the fentanyl strength missing");
    expect_not("fentanyl 25 patch", MED_PARTIAL, "strength missing");
    expect_not("oxycodone 5 mg solution", MED_PARTIAL, "per mL");
}

static void explicit_columns_override_text(void **state)
{
    (void)state;
    struct med_input in = med_input_empty();
    struct med_product p;
    char why[256];
    in.drug = "oxycodone";
    in.strength = 15;
    in.strength_unit = "mg";
    in.form = "tablet";
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_true(near(p.strength, 15));
    assert_int_equal(p.form, MED_FORM_TABLET);
    in.drug = "oxycodone 10 mg tablet"; /* the column wins over the text */
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_true(near(p.strength, 15));
    in.drug = "morphine oral solution";
    in.strength = 10;
    in.strength_unit = "mg/5 mL";
    in.form = NULL;
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_true(near(p.strength, 2));
    assert_int_equal(p.unit, MED_UNIT_MG_ML);
    in.drug = "fentanyl";
    in.strength = 50;
    in.strength_unit = "mcg/hr";
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_int_equal(p.form, MED_FORM_PATCH);
    in.strength_unit = "furlongs";
    assert_int_equal(med_resolve(fx.db, &in, &p, why, sizeof why), MED_UNRESOLVED);
    assert_non_null(strstr(why, "strength unit 'furlongs'"));
}

static void unresolved_reasons(void **state)
{
    (void)state;
    expect_not("xyz", MED_UNRESOLVED, "no opioid ingredient recognised in 'xyz'");
    expect_not("oxycodon 10 mg", MED_UNRESOLVED, "did you mean oxycodone?");
    expect_not("oxycodone tablet", MED_PARTIAL, "strength missing for oxycodone");
    expect_not("", MED_UNRESOLVED, "no drug description, NDC or RxNorm code");
    expect_not("oxycodone 10 mg and more", MED_RESOLVED, "");
    struct med_result r = compute(fx.cdc2022, rx("xyz", 30, 30, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    assert_true(isnan(r.med));
    assert_non_null(strstr(r.error, "no opioid ingredient recognised in 'xyz'"));
    r = compute(fx.cdc2022, rx("ibuprofen 800 mg", 30, 30, NULL, NULL));
    assert_int_equal(r.status, MED_NOT_OPIOID);
    assert_int_equal(r.product.cls, MED_CLASS_OTHER);
}

static void frequencies(void **state)
{
    (void)state;
    double v;
    bool range;
    assert_int_equal(med_parse_per_day("q4h", &v, &range), 0);
    assert_true(near(v, 6));
    assert_int_equal(med_parse_per_day("q4-6h", &v, &range), 0);
    assert_true(near(v, 6) && range);
    assert_int_equal(med_parse_per_day("every 8 hours", &v, &range), 0);
    assert_true(near(v, 3));
    assert_int_equal(med_parse_per_day("q72h", &v, &range), 0);
    assert_true(near(v, 1.0 / 3));
    assert_int_equal(med_parse_per_day("BID", &v, &range), 0);
    assert_true(near(v, 2));
    assert_int_equal(med_parse_per_day("3-4", &v, &range), 0);
    assert_true(near(v, 4) && range);
    assert_int_equal(med_parse_per_day("weekly", &v, &range), 0);
    assert_true(near(v, 1.0 / 7));
    assert_int_equal(med_parse_per_day("sometimes", &v, &range), -1);
    assert_int_equal(med_parse_amount("1/2", &v, &range), 0);
    assert_true(near(v, 0.5));
    assert_int_equal(med_parse_amount("2 - 3", &v, &range), 0);
    assert_true(near(v, 3) && range);
    assert_int_equal(med_parse_amount("2x", &v, &range), -1);
}

static void site_products(void **state)
{
    (void)state;
    struct med_db *db = med_db_new();
    char err[512];
    char *path = xasprintf("%s/products/local-example.csv", fx.config);
    assert_int_equal(med_db_add_products_csv(db, path, err, sizeof err), 0);
    struct med_input in = med_input_empty();
    struct med_product p;
    char why[256];
    in.drug = "Clinic Oxy 5";
    assert_int_equal(med_resolve(db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_string_equal(p.ingredient, "oxycodone");
    assert_true(near(p.strength, 5));
    in.drug = NULL;
    in.ndc = "99999000101";
    assert_int_equal(med_resolve(db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_string_equal(p.ingredient, "hydrocodone");
    assert_true(near(p.strength, 7.5));
    in.ndc = NULL;
    in.drug = "olinvyk 1 mg/mL injection";
    assert_int_equal(med_resolve(db, &in, &p, why, sizeof why), MED_RESOLVED);
    assert_int_equal(p.cls, MED_CLASS_OPIOID);
    struct med_dosing d = {10, 1, NAN, NAN, false, false, false};
    struct med_result r;
    med_calc(fx.cdc2022, &p, &d, &r);
    assert_int_equal(r.status, MED_ERROR); /* a new opioid has no factor until a site adds one */
    struct med_standard *site = med_standard_clone(fx.cdc2022, "site", "1", "test");
    assert_int_equal(med_standard_set_factor(site, "oliceridine", "injection", "mg", 3.0, 0, err,
                                             sizeof err),
                     0);
    med_calc(site, &p, &d, &r);
    assert_int_equal(r.status, MED_OK);
    assert_true(near(r.med, 30));
    assert_string_equal(med_standard_name(r.std), "site");
    med_standard_free(site);
    free(path);

    /* a bad row names its file and line, and nothing of the file is kept */
    path = xasprintf("%s/med-bad-products-%d.csv", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                     (int)getpid());
    const char *bad = "name,ingredients,strength\nfoo,oxycodone,5\nbar,wonderdrug,5\n";
    assert_int_equal(write_file_atomic(path, bad, strlen(bad), 0600), 0);
    struct med_db *db2 = med_db_new();
    assert_int_equal(med_db_add_products_csv(db2, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 3"));
    assert_non_null(strstr(err, "wonderdrug"));
    in = med_input_empty();
    in.drug = "foo";
    assert_int_equal(med_resolve(db2, &in, &p, why, sizeof why), MED_UNRESOLVED);
    unlink(path);
    free(path);
    med_db_free(db2);
    med_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ndc_forms),
        cmocka_unit_test(ndc_rows),
        cmocka_unit_test(every_ndc_factor_matches_the_file),
        cmocka_unit_test(rxnorm_rows),
        cmocka_unit_test(codes_before_text),
        cmocka_unit_test(brand_names),
        cmocka_unit_test(combination_products),
        cmocka_unit_test(units_and_forms),
        cmocka_unit_test(explicit_columns_override_text),
        cmocka_unit_test(unresolved_reasons),
        cmocka_unit_test(frequencies),
        cmocka_unit_test(site_products),
        cmocka_unit_test(quote_free_lines_read_as_libcsv_reads_them),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
