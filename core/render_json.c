/* The canonical document as JSON: numbers and dates exactly as the report gave them, keys in
 * the canonical order, so the output can be compared from run to run. */
#include <stdlib.h>

#include "render.h"

int render_json(const cJSON *doc, struct buf *out)
{
    char *s = cJSON_Print(doc);
    buf_puts(out, s);
    buf_puts(out, "\n");
    free(s);
    return 0;
}
