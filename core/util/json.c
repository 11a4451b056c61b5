#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void json_print(cJSON *v)
{
    char *s = cJSON_Print(v);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    cJSON_Delete(v);
}

cJSON *json_str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

cJSON *json_num_rounded(double v, int places)
{
    if (isnan(v))
        return cJSON_CreateNull();
    double scale = pow(10, places);
    return cJSON_CreateNumber(round(v * scale) / scale);
}
