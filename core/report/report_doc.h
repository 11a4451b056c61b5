/* The report document: what a report's run(ctx) returns. report_doc_normalize() checks a raw
 * document field by field (errors name the path, "sections[2].blocks[1].rows[5] must be a
 * table") and builds the canonical tree every renderer reads: known fields in a fixed order,
 * defaults filled in, every in-page link checked against the document's anchors. */
#ifndef SIXBB_REPORT_DOC_H
#define SIXBB_REPORT_DOC_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Returns the canonical document (caller deletes), or NULL with the reason in err. raw is not
 * modified. */
cJSON *report_doc_normalize(const cJSON *raw, char *err, size_t errlen);

/* The table `--format csv` writes: the first table marked main, else the first table; NULL when
 * the document has none. */
const cJSON *report_doc_main_table(const cJSON *doc);

/* Accessors for the canonical tree (never NULL for fields the normalizer fills in). */
const char *report_doc_str(const cJSON *obj, const char *name); /* NULL when absent */
bool report_doc_bool(const cJSON *obj, const char *name);

#endif
