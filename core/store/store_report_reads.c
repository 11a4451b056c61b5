/* The named reads of the clinical reports (a patient's record, the day's appointments); see
 * store_program_reads.h. */
#include "store_program_reads.h"

#include <stddef.h>

const struct store_read store_report_reads[] = {
    {"patients.fills", 3, false,
     "SELECT rx_id, fill_date, drug, quantity, days_supply, ndc, rxnorm, strength, "
     "strength_unit, form, dose, doses_per_day, prn, class, med, dq_flags, resolve_error "
     "FROM prescriptions WHERE patient_id = ?1 AND fill_date <= ?2 AND fill_date > ?3 "
     "ORDER BY fill_date DESC, rx_id"},
    {"patients.events", 2, false,
     "SELECT date, type, coalesce(result, '') AS result, coalesce(note, '') AS note "
     "FROM events WHERE patient_id = ?1 AND date <= ?2 ORDER BY date DESC, type"},
    {"patients.assessments", 2, false,
     "SELECT date, instrument, score, coalesce(items, '') AS items FROM assessments "
     "WHERE patient_id = ?1 AND date <= ?2 ORDER BY date DESC, instrument"},
    {"patients.diagnoses", 2, false,
     "SELECT code, date, coalesce(end_date, '') AS end_date FROM diagnoses "
     "WHERE patient_id = ?1 AND date <= ?2 ORDER BY date DESC, code"},
    {"appointments.day", 3, false,
     "SELECT a.appointment_id AS id, a.patient_id AS patient, coalesce(a.time, '') AS time, "
     "coalesce(a.type, '') AS type, coalesce(a.status, '') AS status, "
     "coalesce(nullif(a.clinician_id, ''), p.clinician_id, '(none)') AS clinician, "
     "p.site_id AS site FROM appointments a JOIN patients p ON p.patient_id = a.patient_id "
     "WHERE a.date = ?1 AND (?2 IS NULL OR p.site_id = ?2) AND (?3 IS NULL OR "
     "coalesce(nullif(a.clinician_id, ''), p.clinician_id) = ?3) "
     "ORDER BY clinician, time, a.patient_id"},
    {"clinicians.list", 0, false, "SELECT clinician_id AS id, name FROM clinicians"},
    {NULL, 0, false, NULL},
};
