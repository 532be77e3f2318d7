/*
 * pto/common/fifo.hpp -- pypto-dsl syntax-and-arity check stub (see pto_api_decls.hpp).
 * Stands in for pto-isa <pto/common/fifo.hpp> (TileSplitAxis, Direction).
 * Not evidence of correctness; written from scratch, no upstream code.
 */
#pragma once
#include "../../pto_api_decls.hpp"
