/* The data-quality report's named reads (see store_program_reads.h): each listing takes the
 * most rows to list, then the clinician and the site it is limited to (nil for all), and has a
 * `_count` twin giving `n`, every row it would list without the limit. */
#include "store_program_reads.h"

#include <stddef.h>

/* Limits a listing to the fills or records of patients of clinician ?2 and site ?3. */
#define SCOPE " AND (?3 IS NULL OR pt.site_id = ?3) AND (?2 IS NULL OR pt.clinician_id = ?2)"

#define UNRESOLVED                                                                                 \
    "SELECT rx.drug AS drug, count(*) AS fills, count(DISTINCT rx.patient_id) AS patients, "       \
    "max(rx.fill_date) AS last_fill, coalesce(min(rx.resolve_error), '') AS reason "               \
    "FROM prescriptions rx JOIN patients pt ON pt.patient_id = rx.patient_id "                     \
    "WHERE (rx.class = 'unresolved' OR instr(coalesce(rx.dq_flags, ''), "                          \
    "'product_unresolved') > 0)" SCOPE " GROUP BY rx.drug ORDER BY fills DESC, rx.drug"

#define SCORES                                                                                     \
    "SELECT a.patient_id AS patient, a.instrument AS instrument, a.date AS date, "                 \
    "a.score AS score, coalesce(a.items, '') AS items, a.dq_flags AS flags "                       \
    "FROM assessments a JOIN patients pt ON pt.patient_id = a.patient_id "                         \
    "WHERE (instr(coalesce(a.dq_flags, ''), 'score_disagrees_with_items') > 0 "                    \
    "OR instr(coalesce(a.dq_flags, ''), 'score_not_computed') > 0)" SCOPE                          \
    " ORDER BY a.date DESC, a.patient_id"

/* A patient's clinician belongs to the patient, so a clinician's listing has none. */
#define NO_CLINICIAN                                                                               \
    "SELECT pt.patient_id AS patient, pt.site_id AS site, "                                        \
    "CASE WHEN coalesce(pt.clinician_id, '') = '' THEN 'none recorded' "                           \
    "ELSE 'unknown clinician ' || pt.clinician_id END AS problem FROM patients pt "                \
    "WHERE (coalesce(pt.clinician_id, '') = '' OR NOT EXISTS (SELECT 1 FROM clinicians c "         \
    "WHERE c.clinician_id = pt.clinician_id)) AND (?3 IS NULL OR pt.site_id = ?3) "                \
    "AND ?2 IS NULL ORDER BY pt.patient_id"

/* Fills active on ?4 (their supply, or ?5 days when none is recorded) without a MED. */
#define ACTIVE_UNKNOWN                                                                             \
    "SELECT rx.rx_id AS rx, rx.patient_id AS patient, rx.fill_date AS date, rx.drug AS drug, "     \
    "rx.days_supply AS days, coalesce(rx.resolve_error, rx.dq_flags, '') AS reason "               \
    "FROM prescriptions rx JOIN patients pt ON pt.patient_id = rx.patient_id "                     \
    "WHERE rx.med IS NULL AND rx.class IN ('opioid', 'unresolved') AND rx.fill_date <= ?4 "        \
    "AND rx.fill_date > date(?4, '-' || (CASE WHEN coalesce(rx.days_supply, 0) > 0 "               \
    "THEN rx.days_supply ELSE ?5 END) || ' days')" SCOPE " ORDER BY rx.fill_date DESC, rx.rx_id"

#define COUNT_OF(sql) "SELECT count(*) AS n FROM (" sql ")"

const struct store_read store_quality_reads[] = {
    {"quality.unresolved", 3, false, UNRESOLVED " LIMIT ?1"},
    {"quality.unresolved_count", 3, true, COUNT_OF(UNRESOLVED)},
    {"quality.flag_groups", 3, false,
     "SELECT rx.dq_flags AS flags, count(*) AS n FROM prescriptions rx "
     "JOIN patients pt ON pt.patient_id = rx.patient_id "
     "WHERE rx.dq_flags IS NOT NULL AND rx.dq_flags <> ''" SCOPE " GROUP BY rx.dq_flags"},
    {"quality.flagged_fills", 3, false,
     "SELECT rx.rx_id, rx.patient_id, rx.fill_date, rx.drug, rx.quantity, rx.days_supply, "
     "rx.dq_flags FROM prescriptions rx JOIN patients pt ON pt.patient_id = rx.patient_id "
     "WHERE rx.dq_flags IS NOT NULL AND rx.dq_flags <> '' AND rx.dq_flags <> 'sig_disagrees' "
     "AND rx.dq_flags <> 'product_unresolved,med_not_computable'" SCOPE
     " ORDER BY rx.fill_date DESC, rx.rx_id LIMIT ?1"},
    {"quality.scores", 3, false, SCORES " LIMIT ?1"},
    {"quality.scores_count", 3, true, COUNT_OF(SCORES)},
    {"quality.no_clinician", 3, false, NO_CLINICIAN " LIMIT ?1"},
    {"quality.no_clinician_count", 3, true, COUNT_OF(NO_CLINICIAN)},
    {"quality.no_site", 1, false,
     "SELECT c.clinician_id AS clinician, coalesce(c.site_id, '') AS site, "
     "CASE WHEN coalesce(c.site_id, '') = '' THEN 'none recorded' "
     "ELSE 'unknown site ' || c.site_id END AS problem FROM clinicians c "
     "WHERE (coalesce(c.site_id, '') = '' OR NOT EXISTS (SELECT 1 FROM sites s "
     "WHERE s.site_id = c.site_id)) AND (?1 IS NULL OR c.clinician_id = ?1) "
     "ORDER BY c.clinician_id"},
    {"quality.active_unknown", 5, false, ACTIVE_UNKNOWN " LIMIT ?1"},
    {"quality.active_unknown_count", 5, true, COUNT_OF(ACTIVE_UNKNOWN)},
    {NULL, 0, false, NULL},
};
