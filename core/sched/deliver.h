/* Delivering queued messages through the site's channel, exactly once:
 * - file: the message is written to a temporary name and then linked to its final name in
 *   out/outbox/, a name made from the outbox id. The link is atomic and refuses to replace, so
 *   after a crash the final file's presence says whether delivery happened;
 * - command: the message is piped to a shell command. A crash while the command runs leaves no
 *   way to know whether it was sent, so such a message is set aside as 'uncertain' for a person
 *   to check, never sent again by itself;
 * - log: a one-line summary in the log, written after the message is marked delivered. */
#ifndef SIXBB_DELIVER_H
#define SIXBB_DELIVER_H

#include <stddef.h>
#include <stdint.h>

struct clock;
struct delivery_config;
struct store;
struct tz;

enum channel { CHANNEL_FILE, CHANNEL_COMMAND, CHANNEL_LOG };

struct delivery {
    enum channel channel;
    char *from;
    char *command;
    double command_timeout; /* seconds */
    int max_attempts;
    int64_t base_seconds, max_seconds;
    char *site_dir;
    char *outbox_dir; /* site_dir/out/outbox */
    const struct tz *zone;
};

const char *channel_name(enum channel c);

/* Checks the delivery.* settings and sets d up for the site. 0, or -1 with the reason in err. */
int delivery_init(struct delivery *d, const struct delivery_config *cfg, const char *site_dir,
                  const struct tz *zone, char *err, size_t errlen);
void delivery_free(struct delivery *d);

/* Final file name (without directory) for a message; caller frees. */
char *deliver_file_name(int64_t id, const char *key);

/* After a crash: settles every message left 'sending' (see above) and removes temporary files.
 * Returns how many were settled, or -1. */
int deliver_recover(struct store *s, const struct delivery *d, int64_t now);

/* Delivers every pending message that is due. Adds to *delivered and *failed. 0, or -1 on a
 * database error. */
int deliver_due(struct store *s, const struct delivery *d, const struct clock *c, int *delivered,
                int *failed);

#endif
