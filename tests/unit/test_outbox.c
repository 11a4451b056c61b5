/* The outbox and delivery: dedupe keys, backoff, the exact RFC 5322 text, file delivery with
 * retries on a hand-moved clock, and recovery of messages a crash left in 'sending' (a written
 * file counts as delivered, a missing one is written again, an interrupted command is set aside
 * as uncertain). Also the read-only checks of sixbb.query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "deliver.h"
#include "message.h"
#include "outbox.h"
#include "query.h"
#include "store.h"
#include "tz.h"
#include "util.h"

#define T0 INT64_C(1767600000) /* 2026-01-05T08:00:00Z */

struct fx {
    char dir[64];
    struct store *s;
    struct tz *utc;
    struct delivery d;
    struct clock clock;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/sixbb-outbox-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char *db = xasprintf("%s/sixbb.db", f->dir);
    char err[256];
    f->s = store_open(db, STORE_CREATE, err, sizeof err);
    free(db);
    assert_non_null(f->s);
    f->utc = tz_load("UTC", NULL, 0);
    f->d = (struct delivery){.channel = CHANNEL_FILE,
                             .from = xstrdup("sixbb@clinic.example"),
                             .command = xstrdup("cat >/dev/null"),
                             .command_timeout = 5,
                             .max_attempts = 3,
                             .base_seconds = 60,
                             .max_seconds = 3600,
                             .site_dir = xstrdup(f->dir),
                             .outbox_dir = xasprintf("%s/out/outbox", f->dir),
                             .zone = f->utc};
    clock_init_manual(&f->clock, (double)T0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    delivery_free(&f->d);
    tz_free(f->utc);
    store_close(f->s);
    remove_tree(f->dir);
    free(f);
    return 0;
}

static struct outbox_msg msg(const char *key, const char *subject)
{
    return (struct outbox_msg){.key = (char *)key,
                               .job = (char *)"team-meeting",
                               .to = (char *)"team@clinic.example",
                               .subject = (char *)subject,
                               .body = (char *)"Hello team.\n"};
}

static int64_t enqueue(struct fx *f, const char *key, const char *subject)
{
    struct outbox_msg m = msg(key, subject);
    int64_t id = 0;
    assert_int_equal(outbox_enqueue(f->s, &m, "file", T0, &id), 1);
    return id;
}

static int count_files(const char *dir)
{
    char *cmd = xasprintf("ls -A %s 2>/dev/null | wc -l", dir);
    FILE *p = popen(cmd, "r");
    free(cmd);
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void dedupe(void **state)
{
    struct fx *f = *state;
    struct outbox_msg m = msg("k1", "Subject");
    assert_int_equal(outbox_enqueue(f->s, &m, "file", T0, NULL), 1);
    assert_int_equal(outbox_enqueue(f->s, &m, "file", T0 + 5, NULL), 0);
    struct outbox_msg other = msg("k2", "Subject");
    assert_int_equal(outbox_enqueue(f->s, &other, "file", T0, NULL), 1);
    char *a = outbox_default_key("digest", "2026-01-05T07:00:00-08:00", "a@x", "S");
    char *b = outbox_default_key("digest", "2026-01-12T07:00:00-08:00", "a@x", "S");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void checks(void **state)
{
    (void)state;
    char err[256];
    struct outbox_msg m = msg("k", "Line one\r\nBcc: evil@example.org");
    assert_int_equal(outbox_msg_check(&m, err, sizeof err), -1);
    m = msg("k", "fine");
    char *bad[] = {"out/../sixbb.db"};
    m.attachments = bad;
    m.nattachments = 1;
    assert_int_equal(outbox_msg_check(&m, err, sizeof err), -1);
    char *abs[] = {"/etc/passwd"};
    m.attachments = abs;
    assert_int_equal(outbox_msg_check(&m, err, sizeof err), -1);
    char *good[] = {"out/reports/a..b.csv"};
    m.attachments = good;
    assert_int_equal(outbox_msg_check(&m, err, sizeof err), 0);
}

static void backoff(void **state)
{
    (void)state;
    assert_int_equal(outbox_backoff(1, 60, 3600), 60);
    assert_int_equal(outbox_backoff(2, 60, 3600), 120);
    assert_int_equal(outbox_backoff(3, 60, 3600), 240);
    assert_int_equal(outbox_backoff(6, 60, 3600), 1920);
    assert_int_equal(outbox_backoff(7, 60, 3600), 3600);
    assert_int_equal(outbox_backoff(200, 60, 3600), 3600);
    assert_int_equal(outbox_backoff(0, 60, 3600), 60);
}

static void format_plain(void **state)
{
    (void)state;
    struct tz *z = tz_load("America/Los_Angeles", NULL, 0);
    assert_non_null(z);
    struct message m = {.id = 7, .from = "sixbb@clinic.example", .to = "team@clinic.example",
                        .subject = "Monthly meeting", .body = "Line 1\nLine 2",
                        .job = "team-meeting", .date = T0, .zone = z};
    struct buf b = {0};
    message_format(&m, &b);
    assert_string_equal(b.data, "From: sixbb@clinic.example\r\n"
                                "To: team@clinic.example\r\n"
                                "Subject: Monthly meeting\r\n"
                                "Date: Mon, 05 Jan 2026 00:00:00 -0800\r\n"
                                "Message-ID: <sixbb.7.1767600000@clinic.example>\r\n"
                                "X-Sixbb-Outbox-Id: 7\r\n"
                                "X-Sixbb-Job: team-meeting\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 7bit\r\n"
                                "\r\n"
                                "Line 1\r\n"
                                "Line 2\r\n");
    buf_free(&b);
    tz_free(z);
}

static void format_utf8_and_attachment(void **state)
{
    (void)state;
    struct tz *z = tz_load("UTC", NULL, 0);
    struct message_part part = {"out/reports/gaps report.csv", (const unsigned char *)"a,b\n1,2\n",
                                8};
    struct message m = {.id = 9, .from = "x", .to = "y@z", .subject = "Réunion",
                        .body = "Café\n", .date = T0, .zone = z, .parts = &part, .nparts = 1};
    struct buf b = {0};
    message_format(&m, &b);
    assert_non_null(strstr(b.data, "Subject: =?UTF-8?B?UsOpdW5pb24=?=\r\n"));
    assert_non_null(strstr(b.data, "Message-ID: <sixbb.9.1767600000@sixbb.invalid>\r\n"));
    assert_non_null(
        strstr(b.data, "Content-Type: multipart/mixed; boundary=\"sixbb-part-9\"\r\n"));
    /* The body is not ASCII: base64. */
    assert_non_null(strstr(b.data, "Content-Transfer-Encoding: base64\r\n\r\nQ2Fmw6kK\r\n"));
    assert_non_null(strstr(b.data, "Content-Type: text/csv\r\n"));
    assert_non_null(
        strstr(b.data, "Content-Disposition: attachment; filename=\"gaps_report.csv\"\r\n\r\n"
                       "YSxiCjEsMgo=\r\n--sixbb-part-9--\r\n"));
    /* Every line ends in CRLF. */
    for (const char *p = b.data; (p = strchr(p, '\n')); p++)
        assert_true(p > b.data && p[-1] == '\r');
    buf_free(&b);
    tz_free(z);
}

static void base64_lines(void **state)
{
    (void)state;
    unsigned char data[100];
    memset(data, 'x', sizeof data);
    struct buf b = {0};
    base64_append(&b, data, sizeof data, 76);
    const char *nl = strstr(b.data, "\r\n");
    assert_non_null(nl);
    assert_int_equal(nl - b.data, 76);
    assert_null(strstr(nl + 2, "\r\n"));
    buf_free(&b);
    b = (struct buf){0};
    base64_append(&b, (const unsigned char *)"ab", 2, 0);
    assert_string_equal(b.data, "YWI=");
    buf_free(&b);
}

static void file_delivery_and_retry(void **state)
{
    struct fx *f = *state;
    int64_t id1 = enqueue(f, "k1", "One");
    /* A message whose attachment is missing fails and waits for its backoff. */
    struct outbox_msg m = msg("k2", "Two");
    char *att[] = {"out/missing.csv"};
    m.attachments = att;
    m.nattachments = 1;
    int64_t id2;
    assert_int_equal(outbox_enqueue(f->s, &m, "file", T0, &id2), 1);
    int delivered = 0, failed = 0;
    assert_int_equal(deliver_due(f->s, &f->d, &f->clock, &delivered, &failed), 0);
    assert_int_equal(delivered, 1);
    assert_int_equal(failed, 1);
    char *outdir = f->d.outbox_dir;
    assert_int_equal(count_files(outdir), 1);
    char *name = deliver_file_name(id1, "k1");
    char *path = xasprintf("%s/%s", outdir, name);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(name);
    free(path);
    struct outbox_row r = {0};
    assert_int_equal(outbox_get(f->s, id2, &r), 1);
    assert_string_equal(r.status, "pending");
    assert_int_equal(r.attempts, 1);
    assert_int_equal(r.next_attempt, T0 + 60);
    assert_non_null(strstr(r.last_error, "out/missing.csv"));
    outbox_row_free(&r);
    /* Not due before its time; then fails twice more and is given up. */
    f->clock.fixed = (double)(T0 + 59);
    delivered = failed = 0;
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(failed, 0);
    f->clock.fixed = (double)(T0 + 60);
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(failed, 1);
    assert_int_equal(outbox_get(f->s, id2, &r), 1);
    assert_int_equal(r.next_attempt, T0 + 60 + 120);
    outbox_row_free(&r);
    f->clock.fixed = (double)(T0 + 180);
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(outbox_get(f->s, id2, &r), 1);
    assert_string_equal(r.status, "failed");
    assert_int_equal(r.attempts, 3);
    outbox_row_free(&r);
    /* Once the file exists and the message is queued again, it goes out. */
    char *csv = xasprintf("%s/out/missing.csv", f->dir);
    assert_int_equal(write_file_atomic(csv, "a\n", 2, 0600), 0);
    free(csv);
    assert_int_equal(outbox_set_status(f->s, id2, "pending", "by hand", T0 + 200), 1);
    f->clock.fixed = (double)(T0 + 200);
    delivered = failed = 0;
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(delivered, 1);
    assert_int_equal(count_files(outdir), 2);
}

static void recovery(void **state)
{
    struct fx *f = *state;
    int64_t written = enqueue(f, "k1", "Written");
    int64_t unwritten = enqueue(f, "k2", "Not written");
    int64_t piped = enqueue(f, "k3", "Piped");
    /* Crash states: each claimed ('sending'); the first also has its final file on disk. */
    assert_int_equal(outbox_claim(f->s, written, "file"), 1);
    assert_int_equal(outbox_claim(f->s, unwritten, "file"), 1);
    assert_int_equal(outbox_claim(f->s, piped, "command"), 1);
    char *out = xasprintf("%s/out", f->dir);
    mkdir(out, 0700);
    free(out);
    mkdir(f->d.outbox_dir, 0700);
    char *name = deliver_file_name(written, "k1");
    char *path = xasprintf("%s/%s", f->d.outbox_dir, name);
    assert_int_equal(write_file_atomic(path, "x", 1, 0600), 0);
    char *tmp = xasprintf("%s/.tmp-%s.123", f->d.outbox_dir, name);
    assert_int_equal(write_file_atomic(tmp, "partial", 7, 0600), 0);
    assert_int_equal(deliver_recover(f->s, &f->d, T0 + 10), 3);
    struct outbox_row r = {0};
    outbox_get(f->s, written, &r);
    assert_string_equal(r.status, "delivered");
    outbox_row_free(&r);
    outbox_get(f->s, unwritten, &r);
    assert_string_equal(r.status, "pending");
    outbox_row_free(&r);
    outbox_get(f->s, piped, &r);
    assert_string_equal(r.status, "uncertain");
    outbox_row_free(&r);
    assert_false(path_exists(tmp));
    /* Delivering now writes only the missing one; the uncertain one is never sent again. */
    int delivered = 0, failed = 0;
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(delivered, 1);
    assert_int_equal(count_files(f->d.outbox_dir), 2);
    /* Delivering a message whose file already exists does not write it twice. */
    assert_int_equal(outbox_set_status(f->s, written, "pending", "again", T0), 1);
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(count_files(f->d.outbox_dir), 2);
    free(name);
    free(path);
    free(tmp);
}

static void command_channel(void **state)
{
    struct fx *f = *state;
    f->d.channel = CHANNEL_COMMAND;
    free(f->d.command);
    char *sink = xasprintf("%s/piped.txt", f->dir);
    f->d.command = xasprintf("cat > '%s'", sink);
    int64_t id = enqueue(f, "k1", "Piped");
    int delivered = 0, failed = 0;
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(delivered, 1);
    char *text = read_file(sink, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "Subject: Piped\r\n"));
    free(text);
    /* A failing command is retried later with its message. */
    free(f->d.command);
    f->d.command = xstrdup("echo 'mail system down' >&2; exit 75");
    int64_t id2 = enqueue(f, "k2", "Fails");
    delivered = failed = 0;
    deliver_due(f->s, &f->d, &f->clock, &delivered, &failed);
    assert_int_equal(failed, 1);
    struct outbox_row r = {0};
    outbox_get(f->s, id2, &r);
    assert_string_equal(r.status, "pending");
    assert_non_null(strstr(r.last_error, "(exit status 75): mail system down"));
    outbox_row_free(&r);
    (void)id;
    free(sink);
}

static void readonly_queries(void **state)
{
    struct fx *f = *state;
    sqlite3 *db = store_db(f->s);
    sqlite3_stmt *st;
    char err[256];
    assert_int_equal(query_prepare(db, "SELECT count(*) FROM outbox", &st, err, sizeof err), 0);
    sqlite3_finalize(st);
    assert_int_equal(query_prepare(db, "WITH x AS (SELECT 1 AS a) SELECT a FROM x; -- done",
                                   &st, err, sizeof err), 0);
    sqlite3_finalize(st);
    const char *refused[] = {
        "DELETE FROM outbox",
        "SELECT 1; DELETE FROM outbox",
        "SELECT 1; SELECT 2",
        "ATTACH DATABASE '/tmp/sixbb-evil.db' AS evil",
        "BEGIN",
        "PRAGMA journal_mode=DELETE",
        "CREATE TEMP TABLE t(a)",
        "",
    };
    for (size_t i = 0; i < ARRAY_LEN(refused); i++) {
        st = NULL;
        assert_int_equal(query_prepare(db, refused[i], &st, err, sizeof err), -1);
        assert_null(st);
    }
    assert_false(path_exists("/tmp/sixbb-evil.db"));
    /* The connection's own statements still work afterwards. */
    assert_int_equal(outbox_enqueue(f->s, &(struct outbox_msg){.key = "k", .to = "a", .subject = "s",
                                                              .body = ""},
                                    "file", T0, NULL),
                     1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(dedupe),     T(checks),   T(backoff),         T(format_plain),
        T(format_utf8_and_attachment), T(base64_lines), T(file_delivery_and_retry),
        T(recovery),   T(command_channel), T(readonly_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
