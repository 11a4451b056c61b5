/* Small conveniences over cJSON for command output. */
#ifndef SIXBB_JSON_H
#define SIXBB_JSON_H

#include <cjson/cJSON.h>

/* Prints the value (pretty, two-space indented) with a newline to stdout and deletes it. */
void json_print(cJSON *v);
/* A string, or JSON null for NULL. */
cJSON *json_str_or_null(const char *s);
/* A number rounded to `places` decimals for display, or null when isnan(v). */
cJSON *json_num_rounded(double v, int places);

#endif
