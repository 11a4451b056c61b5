#include "paths.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

char *path_join(const char *dir, const char *file)
{
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", file);
}

const char *paths_data_dir(const char *name)
{
    /* Resolved once per name and kept for the life of the process. */
    static struct {
        const char *name;
        char *path;
    } cache[8];
    for (size_t i = 0; i < ARRAY_LEN(cache) && cache[i].name; i++)
        if (strcmp(cache[i].name, name) == 0)
            return cache[i].path;
    char *path = NULL;
    const char *env = getenv("SIXBB_DATA");
    if (env && *env) {
        path = path_join(env, name);
    } else {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = 0;
            char *slash = strrchr(exe, '/');
            if (slash) {
                *slash = 0;
                char *cand = xasprintf("%s/../share/sixbb/%s", exe, name);
                if (is_dir(cand))
                    path = cand;
                else
                    free(cand);
            }
        }
        if (!path)
            path = path_join(SIXBB_SOURCE_DIR, name);
    }
    for (size_t i = 0; i < ARRAY_LEN(cache); i++) {
        if (!cache[i].name) {
            cache[i].name = name;
            cache[i].path = path;
            break;
        }
    }
    return path;
}
