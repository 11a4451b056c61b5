-- Evaluation reads appointments, assessments and diagnoses patient by patient, in index order.
-- Indexes that also hold the few other columns it reads answer those reads from the index
-- alone, without a lookup in the table for every row.
DROP INDEX IF EXISTS appointments_patient;
CREATE INDEX appointments_patient ON appointments(patient_id, date, status);
CREATE INDEX assessments_by_patient ON assessments(patient_id, instrument, date, score);
CREATE INDEX diagnoses_by_patient ON diagnoses(patient_id, code, date, end_date);
