/* The scheduler's settings as C structs: they are read once from the defaults and a site's
 * sixbb.lua (a jobs entry keeps its own problem, the rest of the entries still read), and
 * delivery is set up and checked from the struct alone, without a host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "deliver.h"
#include "host.h"
#include "paths.h"
#include "site_config.h"
#include "util.h"

static struct host *load(const char *dir, const char *site_lua)
{
    char *path = path_join(dir, "sixbb.lua");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(site_lua, f);
    fclose(f);
    struct host *h = host_new(NULL, NULL);
    assert_non_null(h);
    char *defaults = path_join(paths_data_dir("config"), "defaults.lua");
    assert_int_equal(host_load_config(h, defaults, path), 0);
    free(defaults);
    free(path);
    return h;
}

static const struct job_setting *setting(const struct sched_config *c, const char *id)
{
    for (size_t i = 0; i < c->njobs; i++)
        if (strcmp(c->jobs[i].id, id) == 0)
            return &c->jobs[i];
    return NULL;
}

static void reads_defaults_and_site(void **state)
{
    (void)state;
    char dir[] = "/tmp/sixbb-schedcfg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct host *h = load(dir, "return { timezone = 'America/Denver',\n"
                               "  scheduler = { poll_seconds = 5 },\n"
                               "  delivery = { channel = 'log', retry = { max_attempts = 3 } },\n"
                               "  jobs = { a = { schedule = '0 7 * * 1', enabled = false },\n"
                               "           b = { enabled = 'no' }, c = 4 } }\n");
    struct sched_config c;
    site_sched_config(h, &c);
    assert_string_equal(c.timezone, "America/Denver");
    assert_true(c.catch_up_hours == 24);
    assert_true(c.poll_seconds == 5);
    assert_string_equal(c.delivery.channel, "log");
    assert_string_equal(c.delivery.from, "sixbb@localhost");
    assert_true(c.delivery.max_attempts == 3);
    assert_true(c.delivery.base_seconds == 60);
    assert_int_equal(c.njobs, 3);
    const struct job_setting *a = setting(&c, "a"), *b = setting(&c, "b"), *four = setting(&c, "c");
    assert_non_null(a);
    assert_null(a->error);
    assert_string_equal(a->schedule, "0 7 * * 1");
    assert_int_equal(a->enabled, 0);
    assert_non_null(b);
    assert_string_equal(b->error,
                        "sixbb.lua: setting 'jobs.b.enabled' must be a boolean, got string");
    assert_non_null(four);
    assert_non_null(strstr(four->error, "'jobs.c' must be a table"));
    sched_config_free(&c);
    host_free(h);
    remove_tree(dir);
}

static void delivery_from_a_struct(void **state)
{
    (void)state;
    struct delivery_config cfg = {.channel = "command",
                                  .from = "clinic@example.org",
                                  .command = "",
                                  .command_timeout_seconds = 60,
                                  .max_attempts = 8,
                                  .base_seconds = 60,
                                  .max_seconds = 600};
    struct delivery d;
    char err[256];
    assert_int_equal(delivery_init(&d, &cfg, "/site", NULL, err, sizeof err), -1);
    assert_string_equal(err, "delivery.channel is \"command\" but delivery.command is empty");
    cfg.command = "cat >/dev/null";
    cfg.max_seconds = 30;
    assert_int_equal(delivery_init(&d, &cfg, "/site", NULL, err, sizeof err), -1);
    cfg.max_seconds = 600;
    assert_int_equal(delivery_init(&d, &cfg, "/site", NULL, err, sizeof err), 0);
    assert_int_equal(d.channel, CHANNEL_COMMAND);
    assert_int_equal(d.max_seconds, 600);
    assert_string_equal(d.outbox_dir, "/site/out/outbox");
    delivery_free(&d);
    cfg.channel = NULL;
    assert_int_equal(delivery_init(&d, &cfg, "/site", NULL, err, sizeof err), -1);
    assert_string_equal(err, "delivery.channel must be \"file\", \"command\" or \"log\", not \"\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_defaults_and_site),
        cmocka_unit_test(delivery_from_a_struct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
