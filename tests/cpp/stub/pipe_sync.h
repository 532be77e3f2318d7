/*
 * pipe_sync.h -- pypto-dsl syntax-and-arity check stub (see pto_api_decls.hpp).
 * Stands in for simpler simpler_setup/incore/pipe_sync.h: kernel-exit drain of the
 * output pipe onto the scalar pipe (AIV: MTE3->S, AIC: FIX->S, EVENT_ID7).
 * Like the real header it requires __DAV_VEC__ or __DAV_CUBE__.
 * Not evidence of correctness; written from scratch, no upstream code.
 */
#pragma once
#include "pto_api_decls.hpp"

static __aicore__ inline void pipe_sync()
{
#if defined(__DAV_VEC__)
    set_flag(PIPE_MTE3, PIPE_S, EVENT_ID7);
    wait_flag(PIPE_MTE3, PIPE_S, EVENT_ID7);
#elif defined(__DAV_CUBE__)
    set_flag(PIPE_FIX, PIPE_S, EVENT_ID7);
    wait_flag(PIPE_FIX, PIPE_S, EVENT_ID7);
#else
#error "pipe_sync.h requires __DAV_VEC__ or __DAV_CUBE__ to be defined"
#endif
}
