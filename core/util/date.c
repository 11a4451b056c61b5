/* Civil-date conversion using the era-based algorithm (400-year cycles of 146097 days), which is
 * exact for every representable year and needs no tables. */
#include "date.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

day_t date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (day_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(day_t day, int *y, int *m, int *d)
{
    const int z = day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

int date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

int date_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int date_parse(const char *s, size_t len, day_t *out)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int y = date_digits(s, 4), m = date_digits(s + 5, 2), d = date_digits(s + 8, 2);
    if (y < 1800 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
        return -1;
    *out = date_from_ymd(y, m, d);
    return 0;
}

char *date_format(day_t day, char *buf)
{
    if (day == DATE_NONE) {
        buf[0] = 0;
        return buf;
    }
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    /* Years are bounded by what date_parse accepts; keep the output fixed-width anyway. */
    buf[0] = (char)('0' + (y / 1000) % 10);
    buf[1] = (char)('0' + (y / 100) % 10);
    buf[2] = (char)('0' + (y / 10) % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = 0;
    return buf;
}

day_t date_today(const char *tz)
{
    time_t now = time(NULL);
    struct tm tm;
    if (tz && *tz) {
        /* The zone is process state in C; swap it briefly and restore it. */
        char *old = getenv("TZ");
        char *saved = old ? strdup(old) : NULL;
        setenv("TZ", tz, 1);
        tzset();
        localtime_r(&now, &tm);
        if (saved) {
            setenv("TZ", saved, 1);
            free(saved);
        } else {
            unsetenv("TZ");
        }
        tzset();
    } else {
        localtime_r(&now, &tm);
    }
    return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

day_t date_add_months(day_t day, int months)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    int idx = y * 12 + (m - 1) + months;
    y = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
    m = idx - y * 12 + 1;
    int dim = date_days_in_month(y, m);
    return date_from_ymd(y, m, d > dim ? dim : d);
}

int date_weekday(day_t day)
{
    /* 1970-01-01 was a Thursday (4). */
    int w = (int)((day % 7 + 7) % 7);
    return (w + 4) % 7;
}

int date_age_years(day_t birth, day_t d)
{
    int by, bm, bd, y, m, dd;
    date_to_ymd(birth, &by, &bm, &bd);
    date_to_ymd(d, &y, &m, &dd);
    return y - by - (m < bm || (m == bm && dd < bd));
}
