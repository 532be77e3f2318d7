/*
 * pto_orchestration_api.h -- pypto-dsl syntax-and-arity check stub (see pto_api_decls.hpp).
 * Stands in for simpler tensormap_and_ringbuffer orchestration/pto_orchestration_api.h.
 * Not evidence of correctness; written from scratch, no upstream code.
 */
#pragma once
#include "pto_api_decls.hpp"
