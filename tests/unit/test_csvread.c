/* The CSV reader: record and field line numbers with quoted line breaks, byte-order marks, CRLF,
 * blank lines, quoting errors with the line where the record starts, and stopping early. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csvread.h"
#include "util.h"

#define MAXREC 16
#define MAXF 8

struct got {
    size_t n;
    long line[MAXREC];
    size_t nfields[MAXREC];
    long fline[MAXREC][MAXF];
    char text[MAXREC][MAXF][32];
    int stop_at; /* stop after this many records (0 = never) */
};

static int collect(const struct csv_record *rec, void *ud)
{
    struct got *g = ud;
    assert_true(g->n < MAXREC);
    assert_int_equal(rec->index, (long)g->n);
    g->line[g->n] = rec->line;
    g->nfields[g->n] = rec->n;
    for (size_t i = 0; i < rec->n && i < MAXF; i++) {
        g->fline[g->n][i] = rec->fields[i].line;
        snprintf(g->text[g->n][i], sizeof g->text[0][0], "%s", rec->fields[i].text);
        if (!memchr(rec->fields[i].text, 0, rec->fields[i].len))
            assert_int_equal(strlen(rec->fields[i].text), rec->fields[i].len);
    }
    g->n++;
    return g->stop_at && (int)g->n == g->stop_at ? 7 : 0;
}

static int read_str(const char *s, struct got *g, char *err, long *line)
{
    return csv_read(s, strlen(s), collect, g, err, 256, line);
}

static void test_simple_lines(void **state)
{
    (void)state;
    struct got g = {0};
    char err[256];
    assert_int_equal(read_str("a,b\n1,2\n3,4\n", &g, err, NULL), 0);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.line[0], 1);
    assert_int_equal(g.line[2], 3);
    assert_string_equal(g.text[2][1], "4");
}

static void test_embedded_newlines(void **state)
{
    (void)state;
    struct got g = {0};
    char err[256];
    /* Record 2 starts on line 2 and spans lines 2–4; its third field starts on line 4. */
    const char *s = "a,b,c\nx,\"one\ntwo\nthree\",\"four\nfive\"\nlast,1,2\n";
    assert_int_equal(read_str(s, &g, err, NULL), 0);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.line[1], 2);
    assert_int_equal(g.fline[1][0], 2);
    assert_int_equal(g.fline[1][1], 2);
    assert_int_equal(g.fline[1][2], 4);
    assert_string_equal(g.text[1][1], "one\ntwo\nthree");
    assert_int_equal(g.line[2], 6);
}

static void test_bom_crlf_and_blank_lines(void **state)
{
    (void)state;
    struct got g = {0};
    char err[256];
    const char *s = "\xEF\xBB\xBFid,name\r\n\r\n1,\"a, b\"\r\n\n2,\"say \"\"hi\"\"\"\r\n";
    assert_int_equal(read_str(s, &g, err, NULL), 0);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.text[0][0], "id"); /* the mark is gone */
    assert_int_equal(g.line[1], 3);
    assert_string_equal(g.text[1][1], "a, b");
    assert_int_equal(g.line[2], 5);
    assert_string_equal(g.text[2][1], "say \"hi\"");
}

static void test_no_final_newline(void **state)
{
    (void)state;
    struct got g = {0};
    char err[256];
    assert_int_equal(read_str("a,b\n1,2", &g, err, NULL), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.line[1], 2);
    assert_string_equal(g.text[1][1], "2");
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    struct got g = {0};
    char err[256];
    long line = 0;
    /* The open quote begins on line 3; the error names line 3, not the last line. */
    assert_int_equal(read_str("a,b\n1,2\n3,\"open\nmore\nstill\n", &g, err, &line), -1);
    assert_int_equal(line, 3);
    assert_non_null(strstr(err, "3:2: malformed quoting"));
    assert_int_equal(g.n, 2);
}

static void test_quote_inside_unquoted_field(void **state)
{
    (void)state;
    struct got g = {0};
    char err[256];
    long line = 0;
    assert_int_equal(read_str("a,b\n1,2\n3,5\" tall\n", &g, err, &line), -1);
    assert_int_equal(line, 3);
}

static void test_stop_early(void **state)
{
    (void)state;
    struct got g = {.stop_at = 2};
    char err[256];
    assert_int_equal(read_str("a\n1\n2\n3\n", &g, err, NULL), 7);
    assert_int_equal(g.n, 2);
}

static void test_nul_bytes_are_kept(void **state)
{
    (void)state;
    struct got g = {0};
    char err[256];
    static const char s[] = "a,b\nx\0y,2\n";
    /* A NUL inside a field is passed through (the importer rejects it with its position). */
    int rc = csv_read(s, sizeof s - 1, collect, &g, err, sizeof err, NULL);
    assert_int_equal(rc, 0);
    assert_int_equal(g.n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_lines),
        cmocka_unit_test(test_embedded_newlines),
        cmocka_unit_test(test_bom_crlf_and_blank_lines),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_quote_inside_unquoted_field),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_nul_bytes_are_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
