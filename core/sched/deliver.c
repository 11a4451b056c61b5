#include "deliver.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "hashmap.h"
#include "host.h" /* host_log */
#include "message.h"
#include "outbox.h"
#include "site_config.h"
#include "util.h"

#define TMP_PREFIX ".tmp-"

static const char *const channel_names[] = {"file", "command", "log"};

const char *channel_name(enum channel c)
{
    return channel_names[c];
}

static int parse_channel(const char *name, enum channel *out)
{
    for (size_t i = 0; i < ARRAY_LEN(channel_names); i++)
        if (name && strcmp(name, channel_names[i]) == 0) {
            *out = (enum channel)i;
            return 0;
        }
    return -1;
}

int delivery_init(struct delivery *d, const struct delivery_config *cfg, const char *site_dir,
                  const struct tz *zone, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    const char *ch = cfg->channel;
    if (parse_channel(ch, &d->channel) < 0) {
        snprintf(err, errlen, "delivery.channel must be \"file\", \"command\" or \"log\", not "
                              "\"%s\"", ch ? ch : "");
        return -1;
    }
    const char *from = cfg->from;
    if (!from || !*from || strpbrk(from, "\r\n")) {
        snprintf(err, errlen, "delivery.from must be one address on one line");
        return -1;
    }
    d->from = xstrdup(from);
    d->command = xstrdup(cfg->command ? cfg->command : "");
    if (d->channel == CHANNEL_COMMAND && !*d->command) {
        snprintf(err, errlen, "delivery.channel is \"command\" but delivery.command is empty");
        delivery_free(d);
        return -1;
    }
    d->command_timeout = cfg->command_timeout_seconds;
    d->max_attempts = (int)cfg->max_attempts;
    d->base_seconds = (int64_t)cfg->base_seconds;
    d->max_seconds = (int64_t)cfg->max_seconds;
    if (d->max_attempts < 1 || d->base_seconds < 1 || d->max_seconds < d->base_seconds ||
        !(d->command_timeout > 0)) {
        snprintf(err, errlen, "delivery.retry needs max_attempts >= 1 and 1 <= base_seconds <= "
                              "max_seconds; command_timeout_seconds must be above 0");
        delivery_free(d);
        return -1;
    }
    d->site_dir = xstrdup(site_dir);
    d->outbox_dir = xasprintf("%s/out/outbox", site_dir);
    d->zone = zone;
    return 0;
}

void delivery_free(struct delivery *d)
{
    free(d->from);
    free(d->command);
    free(d->site_dir);
    free(d->outbox_dir);
    memset(d, 0, sizeof *d);
}

/* The file name also depends on the message through a short fingerprint of its dedupe key, not
 * on the id alone: ids can repeat if a database is restored from an old backup. */
char *deliver_file_name(int64_t id, const char *key)
{
    return xasprintf("%06lld-%08x.eml", (long long)id, (unsigned)hash_fnv1a32(key ? key : ""));
}

/* ---- building the message ---- */

struct loaded {
    struct message_part *parts;
    char **names;
    char **data;
    size_t n;
};

static void loaded_free(struct loaded *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->names[i]);
        free(l->data[i]);
    }
    free(l->parts);
    free(l->names);
    free(l->data);
}

static int load_attachments(const struct delivery *d, const char *json, struct loaded *l,
                            char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    if (!json)
        return 0;
    cJSON *arr = cJSON_Parse(json);
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    l->parts = xcalloc((size_t)n + 1, sizeof *l->parts);
    l->names = xcalloc((size_t)n + 1, sizeof *l->names);
    l->data = xcalloc((size_t)n + 1, sizeof *l->data);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *rel = cJSON_GetStringValue(cJSON_GetArrayItem(arr, i));
        if (!rel)
            continue;
        char *path = xasprintf("%s/%s", d->site_dir, rel);
        size_t len;
        char *data = read_file(path, &len);
        free(path);
        if (!data) {
            snprintf(err, errlen, "cannot read attachment %s: %s", rel, strerror(errno));
            rc = -1;
            break;
        }
        l->names[l->n] = xstrdup(rel);
        l->data[l->n] = data;
        l->parts[l->n] = (struct message_part){l->names[l->n], (unsigned char *)data, len};
        l->n++;
    }
    cJSON_Delete(arr);
    return rc;
}

static int build(const struct delivery *d, const struct outbox_row *r, struct buf *out,
                 char *err, size_t errlen)
{
    struct loaded l;
    if (load_attachments(d, r->attachments, &l, err, errlen) < 0) {
        loaded_free(&l);
        return -1;
    }
    struct message m = {.id = r->id,
                        .from = d->from,
                        .to = r->to,
                        .subject = r->subject,
                        .body = r->body ? r->body : "",
                        .job = r->job,
                        .date = r->created_at,
                        .zone = d->zone,
                        .parts = l.parts,
                        .nparts = l.n};
    message_format(&m, out);
    loaded_free(&l);
    return 0;
}

/* ---- file channel ---- */

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int ensure_dir(const char *dir)
{
    char *parent = xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash)
        *slash = 0;
    mkdir(parent, 0700);
    free(parent);
    return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Writes the temporary file, then links it to the final name: link() fails instead of
 * replacing, so an existing final file means this message was delivered before. */
static int deliver_file(const struct delivery *d, const struct outbox_row *r, const struct buf *m,
                        char *err, size_t errlen)
{
    if (ensure_dir(d->outbox_dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", d->outbox_dir, strerror(errno));
        return -1;
    }
    char *name = deliver_file_name(r->id, r->key);
    char *final = xasprintf("%s/%s", d->outbox_dir, name);
    char *tmp = xasprintf("%s/" TMP_PREFIX "%s.%ld", d->outbox_dir, name, (long)getpid());
    free(name);
    int rc = -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (write_all(fd, m->data, m->len) < 0 || fsync(fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto done;
    }
    close(fd);
    if (link(tmp, final) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", final, strerror(errno));
        unlink(tmp);
        goto done;
    }
    unlink(tmp);
    sync_dir(d->outbox_dir);
    rc = 0;
done:
    free(final);
    free(tmp);
    return rc;
}

/* ---- command channel ---- */

static pid_t spawn(const char *command, int *in_fd, int *err_fd)
{
    int in[2], er[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(er, O_CLOEXEC) < 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* Only async-signal-safe calls between fork and exec. */
        int null = open("/dev/null", O_WRONLY);
        dup2(in[0], 0);
        dup2(null >= 0 ? null : er[1], 1);
        dup2(er[1], 2);
        setpgid(0, 0);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(er[1]);
    if (pid < 0) {
        close(in[1]);
        close(er[0]);
        return -1;
    }
    *in_fd = in[1];
    *err_fd = er[0];
    return pid;
}

/* Feeds the message and collects stderr until both pipes are done or the deadline passes. */
static int pump(int in_fd, int err_fd, const struct buf *m, double deadline, struct buf *errtext)
{
    size_t off = 0;
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
    int in = in_fd, er = err_fd;
    while (er >= 0) {
        if (in >= 0 && off == m->len) {
            close(in);
            in = -1;
        }
        struct pollfd p[2] = {{er, POLLIN, 0}, {in, POLLOUT, 0}};
        int wait = (int)((deadline - clock_monotonic()) * 1000);
        if (wait <= 0)
            break;
        if (poll(p, in >= 0 ? 2 : 1, wait) < 0 && errno != EINTR)
            break;
        if (in >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in, m->data + off, m->len - off);
            if (w > 0)
                off += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EINTR)
                off = m->len; /* the command stopped reading; its exit status will say why */
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char chunk[512];
            ssize_t r = read(er, chunk, sizeof chunk);
            if (r > 0 && errtext->len < 2000)
                buf_append(errtext, chunk, (size_t)r);
            else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
                close(er);
                er = -1;
            }
        }
    }
    if (in >= 0)
        close(in);
    if (er >= 0)
        close(er);
    return er < 0 ? 0 : -1;
}

static int reap(pid_t pid, double deadline)
{
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (clock_monotonic() > deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -2;
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void first_line(char *s)
{
    char *nl = strpbrk(s, "\r\n");
    if (nl)
        *nl = 0;
}

/* A command that exits before reading all of the message makes the write fail; that must fail
 * the delivery (the exit status says why), not end the process, whatever the caller does with
 * SIGPIPE. A SIGPIPE raised while blocked is taken back before the mask is restored. */
static void block_sigpipe(sigset_t *set, sigset_t *old)
{
    sigemptyset(set);
    sigaddset(set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, set, old);
}

static void unblock_sigpipe(const sigset_t *set, const sigset_t *old)
{
    struct timespec none = {0, 0};
    while (sigtimedwait(set, NULL, &none) == SIGPIPE)
        ;
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

static int deliver_command(const struct delivery *d, const struct buf *m, char *err,
                           size_t errlen)
{
    int in_fd, err_fd;
    pid_t pid = spawn(d->command, &in_fd, &err_fd);
    if (pid < 0) {
        snprintf(err, errlen, "cannot start the delivery command: %s", strerror(errno));
        return -1;
    }
    double deadline = clock_monotonic() + d->command_timeout;
    struct buf errtext = {0};
    buf_puts(&errtext, "");
    sigset_t pipe_set, old_set;
    block_sigpipe(&pipe_set, &old_set);
    pump(in_fd, err_fd, m, deadline, &errtext);
    unblock_sigpipe(&pipe_set, &old_set);
    int status = reap(pid, deadline);
    first_line(errtext.data);
    int rc = 0;
    if (status == -2) {
        snprintf(err, errlen, "the delivery command did not finish within %g seconds",
                 d->command_timeout);
        rc = -1;
    } else if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "the delivery command failed (%s %d)%s%s",
                 status >= 0 && WIFEXITED(status) ? "exit status" : "signal",
                 status < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                 *errtext.data ? ": " : "", errtext.data);
        rc = -1;
    }
    buf_free(&errtext);
    return rc;
}

/* ---- one message ---- */

static void log_delivered(const struct outbox_row *r, const char *channel)
{
    host_log("info", "outbox %lld delivered by %s: job %s, to %s, subject \"%s\"%s",
             (long long)r->id, channel, r->job ? r->job : "-", r->to, r->subject,
             r->attachments ? ", with attachments" : "");
}

/* Returns 1 delivered, 0 failed (recorded for retry), -1 on a database error. */
static int deliver_row(struct store *s, const struct delivery *d, const struct clock *c,
                       const struct outbox_row *r)
{
    const char *ch = channel_name(d->channel);
    if (d->channel == CHANNEL_LOG) {
        int claimed = outbox_claim_delivered(s, r->id, ch, clock_now(c));
        if (claimed == 1)
            log_delivered(r, ch);
        return claimed < 0 ? -1 : claimed;
    }
    int claimed = outbox_claim(s, r->id, ch);
    if (claimed <= 0)
        return claimed;
    char err[1024] = "";
    struct buf m = {0};
    int rc = build(d, r, &m, err, sizeof err);
    if (rc == 0)
        rc = d->channel == CHANNEL_FILE ? deliver_file(d, r, &m, err, sizeof err)
                                        : deliver_command(d, &m, err, sizeof err);
    buf_free(&m);
    if (rc == 0) {
        if (outbox_mark_delivered(s, r->id, clock_now(c)) < 0)
            return -1;
        log_delivered(r, ch);
        return 1;
    }
    int attempts = r->attempts + 1;
    host_log("warn", "outbox %lld: delivery attempt %d of %d failed: %s", (long long)r->id,
             attempts, d->max_attempts, err);
    if (outbox_mark_failed(s, r->id, attempts, err, clock_now(c), d->max_attempts,
                           d->base_seconds, d->max_seconds) < 0)
        return -1;
    return 0;
}

int deliver_due(struct store *s, const struct delivery *d, const struct clock *c, int *delivered,
                int *failed)
{
    for (;;) {
        struct outbox_row r = {0};
        int found = outbox_next_due(s, clock_now(c), &r);
        if (found <= 0)
            return found;
        int rc = deliver_row(s, d, c, &r);
        outbox_row_free(&r);
        if (rc < 0)
            return -1;
        if (rc == 1)
            ++*delivered;
        else
            ++*failed;
    }
}

/* ---- recovery ---- */

struct stuck {
    int64_t id;
    char *channel, *key;
};

struct stuck_list {
    struct stuck *v;
    size_t n;
};

static int collect_stuck(const struct outbox_row *r, void *arg)
{
    struct stuck_list *l = arg;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = (struct stuck){r->id, xstrdup(r->channel ? r->channel : ""), xstrdup(r->key)};
    return 0;
}

static void remove_temp_files(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh)))
        if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
            char *p = xasprintf("%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
    closedir(dh);
}

static int settle(struct store *s, const struct delivery *d, const struct stuck *m, int64_t now)
{
    if (strcmp(m->channel, "file") == 0) {
        char *name = deliver_file_name(m->id, m->key);
        char *path = xasprintf("%s/%s", d->outbox_dir, name);
        bool done = path_exists(path);
        free(name);
        free(path);
        if (done) {
            host_log("info", "outbox %lld: found delivered after a restart", (long long)m->id);
            return outbox_mark_delivered(s, m->id, now);
        }
        return outbox_release(s, m->id, "the daemon stopped before the file was written; "
                                        "it will be written again");
    }
    if (strcmp(m->channel, "command") == 0) {
        host_log("warn", "outbox %lld: the daemon stopped while the delivery command ran; it may "
                         "or may not have been sent, so it is set aside as 'uncertain' for review "
                         "(see 'sixbb outbox')",
                 (long long)m->id);
        return outbox_set_status(s, m->id, "uncertain",
                                 "the daemon stopped while the delivery command was running: "
                                 "check the mail system, then 'sixbb outbox mark ID delivered' "
                                 "or 'sixbb outbox mark ID pending' to send it again",
                                 now);
    }
    return outbox_release(s, m->id, "released after a restart");
}

int deliver_recover(struct store *s, const struct delivery *d, int64_t now)
{
    struct stuck_list l = {0};
    int rc = outbox_list(s, "sending", collect_stuck, &l);
    int settled = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (rc == 0 && settle(s, d, &l.v[i], now) < 0)
            rc = -1;
        else
            settled++;
        free(l.v[i].channel);
        free(l.v[i].key);
    }
    free(l.v);
    remove_temp_files(d->outbox_dir);
    return rc < 0 ? -1 : settled;
}
