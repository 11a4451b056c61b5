/* Plugin timers (sixbb.timer.after / sixbb.timer.every), backed by libuv timers on the daemon's
 * loop. A host only has timers once the daemon attaches its loop; anywhere else the functions
 * raise an error. Each callback runs through host_pcall under the name of the plugin that
 * created the timer, and an error is logged without stopping the loop or the timer. */
#ifndef SIXBB_TIMER_H
#define SIXBB_TIMER_H

#include <lua.h>
#include <uv.h>

struct clock;
struct host;

/* At most this many live timers per host, so a runaway plugin cannot flood the loop. */
#define TIMER_MAX 1000

/* Gives the host's plugins timers on loop, measured on clock. Call before plugins load so
 * timers made at load time work. */
void timer_attach(struct host *h, uv_loop_t *loop, const struct clock *clock);
/* Stops every timer of the host (before host_free). Their memory is released by the loop's
 * close callbacks, so run the loop once more before closing it. */
void timer_detach(struct host *h);
/* Number of live timers of the host. */
int timer_count(struct host *h);

/* The sixbb.timer module for host_api_add. */
int luaopen_sixbb_timer(lua_State *L);

#endif
