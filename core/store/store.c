#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "migrations.h"
#include "util.h"

struct cached_stmt {
    const char *key; /* address of the caller's SQL text */
    char *sql;
    sqlite3_stmt *stmt;
};

struct store {
    sqlite3 *db;
    char *path;
    char *actor;
    char *who;
    struct cached_stmt *cache;
    size_t ncache, capcache;
    int tx_depth;
    bool tx_failed;
    void (*notice)(const char *msg); /* slow work under way, for the caller to show */
};

int store_latest_version(void)
{
    int v = 0;
    for (int i = 0; i < migrations_count; i++)
        if (migrations[i].version > v)
            v = migrations[i].version;
    return v;
}

sqlite3 *store_db(struct store *s)
{
    return s->db;
}

const char *store_path(struct store *s)
{
    return s->path;
}

const char *store_errmsg(struct store *s)
{
    return sqlite3_errmsg(s->db);
}

int store_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        errf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int query_int(struct store *s, const char *sql, int fallback)
{
    sqlite3_stmt *st = NULL;
    int v = fallback;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL ? fallback : sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int store_schema_version(struct store *s)
{
    if (query_int(s, "SELECT count(*) FROM sqlite_master WHERE name='schema_version'", 0) == 0)
        return 0;
    return query_int(s, "SELECT max(version) FROM schema_version", 0);
}

/* A migration that rebuilds a table leaves the old pages free and the new ones at the end of
 * the file, out of order and possibly past the part SQLite maps into memory. When that is a
 * large share of the file, it is rewritten once, in order. A failure only costs speed. */
static void compact_after_upgrade(struct store *s)
{
    long free_pages = query_int(s, "PRAGMA freelist_count", 0);
    long pages = query_int(s, "PRAGMA page_count", 0);
    if (free_pages < 256 || free_pages * 4 < pages)
        return;
    if (s->notice)
        s->notice("compacting the database after the schema upgrade (done once)...");
    sqlite3_exec(s->db, "VACUUM", NULL, NULL, NULL);
}

static int migrate(struct store *s, char *err, size_t errlen)
{
    int current = store_schema_version(s);
    int latest = store_latest_version();
    if (current > latest) {
        errf(err, errlen,
             "the database schema is version %d but this sixbb knows versions up to %d; use a "
             "newer sixbb (the database was left untouched)",
             current, latest);
        return -1;
    }
    if (current == latest)
        return 0;
    if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    if (store_exec(s,
                   "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name "
                   "TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                   err, errlen) < 0)
        goto fail;
    for (int i = 0; i < migrations_count; i++) {
        const struct migration *m = &migrations[i];
        if (m->version <= current)
            continue;
        char inner[512];
        if (store_exec(s, m->sql, inner, sizeof inner) < 0) {
            errf(err, errlen, "migration %s failed: %s", m->name, inner);
            goto fail;
        }
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO schema_version(version, name, applied_at) VALUES (?,?,?)",
                           -1, &st, NULL);
        sqlite3_bind_int(st, 1, m->version);
        sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            errf(err, errlen, "recording migration %s failed: %s", m->name, sqlite3_errmsg(s->db));
            goto fail;
        }
    }
    if (store_exec(s, "COMMIT", err, errlen) < 0)
        goto fail;
    compact_after_upgrade(s);
    return 0;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static char *current_user(void)
{
    const char *sudo = getenv("SUDO_USER");
    struct passwd *pw = getpwuid(geteuid());
    if (sudo && *sudo)
        return xasprintf("%s (via sudo as %s)", sudo, pw ? pw->pw_name : "?");
    if (pw)
        return xstrdup(pw->pw_name);
    return xasprintf("uid %ld", (long)geteuid());
}

static int create_file_0600(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        errf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

struct store *store_open(const char *path, int flags, char *err, size_t errlen)
{
    return store_open_notify(path, flags, NULL, err, errlen);
}

struct store *store_open_notify(const char *path, int flags, void (*notice)(const char *msg),
                                char *err, size_t errlen)
{
    if ((flags & STORE_CREATE) && create_file_0600(path, err, errlen) < 0)
        return NULL;
    if (!(flags & STORE_CREATE) && !path_exists(path)) {
        errf(err, errlen, "no database at %s", path);
        return NULL;
    }
    struct store *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    s->who = current_user();
    s->notice = notice;
    int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        errf(err, errlen, "cannot open %s: %s", path, sqlite3_errmsg(s->db));
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    char inner[512];
    /* Validate that the file is a database before anything else touches it. */
    if (store_exec(s, "SELECT count(*) FROM sqlite_master", inner, sizeof inner) < 0) {
        errf(err, errlen, "%s is not a sixbb database: %s", path, inner);
        goto fail;
    }
    if (!(flags & STORE_READONLY)) {
        if (store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", inner,
                       sizeof inner) < 0) {
            errf(err, errlen, "cannot enable WAL on %s: %s", path, inner);
            goto fail;
        }
    }
    store_exec(s, "PRAGMA foreign_keys=ON", NULL, 0);
    /* Reads of the whole registry (evaluation, reports) go through the page cache and mmap. */
    store_exec(s, "PRAGMA cache_size=-65536; PRAGMA mmap_size=" SIXBB_MMAP_SIZE, NULL, 0);
    if (!(flags & STORE_READONLY)) {
        if (migrate(s, err, errlen) < 0)
            goto fail;
    } else if (store_schema_version(s) > store_latest_version()) {
        errf(err, errlen, "the database %s is newer than this sixbb; use a newer sixbb", path);
        goto fail;
    }
    return s;
fail:
    if (flags & STORE_CREATE) {
        sqlite3_close(s->db);
        s->db = NULL;
        unlink(path);
    }
    store_close(s);
    return NULL;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ncache; i++) {
        sqlite3_finalize(s->cache[i].stmt);
        free(s->cache[i].sql);
    }
    free(s->cache);
    if (s->db)
        sqlite3_close(s->db);
    free(s->path);
    free(s->actor);
    free(s->who);
    free(s);
}

sqlite3_stmt *store_prepare(struct store *s, const char *sql)
{
    for (size_t i = 0; i < s->ncache; i++) {
        struct cached_stmt *c = &s->cache[i];
        /* The address is a fast path; the text check keeps reused buffers safe. */
        if (c->key == sql && strcmp(c->sql, sql) == 0) {
            sqlite3_reset(c->stmt);
            sqlite3_clear_bindings(c->stmt);
            return c->stmt;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return NULL;
    if (s->ncache == s->capcache) {
        s->capcache = s->capcache ? s->capcache * 2 : 32;
        s->cache = xrealloc(s->cache, s->capcache * sizeof *s->cache);
    }
    s->cache[s->ncache++] = (struct cached_stmt){sql, xstrdup(sql), st};
    return st;
}

int store_begin(struct store *s)
{
    if (s->tx_depth++ > 0)
        return 0;
    s->tx_failed = false;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        s->tx_depth = 0;
        return -1;
    }
    return 0;
}

int store_commit(struct store *s)
{
    if (s->tx_depth == 0)
        return -1;
    if (--s->tx_depth > 0)
        return s->tx_failed ? -1 : 0;
    if (s->tx_failed) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

void store_rollback(struct store *s)
{
    if (s->tx_depth == 0)
        return;
    s->tx_failed = true;
    if (--s->tx_depth == 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_set_actor(struct store *s, const char *command)
{
    free(s->actor);
    s->actor = command ? xstrdup(command) : NULL;
}

#define AUDIT_SQL                                                                                \
    "INSERT INTO audit_log(at, who, command, action, entity, entity_id, detail) "                 \
    "VALUES (?,?,?,?,?,?,?)"

static int audit_step(struct store *s, sqlite3_stmt *st, const char *action, const char *entity,
                      const char *entity_id, const char *detail);

int store_audit(struct store *s, const char *action, const char *entity, const char *entity_id,
                const char *detail)
{
    sqlite3_stmt *st = store_prepare(s, AUDIT_SQL);
    if (!st)
        return -1;
    return audit_step(s, st, action, entity, entity_id, detail);
}

int store_audit_with(struct store *s, sqlite3 *db, const char *action, const char *entity,
                     const char *entity_id, const char *detail)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, AUDIT_SQL, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = audit_step(s, st, action, entity, entity_id, detail);
    sqlite3_finalize(st);
    return rc;
}

static int audit_step(struct store *s, sqlite3_stmt *st, const char *action, const char *entity,
                      const char *entity_id, const char *detail)
{
    sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
    sqlite3_bind_text(st, 2, s->who, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->actor ? s->actor : "sixbb", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, entity, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, entity_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_backup(struct store *s, const char *dest, char *err, size_t errlen)
{
    if (path_exists(dest)) {
        errf(err, errlen, "%s already exists; choose a new file name", dest);
        return -1;
    }
    char *tmp = xasprintf("%s.partial", dest);
    unlink(tmp);
    if (create_file_0600(tmp, err, errlen) < 0) {
        free(tmp);
        return -1;
    }
    sqlite3 *out = NULL;
    int rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(out, "main", s->db, "main");
        if (b) {
            /* Copy in steps so a busy writer elsewhere is not blocked for the whole copy. */
            do {
                rc = sqlite3_backup_step(b, 256);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                    sqlite3_sleep(50);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(b);
        }
        rc = sqlite3_errcode(out);
    }
    if (rc == SQLITE_OK || rc == SQLITE_DONE)
        rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        errf(err, errlen, "backup to %s failed: %s", dest, out ? sqlite3_errmsg(out) : "?");
        sqlite3_close(out);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    sqlite3_close(out);
    if (rename(tmp, dest) != 0) {
        errf(err, errlen, "cannot move the backup into place at %s: %s", dest, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
