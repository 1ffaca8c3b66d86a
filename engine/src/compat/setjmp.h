/* wasi-libc in Debian bookworm has no setjmp.h. dtoa.c includes it but never
   calls setjmp/longjmp, so an empty header is enough. */
#ifndef OCP_COMPAT_SETJMP_H
#define OCP_COMPAT_SETJMP_H
#endif
