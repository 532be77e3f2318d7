"""One dispatch case of one core as a list of statement records for templates/ops.cpp.j2.

A record is a dict: `macro` names the template macro that prints it, `loc` is the
`kernel.pdsl:LINE` comment of the DSL statement it comes from ("" for none), and every other
field is a finished C++ fragment (a name, an address expression, a template argument list).
Nested records (`if`, `for`) carry their bodies as record lists.

What holds for the emitted code: every tile is bound to its planned address before it is
written (versioned tiles rotate at each definition); popped tiles are TASSIGNed to their
consumer slot before TPOP (facts §10); a per-row tile's row-major view is re-pointed after
every rebinding of the tile; GM slices are GlobalTensor views built from int64 offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir
from . import cxx
from .exprs import Printer, Shapes
from .gm import GlobalViews

# Operand shapes of the ops (the instruction each op prints is in its template macro).
ELEMENTWISE = {"add", "sub", "mul", "div", "max", "min"}
WITH_SCALAR = {"adds", "muls", "divs", "maxs", "mins"}
ROW_BROADCAST = {"row_add", "row_sub", "row_mul", "row_div"}
ROW_REDUCE = {"rowmax", "rowsum"}
SCRATCH = "pdsl_tmp_"  # + the row reduction's result: its tmp tile (passes/tiles.py)


@dataclass
class Emitted:
    """Declarations gathered while translating a body (printed at the top of the function)."""

    types: dict = field(default_factory=dict)  # alias -> text, in order of first use
    tiles: dict = field(default_factory=dict)  # variable -> alias
    scalars: dict = field(default_factory=dict)  # variable -> C++ type
    counters: dict = field(default_factory=dict)  # version counter -> initial value
    static_assigns: list = field(default_factory=list)  # (variable, address)
    static_views: list = field(default_factory=list)  # (row-major view, column tile)


class BodyEmitter:
    def __init__(self, core: str, source: str, tiles: dict, plan, pipes: dict, shapes: Shapes,
                 printer: Printer, params: dict):
        self.core = core
        self.source = source
        self.tiles = tiles
        self.plan = plan
        self.pipes = pipes
        self.expr = printer
        self.out = Emitted()
        self.extra_count = 0
        self._declare_tiles()
        self.gm = GlobalViews(shapes, printer, params, self.out.types)

    # ----------------------------------------------------------------------------- declarations

    def _declare_tiles(self) -> None:
        for name in self.tiles:
            info = self.tiles[name]
            self.out.types.setdefault(info.type_name, info.type_text())
            self.out.tiles[name] = info.type_name
            if info.is_col:
                self.out.types.setdefault(info.view_type_name, info.view_text())
                self.out.tiles[self.view(name)] = info.view_type_name
            alloc = self._alloc(name)
            if alloc is None:
                continue
            if alloc.versions == 1:
                self.out.static_assigns.append((name, cxx.hex_addr(alloc.offset)))
                if info.is_col:
                    self.out.static_views.append((self.view(name), name))
            else:
                self.out.counters[self.counter(name)] = alloc.versions - 1

    def _alloc(self, name: str):
        return self.plan.allocation(name) if self.plan is not None else None

    @staticmethod
    def view(name: str) -> str:
        return cxx.name("view", name)

    @staticmethod
    def counter(name: str) -> str:
        return cxx.name("version", name)

    def _loc(self, node) -> str:
        span = getattr(node, "span", None)
        return f"{self.source}:{span.line}" if span is not None else ""

    # ------------------------------------------------------------------------------- statements

    def stmts(self, stmts: tuple) -> list:
        out: list = []
        for stmt in stmts:
            out.extend(self.stmt(stmt))
        return out

    def stmt(self, stmt: ir.Stmt) -> list:
        loc = self._loc(stmt)
        if isinstance(stmt, (ir.Let, ir.Assign)):
            if isinstance(stmt.value.type, ir.TileType):
                return self._tile_def(stmt.name, stmt.value, loc)
            ctype = cxx.SCALAR.get(stmt.value.type.dtype, "int64_t")
            self.out.scalars.setdefault(stmt.name, ctype)
            return [dict(macro="scalar", name=stmt.name, value=self.expr(stmt.value), loc=loc)]
        if isinstance(stmt, ir.TPush):
            return self._push(stmt, loc)
        if isinstance(stmt, ir.Store):
            return self._store(stmt, loc)
        if isinstance(stmt, ir.Free):
            pipe = self.pipes[stmt.pipe]
            return [dict(macro="free", pipe=pipe.var, pipe_type=pipe.type_name,
                         split=pipe.split_axis(self.core, popping=True), loc=loc)]
        if isinstance(stmt, ir.Sync):
            return [self._sync(stmt, loc)]
        if isinstance(stmt, ir.If):
            return [dict(macro="if_stmt", cond=self.expr(stmt.cond), then=self.stmts(stmt.then),
                         orelse=self.stmts(stmt.orelse), loc=loc)]
        if isinstance(stmt, ir.For):
            return [dict(macro="for_stmt", var=stmt.var, start=self.expr(stmt.start),
                         stop=self.expr(stmt.stop), body=self.stmts(stmt.body), loc=loc)]
        raise ValueError(f"codegen: unexpected statement after lowering: {type(stmt).__name__}")

    def _sync(self, stmt: ir.Sync, loc: str) -> dict:
        if stmt.kind == "barrier":
            # A guarded barrier runs only when the pad it orders ran: the pad's condition.
            cond = self.expr(stmt.guard) if stmt.guard is not None else ""
            return dict(macro="barrier", pipe=cxx.pipe(stmt.src), cond=cond, loc=loc)
        dst = stmt.dst or "S"
        return dict(macro="flag", src=cxx.pipe(stmt.src), dst=cxx.pipe(dst),
                    event=cxx.event(stmt.event), loc=loc)

    # ------------------------------------------------------------------------------------ tiles

    def _bind(self, name: str, loc: str) -> list:
        """Records that point `name` at its storage for a new definition."""
        alloc = self._alloc(name)
        if alloc is None or alloc.versions == 1:
            return []
        counter = self.counter(name)
        out = [dict(macro="rotate", counter=counter, versions=alloc.versions, loc=loc),
               dict(macro="tassign", tile=name,
                    addr=f"{cxx.hex_addr(alloc.offset)} + {counter} * {alloc.size}", loc=loc)]
        return out + self._refresh_view(name, loc)

    def _refresh_view(self, name: str, loc: str) -> list:
        if not self.tiles[name].is_col:
            return []
        return [dict(macro="reshape", dst=self.view(name), src=name, loc=loc)]

    def _operand(self, name: str, as_view: bool) -> str:
        return self.view(name) if as_view and self.tiles[name].is_col else name

    def _tile_def(self, name: str, value: ir.Expr, loc: str) -> list:
        if isinstance(value, ir.Load):
            return self._bind(name, loc) + [self._load(name, value, loc)]
        if isinstance(value, ir.TPop):
            return self._pop(name, value, loc)
        if isinstance(value, ir.Name):
            return self._copy(name, value.name, loc)
        if isinstance(value, ir.TileOp):
            if value.op == "pad_cols":
                return self._pad(name, value, loc)
            return self._bind(name, loc) + self._op(name, value, loc)
        raise ValueError(f"codegen: unexpected tile value {value}")

    def _copy(self, name: str, source: str, loc: str) -> list:
        mine, theirs = self._alloc(name), self._alloc(source)
        if mine is None:
            return [dict(macro="reshape", dst=name, src=source, loc=loc)] + self._refresh_view(name, loc)
        if (theirs is not None and mine.versions == 1 and theirs.versions == 1
                and mine.offset == theirs.offset):
            return []
        as_view = self.tiles[name].is_col
        return self._bind(name, loc) + [dict(macro="copy", dst=self._operand(name, as_view),
                                             src=self._operand(source, as_view), loc=loc)]

    def _pop(self, name: str, value: ir.TPop, loc: str) -> list:
        pipe = self.pipes[value.pipe]
        info = self.tiles[name]
        base = pipe.consumer_base(self.core)
        addr = (f"{cxx.hex_addr(base)} + ({pipe.var}.cons.getTileId() % {pipe.local_slots}) * "
                f"{pipe.slot_size}")
        return ([dict(macro="tassign", tile=name, addr=addr, loc=loc),
                 dict(macro="tpop", pipe=pipe.var, pipe_type=pipe.type_name, tile=name,
                      tile_type=info.type_name, split=pipe.split_axis(self.core, popping=True),
                      loc=loc)]
                + self._refresh_view(name, loc))

    def _push(self, stmt: ir.TPush, loc: str) -> list:
        pipe = self.pipes[stmt.pipe]
        tile = stmt.value.name
        return [dict(macro="tpush", pipe=pipe.var, pipe_type=pipe.type_name, tile=tile,
                     tile_type=self.tiles[tile].type_name,
                     split=pipe.split_axis(self.core, popping=False), loc=loc)]

    # ---------------------------------------------------------------------------------- tile ops

    def _op(self, name: str, value: ir.TileOp, loc: str) -> list:
        op = value.op
        tiles = [a.name for a in value.args if isinstance(a, ir.Name) and a.name in self.tiles]
        scalars = [a for a in value.args if not (isinstance(a, ir.Name) and a.name in self.tiles)]
        as_view = self.tiles[name].is_col
        dst = self._operand(name, as_view)
        srcs = [self._operand(t, as_view) for t in tiles]
        record = dict(macro=op, dst=dst, loc=loc)
        if op in ELEMENTWISE:
            record.update(a=srcs[0], b=srcs[1])
        elif op in WITH_SCALAR:
            record.update(a=srcs[0], scalar=self._scalar(scalars[0], name))
        elif op in ROW_BROADCAST:
            record.update(dst=name, a=tiles[0], b=tiles[1])
        elif op in ROW_REDUCE:
            pre, tmp = self._scratch(name, tiles[0], loc)
            record.update(dst=name, a=tiles[0], tmp=tmp)
            return pre + [record]
        elif op in ("exp", "move_left", "move_right"):
            record.update(a=srcs[0])
        elif op == "cast":
            record.update(a=srcs[0], mode=cxx.ROUND_MODE[value.attr("round", "rint")])
        elif op == "fill":
            record.update(scalar=self._scalar(scalars[-1], name))
        elif op == "matmul":
            record.update(a=tiles[0], b=tiles[1])
        elif op == "matmul_acc":
            # The (cOut, cIn, a, b) form: the simulator has no in-place TMATMUL_ACC.
            acc, left, right = tiles
            record.update(acc=acc, a=left, b=right)
        else:
            raise ValueError(f"codegen: no translation for op {op}")
        return [record]

    def _scalar(self, expr: ir.Expr, tile: str) -> str:
        """A scalar operand in the tile's element type."""
        text = self.expr(expr)
        if isinstance(expr, ir.Const) and self.tiles[tile].dtype == "f32":
            return cxx.float_literal(float(expr.value))
        element = self.tiles[tile].element
        if isinstance(expr.type, ir.ScalarType) and cxx.SCALAR.get(expr.type.dtype) == element:
            return text
        return f"static_cast<{element}>({text})"

    def _scratch(self, result: str, source: str, loc: str) -> tuple:
        """(records, tile) of TROWMAX/TROWSUM's mandatory tmp tile: the source's type, at the
        plan's `pdsl_tmp_<result>` allocation."""
        var = SCRATCH + result
        alloc = self._alloc(var)
        if alloc is None:
            raise ValueError(f"codegen: the memory plan has no scratch allocation '{var}'")
        info = self.tiles[source]
        if var not in self.out.tiles:
            self.out.tiles[var] = info.type_name
            if alloc.versions == 1:
                self.out.static_assigns.append((var, cxx.hex_addr(alloc.offset)))
            else:
                self.out.counters[self.counter(var)] = alloc.versions - 1
        if alloc.versions == 1:
            return [], var
        counter = self.counter(var)
        return [dict(macro="rotate", counter=counter, versions=alloc.versions, loc=loc),
                dict(macro="tassign", tile=var,
                     addr=f"{cxx.hex_addr(alloc.offset)} + {counter} * {alloc.size}", loc=loc)], var

    def _pad(self, name: str, value: ir.TileOp, loc: str) -> list:
        """pad_cols as TFILLPAD_INPLACE (facts §3): from a view whose valid width is the runtime
        `valid` into a view that carries the pad value, both on the padded bytes. Those are the
        source's own when the plan pads in place (the result has no allocation); otherwise the
        source is first copied into the result's bytes (then a PIPE_V barrier) and the copy is
        padded."""
        source, valid, fill = value.args
        if not isinstance(fill, ir.Const):
            raise ValueError("codegen: pad_cols needs a constant pad value (a template argument)")
        info = self.tiles[source.name]
        pad_alias, pad_text = info.pad_type(float(fill.value))
        dyn_alias, dyn_text = info.dynamic_type()
        self.out.types.setdefault(pad_alias, pad_text)
        self.out.types.setdefault(dyn_alias, dyn_text)
        pad_var = cxx.name("pad", str(self.extra_count))
        dyn_var = cxx.name("valid", str(self.extra_count))
        self.extra_count += 1
        self.out.tiles[pad_var] = pad_alias
        in_place = self._alloc(name) is None
        # The copy and the pad are two dependent vector ops made from one statement, so the
        # barrier between them is this expansion's own (the sync pass sees one statement).
        records = [] if in_place else self._bind(name, loc) + [
            dict(macro="copy", dst=name, src=source.name, loc=loc),
            dict(macro="barrier", pipe=cxx.pipe("V"), cond="", loc=loc)]
        padded = source.name if in_place else name
        records.append(dict(macro="pad_cols", valid=self.expr(valid), cols=info.cols,
                            dyn_type=dyn_alias, dyn=dyn_var, pad=pad_var, src=padded, loc=loc))
        if in_place:
            records.append(dict(macro="reshape", dst=name, src=source.name, loc=loc))
        return records

    # ---------------------------------------------------------------------------------- GM views

    def _load(self, name: str, value: ir.Load, loc: str) -> dict:
        view = self.gm.view(value.tensor, value.slices, self.tiles[name], value.transpose)
        return dict(macro="load", tile=name, loc=loc, **view)

    def _store(self, stmt: ir.Store, loc: str) -> list:
        tile = stmt.value.name
        view = self.gm.view(stmt.tensor, stmt.slices, self.tiles[tile], False)
        return [dict(macro="store", tile=tile, loc=loc, **view)]
