/* QuickJS plus the few internals the glue needs. Including quickjs.c here gives
   this translation unit access to JSRuntime/JSContext fields without patching
   QuickJS's public API. */
#include "quickjs.c"
#include "qjs_ext.h"

/* Drop every queued promise job without running it. Used after a call passed its
   deadline: jobs queued by the killed call must never run in the next call. */
void ocp_drop_pending_jobs(JSRuntime *rt)
{
    struct list_head *el, *el1;
    list_for_each_safe(el, el1, &rt->job_list) {
        JSJobEntry *e = list_entry(el, JSJobEntry, link);
        int i;
        list_del(&e->link);
        for (i = 0; i < e->argc; i++)
            JS_FreeValue(e->ctx, e->argv[i]);
        js_free(e->ctx, e);
    }
}

/* A Wizer snapshot freezes Math.random's state: reseed it per instance. */
void ocp_seed_random(JSContext *ctx, uint64_t seed)
{
    ctx->random_state = seed ? seed : 1;
}

/* Current malloc'd bytes, to tell an out-of-memory failure from other errors. */
size_t ocp_heap_used(JSRuntime *rt)
{
    return rt->malloc_state.malloc_size;
}

size_t ocp_heap_limit(JSRuntime *rt)
{
    return rt->malloc_state.malloc_limit;
}

/* Allocation-aware interrupt polling: charge the interpreter's tick counter one tick
   per KiB allocated, so code that allocates big blocks in few bytecode steps
   ('x'.repeat(1 << 20) in a loop) still reaches an interrupt poll quickly. */
static JSContext *tick_ctx;

static void *ocp_malloc(JSMallocState *s, size_t size)
{
    if (tick_ctx)
        tick_ctx->interrupt_counter -= (int)(size >> 10);
    return js_def_malloc(s, size);
}

static void *ocp_realloc(JSMallocState *s, void *ptr, size_t size)
{
    if (tick_ctx)
        tick_ctx->interrupt_counter -= (int)(size >> 10);
    return js_def_realloc(s, ptr, size);
}

static const JSMallocFunctions ocp_malloc_funcs = {
    ocp_malloc,
    js_def_free,
    ocp_realloc,
    js_def_malloc_usable_size,
};

JSRuntime *ocp_new_runtime(void)
{
    return JS_NewRuntime2(&ocp_malloc_funcs, NULL);
}

void ocp_set_tick_context(JSContext *ctx)
{
    tick_ctx = ctx;
}
