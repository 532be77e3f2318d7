/*
 * pto_api_decls.hpp -- SYNTAX-AND-ARITY CHECK STUB for pypto-dsl generated code.
 *
 * This header declares the subset of the pto-isa kernel API and of the simpler
 * runtime API (kernel side and orchestration side) that the pypto-dsl C++ code
 * generator emits.  It exists so that generated kernels and orchestration
 * sources can be checked on any machine with
 *
 *     g++ -fsyntax-only -std=c++17 -I tests/cpp/stub [-D__DAV_CUBE__|-D__DAV_VEC__] file.cpp
 *
 * It is NOT evidence of correctness.  Nothing here executes, moves data or
 * synchronises anything; all bodies are trivial.  A file that passes this check
 * can still deadlock, race, read the wrong bytes or fail to compile against the
 * real headers.  What it does check:
 *   - names, template parameter lists (count, kind and order) and function
 *     parameter lists of the API subset, written to mirror pto-isa (pin
 *     cd4a3d3f, a2a3 NPU flavour) and simpler (HEAD 6ebaf7715);
 *   - trailing arguments of every pto instruction must be events, so an extra
 *     tile/scalar argument (wrong arity) fails to compile;
 *   - a set of cheap static constraints that the real library documents or
 *     enforces (tile alignment, valid <= storage shape, matmul m/k/n agreement,
 *     TLOAD layout pairs, TMOV location pairs, TRESHAPE byte size, etc.).
 *     Where the CPU simulator is stricter than the NPU (scalar ops such as
 *     TMULS/TADDS/TMAXS/TDIVS require RowMajor tiles), the stricter rule is
 *     applied, so code that passes here also builds for a2a3sim.
 * Deliberate omissions (so that using them fails here): the CCE intrinsics
 * get_subblockid()/get_block_idx()/get_block_num() without arguments (simpler
 * does not program those registers; use the (args) accessors from intrinsic.h).
 *
 * Written from scratch for pypto-dsl.  It contains no code from pto-isa or
 * simpler; only the public API spellings are reproduced.
 */
#ifndef PYPTO_DSL_STUB_PTO_API_DECLS_HPP
#define PYPTO_DSL_STUB_PTO_API_DECLS_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

// ============================================================================
// 1. Address-space / function qualifiers (empty on the host compiler)
// ============================================================================
#undef __aicore__
#define __aicore__
#undef AICORE
#define AICORE
#ifndef __global__
#define __global__
#endif
#ifndef __gm__
#define __gm__
#endif
#ifndef __ubuf__
#define __ubuf__
#endif
#ifndef __cbuf__
#define __cbuf__
#endif
#ifndef __ca__
#define __ca__
#endif
#ifndef __cb__
#define __cb__
#endif
#ifndef __cc__
#define __cc__
#endif
#ifndef __fbuf__
#define __fbuf__
#endif
#ifndef __biasbuf__
#define __biasbuf__
#endif
#ifndef __tf__
#define __tf__
#endif
#ifndef __in__
#define __in__
#endif
#ifndef __out__
#define __out__
#endif

// ============================================================================
// 2. 16-bit float element types (distinct types; storage only)
// ============================================================================
struct half {
    uint16_t bits_;
    half() = default;
    constexpr half(float f) : bits_(0) { (void)f; }  // NOLINT: implicit like the real type
    constexpr operator float() const { return 0.0f; }
};
struct bfloat16_t {
    uint16_t bits_;
    bfloat16_t() = default;
    constexpr bfloat16_t(float f) : bits_(0) { (void)f; }  // NOLINT
    constexpr operator float() const { return 0.0f; }
};
static_assert(sizeof(half) == 2 && sizeof(bfloat16_t) == 2, "stub: 16-bit float types must be 2 bytes");
typedef half float16_t;
typedef float float32_t;

// ============================================================================
// 3. CCE pipe / event intrinsics (global namespace, as with ccec)
// ============================================================================
// Numbering follows pto-isa's cpu_stub.hpp. Enums (not ints) so that a raw
// integer pipe or event id is rejected.
enum pipe_t : int {
    PIPE_S = 0,
    PIPE_V = 1,
    PIPE_MTE1 = 2,
    PIPE_MTE2 = 3,
    PIPE_MTE3 = 4,
    PIPE_M = 5,
    PIPE_ALL = 6,
    PIPE_FIX = 7,
};
enum event_t : int {
    EVENT_ID0 = 0,
    EVENT_ID1 = 1,
    EVENT_ID2 = 2,
    EVENT_ID3 = 3,
    EVENT_ID4 = 4,
    EVENT_ID5 = 5,
    EVENT_ID6 = 6,
    EVENT_ID7 = 7,
};
inline void set_flag(pipe_t srcPipe, pipe_t dstPipe, event_t eventId) { (void)srcPipe, (void)dstPipe, (void)eventId; }
inline void wait_flag(pipe_t srcPipe, pipe_t dstPipe, event_t eventId) { (void)srcPipe, (void)dstPipe, (void)eventId; }
inline void pipe_barrier(pipe_t pipe) { (void)pipe; }
// Cross-core FFTS primitives (used inside TPUSH/TPOP; listed for raw use).
inline void ffts_cross_core_sync(pipe_t pipe, uint64_t config) { (void)pipe, (void)config; }
inline void wait_flag_dev(int64_t flagId) { (void)flagId; }

// ============================================================================
// 4. pto enums and constants
// ============================================================================
namespace pto {

constexpr int DYNAMIC = -1;

enum class TileType { Vec, Mat, Left, Right, Acc, Bias, Scaling, ScaleLeft, ScaleRight, Ctrl };
enum class BLayout { RowMajor = 0, ColMajor = 1 };
enum class SLayout { NoneBox = 0, RowMajor = 1, ColMajor = 2 };
// Subset of pto::Layout (same leading values).
enum class Layout { ND = 0, DN = 1, NZ = 2 };
enum class PadValue : uint64_t { Null = 0, Zero = 1, Max = 2, Min = 3, CustomBase = 0x100000000ULL };
enum class CompactMode { Null, Normal, RowPlusOne, RowAlignedPadding };
enum class RoundMode : uint8_t {
    CAST_NONE = 0,
    CAST_RINT = 1,   // nearest, ties to even
    CAST_ROUND = 2,  // nearest, ties away from zero
    CAST_FLOOR = 3,
    CAST_CEIL = 4,
    CAST_TRUNC = 5,
    CAST_ODD = 6,
};
enum class SaturationMode : uint8_t { ON = 0, OFF = 1 };
enum class STPhase : uint8_t { Unspecified = 0x0, Partial = 0x2, Final = 0x3 };
enum class AccPhase : uint8_t { Unspecified = 0x0, Unknown = Unspecified, Partial = 0x2, Final = 0x3 };
enum class AtomicType : uint8_t { AtomicNone = 0, AtomicAdd = 1 };
enum class TFillPadMode : uint8_t { Normal = 0, InPlace = 1, Expand = 2 };
enum class DivAlgorithm : uint8_t { DEFAULT, HIGH_PRECISION };
enum class ExpAlgorithm : uint8_t { DEFAULT, HIGH_PRECISION };

namespace TileConfig {
static constexpr int alignedSize = 32;
static constexpr int fixedRowSize = 16;
static constexpr int fixedColSize = 16;
static constexpr int fixedMxRowSize = 16;
static constexpr int fixedMxColSize = 2;
static constexpr int fractalABSize = 512;
static constexpr int fractalCSize = 1024;
static constexpr int fractalMxSize = 32;
}  // namespace TileConfig

namespace GlobalTensorDim {
constexpr int DIM_0 = 0;
constexpr int DIM_1 = 1;
constexpr int DIM_2 = 2;
constexpr int DIM_3 = 3;
constexpr int DIM_4 = 4;
constexpr int TOTAL_DIM = 5;
}  // namespace GlobalTensorDim

// TPUSH/TPOP enums (pto/common/fifo.hpp in the real library; unscoped).
enum TileSplitAxis : uint8_t {
    TILE_NO_SPLIT = 0,
    TILE_UP_DOWN = 1,
    TILE_LEFT_RIGHT = 2,
    TILE_UP_DOWN_ODD = 3,
    TILE_LEFT_RIGHT_ODD = 4,
};
enum Direction : uint8_t {
    UNDEFINED = 0,
    DIR_C2V = 1,
    DIR_V2C = 2,
    DIR_BOTH = 3,
    DIR_V2C_CTRL = 4,
};

// a2a3 on-chip buffer capacities (bytes) used by the compile-time TASSIGN check.
namespace stub_limits {
constexpr std::size_t UB = 192u * 1024u;
constexpr std::size_t L1 = 512u * 1024u;
constexpr std::size_t L0A = 64u * 1024u;
constexpr std::size_t L0B = 64u * 1024u;
constexpr std::size_t L0C = 128u * 1024u;
constexpr std::size_t BIAS = 1u * 1024u;
constexpr std::size_t FBUF = 2u * 1024u;
constexpr std::size_t ALIGN = 32u;
}  // namespace stub_limits

// ============================================================================
// 5. Events
// ============================================================================
struct RecordEvent {};
struct EventBaseTag {};
template <typename T>
struct is_event : std::is_base_of<EventBaseTag, std::remove_cv_t<T>> {};
template <typename... Ts>
inline constexpr bool all_events_v = (is_event<Ts>::value && ...);

#define PTO_STUB_CHECK_EVENTS(Pack)                                                                              \
    static_assert(::pto::all_events_v<Pack...>,                                                                  \
                  "pto stub: trailing arguments of a pto instruction must be events (wrong arity or argument " \
                  "order?)")

// ============================================================================
// 6. Shape / Stride / GlobalTensor
// ============================================================================
namespace stub_detail {
template <int64_t... Ns>
constexpr int count_dynamic()
{
    return ((Ns == DYNAMIC ? 1 : 0) + ...);
}
}  // namespace stub_detail

template <int64_t N1 = DYNAMIC, int64_t N2 = DYNAMIC, int64_t N3 = DYNAMIC, int64_t N4 = DYNAMIC, int64_t N5 = DYNAMIC>
struct Shape {
    static constexpr int64_t staticShape[5] = {N1, N2, N3, N4, N5};
    static constexpr int kDyn = stub_detail::count_dynamic<N1, N2, N3, N4, N5>();
    int64_t shape[GlobalTensorDim::TOTAL_DIM] = {N1, N2, N3, N4, N5};

    Shape() {}
    Shape(int64_t n)
    {
        static_assert(kDyn == 1, "Shape(n): exactly one dimension must be DYNAMIC (-1)");
        (void)n;
    }
    Shape(int64_t n1, int64_t n2)
    {
        static_assert(kDyn == 2, "Shape(n1,n2): exactly two dimensions must be DYNAMIC (-1)");
        (void)n1, (void)n2;
    }
    Shape(int64_t n1, int64_t n2, int64_t n3)
    {
        static_assert(kDyn == 3, "Shape(n1,n2,n3): exactly three dimensions must be DYNAMIC (-1)");
        (void)n1, (void)n2, (void)n3;
    }
    Shape(int64_t n1, int64_t n2, int64_t n3, int64_t n4)
    {
        static_assert(kDyn == 4, "Shape(n1..n4): exactly four dimensions must be DYNAMIC (-1)");
        (void)n1, (void)n2, (void)n3, (void)n4;
    }
    Shape(int64_t n1, int64_t n2, int64_t n3, int64_t n4, int64_t n5) { (void)n1, (void)n2, (void)n3, (void)n4, (void)n5; }
};

template <int64_t SN1 = DYNAMIC, int64_t SN2 = DYNAMIC, int64_t SN3 = DYNAMIC, int64_t SN4 = DYNAMIC,
          int64_t SN5 = DYNAMIC>
struct Stride {
    static constexpr int64_t staticStride[GlobalTensorDim::TOTAL_DIM] = {SN1, SN2, SN3, SN4, SN5};
    static constexpr int kDyn = stub_detail::count_dynamic<SN1, SN2, SN3, SN4, SN5>();
    int64_t stride[GlobalTensorDim::TOTAL_DIM] = {SN1, SN2, SN3, SN4, SN5};

    Stride() {}
    Stride(int64_t n)
    {
        static_assert(kDyn == 1, "Stride(n): exactly one stride must be DYNAMIC (-1)");
        (void)n;
    }
    Stride(int64_t n1, int64_t n2)
    {
        static_assert(kDyn == 2, "Stride(n1,n2): exactly two strides must be DYNAMIC (-1)");
        (void)n1, (void)n2;
    }
    Stride(int64_t n1, int64_t n2, int64_t n3)
    {
        static_assert(kDyn == 3, "Stride(n1,n2,n3): exactly three strides must be DYNAMIC (-1)");
        (void)n1, (void)n2, (void)n3;
    }
    Stride(int64_t n1, int64_t n2, int64_t n3, int64_t n4)
    {
        static_assert(kDyn == 4, "Stride(n1..n4): exactly four strides must be DYNAMIC (-1)");
        (void)n1, (void)n2, (void)n3, (void)n4;
    }
    Stride(int64_t n1, int64_t n2, int64_t n3, int64_t n4, int64_t n5)
    {
        (void)n1, (void)n2, (void)n3, (void)n4, (void)n5;
    }
};

template <typename T>
struct is_shape : std::false_type {};
template <int64_t A, int64_t B, int64_t C, int64_t D, int64_t E>
struct is_shape<Shape<A, B, C, D, E>> : std::true_type {};
template <typename T>
struct is_stride : std::false_type {};
template <int64_t A, int64_t B, int64_t C, int64_t D, int64_t E>
struct is_stride<Stride<A, B, C, D, E>> : std::true_type {};

template <typename Element_, typename Shape_, typename Stride_, Layout Layout_ = Layout::ND>
struct GlobalTensor {
    static_assert(is_shape<Shape_>::value, "GlobalTensor: 2nd template argument must be pto::Shape<...>");
    static_assert(is_stride<Stride_>::value, "GlobalTensor: 3rd template argument must be pto::Stride<...>");

    using Shape = Shape_;
    using Stride = Stride_;
    using RawDType = std::remove_cv_t<Element_>;
    using DType = __gm__ RawDType;
    static constexpr Layout layout = Layout_;
    static constexpr int64_t staticShape[GlobalTensorDim::TOTAL_DIM] = {
        Shape_::staticShape[0], Shape_::staticShape[1], Shape_::staticShape[2], Shape_::staticShape[3],
        Shape_::staticShape[4]};
    static constexpr int64_t staticStride[GlobalTensorDim::TOTAL_DIM] = {
        Stride_::staticStride[0], Stride_::staticStride[1], Stride_::staticStride[2], Stride_::staticStride[3],
        Stride_::staticStride[4]};

    // Lint: the innermost stride of a row-major (ND) view, and the row stride of a
    // column-major (DN) view, is 1 element when it is static.
    static_assert(Layout_ != Layout::ND || staticStride[4] == DYNAMIC || staticStride[4] == 1,
                  "GlobalTensor<ND>: Stride dim 4 (column stride) must be 1");
    static_assert(Layout_ != Layout::DN || staticStride[3] == DYNAMIC || staticStride[3] == 1,
                  "GlobalTensor<DN>: Stride dim 3 (row stride) must be 1");

    GlobalTensor(DType* data, const Shape& shape = Shape(), const Stride& stride = Stride())
        : data_(data), shape_(shape), stride_(stride)
    {}
    GlobalTensor() : data_(nullptr) {}

    DType* data() const { return data_; }
    void SetAddr(DType* addr) { data_ = addr; }
    int64_t GetShape(const int dim) const { return shape_.shape[dim]; }
    int64_t GetStride(const int dim) const { return stride_.stride[dim]; }

private:
    DType* data_;
    Shape shape_;
    Stride stride_;
};

namespace stub_detail {
// pto-isa (pin cd4a3d3f) keeps a GlobalTensor's shape and strides as int64_t, but its a2a3
// TLOAD and TSTORE implementations take them as `int gShape0..4, int gStride0..4`
// (common/arch/memory/tload_common.hpp, npu/a2a3/TStore.hpp): a value beyond int is
// truncated there. `gm_transfer` has those parameter types, and TLOAD/TSTORE below hand the
// GlobalTensor's values to it as the library does; a static value that would not survive the
// conversion is refused. (Dynamic values are checked by the generated orchestration at launch.)
inline void gm_transfer(int gShape0, int gShape1, int gShape2, int gShape3, int gShape4, int gStride0,
                        int gStride1, int gStride2, int gStride3, int gStride4)
{
    (void)gShape0, (void)gShape1, (void)gShape2, (void)gShape3, (void)gShape4;
    (void)gStride0, (void)gStride1, (void)gStride2, (void)gStride3, (void)gStride4;
}
template <typename GlobalData>
constexpr bool static_shape_and_strides_fit_int()
{
    for (int d = 0; d < GlobalTensorDim::TOTAL_DIM; ++d) {
        const int64_t shape = GlobalData::staticShape[d], stride = GlobalData::staticStride[d];
        if ((shape != DYNAMIC && (shape < 0 || shape > 2147483647)) ||
            (stride != DYNAMIC && (stride < 0 || stride > 2147483647))) {
            return false;
        }
    }
    return true;
}
template <typename GlobalData>
inline void gm_transfer_of(GlobalData& g)
{
    static_assert(static_shape_and_strides_fit_int<GlobalData>(),
                  "TLOAD/TSTORE: pto-isa hands a GlobalTensor's shape and strides on as int; a static one does "
                  "not fit in int");
    gm_transfer(g.GetShape(0), g.GetShape(1), g.GetShape(2), g.GetShape(3), g.GetShape(4), g.GetStride(0),
                g.GetStride(1), g.GetStride(2), g.GetStride(3), g.GetStride(4));
}
}  // namespace stub_detail

// ============================================================================
// 7. Tile
// ============================================================================
namespace stub_detail {
template <SLayout S, int FractalSize, typename T>
constexpr int inner_rows()
{
    if constexpr (FractalSize == TileConfig::fractalCSize) {
        return TileConfig::fixedRowSize;
    } else if constexpr (FractalSize == TileConfig::fractalMxSize) {
        return S == SLayout::RowMajor ? TileConfig::fixedMxRowSize : TileConfig::fixedMxColSize;
    } else if constexpr (S == SLayout::NoneBox) {
        return 1;
    } else if constexpr (S == SLayout::RowMajor) {
        return TileConfig::fixedRowSize;
    } else {
        return static_cast<int>(TileConfig::alignedSize / sizeof(T));
    }
}
template <SLayout S, int FractalSize, typename T>
constexpr int inner_cols()
{
    if constexpr (FractalSize == TileConfig::fractalCSize) {
        return TileConfig::fixedColSize;
    } else if constexpr (FractalSize == TileConfig::fractalMxSize) {
        return S == SLayout::RowMajor ? TileConfig::fixedMxColSize : TileConfig::fixedMxRowSize;
    } else if constexpr (S == SLayout::NoneBox) {
        return 1;
    } else if constexpr (S == SLayout::RowMajor) {
        return static_cast<int>(TileConfig::alignedSize / sizeof(T));
    } else {
        return TileConfig::fixedColSize;
    }
}
}  // namespace stub_detail

template <TileType Loc_, typename Element_, const int Rows_, const int Cols_,
          const BLayout BFractal_ = BLayout::RowMajor, const int RowValid_ = Rows_, const int ColValid_ = Cols_,
          const SLayout SFractal_ = SLayout::NoneBox, const int SFractalSize_ = TileConfig::fractalABSize,
          auto PadVal_ = PadValue::Null, const CompactMode Compact_ = CompactMode::Null>
struct Tile {
    using DType = Element_;
    using TileDType = DType*;

    static constexpr TileType Loc = Loc_;
    static constexpr int Rows = Rows_;
    static constexpr int Cols = Cols_;
    static constexpr int ValidRow = RowValid_;
    static constexpr int ValidCol = ColValid_;
    static constexpr BLayout BFractal = BFractal_;
    static constexpr SLayout SFractal = SFractal_;
    static constexpr int SFractalSize = SFractalSize_;
    static constexpr auto PadVal = PadVal_;
    static constexpr CompactMode Compact = Compact_;

    static constexpr bool isRowMajor = (BFractal_ == BLayout::RowMajor);
    static constexpr bool isBoxedLayout = (SFractal_ != SLayout::NoneBox);
    static constexpr bool isInnerRowMajor = (SFractal_ == SLayout::RowMajor);
    static constexpr bool isInnerColMajor = (SFractal_ == SLayout::ColMajor);
    static constexpr int Numel = Rows_ * Cols_;
    static constexpr int RowStride = isRowMajor ? Cols_ : 1;
    static constexpr int ColStride = isRowMajor ? 1 : Rows_;
    static constexpr int InnerRows = stub_detail::inner_rows<SFractal_, SFractalSize_, Element_>();
    static constexpr int InnerCols = stub_detail::inner_cols<SFractal_, SFractalSize_, Element_>();
    static constexpr std::size_t SizeBytes = static_cast<std::size_t>(Rows_) * Cols_ * sizeof(Element_);

    // ---- static shape rules ----
    static_assert(Rows_ > 0 && Cols_ > 0, "Tile: Rows and Cols must be > 0");
    static_assert((RowValid_ == DYNAMIC || (RowValid_ > 0 && RowValid_ <= Rows_)) &&
                      (ColValid_ == DYNAMIC || (ColValid_ > 0 && ColValid_ <= Cols_)),
                  "Tile: ValidRow/ValidCol must be DYNAMIC (-1) or in [1, Rows]/[1, Cols]");
    static_assert(SFractalSize_ == TileConfig::fractalABSize || SFractalSize_ == TileConfig::fractalCSize ||
                      SFractalSize_ == TileConfig::fractalMxSize,
                  "Tile: SFractalSize must be 512, 1024 or 32");
    static_assert(isBoxedLayout || !isRowMajor || (Cols_ * sizeof(Element_)) % TileConfig::alignedSize == 0,
                  "Tile: RowMajor non-boxed tile needs Cols*sizeof(T) to be a multiple of 32 bytes");
    static_assert(isBoxedLayout || isRowMajor || (Rows_ * sizeof(Element_)) % TileConfig::alignedSize == 0,
                  "Tile: ColMajor non-boxed tile needs Rows*sizeof(T) to be a multiple of 32 bytes");
    static_assert(!isBoxedLayout || Cols_ % InnerCols == 0, "Tile: boxed tile Cols must be a multiple of the box cols");
    static_assert(!isBoxedLayout || Loc_ == TileType::Vec || SFractalSize_ == TileConfig::fractalMxSize ||
                      Rows_ == 1 || Rows_ % InnerRows == 0,
                  "Tile: boxed tile Rows must be a multiple of the box rows");

    // ---- constructors ----
    Tile() = default;
    // exactly one valid dimension is DYNAMIC: Tile t(validDim)
    template <int R = RowValid_, int C = ColValid_, std::enable_if_t<((R == DYNAMIC) != (C == DYNAMIC)), int> = 0>
    Tile(unsigned validDim)
    {
        if constexpr (R == DYNAMIC) {
            rowMask_ = validDim;
        } else {
            colMask_ = validDim;
        }
    }
    // both valid dimensions are DYNAMIC: Tile t(validRows, validCols)
    template <int R = RowValid_, int C = ColValid_, std::enable_if_t<(R == DYNAMIC && C == DYNAMIC), int> = 0>
    Tile(unsigned validRows, unsigned validCols) : rowMask_(validRows), colMask_(validCols)
    {}

    // ---- valid-shape accessors ----
    template <int R = RowValid_, std::enable_if_t<(R > 0), int> = 0>
    static constexpr unsigned GetValidRow()
    {
        return static_cast<unsigned>(R);
    }
    template <int R = RowValid_, std::enable_if_t<(R == DYNAMIC), int> = 0, int = 0>
    unsigned GetValidRow() const
    {
        return rowMask_;
    }
    template <int C = ColValid_, std::enable_if_t<(C > 0), int> = 0>
    static constexpr unsigned GetValidCol()
    {
        return static_cast<unsigned>(C);
    }
    template <int C = ColValid_, std::enable_if_t<(C == DYNAMIC), int> = 0, int = 0>
    unsigned GetValidCol() const
    {
        return colMask_;
    }
    void SetValidRow(unsigned rowMask)
    {
        static_assert(RowValid_ == DYNAMIC, "Tile::SetValidRow: only for a DYNAMIC valid row");
        rowMask_ = rowMask;
    }
    void SetValidCol(unsigned colMask)
    {
        static_assert(ColValid_ == DYNAMIC, "Tile::SetValidCol: only for a DYNAMIC valid col");
        colMask_ = colMask;
    }
    void SetValidShape(unsigned rowMask, unsigned colMask)
    {
        static_assert(RowValid_ == DYNAMIC && ColValid_ == DYNAMIC, "Tile::SetValidShape: both must be DYNAMIC");
        rowMask_ = rowMask;
        colMask_ = colMask;
    }

    TileDType& data() { return data_; }
    const TileDType& data() const { return data_; }

private:
    TileDType data_ = nullptr;
    unsigned rowMask_ = 0;
    unsigned colMask_ = 0;
};

// a2a3 NPU aliases. Under __CPU_SIM the real library makes TileLeft ColMajor (NZ).
#if defined(__CPU_SIM)
template <typename Element_, const int Rows_, const int Cols_, const int RowValid_ = Rows_, const int ColValid_ = Cols_>
using TileLeft = Tile<TileType::Left, Element_, Rows_, Cols_, BLayout::ColMajor, RowValid_, ColValid_,
                      SLayout::RowMajor, TileConfig::fractalABSize>;
#else
template <typename Element_, const int Rows_, const int Cols_, const int RowValid_ = Rows_, const int ColValid_ = Cols_>
using TileLeft = Tile<TileType::Left, Element_, Rows_, Cols_, BLayout::RowMajor, RowValid_, ColValid_,
                      SLayout::RowMajor, TileConfig::fractalABSize>;
#endif
template <typename Element_, const int Rows_, const int Cols_, const int RowValid_ = Rows_, const int ColValid_ = Cols_>
using TileRight = Tile<TileType::Right, Element_, Rows_, Cols_, BLayout::RowMajor, RowValid_, ColValid_,
                       SLayout::ColMajor, TileConfig::fractalABSize>;
template <typename Element_, const int Rows_, const int Cols_, const int RowValid_ = Rows_, const int ColValid_ = Cols_>
using TileAcc = Tile<TileType::Acc, Element_, Rows_, Cols_, BLayout::ColMajor, RowValid_, ColValid_,
                     SLayout::RowMajor, TileConfig::fractalCSize>;

// ---- traits ----
template <typename T>
struct is_tile_data : std::false_type {};
template <TileType L, typename E, int R, int C, BLayout B, int VR, int VC, SLayout S, int F, auto P, CompactMode M>
struct is_tile_data<Tile<L, E, R, C, B, VR, VC, S, F, P, M>> : std::true_type {};
template <typename T>
inline constexpr bool is_tile_data_v = is_tile_data<std::remove_cv_t<T>>::value;

template <typename T>
struct is_global_data : std::false_type {};
template <typename E, typename Sh, typename St, Layout L>
struct is_global_data<GlobalTensor<E, Sh, St, L>> : std::true_type {};
template <typename T>
inline constexpr bool is_global_data_v = is_global_data<std::remove_cv_t<T>>::value;

namespace stub_detail {
enum class TileLayoutKind { ND, DN, NZ, ZN, ZZ, OTHER };
template <typename T>
constexpr TileLayoutKind tile_layout()
{
    if constexpr (T::SFractal == SLayout::NoneBox) {
        return T::isRowMajor ? TileLayoutKind::ND : TileLayoutKind::DN;
    } else if constexpr (T::SFractalSize != TileConfig::fractalABSize) {
        return TileLayoutKind::OTHER;
    } else if constexpr (!T::isRowMajor && T::SFractal == SLayout::RowMajor) {
        return TileLayoutKind::NZ;
    } else if constexpr (T::isRowMajor && T::SFractal == SLayout::ColMajor) {
        return TileLayoutKind::ZN;
    } else if constexpr (T::isRowMajor && T::SFractal == SLayout::RowMajor) {
        return TileLayoutKind::ZZ;
    } else {
        return TileLayoutKind::OTHER;
    }
}
template <typename T, typename... Us>
inline constexpr bool is_one_of_v = (std::is_same_v<T, Us> || ...);
// element types accepted by a2a3 vector arithmetic (TADD, TMULS, TROWEXPAND*, ...)
template <typename T>
inline constexpr bool vec_arith_type_v = is_one_of_v<T, int32_t, int16_t, half, float>;

template <typename... Ts>
inline constexpr bool all_tiles_v = (is_tile_data_v<Ts> && ...);
template <typename... Ts>
inline constexpr bool all_vec_v = ((Ts::Loc == TileType::Vec) && ...);
template <typename... Ts>
inline constexpr bool all_row_major_v = (Ts::isRowMajor && ...);
template <typename T, typename... Ts>
inline constexpr bool same_dtype_v = (std::is_same_v<typename T::DType, typename Ts::DType> && ...);

template <TileType L>
constexpr std::size_t capacity_of()
{
    switch (L) {
        case TileType::Vec: return stub_limits::UB;
        case TileType::Mat: return stub_limits::L1;
        case TileType::Left: return stub_limits::L0A;
        case TileType::Right: return stub_limits::L0B;
        case TileType::Acc: return stub_limits::L0C;
        case TileType::Bias: return stub_limits::BIAS;
        case TileType::Scaling: return stub_limits::FBUF;
        default: return 0;
    }
}

// Checks shared by the element-wise binary ops (TADD/TSUB/TMUL/TDIV/TMAX/TMIN).
template <typename D, typename S0, typename S1>
constexpr void check_binary()
{
    static_assert(all_tiles_v<D, S0, S1>, "pto binary op: dst/src0/src1 must be pto::Tile");
    static_assert(all_vec_v<D, S0, S1>, "pto binary op: all tiles must be TileType::Vec");
    static_assert(same_dtype_v<D, S0, S1>, "pto binary op: dst/src0/src1 element types must match");
    static_assert(all_row_major_v<D, S0, S1>, "pto binary op: all tiles must be RowMajor (use a TRESHAPE view)");
    static_assert(vec_arith_type_v<typename D::DType>, "pto binary op: element type must be int32/int16/half/float");
}

// Checks shared by the tile-scalar ops. RowMajorRequired mirrors the CPU simulator
// (TADDS/TMULS/TDIVS/TMAXS); TSUBS/TMINS only need Vec there.
template <bool RowMajorRequired, typename D, typename S>
constexpr void check_tile_scalar()
{
    static_assert(all_tiles_v<D, S>, "pto tile-scalar op: dst/src must be pto::Tile");
    static_assert(all_vec_v<D, S>, "pto tile-scalar op: tiles must be TileType::Vec");
    static_assert(same_dtype_v<D, S>, "pto tile-scalar op: dst/src element types must match");
    static_assert(!RowMajorRequired || all_row_major_v<D, S>,
                  "pto tile-scalar op (TADDS/TMULS/TDIVS/TMAXS): the CPU simulator rejects ColMajor (DN) tiles; "
                  "apply it to a RowMajor TRESHAPE view of the same bytes");
    static_assert(vec_arith_type_v<typename D::DType>,
                  "pto tile-scalar op: element type must be int32/int16/half/float");
}

template <typename D, typename S0, typename S1>
constexpr void check_row_expand_binary()
{
    static_assert(all_tiles_v<D, S0, S1>, "TROWEXPAND*: dst/src0/src1 must be pto::Tile");
    static_assert(all_vec_v<D, S0, S1>, "TROWEXPAND*: all tiles must be TileType::Vec");
    static_assert(same_dtype_v<D, S0, S1>, "TROWEXPAND*: element types must match");
    static_assert(D::isRowMajor, "TROWEXPAND*: dst must be RowMajor");
    static_assert(vec_arith_type_v<typename D::DType>, "TROWEXPAND*: element type must be int32/int16/half/float");
    // When every valid dimension involved is static, one source must have dst's valid
    // shape (and be RowMajor) and the other must be a per-row scalar: DN with
    // ValidCol 1, or RowMajor with exactly 32 bytes per row.
    constexpr bool allStatic = D::ValidRow > 0 && D::ValidCol > 0 && S0::ValidRow > 0 && S0::ValidCol > 0 &&
                               S1::ValidRow > 0 && S1::ValidCol > 0;
    if constexpr (allStatic) {
        constexpr int perRowCols = static_cast<int>(32 / sizeof(typename D::DType));
        constexpr bool s0Full = S0::ValidRow == D::ValidRow && S0::ValidCol == D::ValidCol && S0::isRowMajor;
        constexpr bool s1Full = S1::ValidRow == D::ValidRow && S1::ValidCol == D::ValidCol && S1::isRowMajor;
        constexpr bool s0Scalar = S0::ValidRow == D::ValidRow &&
                                  ((!S0::isRowMajor && S0::ValidCol == 1) || (S0::isRowMajor && S0::ValidCol == perRowCols));
        constexpr bool s1Scalar = S1::ValidRow == D::ValidRow &&
                                  ((!S1::isRowMajor && S1::ValidCol == 1) || (S1::isRowMajor && S1::ValidCol == perRowCols));
        static_assert((s0Full && s1Scalar) || (s1Full && s0Scalar),
                      "TROWEXPAND*: one source must match dst's valid shape, the other must be a per-row scalar "
                      "(DN [R x 1] or RowMajor with 32 bytes per row)");
    }
}

template <typename D, typename S, typename Tmp>
constexpr void check_row_reduce()
{
    static_assert(all_tiles_v<D, S, Tmp>, "TROWMAX/TROWSUM: dst/src/tmp must be pto::Tile");
    static_assert(all_vec_v<D, S, Tmp>, "TROWMAX/TROWSUM: dst/src/tmp must be TileType::Vec");
    static_assert(S::isRowMajor && S::SFractal == SLayout::NoneBox, "TROWMAX/TROWSUM: src must be an ND tile");
    static_assert(!D::isBoxedLayout && (D::isRowMajor || D::Cols == 1),
                  "TROWMAX/TROWSUM: dst must be ND, or DN with Cols == 1");
    static_assert(same_dtype_v<D, S>, "TROWMAX/TROWSUM: dst/src element types must match");
    static_assert(is_one_of_v<typename S::DType, half, float, int32_t, int16_t>,
                  "TROWMAX/TROWSUM: element type must be half/float/int32/int16");
    static_assert(D::ValidRow == DYNAMIC || S::ValidRow == DYNAMIC || D::ValidRow == S::ValidRow,
                  "TROWMAX/TROWSUM: dst.ValidRow must equal src.ValidRow");
}

template <typename D, typename S>
constexpr void check_fillpad_vec()
{
    static_assert(all_tiles_v<D, S>, "TFILLPAD: dst/src must be pto::Tile");
    static_assert(all_vec_v<D, S>, "TFILLPAD(_INPLACE): dst/src must be TileType::Vec");
    static_assert(D::PadVal != PadValue::Null, "TFILLPAD(_INPLACE): dst pad value must not be PadValue::Null");
    static_assert(sizeof(typename D::DType) == sizeof(typename S::DType), "TFILLPAD: dst/src element sizes differ");
    static_assert(sizeof(typename D::DType) == 4 || sizeof(typename D::DType) == 2 || sizeof(typename D::DType) == 1,
                  "TFILLPAD: element size must be 1, 2 or 4 bytes");
}
}  // namespace stub_detail

// ============================================================================
// 8. Instructions
// ============================================================================

// ---- TASSIGN ----
template <typename T, typename AddrType>
inline void TASSIGN(T& obj, AddrType addr)
{
    if constexpr (is_tile_data_v<T>) {
        static_assert(std::is_integral_v<AddrType>, "TASSIGN(tile, addr): addr must be an integer byte offset");
        obj.data() = reinterpret_cast<typename T::TileDType>(static_cast<std::uintptr_t>(addr));
    } else {
        static_assert(is_global_data_v<T>, "TASSIGN: only pto::Tile and pto::GlobalTensor can be assigned");
        static_assert(std::is_pointer_v<AddrType>, "TASSIGN(globalTensor, p): p must be a pointer");
        static_assert(std::is_same_v<std::remove_cv_t<std::remove_pointer_t<AddrType>>, typename T::RawDType>,
                      "TASSIGN(globalTensor, p): pointer element type must match the GlobalTensor");
        obj.SetAddr(addr);
    }
}

// Compile-time address form: bounds and 32-byte alignment against the a2a3 buffer sizes.
template <std::size_t Addr, typename T>
inline std::enable_if_t<is_tile_data_v<T>> TASSIGN(T& obj)
{
    constexpr std::size_t cap = stub_detail::capacity_of<T::Loc>();
    static_assert(cap > 0, "TASSIGN<Addr>: this TileType has no a2a3 buffer");
    static_assert(T::SizeBytes <= cap, "TASSIGN<Addr>: tile larger than its buffer");
    static_assert(Addr + T::SizeBytes <= cap, "TASSIGN<Addr>: Addr + tile bytes exceeds the buffer");
    static_assert(Addr % stub_limits::ALIGN == 0, "TASSIGN<Addr>: Addr must be 32-byte aligned");
    TASSIGN(obj, Addr);
}

// ---- TLOAD / TSTORE ----
template <typename TileData, typename GlobalData, typename... WaitEvents>
inline RecordEvent TLOAD(TileData& dst, GlobalData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    using stub_detail::TileLayoutKind;
    static_assert(is_tile_data_v<TileData>, "TLOAD(dst, src): dst must be a pto::Tile");
    static_assert(is_global_data_v<GlobalData>, "TLOAD(dst, src): src must be a pto::GlobalTensor");
    static_assert(TileData::Loc == TileType::Vec || TileData::Loc == TileType::Mat, "TLOAD: dst must be Vec or Mat");
    static_assert(sizeof(typename TileData::DType) == sizeof(typename GlobalData::RawDType),
                  "TLOAD: tile and GlobalTensor element sizes must match");
    constexpr TileLayoutKind tl = stub_detail::tile_layout<TileData>();
    constexpr Layout gl = GlobalData::layout;
    constexpr bool same = (gl == Layout::ND && tl == TileLayoutKind::ND) ||
                          (gl == Layout::DN && tl == TileLayoutKind::DN) ||
                          (gl == Layout::NZ && tl == TileLayoutKind::NZ);
    constexpr bool nd2nz = gl == Layout::ND && tl == TileLayoutKind::NZ;
    constexpr bool dn2zn = gl == Layout::DN && tl == TileLayoutKind::ZN;
    if constexpr (TileData::Loc == TileType::Vec) {
        static_assert(same, "TLOAD(Vec tile): only ND->ND, DN->DN, NZ->NZ");
    } else {
        static_assert(same || nd2nz || dn2zn, "TLOAD(Mat tile): only ND->ND, DN->DN, NZ->NZ, ND->NZ, DN->ZN");
        if constexpr (nd2nz || dn2zn) {
            static_assert(GlobalData::staticShape[0] == 1 && GlobalData::staticShape[1] == 1 &&
                              GlobalData::staticShape[2] == 1,
                          "TLOAD ND->NZ / DN->ZN: GlobalTensor dims 0..2 must be static 1");
        }
    }
    stub_detail::gm_transfer_of(src);
    (void)dst;
    return {};
}

template <typename TileData, typename GlobalData>
constexpr void pto_stub_check_tstore()
{
    static_assert(is_tile_data_v<TileData>, "TSTORE(dst, src): src must be a pto::Tile");
    static_assert(is_global_data_v<GlobalData>, "TSTORE(dst, src): dst must be a pto::GlobalTensor (dst comes first)");
    static_assert(TileData::Loc == TileType::Vec || TileData::Loc == TileType::Acc || TileData::Loc == TileType::Mat,
                  "TSTORE: src tile must be Vec, Acc or Mat");
    if constexpr (TileData::Loc == TileType::Acc) {
        static_assert(stub_detail::is_one_of_v<typename TileData::DType, float, int32_t>,
                      "TSTORE(Acc): accumulator element type must be float or int32");
        static_assert(stub_detail::is_one_of_v<typename GlobalData::RawDType, float, int32_t, half, bfloat16_t>,
                      "TSTORE(Acc): GM element type must be float/int32/half/bf16");
        static_assert(GlobalData::layout == Layout::ND || GlobalData::layout == Layout::NZ,
                      "TSTORE(Acc): GlobalTensor layout must be ND or NZ");
        static_assert(TileData::Cols >= 1 && TileData::Cols <= 4095, "TSTORE(Acc): Cols must be in [1, 4095]");
        static_assert(GlobalData::layout != Layout::ND || TileData::Rows <= 8192,
                      "TSTORE(Acc) to ND: Rows must be <= 8192");
    } else {
        static_assert(sizeof(typename TileData::DType) == sizeof(typename GlobalData::RawDType),
                      "TSTORE: tile and GlobalTensor element sizes must match");
    }
}

template <typename TileData, typename GlobalData, typename... WaitEvents>
inline RecordEvent TSTORE(GlobalData& dst, TileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_tstore<TileData, GlobalData>();
    stub_detail::gm_transfer_of(dst);
    (void)src;
    return {};
}
template <STPhase Phase, typename TileData, typename GlobalData, typename... WaitEvents>
inline RecordEvent TSTORE(GlobalData& dst, TileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_tstore<TileData, GlobalData>();
    static_assert(TileData::Loc == TileType::Acc, "TSTORE<STPhase>: unit-flag phase applies to Acc stores");
    stub_detail::gm_transfer_of(dst);
    (void)src;
    return {};
}
template <typename TileData, typename GlobalData, AtomicType atomicType, typename... WaitEvents>
inline RecordEvent TSTORE(GlobalData& dst, TileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_tstore<TileData, GlobalData>();
    stub_detail::gm_transfer_of(dst);
    (void)src;
    return {};
}

// ---- TMOV ----
template <typename DstTileData, typename SrcTileData>
constexpr void pto_stub_check_tmov()
{
    static_assert(stub_detail::all_tiles_v<DstTileData, SrcTileData>, "TMOV(dst, src): both must be pto::Tile");
    constexpr TileType d = DstTileData::Loc;
    constexpr TileType s = SrcTileData::Loc;
    static_assert((s == TileType::Mat && (d == TileType::Left || d == TileType::Right || d == TileType::Bias ||
                                          d == TileType::Scaling)) ||
                      (s == TileType::Vec && d == TileType::Vec) || (s == TileType::Acc && d == TileType::Mat),
                  "TMOV (a2a3): allowed pairs are Mat->Left/Right/Bias/Scaling, Vec->Vec, Acc->Mat "
                  "(no Acc->Vec on a2a3: move C->V data through GM / TPUSH)");
    if constexpr (s == TileType::Mat && (d == TileType::Left || d == TileType::Right)) {
        static_assert(DstTileData::Rows == SrcTileData::Rows && DstTileData::Cols == SrcTileData::Cols,
                      "TMOV Mat->L0: src and dst must have the same Rows/Cols");
        static_assert(std::is_same_v<typename DstTileData::DType, typename SrcTileData::DType>,
                      "TMOV Mat->L0: element types must match");
    }
}
template <typename DstTileData, typename SrcTileData, typename... WaitEvents>
inline RecordEvent TMOV(DstTileData& dst, SrcTileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_tmov<DstTileData, SrcTileData>();
    (void)dst, (void)src;
    return {};
}
template <typename DstTileData, typename SrcTileData, typename TmpTileData, typename... WaitEvents,
          std::enable_if_t<is_tile_data_v<TmpTileData>, int> = 0>
inline RecordEvent TMOV(DstTileData& dst, SrcTileData& src, TmpTileData& tmp, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::all_tiles_v<DstTileData, SrcTileData>, "TMOV(dst, src, tmp): dst/src must be Tiles");
    (void)dst, (void)src, (void)tmp;
    return {};
}

// ---- TMATMUL / TMATMUL_ACC ----
template <typename TileRes, typename TileL, typename TileR>
constexpr void pto_stub_check_mad()
{
    static_assert(stub_detail::all_tiles_v<TileRes, TileL, TileR>, "TMATMUL: c/a/b must be pto::Tile");
    static_assert(TileRes::Loc == TileType::Acc, "TMATMUL: 1st argument (c) must be an Acc tile");
    static_assert(TileL::Loc == TileType::Left, "TMATMUL: 2nd argument (a) must be a Left tile");
    static_assert(TileR::Loc == TileType::Right, "TMATMUL: 3rd argument (b) must be a Right tile");
    using C = typename TileRes::DType;
    using A = typename TileL::DType;
    using B = typename TileR::DType;
    static_assert((std::is_same_v<C, float> && std::is_same_v<A, bfloat16_t> && std::is_same_v<B, bfloat16_t>) ||
                      (std::is_same_v<C, float> && std::is_same_v<A, half> && std::is_same_v<B, half>) ||
                      (std::is_same_v<C, float> && std::is_same_v<A, float> && std::is_same_v<B, float>) ||
                      (std::is_same_v<C, int32_t> && std::is_same_v<A, int8_t> && std::is_same_v<B, int8_t>),
                  "TMATMUL: (c, a, b) element types must be (float,bf16,bf16), (float,half,half), "
                  "(float,float,float) or (int32,int8,int8)");
    static_assert(TileL::Rows == TileRes::Rows && TileL::Cols == TileR::Rows && TileR::Cols == TileRes::Cols,
                  "TMATMUL: inconsistent m/k/n (need Left.Rows==Acc.Rows, Left.Cols==Right.Rows, "
                  "Right.Cols==Acc.Cols)");
    static_assert(TileL::SFractal == SLayout::RowMajor, "TMATMUL: Left tile must have an inner RowMajor box");
    static_assert(TileR::isRowMajor && TileR::SFractal == SLayout::ColMajor,
                  "TMATMUL: Right tile must be ZN (outer RowMajor, inner ColMajor)");
    static_assert(!TileRes::isRowMajor && TileRes::SFractal == SLayout::RowMajor &&
                      TileRes::SFractalSize == TileConfig::fractalCSize,
                  "TMATMUL: Acc tile must be NZ with a 1024-byte box (use pto::TileAcc)");
}
template <typename TileRes, typename TileL, typename TileR, typename... WaitEvents>
inline RecordEvent TMATMUL(TileRes& cMatrix, TileL& aMatrix, TileR& bMatrix, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_mad<TileRes, TileL, TileR>();
    (void)cMatrix, (void)aMatrix, (void)bMatrix;
    return {};
}
template <AccPhase Phase, typename TileRes, typename TileL, typename TileR, typename... WaitEvents>
inline RecordEvent TMATMUL(TileRes& cMatrix, TileL& aMatrix, TileR& bMatrix, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_mad<TileRes, TileL, TileR>();
    (void)cMatrix, (void)aMatrix, (void)bMatrix;
    return {};
}
template <typename TileRes, typename TileL, typename TileR, typename... WaitEvents>
inline RecordEvent TMATMUL_ACC(TileRes& cOutMatrix, TileRes& cInMatrix, TileL& aMatrix, TileR& bMatrix,
                               WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_mad<TileRes, TileL, TileR>();
    (void)cOutMatrix, (void)cInMatrix, (void)aMatrix, (void)bMatrix;
    return {};
}
template <AccPhase Phase, typename TileRes, typename TileL, typename TileR, typename... WaitEvents>
inline RecordEvent TMATMUL_ACC(TileRes& cOutMatrix, TileRes& cInMatrix, TileL& aMatrix, TileR& bMatrix,
                               WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_mad<TileRes, TileL, TileR>();
    (void)cOutMatrix, (void)cInMatrix, (void)aMatrix, (void)bMatrix;
    return {};
}
template <AccPhase Phase = AccPhase::Unspecified, typename TileRes, typename TileL, typename TileR,
          typename... WaitEvents>
inline RecordEvent TMATMUL_ACC(TileRes& cMatrix, TileL& aMatrix, TileR& bMatrix, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_mad<TileRes, TileL, TileR>();
    (void)cMatrix, (void)aMatrix, (void)bMatrix;
    return {};
}

// ---- TCVT ----
template <typename TileDataD, typename TileDataS>
constexpr void pto_stub_check_cvt()
{
    static_assert(stub_detail::all_tiles_v<TileDataD, TileDataS>, "TCVT: dst/src must be pto::Tile");
    static_assert(stub_detail::all_vec_v<TileDataD, TileDataS>, "TCVT: dst/src must be TileType::Vec");
}
template <bool NeedSetCtrl = true, typename TileDataD, typename TileDataS, typename TmpTileData, typename... WaitEvents>
inline RecordEvent TCVT(TileDataD& dst, TileDataS& src, TmpTileData& tmp, RoundMode mode, SaturationMode satMode,
                        WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_cvt<TileDataD, TileDataS>();
    (void)dst, (void)src, (void)tmp, (void)mode, (void)satMode;
    return {};
}
template <bool NeedSetCtrl = true, typename TileDataD, typename TileDataS, typename TmpTileData, typename... WaitEvents>
inline RecordEvent TCVT(TileDataD& dst, TileDataS& src, TmpTileData& tmp, RoundMode mode, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_cvt<TileDataD, TileDataS>();
    (void)dst, (void)src, (void)tmp, (void)mode;
    return {};
}
template <bool NeedSetCtrl = true, typename TileDataD, typename TileDataS, typename... WaitEvents>
inline RecordEvent TCVT(TileDataD& dst, TileDataS& src, RoundMode mode, SaturationMode satMode, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_cvt<TileDataD, TileDataS>();
    (void)dst, (void)src, (void)mode, (void)satMode;
    return {};
}
template <bool NeedSetCtrl = true, typename TileDataD, typename TileDataS, typename... WaitEvents>
inline RecordEvent TCVT(TileDataD& dst, TileDataS& src, RoundMode mode, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    pto_stub_check_cvt<TileDataD, TileDataS>();
    (void)dst, (void)src, (void)mode;
    return {};
}

// ---- element-wise binary ----
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TADD(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TSUB(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TMUL(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <auto PrecisionType = DivAlgorithm::DEFAULT, typename TileDataDst, typename TileDataSrc0,
          typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TDIV(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TMAX(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TMIN(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}

// ---- tile-scalar ----
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TADDS(TileDataDst& dst, TileDataSrc& src0, typename TileDataSrc::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<true, TileDataDst, TileDataSrc>();
    (void)dst, (void)src0, (void)scalar;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TSUBS(TileDataDst& dst, TileDataSrc& src0, typename TileDataSrc::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<false, TileDataDst, TileDataSrc>();
    (void)dst, (void)src0, (void)scalar;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TMULS(TileDataDst& dst, TileDataSrc& src0, typename TileDataSrc::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<true, TileDataDst, TileDataSrc>();
    (void)dst, (void)src0, (void)scalar;
    return {};
}
template <auto PrecisionType = DivAlgorithm::DEFAULT, typename TileDataDst, typename TileDataSrc,
          typename... WaitEvents>
inline RecordEvent TDIVS(TileDataDst& dst, TileDataSrc& src0, typename TileDataSrc::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<true, TileDataDst, TileDataSrc>();
    (void)dst, (void)src0, (void)scalar;
    return {};
}
template <auto PrecisionType = DivAlgorithm::DEFAULT, typename TileDataDst, typename TileDataSrc,
          typename... WaitEvents>
inline RecordEvent TDIVS(TileDataDst& dst, typename TileDataDst::DType scalar, TileDataSrc& src0, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<true, TileDataDst, TileDataSrc>();
    (void)dst, (void)src0, (void)scalar;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TMAXS(TileDataDst& dst, TileDataSrc& src, typename TileDataSrc::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<true, TileDataDst, TileDataSrc>();
    (void)dst, (void)src, (void)scalar;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TMINS(TileDataDst& dst, TileDataSrc& src, typename TileDataSrc::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<false, TileDataDst, TileDataSrc>();
    (void)dst, (void)src, (void)scalar;
    return {};
}

// ---- unary ----
template <auto PrecisionType = ExpAlgorithm::DEFAULT, typename TileDataDst, typename TileDataSrc,
          typename... WaitEvents>
inline RecordEvent TEXP(TileDataDst& dst, TileDataSrc& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::all_tiles_v<TileDataDst, TileDataSrc>, "TEXP: dst/src must be pto::Tile");
    static_assert(stub_detail::all_vec_v<TileDataDst, TileDataSrc>, "TEXP: dst/src must be TileType::Vec");
    static_assert(stub_detail::all_row_major_v<TileDataDst, TileDataSrc>, "TEXP: dst/src must be RowMajor");
    static_assert(stub_detail::same_dtype_v<TileDataDst, TileDataSrc>, "TEXP: element types must match");
    static_assert(stub_detail::is_one_of_v<typename TileDataDst::DType, float, half>, "TEXP: float or half only");
    (void)dst, (void)src;
    return {};
}

template <typename TileData, typename... WaitEvents>
inline RecordEvent TEXPANDS(TileData& dst, typename TileData::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(is_tile_data_v<TileData>, "TEXPANDS: dst must be a pto::Tile");
    static_assert(TileData::Loc == TileType::Vec || TileData::Loc == TileType::Mat, "TEXPANDS: dst must be Vec or Mat");
    (void)dst, (void)scalar;
    return {};
}

// ---- row reductions ----
template <typename TileDataOut, typename TileDataIn, typename TileDataTmp, typename... WaitEvents>
inline RecordEvent TROWSUM(TileDataOut& dst, TileDataIn& src, TileDataTmp& tmp, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_reduce<TileDataOut, TileDataIn, TileDataTmp>();
    (void)dst, (void)src, (void)tmp;
    return {};
}
template <typename TileDataOut, typename TileDataIn, typename TileDataTmp, typename... WaitEvents>
inline RecordEvent TROWMAX(TileDataOut& dst, TileDataIn& src, TileDataTmp& tmp, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_reduce<TileDataOut, TileDataIn, TileDataTmp>();
    (void)dst, (void)src, (void)tmp;
    return {};
}

// ---- row broadcast ----
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TROWEXPAND(TileDataDst& dst, TileDataSrc& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::all_tiles_v<TileDataDst, TileDataSrc>, "TROWEXPAND: dst/src must be pto::Tile");
    static_assert(stub_detail::all_vec_v<TileDataDst, TileDataSrc>, "TROWEXPAND: dst/src must be Vec");
    (void)dst, (void)src;
    return {};
}
template <auto PrecisionType = DivAlgorithm::DEFAULT, typename TileDataDst, typename TileDataSrc0,
          typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TROWEXPANDDIV(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <auto PrecisionType = DivAlgorithm::DEFAULT, typename TileDataDst, typename TileDataSrc0,
          typename TileDataSrc1, typename TileDataTmp, typename... WaitEvents>
inline RecordEvent TROWEXPANDDIV(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, TileDataTmp& tmp,
                                 WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1, (void)tmp;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TROWEXPANDMUL(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename TileDataTmp,
          typename... WaitEvents>
inline RecordEvent TROWEXPANDMUL(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, TileDataTmp& tmp,
                                 WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1, (void)tmp;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TROWEXPANDSUB(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename TileDataTmp,
          typename... WaitEvents>
inline RecordEvent TROWEXPANDSUB(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, TileDataTmp& tmp,
                                 WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1, (void)tmp;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TROWEXPANDADD(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename TileDataTmp,
          typename... WaitEvents>
inline RecordEvent TROWEXPANDADD(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, TileDataTmp& tmp,
                                 WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1, (void)tmp;
    return {};
}

// ---- TRESHAPE (pure alias: dst is re-pointed at src's bytes) ----
template <typename TileDataOut, typename TileDataIn, typename... WaitEvents>
inline RecordEvent TRESHAPE(TileDataOut& dst, TileDataIn& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::all_tiles_v<TileDataOut, TileDataIn>, "TRESHAPE: dst/src must be pto::Tile");
    static_assert(TileDataOut::Loc == TileDataIn::Loc, "TRESHAPE: dst and src must have the same TileType");
    static_assert(TileDataOut::SizeBytes == TileDataIn::SizeBytes, "TRESHAPE: total byte size must match");
    static_assert(TileDataOut::isBoxedLayout == TileDataIn::isBoxedLayout,
                  "TRESHAPE: cannot reshape between boxed and non-boxed layouts");
    dst.data() = reinterpret_cast<typename TileDataOut::TileDType>(src.data());
    return {};
}

// ---- TFILLPAD ----
template <typename TileData, PadValue PadVal = PadValue::Zero, std::enable_if_t<(TileData::Loc == TileType::Mat), int> = 0,
          typename... WaitEvents>
inline RecordEvent TFILLPAD(TileData& dst, TileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    (void)dst, (void)src;
    return {};
}
template <TFillPadMode mode = TFillPadMode::Normal, typename DstTileData, typename SrcTileData,
          std::enable_if_t<(DstTileData::Loc == TileType::Vec) && (SrcTileData::Loc == TileType::Vec), int> = 0,
          typename... WaitEvents>
inline RecordEvent TFILLPAD(DstTileData& dst, SrcTileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_fillpad_vec<DstTileData, SrcTileData>();
    if constexpr (mode == TFillPadMode::InPlace) {
        static_assert(DstTileData::Rows == SrcTileData::Rows && DstTileData::Cols == SrcTileData::Cols,
                      "TFILLPAD_INPLACE: dst and src must have the same static Rows/Cols");
    } else {
        static_assert(DstTileData::Rows >= SrcTileData::Rows && DstTileData::Cols >= SrcTileData::Cols,
                      "TFILLPAD: dst must be at least as large as src");
    }
    (void)dst, (void)src;
    return {};
}
template <typename DstTileData, typename SrcTileData, typename... WaitEvents>
inline RecordEvent TFILLPAD_INPLACE(DstTileData& dst, SrcTileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::all_tiles_v<DstTileData, SrcTileData>, "TFILLPAD_INPLACE: dst/src must be pto::Tile");
    return TFILLPAD<TFillPadMode::InPlace>(dst, src);
}
template <typename DstTileData, typename SrcTileData, typename... WaitEvents>
inline RecordEvent TFILLPAD_EXPAND(DstTileData& dst, SrcTileData& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    return TFILLPAD<TFillPadMode::Expand>(dst, src);
}

// ---- the instructions the op table added: unary math, reductions, compare/select, index,
// column broadcasts, tile parts. Each checks what its a2a3 implementation requires
// (pto-isa npu/a2a3) where the CPU simulator is stricter too (identical types for TABS).
enum class CmpMode : uint8_t { EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5 };

namespace stub_detail {
template <typename D, typename S>
constexpr void check_unary_float(const char*)
{
    static_assert(all_tiles_v<D, S> && all_vec_v<D, S>, "unary op: dst/src must be Vec tiles");
    static_assert(all_row_major_v<D, S>, "unary op: dst/src must be RowMajor");
    static_assert(same_dtype_v<D, S>, "unary op: element types must match");
    static_assert(is_one_of_v<typename D::DType, float, half>, "unary op: float or half only (no bf16)");
}
template <typename D, typename S>
constexpr void check_unary_arith()
{
    static_assert(all_tiles_v<D, S> && all_vec_v<D, S>, "unary op: dst/src must be Vec tiles");
    static_assert(same_dtype_v<D, S>, "unary op: element types must match");
    static_assert(vec_arith_type_v<typename D::DType>, "unary op: element type must be int32/int16/half/float");
}
template <typename D, typename S0, typename S1>
constexpr void check_col_expand_binary()
{
    static_assert(all_tiles_v<D, S0, S1> && all_vec_v<D, S0, S1>, "TCOLEXPAND*: Vec tiles");
    static_assert(same_dtype_v<D, S0, S1>, "TCOLEXPAND*: element types must match");
    static_assert(all_row_major_v<D, S0, S1>, "TCOLEXPAND*: RowMajor tiles");
    static_assert(S0::Rows == D::Rows, "TCOLEXPAND*: src0 is the full tile (the CPU simulator reads it so)");
    static_assert(S1::Rows == 1, "TCOLEXPAND*: src1 is the [1, cols] row");
}
}  // namespace stub_detail

#define PTO_STUB_UNARY_FLOAT(NAME)                                                                    \
    template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>                     \
    inline RecordEvent NAME(TileDataDst& dst, TileDataSrc& src, WaitEvents&... events)                \
    {                                                                                                 \
        PTO_STUB_CHECK_EVENTS(WaitEvents);                                                            \
        stub_detail::check_unary_float<TileDataDst, TileDataSrc>(#NAME);                              \
        (void)dst, (void)src;                                                                         \
        return {};                                                                                    \
    }
PTO_STUB_UNARY_FLOAT(TLOG)
PTO_STUB_UNARY_FLOAT(TSQRT)
PTO_STUB_UNARY_FLOAT(TRECIP)
#undef PTO_STUB_UNARY_FLOAT

template <typename TileDataDst, typename TileDataSrc, typename TileDataTmp, typename... WaitEvents>
inline RecordEvent TRSQRT(TileDataDst& dst, TileDataSrc& src, TileDataTmp& tmp, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_unary_float<TileDataDst, TileDataSrc>("TRSQRT");
    static_assert(TileDataTmp::Loc == TileType::Vec, "TRSQRT: tmp must be a Vec tile");
    (void)dst, (void)src, (void)tmp;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TABS(TileDataDst& dst, TileDataSrc& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_unary_float<TileDataDst, TileDataSrc>("TABS");
    static_assert(std::is_same_v<TileDataDst, TileDataSrc>, "TABS: the CPU simulator needs dst and src of one type");
    (void)dst, (void)src;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TNEG(TileDataDst& dst, TileDataSrc& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_unary_arith<TileDataDst, TileDataSrc>();
    (void)dst, (void)src;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TRELU(TileDataDst& dst, TileDataSrc& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_unary_arith<TileDataDst, TileDataSrc>();
    (void)dst, (void)src;
    return {};
}
// pto-isa npu/a2a3/TLRelu.hpp: half or float, Vec, row-major; the slope in the tile's type.
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TLRELU(TileDataDst& dst, TileDataSrc& src, typename TileDataSrc::DType scalar,
                          WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tile_scalar<true, TileDataDst, TileDataSrc>();
    static_assert(stub_detail::is_one_of_v<typename TileDataSrc::DType, half, float>,
                  "TLRELU: element type must be half or float");
    (void)dst, (void)src, (void)scalar;
    return {};
}

#define PTO_STUB_ROW_REDUCE(NAME)                                                                     \
    template <typename TileDataOut, typename TileDataIn, typename TileDataTmp, typename... WaitEvents> \
    inline RecordEvent NAME(TileDataOut& dst, TileDataIn& src, TileDataTmp& tmp, WaitEvents&... events) \
    {                                                                                                 \
        PTO_STUB_CHECK_EVENTS(WaitEvents);                                                            \
        static_assert(TileDataIn::isRowMajor, #NAME ": src must be an ND tile");                      \
        static_assert(TileDataOut::isRowMajor || TileDataOut::Cols == 1, #NAME ": dst ND or DN [R, 1]"); \
        (void)dst, (void)src, (void)tmp;                                                              \
        return {};                                                                                    \
    }
PTO_STUB_ROW_REDUCE(TROWMIN)
PTO_STUB_ROW_REDUCE(TROWARGMAX)
PTO_STUB_ROW_REDUCE(TROWARGMIN)
#undef PTO_STUB_ROW_REDUCE

#define PTO_STUB_COL_REDUCE(NAME)                                                                     \
    template <typename TileDataOut, typename TileDataIn, typename... WaitEvents>                      \
    inline RecordEvent NAME(TileDataOut& dst, TileDataIn& src, WaitEvents&... events)                 \
    {                                                                                                 \
        PTO_STUB_CHECK_EVENTS(WaitEvents);                                                            \
        static_assert(stub_detail::same_dtype_v<TileDataOut, TileDataIn>, #NAME ": element types must match"); \
        static_assert(TileDataOut::Rows == 1 && TileDataOut::Cols == TileDataIn::Cols,                \
                      #NAME ": dst is [1, src cols] (the CPU simulator needs equal Cols)");           \
        (void)dst, (void)src;                                                                         \
        return {};                                                                                    \
    }
PTO_STUB_COL_REDUCE(TCOLSUM)
PTO_STUB_COL_REDUCE(TCOLMAX)
PTO_STUB_COL_REDUCE(TCOLMIN)
#undef PTO_STUB_COL_REDUCE

#define PTO_STUB_COL_EXPAND(NAME)                                                                     \
    template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents> \
    inline RecordEvent NAME(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events) \
    {                                                                                                 \
        PTO_STUB_CHECK_EVENTS(WaitEvents);                                                            \
        stub_detail::check_col_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();              \
        (void)dst, (void)src0, (void)src1;                                                            \
        return {};                                                                                    \
    }
PTO_STUB_COL_EXPAND(TCOLEXPANDADD)
PTO_STUB_COL_EXPAND(TCOLEXPANDSUB)
PTO_STUB_COL_EXPAND(TCOLEXPANDMUL)
PTO_STUB_COL_EXPAND(TCOLEXPANDDIV)
PTO_STUB_COL_EXPAND(TCOLEXPANDMAX)
PTO_STUB_COL_EXPAND(TCOLEXPANDMIN)
#undef PTO_STUB_COL_EXPAND

template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TROWEXPANDMAX(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TROWEXPANDMIN(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_row_expand_binary<TileDataDst, TileDataSrc0, TileDataSrc1>();
    (void)dst, (void)src0, (void)src1;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TCOLEXPAND(TileDataDst& dst, TileDataSrc& src, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::same_dtype_v<TileDataDst, TileDataSrc>, "TCOLEXPAND: element types must match");
    static_assert(TileDataSrc::Rows == 1, "TCOLEXPAND: src is one row");
    (void)dst, (void)src;
    return {};
}

template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TCMP(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, CmpMode mode, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(std::is_same_v<typename TileDataDst::DType, uint8_t>, "TCMP: the mask is uint8 (bit-packed)");
    static_assert(stub_detail::same_dtype_v<TileDataSrc0, TileDataSrc1>, "TCMP: operands of one type");
    (void)dst, (void)src0, (void)src1, (void)mode;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TCMPS(TileDataDst& dst, TileDataSrc& src0, typename TileDataSrc::DType src1, CmpMode mode,
                         WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(std::is_same_v<typename TileDataDst::DType, uint8_t>, "TCMPS: the mask is uint8 (bit-packed)");
    static_assert(TileDataDst::isRowMajor, "TCMPS: dst must be RowMajor");
    (void)dst, (void)src0, (void)src1, (void)mode;
    return {};
}
template <typename TileData, typename MaskTile, typename TmpTile, typename... WaitEvents>
inline RecordEvent TSEL(TileData& dst, MaskTile& selMask, TileData& src0, TileData& src1, TmpTile& tmp,
                        WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(std::is_same_v<typename MaskTile::DType, uint8_t>, "TSEL: the mask is uint8 (bit-packed)");
    static_assert(std::is_same_v<typename TmpTile::DType, uint32_t>, "TSEL: tmp is uint32");
    (void)dst, (void)selMask, (void)src0, (void)src1, (void)tmp;
    return {};
}
template <typename TileDataDst, typename TileDataMask, typename TileDataSrc, typename TileDataTmp,
          typename... WaitEvents>
inline RecordEvent TSELS(TileDataDst& dst, TileDataMask& mask, TileDataSrc& src, TileDataTmp& tmp,
                         typename TileDataSrc::DType scalar, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(std::is_same_v<typename TileDataMask::DType, uint8_t>, "TSELS: the mask is uint8 (bit-packed)");
    static_assert(stub_detail::same_dtype_v<TileDataTmp, TileDataSrc>, "TSELS: tmp has the source's type");
    (void)dst, (void)mask, (void)src, (void)tmp, (void)scalar;
    return {};
}
template <typename TileData, typename T, int descending, typename... WaitEvents>
inline RecordEvent TCI(TileData& dst, T start, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(std::is_same_v<typename TileData::DType, T>, "TCI: start has the tile's type");
    static_assert(TileData::Rows == 1, "TCI: one row");
    static_assert(sizeof(T) == 4 || sizeof(T) == 2, "TCI: b16 or b32");
    (void)dst, (void)start;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TEXTRACT(TileDataDst& dst, TileDataSrc& src, uint16_t indexRow, uint16_t indexCol,
                            WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::same_dtype_v<TileDataDst, TileDataSrc>, "TEXTRACT: element types must match");
    (void)dst, (void)src, (void)indexRow, (void)indexCol;
    return {};
}
template <typename TileDataDst, typename TileDataSrc, typename... WaitEvents>
inline RecordEvent TINSERT(TileDataDst& dst, TileDataSrc& src, uint16_t indexRow, uint16_t indexCol,
                           WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::same_dtype_v<TileDataDst, TileDataSrc>, "TINSERT: element types must match");
    (void)dst, (void)src, (void)indexRow, (void)indexCol;
    return {};
}
template <typename TileDataDst, typename TileDataSrc0, typename TileDataSrc1, typename... WaitEvents>
inline RecordEvent TCONCAT(TileDataDst& dst, TileDataSrc0& src0, TileDataSrc1& src1, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(stub_detail::same_dtype_v<TileDataDst, TileDataSrc0, TileDataSrc1>, "TCONCAT: one element type");
    (void)dst, (void)src0, (void)src1;
    return {};
}

// ============================================================================
// 9. TPipe / TPUSH / TPOP / TFREE (a2a3 GM-FIFO tile pipes)
// ============================================================================
template <int SlotSize, int SlotNum, int LocalSlotNum>
struct RingFIFO {
    __gm__ void* GM_SLOT_BUFFER = nullptr;
    uint32_t C2V_CONSUMER_BUF = 0x0;
    uint32_t V2C_CONSUMER_BUF = 0x0;
    uint64_t V2C_CONTROL_BUF = 0x0;
    static constexpr uint32_t SLOT_SIZE = SlotSize;
    static constexpr uint32_t SLOT_NUM = SlotNum;
    static constexpr uint32_t SLOT_SYNCT = SlotNum;
    static constexpr uint32_t LOCAL_SLOT_NUM = LocalSlotNum;
    RingFIFO(__gm__ void* gmSlotBuf, uint32_t c2vConsBuf, uint32_t v2cConBuf)
        : GM_SLOT_BUFFER(gmSlotBuf), C2V_CONSUMER_BUF(c2vConsBuf), V2C_CONSUMER_BUF(v2cConBuf)
    {}
};

template <uint8_t FlagID, uint8_t DirType, uint32_t SlotSize, uint32_t SlotNum, uint32_t LocalSlotNum = 2,
          bool IsNoSplit = false, bool EN_UNIT_FLAG = false>
struct TPipe {
    static constexpr uint8_t DIR_TYPE = DirType & 0x7;
    static constexpr bool is_c2v = (DIR_TYPE == Direction::DIR_C2V);
    static constexpr bool is_v2c = (DIR_TYPE == Direction::DIR_V2C);
    static constexpr bool is_both = (DIR_TYPE == Direction::DIR_BOTH);
    static constexpr bool is_v2c_ctrl = (DIR_TYPE == Direction::DIR_V2C_CTRL);
    static constexpr uint32_t SyncPeriod = (SlotNum <= 2) ? SlotNum : SlotNum / 2;
    static constexpr uint32_t kSlotSize = SlotSize;
    static constexpr uint32_t kSlotNum = SlotNum;
    static constexpr uint32_t kLocalSlotNum = LocalSlotNum;

    static_assert(is_c2v || is_v2c || is_both || is_v2c_ctrl,
                  "TPipe (a2a3): DirType must be DIR_C2V, DIR_V2C, DIR_BOTH or DIR_V2C_CTRL");
    static_assert(SlotNum >= 1, "TPipe: SlotNum (FIFO depth) must be >= 1");
    static_assert(LocalSlotNum >= 1, "TPipe: LocalSlotNum must be >= 1");
    static_assert(SlotSize > 0 && SlotSize % 32 == 0, "TPipe: SlotSize must be a positive multiple of 32 bytes");
    static_assert(FlagID + 1 < 16, "TPipe: FlagID + 1 must be < 16 (FFTS flag ids 0..15)");
    static_assert(!is_both || FlagID + 3 < 16, "TPipe<DIR_BOTH>: uses FlagID..FlagID+3, all must be < 16");

    using RingFiFo = RingFIFO<SlotSize, SlotNum, LocalSlotNum>;

    static bool shouldWaitFree(uint32_t tileIndex) { return tileIndex >= SlotNum && tileIndex % SyncPeriod == 0; }
    static bool shouldNotifyFree(uint32_t tileIndex) { return (tileIndex + 1) % SyncPeriod == 0; }

    struct Producer {
        uint32_t tileIndex = 0;
        uint32_t subTileIndex = 0;
        bool isAllocate = true;
        bool isRecord = true;
        int entryOffset = 0;
        Producer() = default;
        void setAllocateStatus(bool allocate) { isAllocate = allocate; }
        void setRecordStatus(bool record) { isRecord = record; }
        void setTileId(int tIndex, int subIndex)
        {
            tileIndex = static_cast<uint32_t>(tIndex);
            subTileIndex = static_cast<uint32_t>(subIndex);
        }
        void setEntryOffset(int offset) { entryOffset = offset; }
        int getSubTileId() const { return static_cast<int>(subTileIndex); }
        int getTileId() const { return static_cast<int>(tileIndex); }
        bool getAllocateStatus() const { return isAllocate; }
        bool getRecordStatus() const { return isRecord; }
        void allocate() const {}
        void record() const {}
    };
    struct Consumer {
        int tileIndex = 0;
        int subTileIndex = 0;
        bool isWait = true;
        bool isFree = true;
        int entryOffset = 0;
        Consumer() = default;
        void setTileId(int tid, int subTid)
        {
            tileIndex = tid;
            subTileIndex = subTid;
        }
        void setWaitStatus(bool wait) { isWait = wait; }
        void setFreeStatus(bool free) { isFree = free; }
        // NOTE: the pto-isa CPU simulator spells this `setentryOffset` (typo);
        // the a2a3 NPU spelling is mirrored here. Guard lane-offset bridges with
        // #ifndef __CPU_SIM in generated code.
        void setEntryOffset(int offset) { entryOffset = offset; }
        int getTileId() const { return tileIndex; }
        int getSubTileId() const { return subTileIndex; }
        bool getWaitStatus() const { return isWait; }
        bool getFreeStatus() const { return isFree; }
        void wait() const {}
        void free() const {}
    };

    RingFiFo fifo;
    Producer prod;
    Consumer cons;

    explicit TPipe(__gm__ void* GM_SLOT_BUFFER, uint32_t C2V_CONSUMER_BUF, uint32_t V2C_CONSUMER_BUF)
        : fifo(GM_SLOT_BUFFER, C2V_CONSUMER_BUF, V2C_CONSUMER_BUF), prod(), cons()
    {}
    ~TPipe() {}
};

template <typename T>
struct is_tpipe : std::false_type {};
template <uint8_t FlagIdT, uint8_t DirT, uint32_t SlotSizeT, uint32_t SlotNumT, uint32_t LocalT, bool NoSplitT, bool UnitFlagT>
struct is_tpipe<TPipe<FlagIdT, DirT, SlotSizeT, SlotNumT, LocalT, NoSplitT, UnitFlagT>> : std::true_type {};

namespace stub_detail {
template <TileSplitAxis Split>
constexpr bool is_lane_split()
{
    return Split != TileSplitAxis::TILE_NO_SPLIT;
}
template <typename Pipe, typename TileProd, TileSplitAxis Split>
constexpr void check_tpush()
{
    static_assert(is_tpipe<Pipe>::value, "TPUSH<Pipe, Tile, Split>(pipe, tile): Pipe must be a pto::TPipe");
    static_assert(is_tile_data_v<TileProd>, "TPUSH: tile must be a pto::Tile");
    static_assert(TileProd::Loc == TileType::Acc || TileProd::Loc == TileType::Vec || TileProd::Loc == TileType::Ctrl,
                  "TPUSH: producer tile must be Acc (cube), Vec (vector) or Ctrl");
    static_assert(!Pipe::is_c2v || TileProd::Loc == TileType::Acc,
                  "TPUSH on a DIR_C2V pipe: the cube pushes an Acc tile");
    static_assert(!Pipe::is_v2c || TileProd::Loc == TileType::Vec,
                  "TPUSH on a DIR_V2C pipe: each vector lane pushes a Vec tile");
    if constexpr (TileProd::Loc == TileType::Acc) {
        // The cube stores the whole valid Acc tile into one slot (Split is ignored): only the
        // valid rows and columns (pushAcc2GMFiFo), so a tile padded to its 16-row fractal fits
        // a slot of its valid size.
        static_assert(static_cast<size_t>(TileProd::ValidRow > 0 ? TileProd::ValidRow : TileProd::Rows) *
                          (TileProd::ValidCol > 0 ? TileProd::ValidCol : TileProd::Cols) * sizeof(typename TileProd::DType) <= Pipe::kSlotSize,
                      "TPUSH: the valid part of the Acc tile is larger than the pipe SlotSize");
        static_assert(Split != TileSplitAxis::TILE_UP_DOWN || TileProd::Rows % 2 == 0,
                      "TPUSH TILE_UP_DOWN: Acc Rows must be even");
    } else if constexpr (TileProd::Loc == TileType::Vec) {
        static_assert((is_lane_split<Split>() ? 2 : 1) * TileProd::SizeBytes <= Pipe::kSlotSize,
                      "TPUSH: the lane tiles of one push do not fit the pipe SlotSize");
    }
}
template <typename Pipe, typename TileCons, TileSplitAxis Split>
constexpr void check_tpop()
{
    static_assert(is_tpipe<Pipe>::value, "TPOP<Pipe, Tile, Split>(pipe, tile): Pipe must be a pto::TPipe");
    static_assert(is_tile_data_v<TileCons>, "TPOP: tile must be a pto::Tile");
    static_assert(TileCons::Loc == TileType::Vec || TileCons::Loc == TileType::Mat || TileCons::Loc == TileType::Ctrl,
                  "TPOP: consumer tile must be Vec (vector), Mat (cube L1) or Ctrl");
    static_assert(!Pipe::is_c2v || TileCons::Loc == TileType::Vec, "TPOP on a DIR_C2V pipe: the vector pops a Vec tile");
    static_assert(!Pipe::is_v2c || TileCons::Loc == TileType::Mat, "TPOP on a DIR_V2C pipe: the cube pops a Mat tile");
    if constexpr (TileCons::Loc == TileType::Vec) {
        static_assert((is_lane_split<Split>() ? 2 : 1) * TileCons::SizeBytes <= Pipe::kSlotSize,
                      "TPOP: the lane tiles of one slot do not fit the pipe SlotSize");
    } else if constexpr (TileCons::Loc == TileType::Mat) {
        static_assert(TileCons::SizeBytes <= Pipe::kSlotSize, "TPOP: Mat tile larger than the pipe SlotSize");
    }
}
}  // namespace stub_detail

template <typename Pipe, typename TileProd, TileSplitAxis Split, std::enable_if_t<is_tile_data_v<TileProd>, int> = 0,
          typename... WaitEvents>
inline RecordEvent TPUSH(Pipe& pipe, TileProd& tile, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tpush<Pipe, TileProd, Split>();
    (void)pipe, (void)tile;
    return {};
}
template <typename Pipe, typename TileProd, TileSplitAxis Split, typename... WaitEvents>
inline RecordEvent TPUSH(Pipe& pipe, TileProd& tile, int32_t subBlockId, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tpush<Pipe, TileProd, Split>();
    (void)pipe, (void)tile, (void)subBlockId;
    return {};
}
template <typename Pipe, typename TileCons, TileSplitAxis Split, std::enable_if_t<is_tile_data_v<TileCons>, int> = 0,
          typename... WaitEvents>
inline RecordEvent TPOP(Pipe& pipe, TileCons& tile, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tpop<Pipe, TileCons, Split>();
    (void)pipe, (void)tile;
    return {};
}
template <typename Pipe, typename TileCons, TileSplitAxis Split, typename... WaitEvents>
inline RecordEvent TPOP(Pipe& pipe, TileCons& tile, int32_t subBlockId, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    stub_detail::check_tpop<Pipe, TileCons, Split>();
    (void)pipe, (void)tile, (void)subBlockId;
    return {};
}
template <typename Pipe, TileSplitAxis Split, typename... WaitEvents>
inline RecordEvent TFREE(Pipe& pipe, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(is_tpipe<Pipe>::value, "TFREE<Pipe, Split>(pipe): Pipe must be a pto::TPipe");
    (void)pipe;
    return {};
}
template <typename Pipe, typename... WaitEvents>
inline RecordEvent TFREE(Pipe& pipe, WaitEvents&... events)
{
    PTO_STUB_CHECK_EVENTS(WaitEvents);
    static_assert(is_tpipe<Pipe>::value, "TFREE<Pipe>(pipe): Pipe must be a pto::TPipe");
    (void)pipe;
    return {};
}

}  // namespace pto

// ============================================================================
// 10. simpler: task_interface (data_type.h / tensor.h) -- global namespace
// ============================================================================
enum class DataType : uint8_t {
    FLOAT32,
    FLOAT16,
    INT32,
    INT16,
    INT8,
    UINT8,
    BFLOAT16,
    INT64,
    UINT64,
    UINT16,
    UINT32,
    BOOL,
    FP8E4M3FN,
    FP8E8M0,
    FP4E2M1,
    DATA_TYPE_NUM,
};

constexpr uint64_t get_element_size(DataType dt)
{
    switch (dt) {
        case DataType::FLOAT32:
        case DataType::INT32:
        case DataType::UINT32: return 4;
        case DataType::FLOAT16:
        case DataType::INT16:
        case DataType::BFLOAT16:
        case DataType::UINT16: return 2;
        case DataType::INT64:
        case DataType::UINT64: return 8;
        default: return 1;
    }
}

template <typename T>
inline uint64_t to_u64(T value)
{
    static_assert(sizeof(T) <= sizeof(uint64_t), "to_u64: type must fit in 8 bytes");
    static_assert(std::is_trivially_copyable_v<T>, "to_u64: type must be trivially copyable");
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    return bits;
}
template <typename T>
inline T from_u64(uint64_t bits)
{
    static_assert(sizeof(T) <= sizeof(uint64_t), "from_u64: type must fit in 8 bytes");
    static_assert(std::is_trivially_copyable_v<T>, "from_u64: type must be trivially copyable");
    T value;
    std::memcpy(&value, &bits, sizeof(T));
    return value;
}

constexpr int MAX_TENSOR_DIMS = 5;
constexpr int CORE_MAX_TENSOR_ARGS = 32;
constexpr int CORE_MAX_SCALAR_ARGS = 16;
constexpr int CHIP_MAX_TENSOR_ARGS = 256;
constexpr int CHIP_MAX_SCALAR_ARGS = 128;
constexpr int MAX_TENSOR_ARGS = CORE_MAX_TENSOR_ARGS;
constexpr int MAX_SCALAR_ARGS = CORE_MAX_SCALAR_ARGS;

struct PTO2TaskId {
    uint64_t raw;
    static constexpr PTO2TaskId invalid() { return PTO2TaskId{~0ULL}; }
    constexpr bool is_valid() const { return raw != ~0ULL; }
};

enum class AddressSpace : uint8_t { HOST = 0, DEVICE = 1 };

struct PTOBufferHandle {
    uint64_t addr;  // device address (bytes)
    uint64_t size;  // bytes
};

enum class TensorArgType : int32_t {
    INPUT = 0,
    OUTPUT = 1,
    INOUT = 2,
    OUTPUT_EXISTING = 3,
    NO_DEP = 4,
};

// Field names/meaning as in simpler's ChipTensor (start_offset is in ELEMENTS).
struct alignas(64) ChipTensor {
    PTOBufferHandle buffer;
    PTO2TaskId owner_task_id;
    uint64_t start_offset;
    int32_t version;
    uint32_t ndims;
    DataType dtype;
    bool manual_dep;
    bool is_contiguous;
    AddressSpace address_space;
    uint32_t shapes[MAX_TENSOR_DIMS];
    uint64_t extent_elem_cache;
    uint32_t strides[MAX_TENSOR_DIMS];

    ChipTensor() = default;

    uint64_t numel() const
    {
        uint64_t n = 1;
        for (uint32_t i = 0; i < ndims; ++i) n *= shapes[i];
        return n;
    }
    uint64_t nbytes() const { return numel() * get_element_size(dtype); }
    template <typename T>
    T* data_as() const
    {
        return reinterpret_cast<T*>(static_cast<std::uintptr_t>(buffer.addr));
    }
};
static_assert(sizeof(ChipTensor) == 128, "stub ChipTensor must stay 128 bytes like simpler's");

inline ChipTensor make_tensor_external(void* addr, const uint32_t shapes[], uint32_t ndims,
                                       DataType dtype = DataType::FLOAT32, bool manual_dep = false, int32_t version = 0,
                                       AddressSpace address_space = AddressSpace::HOST)
{
    ChipTensor t{};
    t.buffer.addr = reinterpret_cast<uint64_t>(addr);
    t.ndims = ndims;
    t.dtype = dtype;
    t.manual_dep = manual_dep;
    t.version = version;
    t.address_space = address_space;
    for (uint32_t i = 0; i < ndims && i < static_cast<uint32_t>(MAX_TENSOR_DIMS); ++i) t.shapes[i] = shapes[i];
    t.buffer.size = t.nbytes();
    return t;
}

// ============================================================================
// 11. simpler: kernel-side SPMD context (intrinsic.h)
// ============================================================================
static constexpr int32_t SPMD_LOCAL_CONTEXT_INDEX = 48;   // MAX_TENSOR_ARGS + MAX_SCALAR_ARGS
static constexpr int32_t SPMD_GLOBAL_CONTEXT_INDEX = 49;

struct GlobalContext {
    int32_t sub_block_id;  // 0 = AIV0, 1 = AIV1 (MIX tasks, AIV only)
};
struct LocalContext {
    int32_t block_idx;  // logical block index in [0, block_num)
    int32_t block_num;  // = launch_spec.block_num()
};

static __aicore__ inline int32_t get_sub_block_id(__gm__ int64_t* args)
{
    return reinterpret_cast<__gm__ GlobalContext*>(static_cast<uint64_t>(args[SPMD_GLOBAL_CONTEXT_INDEX]))->sub_block_id;
}
static __aicore__ inline int32_t get_block_idx(__gm__ int64_t* args)
{
    return reinterpret_cast<__gm__ LocalContext*>(static_cast<uint64_t>(args[SPMD_LOCAL_CONTEXT_INDEX]))->block_idx;
}
static __aicore__ inline int32_t get_block_num(__gm__ int64_t* args)
{
    return reinterpret_cast<__gm__ LocalContext*>(static_cast<uint64_t>(args[SPMD_LOCAL_CONTEXT_INDEX]))->block_num;
}

// ============================================================================
// 12. simpler: orchestration API (pto_orchestration_api.h, tensormap_and_ringbuffer)
// ============================================================================
inline constexpr int32_t INVALID_KERNEL_ID = -1;

struct MixedKernels {
    int32_t aic_kernel_id{INVALID_KERNEL_ID};
    int32_t aiv0_kernel_id{INVALID_KERNEL_ID};
    int32_t aiv1_kernel_id{INVALID_KERNEL_ID};
};

class PTO2LaunchSpec {
public:
    constexpr PTO2LaunchSpec() = default;
    int16_t block_num() const { return block_num_; }
    void set_block_num(int16_t n) { block_num_ = n; }
    bool require_sync_start() const { return require_sync_start_; }
    void set_require_sync_start(bool v) { require_sync_start_ = v; }

private:
    int16_t block_num_{1};
    bool require_sync_start_{false};
};

class alignas(64) TensorCreateInfo {
public:
    TensorCreateInfo(const uint32_t shapes_in[], uint32_t ndims_in, DataType dtype_in = DataType::FLOAT32,
                     bool manual_dep_in = false)
        : ndims(ndims_in), dtype(dtype_in), manual_dep(manual_dep_in)
    {
        for (uint32_t i = 0; i < ndims_in && i < static_cast<uint32_t>(MAX_TENSOR_DIMS); ++i) shapes[i] = shapes_in[i];
    }
    TensorCreateInfo() = default;
    template <typename T = uint64_t>
    void set_initial_value(T value)
    {
        has_initial_value = true;
        initial_value = to_u64(value);
    }
    uint64_t buffer_size_bytes() const
    {
        uint64_t n = 1;
        for (uint32_t i = 0; i < ndims; ++i) n *= shapes[i];
        return n * get_element_size(dtype);
    }

    uint64_t initial_value{0};
    bool has_initial_value{false};
    uint32_t ndims{0};
    DataType dtype{DataType::FLOAT32};
    bool manual_dep{false};
    uint32_t shapes[MAX_TENSOR_DIMS]{};
};

class TensorRef {
public:
    TensorRef() : ptr_(nullptr) {}
    TensorRef(const TensorRef&) = delete;
    TensorRef(TensorRef&&) = delete;
    TensorRef& operator=(const TensorRef&) = delete;
    TensorRef& operator=(TensorRef&&) = delete;
    TensorRef& operator=(const ChipTensor* p)
    {
        ptr_ = p;
        return *this;
    }
    TensorRef& operator=(const TensorCreateInfo* ci)
    {
        ci_ = ci;
        return *this;
    }
    const ChipTensor& ref() const { return *ptr_; }
    const TensorCreateInfo& create_info() const { return *ci_; }

private:
    union {
        const ChipTensor* ptr_;
        const TensorCreateInfo* ci_;
    };
};

class TaskOutputTensors {
public:
    TaskOutputTensors() : task_id_(PTO2TaskId::invalid()), count_(0) {}
    bool empty() const { return count_ == 0; }
    uint32_t size() const { return count_; }
    const ChipTensor& get_ref(uint32_t index) const& { return *tensors_[index]; }
    const ChipTensor& get_ref(uint32_t index) const&& = delete;
    PTO2TaskId task_id() const { return task_id_; }

private:
    PTO2TaskId task_id_;
    uint32_t count_;
    const ChipTensor* tensors_[MAX_TENSOR_ARGS] = {};
};

template <typename T>
inline constexpr bool pto_stub_is_scalar_arg_v =
    std::is_arithmetic_v<std::decay_t<T>> || std::is_enum_v<std::decay_t<T>>;

template <size_t MaxT, size_t MaxS>
struct Arg {
    Arg() = default;
    Arg(const Arg&) = delete;
    Arg(Arg&&) = delete;
    Arg& operator=(const Arg&) = delete;
    Arg& operator=(Arg&&) = delete;

    bool has_error{false};
    const char* error_msg{nullptr};
    PTO2LaunchSpec launch_spec;

    template <typename... Args>
    void add_input(Args&&... args)
    {
        check_tensor_args<false, Args...>();
        ((tensors_[tensor_count_] = &args, tags_[tensor_count_] = TensorArgType::INPUT, ++tensor_count_), ...);
    }
    // all ChipTensor (OUTPUT_EXISTING) or all TensorCreateInfo (runtime-allocated OUTPUT)
    template <typename... Args>
    void add_output(Args&&... args)
    {
        check_tensor_args<true, Args...>();
        constexpr bool ci = (std::is_same_v<std::decay_t<Args>, TensorCreateInfo> && ...);
        ((tensors_[tensor_count_] = &args,
          tags_[tensor_count_] = ci ? TensorArgType::OUTPUT : TensorArgType::OUTPUT_EXISTING, ++tensor_count_),
         ...);
    }
    template <typename... Args>
    void add_inout(Args&&... args)
    {
        check_tensor_args<false, Args...>();
        ((tensors_[tensor_count_] = &args, tags_[tensor_count_] = TensorArgType::INOUT, ++tensor_count_), ...);
    }
    template <typename... Args>
    void add_no_dep(Args&&... args)
    {
        check_tensor_args<false, Args...>();
        ((tensors_[tensor_count_] = &args, tags_[tensor_count_] = TensorArgType::NO_DEP, ++tensor_count_), ...);
    }
    template <typename... Args>
    void add_scalar(Args&&... args)
    {
        static_assert(sizeof...(Args) >= 1, "add_scalar: at least one argument required");
        static_assert((pto_stub_is_scalar_arg_v<Args> && ...), "add_scalar: all types must be arithmetic or enum");
        ((scalars_[scalar_count_++] = to_u64(args)), ...);
    }
    void add_scalars(const uint64_t* values, int count)
    {
        for (int i = 0; i < count; ++i) scalars_[scalar_count_++] = values[i];
    }
    void set_dependencies(const PTO2TaskId* deps, uint32_t count) { (void)deps, (void)count; }

    const TensorRef& tensor(int32_t i) const { return tensors_[i]; }
    uint64_t scalar(int32_t i) const { return scalars_[i]; }
    TensorArgType tag(int32_t i) const { return tags_[i]; }
    int32_t tensor_count() const { return tensor_count_; }
    int32_t scalar_count() const { return scalar_count_; }

private:
    template <bool is_output, typename... Args>
    static constexpr void check_tensor_args()
    {
        static_assert(sizeof...(Args) >= 1, "at least one argument required");
        static_assert((std::is_lvalue_reference_v<Args> && ...),
                      "temporaries are not allowed: the Arg stores pointers to its tensors");
        if constexpr (is_output) {
            static_assert((std::is_same_v<std::decay_t<Args>, ChipTensor> && ...) ||
                              (std::is_same_v<std::decay_t<Args>, TensorCreateInfo> && ...),
                          "add_output: all arguments must be ChipTensor, or all TensorCreateInfo");
        } else {
            static_assert((std::is_same_v<std::decay_t<Args>, ChipTensor> && ...),
                          "add_input/add_inout/add_no_dep: all arguments must be ChipTensor");
        }
    }

    TensorRef tensors_[MaxT];
    TensorArgType tags_[MaxT] = {};
    uint64_t scalars_[MaxS] = {};
    int32_t tensor_count_ = 0;
    int32_t scalar_count_ = 0;
};

using CoreTaskArgs = Arg<CORE_MAX_TENSOR_ARGS, CORE_MAX_SCALAR_ARGS>;
struct ChipTaskArgs : Arg<CHIP_MAX_TENSOR_ARGS, CHIP_MAX_SCALAR_ARGS> {};

inline TaskOutputTensors rt_submit_task(const MixedKernels& mixed_kernels, const CoreTaskArgs& args)
{
    (void)mixed_kernels, (void)args;
    return TaskOutputTensors{};
}
inline TaskOutputTensors rt_submit_aic_task(int32_t kernel_id, const CoreTaskArgs& args)
{
    MixedKernels mk;
    mk.aic_kernel_id = kernel_id;
    return rt_submit_task(mk, args);
}
inline TaskOutputTensors rt_submit_aiv_task(int32_t kernel_id, const CoreTaskArgs& args)
{
    MixedKernels mk;
    mk.aiv0_kernel_id = kernel_id;
    return rt_submit_task(mk, args);
}
// Runtime-allocated tensors without a task (upstream: one CoreTaskArgs of outputs only).
template <typename... CIs>
inline TaskOutputTensors alloc_tensors(const CIs&... cis)
{
    static_assert(sizeof...(cis) > 0, "alloc_tensors requires at least one TensorCreateInfo");
    static_assert((std::is_same_v<std::decay_t<CIs>, TensorCreateInfo> && ...),
                  "alloc_tensors only accepts TensorCreateInfo arguments");
    return TaskOutputTensors{};
}
inline int32_t rt_available_cluster_count() { return 24; }
inline int32_t rt_available_aiv_count() { return 48; }
inline bool rt_is_fatal() { return false; }

enum class PTO2ScopeMode : uint8_t { AUTO = 0, MANUAL = 1 };
inline void rt_scope_begin(PTO2ScopeMode mode = PTO2ScopeMode::AUTO) { (void)mode; }
inline void rt_scope_end() {}

class PTO2ScopeGuard {
public:
    explicit PTO2ScopeGuard(PTO2ScopeMode mode = PTO2ScopeMode::AUTO, const char* file = __builtin_FILE(),
                            int line = __builtin_LINE())
    {
        (void)mode, (void)file, (void)line;
    }
    ~PTO2ScopeGuard() {}
};

#define PTO2_STUB_CAT_IMPL(a, b) a##b
#define PTO2_STUB_CAT(a, b) PTO2_STUB_CAT_IMPL(a, b)
// PTO2_SCOPE() { ... }  : RAII scope around task submissions.
#define PTO2_SCOPE(...) if (PTO2ScopeGuard PTO2_STUB_CAT(pto2_stub_scope_, __COUNTER__){__VA_ARGS__}; true)
#define PTO2_SCOPE_GUARD(...) [[maybe_unused]] PTO2ScopeGuard PTO2_STUB_CAT(pto2_stub_guard_, __COUNTER__){__VA_ARGS__}

struct PTO2OrchestrationConfig {
    int expected_arg_count;
};

template <typename T = uint64_t>
inline T get_tensor_data(const ChipTensor& tensor, uint32_t ndims, const uint32_t indices[])
{
    (void)tensor, (void)ndims, (void)indices;
    return from_u64<T>(0);
}
template <typename T = uint64_t>
inline void set_tensor_data(const ChipTensor& tensor, uint32_t ndims, const uint32_t indices[], T value)
{
    (void)tensor, (void)ndims, (void)indices, (void)value;
}

// printf-style logging (the format attribute lets -Wformat check the arguments).
__attribute__((format(printf, 2, 3))) inline void pto_stub_orch_log(const char* func, const char* fmt, ...)
{
    (void)func, (void)fmt;
}
#define LOG_ERROR(fmt, ...) pto_stub_orch_log(__FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_WARN(fmt, ...) pto_stub_orch_log(__FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_TIMING(fmt, ...) pto_stub_orch_log(__FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_INFO(fmt, ...) pto_stub_orch_log(__FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_DEBUG(fmt, ...) pto_stub_orch_log(__FUNCTION__, fmt, ##__VA_ARGS__)

#endif  // PYPTO_DSL_STUB_PTO_API_DECLS_HPP
