/* The canonical document as JSON: numbers and dates exactly as the report gave them, keys in
 * the canonical order, so the output can be compared from run to run. Rows of a table carry
 * every declared column, null where the report gave no value, so a program reading the JSON
 * sees one shape per table ("site": null on the organisation's rows). */
#include <stdlib.h>
#include <string.h>

#include "render.h"

static void fill_row(cJSON *row, const cJSON *columns)
{
    const cJSON *col;
    cJSON_ArrayForEach(col, columns)
    {
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(col, "key");
        if (cJSON_IsString(key) && !cJSON_HasObjectItem(row, key->valuestring))
            cJSON_AddNullToObject(row, key->valuestring);
    }
}

static void fill_tables(cJSON *doc)
{
    cJSON *section;
    cJSON_ArrayForEach(section, cJSON_GetObjectItemCaseSensitive(doc, "sections"))
    {
        cJSON *block;
        cJSON_ArrayForEach(block, cJSON_GetObjectItemCaseSensitive(section, "blocks"))
        {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(block, "type");
            if (!cJSON_IsString(type) || strcmp(type->valuestring, "table") != 0)
                continue;
            const cJSON *columns = cJSON_GetObjectItemCaseSensitive(block, "columns");
            cJSON *row;
            cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(block, "rows"))
            {
                if (cJSON_IsObject(row))
                    fill_row(row, columns);
            }
        }
    }
}

int render_json(const cJSON *doc, struct buf *out)
{
    cJSON *copy = cJSON_Duplicate(doc, 1);
    if (!copy)
        return -1;
    fill_tables(copy);
    char *s = cJSON_Print(copy);
    cJSON_Delete(copy);
    buf_puts(out, s);
    buf_puts(out, "\n");
    free(s);
    return 0;
}
