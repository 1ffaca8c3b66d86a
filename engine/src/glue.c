/*
 * owncast-plugin engine glue: QuickJS as an Extism plugin that runs Owncast
 * plugins written in JavaScript.
 *
 * What lives here (docs/engine-contract.md is the contract):
 *  - the Extism kernel imports and the 49 production host functions (hostfns.h);
 *  - the primitives behind the Extism JS PDK globals (the JS side is prelude.js);
 *  - the nine production exports, each with its own budget, enforced inside the
 *    engine by an interrupt handler that reads the WASI monotonic clock;
 *  - the Wizer initializer that pre-evaluates the SDK runtime (and, for
 *    self-contained plugin.wasm, the plugin itself);
 *  - a fast I/O side channel (ocp_io) that our own host uses to pass inputs and
 *    outputs through linear memory instead of 8-byte kernel calls. Other hosts
 *    never touch it and get the standard Extism path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "quickjs.h"
#include "qjs_ext.h"
#include "hostfns.h"
#include "prelude.h"

/* ---------- Extism kernel (extism:host/env) ---------- */
#define ENV_IMPORT(n) __attribute__((import_module("extism:host/env"), import_name(n)))
ENV_IMPORT("input_length") uint64_t extism_input_length(void);
ENV_IMPORT("input_load_u8") uint32_t extism_input_load_u8(uint64_t);
ENV_IMPORT("input_load_u64") uint64_t extism_input_load_u64(uint64_t);
ENV_IMPORT("length") uint64_t extism_length(uint64_t);
ENV_IMPORT("alloc") uint64_t extism_alloc(uint64_t);
ENV_IMPORT("free") void extism_free(uint64_t);
ENV_IMPORT("load_u8") uint32_t extism_load_u8(uint64_t);
ENV_IMPORT("load_u64") uint64_t extism_load_u64(uint64_t);
ENV_IMPORT("store_u8") void extism_store_u8(uint64_t, uint32_t);
ENV_IMPORT("store_u64") void extism_store_u64(uint64_t, uint64_t);
ENV_IMPORT("output_set") void extism_output_set(uint64_t, uint64_t);
ENV_IMPORT("error_set") void extism_error_set(uint64_t);
ENV_IMPORT("config_get") uint64_t extism_config_get(uint64_t);
ENV_IMPORT("var_get") uint64_t extism_var_get(uint64_t);
ENV_IMPORT("var_set") void extism_var_set(uint64_t, uint64_t);
ENV_IMPORT("http_request") uint64_t extism_http_request(uint64_t, uint64_t);
ENV_IMPORT("http_status_code") int32_t extism_http_status_code(void);
ENV_IMPORT("log_info") void extism_log_info(uint64_t);
ENV_IMPORT("log_warn") void extism_log_warn(uint64_t);
ENV_IMPORT("log_error") void extism_log_error(uint64_t);
ENV_IMPORT("log_debug") void extism_log_debug(uint64_t);

/* ---------- limits ---------- */
/* The module's memory maximum is baked in at link time (see build.sh); the JS
   heap limit sits below it, leaving room for the shadow stack, data, I/O
   buffers and allocator overhead. */
#define JS_HEAP_LIMIT (48u * 1024 * 1024)
/* With patch 0003 (every checked recursion level pads the shadow stack) this stays
   inside V8's default native stack, cold or warm; stock QuickJS is safe only up to
   about 192 KiB. It must stay well below the 1 MiB shadow stack. */
#define JS_STACK_LIMIT (384u * 1024)
#define FAST_IO_MAX_CAP (16u * 1024 * 1024)
#define INIT_BUDGET_MS 10000

/* ---------- the exports and their budgets ---------- */
enum {
    EXP_REGISTER, EXP_EVENT, EXP_FILTER, EXP_HTTP, EXP_AUTH,
    EXP_TAB, EXP_PAGE, EXP_STYLES, EXP_SCRIPTS, EXP_COUNT
};
static const char *const export_names[EXP_COUNT] = {
    "register", "on_event", "on_filter", "on_http_request", "on_auth_check",
    "on_tab_content", "on_page_content", "on_page_styles", "on_page_scripts",
};
static const uint32_t export_budget_ms[EXP_COUNT] = {
    10000, 500, 50, 5000, 5000, 5000, 5000, 5000, 5000,
};

/* ---------- fast I/O side channel ---------- */
#define OCP_IO_MAGIC 0x3250434fu /* "OCP2": OCP1 (fast input/output) + fast host calls */
enum { IO_FAST_IN = 1, IO_FAST_OUT = 2, IO_OUT_READY = 4, IO_FAST_HOSTCALL = 8 };
typedef struct {
    uint32_t magic;
    uint32_t flags;    /* host sets FAST_IN/FAST_OUT before a call; glue sets OUT_READY */
    uint32_t buf_ptr;  /* glue-owned input buffer */
    uint32_t buf_cap;
    uint32_t in_len;   /* host: bytes of input written at buf_ptr */
    uint32_t want_cap; /* host: grow the input buffer to this for the next call */
    uint32_t out_ptr;  /* glue: output bytes */
    uint32_t out_len;
    uint32_t hc_ptr;   /* glue-owned buffer the host writes host-call results into */
    uint32_t hc_cap;
    uint32_t hc_want;  /* host: a result did not fit; grow the buffer to this */
} ocp_io_t;
__attribute__((used)) ocp_io_t ocp_io;

/* Fast host calls (IO_FAST_HOSTCALL, set by our host for one export call). @extism/extism
   1.0.3 numbers its memory blocks in the top 16 bits of an i64 and never reuses a number
   within a call, so after ~32 000 blocks (two per host call) addresses wrap and the plugin
   reads the wrong memory. In fast mode a pointer argument is passed in place, tagged
   (HC_TAG | len << 32 | ptr), and a result comes back in hc_ptr (HC_TAG | len): no blocks.
   Other hosts never set the flag and get standard Extism blocks. */
#define HC_TAG (1ull << 63)
#define HC_MAX_LEN 0x7fffffffu
#define HC_INITIAL_CAP (16u * 1024)
/* Past this block number the next ones would wrap; the call stops making host calls. */
#define BLOCK_INDEX_GUARD 0x7f00u
static int fast_hc;
static int blocks_exhausted;

/* ---------- state (all of it survives a Wizer snapshot) ---------- */
static JSRuntime *rt;
static JSContext *ctx;
static JSValue entry_fns[EXP_COUNT];
static JSValue load_fn;
static JSValue pending_output; /* set by Host.outputString/outputBytes */

static uint64_t deadline_ns;   /* 0: no deadline */
static int deadline_hit;       /* sticky until the next call starts */
static int in_call;            /* set at entry, cleared at exit: detects calls unwound by a trap */
static int in_wizer;           /* build-time pre-evaluation: no host exists */
static int init_host_call;     /* top-level plugin code tried to call the host at build time */
static int seeded;
static int plugin_state;       /* 0 not loaded, 1 loaded, 2 failed */
static char *load_error;
static const uint8_t *cur_input;
static size_t cur_input_len;

/* Values embedded at build time (plugin.wasm): manifest, and script when the
   plugin could not be pre-evaluated. Looked up before the Extism config. */
typedef struct { char *key; char *value; size_t len; } embedded_kv;
static embedded_kv embedded[4];
static int embedded_count;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int interrupt_handler(JSRuntime *r, void *opaque)
{
    (void)r; (void)opaque;
    if (deadline_hit)
        return 1;
    if (deadline_ns && now_ns() >= deadline_ns) {
        deadline_hit = 1;
        return 1;
    }
    return 0;
}

/* ---------- Extism memory helpers ---------- */
/* Notes a block address the host handed out; false once numbers are about to wrap. */
static int block_ok(uint64_t off)
{
    if ((off >> 48) >= BLOCK_INDEX_GUARD)
        blocks_exhausted = 1;
    return !blocks_exhausted;
}

/* Copies bytes into a new Extism block. `last_word` is for the call's output or error,
   which may use the numbers kept in reserve below the wrap. */
static uint64_t ext_store_ex(const void *data, size_t len, int last_word)
{
    const uint8_t *p = data;
    uint64_t off;
    size_t i = 0;
    if (blocks_exhausted && !last_word)
        return 0;
    off = extism_alloc(len);
    if (!off && len)
        return 0;
    if (last_word ? (off >> 48) >= 0x7fffu : !block_ok(off)) {
        extism_free(off);
        return 0;
    }
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        extism_store_u64(off + i, w);
    }
    for (; i < len; i++)
        extism_store_u8(off + i, p[i]);
    return off;
}

static uint64_t ext_store(const void *data, size_t len)
{
    return ext_store_ex(data, len, 0);
}

/* Reads an Extism block into a malloc'd buffer (NUL-terminated for convenience). */
static uint8_t *ext_load(uint64_t off, size_t *plen)
{
    size_t len = (size_t)extism_length(off), i = 0;
    uint8_t *buf = malloc(len + 1);
    if (!buf)
        return NULL;
    for (; i + 8 <= len; i += 8) {
        uint64_t w = extism_load_u64(off + i);
        memcpy(buf + i, &w, 8);
    }
    for (; i < len; i++)
        buf[i] = (uint8_t)extism_load_u8(off + i);
    buf[len] = 0;
    *plen = len;
    return buf;
}

/* A pointer argument: in place (tagged) in fast mode, else copied into an Extism block.
   *owned says whether a block must be freed afterwards. */
static uint64_t hc_arg(const void *p, size_t len, int *owned)
{
    if (fast_hc && len <= HC_MAX_LEN) {
        *owned = 0;
        return HC_TAG | ((uint64_t)len << 32) | (uint64_t)(uint32_t)(uintptr_t)p;
    }
    *owned = 1;
    return ext_store(p, len);
}

static void ext_log(void (*fn)(uint64_t), const char *s, size_t len)
{
    int owned;
    uint64_t off = hc_arg(s, len, &owned);
    if (off) {
        fn(off);
        if (owned)
            extism_free(off);
    }
}

/* After a fast host call whose result did not fit: grow the result buffer for the next one. */
static void hc_grow(void)
{
    uint32_t want = ocp_io.hc_want;
    ocp_io.hc_want = 0;
    if (want > ocp_io.hc_cap && want <= FAST_IO_MAX_CAP) {
        void *nb = malloc(want);
        if (nb) {
            free((void *)(uintptr_t)ocp_io.hc_ptr);
            ocp_io.hc_ptr = (uint32_t)(uintptr_t)nb;
            ocp_io.hc_cap = want;
        }
    }
}

static void set_error(const char *msg, size_t len)
{
    uint64_t off = ext_store_ex(msg, len, 1);
    if (off)
        extism_error_set(off);
}

/* ---------- helpers for JS values ---------- */

/* Bytes of a string, ArrayBuffer or typed array. *pfree says whether the
   returned pointer must be released with JS_FreeCString. */
static const uint8_t *js_bytes(JSContext *c, JSValueConst v, size_t *plen, int *pcstr)
{
    size_t size;
    uint8_t *p;
    *pcstr = 0;
    if (JS_IsString(v)) {
        *pcstr = 1;
        return (const uint8_t *)JS_ToCStringLen(c, plen, v);
    }
    p = JS_GetArrayBuffer(c, &size, v);
    if (p) {
        *plen = size;
        return p;
    }
    JS_FreeValue(c, JS_GetException(c));
    {
        size_t byte_offset, byte_length, bpe;
        JSValue ab = JS_GetTypedArrayBuffer(c, v, &byte_offset, &byte_length, &bpe);
        if (!JS_IsException(ab)) {
            p = JS_GetArrayBuffer(c, &size, ab);
            JS_FreeValue(c, ab);
            if (p) {
                *plen = byte_length;
                return p + byte_offset;
            }
        }
        JS_FreeValue(c, JS_GetException(c));
    }
    /* anything else: its string form, as the reference SDK's String(x) */
    *pcstr = 1;
    return (const uint8_t *)JS_ToCStringLen(c, plen, v);
}

static void release_bytes(JSContext *c, const uint8_t *p, int cstr)
{
    if (cstr && p)
        JS_FreeCString(c, (const char *)p);
}

static JSValue new_uint8array(JSContext *c, const uint8_t *buf, size_t len)
{
    JSValue args[3];
    JSValue u8;
    args[0] = JS_NewArrayBufferCopy(c, buf, len);
    if (JS_IsException(args[0]))
        return args[0];
    /* QuickJS reads offset and length whatever argc says: pass them explicitly */
    args[1] = JS_UNDEFINED;
    args[2] = JS_UNDEFINED;
    u8 = JS_NewTypedArray(c, 3, args, JS_TYPED_ARRAY_UINT8);
    JS_FreeValue(c, args[0]);
    return u8;
}

enum { AS_STRING, AS_ARRAYBUFFER, AS_UINT8ARRAY };

/* An Extism block as a new JS value; the block is freed first when `consume`. */
static JSValue bytes_to_js(JSContext *c, const uint8_t *buf, size_t len, int as)
{
    return as == AS_STRING ? JS_NewStringLen(c, (const char *)buf, len)
        : as == AS_ARRAYBUFFER ? JS_NewArrayBufferCopy(c, buf, len)
        : new_uint8array(c, buf, len);
}

static JSValue block_to_js(JSContext *c, uint64_t off, int as, int consume)
{
    size_t len;
    uint8_t *buf = ext_load(off, &len);
    JSValue v;
    if (consume)
        extism_free(off);
    if (!buf)
        return JS_ThrowOutOfMemory(c);
    v = bytes_to_js(c, buf, len, as);
    free(buf);
    return v;
}

static JSValue throw_blocks_exhausted(JSContext *c)
{
    return JS_ThrowInternalError(c, "too many host calls in one call: the host ran out of memory block numbers "
                                    "(about 16 000 per call); split the work across calls");
}

/* A pointer result: 0 is null; tagged, `len` bytes in the host-call buffer; else an Extism block. */
static JSValue result_to_js(JSContext *c, uint64_t res, int as)
{
    JSValue v;
    if (!res)
        return JS_NULL;
    if (fast_hc && (res & HC_TAG)) {
        size_t len = (size_t)(res & HC_MAX_LEN);
        if (len > ocp_io.hc_cap)
            return JS_ThrowInternalError(c, "the host returned a result larger than its buffer");
        v = bytes_to_js(c, (const uint8_t *)(uintptr_t)ocp_io.hc_ptr, len, as);
    } else if (!block_ok(res)) {
        return throw_blocks_exhausted(c);
    } else {
        v = block_to_js(c, res, as, 1);
    }
    if (fast_hc && ocp_io.hc_want)
        hc_grow();
    return v;
}

/* A JS value's string form stored as an Extism block (0 with an exception pending on failure). */
static uint64_t string_to_block(JSContext *c, JSValueConst v)
{
    size_t len;
    const char *s = JS_ToCStringLen(c, &len, v);
    uint64_t off;
    if (!s)
        return 0;
    off = ext_store(s, len);
    JS_FreeCString(c, s);
    if (!off) {
        if (blocks_exhausted)
            throw_blocks_exhausted(c);
        else
            JS_ThrowOutOfMemory(c);
    }
    return off;
}

static JSValue throw_interrupted(JSContext *c)
{
    JSValue err = JS_ThrowInternalError(c, "interrupted");
    JS_SetUncatchableError(c, JS_GetException(c), 1);
    (void)err;
    return JS_EXCEPTION;
}

/* After anything that may have taken time outside the interpreter (host calls),
   check the clock so a plugin cannot outrun its budget between interrupt polls. */
static int past_deadline(void)
{
    if (deadline_hit)
        return 1;
    if (deadline_ns && now_ns() >= deadline_ns)
        deadline_hit = 1;
    return deadline_hit;
}

static JSValue refuse_at_build_time(JSContext *c, const char *what)
{
    init_host_call = 1;
    return JS_ThrowInternalError(c, "%s is not available while the plugin is pre-evaluated at build time", what);
}

/* ---------- __ocHost.call / callBytes ---------- */
static JSAtom hostfn_atoms[OCP_HOSTFN_COUNT];

static int find_hostfn(JSContext *c, JSValueConst name)
{
    JSAtom a = JS_ValueToAtom(c, name);
    int i, found = -1;
    if (a == JS_ATOM_NULL)
        return -1;
    for (i = 0; i < OCP_HOSTFN_COUNT; i++) {
        if (hostfn_atoms[i] == a) {
            found = i;
            break;
        }
    }
    JS_FreeAtom(c, a);
    return found;
}

static int to_i64(JSContext *c, JSValueConst v, uint64_t *out)
{
    if (JS_IsBigInt(c, v)) {
        int64_t x;
        if (JS_ToBigInt64(c, &x, v))
            return -1;
        *out = (uint64_t)x;
        return 0;
    }
    if (JS_IsBool(v)) {
        *out = JS_ToBool(c, v) ? 1 : 0;
        return 0;
    }
    {
        double d;
        if (JS_ToFloat64(c, &d, v))
            return -1;
        if (d != d)
            d = 0;
        *out = (uint64_t)(int64_t)d;
        return 0;
    }
}

/* magic 0: a PTR result comes back as a string; magic 1: as a Uint8Array. */
static JSValue js_host_call(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    const ocp_hostfn *f;
    uint64_t args[3] = {0, 0, 0};
    int owned[3] = {0, 0, 0};
    const uint8_t *held[3] = {NULL, NULL, NULL};
    int held_cstr[3] = {0, 0, 0};
    int idx, i;
    uint64_t res;
    JSValue ret = JS_UNDEFINED;
    (void)this_val;

    if (argc < 1 || (idx = find_hostfn(c, argv[0])) < 0) {
        const char *n = argc ? JS_ToCString(c, argv[0]) : NULL;
        JSValue e = JS_ThrowTypeError(c, "unknown host function: %s", n ? n : "(none)");
        if (n) JS_FreeCString(c, n);
        return e;
    }
    if (in_wizer)
        return refuse_at_build_time(c, "a host call");
    if (blocks_exhausted)
        return throw_blocks_exhausted(c);
    f = &ocp_hostfns[idx];
    for (i = 0; i < f->nparams; i++) {
        JSValueConst v = i + 1 < argc ? argv[i + 1] : JS_UNDEFINED;
        if (f->ptrmask & (1 << i)) {
            size_t len = 0;
            int cstr;
            const uint8_t *p;
            if (JS_IsUndefined(v) || JS_IsNull(v)) {
                p = (const uint8_t *)"";
                cstr = 0;
                len = 0;
            } else {
                p = js_bytes(c, v, &len, &cstr);
                if (!p)
                    goto fail;
            }
            /* in fast mode the bytes are read in place, so they live until the call returns */
            args[i] = hc_arg(p, len, &owned[i]);
            if (owned[i])
                release_bytes(c, p, cstr);
            else
                held[i] = p, held_cstr[i] = cstr;
            if (blocks_exhausted) {
                JS_ThrowInternalError(c, "too many host calls in one call: the host ran out of memory block numbers "
                                         "(about 16 000 per call); split the work across calls");
                goto fail;
            }
        } else if (to_i64(c, v, &args[i])) {
            goto fail;
        }
    }
    res = ocp_invoke_hostfn(idx, args);
    if (f->result == OCP_RES_I64) {
        ret = JS_NewInt64(c, (int64_t)res);
    } else if (f->result == OCP_RES_PTR) {
        ret = result_to_js(c, res, magic ? AS_UINT8ARRAY : AS_STRING);
    }
    for (i = 0; i < 3; i++) {
        if (owned[i] && args[i])
            extism_free(args[i]);
        if (held[i])
            release_bytes(c, held[i], held_cstr[i]);
    }
    if (JS_IsException(ret))
        return ret;
    if (past_deadline()) {
        JS_FreeValue(c, ret);
        return throw_interrupted(c);
    }
    return ret;
fail:
    for (i = 0; i < 3; i++) {
        if (owned[i] && args[i])
            extism_free(args[i]);
        if (held[i])
            release_bytes(c, held[i], held_cstr[i]);
    }
    return JS_EXCEPTION;
}

/* ---------- config ---------- */
static const embedded_kv *find_embedded(const char *key)
{
    int i;
    for (i = 0; i < embedded_count; i++)
        if (!strcmp(embedded[i].key, key))
            return &embedded[i];
    return NULL;
}

static void set_embedded(const char *key, const char *value, size_t len)
{
    embedded_kv *e = (embedded_kv *)find_embedded(key);
    if (!e) {
        if (embedded_count >= (int)(sizeof(embedded) / sizeof(embedded[0])))
            return;
        e = &embedded[embedded_count++];
        e->key = strdup(key);
    } else {
        free(e->value);
    }
    e->value = malloc(len + 1);
    memcpy(e->value, value, len);
    e->value[len] = 0;
    e->len = len;
}

static JSValue js_config_get(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t klen;
    const char *key;
    const embedded_kv *e;
    JSValue ret = JS_NULL;
    (void)this_val;
    if (argc < 1)
        return JS_NULL;
    key = JS_ToCStringLen(c, &klen, argv[0]);
    if (!key)
        return JS_EXCEPTION;
    if ((e = find_embedded(key))) {
        ret = JS_NewStringLen(c, e->value, e->len);
    } else if (!in_wizer) {
        int owned;
        uint64_t koff = hc_arg(key, klen, &owned);
        uint64_t voff = koff ? extism_config_get(koff) : 0;
        if (koff && owned)
            extism_free(koff);
        if (voff)
            ret = result_to_js(c, voff, AS_STRING);
    }
    JS_FreeCString(c, key);
    return ret;
}

/* ---------- Var ---------- */
static JSValue js_var_get(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv, int as_bytes)
{
    uint64_t koff, voff;
    (void)this_val;
    if (in_wizer)
        return refuse_at_build_time(c, "Var");
    if (argc < 1 || !(koff = string_to_block(c, argv[0])))
        return JS_EXCEPTION;
    voff = extism_var_get(koff);
    extism_free(koff);
    if (voff && !block_ok(voff))
        return throw_blocks_exhausted(c);
    /* the variable's block belongs to the host's var store: do not free it */
    return voff ? block_to_js(c, voff, as_bytes ? AS_ARRAYBUFFER : AS_STRING, 0) : JS_NULL;
}

static JSValue js_var_set(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t vlen;
    const uint8_t *val;
    int cstr;
    uint64_t koff, voff = 0;
    (void)this_val;
    if (in_wizer)
        return refuse_at_build_time(c, "Var");
    if (argc < 1 || !(koff = string_to_block(c, argv[0])))
        return JS_EXCEPTION;
    if (argc > 1 && !JS_IsNull(argv[1]) && !JS_IsUndefined(argv[1])) {
        val = js_bytes(c, argv[1], &vlen, &cstr);
        if (!val)
            return JS_EXCEPTION;
        voff = ext_store(val, vlen);
        release_bytes(c, val, cstr);
        if (!voff) {
            extism_free(koff);
            return blocks_exhausted ? throw_blocks_exhausted(c) : JS_ThrowOutOfMemory(c);
        }
    }
    extism_var_set(koff, voff);
    extism_free(koff);
    return JS_UNDEFINED;
}

/* ---------- Http.request: (requestJson, body?) -> [status, Uint8Array|null] ---------- */
static JSValue js_http_request(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t rlen, blen;
    const uint8_t *req, *body;
    int rcstr, bcstr;
    uint64_t roff, boff = 0, res;
    int32_t status;
    JSValue arr, body_v;
    (void)this_val;
    if (in_wizer)
        return refuse_at_build_time(c, "Http.request");
    if (argc < 1 || !(req = js_bytes(c, argv[0], &rlen, &rcstr)))
        return JS_EXCEPTION;
    roff = ext_store(req, rlen);
    release_bytes(c, req, rcstr);
    if (!roff)
        return blocks_exhausted ? throw_blocks_exhausted(c) : JS_ThrowOutOfMemory(c);
    if (argc > 1 && !JS_IsUndefined(argv[1]) && !JS_IsNull(argv[1])) {
        body = js_bytes(c, argv[1], &blen, &bcstr);
        if (!body)
            return JS_EXCEPTION;
        boff = ext_store(body, blen);
        release_bytes(c, body, bcstr);
    }
    res = extism_http_request(roff, boff);
    status = extism_http_status_code();
    extism_free(roff);
    if (boff)
        extism_free(boff);
    body_v = result_to_js(c, res, AS_UINT8ARRAY);
    if (JS_IsException(body_v))
        return body_v;
    arr = JS_NewArray(c);
    JS_SetPropertyUint32(c, arr, 0, JS_NewInt32(c, status));
    JS_SetPropertyUint32(c, arr, 1, body_v);
    if (past_deadline()) {
        JS_FreeValue(c, arr);
        return throw_interrupted(c);
    }
    return arr;
}

/* ---------- logging: (level, text) ---------- */
static JSValue js_log(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t level = 0;
    size_t len;
    const char *s;
    (void)this_val;
    if (in_wizer)
        return refuse_at_build_time(c, "console");
    if (argc < 2 || JS_ToInt32(c, &level, argv[0]))
        return JS_EXCEPTION;
    if (!(s = JS_ToCStringLen(c, &len, argv[1])))
        return JS_EXCEPTION;
    switch (level) {
    case 0: ext_log(extism_log_debug, s, len); break;
    case 1: ext_log(extism_log_info, s, len); break;
    case 2: ext_log(extism_log_warn, s, len); break;
    default: ext_log(extism_log_error, s, len); break;
    }
    JS_FreeCString(c, s);
    return JS_UNDEFINED;
}

/* ---------- raw Extism memory for the PDK's Memory/Host.getFunctions ---------- */
static JSValue offset_value(JSContext *c, uint64_t off)
{
    /* The JS SDK's offsets carry a block index in the top 16 bits; keep them exact. */
    if (off <= 9007199254740991ull)
        return JS_NewInt64(c, (int64_t)off);
    return JS_NewBigUint64(c, off);
}

static JSValue js_mem_store(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    int cstr;
    const uint8_t *p;
    uint64_t off;
    (void)this_val;
    if (in_wizer)
        return refuse_at_build_time(c, "Memory");
    if (argc < 1 || !(p = js_bytes(c, argv[0], &len, &cstr)))
        return JS_EXCEPTION;
    off = ext_store(p, len);
    release_bytes(c, p, cstr);
    return offset_value(c, off);
}

/* magic 0: string, 1: ArrayBuffer, 2: length only, 3: free */
static JSValue js_mem_op(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    uint64_t off;
    (void)this_val;
    if (in_wizer)
        return refuse_at_build_time(c, "Memory");
    if (argc < 1 || to_i64(c, argv[0], &off))
        return JS_EXCEPTION;
    if (magic == 2)
        return JS_NewInt64(c, (int64_t)extism_length(off));
    if (magic == 3) {
        extism_free(off);
        return JS_UNDEFINED;
    }
    return block_to_js(c, off, magic ? AS_ARRAYBUFFER : AS_STRING, 0);
}

/* Raw host function call for Host.getFunctions(): offsets and numbers in, offset out. */
static JSValue js_host_raw(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t idx;
    uint64_t args[3] = {0, 0, 0};
    int i;
    uint64_t res;
    (void)this_val;
    if (in_wizer)
        return refuse_at_build_time(c, "a host call");
    if (argc < 1 || JS_ToInt32(c, &idx, argv[0]) || idx < 0 || idx >= OCP_HOSTFN_COUNT)
        return JS_ThrowRangeError(c, "bad host function index");
    for (i = 0; i < ocp_hostfns[idx].nparams; i++)
        if (i + 1 < argc && to_i64(c, argv[i + 1], &args[i]))
            return JS_EXCEPTION;
    {
        /* the caller manages Extism offsets itself: a capacity of 0 makes the host answer with a block */
        uint32_t cap = ocp_io.hc_cap;
        ocp_io.hc_cap = 0;
        res = ocp_invoke_hostfn(idx, args);
        ocp_io.hc_cap = cap;
        ocp_io.hc_want = 0;
    }
    if (past_deadline())
        return throw_interrupted(c);
    return ocp_hostfns[idx].result == OCP_RES_VOID ? JS_UNDEFINED : offset_value(c, res);
}

/* ---------- input/output for the PDK's Host object ---------- */
static JSValue js_input(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv, int as_bytes)
{
    (void)this_val; (void)argc; (void)argv;
    if (!cur_input)
        return as_bytes ? JS_NewArrayBufferCopy(c, (const uint8_t *)"", 0) : JS_NewString(c, "");
    return as_bytes ? JS_NewArrayBufferCopy(c, cur_input, cur_input_len)
                    : JS_NewStringLen(c, (const char *)cur_input, cur_input_len);
}

static JSValue js_set_output(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    JS_FreeValue(c, pending_output);
    pending_output = argc > 0 ? JS_DupValue(c, argv[0]) : JS_UNDEFINED;
    return JS_UNDEFINED;
}

/* ---------- UTF-8 for TextEncoder/TextDecoder ---------- */
static JSValue js_utf8_encode(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s;
    JSValue v;
    (void)this_val;
    s = JS_ToCStringLen(c, &len, argc > 0 ? argv[0] : JS_UNDEFINED);
    if (!s)
        return JS_EXCEPTION;
    v = new_uint8array(c, (const uint8_t *)s, len);
    JS_FreeCString(c, s);
    return v;
}

static JSValue js_utf8_decode(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    int cstr;
    const uint8_t *p;
    JSValue v;
    (void)this_val;
    if (argc < 1 || JS_IsUndefined(argv[0]))
        return JS_NewString(c, "");
    p = js_bytes(c, argv[0], &len, &cstr);
    if (!p)
        return JS_EXCEPTION;
    v = JS_NewStringLen(c, (const char *)p, len);
    release_bytes(c, p, cstr);
    return v;
}

/* ---------- evalScript: the plugin as a CommonJS function body ---------- */
static JSValue js_eval_script(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char head[] = "(function (module, exports, require) {";
    static const char tail[] = "\n})";
    size_t slen;
    const char *src, *fname = NULL;
    char *buf;
    JSValue fn;
    (void)this_val;
    if (argc < 1 || !(src = JS_ToCStringLen(c, &slen, argv[0])))
        return JS_EXCEPTION;
    if (argc > 1 && JS_IsString(argv[1]))
        fname = JS_ToCString(c, argv[1]);
    buf = malloc(sizeof(head) - 1 + slen + sizeof(tail));
    if (!buf) {
        JS_FreeCString(c, src);
        if (fname) JS_FreeCString(c, fname);
        return JS_ThrowOutOfMemory(c);
    }
    memcpy(buf, head, sizeof(head) - 1);
    memcpy(buf + sizeof(head) - 1, src, slen);
    memcpy(buf + sizeof(head) - 1 + slen, tail, sizeof(tail));
    fn = JS_Eval(c, buf, sizeof(head) - 1 + slen + sizeof(tail) - 1, fname ? fname : "plugin.js",
                 JS_EVAL_TYPE_GLOBAL);
    free(buf);
    JS_FreeCString(c, src);
    if (fname)
        JS_FreeCString(c, fname);
    return fn;
}

/* ---------- unhandled rejections become warnings, as in a browser console ---------- */
static void rejection_tracker(JSContext *c, JSValueConst promise, JSValueConst reason, JS_BOOL is_handled, void *opaque)
{
    (void)promise; (void)opaque;
    if (is_handled || in_wizer || deadline_hit)
        return;
    {
        const char *s = JS_ToCString(c, reason);
        char msg[512];
        int n = snprintf(msg, sizeof(msg), "unhandled promise rejection: %s", s ? s : "(unknown)");
        if (s)
            JS_FreeCString(c, s);
        if (n > (int)sizeof(msg) - 1)
            n = sizeof(msg) - 1;
        ext_log(extism_log_warn, msg, (size_t)n);
    }
}

/* ---------- runtime setup ---------- */
static void define_fn(JSValue obj, const char *name, JSCFunction *fn, int length)
{
    JS_SetPropertyStr(ctx, obj, name, JS_NewCFunction(ctx, fn, name, length));
}

static void define_fn_magic(JSValue obj, const char *name, JSCFunctionMagic *fn, int length, int magic)
{
    JS_SetPropertyStr(ctx, obj, name, JS_NewCFunctionMagic(ctx, fn, name, length, JS_CFUNC_generic_magic, magic));
}

static int init_runtime(void)
{
    JSValue global, ext, names;
    int i;
    rt = ocp_new_runtime();
    if (!rt)
        return -1;
    JS_SetMemoryLimit(rt, JS_HEAP_LIMIT);
    JS_SetMaxStackSize(rt, JS_STACK_LIMIT);
    JS_SetInterruptHandler(rt, interrupt_handler, NULL);
    JS_SetHostPromiseRejectionTracker(rt, rejection_tracker, NULL);
    ctx = JS_NewContext(rt);
    if (!ctx)
        return -1;
    ocp_set_tick_context(ctx);
    pending_output = JS_UNDEFINED;
    load_fn = JS_UNDEFINED;
    for (i = 0; i < EXP_COUNT; i++)
        entry_fns[i] = JS_UNDEFINED;
    for (i = 0; i < OCP_HOSTFN_COUNT; i++)
        hostfn_atoms[i] = JS_NewAtom(ctx, ocp_hostfns[i].name);

    global = JS_GetGlobalObject(ctx);
    ext = JS_NewObject(ctx);
    define_fn_magic(ext, "call", js_host_call, 1, 0);
    define_fn_magic(ext, "callBytes", js_host_call, 1, 1);
    define_fn(ext, "config", js_config_get, 1);
    define_fn(ext, "evalScript", js_eval_script, 2);
    define_fn_magic(ext, "varGet", js_var_get, 1, 0);
    define_fn_magic(ext, "varGetBytes", js_var_get, 1, 1);
    define_fn(ext, "varSet", js_var_set, 2);
    define_fn(ext, "httpRequest", js_http_request, 2);
    define_fn(ext, "log", js_log, 2);
    define_fn(ext, "memStore", js_mem_store, 1);
    define_fn_magic(ext, "memString", js_mem_op, 1, 0);
    define_fn_magic(ext, "memBytes", js_mem_op, 1, 1);
    define_fn_magic(ext, "memLength", js_mem_op, 1, 2);
    define_fn_magic(ext, "memFree", js_mem_op, 1, 3);
    define_fn(ext, "hostRaw", js_host_raw, 1);
    define_fn_magic(ext, "inputString", js_input, 0, 0);
    define_fn_magic(ext, "inputBytes", js_input, 0, 1);
    define_fn(ext, "setOutput", js_set_output, 1);
    define_fn(ext, "utf8Encode", js_utf8_encode, 1);
    define_fn(ext, "utf8Decode", js_utf8_decode, 1);
    names = JS_NewArray(ctx);
    for (i = 0; i < OCP_HOSTFN_COUNT; i++)
        JS_SetPropertyUint32(ctx, names, i, JS_NewString(ctx, ocp_hostfns[i].name));
    JS_SetPropertyStr(ctx, ext, "hostFunctionNames", names);
    JS_SetPropertyStr(ctx, global, "__ocHost", ext);
    JS_FreeValue(ctx, global);
    return 0;
}

/* ---------- error text ---------- */
#define MAX_STACK_LINES 24

/* Keeps the first frames of a long stack (a stack overflow has thousands). */
static char *trim_stack(const char *stack)
{
    const char *p = stack;
    int lines = 0, total = 0;
    char *out;
    for (; *p; p++)
        if (*p == '\n')
            total++;
    if (total < MAX_STACK_LINES)
        return strdup(stack);
    for (p = stack; *p && lines < MAX_STACK_LINES; p++)
        if (*p == '\n')
            lines++;
    out = malloc((size_t)(p - stack) + 48);
    if (out) {
        memcpy(out, stack, (size_t)(p - stack));
        snprintf(out + (p - stack), 48, "    ... %d more frames\n", total - lines);
    }
    return out;
}

static char *format_exception(JSValue exc)
{
    const char *msg = NULL, *stack_raw = NULL;
    char *stack = NULL;
    JSValue st = JS_UNDEFINED;
    char *out;
    size_t n;
    if (JS_IsNull(exc) || JS_IsUndefined(exc) || JS_IsUninitialized(exc)) {
        /* QuickJS throws null when even the error object could not be allocated */
        return strdup("out of memory: the plugin exceeded its memory limit");
    }
    msg = JS_ToCString(ctx, exc);
    if (JS_IsError(ctx, exc)) {
        st = JS_GetPropertyStr(ctx, exc, "stack");
        if (JS_IsString(st) && (stack_raw = JS_ToCString(ctx, st))) {
            stack = trim_stack(stack_raw);
            JS_FreeCString(ctx, stack_raw);
        }
    }
    if (!msg) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        msg = NULL;
    }
    n = (msg ? strlen(msg) : 16) + (stack ? strlen(stack) + 1 : 0) + 32;
    out = malloc(n);
    if (out) {
        const char *m = msg ? msg : "(unprintable error)";
        int oom = msg && strstr(m, "out of memory") == m + (strncmp(m, "InternalError: ", 15) ? 0 : 15);
        snprintf(out, n, "%s%s%s%s", oom ? "out of memory: " : "", m, stack ? "\n" : "", stack ? stack : "");
    }
    if (msg) JS_FreeCString(ctx, msg);
    free(stack);
    JS_FreeValue(ctx, st);
    return out;
}

/* ---------- running one export ---------- */
static void reseed_once(void)
{
    uint64_t seed = 0;
    if (seeded)
        return;
    if (getentropy(&seed, sizeof(seed)) != 0)
        seed = now_ns();
    ocp_seed_random(ctx, seed ^ 0x9e3779b97f4a7c15ull);
    seeded = 1;
}

/* Runs queued promise jobs until `promise` settles (or, with no promise, until
   the queue is empty). Returns 0, or -1 with an exception pending. */
static int drain_jobs(JSValueConst promise)
{
    for (;;) {
        JSContext *jc;
        int r;
        if (deadline_hit)
            return -1;
        if (!JS_IsUndefined(promise) && (int)JS_PromiseState(ctx, promise) != JS_PROMISE_PENDING)
            return 0;
        r = JS_ExecutePendingJob(rt, &jc);
        if (r == 0)
            return 0;
        if (r < 0) {
            if (deadline_hit)
                return -1;
            /* an exception escaping a job is uncatchable-class; surface it */
            return -1;
        }
    }
}

static void emit_output(JSValueConst v, int fast_out)
{
    size_t len = 0;
    int cstr = 0;
    const uint8_t *p = NULL;
    if (JS_IsUndefined(v) || JS_IsNull(v))
        return;
    p = js_bytes(ctx, v, &len, &cstr);
    if (!p)
        return;
    if (fast_out) {
        uint8_t *copy = malloc(len ? len : 1);
        if (copy) {
            memcpy(copy, p, len);
            ocp_io.out_ptr = (uint32_t)(uintptr_t)copy;
            ocp_io.out_len = (uint32_t)len;
            ocp_io.flags |= IO_OUT_READY;
        }
    } else {
        uint64_t off = ext_store_ex(p, len, 1);
        if (off || !len)
            extism_output_set(off, len);
    }
    release_bytes(ctx, p, cstr);
}

static void finish_fast_io(void)
{
    if (ocp_io.want_cap > ocp_io.buf_cap && ocp_io.want_cap <= FAST_IO_MAX_CAP) {
        void *nb = realloc((void *)(uintptr_t)ocp_io.buf_ptr, ocp_io.want_cap);
        if (nb) {
            ocp_io.buf_ptr = (uint32_t)(uintptr_t)nb;
            ocp_io.buf_cap = ocp_io.want_cap;
        }
    }
    ocp_io.want_cap = 0;
}

static int fail_call(const char *prefix, const char *detail)
{
    size_t n = strlen(prefix) + (detail ? strlen(detail) : 0) + 1;
    char *msg = malloc(n);
    if (msg) {
        snprintf(msg, n, "%s%s", prefix, detail ? detail : "");
        set_error(msg, strlen(msg));
        free(msg);
    }
    return 1;
}

static int deadline_error(int which)
{
    char msg[160];
    snprintf(msg, sizeof(msg), "deadline exceeded: %s ran past its %u ms budget", export_names[which],
             (unsigned)export_budget_ms[which]);
    ocp_drop_pending_jobs(rt);
    return fail_call(msg, NULL);
}

static int run_export(int which)
{
    uint32_t io_flags;
    int fast_in, fast_out, status = 0;
    JSValue input = JS_UNDEFINED, result = JS_UNDEFINED;
    uint8_t *owned_input = NULL;

    if (in_call)
        return fail_call("instance unusable: an earlier call was aborted by a trap; recreate the instance", NULL);
    if (!ctx)
        return fail_call("instance unusable: the engine was not initialized", NULL);
    in_call = 1;
    deadline_hit = 0;
    deadline_ns = now_ns() + (uint64_t)export_budget_ms[which] * 1000000ull;
    JS_UpdateStackTop(rt);
    reseed_once();

    /* free the previous fast output, then read this call's protocol flags */
    if (ocp_io.flags & IO_OUT_READY)
        free((void *)(uintptr_t)ocp_io.out_ptr);
    ocp_io.out_ptr = ocp_io.out_len = 0;
    io_flags = ocp_io.magic == OCP_IO_MAGIC ? ocp_io.flags : 0;
    ocp_io.flags = 0;
    blocks_exhausted = 0;
    fast_hc = (io_flags & IO_FAST_HOSTCALL) != 0;
    ocp_io.hc_want = 0;
    if (fast_hc && !ocp_io.hc_ptr) {
        void *b = malloc(HC_INITIAL_CAP);
        if (b) {
            ocp_io.hc_ptr = (uint32_t)(uintptr_t)b;
            ocp_io.hc_cap = HC_INITIAL_CAP;
        }
    }
    fast_in = (io_flags & IO_FAST_IN) && ocp_io.in_len <= ocp_io.buf_cap;
    fast_out = (io_flags & IO_FAST_OUT) != 0;

    if (plugin_state == 2) {
        status = fail_call(load_error ? load_error : "plugin failed to load", NULL);
        goto done;
    }

    if (fast_in) {
        cur_input = (const uint8_t *)(uintptr_t)ocp_io.buf_ptr;
        cur_input_len = ocp_io.in_len;
    } else {
        size_t len = (size_t)extism_input_length(), i = 0;
        owned_input = malloc(len + 1);
        if (!owned_input) {
            status = fail_call("out of memory: input too large for the plugin's memory", NULL);
            goto done;
        }
        for (; i + 8 <= len; i += 8) {
            uint64_t w = extism_input_load_u64(i);
            memcpy(owned_input + i, &w, 8);
        }
        for (; i < len; i++)
            owned_input[i] = (uint8_t)extism_input_load_u8(i);
        cur_input = owned_input;
        cur_input_len = len;
    }

    if (plugin_state == 0) {
        JSValue r = JS_Call(ctx, load_fn, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(r) || drain_jobs(JS_UNDEFINED) < 0 || deadline_hit) {
            char *detail;
            if (deadline_hit) {
                detail = strdup("the plugin's top-level code ran past its budget");
            } else {
                detail = format_exception(JS_GetException(ctx));
            }
            {
                size_t n = strlen(detail ? detail : "") + 32;
                load_error = malloc(n);
                if (load_error)
                    snprintf(load_error, n, "plugin failed to load: %s", detail ? detail : "");
            }
            free(detail);
            plugin_state = 2;
            ocp_drop_pending_jobs(rt);
            status = fail_call(load_error ? load_error : "plugin failed to load", NULL);
            goto done;
        }
        JS_FreeValue(ctx, r);
        plugin_state = 1;
    }

    input = JS_NewStringLen(ctx, (const char *)cur_input, cur_input_len);
    if (JS_IsException(input)) {
        status = fail_call("out of memory: input too large for the plugin's memory", NULL);
        goto done;
    }
    result = JS_Call(ctx, entry_fns[which], JS_UNDEFINED, 1, (JSValueConst *)&input);
    if (!JS_IsException(result)) {
        /* the enum may be unsigned: compare as int, -1 means "not a promise" */
        int is_promise = (int)JS_PromiseState(ctx, result) >= 0;
        if (drain_jobs(is_promise ? result : JS_UNDEFINED) < 0) {
            JS_FreeValue(ctx, result);
            result = JS_EXCEPTION;
        } else if (is_promise) {
            JSPromiseStateEnum st = JS_PromiseState(ctx, result);
            if (st == JS_PROMISE_PENDING) {
                JS_FreeValue(ctx, result);
                status = fail_call("handler error: the handler's promise never settled (there is no event loop "
                                   "inside a plugin; use owncast.timer for delays)", NULL);
                goto done;
            } else {
                JSValue v = JS_PromiseResult(ctx, result);
                JS_FreeValue(ctx, result);
                if (st == JS_PROMISE_REJECTED) {
                    JS_Throw(ctx, v);
                    result = JS_EXCEPTION;
                } else {
                    result = v;
                }
            }
            /* let fire-and-forget chains started by the handler finish too */
            if (!JS_IsException(result) && drain_jobs(JS_UNDEFINED) < 0) {
                JS_FreeValue(ctx, result);
                result = JS_EXCEPTION;
            }
        }
    }

    if (deadline_hit || now_ns() >= deadline_ns) {
        JS_FreeValue(ctx, result);
        if (JS_IsException(result))
            JS_FreeValue(ctx, JS_GetException(ctx));
        status = deadline_error(which);
        goto done;
    }
    if (JS_IsException(result)) {
        char *msg = format_exception(JS_GetException(ctx));
        status = fail_call(msg ? msg : "plugin error", NULL);
        free(msg);
        goto done;
    }
    if (JS_IsUndefined(result) && !JS_IsUndefined(pending_output))
        emit_output(pending_output, fast_out);
    else
        emit_output(result, fast_out);
    JS_FreeValue(ctx, result);

done:
    JS_FreeValue(ctx, input);
    JS_FreeValue(ctx, pending_output);
    pending_output = JS_UNDEFINED;
    free(owned_input);
    cur_input = NULL;
    cur_input_len = 0;
    finish_fast_io();
    fast_hc = 0;
    deadline_ns = 0;
    in_call = 0;
    return status;
}

#define OCP_EXPORT(name, which) \
    __attribute__((export_name(#name))) int32_t ocp_export_##name(void) { return run_export(which); }
OCP_EXPORT(register, EXP_REGISTER)
OCP_EXPORT(on_event, EXP_EVENT)
OCP_EXPORT(on_filter, EXP_FILTER)
OCP_EXPORT(on_http_request, EXP_HTTP)
OCP_EXPORT(on_auth_check, EXP_AUTH)
OCP_EXPORT(on_tab_content, EXP_TAB)
OCP_EXPORT(on_page_content, EXP_PAGE)
OCP_EXPORT(on_page_styles, EXP_STYLES)
OCP_EXPORT(on_page_scripts, EXP_SCRIPTS)

/* ---------- least-privilege builds ----------
 * `build --imports granted` replaces every host import the manifest does not grant
 * with a stub that calls this (binaryen rewires the calls and then removes this
 * export). Like production's gate, the call does nothing and returns 0; unlike a
 * silent no-op it says why, once per function. */
static uint8_t denied_reported[OCP_HOSTFN_COUNT];

__attribute__((export_name("ocp_denied"))) void ocp_denied(int32_t idx)
{
    char msg[256];
    int n;
    if (idx < 0 || idx >= OCP_HOSTFN_COUNT || denied_reported[idx] || in_wizer)
        return;
    denied_reported[idx] = 1;
    n = snprintf(msg, sizeof(msg),
                 "%s: plugin lacks permission \"%s\" (this plugin.wasm was built with --imports granted; "
                 "the call did nothing)", ocp_hostfns[idx].name, ocp_hostfns[idx].permission);
    ext_log(extism_log_warn, msg, (size_t)(n < (int)sizeof(msg) ? n : (int)sizeof(msg) - 1));
}

/* ---------- Wizer initialization ---------- */
static char *read_file(const char *path, size_t *plen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0, n;
    if (!f)
        return NULL;
    for (;;) {
        if (len + 65536 + 1 > cap) {
            char *nb = realloc(buf, cap = (cap ? cap * 2 : 131072));
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    buf[len] = 0;
    *plen = len;
    return buf;
}

static void init_die(const char *tag, const char *msg)
{
    fprintf(stderr, "%s: %s\n", tag, msg ? msg : "");
    fflush(stderr);
    __builtin_trap();
}

static void eval_or_die(const char *src, size_t len, const char *name)
{
    JSValue r = JS_Eval(ctx, src, len, name, JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(r))
        init_die("OCP_INIT_ERROR", format_exception(JS_GetException(ctx)));
    JS_FreeValue(ctx, r);
}

/*
 * Files read at Wizer time (mapped at /ocp):
 *   sdk-runtime.js  the SDK runtime (always)
 *   plugin.js       the plugin, for a self-contained plugin.wasm (optional)
 *   manifest.json   embedded as config "manifest" (optional)
 *   defer           present: embed plugin.js as config "script" and evaluate it on the first call
 */
__attribute__((export_name("wizer.initialize"))) void wizer_initialize(void)
{
    size_t len;
    char *src;
    JSValue global, entry;
    int i;

    in_wizer = 1;
    if (init_runtime() < 0)
        init_die("OCP_INIT_ERROR", "could not create the QuickJS runtime");
    /* The prelude and SDK runtime need neither source text nor line tables at run
       time; dropping them keeps the snapshot (and every instance) smaller. */
    JS_SetStripInfo(rt, JS_STRIP_DEBUG);
    eval_or_die((const char *)ocp_prelude_js, ocp_prelude_js_len, "ocp:prelude");
    src = read_file("/ocp/sdk-runtime.js", &len);
    if (!src)
        init_die("OCP_INIT_ERROR", "cannot read /ocp/sdk-runtime.js");
    eval_or_die(src, len, "ocp:sdk-runtime");
    free(src);
    /* plugin code keeps its line tables (stack traces map back through the source map) */
    JS_SetStripInfo(rt, JS_STRIP_SOURCE);

    global = JS_GetGlobalObject(ctx);
    entry = JS_GetPropertyStr(ctx, global, "__ocpEntry");
    JS_FreeValue(ctx, global);
    if (!JS_IsObject(entry))
        init_die("OCP_INIT_ERROR", "the SDK runtime did not define __ocpEntry");
    for (i = 0; i < EXP_COUNT; i++) {
        entry_fns[i] = JS_GetPropertyStr(ctx, entry, export_names[i]);
        if (!JS_IsFunction(ctx, entry_fns[i]))
            init_die("OCP_INIT_ERROR", export_names[i]);
    }
    load_fn = JS_GetPropertyStr(ctx, entry, "__load");
    JS_FreeValue(ctx, entry);
    if (!JS_IsFunction(ctx, load_fn))
        init_die("OCP_INIT_ERROR", "__load");

    src = read_file("/ocp/manifest.json", &len);
    if (src) {
        set_embedded("manifest", src, len);
        free(src);
    }
    src = read_file("/ocp/plugin.js", &len);
    if (src) {
        struct stat st;
        if (stat("/ocp/defer", &st) == 0) {
            set_embedded("script", src, len);
        } else {
            JSValue arg = JS_NewStringLen(ctx, src, len), r;
            deadline_hit = 0;
            deadline_ns = now_ns() + (uint64_t)INIT_BUDGET_MS * 1000000ull;
            r = JS_Call(ctx, load_fn, JS_UNDEFINED, 1, (JSValueConst *)&arg);
            JS_FreeValue(ctx, arg);
            if (!JS_IsException(r) && drain_jobs(JS_UNDEFINED) < 0)
                r = JS_EXCEPTION;
            if (init_host_call)
                init_die("OCP_INIT_HOSTCALL", "top-level code calls the host");
            if (deadline_hit)
                init_die("OCP_INIT_TIMEOUT", "top-level code ran past the 10 s build budget");
            if (JS_IsException(r))
                init_die("OCP_INIT_ERROR", format_exception(JS_GetException(ctx)));
            JS_FreeValue(ctx, r);
            plugin_state = 1;
        }
        free(src);
    }
    JS_RunGC(rt);
    /* QuickJS seeds Math.random from the clock when the context is created: pin it,
       so the snapshot is reproducible (every instance reseeds on its first call). */
    ocp_seed_random(ctx, 1);
    /* nothing computed here may leak into instances: reset per-call state */
    ocp_io.magic = OCP_IO_MAGIC;
    ocp_io.flags = 0;
    deadline_ns = 0;
    deadline_hit = 0;
    in_call = 0;
    in_wizer = 0;
    seeded = 0;
}
