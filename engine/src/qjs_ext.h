#ifndef OCP_QJS_EXT_H
#define OCP_QJS_EXT_H
#include <stdint.h>
#include <stddef.h>
#include "quickjs.h"
void ocp_drop_pending_jobs(JSRuntime *rt);
void ocp_seed_random(JSContext *ctx, uint64_t seed);
size_t ocp_heap_used(JSRuntime *rt);
size_t ocp_heap_limit(JSRuntime *rt);
JSRuntime *ocp_new_runtime(void);
void ocp_set_tick_context(JSContext *ctx);
#endif
