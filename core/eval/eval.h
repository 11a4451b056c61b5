/* The evaluation engine, in plain C: for each patient, as of a date, the rows read in one pass
 * over the registry and the facts computed from them (eval_facts.h), handed to a visitor the
 * caller supplies; counts and per-clinician and per-site tallies as it goes; the gaps a run
 * produced, ordered and stored. Running the plugins' checks is the host's (checks.h). */
#ifndef SIXBB_EVAL_H
#define SIXBB_EVAL_H

#include <stdbool.h>
#include <stdio.h>

#include "date.h"
#include "eval_facts.h"

struct store;
struct med_db;
struct med_standard;
struct med_timeline;

enum gap_level { LEVEL_PATIENT, LEVEL_CLINICIAN, LEVEL_SITE };

struct gap {
    char *check, *plugin, *patient, *clinician, *site, *severity, *detail;
    day_t due; /* DATE_NONE when not applicable */
    enum gap_level level;
};

struct eval_filter {
    const char *site, *clinician, *patient, *check;
    /* A list of patients instead of `patient`: each read with the one-patient queries on one
     * connection, so a day's appointments cost as much as their own rows. */
    const char *const *patients;
    size_t npatients;
};

struct eval_result {
    day_t as_of;
    int patients, ltot, excluded, fill_rule, labeled;
    int ltot_labeled;                    /* LtOT, not excluded, with a label diagnosis */
    int active_fills, active_computable; /* opioid fills active at as_of; with a MED */
    struct gap *gaps;
    size_t ngaps, capgaps;
    int check_errors; /* check calls that failed (reported on stderr) */
    /* The gaps' strings, allocated in blocks that are freed together. */
    char **blocks;
    size_t nblocks;
    char *free_at; /* the next free byte of the block being filled */
    size_t left;   /* and how many bytes it still has */
};
/* The two orders gaps are shown in. SITES_LAST (sixbb check): clinicians by id, each with their
 * patients' gaps then their own, and site-level gaps at the end; BY_LEVEL (reports): patient,
 * then clinician, then site level, each by clinician or site, patient and check. Strings sort
 * byte-wise, a missing one after the others. */
enum gap_order { GAP_ORDER_SITES_LAST, GAP_ORDER_BY_LEVEL };
void eval_gaps_sort(struct gap *gaps, size_t n, enum gap_order order);
/* A copy of s (NULL for NULL) that lives as long as r's gaps. */
char *eval_result_strdup(struct eval_result *r, const char *s);
/* Appends a gap (its strings copied into r). */
void eval_result_add(struct eval_result *r, const struct gap *g);
void eval_result_free(struct eval_result *r);

/* What evaluation needs, opened once per command: the store, the MED tables and standard in
 * use (kept as pointers), and the rules (taken over: freed with the engine). */
struct eval_engine;
struct eval_engine *eval_engine_new(struct store *s, struct med_db *db,
                                    const struct med_standard *std, const struct rules *rules);
void eval_engine_free(struct eval_engine *en);
const struct rules *eval_engine_rules(const struct eval_engine *en);
const struct med_standard *eval_engine_standard(const struct eval_engine *en);

/* Called once per patient of a pass, on the caller's thread. f is NULL in a rows-only pass. */
typedef void (*eval_visit_fn)(void *ud, const struct patient_rows *pr, const struct facts *f);
struct eval_pass {
    day_t as_of;
    /* Rows-only passes: the earliest date the visitor evaluates the rows at (fills are read
     * from three years before it). DATE_NONE: as_of. */
    day_t earliest;
    const struct eval_filter *filter;
    /* Hand out rows without computing facts or counting (the visitor evaluates the dates it
     * wants with facts_at()); the fills' prescriber and pharmacy are read too. */
    bool rows_only;
    /* Read on the caller's thread (otherwise a whole-population pass reads on a second
     * thread while the visitor runs on this one). */
    bool serial;
    eval_visit_fn visit;
    void *ud;
    /* After each batch of visits, if set: a chance to hand results to a writer. */
    void (*batch_done)(void *ud);
};
/* Runs a pass. Counts go to r (cleared first; r->as_of set) unless rows_only. Returns 0, or -1
 * with the reason in err. */
int eval_engine_pass(struct eval_engine *en, const struct eval_pass *p, struct eval_result *r,
                     char *err, size_t errlen);
/* LtOT, non-excluded patients of a clinician or site (level) counted by the last pass. */
int eval_engine_ltot_patients(const struct eval_engine *en, enum gap_level level, const char *id);
/* The dose timeline of the patient being visited, built on first use on the visitor's thread
 * (whichever thread read the patient). */
const struct med_timeline *eval_engine_timeline(struct eval_engine *en);

/* The gaps of an unfiltered run, stored for its date while the run goes on: on a thread and a
 * connection of their own, in one transaction committed only when everything succeeded. */
struct eval_writer;
struct eval_writer *eval_writer_open(struct store *s, day_t as_of, char *err, size_t errlen);
/* Hands the gaps r gained since the last call to the writer. */
void eval_writer_feed(struct eval_writer *w, const struct eval_result *r);
/* Waits for the writer, then records the evaluation and commits (ok) or rolls back. 0, or -1
 * with the reason in err (nothing in err when ok was false). */
int eval_writer_close(struct eval_writer *w, const struct eval_result *r, bool ok, char *err,
                      size_t errlen);

#endif
