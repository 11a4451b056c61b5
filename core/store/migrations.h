/* Schema migrations embedded at build time from core/migrations/NNNN_name.sql. */
#ifndef SIXBB_MIGRATIONS_H
#define SIXBB_MIGRATIONS_H

struct migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct migration migrations[];
extern const int migrations_count;

#endif
