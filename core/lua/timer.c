/* sixbb.timer: after(seconds, fn), every(seconds, fn) -> timer with stop() and active();
 * available() says whether this process has a loop (only the daemon does).
 *
 * Lifetime: a live timer is anchored in the Lua registry (its callback and its Lua object), so
 * dropping the object does not stop it, as with mpv's timers. stop(), a one-shot firing, or the
 * host going away release the anchors and close the libuv handle; the C memory is freed in the
 * close callback, when libuv no longer uses it. */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "host.h"
#include "timer.h"
#include "util.h"

static const char KEY_SET = 0; /* registry: the host's struct timer_set, a full userdata */
#define TIMER_META "sixbb.timer"
#define SET_META "sixbb.timer_set"

struct ptimer;

struct timer_set {
    uv_loop_t *loop;
    const struct clock *clock;
    struct host *host;
    struct ptimer *head;
    int count;
    bool closed; /* the host is going away: no new timers */
};

struct ptimer {
    uv_timer_t handle;
    struct timer_set *set;
    struct ptimer *prev, *next;
    struct ptimer **box; /* the Lua object's pointer to us, cleared on release */
    int fn_ref, obj_ref;
    char *plugin;
    bool repeat;
};

static struct timer_set *get_set(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_SET);
    struct timer_set *set = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return set;
}

static void on_closed(uv_handle_t *handle)
{
    struct ptimer *p = handle->data;
    free(p->plugin);
    free(p);
}

/* Unlinks the timer, drops its Lua anchors and closes the handle. */
static void release(struct ptimer *p)
{
    struct timer_set *set = p->set;
    lua_State *L = set->host->L;
    if (p->prev)
        p->prev->next = p->next;
    else
        set->head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    set->count--;
    if (p->box)
        *p->box = NULL;
    luaL_unref(L, LUA_REGISTRYINDEX, p->fn_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, p->obj_ref);
    uv_timer_stop(&p->handle);
    uv_close((uv_handle_t *)&p->handle, on_closed);
}

static void on_timer(uv_timer_t *handle)
{
    struct ptimer *p = handle->data;
    struct host *h = p->set->host;
    lua_State *L = h->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->fn_ref);
    /* A one-shot timer is over before its callback runs, so active() is false inside it. The
     * plugin name stays valid until the close callback, which runs after this one returns. */
    const char *plugin = p->plugin;
    if (!p->repeat)
        release(p);
    if (host_pcall(h, plugin, "timer", 0, 0, 0) != 0)
        host_log("error", "%s", h->last_error);
}

static uint64_t delay_ms(const struct clock *c, double seconds)
{
    double ms = ceil(seconds * 1000.0 / c->scale);
    return ms < 1 ? 1 : (uint64_t)ms;
}

static int start(lua_State *L, bool repeat)
{
    struct timer_set *set = get_set(L);
    if (!set || set->closed)
        return luaL_error(L, "sixbb.timer: timers only run inside 'sixbb daemon'; check "
                             "sixbb.timer.available() first");
    double seconds = luaL_checknumber(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    double least = repeat ? 0.1 : 0;
    if (!(seconds >= least) || seconds > 1e9)
        return luaL_error(L, "sixbb.timer.%s: seconds must be a number from %g, got %f",
                          repeat ? "every" : "after", least, seconds);
    if (set->count >= TIMER_MAX)
        return luaL_error(L, "sixbb.timer: a plugin host may have at most %d live timers",
                          TIMER_MAX);
    struct ptimer **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, TIMER_META);
    struct ptimer *p = xcalloc(1, sizeof *p);
    struct host *h = set->host;
    p->set = set;
    p->repeat = repeat;
    p->plugin = xstrdup(h->cur_plugin ? h->cur_plugin : "lua");
    p->box = box;
    lua_pushvalue(L, 2);
    p->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, -1);
    p->obj_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    uv_timer_init(set->loop, &p->handle);
    p->handle.data = p;
    uint64_t ms = delay_ms(set->clock, seconds);
    uv_timer_start(&p->handle, on_timer, ms, repeat ? ms : 0);
    p->next = set->head;
    if (set->head)
        set->head->prev = p;
    set->head = p;
    set->count++;
    *box = p;
    return 1;
}

static int timer_after(lua_State *L)
{
    return start(L, false);
}

static int timer_every(lua_State *L)
{
    return start(L, true);
}

static int timer_available(lua_State *L)
{
    struct timer_set *set = get_set(L);
    lua_pushboolean(L, set && !set->closed);
    return 1;
}

static int timer_stop(lua_State *L)
{
    struct ptimer **box = luaL_checkudata(L, 1, TIMER_META);
    if (*box)
        release(*box);
    return 0;
}

static int timer_active(lua_State *L)
{
    struct ptimer **box = luaL_checkudata(L, 1, TIMER_META);
    lua_pushboolean(L, *box != NULL);
    return 1;
}

int luaopen_sixbb_timer(lua_State *L)
{
    static const luaL_Reg methods[] = {{"stop", timer_stop}, {"active", timer_active},
                                       {NULL, NULL}};
    if (luaL_newmetatable(L, TIMER_META)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    static const luaL_Reg fns[] = {{"after", timer_after},
                                   {"every", timer_every},
                                   {"available", timer_available},
                                   {NULL, NULL}};
    luaL_newlib(L, fns);
    return 1;
}

/* The set lives in the Lua heap so that a host freed on any path (a failed reload, say) still
 * stops its timers: lua_close runs this finalizer while the registry is intact. */
static int set_gc(lua_State *L)
{
    struct timer_set *set = lua_touserdata(L, 1);
    while (set->head)
        release(set->head);
    return 0;
}

void timer_attach(struct host *h, uv_loop_t *loop, const struct clock *clock)
{
    lua_State *L = h->L;
    struct timer_set *set = lua_newuserdatauv(L, sizeof *set, 0);
    *set = (struct timer_set){.loop = loop, .clock = clock, .host = h};
    if (luaL_newmetatable(L, SET_META)) {
        lua_pushcfunction(L, set_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_SET);
}

void timer_detach(struct host *h)
{
    struct timer_set *set = get_set(h->L);
    if (!set)
        return;
    set->closed = true;
    while (set->head)
        release(set->head);
    /* The userdata stays referenced until the host is freed; it just has nothing to stop. */
}

int timer_count(struct host *h)
{
    struct timer_set *set = get_set(h->L);
    return set ? set->count : 0;
}
