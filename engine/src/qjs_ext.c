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
