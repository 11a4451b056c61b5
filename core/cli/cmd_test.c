/* sixbb test [PATHS]: runs Lua spec files (describe / it / assert) against a temporary site, so
 * the project's plugins and a clinic's own site plugins are tested the same way. Each spec file
 * gets a fresh site; each test runs under the host's call limits. */
#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "site.h"
#include "store.h"
#include "util.h"

static const char test_usage[] =
    "usage: sixbb [-C DIR] test [--verbose] [PATH...]\n"
    "\n"
    "Runs Lua spec files against a temporary site. A PATH is a *_spec.lua file or a folder\n"
    "searched for them; without PATH the site's tests/ folder is used. When a site is found,\n"
    "its sixbb.lua and plugins/ are copied into each temporary site, so a clinic can test its\n"
    "own plugins; the site's data is never touched.\n"
    "\n"
    "In a spec: describe(name, fn), it(name, fn), before_each(fn), and assert(v[, msg]) with\n"
    "assert.equal(expected, actual), assert.same (deep), assert.near(expected, actual, tol),\n"
    "assert.truthy, assert.falsy, assert.match(pattern, s), assert.error(fn[, pattern]).\n"
    "The sixbb API is available as `sixbb` (and require \"sixbb\"); the temporary site's\n"
    "folder is in `spec_site`.\n"
    "\n"
    "  --verbose          print every test, not only failures\n"
    "  --timeout SECONDS  limit for each test (default 5)\n"
    "Ends with a line 'N passed, N failed'; exits 1 when anything failed.\n";

/* The framework itself is Lua, run inside the sandbox like the specs. */
static const char spec_prelude[] =
    "local tests, names, befores = {}, {}, {}\n"
    "local function fmt(v)\n"
    "  if type(v) == 'string' then return string.format('%q', v) end\n"
    "  return tostring(v)\n"
    "end\n"
    "function describe(name, fn)\n"
    "  names[#names + 1] = name\n"
    "  local saved = #befores\n"
    "  fn()\n"
    "  for i = #befores, saved + 1, -1 do befores[i] = nil end\n"
    "  names[#names] = nil\n"
    "end\n"
    "function before_each(fn) befores[#befores + 1] = fn end\n"
    "function it(name, fn)\n"
    "  local full = #names > 0 and (table.concat(names, ' ') .. ' ' .. name) or name\n"
    "  tests[#tests + 1] = { name = full, fn = fn, befores = table.move(befores, 1, #befores, 1, {}) }\n"
    "end\n"
    "local function same(a, b, seen)\n"
    "  if a == b then return true end\n"
    "  if type(a) ~= 'table' or type(b) ~= 'table' then return false end\n"
    "  for k, v in pairs(a) do if not same(v, b[k]) then return false end end\n"
    "  for k in pairs(b) do if a[k] == nil then return false end end\n"
    "  return true\n"
    "end\n"
    "local function show(v, depth)\n"
    "  depth = depth or 0\n"
    "  if type(v) ~= 'table' or depth > 3 then return fmt(v) end\n"
    "  local keys = {}\n"
    "  for k in pairs(v) do keys[#keys + 1] = k end\n"
    "  table.sort(keys, function(x, y) return tostring(x) < tostring(y) end)\n"
    "  local out = {}\n"
    "  for _, k in ipairs(keys) do out[#out + 1] = tostring(k) .. '=' .. show(v[k], depth + 1) end\n"
    "  return '{' .. table.concat(out, ', ') .. '}'\n"
    "end\n"
    "local A = {}\n"
    "function A.equal(e, a, msg) if e ~= a then error((msg and msg .. ': ' or '') .. 'expected ' .. fmt(e) .. ', got ' .. fmt(a), 2) end end\n"
    "function A.same(e, a, msg) if not same(e, a) then error((msg and msg .. ': ' or '') .. 'expected ' .. show(e) .. ', got ' .. show(a), 2) end end\n"
    "function A.near(e, a, tol, msg) if type(a) ~= 'number' or math.abs(e - a) > (tol or 1e-9) then error((msg and msg .. ': ' or '') .. 'expected ' .. fmt(e) .. ' +/- ' .. fmt(tol or 1e-9) .. ', got ' .. fmt(a), 2) end end\n"
    "function A.truthy(v, msg) if not v then error(msg or ('expected a true value, got ' .. fmt(v)), 2) end end\n"
    "function A.falsy(v, msg) if v then error(msg or ('expected a false value, got ' .. fmt(v)), 2) end end\n"
    "function A.match(p, s, msg) if type(s) ~= 'string' or not s:find(p) then error((msg and msg .. ': ' or '') .. 'expected ' .. fmt(s) .. ' to match ' .. fmt(p), 2) end end\n"
    "function A.error(fn, p)\n"
    "  local ok, err = pcall(fn)\n"
    "  if ok then error('expected an error, but the function succeeded', 2) end\n"
    "  if p and not tostring(err):find(p) then error('expected an error matching ' .. fmt(p) .. ', got ' .. fmt(err), 2) end\n"
    "  return err\n"
    "end\n"
    "assert = setmetatable(A, { __call = function(_, v, msg, ...)\n"
    "  if not v then error(msg or 'assertion failed!', 2) end\n"
    "  return v, msg, ...\n"
    "end })\n"
    "__spec = { tests = tests, run = function(i)\n"
    "  local t = tests[i]\n"
    "  for _, b in ipairs(t.befores) do b() end\n"
    "  t.fn()\n"
    "end }\n";

struct tally {
    int passed, failed;
    bool verbose;
    double seconds;
};

static void collect(const char *path, char ***files, size_t *n)
{
    if (!is_dir(path)) {
        *files = xrealloc(*files, (*n + 1) * sizeof **files);
        (*files)[(*n)++] = xstrdup(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    char **names = NULL;
    size_t m = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = xrealloc(names, (m + 1) * sizeof *names);
        names[m++] = xstrdup(e->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < m; i++) {
        for (size_t j = i + 1; j < m; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    }
    for (size_t i = 0; i < m; i++) {
        char *full = xasprintf("%s/%s", path, names[i]);
        size_t len = strlen(names[i]);
        if (is_dir(full))
            collect(full, files, n);
        else if (len > 9 && strcmp(names[i] + len - 9, "_spec.lua") == 0)
            collect(full, files, n);
        free(full);
        free(names[i]);
    }
    free(names);
}

static char *make_temp_site(const char *from_site)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/sixbb-spec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    char *db = path_join(dir, "sixbb.db");
    char err[512];
    struct store *s = store_open(db, STORE_CREATE, err, sizeof err);
    free(db);
    if (!s) {
        remove_tree(dir);
        free(dir);
        return NULL;
    }
    store_close(s);
    char *out = path_join(dir, "out");
    mkdir(out, 0700);
    free(out);
    if (from_site) {
        char *src_cfg = path_join(from_site, "sixbb.lua"), *dst_cfg = path_join(dir, "sixbb.lua");
        char *src_pl = path_join(from_site, "plugins"), *dst_pl = path_join(dir, "plugins");
        size_t len;
        char *cfg = read_file(src_cfg, &len);
        if (cfg)
            write_file_atomic(dst_cfg, cfg, len, 0600);
        free(cfg);
        if (is_dir(src_pl))
            copy_tree(src_pl, dst_pl, 0600);
        free(src_cfg);
        free(dst_cfg);
        free(src_pl);
        free(dst_pl);
    }
    return dir;
}

static int run_file(const char *file, const char *from_site, struct tally *t)
{
    char *dir = make_temp_site(from_site);
    if (!dir) {
        printf("not ok - %s: cannot create a temporary site\n", file);
        t->failed++;
        return -1;
    }
    char *db = path_join(dir, "sixbb.db");
    char err[512];
    struct store *store = store_open(db, 0, err, sizeof err);
    free(db);
    struct host *h = store ? site_host_new(store, dir, false) : NULL;
    if (!h) {
        printf("not ok - %s: cannot open the temporary site\n", file);
        t->failed++;
        store_close(store);
        remove_tree(dir);
        free(dir);
        return -1;
    }
    store_set_actor(store, "test");
    lua_State *L = h->L;
    host_push_env(h, "spec", NULL, true);
    int env = lua_gettop(L);
    lua_pushstring(L, dir);
    lua_setfield(L, env, "spec_site");
    int rc = luaL_loadbufferx(L, spec_prelude, sizeof spec_prelude - 1, "=spec", "t");
    if (rc == LUA_OK) {
        lua_pushvalue(L, env);
        lua_setupvalue(L, -2, 1);
        rc = host_pcall(h, NULL, "spec setup", 0, 0, 0);
    }
    if (rc != 0 || host_load_file(h, file, env) != 0 ||
        host_pcall(h, NULL, "spec file", 0, 0, 0) != 0) {
        printf("not ok - %s\n    %s\n", file, h->last_error ? h->last_error : "cannot load");
        t->failed++;
        goto done;
    }
    lua_getfield(L, env, "__spec");
    int spec = lua_gettop(L);
    lua_getfield(L, spec, "tests");
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n == 0) {
        printf("not ok - %s: the file defines no tests\n", file);
        t->failed++;
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, spec + 1, i);
        lua_getfield(L, -1, "name");
        char *name = xstrdup(lua_tostring(L, -1));
        lua_pop(L, 2);
        lua_getfield(L, spec, "run");
        lua_pushinteger(L, i);
        if (host_pcall(h, NULL, NULL, 1, 0, t->seconds) == 0) {
            t->passed++;
            if (t->verbose)
                printf("ok - %s: %s\n", file, name);
        } else {
            t->failed++;
            printf("not ok - %s: %s\n    %s\n", file, name, h->last_error);
        }
        free(name);
    }
done:
    lua_settop(L, 0);
    host_free(h);
    store_close(store);
    remove_tree(dir);
    free(dir);
    return 0;
}

int cmd_test(struct cli *cli, int argc, char **argv)
{
    bool verbose = false;
    const char *timeout = NULL;
    const struct opt opts[] = {{"verbose", 'v', OPT_FLAG, &verbose},
                               {"timeout", 0, OPT_VALUE, &timeout},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, test_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    double seconds = 5;
    if (timeout) {
        char *end;
        seconds = strtod(timeout, &end);
        if (*end || seconds <= 0) {
            free(pos);
            return cli_usage_error("test", "--timeout needs a positive number of seconds");
        }
    }
    /* A site is used only when one was asked for or is the current directory. */
    const char *site = NULL;
    bool want_site = cli->site_flag || (getenv("SIXBB_HOME") && *getenv("SIXBB_HOME"));
    if (want_site || path_exists("sixbb.db")) {
        if (cli_find_site(cli) != 0) {
            free(pos);
            return EXIT_FAIL;
        }
        site = cli->site_dir;
    }
    char **files = NULL;
    size_t nfiles = 0;
    char *default_dir = NULL;
    if (npos == 0) {
        if (!site) {
            free(pos);
            return cli_usage_error("test", "give spec files or folders (no site to take tests/ "
                                           "from)");
        }
        default_dir = path_join(site, "tests");
        collect(default_dir, &files, &nfiles);
    }
    for (int i = 0; i < npos; i++) {
        if (!path_exists(pos[i])) {
            cli_fail("%s: no such file or folder", pos[i]);
            free(pos);
            for (size_t k = 0; k < nfiles; k++)
                free(files[k]);
            free(files);
            free(default_dir);
            return EXIT_FAIL;
        }
        collect(pos[i], &files, &nfiles);
    }
    free(pos);
    struct tally t = {0, 0, verbose, seconds};
    for (size_t i = 0; i < nfiles; i++) {
        run_file(files[i], site, &t);
        free(files[i]);
    }
    free(files);
    free(default_dir);
    if (nfiles == 0)
        printf("no spec files found\n");
    printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed || nfiles == 0 ? EXIT_FAIL : EXIT_OK;
}
