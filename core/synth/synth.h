/* Synthetic organisation generator: writes a whole clinic organisation's extracts (sites,
 * clinicians, patients, fills, events, assessments, appointments, diagnoses) as canonical CSV
 * files, for the demo site, the tests and the benchmarks. Output is a pure function of the
 * options: same seed and as-of date, same bytes, on any machine. The model is described in
 * docs/synthetic-data.md. */
#ifndef SIXBB_SYNTH_H
#define SIXBB_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "util.h"

enum synth_file {
    SYNTH_SITES,
    SYNTH_CLINICIANS,
    SYNTH_PATIENTS,
    SYNTH_PRESCRIPTIONS,
    SYNTH_EVENTS,
    SYNTH_ASSESSMENTS,
    SYNTH_APPOINTMENTS,
    SYNTH_DIAGNOSES,
    SYNTH_NFILES
};

#define SYNTH_MAX_PATIENTS 1000000
#define SYNTH_MAX_SITES 99

struct synth_opts {
    uint64_t seed;
    int patients;        /* 1 .. SYNTH_MAX_PATIENTS */
    day_t as_of;         /* last day of history; appointments are scheduled after it */
    int sites;           /* 0: scale with the number of patients */
    bool noise;          /* add the data-quality problems real extracts have */
    const char *out_dir; /* synth_run() writes here; the directory must exist */
    /* Optional: called now and then with the number of patients done. */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
};

struct synth_result {
    long rows[SYNTH_NFILES]; /* data rows per file, header excluded */
    int sites;
    int clinicians;
};

/* File name ("patients.csv") and header line (without newline) of each file. */
const char *synth_file_name(enum synth_file f);
const char *synth_file_header(enum synth_file f);

/* Default number of sites for n patients: 3 for small organisations, about one per 2,000
 * patients above that, at most 12. */
int synth_default_sites(int patients);

/* Writes the eight files into o->out_dir. Every file is first written under a temporary name
 * and renamed into place only once all of them are complete, so a failed run leaves no partial
 * CSV behind (existing files are replaced). Returns 0, or -1 with a message in err. */
int synth_run(const struct synth_opts *o, struct synth_result *res, char *err, size_t errlen);

/* Same generation into memory: out[f] receives file f's bytes (caller frees with buf_free).
 * Meant for tests and small organisations. */
void synth_run_mem(const struct synth_opts *o, struct buf out[SYNTH_NFILES],
                   struct synth_result *res);

#endif
