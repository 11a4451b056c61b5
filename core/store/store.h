/* The SQLite store: opening a site's database, applying the embedded migrations, cached prepared
 * statements, transactions, the audit log and online backup. All SQL lives behind this layer so
 * another engine can replace SQLite later. */
#ifndef SIXBB_STORE_H
#define SIXBB_STORE_H

/* How much of the database file SQLite may map into memory (the most it allows, about 2 GB):
 * whole-registry reads then touch pages without a read call each. */
#define SIXBB_MMAP_SIZE "2147418112"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

struct store;

enum {
    STORE_CREATE = 1,   /* create a new database file (mode 0600); refuse if it exists */
    STORE_READONLY = 2, /* open for reading only, without migrating */
};

/* Opens (or creates) the database at path and brings its schema up to date in one transaction.
 * A database newer than this binary is refused. Returns NULL with a message in err. */
struct store *store_open(const char *path, int flags, char *err, size_t errlen);
/* The same, telling notice (when not NULL) of slow work it does on the way, such as compacting
 * the file once after an upgrade, so the command can say why it is taking a while. */
struct store *store_open_notify(const char *path, int flags, void (*notice)(const char *msg),
                                char *err, size_t errlen);
void store_close(struct store *s);
sqlite3 *store_db(struct store *s);
const char *store_path(struct store *s);

/* Highest migration embedded in this binary, and the version recorded in the database. */
int store_latest_version(void);
int store_schema_version(struct store *s);

/* A prepared statement for sql, cached on the store by the string's address and content. It is
 * reset and its bindings cleared before it is returned, so every caller starts clean. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql);
/* Runs statements without results. Returns 0, or -1 with the message in err. */
int store_exec(struct store *s, const char *sql, char *err, size_t errlen);

/* Transactions nest: only the outermost begin/commit touches SQLite; a rollback at any depth
 * marks the whole transaction failed. */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

/* The command that is writing (for the audit log), set once by the CLI. */
void store_set_actor(struct store *s, const char *command);
/* Appends an audit entry (who, when, command, action, entity, id, detail). */
int store_audit(struct store *s, const char *action, const char *entity, const char *entity_id,
                const char *detail);
/* The same entry written through another connection to the same database (one holding its own
 * transaction), with this store's user and command. */
int store_audit_with(struct store *s, sqlite3 *db, const char *action, const char *entity,
                     const char *entity_id, const char *detail);

/* Consistent copy to dest with SQLite's online backup API; safe while other processes write. */
int store_backup(struct store *s, const char *dest, char *err, size_t errlen);

const char *store_errmsg(struct store *s);

#endif
