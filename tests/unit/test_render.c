/* Renderers against golden files, and document validation messages. The golden files are
 * tests/data/golden/demo.{txt,csv,json,html}, rendered from tests/data/reports/demo.json; run
 * with SIXBB_UPDATE_GOLDEN=1 to rewrite them after an intended change (and review the diff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report_doc.h"
#include "util.h"

static char *source_path(const char *rel)
{
    const char *src = getenv("SIXBB_SOURCE");
    return xasprintf("%s/%s", src ? src : SIXBB_SOURCE_DIR, rel);
}

static cJSON *load_demo(void)
{
    char *path = source_path("tests/data/reports/demo.json");
    char *text = read_file(path, NULL);
    assert_non_null(text);
    cJSON *raw = cJSON_Parse(text);
    assert_non_null(raw);
    char err[512] = "";
    cJSON *doc = report_doc_normalize(raw, err, sizeof err);
    if (!doc)
        fail_msg("demo.json: %s", err);
    cJSON_Delete(raw);
    free(text);
    free(path);
    return doc;
}

static void render_to(enum render_format f, struct buf *out)
{
    cJSON *doc = load_demo();
    struct render_options o;
    render_options_default(&o);
    char err[256];
    buf_puts(out, "");
    assert_int_equal(render_document(doc, f, &o, out, err, sizeof err), 0);
    cJSON_Delete(doc);
}

static void golden(enum render_format f, const char *ext)
{
    struct buf out = {0};
    render_to(f, &out);
    char *rel = xasprintf("tests/data/golden/demo.%s", ext);
    char *path = source_path(rel);
    const char *update = getenv("SIXBB_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        assert_int_equal(write_file_atomic(path, out.data, out.len, 0644), 0);
    } else {
        size_t len;
        char *want = read_file(path, &len);
        if (!want)
            fail_msg("%s is missing; run with SIXBB_UPDATE_GOLDEN=1", rel);
        if (len != out.len || memcmp(want, out.data, len) != 0) {
            char *got = xasprintf("%s.got", path);
            write_file_atomic(got, out.data, out.len, 0644);
            fail_msg("%s differs from the rendering (written to %s.got)", rel, rel);
        }
        free(want);
    }
    free(path);
    free(rel);
    buf_free(&out);
}

static void test_golden_text(void **state)
{
    (void)state;
    golden(RENDER_TEXT, "txt");
}

static void test_golden_csv(void **state)
{
    (void)state;
    golden(RENDER_CSV, "csv");
}

static void test_golden_json(void **state)
{
    (void)state;
    golden(RENDER_JSON, "json");
}

static void test_golden_html(void **state)
{
    (void)state;
    golden(RENDER_HTML, "html");
}

/* Every text is escaped and nothing leaves the page. */
static void test_html_is_closed(void **state)
{
    (void)state;
    struct buf out = {0};
    render_to(RENDER_HTML, &out);
    const char *forbidden[] = {"http:",   "https:", "//",  "src=",     "<script",
                               "@import", "url(",   "<b>", "'quoted'", "<v2>"};
    for (size_t i = 0; i < ARRAY_LEN(forbidden); i++)
        if (strstr(out.data, forbidden[i]))
            fail_msg("the page contains '%s'", forbidden[i]);
    assert_non_null(strstr(out.data, "&lt;b&gt;not bold&lt;/b&gt; &amp; &#39;quoted&#39;"));
    assert_non_null(strstr(out.data, "<html lang=\"en\">"));
    assert_non_null(strstr(out.data, "<meta charset=\"utf-8\" />"));
    assert_non_null(strstr(out.data, "<a href=\"#list-med-90\">7</a>"));
    assert_non_null(strstr(out.data, "<section class=\"page-break\" id=\"ltot\">"));
    assert_non_null(strstr(out.data, "shift: 12 points below the median from 2026-01 to 2026-12"));
    buf_free(&out);
}

static void test_cell_formats(void **state)
{
    (void)state;
    struct {
        double v;
        const char *format, *want;
    } cases[] = {
        {0.0875, "percent", "8.8%"}, {0.5, "percent", "50.0%"},    {92.45, "med", "92.5"},
        {90, "med", "90.0"},         {2.5, "integer", "3"},        {1.25, "number", "1.25"},
        {3, "number", "3"},          {0.333333, "number", "0.33"}, {-0.04, "med", "0.0"}};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct buf b = {0};
        buf_puts(&b, "");
        cJSON *n = cJSON_CreateNumber(cases[i].v);
        render_cell(n, cases[i].format, &b);
        assert_string_equal(b.data, cases[i].want);
        cJSON_Delete(n);
        buf_free(&b);
    }
}

static void expect_error(const char *json, const char *want)
{
    cJSON *raw = cJSON_Parse(json);
    if (!raw)
        fail_msg("bad test JSON: %s", json);
    char err[512] = "";
    cJSON *doc = report_doc_normalize(raw, err, sizeof err);
    if (doc)
        fail_msg("accepted: %s", json);
    if (!strstr(err, want))
        fail_msg("error '%s' does not contain '%s'", err, want);
    cJSON_Delete(raw);
}

#define TABLE(rows)                                                                                \
    "{\"title\":\"t\",\"sections\":[{\"title\":\"s\",\"blocks\":[{\"type\":\"text\",\"text\":"     \
    "\"x\"},{\"type\":\"table\",\"columns\":[{\"key\":\"a\"}],\"rows\":" rows "}]}]}"

static void test_validation_messages(void **state)
{
    (void)state;
    expect_error("[1]", "the document must be a table");
    expect_error("{}", "title is required (a string)");
    expect_error("{\"title\":\"t\",\"subtitel\":\"x\"}",
                 "unknown field 'subtitel' (did you mean 'subtitle'?)");
    expect_error(TABLE("[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4},\"oops\"]"),
                 "sections[1].blocks[2].rows[5] must be a table, got string");
    expect_error(TABLE("[{\"a\":{\"x\":1}}]"),
                 "sections[1].blocks[2].rows[1].a must be a string, a number or a boolean");
    expect_error(TABLE("[{\"a\":1,\"_href\":{\"a\":\"https://example.org\"}}]"),
                 "rows[1]._href.a 'https://example.org' must be an in-page link");
    expect_error(TABLE("[{\"a\":1,\"_href\":{\"a\":\"#nowhere\"}}]"),
                 "rows[1]._href.a '#nowhere' names no section or table id");
    expect_error(TABLE("[{\"a\":1,\"_href\":{\"b\":\"#x\"}}]"),
                 "links 'b', which is not a column key");
    expect_error(
        "{\"title\":\"t\",\"sections\":[{\"title\":\"s\",\"blocks\":[{\"type\":\"tabel\"}]}]}",
        "sections[1].blocks[1].type must be one of table, chart, text, list, got 'tabel'");
    expect_error("{\"title\":\"t\",\"sections\":[{\"id\":\"a\",\"title\":\"s\"},{\"id\":\"a\","
                 "\"title\":\"s\"}]}",
                 "sections[2].id 'a' is used twice");
    expect_error("{\"title\":\"t\",\"sections\":[{\"id\":\"1x\",\"title\":\"s\"}]}",
                 "must start with a letter");
    expect_error("{\"title\":\"t\",\"sections\":[{\"title\":\"s\",\"page_break\":\"yes\"}]}",
                 "sections[1].page_break must be true or false, got string");
    expect_error(
        "{\"title\":\"t\",\"sections\":[{\"title\":\"s\",\"blocks\":[{\"type\":\"table\","
        "\"columns\":[{\"key\":\"a\",\"format\":\"pct\"}],\"rows\":[]}]}]}",
        "columns[1].format must be one of text, number, integer, percent, date, med, got 'pct'");
    const char *chart =
        "{\"title\":\"t\",\"sections\":[{\"title\":\"s\",\"blocks\":[{\"type\":\"chart\",\"kind\":"
        "\"%s\",\"points\":[{\"label\":\"a\",\"value\":1},{\"label\":\"b\",\"value\":2}]%s}]}]}";
    char buf[600];
    snprintf(buf, sizeof buf, chart, "run", ",\"baseline\":3");
    expect_error(buf, "sections[1].blocks[1].baseline must be between 1 and 2, got 3");
    snprintf(buf, sizeof buf, chart, "line", ",\"phases\":[]");
    expect_error(buf, "phases only applies to run charts");
    snprintf(buf, sizeof buf, chart, "run", ",\"phases\":[{\"start\":1}]");
    expect_error(buf, "phases[1].start must be between 2 and 2, got 1");
    snprintf(buf, sizeof buf, chart, "run", ",\"annotations\":[{\"at\":1.5,\"text\":\"x\"}]");
    expect_error(buf, "annotations[1].at must be a whole number, got a fraction");
    snprintf(buf, sizeof buf, chart, "pie", "");
    expect_error(buf, "kind must be one of run, line, bar, got 'pie'");
    expect_error("{\"title\":\"t\",\"figures\":[{\"label\":\"x\",\"value\":true}]}",
                 "figures[1].value must be a string or a number, got boolean");
}

static void test_csv_without_table(void **state)
{
    (void)state;
    cJSON *raw = cJSON_Parse("{\"title\":\"t\"}");
    char err[256];
    cJSON *doc = report_doc_normalize(raw, err, sizeof err);
    assert_non_null(doc);
    struct buf out = {0};
    struct render_options o;
    render_options_default(&o);
    assert_int_equal(render_document(doc, RENDER_CSV, &o, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "no table"));
    buf_free(&out);
    cJSON_Delete(doc);
    cJSON_Delete(raw);
}

static void test_format_names(void **state)
{
    (void)state;
    enum render_format f;
    assert_int_equal(render_format_from_path("out/Report.HTML", &f), 0);
    assert_int_equal(f, RENDER_HTML);
    assert_int_equal(render_format_from_path("a.csv", &f), 0);
    assert_int_equal(f, RENDER_CSV);
    assert_int_equal(render_format_from_path("a.pdf", &f), -1);
    assert_int_equal(render_format_from_path("dir.v2/file", &f), -1);
    assert_int_equal(render_format_parse("json", &f), 0);
    assert_int_equal(render_format_parse("xml", &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_text),         cmocka_unit_test(test_golden_csv),
        cmocka_unit_test(test_golden_json),         cmocka_unit_test(test_golden_html),
        cmocka_unit_test(test_html_is_closed),      cmocka_unit_test(test_cell_formats),
        cmocka_unit_test(test_validation_messages), cmocka_unit_test(test_csv_without_table),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
