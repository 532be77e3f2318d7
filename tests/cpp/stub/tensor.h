/*
 * tensor.h -- pypto-dsl syntax-and-arity check stub (see pto_api_decls.hpp).
 * Stands in for simpler src/common/task_interface/tensor.h (ChipTensor, DataType, from_u64).
 * Not evidence of correctness; written from scratch, no upstream code.
 */
#pragma once
#include "pto_api_decls.hpp"
