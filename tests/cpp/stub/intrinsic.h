/*
 * intrinsic.h -- pypto-dsl syntax-and-arity check stub (see pto_api_decls.hpp).
 * Stands in for simpler tensormap_and_ringbuffer common/intrinsic.h (get_block_idx/get_block_num/get_sub_block_id).
 * Not evidence of correctness; written from scratch, no upstream code.
 */
#pragma once
#include "pto_api_decls.hpp"
