/* Product catalogue for the synthetic data generator.
 *
 * The rows are hard-coded rather than read from config/data/ at run time: the generator must give
 * byte-identical output for a seed whatever product tables a site has installed or extended, and
 * fifty rows do not justify parsing 28,000 lines on every run. The facts carry over from the
 * tables unchanged (NDC, strength of the opioid component, unit, form); test_synth.c checks every
 * NDC against the CDC 2018 files and every RxNorm code against the 2020 RxNorm table, so a typo
 * here fails the build's tests rather than the demo.
 *
 * Generic NDCs were chosen from labelers whose product codes are well documented (combination
 * products containing 325 mg acetaminophen). Naloxone nasal spray is in neither table, so it
 * carries no code: the registry recognises it by name, which is what it must do for naloxone
 * anyway. */
#include "synth_catalog.h"

#include "util.h"

#define OPI(d, n, r, s, u, f, m)                                                                   \
    {                                                                                              \
        .drug = d, .ndc = n, .rxnorm = r, .strength = s, .unit = u, .form = f, .cls = RXC_OPIOID,  \
        .med10 = m                                                                                 \
    }
#define PATCH(d, n, r, s, m)                                                                       \
    {                                                                                              \
        .drug = d, .ndc = n, .rxnorm = r, .strength = s, .unit = "mcg/hr", .form = "patch",        \
        .cls = RXC_OPIOID, .med10 = m, .patch = true                                               \
    }
#define OTHER(c, d, n, r, s, f)                                                                    \
    {                                                                                              \
        .drug = d, .ndc = n, .rxnorm = r, .strength = s, .unit = "mg", .form = f, .cls = c         \
    }

const struct product synth_products[P_COUNT] = {
    [P_HC_APAP_5] = OPI("hydrocodone-acetaminophen 5-325 mg tablet", "00406036501", "857002", "5",
                        "mg", "tablet", 50),
    [P_HC_APAP_75] = OPI("hydrocodone-acetaminophen 7.5-325 mg tablet", "00406036601", "857005",
                         "7.5", "mg", "tablet", 75),
    [P_HC_APAP_10] = OPI("hydrocodone-acetaminophen 10-325 mg tablet", "00406036701", "856999",
                         "10", "mg", "tablet", 100),
    [P_NORCO_10] =
        OPI("Norco 10-325 mg tablet", "52544053901", "857001", "10", "mg", "tablet", 100),
    [P_OXY_APAP_5] = OPI("oxycodone-acetaminophen 5-325 mg tablet", "00406051201", "1049221", "5",
                         "mg", "tablet", 75),
    [P_OXY_APAP_75] = OPI("oxycodone-acetaminophen 7.5-325 mg tablet", "00406052201", "1049225",
                          "7.5", "mg", "tablet", 112),
    [P_OXY_APAP_10] = OPI("oxycodone-acetaminophen 10-325 mg tablet", "00406052301", "1049214",
                          "10", "mg", "tablet", 150),
    [P_PERCOCET_5] =
        OPI("Percocet 5-325 mg tablet", "63481062370", "1049640", "5", "mg", "tablet", 75),
    [P_PERCOCET_10] =
        OPI("Percocet 10-325 mg tablet", "63481062970", "1049625", "10", "mg", "tablet", 150),
    [P_OXY_5] = OPI("oxycodone 5 mg tablet", "00406055201", "1049621", "5", "mg", "tablet", 75),
    [P_OXY_10] = OPI("oxycodone 10 mg tablet", "10702005601", "1049683", "10", "mg", "tablet", 150),
    [P_OXY_15] = OPI("oxycodone 15 mg tablet", "00406851501", "1049611", "15", "mg", "tablet", 225),
    [P_OXYCONTIN_10] = OPI("OxyContin 10 mg extended-release tablet", "59011041010", "1049504",
                           "10", "mg", "tablet, extended release", 150),
    [P_OXYCONTIN_20] = OPI("OxyContin 20 mg extended-release tablet", "59011042010", "1049565",
                           "20", "mg", "tablet, extended release", 300),
    [P_OXYCONTIN_40] = OPI("OxyContin 40 mg extended-release tablet", "59011044010", "1049586",
                           "40", "mg", "tablet, extended release", 600),
    [P_MSCONTIN_15] = OPI("MS Contin 15 mg extended-release tablet", "59011026010", "892574", "15",
                          "mg", "tablet, extended release", 150),
    [P_MSCONTIN_30] = OPI("MS Contin 30 mg extended-release tablet", "59011026105", "892660", "30",
                          "mg", "tablet, extended release", 300),
    [P_MORPHINE_ER_15] = OPI("morphine sulfate ER 15 mg tablet", "42858080101", "891878", "15",
                             "mg", "tablet, extended release", 150),
    [P_MORPHINE_ER_30] = OPI("morphine sulfate ER 30 mg tablet", "42858080201", "891885", "30",
                             "mg", "tablet, extended release", 300),
    [P_MORPHINE_ER_60] = OPI("morphine sulfate ER 60 mg tablet", "42858080301", "891890", "60",
                             "mg", "tablet, extended release", 600),
    [P_MORPHINE_IR_15] =
        OPI("morphine sulfate 15 mg tablet", "00054023525", "892582", "15", "mg", "tablet", 150),
    [P_METHADONE_5] =
        OPI("methadone 5 mg tablet", "00406575501", "864718", "5", "mg", "tablet", 235),
    [P_METHADONE_10] =
        OPI("methadone 10 mg tablet", "00406577101", "864706", "10", "mg", "tablet", 470),
    [P_FENTANYL_12] = PATCH("fentanyl 12 mcg/hr patch", "00378911998", "577057", "12", 288),
    [P_FENTANYL_25] = PATCH("fentanyl 25 mcg/hr patch", "00378912198", "245134", "25", 600),
    [P_FENTANYL_50] = PATCH("fentanyl 50 mcg/hr patch", "00378912298", "245135", "50", 1200),
    [P_FENTANYL_75] = PATCH("fentanyl 75 mcg/hr patch", "00378912398", "197696", "75", 1800),
    [P_DURAGESIC_25] = PATCH("Duragesic 25 mcg/hr patch", "50458009105", "261184", "25", 600),
    [P_TRAMADOL_50] =
        OPI("tramadol 50 mg tablet", "00093005801", "835603", "50", "mg", "tablet", 100),
    [P_ULTRAM_50] = OPI("Ultram 50 mg tablet", "50458065960", "835605", "50", "mg", "tablet", 100),
    [P_NUCYNTA_50] =
        OPI("Nucynta 50 mg tablet", "50458082002", "854142", "50", "mg", "tablet", 200),
    [P_NUCYNTA_75] =
        OPI("Nucynta 75 mg tablet", "50458083002", "854144", "75", "mg", "tablet", 300),
    [P_NUCYNTA_ER_100] = OPI("Nucynta ER 100 mg tablet", "50458086101", "1149367", "100", "mg",
                             "tablet, extended release", 400),
    [P_HYDROMORPHONE_2] =
        OPI("hydromorphone 2 mg tablet", "00406324301", "897696", "2", "mg", "tablet", 100),
    [P_HYDROMORPHONE_4] =
        OPI("hydromorphone 4 mg tablet", "00406324401", "897702", "4", "mg", "tablet", 200),
    [P_SUBOXONE_FILM_8] =
        OTHER(RXC_MOUD, "Suboxone 8-2 mg sublingual film", "12496120803", "1010606", "8", "film"),
    [P_BUP_NAL_TAB_8] = OTHER(RXC_MOUD, "buprenorphine-naloxone 8-2 mg sublingual tablet",
                              "00054018913", "351267", "8", "tablet"),
    [P_BUP_TAB_8] = OTHER(RXC_MOUD, "buprenorphine 8 mg sublingual tablet", "00054017713", "351265",
                          "8", "tablet"),
    [P_NALOXONE_SPRAY] =
        OTHER(RXC_NALOXONE, "naloxone 4 mg nasal spray", "", "", "4", "nasal spray"),
    [P_ALPRAZOLAM_05] =
        OTHER(RXC_BENZO, "alprazolam 0.5 mg tablet", "00228202910", "", "0.5", "tablet"),
    [P_ALPRAZOLAM_1] = OTHER(RXC_BENZO, "alprazolam 1 mg tablet", "00228203110", "", "1", "tablet"),
    [P_CLONAZEPAM_05] =
        OTHER(RXC_BENZO, "clonazepam 0.5 mg tablet", "00228300311", "", "0.5", "tablet"),
    [P_CLONAZEPAM_1] = OTHER(RXC_BENZO, "clonazepam 1 mg tablet", "00228300411", "", "1", "tablet"),
    [P_LORAZEPAM_1] = OTHER(RXC_BENZO, "lorazepam 1 mg tablet", "00172580060", "", "1", "tablet"),
    [P_DIAZEPAM_5] = OTHER(RXC_BENZO, "diazepam 5 mg tablet", "00378034501", "", "5", "tablet"),
    [P_DIAZEPAM_10] = OTHER(RXC_BENZO, "diazepam 10 mg tablet", "00378047701", "", "10", "tablet"),
    [P_TEMAZEPAM_15] =
        OTHER(RXC_BENZO, "temazepam 15 mg capsule", "00005378531", "", "15", "capsule"),
    [P_CYCLOBENZAPRINE_10] =
        OTHER(RXC_MUSCLE, "cyclobenzaprine 10 mg tablet", "00591565801", "", "10", "tablet"),
    [P_METHOCARBAMOL_750] =
        OTHER(RXC_MUSCLE, "methocarbamol 750 mg tablet", "00143129201", "", "750", "tablet"),
    [P_TIZANIDINE_4] =
        OTHER(RXC_MUSCLE, "tizanidine 4 mg tablet", "00093516051", "", "4", "tablet"),
    [P_BACLOFEN_10] = OTHER(RXC_MUSCLE, "baclofen 10 mg tablet", "00172409660", "", "10", "tablet"),
    [P_CARISOPRODOL_350] =
        OTHER(RXC_MUSCLE, "carisoprodol 350 mg tablet", "00143117601", "", "350", "tablet"),
};

/* Ladders go from the lowest to the highest daily dose a primary-care clinic would write. */
static const struct dose_step hc_apap[] = {
    {P_HC_APAP_5, 2},  {P_HC_APAP_5, 3},  {P_HC_APAP_5, 4},  {P_HC_APAP_75, 3}, {P_HC_APAP_75, 4},
    {P_HC_APAP_10, 3}, {P_HC_APAP_10, 4}, {P_HC_APAP_10, 5}, {P_HC_APAP_10, 6},
};
static const struct dose_step oxy_apap[] = {
    {P_OXY_APAP_5, 2},  {P_OXY_APAP_5, 3},  {P_OXY_APAP_5, 4},  {P_OXY_APAP_75, 4},
    {P_OXY_APAP_10, 3}, {P_OXY_APAP_10, 4}, {P_OXY_APAP_10, 5}, {P_OXY_APAP_10, 6},
};
static const struct dose_step oxy_ir[] = {
    {P_OXY_5, 2},  {P_OXY_5, 3},  {P_OXY_5, 4},  {P_OXY_10, 3},
    {P_OXY_10, 4}, {P_OXY_15, 3}, {P_OXY_15, 4}, {P_OXY_15, 6},
};
static const struct dose_step oxy_er[] = {
    {P_OXYCONTIN_10, 2}, {P_OXYCONTIN_20, 2}, {P_OXYCONTIN_40, 2}, {P_OXYCONTIN_40, 3}};
static const struct dose_step morphine_er[] = {
    {P_MORPHINE_ER_15, 2}, {P_MORPHINE_ER_30, 2}, {P_MORPHINE_ER_60, 2}, {P_MORPHINE_ER_60, 3}};
static const struct dose_step mscontin[] = {{P_MSCONTIN_15, 2}, {P_MSCONTIN_30, 2}};
static const struct dose_step morphine_ir[] = {
    {P_MORPHINE_IR_15, 1}, {P_MORPHINE_IR_15, 2}, {P_MORPHINE_IR_15, 3}, {P_MORPHINE_IR_15, 4}};
static const struct dose_step methadone[] = {{P_METHADONE_5, 2},
                                             {P_METHADONE_5, 3},
                                             {P_METHADONE_10, 2},
                                             {P_METHADONE_10, 3},
                                             {P_METHADONE_10, 4}};
static const struct dose_step fentanyl[] = {
    {P_FENTANYL_12, 1}, {P_FENTANYL_25, 1}, {P_FENTANYL_50, 1}, {P_FENTANYL_75, 1}};
static const struct dose_step tramadol[] = {
    {P_TRAMADOL_50, 2}, {P_TRAMADOL_50, 3}, {P_TRAMADOL_50, 4}, {P_TRAMADOL_50, 6}};
static const struct dose_step tapentadol[] = {
    {P_NUCYNTA_50, 2}, {P_NUCYNTA_50, 3}, {P_NUCYNTA_50, 4}, {P_NUCYNTA_75, 4}};
static const struct dose_step tapentadol_er[] = {{P_NUCYNTA_ER_100, 2}};
static const struct dose_step hydromorphone[] = {{P_HYDROMORPHONE_2, 2},
                                                 {P_HYDROMORPHONE_2, 3},
                                                 {P_HYDROMORPHONE_2, 4},
                                                 {P_HYDROMORPHONE_4, 3},
                                                 {P_HYDROMORPHONE_4, 4}};
static const struct dose_step bup_nal[] = {{P_SUBOXONE_FILM_8, 1}, {P_SUBOXONE_FILM_8, 2}};
static const struct dose_step alprazolam[] = {
    {P_ALPRAZOLAM_05, 1}, {P_ALPRAZOLAM_05, 2}, {P_ALPRAZOLAM_05, 3}, {P_ALPRAZOLAM_1, 2}};
static const struct dose_step clonazepam[] = {
    {P_CLONAZEPAM_05, 1}, {P_CLONAZEPAM_05, 2}, {P_CLONAZEPAM_1, 2}};
static const struct dose_step lorazepam[] = {{P_LORAZEPAM_1, 1}, {P_LORAZEPAM_1, 2}};
static const struct dose_step diazepam[] = {
    {P_DIAZEPAM_5, 1}, {P_DIAZEPAM_5, 2}, {P_DIAZEPAM_10, 2}};
static const struct dose_step temazepam[] = {{P_TEMAZEPAM_15, 1}};
static const struct dose_step cyclobenzaprine[] = {
    {P_CYCLOBENZAPRINE_10, 1}, {P_CYCLOBENZAPRINE_10, 2}, {P_CYCLOBENZAPRINE_10, 3}};
static const struct dose_step methocarbamol[] = {{P_METHOCARBAMOL_750, 2},
                                                 {P_METHOCARBAMOL_750, 3}};
static const struct dose_step tizanidine[] = {
    {P_TIZANIDINE_4, 1}, {P_TIZANIDINE_4, 2}, {P_TIZANIDINE_4, 3}};
static const struct dose_step baclofen[] = {{P_BACLOFEN_10, 2}, {P_BACLOFEN_10, 3}};
static const struct dose_step carisoprodol[] = {{P_CARISOPRODOL_350, 2}, {P_CARISOPRODOL_350, 3}};

#define LADDER(a, lo, hi, p)                                                                       \
    {                                                                                              \
        a, (int)ARRAY_LEN(a), lo, hi, p                                                            \
    }

const struct ladder synth_ladders[L_COUNT] = {
    [L_HC_APAP] = LADDER(hc_apap, 0, 5, true),
    [L_OXY_APAP] = LADDER(oxy_apap, 0, 4, true),
    [L_OXY_IR] = LADDER(oxy_ir, 0, 4, true),
    [L_OXY_ER] = LADDER(oxy_er, 0, 1, false),
    [L_MORPHINE_ER] = LADDER(morphine_er, 0, 1, false),
    [L_MSCONTIN] = LADDER(mscontin, 0, 1, false),
    [L_MORPHINE_IR] = LADDER(morphine_ir, 0, 2, true),
    [L_METHADONE] = LADDER(methadone, 0, 3, false),
    [L_FENTANYL] = LADDER(fentanyl, 0, 2, false),
    [L_TRAMADOL] = LADDER(tramadol, 0, 2, true),
    [L_TAPENTADOL] = LADDER(tapentadol, 0, 2, true),
    [L_TAPENTADOL_ER] = LADDER(tapentadol_er, 0, 0, false),
    [L_HYDROMORPHONE] = LADDER(hydromorphone, 0, 2, true),
    [L_BUP_NAL] = LADDER(bup_nal, 0, 1, false),
    [L_ALPRAZOLAM] = LADDER(alprazolam, 0, 2, true),
    [L_CLONAZEPAM] = LADDER(clonazepam, 0, 2, false),
    [L_LORAZEPAM] = LADDER(lorazepam, 0, 1, true),
    [L_DIAZEPAM] = LADDER(diazepam, 0, 2, false),
    [L_TEMAZEPAM] = LADDER(temazepam, 0, 0, false),
    [L_CYCLOBENZAPRINE] = LADDER(cyclobenzaprine, 0, 2, true),
    [L_METHOCARBAMOL] = LADDER(methocarbamol, 0, 1, true),
    [L_TIZANIDINE] = LADDER(tizanidine, 0, 2, true),
    [L_BACLOFEN] = LADDER(baclofen, 0, 1, false),
    [L_CARISOPRODOL] = LADDER(carisoprodol, 0, 1, true),
};

int dose_step_med10(const struct dose_step *s)
{
    return synth_products[s->product].med10 * s->per_day;
}
