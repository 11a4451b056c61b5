/* Calendar dates as integers: days since 1970-01-01 (proleptic Gregorian).
 * All clinical arithmetic ("within N days of D") is done on these; ISO strings exist only at the
 * edges (CSV, CLI, JSON). Time zones belong to the scheduler, not here. */
#ifndef SIXBB_DATE_H
#define SIXBB_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t day_t;

#define DATE_NONE INT32_MIN /* "no date": never equal to a real day */

day_t date_from_ymd(int y, int m, int d);
void date_to_ymd(day_t day, int *y, int *m, int *d);
/* Strict YYYY-MM-DD (len bytes, no terminator needed). Returns 0 and sets *out, or -1. */
int date_parse(const char *s, size_t len, day_t *out);
/* The number written by exactly n decimal digits at s, or -1 if any of them is not a digit. */
int date_digits(const char *s, int n);
/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). DATE_NONE writes "". */
char *date_format(day_t day, char *buf);
int date_days_in_month(int y, int m);
int date_is_leap(int y);
/* Today in the given IANA zone (NULL or "" means the process zone). */
day_t date_today(const char *tz);
/* Add months, clamping the day to the month's end (Jan 31 + 1 month = Feb 28/29). */
day_t date_add_months(day_t day, int months);
int date_weekday(day_t day); /* 0 = Sunday .. 6 = Saturday */
/* Age in whole years on day d of someone born on birth (a birthday counts on the day). */
int date_age_years(day_t birth, day_t d);

#endif
