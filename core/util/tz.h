/* Time zones for the scheduler. Reads IANA zones from TZif files (the 64-bit section, and the
 * POSIX TZ footer for instants past the last listed transition), plus UTC and fixed offsets.
 * A loaded zone is immutable and nothing here reads or sets the process TZ, so one struct tz may
 * be shared between threads. */
#ifndef SIXBB_TZ_H
#define SIXBB_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tz;

/* Instants outside 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z are refused, so every
 * conversion stays exact and overflow-free. */
#define TZ_MIN_UTC INT64_C(-62135596800)
#define TZ_MAX_UTC INT64_C(253402300799)

/* A wall-clock reading in some zone. */
struct tz_time {
    int year, month, day;     /* month 1-12, day 1-31 */
    int hour, minute, second; /* 0-23, 0-59, 0-59 */
    int weekday;              /* 0 = Sunday .. 6; set on output, ignored on input */
};

/* How a wall-clock time maps to real instants. */
enum tz_local_kind {
    TZ_LOCAL_VALID,     /* happens exactly once */
    TZ_LOCAL_SKIPPED,   /* the clocks jumped over it (spring forward) */
    TZ_LOCAL_AMBIGUOUS, /* happens twice (the repeated hour when clocks go back) */
};

/* Loads a zone: "UTC", a fixed offset "+05:30" / "-08:00" (ISO sign: east is positive), or an
 * IANA name such as "America/Los_Angeles" read from $TZDIR, else /usr/share/zoneinfo.
 * Names must be relative and free of "..". NULL on failure with the reason in err. */
struct tz *tz_load(const char *name, char *err, size_t errlen);
/* Same, reading IANA names from dir (ignores $TZDIR). */
struct tz *tz_load_dir(const char *dir, const char *name, char *err, size_t errlen);
/* Parses TZif data already in memory; name is only remembered for tz_name(). */
struct tz *tz_from_tzif(const char *name, const unsigned char *data, size_t len, char *err,
                        size_t errlen);
/* Builds a zone from a POSIX TZ rule string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
struct tz *tz_from_posix(const char *spec, char *err, size_t errlen);
void tz_free(struct tz *z);

/* The name the zone was loaded under. */
const char *tz_name(const struct tz *z);

/* Seconds east of UTC in force at the instant utc. */
int tz_offset_at(const struct tz *z, int64_t utc);
/* Converts an instant to wall-clock time; *offset (may be NULL) gets seconds east of UTC.
 * 0, or -1 when utc is outside TZ_MIN_UTC..TZ_MAX_UTC. */
int tz_utc_to_local(const struct tz *z, int64_t utc, struct tz_time *out, int *offset);

/* Converts a wall-clock time to instants. VALID: both outputs are the one instant. AMBIGUOUS:
 * *earlier is the first occurrence, *later the second. SKIPPED: *earlier is the first real
 * instant after the gap (where a job due in the gap runs) and *later is the wall time read with
 * the offset in force before the gap (what mktime() would give). Returns the tz_local_kind, or
 * -1 when the time is out of range or not a real calendar time (e.g. February 30). */
int tz_local_to_utc(const struct tz *z, const struct tz_time *local, int64_t *earlier,
                    int64_t *later);
/* The same on "wall seconds": a wall-clock time counted as seconds since 1970-01-01T00:00 on that
 * clock. This is the form the cron search works in. */
enum tz_local_kind tz_wall_to_utc(const struct tz *z, int64_t wall, int64_t *earlier,
                                  int64_t *later);

/* Wall-seconds <-> calendar fields (no zone involved). */
int64_t tz_wall_from_time(const struct tz_time *t);
void tz_time_from_wall(int64_t wall, struct tz_time *out);

/* Writes utc as ISO 8601 local time with offset, e.g. "2026-03-08T03:00:00-07:00", into buf
 * (at least TZ_ISO_LEN bytes). Offsets with seconds (old local mean time) print as ±HH:MM:SS. */
#define TZ_ISO_LEN 32
char *tz_format_iso(const struct tz *z, int64_t utc, char *buf);

/* Parses "YYYY-MM-DDTHH:MM[:SS]" with an optional "Z" or "±HH:MM" suffix. On success returns 0,
 * fills *t (weekday unset) and sets *has_offset and *offset (seconds east) when a suffix is given.
 * -1 when the text is not of that form or names an impossible date or time. */
int tz_parse_iso(const char *s, struct tz_time *t, bool *has_offset, int *offset);

/* The process's zone name: $TZ (without a leading ':' or a zoneinfo directory prefix), else the
 * zone /etc/localtime points into, else /etc/timezone. 0 with the name in buf, or -1. */
int tz_system_name(char *buf, size_t len);

#endif
