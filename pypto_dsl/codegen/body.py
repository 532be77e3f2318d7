"""One dispatch case of one core as a list of statement records for templates/ops.cpp.j2.

A record is a dict: `macro` names the template macro that prints it, `loc` is the
`kernel.pdsl:LINE` comment of the DSL statement it comes from ("" for none), and every other
field is a finished C++ fragment (a name, an address expression, a template argument list).
Nested records (`if`, `for`) carry their bodies as record lists. A tile op's record is built by
the argument rule its op-table entry names (`OpSpec.emit`, the `_emit_<rule>` methods here);
the macro is named like the op.

What holds for the emitted code: every tile is bound to its planned address before it is
written (versioned tiles rotate at each definition); a popped tile is TASSIGNed to the local
slot its pop takes (pop k of a pipe: slot k % local_slots, counted here as the NPU's TPipe
counts them, since the simulator's TPOP loads where the tile points) before TPOP; a per-row
tile's row-major view is re-pointed after every rebinding of the tile; GM slices are
GlobalTensor views built from int64 offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir, plan
from ..ops import OPS
from ..walk import Visitor
from . import cxx, tiles
from .exprs import Printer, Shapes
from .gm import GlobalViews
from .layout import pipe_type, split_axis


@dataclass
class Emitted:
    """Declarations gathered while translating a body (printed at the top of the function)."""

    types: dict = field(default_factory=dict)  # alias -> text, in order of first use
    tiles: dict = field(default_factory=dict)  # variable -> alias
    scalars: dict = field(default_factory=dict)  # variable -> C++ type
    counters: dict = field(default_factory=dict)  # version or pop counter -> initial value
    static_assigns: list = field(default_factory=list)  # (variable, address)
    static_views: list = field(default_factory=list)  # (row-major view, column tile)


class BodyEmitter(Visitor):
    def __init__(self, core: str, source: str, case_plan: plan.CasePlan, shapes: Shapes,
                 printer: Printer, params: dict):
        self.core = core
        self.source = source
        self.storage = case_plan.core(core)
        self.pipes = {p.name: p for p in case_plan.pipes}
        self.expr = printer
        self.out = Emitted()
        self.records: list = []
        self.pending: list = []  # records an op's scratch needs before the op (rotation)
        self.extra_count = 0
        self._declare_tiles()
        self.gm = GlobalViews(shapes, printer, params, self.out.types)

    # ----------------------------------------------------------------------------- declarations

    def _declare_tiles(self) -> None:
        for tile in self.storage.tiles:
            if tile.kind == plan.SCRATCH:
                continue  # declared with the reduction that uses it
            var = cxx.ident(tile.name)
            alias = tiles.type_name(tile)
            self.out.types.setdefault(alias, tiles.type_text(tile))
            self.out.tiles[var] = alias
            if tiles.is_col(tile):
                view_alias, view_text = tiles.view_type(tile)
                self.out.types.setdefault(view_alias, view_text)
                self.out.tiles[self.view(tile.name)] = view_alias
            if not tile.owns_bytes:
                continue
            if tile.versions == 1:
                self.out.static_assigns.append((var, cxx.hex_addr(tile.offset)))
                if tiles.is_col(tile):
                    self.out.static_views.append((self.view(tile.name), var))
            else:
                self.out.counters[self.counter(tile.name)] = tile.versions - 1
        for pipe in self.pipes.values():
            if pipe.dst == self.core:
                self.out.counters[self.pops(pipe.name)] = 0

    def _owner(self, name: str):
        """The plan of `name` when it owns bytes (None for aliases, pops, in-place results)."""
        tile = self.storage.tile(name)
        return tile if tile.owns_bytes else None

    @staticmethod
    def view(name: str) -> str:
        return cxx.name("view", cxx.part(name))

    @staticmethod
    def counter(name: str) -> str:
        return cxx.name("version", cxx.part(name))

    @staticmethod
    def pops(pipe: str) -> str:
        return cxx.name("pops", cxx.part(pipe))

    def _loc(self, node) -> str:
        span = getattr(node, "span", None)
        return f"{self.source}:{span.line}" if span is not None else ""

    # ------------------------------------------------------------------------------- statements

    def emit(self, stmts: tuple) -> list:
        outer, self.records = self.records, []
        try:
            self.stmts(stmts)
            return self.records
        finally:
            self.records = outer

    def visit_Let(self, stmt) -> None:
        loc = self._loc(stmt)
        if isinstance(stmt.value.type, ir.TileType):
            self.records += self._tile_def(stmt.name, stmt.value, loc)
            return
        var = cxx.ident(stmt.name)
        self.out.scalars.setdefault(var, cxx.SCALAR.get(stmt.value.type.dtype, "int64_t"))
        self.records.append(dict(macro="scalar", name=var, value=self.expr(stmt.value), loc=loc))

    visit_Assign = visit_Let

    def visit_TPush(self, stmt: ir.TPush) -> None:
        pipe = self.pipes[stmt.pipe]
        tile = self.storage.tile(stmt.value.name)
        self.records.append(dict(macro="tpush", pipe=self._pipe_var(pipe.name),
                                 pipe_type=self._pipe_type_name(pipe.name),
                                 tile=cxx.ident(tile.name), tile_type=tiles.type_name(tile),
                                 split=split_axis(pipe, self.core, popping=False),
                                 loc=self._loc(stmt)))

    def visit_Store(self, stmt: ir.Store) -> None:
        tile = self.storage.tile(stmt.value.name)
        view = self.gm.view(stmt.tensor, stmt.slices, tile, False)
        # A cube cast is the accumulator itself, converted by the fixpipe as TSTORE writes GM.
        source = tile.root if tile.kind == plan.ALIAS and tile.layout == "acc" else tile.name
        self.records.append(dict(macro="store", tile=cxx.ident(source), loc=self._loc(stmt),
                                 **view))

    def visit_Free(self, stmt: ir.Free) -> None:
        pipe = self.pipes[stmt.pipe]
        self.records.append(dict(macro="free", pipe=self._pipe_var(pipe.name),
                                 pipe_type=self._pipe_type_name(pipe.name),
                                 split=split_axis(pipe, self.core, popping=True),
                                 loc=self._loc(stmt)))

    def visit_Sync(self, stmt: ir.Sync) -> None:
        loc = self._loc(stmt)
        if stmt.kind == "barrier":
            # A guarded barrier runs only when the pad it orders ran: the pad's condition.
            cond = self.expr(stmt.guard) if stmt.guard is not None else ""
            self.records.append(dict(macro="barrier", pipe=cxx.pipe(stmt.src), cond=cond,
                                     loc=loc))
            return
        self.records.append(dict(macro="flag", src=cxx.pipe(stmt.src),
                                 dst=cxx.pipe(stmt.dst or "S"), event=cxx.event(stmt.event),
                                 loc=loc))

    def visit_If(self, stmt: ir.If) -> None:
        self.records.append(dict(macro="if_stmt", cond=self.expr(stmt.cond),
                                 then=self.emit(stmt.then), orelse=self.emit(stmt.orelse),
                                 loc=self._loc(stmt)))

    def visit_For(self, stmt: ir.For) -> None:
        self.records.append(dict(macro="for_stmt", var=cxx.ident(stmt.var),
                                 start=self.expr(stmt.start), stop=self.expr(stmt.stop),
                                 body=self.emit(stmt.body), loc=self._loc(stmt)))

    def generic_stmt(self, stmt) -> None:
        raise ValueError(f"codegen: unexpected statement after lowering: {type(stmt).__name__}")

    # ------------------------------------------------------------------------------------ tiles

    def _pipe_var(self, pipe: str) -> str:
        return cxx.name("pipe", cxx.part(pipe))

    def _pipe_type_name(self, pipe: str) -> str:
        return cxx.name("pipet", cxx.part(pipe))

    def _bind(self, name: str, loc: str) -> list:
        """Records that point `name` at its storage for a new definition."""
        tile = self._owner(name)
        if tile is None or tile.versions == 1:
            return []
        return self._rotate(tile, loc) + self._refresh_view(name, loc)

    def _rotate(self, tile: plan.TilePlan, loc: str) -> list:
        counter = self.counter(tile.name)
        return [dict(macro="rotate", counter=counter, versions=tile.versions, loc=loc),
                dict(macro="tassign", tile=cxx.ident(tile.name),
                     addr=f"{cxx.hex_addr(tile.offset)} + {counter} * {tile.size}", loc=loc)]

    def _refresh_view(self, name: str, loc: str) -> list:
        if not tiles.is_col(self.storage.tile(name)):
            return []
        return [dict(macro="reshape", dst=self.view(name), src=cxx.ident(name), loc=loc)]

    def operand(self, name: str, as_view: bool) -> str:
        """A tile operand: the row-major view of a column tile where the op needs one."""
        if as_view and tiles.is_col(self.storage.tile(name)):
            return self.view(name)
        return cxx.ident(name)

    def _tile_def(self, name: str, value: ir.Expr, loc: str) -> list:
        if isinstance(value, ir.Load):
            tile = self.storage.tile(name)
            view = self.gm.view(value.tensor, value.slices, tile, value.transpose)
            return self._bind(name, loc) + [dict(macro="load", tile=cxx.ident(name), loc=loc,
                                                 **view)]
        if isinstance(value, ir.TPop):
            return self._pop(name, value, loc)
        if isinstance(value, ir.Name):
            return self._copy(name, value.name, loc)
        if isinstance(value, ir.TileOp):
            rule = getattr(self, "_emit_" + OPS[value.op].emit)
            return rule(name, value, loc)
        raise ValueError(f"codegen: unexpected tile value {value}")

    def _copy(self, name: str, source: str, loc: str) -> list:
        mine, theirs = self._owner(name), self._owner(source)
        if mine is None:  # an alias: the same bytes under another name
            return ([dict(macro="reshape", dst=cxx.ident(name), src=cxx.ident(source), loc=loc)]
                    + self._refresh_view(name, loc))
        if (theirs is not None and mine.versions == 1 and theirs.versions == 1
                and mine.offset == theirs.offset):
            return []
        as_view = tiles.is_col(mine)
        return self._bind(name, loc) + [dict(macro="copy", dst=self.operand(name, as_view),
                                             src=self.operand(source, as_view), loc=loc)]

    def _pop(self, name: str, value: ir.TPop, loc: str) -> list:
        pipe = self.pipes[value.pipe]
        tile = self.storage.tile(name)
        counter = self.pops(pipe.name)
        addr = f"{cxx.hex_addr(pipe.offset)} + {counter} % {pipe.local_slots} * {pipe.slot_size}"
        return ([dict(macro="tassign", tile=cxx.ident(name), addr=addr, loc=loc),
                 dict(macro="tpop", pipe=self._pipe_var(pipe.name),
                      pipe_type=self._pipe_type_name(pipe.name), tile=cxx.ident(name),
                      tile_type=tiles.type_name(tile),
                      split=split_axis(pipe, self.core, popping=True), counter=counter, loc=loc)]
                + self._refresh_view(name, loc))

    # --------------------------------------------------- argument rules of the op table (emit)

    def _record(self, name: str, value: ir.TileOp, loc: str, as_view: bool = False) -> dict:
        """The record of an op whose destination is `name`: its tile operands a, b, c, its
        scalar operand (in the tile's type), its tmp tile when its entry has a scratch."""
        record = dict(macro=value.op, dst=self.operand(name, as_view), loc=loc)
        tiles = [a for a in value.args if _is_tile(a)]
        for key, arg in zip("abc", tiles):
            record[key] = self.operand(arg.name, as_view)
        scalars = [a for a in value.args if not _is_tile(a)]
        if scalars:
            # in the type of the tile it meets (select's source, not its mask)
            record["scalar"] = self._scalar(scalars[-1], tiles[-1].name if tiles else name)
        if OPS[value.op].scratch:
            record["tmp"] = self._scratch(name, value, loc)
        return record

    def _scratch(self, name: str, value: ir.TileOp, loc: str) -> str:
        """The op's tmp tile, at the plan's `pdsl_tmp_<result>` (rotated when versioned)."""
        scratch = self.storage.tile(plan.SCRATCH_PREFIX + name)
        var = cxx.ident(scratch.name)
        if var not in self.out.tiles:
            self.out.types.setdefault(tiles.type_name(scratch), tiles.type_text(scratch))
            self.out.tiles[var] = tiles.type_name(scratch)
            if scratch.versions == 1:
                self.out.static_assigns.append((var, cxx.hex_addr(scratch.offset)))
            else:
                self.out.counters[self.counter(scratch.name)] = scratch.versions - 1
        if scratch.versions > 1:
            self.pending += self._rotate(scratch, loc)
        return var

    def _emit(self, name, value, loc, as_view: bool = False) -> list:
        """Bind the destination, then the op's record (and what its scratch needed first)."""
        self.pending = []
        record = self._record(name, value, loc, as_view)
        return self._bind(name, loc) + self.pending + [record]

    def _emit_unary(self, name, value, loc) -> list:
        return self._emit(name, value, loc, as_view=True)

    _emit_binary = _emit_scalar = _emit_fill = _emit_select = _emit_unary

    def _emit_compare(self, name, value, loc) -> list:
        records = self._emit(name, value, loc)
        records[-1]["mode"] = f"pto::CmpMode::{value.attr('mode')}"
        return records

    def _emit_row(self, name, value, loc) -> list:
        """A row broadcast or reduction reads and writes per-row values as column tiles."""
        return self._emit(name, value, loc)

    _emit_reduce = _emit_matmul = _emit_broadcast = _emit_row

    def _emit_cast(self, name, value, loc) -> list:
        records = self._emit(name, value, loc, as_view=True)
        records[-1]["mode"] = cxx.ROUND_MODE[value.attr("round", "rint")]
        return records

    def _emit_iota(self, name, value, loc) -> list:
        records = self._emit(name, value, loc)
        tile = self.storage.tile(name)
        records[-1].update(type=tiles.type_name(tile), element=tiles.element(tile))
        return records

    def _emit_extract(self, name, value, loc) -> list:
        records = self._emit(name, value, loc)
        records[-1].update(row=self.expr(value.args[1]), col=self.expr(value.args[2]))
        return records

    def _emit_insert(self, name, value, loc) -> list:
        """`t[r : +n, c : +m] = v`: TINSERT into t's own bytes (the result is t, in place)."""
        whole, part, row, col = value.args
        alias = [] if whole.name == name else [dict(macro="reshape", dst=cxx.ident(name),
                                                    src=cxx.ident(whole.name), loc=loc)]
        return alias + [dict(macro="insert", dst=cxx.ident(name), a=cxx.ident(part.name),
                             row=self.expr(row), col=self.expr(col), loc=loc)]

    def _emit_alias(self, name, value, loc) -> list:
        """The operand's bytes seen as another tile type."""
        source = value.args[0].name
        return ([dict(macro="reshape", dst=cxx.ident(name), src=cxx.ident(source), loc=loc)]
                + self._refresh_view(name, loc))

    def _emit_acc_cast(self, name, value, loc) -> list:
        return []  # the store of it converts (visit_Store)

    def _emit_matmul_acc(self, name, value, loc) -> list:
        # The (cOut, cIn, a, b) form, with cOut and cIn the same bytes (storage.py): a2a3
        # accumulates in place, and the simulator has no in-place form.
        acc = value.args[0].name
        alias = [] if acc == name else [dict(macro="reshape", dst=cxx.ident(name),
                                             src=cxx.ident(acc), loc=loc)]
        return alias + [self._record(name, value, loc)]

    def _emit_pad(self, name: str, value: ir.TileOp, loc: str) -> list:
        """pad_cols as TFILLPAD_INPLACE (facts §3): from a view whose valid width is the runtime
        `valid` into a view that carries the pad value, both on the padded bytes. Those are the
        source's own when the plan pads in place (the result has no bytes of its own);
        otherwise the source is first copied into the result's bytes (then a PIPE_V barrier)
        and the copy is padded."""
        source, valid, fill = value.args
        if not isinstance(fill, ir.Const):
            raise ValueError("codegen: pad_cols needs a constant pad value (a template argument)")
        tile = self.storage.tile(source.name)
        pad_alias, pad_text = tiles.pad_type(tile, float(fill.value))
        dyn_alias, dyn_text = tiles.dynamic_type(tile)
        self.out.types.setdefault(pad_alias, pad_text)
        self.out.types.setdefault(dyn_alias, dyn_text)
        pad_var = cxx.name("pad", str(self.extra_count))
        dyn_var = cxx.name("valid", str(self.extra_count))
        self.extra_count += 1
        self.out.tiles[pad_var] = pad_alias
        in_place = self._owner(name) is None
        # The copy and the pad are two dependent vector ops made from one statement, so the
        # barrier between them is this expansion's own (the sync pass sees one statement).
        records = [] if in_place else self._bind(name, loc) + [
            dict(macro="copy", dst=cxx.ident(name), src=cxx.ident(source.name), loc=loc),
            dict(macro="barrier", pipe=cxx.pipe("V"), cond="", loc=loc)]
        padded = source.name if in_place else name
        records.append(dict(macro="pad_cols", valid=self.expr(valid), cols=tiles.valid(tile)[1],
                            dyn_type=dyn_alias, dyn=dyn_var, pad=pad_var, src=cxx.ident(padded),
                            loc=loc))
        if in_place:
            records.append(dict(macro="reshape", dst=cxx.ident(name), src=cxx.ident(source.name),
                                loc=loc))
        return records

    def _scalar(self, expr: ir.Expr, tile_name: str) -> str:
        """A scalar operand in the tile's element type."""
        tile = self.storage.tile(tile_name)
        text = self.expr(expr)
        if isinstance(expr, ir.Const) and tile.type.dtype == "f32":
            return cxx.float_literal(float(expr.value))
        element = tiles.element(tile)
        if isinstance(expr.type, ir.ScalarType) and cxx.SCALAR.get(expr.type.dtype) == element:
            return text
        return f"static_cast<{element}>({text})"


def _is_tile(expr) -> bool:
    return isinstance(expr, ir.Name) and isinstance(expr.type, ir.TileType)


__all__ = ["BodyEmitter", "Emitted", "pipe_type"]
