#!/usr/bin/env python3
"""gen_programs.py — a grammar-aware generator of valid .tr programs, and a runner that feeds
them to the real trc binary and sorts the results.

libFuzzer (fuzz_frontend.c) mutates bytes: it is good at the lexer, the parser and the error
paths, but almost never builds a program that type-checks, so monomorphization, vtables and
codegen see little of it. This generator works the other way round: every program it writes is
meant to be valid Rust (and so valid .tr), built from a random *structure*:

  - traits with supertraits (a DAG: a trait's supertraits come before it), required and
    default methods (`&self`, `&mut self`, `self: Box<Self>`, `-> String`), constructors
    `fn make() -> Self where Self: Sized`, and generic methods `where Self: Sized`;
  - structs (named, tuple, unit), `i64` itself, a generic `W<T>` with `impl<T: Tr> Tr for W<T>`
    delegating to its field, and an enum whose impls dispatch with `match`;
  - impls closed under supertraits, some overriding defaults, some `impl Drop`;
  - generic fns with bounds (`<T: A + B>`, `where`, `impl A`, `?Sized`), fns over `&dyn`,
    `&mut dyn`, `Box<dyn>`, `Vec<Box<dyn>>` with loops, upcasts `&dyn Sub -> &dyn Super`,
    factories returning `Box<dyn Tr>`, closures through `F: Fn` and `&dyn Fn`;
  - self-contained extras, each a few items and lines of main: blanket impls, Box upcasts,
    holders of trait objects, associated types, a generic trait implemented twice; and the
    shapes issue 15 found missing: a trait whose method takes its own trait object, recursive
    types through Box/Vec/Option<Box<_>>, ==/</assert_eq!/assert_ne! on tuples, Options,
    arrays and derived-PartialEq structs and enums, closures over unsuffixed literals and
    `move` closures matching a captured Option<Box<_>>, repeat expressions with large counts
    (`[x; 20000]`, `vec![0u8; 1_048_576]`, `Box::new([x; 50000])`), a generic trait with three
    impls for one type chosen by annotation or turbofish, `G<G<G<i32>>>` nesting, catch_unwind
    with the payload downcast, thread::spawn + join, macro_rules! generating impls, and `mod`
    blocks with `pub` items and `use`;
  - and, for the lines scripts/coverage.sh found no generated program reaching: every integer
    width with casts, the checked_/saturating_/overflowing_ methods and radix/width/precision
    formatting; `?` on Result and Option with str::parse and a `From` error; range, `@`, `|`,
    slice, string, struct and const patterns; fn pointers and methods as values; derived
    Clone/PartialOrd/Default on generics; Box<[T]>, Box<str>, Rc<[T]>, Rc<str>; operator traits;
    str methods and slicing; a user Iterator and the adaptors, HashMap and BTreeMap; named
    lifetimes in fns, structs and impls; std's size_of, from_str_radix, mem::swap/replace/take,
    ptr::eq, discriminant; raw pointers, Box::into_raw, transmute, `static mut`, extern "C";
    constants promoted to `'static`; Clone of std types through generics; `dyn Fn` over fn items;
    `-> impl Trait` in trait methods, `<T as Tr>::Assoc`, `use Enum::*`, `write!` into Strings;
  - a main that calls all of it with concrete types.

Nothing recurses without a bound: a method body only calls methods earlier in one global order
(supertraits first), a free fn only earlier free fns, and the recursive types' walks follow
finite data; arithmetic wraps. So a program also runs, and prints the same under rustc and trc
(some end in a panic, exit 101, on purpose: a failing assert_eq!, a caught or joined panic).

Modes:
  gen_programs.py --emit DIR --count N [--seed S] [--ownership | --reject]
        write N programs (seeds S..S+N-1) to DIR, e.g. as libFuzzer seeds (with --ownership or
        --reject: the mutated programs of that mode, without comparing them)
  gen_programs.py --trc PATH [--time SECS | --count N] [--seed S] [--out DIR] [--run]
                  [--rustc PATH]
        generate and compile each program with trc (5 s timeout; flags vary: -O0/-O2,
        --devirt, --remarks=devirt; mostly to IR, sometimes --dump-vtable-layouts, --emit=mir,
        --print-mono-items or an executable) and classify:
          exit 0, exit 1         fine (exit 1 on a generated program is counted as "rejected")
          exit 3 (ICE), any other exit code, a signal, a timeout, a sanitizer report: a bug;
          the program and trc's output are saved in DIR (default build-fuzz/gen-findings).
        --run: also link and run the program (5 s); a signal or an exit code other than 0 or
        101 (a panic) is a bug.
        --rustc: also build with rustc, and report programs trc rejects but rustc accepts
        ("rejects valid"), and, with --run, any difference in output or exit code.
  gen_programs.py --trc PATH --rustc PATH --ownership [--time SECS | --count N]
        the borrow checker's soundness check: each program gets one snippet that misuses a
        variable of main (use after move, two `&mut`, a reference outliving its value, `&mut`
        of what is borrowed, ...) or uses it in a valid NLL way; trc and rustc must agree on
        whether it compiles and on the first error code.
  gen_programs.py --trc PATH --rustc PATH --reject [--time SECS | --count N]
        the type checker's soundness check, the same way: each program gets one mutation that
        breaks a type-system rule (dyn compatibility, coherence and the orphan rule, bounds,
        Sized, an impl's items against its trait, or an expression's types) or is a near miss
        rustc accepts; see REJECT_MUTATIONS.
  The last line is a summary:  gen: N programs, X ok, R rejected, B bugs (D dir)
  and the exit status is 1 when there was a bug.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# ----------------------------------------------------------------------------------------------
# The program model


class Method:
    """One trait method. kind: 'val' (&self, x: i64) -> i64, 'mut' (&mut self, x: i64),
    'str' (&self) -> String, 'make' () -> Self where Self: Sized, 'gen' <U: Tr>(&self, &U) -> i64
    where Self: Sized, 'box' (self: Box<Self>) -> i64."""

    def __init__(self, trait, index, name, kind, has_default, gen_bound=None):
        self.trait, self.index, self.name, self.kind = trait, index, name, kind
        self.has_default = has_default
        self.gen_bound = gen_bound  # 'gen': the trait U is bounded by
        self.default_body = None

    @property
    def order(self):
        return (self.trait.index, self.index)


class Trait:
    def __init__(self, index):
        self.index = index
        self.name = "Tr%d" % index
        self.supers = []
        self.methods = []

    def closure(self):
        """This trait and all its supertraits, each once, supertraits first."""
        seen = []
        for s in self.supers:
            for t in s.closure():
                if t not in seen:
                    seen.append(t)
        seen.append(self)
        return seen

    def all_methods(self):
        return [m for t in self.closure() for m in t.methods]


class Ty:
    """A concrete type that can implement traits. kind: 'named', 'tuple', 'unit', 'i64',
    'wrap' (W<inner>), 'enum'."""

    def __init__(self, name, kind, inner=None):
        self.name, self.kind, self.inner = name, kind, inner
        self.traits = []      # every trait implemented (closed under supertraits)
        self.has_drop = False
        self.debug = False
        self.fields = []      # named: extra fields beyond v

    def implements(self, t):
        return t in self.traits


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.out = []

    # -- helpers ------------------------------------------------------------------------------

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def emit(self, s=""):
        self.out.append(s)

    def lit(self, typed=False):
        # Typed inside arithmetic: `(-3).wrapping_add(1)` is ambiguous to rustc (E0689).
        return str(self.r.choice([0, 1, 2, 3, 5, 7, 10, 42, 100, -1, -3, 1000])) + ("i64" if typed else "")

    def int_expr(self, atoms, depth=2):
        """An i64 expression over `atoms` (i64-valued expressions) that cannot overflow
        or panic: wrapping arithmetic only."""
        if depth <= 0 or self.chance(0.35):
            return self.pick(atoms) if atoms and self.chance(0.7) else self.lit(True)
        a = self.int_expr(atoms, depth - 1)
        b = self.int_expr(atoms, depth - 1)
        k = self.r.randrange(7)
        if k == 0:
            return "(%s).wrapping_add(%s)" % (a, b)
        if k == 1:
            return "(%s).wrapping_mul(%s)" % (a, b)
        if k == 2:
            return "(%s).wrapping_sub(%s)" % (a, b)
        if k == 3:
            return "(%s ^ %s)" % (a, b)
        if k == 4:
            return "(if %s > %s { %s } else { %s })" % (a, b, a, self.int_expr(atoms, depth - 1))
        if k == 5:
            return "match (%s) %% 3 { 0 => %s, 1 => %s, _ => %s }" % (
                a, b, self.int_expr(atoms, 0), self.lit(True))
        return "{ let tmp = %s; tmp.wrapping_add(%s) }" % (a, b)

    # -- the structure ------------------------------------------------------------------------

    def build(self):
        r = self.r
        ntraits = r.randint(1, 5)
        self.traits = []
        mid = 0
        for i in range(ntraits):
            t = Trait(i)
            if i > 0:
                k = r.choice([0, 0, 1, 1, 2])
                t.supers = r.sample(self.traits, min(k, i))
            nm = r.randint(1, 3)
            for j in range(nm):
                kind = r.choices(["val", "mut", "str", "make", "gen", "box"],
                                 [8, 2, 2, 1, 1, 1])[0]
                if kind == "gen" and not self.traits:
                    kind = "val"
                has_default = kind in ("val", "str", "gen") and r.random() < 0.5
                if kind == "gen":
                    has_default = True  # impls never need to spell it
                m = Method(t, j, "m%d" % mid, kind, has_default,
                           gen_bound=self.pick(self.traits) if kind == "gen" else None)
                mid += 1
                t.methods.append(m)
            self.traits.append(t)

        # Types.
        self.types = []
        for i in range(r.randint(1, 4)):
            kind = r.choice(["named", "named", "tuple", "unit"])
            ty = Ty("S%d" % i, kind)
            if kind == "named":
                ty.fields = [f for f in ("name", "xs") if r.random() < 0.4]
            ty.has_drop = kind != "unit" and r.random() < 0.3
            ty.debug = r.random() < 0.3
            self.types.append(ty)
        if self.chance(0.3):
            self.types.append(Ty("i64", "i64"))
        for ty in self.types:
            chosen = [t for t in self.traits if r.random() < 0.6]
            for t in chosen:
                for c in t.closure():
                    if c not in ty.traits:
                        ty.traits.append(c)
            ty.traits.sort(key=lambda t: t.index)

        # W<T>: implements the closure of one trait when T implements that trait.
        self.wrap_trait = self.pick(self.traits) if self.chance(0.5) else None
        # The enum: variants hold types that implement the enum's trait.
        self.enum_trait = None
        if self.chance(0.5):
            t = self.pick(self.traits)
            holders = [ty for ty in self.types if ty.implements(t) and ty.kind != "i64"]
            if holders:
                self.enum_trait = t
                self.enum_variants = [self.pick(holders) for _ in range(r.randint(1, 3))]
                self.enum_debug = all(h.debug for h in self.enum_variants) and self.chance(0.5)

    def impl_types(self, t):
        """Concrete type expressions implementing t, with a value constructor for each."""
        out = []
        for ty in self.types:
            if ty.implements(t):
                out.append((ty.name, self.ctor(ty)))
        if self.wrap_trait and t in self.wrap_trait.closure():
            for ty in self.types:
                if ty.implements(self.wrap_trait):
                    out.append(("W<%s>" % ty.name, "W { inner: %s, k: %s }" % (self.ctor(ty), self.lit())))
                    if self.chance(0.3):
                        out.append(("W<W<%s>>" % ty.name, "W { inner: W { inner: %s, k: 1 }, k: 2 }" % self.ctor(ty)))
        if self.enum_trait and t in self.enum_trait.closure():
            for i, v in enumerate(self.enum_variants):
                out.append(("E", "E::V%d(%s)" % (i, self.ctor(v))))
            out.append(("E", "E::Nil"))
        return out

    def ctor(self, ty):
        if ty.kind == "i64":
            return "%si64" % self.r.choice([0, 3, 7, 11])
        return "%s::new(%s)" % (ty.name, self.lit())

    # -- items --------------------------------------------------------------------------------

    def callable_vals(self, t, before=None):
        """&self -> i64 methods available on Self in trait t (and supers), optionally only
        those earlier in the global order than `before`."""
        return [m for m in t.all_methods() if m.kind == "val" and (before is None or m.order < before)]

    def self_call_atoms(self, methods, recv="self"):
        return ["%s.%s(%s)" % (recv, m.name, self.lit()) for m in methods]

    def sig(self, m):
        if m.kind == "val":
            return "fn %s(&self, x: i64) -> i64" % m.name
        if m.kind == "mut":
            return "fn %s(&mut self, x: i64)" % m.name
        if m.kind == "str":
            return "fn %s(&self) -> String" % m.name
        if m.kind == "make":
            return "fn %s() -> Self where Self: Sized" % m.name
        if m.kind == "gen":
            form = self.r.choice(["<U: %s>(&self, u: &U) -> i64 where Self: Sized",
                                  "<U>(&self, u: &U) -> i64 where U: %s, Self: Sized"])
            return "fn %s%s" % (m.name, form % m.gen_bound.name)
        if m.kind == "box":
            return "fn %s(self: Box<Self>) -> i64" % m.name
        raise AssertionError(m.kind)

    def emit_trait(self, t):
        sup = (": " + " + ".join(s.name for s in t.supers)) if t.supers else ""
        self.emit("trait %s%s {" % (t.name, sup))
        for m in t.methods:
            if not m.has_default:
                self.emit("    %s;" % self.sig(m))
                continue
            atoms = ["x"] if m.kind == "val" else []
            atoms += self.self_call_atoms(self.callable_vals(t, m.order))
            if m.kind == "val":
                body = self.int_expr(atoms)
            elif m.kind == "str":
                body = 'format!("%s<{}>", %s)' % (m.name, self.int_expr(atoms or ["0i64"], 1))
            else:  # gen
                ucalls = self.self_call_atoms(self.callable_vals(m.gen_bound), "u")
                body = self.int_expr(atoms + ucalls)
            self.emit("    %s {" % self.sig(m))
            self.emit("        %s" % body)
            self.emit("    }")
        self.emit("}")
        self.emit()

    def field_val(self, ty):
        return {"named": "self.v", "tuple": "self.0", "unit": "7i64", "i64": "*self"}[ty.kind]

    def emit_type(self, ty):
        if ty.kind == "i64":
            return
        derive = "#[derive(Debug)]\n" if ty.debug else ""
        if ty.kind == "named":
            extra = "".join({"name": " name: String,", "xs": " xs: Vec<i64>,"}[f] for f in ty.fields)
            self.emit("%sstruct %s { v: i64,%s }" % (derive, ty.name, extra))
            init = "".join({"name": ' name: String::from("%s"),' % ty.name,
                            "xs": " xs: vec![v, 1, 2],"}[f] for f in ty.fields)
            ctor = "%s { v,%s }" % (ty.name, init)
        elif ty.kind == "tuple":
            self.emit("%sstruct %s(i64, i64);" % (derive, ty.name))
            ctor = "%s(v, v.wrapping_add(1))" % ty.name
        else:
            self.emit("%sstruct %s;" % (derive, ty.name))
            ctor = "{ let _ = v; %s }" % ty.name
        self.emit("impl %s {" % ty.name)
        self.emit("    fn new(v: i64) -> %s {" % ty.name)
        self.emit("        %s" % ctor)
        self.emit("    }")
        if ty.kind == "named" and "xs" in ty.fields:
            self.emit("    fn total(&self) -> i64 {")
            self.emit("        let mut s = 0i64;")
            self.emit("        for x in self.xs.iter() {")
            self.emit("            s = s.wrapping_add(*x);")
            self.emit("        }")
            self.emit("        s")
            self.emit("    }")
        self.emit("}")
        if ty.has_drop:
            self.emit("impl Drop for %s {" % ty.name)
            self.emit("    fn drop(&mut self) {")
            self.emit('        println!("drop %s {}", %s);' % (ty.name, self.field_val(ty)))
            self.emit("    }")
            self.emit("}")
        self.emit()

    def emit_impl(self, ty, t):
        self.emit("impl %s for %s {" % (t.name, ty.name))
        fv = self.field_val(ty)
        for m in t.methods:
            if m.has_default and (m.kind == "gen" or not self.chance(0.4)):
                continue
            earlier = [c for tr in ty.traits for c in tr.methods
                       if c.kind == "val" and c.order < m.order]
            atoms = [fv] + self.self_call_atoms(earlier)
            self.emit("    %s {" % self.sig(m).replace(" where Self: Sized", ""))
            if m.kind == "val":
                self.emit("        %s" % self.int_expr(atoms + ["x"]))
            elif m.kind == "mut":
                if ty.kind == "named":
                    self.emit("        self.v = self.v.wrapping_add(x);")
                elif ty.kind == "tuple":
                    self.emit("        self.0 = self.0.wrapping_add(x);")
                elif ty.kind == "i64":
                    self.emit("        *self = self.wrapping_add(x);")
                else:
                    self.emit("        let _ = x;")
            elif m.kind == "str":
                self.emit('        format!("%s.%s={}", %s)' % (ty.name, m.name, self.int_expr(atoms, 1)))
            elif m.kind == "make":
                self.emit("        %s" % ("5" if ty.kind == "i64" else "%s::new(%s)" % (ty.name, self.lit())))
            elif m.kind == "box":
                self.emit("        %s" % self.int_expr(atoms, 1))
            self.emit("    }")
        self.emit("}")
        self.emit()

    def emit_wrapper(self):
        t = self.wrap_trait
        self.emit("struct W<T> {")
        self.emit("    inner: T,")
        self.emit("    k: i64,")
        self.emit("}")
        self.emit()
        for c in t.closure():
            bound = self.r.choice(["impl<T: %s> %s for W<T> {", "impl<T> %s for W<T> where T: %s {"])
            if bound.startswith("impl<T: "):
                self.emit(bound % (t.name, c.name))
            else:
                self.emit(bound % (c.name, t.name))
            for m in c.methods:
                if m.has_default and (m.kind == "gen" or self.chance(0.5)):
                    continue
                self.emit("    %s {" % self.sig(m).replace(" where Self: Sized", ""))
                if m.kind == "val":
                    self.emit("        self.inner.%s(x).wrapping_add(self.k)" % m.name)
                elif m.kind == "mut":
                    self.emit("        self.k = self.k.wrapping_add(1);")
                    self.emit("        self.inner.%s(x);" % m.name)
                elif m.kind == "str":
                    self.emit('        format!("W({})", self.inner.%s())' % m.name)
                elif m.kind == "make":
                    self.emit("        W { inner: T::%s(), k: 1 }" % m.name)
                elif m.kind == "box":
                    # Not `Box::new(self.inner).m()`: trc does not move out of a Box yet.
                    self.emit("        self.k.wrapping_add(%s)" % self.lit(True))
                self.emit("    }")
            self.emit("}")
            self.emit()

    def emit_enum(self):
        t = self.enum_trait
        if self.enum_debug:
            self.emit("#[derive(Debug)]")
        self.emit("enum E {")
        for i, v in enumerate(self.enum_variants):
            self.emit("    V%d(%s)," % (i, v.name))
        self.emit("    Nil,")
        self.emit("}")
        self.emit()
        for c in t.closure():
            self.emit("impl %s for E {" % c.name)
            for m in c.methods:
                if m.has_default and (m.kind == "gen" or self.chance(0.5)):
                    continue
                self.emit("    %s {" % self.sig(m).replace(" where Self: Sized", ""))
                if m.kind == "make":
                    self.emit("        E::Nil")
                elif m.kind == "box":
                    self.emit("        match &*self {")  # not `*self`: no moves out of a Box
                    for i in range(len(self.enum_variants)):
                        self.emit("            E::V%d(_) => %d," % (i, i))
                    self.emit("            E::Nil => -1,")
                    self.emit("        }")
                else:
                    self.emit("        match self {")
                    arg = "" if m.kind == "str" else "x"
                    for i in range(len(self.enum_variants)):
                        self.emit("            E::V%d(s) => s.%s(%s)," % (i, m.name, arg))
                    nil = {"val": "x", "mut": "{ let _ = x; }", "str": 'String::from("nil")'}[m.kind]
                    self.emit("            E::Nil => %s," % nil)
                    self.emit("        }")
                self.emit("    }")
            self.emit("}")
            self.emit()

    # -- free functions -----------------------------------------------------------------------

    def emit_fns(self):
        """Free fns; each is recorded with how to call it from main."""
        r = self.r
        self.calls = []  # (kind, name, info)
        for i in range(r.randint(3, 9)):
            kind = r.choice(["generic", "generic", "where", "impl", "qsized", "dyn", "dyn",
                             "dynmut", "vecbox", "upcast", "factory", "closure", "dynfn", "make", "genm"])
            name = "f%d" % i
            t = self.pick(self.traits)
            if kind in ("generic", "where"):
                ts = [t] + ([self.pick(self.traits)] if self.chance(0.4) else [])
                ts = list(dict.fromkeys(ts))
                bound = " + ".join(x.name for x in ts)
                ms = [m for x in ts for m in self.callable_vals(x)]
                atoms = ["n"] + self.self_call_atoms(ms, "x")
                if kind == "generic":
                    self.emit("fn %s<T: %s>(x: &T, n: i64) -> i64 {" % (name, bound))
                else:
                    self.emit("fn %s<T>(x: &T, n: i64) -> i64 where T: %s {" % (name, bound))
                self.body_loop(atoms)
                self.calls.append(("generic", name, ts))
            elif kind == "impl":
                atoms = ["n"] + self.self_call_atoms(self.callable_vals(t), "x")
                self.emit("fn %s(x: &impl %s, n: i64) -> i64 {" % (name, t.name))
                self.emit("    %s" % self.int_expr(atoms))
                self.calls.append(("implarg", name, [t]))
            elif kind == "qsized":
                atoms = ["n"] + self.self_call_atoms(self.callable_vals(t), "x")
                self.emit("fn %s<T: %s + ?Sized>(x: &T, n: i64) -> i64 {" % (name, t.name))
                self.emit("    %s" % self.int_expr(atoms))
                self.calls.append(("qsized", name, [t]))
            elif kind == "dyn":
                atoms = ["n"] + self.self_call_atoms(self.callable_vals(t), "x")
                strs = [m for m in t.all_methods() if m.kind == "str"]
                self.emit("fn %s(x: &dyn %s, n: i64) -> i64 {" % (name, t.name))
                if strs:
                    self.emit('    println!("{}", x.%s());' % self.pick(strs).name)
                self.emit("    %s" % self.int_expr(atoms))
                self.calls.append(("dyn", name, [t]))
            elif kind == "dynmut":
                muts = [m for m in t.all_methods() if m.kind == "mut"]
                vals = self.callable_vals(t)
                self.emit("fn %s(x: &mut dyn %s, n: i64) -> i64 {" % (name, t.name))
                for m in muts:
                    self.emit("    x.%s(n);" % m.name)
                self.emit("    %s" % self.int_expr(["n"] + self.self_call_atoms(vals, "x")))
                self.calls.append(("dynmut", name, [t]))
            elif kind == "vecbox":
                vals = self.callable_vals(t)
                self.emit("fn %s(v: &Vec<Box<dyn %s>>, n: i64) -> i64 {" % (name, t.name))
                self.emit("    let mut acc = n;")
                self.emit("    for (i, b) in v.iter().enumerate() {")
                self.emit("        acc = acc.wrapping_add(%s).wrapping_add(i as i64);"
                          % self.int_expr(["acc"] + self.self_call_atoms(vals, "b"), 1))
                self.emit("    }")
                self.emit("    acc")
                self.calls.append(("vecbox", name, [t]))
            elif kind == "upcast":
                subs = [x for x in self.traits if x.supers]
                if not subs:
                    self.emit("fn %s() -> i64 {" % name)
                    self.emit("    0")
                    self.calls.append(("plain", name, []))
                else:
                    sub = self.pick(subs)
                    sup = self.pick(sub.closure()[:-1])
                    self.emit("fn %s(x: &dyn %s, n: i64) -> i64 {" % (name, sub.name))
                    self.emit("    let y: &dyn %s = x;" % sup.name)
                    self.emit("    %s" % self.int_expr(["n"] + self.self_call_atoms(self.callable_vals(sup), "y")
                                                     + self.self_call_atoms(self.callable_vals(sub), "x")))
                    self.calls.append(("dyn", name, [sub]))
            elif kind == "factory":
                impls = self.impl_types(t)
                if not impls:
                    self.emit("fn %s(n: i64) -> Option<Box<dyn %s>> {" % (name, t.name))
                    self.emit("    let _ = n;")
                    self.emit("    None")
                else:
                    self.emit("fn %s(n: i64) -> Option<Box<dyn %s>> {" % (name, t.name))
                    self.emit("    match n %% %d {" % (len(impls) + 1))
                    for k, (_, ctor) in enumerate(impls):
                        self.emit("        %d => Some(Box::new(%s))," % (k, ctor))
                    self.emit("        _ => None,")
                    self.emit("    }")
                self.calls.append(("factory", name, [t]))
            elif kind == "closure":
                self.emit("fn %s<F: Fn(i64) -> i64>(f: F, n: i64) -> i64 {" % name)
                self.emit("    f(n).wrapping_add(f(1))")
                self.calls.append(("closure", name, []))
            elif kind == "dynfn":
                self.emit("fn %s(f: &dyn Fn(i64) -> i64, n: i64) -> i64 {" % name)
                self.emit("    let mut s = 0i64;")
                self.emit("    let mut i = 0;")
                self.emit("    while i < 3 {")
                self.emit("        s = s.wrapping_add(f(n.wrapping_add(i)));")
                self.emit("        i += 1;")
                self.emit("    }")
                self.emit("    s")
                self.calls.append(("dynfn", name, []))
            elif kind == "make":
                makers = [(x, m) for x in self.traits for m in x.all_methods() if m.kind == "make"]
                if not makers:
                    self.emit("fn %s() -> i64 {" % name)
                    self.emit("    1")
                    self.calls.append(("plain", name, []))
                else:
                    x, m = self.pick(makers)
                    vals = self.callable_vals(x)
                    self.emit("fn %s<T: %s>() -> i64 {" % (name, x.name))
                    self.emit("    let t = T::%s();" % m.name)
                    self.emit("    %s" % self.int_expr(["1i64"] + self.self_call_atoms(vals, "t")))
                    self.calls.append(("make", name, [x]))
            elif kind == "genm":
                gens = [(x, m) for x in self.traits for m in x.all_methods() if m.kind == "gen"]
                if not gens:
                    self.emit("fn %s() -> i64 {" % name)
                    self.emit("    2")
                    self.calls.append(("plain", name, []))
                else:
                    x, m = self.pick(gens)
                    self.emit("fn %s<A: %s, B: %s>(a: &A, b: &B) -> i64 {" % (name, x.name, m.gen_bound.name))
                    self.emit("    a.%s(b)" % m.name)
                    self.calls.append(("genm", name, [x, m.gen_bound]))
            self.emit("}")
            self.emit()

    def body_loop(self, atoms):
        k = self.r.randrange(3)
        if k == 0:
            self.emit("    %s" % self.int_expr(atoms))
        elif k == 1:
            self.emit("    let mut acc = 0i64;")
            self.emit("    for i in 0..3 {")
            self.emit("        acc = acc.wrapping_add(%s).wrapping_add(i);" % self.int_expr(atoms, 1))
            self.emit("    }")
            self.emit("    acc")
        else:
            self.emit("    let mut v: Vec<i64> = Vec::new();")
            self.emit("    v.push(%s);" % self.int_expr(atoms, 1))
            self.emit("    v.push(%s);" % self.int_expr(atoms, 1))
            self.emit("    let mut s = 0i64;")
            self.emit("    for x in v.iter() {")
            self.emit("        s = s.wrapping_add(*x);")
            self.emit("    }")
            self.emit("    s")

    # -- main -------------------------------------------------------------------------------

    def emit_main(self):
        self.emit("fn main() {")
        nvar = [0]

        def fresh():
            nvar[0] += 1
            return "v%d" % nvar[0]

        def satisfying(ts):
            cands = None
            for t in ts:
                names = self.impl_types(t)
                d = {}
                for n, c in names:
                    d.setdefault(n, c)
                cands = d if cands is None else {k: v for k, v in cands.items() if k in d}
            return list((cands or {}).items())

        for kind, name, ts in self.calls:
            if kind == "plain":
                self.emit('    println!("%s {}", %s());' % (name, name))
            elif kind in ("generic", "implarg"):
                cands = satisfying(ts)
                for tn, ctor in self.r.sample(cands, min(2, len(cands))):
                    v = fresh()
                    self.emit("    let %s = %s;" % (v, ctor))
                    turbo = "::<%s>" % tn if kind == "generic" and self.chance(0.3) else ""
                    self.emit('    println!("%s {}", %s%s(&%s, %s));' % (name, name, turbo, v, self.lit()))
            elif kind == "qsized":
                for tn, ctor in satisfying(ts)[:2]:
                    v = fresh()
                    self.emit("    let %s = %s;" % (v, ctor))
                    self.emit('    println!("%s {}", %s(&%s, 1));' % (name, name, v))
                    d = fresh()
                    self.emit("    let %s: &dyn %s = &%s;" % (d, ts[0].name, v))
                    self.emit('    println!("%s dyn {}", %s::<dyn %s>(%s, 2));' % (name, name, ts[0].name, d))
            elif kind == "dyn":
                for tn, ctor in satisfying(ts)[:3]:
                    v = fresh()
                    form = self.r.randrange(3)
                    if form == 0:
                        self.emit("    let %s = %s;" % (v, ctor))
                        self.emit('    println!("%s {}", %s(&%s, %s));' % (name, name, v, self.lit()))
                    elif form == 1:
                        self.emit("    let %s: Box<dyn %s> = Box::new(%s);" % (v, ts[0].name, ctor))
                        self.emit('    println!("%s {}", %s(&*%s, %s));' % (name, name, v, self.lit()))
                        boxes = [m for m in ts[0].all_methods() if m.kind == "box"]
                        if boxes:
                            self.emit('    println!("box {}", %s.%s());' % (v, self.pick(boxes).name))
                    else:
                        self.emit("    let %s = %s;" % (v, ctor))
                        self.emit("    let r: &dyn %s = &%s;" % (ts[0].name, v))
                        self.emit('    println!("%s {}", %s(r, %s));' % (name, name, self.lit()))
            elif kind == "dynmut":
                for tn, ctor in satisfying(ts)[:2]:
                    v = fresh()
                    self.emit("    let mut %s = %s;" % (v, ctor))
                    self.emit('    println!("%s {}", %s(&mut %s, %s));' % (name, name, v, self.lit()))
                    muts = [m for m in ts[0].all_methods() if m.kind == "mut"]
                    if muts:
                        self.emit("    %s.%s(3);" % (v, muts[0].name))
            elif kind == "vecbox":
                impls = satisfying(ts)
                v = fresh()
                self.emit("    let mut %s: Vec<Box<dyn %s>> = Vec::new();" % (v, ts[0].name))
                for tn, ctor in impls[:4]:
                    self.emit("    %s.push(Box::new(%s));" % (v, ctor))
                self.emit('    println!("%s {} {}", %s(&%s, 1), %s.len());' % (name, name, v, v))
            elif kind == "factory":
                t = ts[0]
                vals = self.callable_vals(t)
                self.emit("    for i in 0..%d {" % (len(self.impl_types(t)) + 2))
                self.emit("        if let Some(b) = %s(i) {" % name)
                if vals:
                    self.emit('            println!("%s {} {}", i, b.%s(i));' % (name, self.pick(vals).name))
                else:
                    self.emit('            let _ = b;')
                    self.emit('            println!("%s {}", i);' % name)
                self.emit("        }")
                self.emit("    }")
            elif kind == "closure":
                c = fresh()
                self.emit("    let %s = %s;" % (c, self.lit()))
                if self.chance(0.5):
                    t = self.pick(self.traits)
                    impls = satisfying([t])
                    vals = self.callable_vals(t)
                    if impls and vals:
                        o = fresh()
                        self.emit("    let %s = %s;" % (o, impls[0][1]))
                        self.emit('    println!("%s {}", %s(|x| %s.%s(x).wrapping_add(%s), 2));'
                                  % (name, name, o, self.pick(vals).name, c))
                        continue
                self.emit('    println!("%s {}", %s(|x: i64| x.wrapping_mul(%s), 3));' % (name, name, c))
                self.emit('    println!("%s {}", %s(move |x| x ^ %s, 4));' % (name, name, c))
            elif kind == "dynfn":
                c = fresh()
                self.emit("    let %s = %s;" % (c, self.lit()))
                self.emit('    println!("%s {}", %s(&|x| x.wrapping_add(%s), 5));' % (name, name, c))
                b = fresh()
                self.emit("    let %s: Box<dyn Fn(i64) -> i64> = Box::new(move |x: i64| x.wrapping_sub(%s));" % (b, c))
                self.emit('    println!("%s {}", %s(&*%s, 6));' % (name, name, b))
            elif kind == "make":
                for tn, _ in satisfying(ts)[:2]:
                    self.emit('    println!("%s {}", %s::<%s>());' % (name, name, tn))
            elif kind == "genm":
                a = satisfying([ts[0]])
                b = satisfying([ts[1]])
                if a and b:
                    va, vb = fresh(), fresh()
                    self.emit("    let %s = %s;" % (va, a[0][1]))
                    self.emit("    let %s = %s;" % (vb, self.pick(b)[1]))
                    self.emit('    println!("%s {}", %s(&%s, &%s));' % (name, name, va, vb))
        # Some direct use of each type.
        for ty in self.types:
            if ty.kind == "i64":
                continue
            v = fresh()
            self.emit("    let %s = %s;" % (v, self.ctor(ty)))
            if ty.debug:
                self.emit('    println!("{:?}", %s);' % v)
            if ty.kind == "named" and "xs" in ty.fields:
                self.emit('    println!("total {}", %s.total());' % v)
            for t in ty.traits:
                for m in t.methods:
                    if m.kind == "val" and self.chance(0.5):
                        self.emit('    println!("%s.%s {}", %s.%s(%s));' % (ty.name, m.name, v, m.name, self.lit()))
                    elif m.kind == "str" and self.chance(0.5):
                        self.emit('    println!("{}", %s.%s());' % (v, m.name))
        for line in self.extra_main:
            self.emit("    " + line)
        if self.enum_trait:
            v = fresh()
            self.emit("    let %s = vec![%s, E::Nil];" % (v, ", ".join(
                "E::V%d(%s)" % (i, self.ctor(x)) for i, x in enumerate(self.enum_variants))))
            self.emit("    for e in %s.iter() {" % v)
            self.emit("        match e {")
            self.emit("            E::Nil => println!(\"nil\"),")
            vals = self.callable_vals(self.enum_trait)
            if vals:
                self.emit('            other => println!("{}", other.%s(1)),' % self.pick(vals).name)
            else:
                self.emit('            _ => println!("some"),')
            self.emit("        }")
            self.emit("    }")
            if self.enum_debug:
                self.emit('    println!("{:?}", %s);' % v)
        for line in self.tail_main:
            self.emit("    " + line)
        self.emit("}")

    # -- extras: self-contained features, each some items and the lines main runs -------------

    def satisfying(self, t):
        seen = {}
        for n, c in self.impl_types(t):
            seen.setdefault(n, c)
        return list(seen.items())

    def extra_blanket(self, k):
        """A blanket impl `impl<T: Tr> Bk for T` and its use, static and dyn."""
        t = self.pick(self.traits)
        vals = self.callable_vals(t)
        b = "Blanket%d" % k
        self.emit("trait %s {" % b)
        self.emit("    fn b%d(&self) -> i64;" % k)
        self.emit("}")
        self.emit("impl<T: %s> %s for T {" % (t.name, b))
        self.emit("    fn b%d(&self) -> i64 {" % k)
        self.emit("        %s" % self.int_expr(["7i64"] + self.self_call_atoms(vals)))
        self.emit("    }")
        self.emit("}")
        self.emit("fn use_b%d<U: %s>(u: &U) -> i64 {" % (k, b))
        self.emit("    u.b%d()" % k)
        self.emit("}")
        self.emit()
        lines = []
        for tn, ctor in self.satisfying(t)[:2]:
            lines.append("let bl = %s;" % ctor)
            lines.append('println!("blanket {} {}", use_b%d(&bl), bl.b%d());' % (k, k))
            lines.append("let bd: &dyn %s = &bl;" % b)
            lines.append('println!("blanket dyn {}", bd.b%d());' % k)
        return lines

    def extra_box_upcast(self, k):
        """Box<dyn Sub> -> Box<dyn Super>, &mut dyn Sub -> &mut dyn Super, + Send."""
        subs = [x for x in self.traits if x.supers]
        if not subs:
            return []
        sub = self.pick(subs)
        sup = self.pick(sub.closure()[:-1])
        impls = self.satisfying(sub)
        if not impls:
            return []
        sv = self.callable_vals(sup)
        call = (".%s(2)" % self.pick(sv).name) if sv else None
        lines = []
        for tn, ctor in impls[:2]:
            send = " + Send" if self.chance(0.3) else ""
            lines.append("let bs: Box<dyn %s%s> = Box::new(%s);" % (sub.name, send, ctor))
            lines.append("let bu: Box<dyn %s%s> = bs;" % (sup.name, send))
            if call:
                lines.append('println!("box upcast {}", bu%s);' % call)
            lines.append("let mut ms = %s;" % ctor)
            lines.append("let rs: &mut dyn %s = &mut ms;" % sub.name)
            lines.append("let ru: &mut dyn %s = rs;" % sup.name)
            muts = [m for m in sup.all_methods() if m.kind == "mut"]
            if muts:
                lines.append("ru.%s(4);" % muts[0].name)
            elif call:
                lines.append('println!("mut upcast {}", ru%s);' % call)
        return lines

    def extra_holder(self, k):
        """A struct holding trait objects and a boxed closure, with a method over them."""
        t = self.pick(self.traits)
        impls = self.satisfying(t)
        vals = self.callable_vals(t)
        h = "Holder%d" % k
        self.emit("struct %s {" % h)
        self.emit("    items: Vec<Box<dyn %s>>," % t.name)
        self.emit("    f: Box<dyn Fn(i64) -> i64>,")
        self.emit("    first: Option<Box<dyn %s>>," % t.name)
        self.emit("}")
        self.emit("impl %s {" % h)
        self.emit("    fn total(&self, n: i64) -> i64 {")
        self.emit("        let mut s = (self.f)(n);")
        self.emit("        for it in self.items.iter() {")
        if vals:
            self.emit("            s = s.wrapping_add(it.%s(n));" % self.pick(vals).name)
        else:
            self.emit("            let _ = it;")
            self.emit("            s = s.wrapping_add(1);")
        self.emit("        }")
        self.emit("        if let Some(b) = &self.first {")
        if vals:
            self.emit("            s = s.wrapping_add(b.%s(1));" % self.pick(vals).name)
        else:
            self.emit("            let _ = b;")
        self.emit("        }")
        self.emit("        s")
        self.emit("    }")
        self.emit("}")
        self.emit("fn sum_slice%d(xs: &[Box<dyn %s>]) -> usize {" % (k, t.name))
        self.emit("    xs.len()")
        self.emit("}")
        self.emit("fn opt%d(o: Option<&dyn %s>) -> i64 {" % (k, t.name))
        self.emit("    match o {")
        self.emit("        Some(d) => %s," % (("d.%s(3)" % self.pick(vals).name) if vals else "{ let _ = d; 1 }"))
        self.emit("        None => 0,")
        self.emit("    }")
        self.emit("}")
        self.emit()
        c = self.lit()
        items = ", ".join("Box::new(%s)" % ctor for _, ctor in impls[:3])
        lines = ["let hv: Vec<Box<dyn %s>> = vec![%s];" % (t.name, items) if items else
                 "let hv: Vec<Box<dyn %s>> = Vec::new();" % t.name,
                 'println!("slice {}", sum_slice%d(&hv));' % k,
                 "let h = %s { items: hv, f: Box::new(move |x: i64| x.wrapping_mul(%s)), first: %s };"
                 % (h, c, ("Some(Box::new(%s))" % impls[0][1]) if impls else "None"),
                 'println!("holder {}", h.total(2));']
        if impls:
            lines.append("let ov = %s;" % impls[-1][1])
            lines.append('println!("opt {} {}", opt%d(Some(&ov)), opt%d(None));' % (k, k))
        return lines

    def extra_assoc(self, k):
        """A trait with an associated type: bounds `S: Src<Out = i64>` and `dyn Src<Out = i64>`."""
        src = "Src%d" % k
        self.emit("trait %s {" % src)
        self.emit("    type Out;")
        self.emit("    fn get(&self) -> Self::Out;")
        self.emit("}")
        self.emit("struct A%d(i64);" % k)
        self.emit("struct B%d;" % k)
        self.emit("impl %s for A%d {" % (src, k))
        self.emit("    type Out = i64;")
        self.emit("    fn get(&self) -> i64 {")
        self.emit("        self.0.wrapping_mul(3)")
        self.emit("    }")
        self.emit("}")
        self.emit("impl %s for B%d {" % (src, k))
        self.emit("    type Out = String;")
        self.emit("    fn get(&self) -> Self::Out {")
        self.emit('        String::from("b%d")' % k)
        self.emit("    }")
        self.emit("}")
        self.emit("fn sum%d<S: %s<Out = i64>>(s: &S) -> i64 {" % (k, src))
        self.emit("    s.get().wrapping_add(1)")
        self.emit("}")
        self.emit("fn show%d<S>(s: &S) -> String where S: %s<Out = String> {" % (k, src))
        self.emit("    s.get()")
        self.emit("}")
        self.emit("fn dyn%d(s: &dyn %s<Out = i64>) -> i64 {" % (k, src))
        self.emit("    s.get()")
        self.emit("}")
        self.emit()
        return ["let a = A%d(%s);" % (k, self.lit()),
                'println!("assoc {} {} {}", sum%d(&a), dyn%d(&a), show%d(&B%d));' % (k, k, k, k)]

    def extra_generic_trait(self, k):
        """A generic trait implemented twice for one type, used statically and as dyn."""
        cv = "Conv%d" % k
        self.emit("trait %s<T> {" % cv)
        self.emit("    fn conv(&self, t: T) -> i64;")
        self.emit("}")
        self.emit("struct C%d { base: i64 }" % k)
        self.emit("impl %s<i64> for C%d {" % (cv, k))
        self.emit("    fn conv(&self, t: i64) -> i64 {")
        self.emit("        self.base.wrapping_add(t)")
        self.emit("    }")
        self.emit("}")
        self.emit("impl %s<bool> for C%d {" % (cv, k))
        self.emit("    fn conv(&self, t: bool) -> i64 {")
        self.emit("        if t { self.base } else { 0 }")
        self.emit("    }")
        self.emit("}")
        # Not `X: Conv<i64> + Conv<bool>` nor `c.conv(true)` with both impls in scope: trc picks
        # the first impl whatever the argument (test/run/generic-trait-two-impls.tr, XFAIL).
        self.emit("fn via%d<X: %s<i64>>(x: &X) -> i64 {" % (k, cv))
        self.emit("    x.conv(5i64)")
        self.emit("}")
        self.emit("fn viab%d<X>(x: &X) -> i64 where X: %s<bool> {" % (k, cv))
        self.emit("    x.conv(true)")
        self.emit("}")
        self.emit()
        return ["let c = C%d { base: %s };" % (k, self.lit()),
                "let d: &dyn %s<i64> = &c;" % cv,
                "let e: &dyn %s<bool> = &c;" % cv,
                'println!("conv {} {} {} {}", via%d(&c), viab%d(&c), d.conv(2), e.conv(false));' % (k, k)]

    # -- extras of issue 15: shapes the outside programs used and this generator did not ----------

    def extra_self_dyn(self, k):
        """A trait whose method takes its own trait object (`fn m(&self, other: &dyn Tr)`), with
        two impls, called statically and through `&dyn`/`Box<dyn>` on mixed pairs."""
        t = "Peer%d" % k
        self.emit("trait %s {" % t)
        self.emit("    fn id(&self) -> i64;")
        self.emit("    fn meet(&self, other: &dyn %s) -> i64 {" % t)
        self.emit("        self.id().wrapping_mul(10).wrapping_add(other.id())")
        self.emit("    }")
        if self.chance(0.5):
            self.emit("    fn pick<'a>(&'a self, other: &'a dyn %s) -> &'a dyn %s where Self: Sized {" % (t, t))
            self.emit("        if self.id() > other.id() { self } else { other }")
            self.emit("    }")
        self.emit("}")
        self.emit("struct Pa%d(i64);" % k)
        self.emit("struct Pb%d { v: i64 }" % k)
        self.emit("impl %s for Pa%d {" % (t, k))
        self.emit("    fn id(&self) -> i64 {")
        self.emit("        self.0")
        self.emit("    }")
        self.emit("}")
        self.emit("impl %s for Pb%d {" % (t, k))
        self.emit("    fn id(&self) -> i64 {")
        self.emit("        self.v.wrapping_add(100)")
        self.emit("    }")
        self.emit("    fn meet(&self, other: &dyn %s) -> i64 {" % t)
        self.emit("        other.meet(&Pa%d(self.v)).wrapping_sub(1)" % k)
        self.emit("    }")
        self.emit("}")
        self.emit()
        a, b = self.lit(), self.lit()
        return ["let pa = Pa%d(%s);" % (k, a),
                "let pb = Pb%d { v: %s };" % (k, b),
                "let peers: Vec<Box<dyn %s>> = vec![Box::new(Pa%d(3)), Box::new(Pb%d { v: 4 })];" % (t, k, k),
                "for p in peers.iter() {",
                '    println!("meet {} {} {}", p.meet(&pa), p.meet(&pb), p.meet(&*peers[0]));',
                "}",
                'println!("meet static {} {}", pa.meet(&pb), pb.meet(&pa));']

    def extra_recursive(self, k):
        """Recursive types through Box, Vec and Option<Box<_>>, built and walked recursively
        (the recursion is bounded by the data)."""
        n = self.r.randint(0, 6)
        self.emit("#[derive(Debug)]")
        self.emit("enum List%d {" % k)
        self.emit("    Cons(i64, Box<List%d>)," % k)
        self.emit("    Nil,")
        self.emit("}")
        self.emit("fn list_sum%d(l: &List%d) -> i64 {" % (k, k))
        self.emit("    match l {")
        self.emit("        List%d::Cons(v, rest) => v.wrapping_add(list_sum%d(rest))," % (k, k))
        self.emit("        List%d::Nil => 0," % k)
        self.emit("    }")
        self.emit("}")
        self.emit("struct Tree%d {" % k)
        self.emit("    v: i64,")
        self.emit("    kids: Vec<Tree%d>," % k)
        self.emit("}")
        self.emit("fn tree_size%d(t: &Tree%d) -> i64 {" % (k, k))
        self.emit("    let mut s = t.v;")
        self.emit("    for c in t.kids.iter() {")
        self.emit("        s = s.wrapping_add(tree_size%d(c));" % k)
        self.emit("    }")
        self.emit("    s")
        self.emit("}")
        self.emit("struct Link%d {" % k)
        self.emit("    v: i64,")
        self.emit("    next: Option<Box<Link%d>>," % k)
        self.emit("}")
        self.emit("fn link_len%d(l: &Link%d) -> i64 {" % (k, k))
        self.emit("    match &l.next {")
        self.emit("        Some(n) => 1 + link_len%d(n)," % k)
        self.emit("        None => 1,")
        self.emit("    }")
        self.emit("}")
        self.emit()
        return ["let mut l = List%d::Nil;" % k,
                "for i in 0..%d {" % n,
                "    l = List%d::Cons(i, Box::new(l));" % k,
                "}",
                'println!("list {} {:?}", list_sum%d(&l), l);' % k,
                "let tr = Tree%d { v: 1, kids: vec![Tree%d { v: 2, kids: Vec::new() }, Tree%d { v: %s, kids: vec![Tree%d { v: 4, kids: vec![] }] }] };"
                % (k, k, k, self.lit(), k),
                'println!("tree {}", tree_size%d(&tr));' % k,
                "let mut ln = Link%d { v: 0, next: None };" % k,
                "for i in 1..%d {" % (n + 2),
                "    ln = Link%d { v: i, next: Some(Box::new(ln)) };" % k,
                "}",
                'println!("link {} {}", ln.v, link_len%d(&ln));' % k]

    def extra_compare(self, k):
        """==, !=, < and assert_eq!/assert_ne! on tuples, Options, arrays, slices and derived
        PartialEq/Debug structs and enums (the comparisons trc once did not lower)."""
        self.emit("#[derive(Debug, PartialEq, Clone, Copy)]")
        self.emit("struct Pt%d {" % k)
        self.emit("    x: i32,")
        self.emit("    y: i64,")
        self.emit("}")
        self.emit("#[derive(Debug, PartialEq)]")
        self.emit("enum Sh%d {" % k)
        self.emit("    Dot(Pt%d)," % k)
        self.emit("    Seg(Pt%d, Pt%d)," % (k, k))
        self.emit("    Empty,")
        self.emit("}")
        self.emit()
        a, b = self.r.randint(0, 3), self.r.randint(0, 3)
        lines = ["let p = Pt%d { x: %d, y: %d };" % (k, a, b),
                 "let q = Pt%d { x: %d, y: %d };" % (k, b, a),
                 'println!("pt {} {} {:?}", p == q, p != q, p);',
                 "assert_eq!(p, Pt%d { x: %d, y: %d });" % (k, a, b),
                 "assert_eq!((1, 2), (1, 2));",
                 "assert_ne!((%d, 'a'), (%d, 'b'));" % (a, a),
                 "let o: Option<i32> = Some(%d);" % a,
                 "assert_eq!(o, Some(%d));" % a,
                 "assert_ne!(o, None);",
                 'println!("opt {} {} {}", o == Some(1), o > None, o < Some(2));',
                 "let arr = [%d, 2, 3];" % a,
                 "assert_eq!(arr, [%d, 2, 3]);" % a,
                 'println!("arr {} {} {}", arr == [1, 2, 3], arr < [2, 0, 0], &arr[..2] == &[%d, 2][..]);' % b,
                 "let sh = vec![Sh%d::Dot(p), Sh%d::Seg(p, q), Sh%d::Empty];" % (k, k, k),
                 "assert_eq!(sh[0], Sh%d::Dot(p));" % k,
                 "assert_ne!(sh[1], Sh%d::Seg(q, q));" % k,
                 'println!("shapes {:?} {}", sh, sh[2] == Sh%d::Empty);' % k,
                 'println!("tup {} {} {:?}", (p, 1u8) == (q, 1u8), (1, "a") < (1, "b"), (o, arr, p));',
                 "assert_eq!(Some((p, [1u8; 3])), Some((p, [1, 1, 1])));"]
        if self.chance(0.3):
            # The last line: a failing assert_eq! panics with both values ({:?}); exit 101.
            self.tail_main.append("assert_eq!((%d, Some(%d)), (%d, Some(%d)), \"pair {}\", %d);"
                                  % (a, b, a, b + 1, k))
        return lines

    def extra_closure_lit(self, k):
        """Closures over unsuffixed literals and captured variables (the type is inferred from
        the literal's default, i32), and a `move` closure matching an Option<Box<_>> it owns."""
        o, p = self.r.randint(0, 50), self.r.randint(1, 9)
        lines = ["let o%d = %d;" % (k, o),
                 "let c%d = |i| i + o%d;" % (k, k),
                 'println!("clit {}", c%d(%d));' % (k, p),
                 "let sq%d = |x| x * x - 1;" % k,
                 'println!("sq {}", sq%d(%d));' % (k, p),
                 "let ob%d = Some(Box::new(%d));" % (k, p),
                 "let mc%d = move || match ob%d {" % (k, k),
                 "    Some(b) => *b + o%d," % k,
                 "    None => 0,",
                 "};",
                 'println!("move box {}", mc%d());' % k,
                 "let on%d: Option<Box<i64>> = None;" % k,
                 "let mr%d = move |d: i64| match &on%d { Some(b) => **b, None => d };" % (k, k),
                 'println!("move none {} {}", mr%d(3), mr%d(4));' % (k, k),
                 "let mut cnt%d = 0;" % k,
                 "let mut inc%d = || cnt%d += %d;" % (k, k, p),
                 "inc%d();" % k,
                 "inc%d();" % k,
                 'println!("count {}", cnt%d);' % k]
        if self.chance(0.5):
            lines += ["let fs%d: Vec<Box<dyn Fn(i32) -> i32>> = vec![Box::new(move |x| x + o%d), Box::new(|x| x * 2)];" % (k, k),
                      "for f in fs%d.iter() {" % k,
                      '    println!("boxed {}", f(%d));' % p,
                      "}"]
        return lines

    def extra_repeat(self, k):
        """Repeat expressions `[x; N]` with large N: on the stack (moderate), in a Box and in
        vec![x; N] (large); a repeat's cost must not grow with N in the compiler."""
        n_stack = self.pick([5000, 4096, 20000])
        n_big = self.pick([100000, 65536, 1 << 20])
        seed = self.r.randint(1, 200)
        return ["let n%d = %d;" % (k, seed),
                "let st%d = [n%d as u8; %d];" % (k, k, n_stack),
                'println!("stack {} {} {}", st%d.len(), st%d[0], st%d[%d]);' % (k, k, k, n_stack - 1),
                "let vb%d = vec![0u8; %s];" % (k, "{:_}".format(n_big)),
                "let mut tot%d = 0u64;" % k,
                "for x in vb%d.iter() {" % k,
                "    tot%d += *x as u64;" % k,
                "}",
                'println!("vec {} {}", vb%d.len(), tot%d);' % (k, k),
                # An array moved by value (into a Box, a closure's parameter and result, a
                # tuple) is copied in memory: its compile time must not grow with N either.
                "let bx%d = Box::new([n%d as u32; %d]);" % (k, k, self.pick([1000, 5000, 50000])),
                'println!("box {} {}", bx%d.len(), bx%d[bx%d.len() - 1]);' % (k, k, k),
                "let bump%d = |a: [u8; %d]| -> [u8; %d] {" % (k, n_stack, n_stack),
                "    let mut b = a;",
                "    b[%d] = b[%d].wrapping_add(1);" % (n_stack - 1, n_stack - 1),
                "    b",
                "};",
                "let pair%d = (bump%d(st%d), st%d);" % (k, k, k, k),
                'println!("moved {} {}", pair%d.0[%d], pair%d.1[%d]);' % (k, n_stack - 1, k, n_stack - 1),
                "let grid%d = [[n%d as i16; 64]; 64];" % (k, k),
                'println!("grid {}", grid%d[63][63]);' % k]

    def extra_conv_annot(self, k):
        """A generic trait with several impls for one type, chosen by the expected type
        (`let a: i64 = x.get()`) or spelled out (`<X as Get<bool>>::get(&x)`, `Get::<u8>::get`)."""
        g = "Get%d" % k
        self.emit("trait %s<T> {" % g)
        self.emit("    fn get(&self) -> T;")
        self.emit("}")
        self.emit("struct X%d(i64);" % k)
        self.emit("impl %s<i64> for X%d {" % (g, k))
        self.emit("    fn get(&self) -> i64 {")
        self.emit("        self.0.wrapping_mul(2)")
        self.emit("    }")
        self.emit("}")
        self.emit("impl %s<bool> for X%d {" % (g, k))
        self.emit("    fn get(&self) -> bool {")
        self.emit("        self.0 > 2")
        self.emit("    }")
        self.emit("}")
        self.emit("impl %s<String> for X%d {" % (g, k))
        self.emit("    fn get(&self) -> String {")
        self.emit('        format!("x{}", self.0)')
        self.emit("    }")
        self.emit("}")
        self.emit("fn fetch%d<T, S: %s<T>>(s: &S) -> T {" % (k, g))
        self.emit("    s.get()")
        self.emit("}")
        self.emit()
        return ["let x%d = X%d(%s);" % (k, k, self.lit()),
                "let ga%d: i64 = x%d.get();" % (k, k),
                "let gb%d: bool = x%d.get();" % (k, k),
                "let gs%d = <X%d as %s<String>>::get(&x%d);" % (k, k, g, k),
                "let gt%d = %s::<bool>::get(&x%d);" % (k, g, k),
                "let gf%d = fetch%d::<i64, X%d>(&x%d);" % (k, k, k, k),
                "let gd%d: &dyn %s<String> = &x%d;" % (k, g, k),
                'println!("get {} {} {} {} {} {}", ga%d, gb%d, gs%d, gt%d, gf%d, gd%d.get());' % ((k,) * 6)]

    def extra_deep_generic(self, k):
        """Deep generic nesting: G<G<G<i32>>> through a blanket impl per level, and nested
        Option/Vec/Box."""
        depth = self.r.randint(2, 6)
        self.emit("trait Depth%d {" % k)
        self.emit("    fn depth(&self) -> i64;")
        self.emit("}")
        self.emit("impl Depth%d for i32 {" % k)
        self.emit("    fn depth(&self) -> i64 {")
        self.emit("        *self as i64")
        self.emit("    }")
        self.emit("}")
        self.emit("#[derive(Debug)]")
        self.emit("struct G%d<T>(T);" % k)
        self.emit("impl<T: Depth%d> Depth%d for G%d<T> {" % (k, k, k))
        self.emit("    fn depth(&self) -> i64 {")
        self.emit("        self.0.depth().wrapping_mul(2).wrapping_add(1)")
        self.emit("    }")
        self.emit("}")
        self.emit("fn deep%d<T: Depth%d>(t: &T) -> i64 {" % (k, k))
        self.emit("    t.depth()")
        self.emit("}")
        self.emit()
        ty, val = "i32", str(self.r.randint(0, 9))
        for _ in range(depth):
            ty, val = "G%d<%s>" % (k, ty), "G%d(%s)" % (k, val)
        return ["let dg%d: %s = %s;" % (k, ty, val),
                'println!("deep {} {} {:?}", dg%d.depth(), deep%d(&dg%d), dg%d);' % (k, k, k, k),
                "let dd%d: &dyn Depth%d = &dg%d;" % (k, k, k),
                'println!("deep dyn {}", dd%d.depth());' % k,
                "let nest%d: Option<Option<Vec<Box<Option<i64>>>>> = Some(Some(vec![Box::new(Some(%s)), Box::new(None)]));"
                % (k, self.lit()),
                'println!("nest {:?}", nest%d);' % k]

    def extra_catch_unwind(self, k):
        """std::panic::catch_unwind around code that panics, the payload read back with
        downcast_ref::<&str> (constant message) or ::<String> (formatted)."""
        self.emit("fn payload%d(e: &Box<dyn std::any::Any + Send>) -> String {" % k)
        self.emit("    if let Some(s) = e.downcast_ref::<&str>() {")
        self.emit('        format!("str: {}", s)')
        self.emit("    } else if let Some(s) = e.downcast_ref::<String>() {")
        self.emit('        format!("string: {}", s)')
        self.emit("    } else {")
        self.emit('        String::from("other")')
        self.emit("    }")
        self.emit("}")
        self.emit()
        n = self.lit()
        body = self.pick(['panic!("boom%d")' % k,
                          'panic!("boom {}", %s)' % n,
                          "{ let v: Vec<i64> = Vec::new(); v[%d] }" % self.r.randint(0, 3),
                          "{ let o: Option<i64> = None; o.unwrap() }",
                          '{ let r: Result<i64, String> = Err(String::from("bad")); r.expect("expected") }'])
        return ["let cu%d = std::panic::catch_unwind(|| {" % k,
                "    let x: i64 = %s;" % body,
                "    x",
                "});",
                "match cu%d {" % k,
                '    Ok(v) => println!("ok {}", v),',
                '    Err(e) => println!("caught {}", payload%d(&e)),' % k,
                "}",
                "let cv%d = std::panic::catch_unwind(|| %s);" % (k, n),
                'println!("no panic {:?}", cv%d.is_ok());' % k]

    def extra_thread(self, k):
        """thread::spawn with a move closure over owned data, joined; and a panicking thread
        whose join gives the payload."""
        n = self.r.randint(1, 5)
        lines = ["let data%d: Vec<i64> = (0..%d).collect();" % (k, n + 3),
                 "let th%d = std::thread::spawn(move || {" % k,
                 "    let mut s = 0i64;",
                 "    for x in data%d.iter() {" % k,
                 "        s = s.wrapping_add(*x);",
                 "    }",
                 "    s",
                 "});",
                 'println!("thread {}", th%d.join().unwrap());' % k,
                 "let mut hs%d = Vec::new();" % k,
                 "for i in 0..%d {" % n,
                 "    hs%d.push(std::thread::spawn(move || i * 10));" % k,
                 "}",
                 "for h in hs%d {" % k,
                 '    println!("joined {}", h.join().unwrap());',
                 "}"]
        if self.chance(0.4):
            lines += ["let bad%d = std::thread::spawn(|| {" % k,
                      '    panic!("thread boom");',
                      "});",
                      "match bad%d.join() {" % k,
                      '    Ok(()) => println!("no panic"),',
                      '    Err(e) => println!("join err {:?}", e.downcast_ref::<&str>()),',
                      "}"]
        return lines

    def extra_macro_impls(self, k):
        """macro_rules! generating one impl per type, and an expression macro with repetition."""
        self.emit("trait Named%d {" % k)
        self.emit("    fn named(&self) -> String;")
        self.emit("}")
        self.emit("macro_rules! named%d {" % k)
        self.emit("    ($($t:ty),*) => {")
        self.emit("        $(impl Named%d for $t {" % k)
        self.emit("            fn named(&self) -> String {")
        self.emit('                format!("{}={}", stringify!($t), self)')
        self.emit("            }")
        self.emit("        })*")
        self.emit("    };")
        self.emit("}")
        self.emit("named%d!(i32, u8, bool, i64);" % k)
        self.emit("macro_rules! total%d {" % k)
        self.emit("    ($($e:expr),+ $(,)?) => {")
        self.emit("        0i64 $(+ ($e as i64))+")
        self.emit("    };")
        self.emit("}")
        self.emit()
        return ['println!("{} {} {} {}", 3i32.named(), 7u8.named(), true.named(), (-2i64).named());',
                "let nd%d: Vec<Box<dyn Named%d>> = vec![Box::new(1u8), Box::new(false)];" % (k, k),
                "for n in nd%d.iter() {" % k,
                '    println!("{}", n.named());',
                "}",
                'println!("total {}", total%d!(1, 2u8, %s,));' % (k, self.lit())]

    def extra_mod(self, k):
        """`mod` blocks with pub items, a nested mod, and `use` of them (also `self::`/`super::`)."""
        self.emit("mod md%d {" % k)
        self.emit("    pub struct P {")
        self.emit("        pub x: i64,")
        self.emit("        hidden: i64,")
        self.emit("    }")
        self.emit("    impl P {")
        self.emit("        pub fn new(x: i64) -> P {")
        self.emit("            P { x, hidden: helper(x) }")
        self.emit("        }")
        self.emit("        pub fn hidden(&self) -> i64 {")
        self.emit("            self.hidden")
        self.emit("        }")
        self.emit("    }")
        self.emit("    fn helper(x: i64) -> i64 {")
        self.emit("        x.wrapping_mul(3)")
        self.emit("    }")
        self.emit("    pub const K: i64 = %s;" % self.lit())
        self.emit("    pub mod inner {")
        self.emit("        pub fn twice(x: i64) -> i64 {")
        self.emit("            super::helper(x).wrapping_sub(x)")
        self.emit("        }")
        self.emit("        pub enum Kind {")
        self.emit("            A,")
        self.emit("            B(i64),")
        self.emit("        }")
        self.emit("    }")
        self.emit("    pub use self::inner::Kind;")
        self.emit("}")
        self.emit("use md%d::inner::twice;" % k)
        self.emit("use md%d::{Kind, P as Pm%d};" % (k, k))
        self.emit()
        return ["let pm%d = Pm%d::new(md%d::K);" % (k, k, k),
                'println!("mod {} {} {}", pm%d.x, pm%d.hidden(), twice(pm%d.x));' % (k, k, k),
                "for kd in [Kind::A, Kind::B(%s), md%d::inner::Kind::B(2)] {" % (self.lit(), k),
                "    match kd {",
                '        Kind::A => println!("kind a"),',
                '        Kind::B(v) => println!("kind b {}", v),',
                "    }",
                "}"]

    def extra_lang(self, k):
        """Items and syntax issue 14 added: a `type` alias of a boxed closure, a `static`, an
        associated const, `impl Trait` in return position, `<T as Tr>::f` paths, struct update
        syntax, `let ... else`, slice patterns and `matches!`."""
        self.emit("type Op%d = Box<dyn Fn(i64) -> i64>;" % k)
        self.emit("static BASE%d: i64 = %s;" % (k, self.lit()))
        self.emit("trait Lim%d {" % k)
        self.emit("    const MAX: i64;")
        self.emit("    fn lim(&self, x: i64) -> i64 {")
        self.emit("        if x > Self::MAX { Self::MAX } else { x }")
        self.emit("    }")
        self.emit("}")
        self.emit("#[derive(Debug, Clone)]")
        self.emit("struct Cfg%d {" % k)
        self.emit("    a: i64,")
        self.emit("    b: bool,")
        self.emit("    name: String,")
        self.emit("}")
        self.emit("impl Lim%d for Cfg%d {" % (k, k))
        self.emit("    const MAX: i64 = %d;" % self.r.randint(1, 50))
        self.emit("}")
        self.emit("fn ops%d() -> Vec<Op%d> {" % (k, k))
        self.emit("    vec![Box::new(|x| x + BASE%d), Box::new(move |x| x * 2)]" % k)
        self.emit("}")
        self.emit("fn evens%d(n: i64) -> impl Iterator<Item = i64> {" % k)
        self.emit("    (0..n).filter(|x| x % 2 == 0)")
        self.emit("}")
        self.emit("fn first_last%d(xs: &[i64]) -> Option<(i64, i64)> {" % k)
        self.emit("    match xs {")
        self.emit("        [] => None,")
        self.emit("        [one] => Some((*one, *one)),")
        self.emit("        [first, .., last] => Some((*first, *last)),")
        self.emit("    }")
        self.emit("}")
        self.emit("fn head%d(xs: &[i64]) -> i64 {" % k)
        self.emit("    let Some(h) = xs.first() else {")
        self.emit("        return -1;")
        self.emit("    };")
        self.emit("    *h")
        self.emit("}")
        self.emit()
        n = self.r.randint(0, 7)
        return ["let c%d = Cfg%d { a: %s, b: true, name: String::from(\"c\") };" % (k, k, self.lit()),
                "let d%d = Cfg%d { a: 9, ..c%d.clone() };" % (k, k, k),
                'println!("cfg {:?} {:?} {} {}", c%d, d%d, d%d.lim(100), <Cfg%d as Lim%d>::MAX);' % (k, k, k, k, k),
                "for f in ops%d().iter() {" % k,
                '    println!("op {}", f(%s));' % self.lit(),
                "}",
                "let ev%d: Vec<i64> = evens%d(%d).collect();" % (k, k, n),
                'println!("evens {:?} {:?} {} {}", ev%d, first_last%d(&ev%d), head%d(&ev%d), matches!(ev%d.len(), 1..=3));'
                % (k, k, k, k, k, k)]

    def extra_sync(self, k):
        """Shared state across threads: Arc<Mutex<_>> counters, an mpsc channel of boxed
        `FnOnce + Send` jobs, thread::scope borrowing a local; results printed in a fixed order."""
        n = self.r.randint(1, 4)
        return ["let ctr%d = std::sync::Arc::new(std::sync::Mutex::new(0i64));" % k,
                "let mut ths%d = Vec::new();" % k,
                "for i in 0..%d {" % n,
                "    let c = std::sync::Arc::clone(&ctr%d);" % k,
                "    ths%d.push(std::thread::spawn(move || {" % k,
                "        *c.lock().unwrap() += i + 1;",
                "    }));",
                "}",
                "for t in ths%d {" % k,
                "    t.join().unwrap();",
                "}",
                'println!("counter {} {}", *ctr%d.lock().unwrap(), std::sync::Arc::strong_count(&ctr%d));' % (k, k),
                "let (tx%d, rx%d) = std::sync::mpsc::channel::<Box<dyn FnOnce() -> i64 + Send>>();" % (k, k),
                "let w%d = std::thread::spawn(move || {" % k,
                "    let mut s = 0i64;",
                "    for job in rx%d {" % k,
                "        s += job();",
                "    }",
                "    s",
                "});",
                "for i in 0..%d {" % (n + 1),
                "    let v = vec![i; 3];",
                "    tx%d.send(Box::new(move || v.iter().sum())).unwrap();" % k,
                "}",
                "drop(tx%d);" % k,
                'println!("jobs {}", w%d.join().unwrap());' % k,
                "let loc%d = vec![%s, 2, 3];" % (k, self.lit()),
                "let sc%d = std::thread::scope(|s| {" % k,
                "    let h = s.spawn(|| loc%d.iter().sum::<i64>());" % k,
                "    h.join().unwrap()",
                "});",
                'println!("scoped {} {:?}", sc%d, loc%d);' % (k, k)]

    # -- coverage shapes (issue 15's coverage item) ---------------------------------------------
    # Each reaches checker, lowering and codegen paths the shapes above left uncovered
    # (scripts/coverage.sh lists them): integer widths and their methods, `?` and parsing, the
    # pattern forms, fn pointers, consts, derived Clone on generics, unsized boxes, operator
    # traits, string slicing, iterator adaptors.

    def extra_numeric(self, k):
        """Every integer width, casts between them and floats, the checked_/saturating_/
        overflowing_ families, pow, div_euclid, bit counting, float methods, and formatting
        with radix, width, precision and sign."""
        r = self.r
        a, b = r.randint(1, 120), r.randint(1, 9)
        t = self.pick(["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "i128", "u128", "isize", "usize"])
        self.emit("fn widths%d(x: %s, y: %s) -> String {" % (k, t, t))
        self.emit('    format!("{} {:?} {:?} {:?} {} {} {:?} {} {} {}", x.wrapping_mul(y), x.checked_add(y), '
                  'x.saturating_sub(y), x.overflowing_add(y), (y % 4).pow(2), x.wrapping_pow(3), x.checked_pow(5), x / y, x % y, x.count_ones())')
        self.emit("}")
        self.emit("const LIM%d: i64 = (%d * 3 + 7) / 2 - (1 << 3) %% 5;" % (k, a))
        self.emit("const MASK%d: u32 = !0u32 >> 4 & 0xff0;" % k)
        self.emit()
        return ["let n%d: %s = %d;" % (k, t, a),
                'println!("w {}", widths%d(n%d, %d));' % (k, k, b),
                "let i%d = %di64;" % (k, a),
                'println!("c {} {} {} {} {} {}", i%d as u8, i%d as i8, i%d as f64 / 3.0, (i%d as f32).sqrt() as i32, -i%d as u64, i%d as u128 * 3);'
                % (k, k, k, k, k, k),
                'println!("e {} {} {} {}", (-i%d).div_euclid(%d), (-i%d).rem_euclid(%d), i%d.leading_zeros(), i%d.trailing_zeros());'
                % (k, b, k, b, k, k),
                'println!("s {:?} {:?} {:?} {}", %du8.checked_mul(%d), 250u8.saturating_add(%d), i%d.checked_div(0), (%di32).abs());'
                % (b, a, b, k, -a),
                'println!("r {:x} {:X} {:o} {:b} {:#x} {:08b} {:>6} {:<6}| {:^7}| {:+}", i%d, i%d, i%d, %d, i%d, %du8, i%d, i%d, i%d, i%d);'
                % (k, k, k, b, k, b, k, k, k, k),
                "let f%d = %d.5f64 / %d.0;" % (k, a, b),
                'println!("f {:.3} {:e} {} {} {} {} {} {:8.2}|", f%d, f%d, f%d.floor(), f%d.ceil(), f%d.round(), f%d.abs().powi(2).trunc(), f%d.max(1.0).min(50.0), f%d);'
                % (k, k, k, k, k, k, k, k),
                'println!("k {} {} {} {} {}", LIM%d, MASK%d, i64::MAX.wrapping_add(i%d), u8::MAX, i16::MIN);' % (k, k, k),
                'println!("b {} {} {}", f%d.is_nan(), (f%d - f%d).is_finite(), %d.0f64.to_bits() > 0);' % (k, k, k, a),
                'println!("fd {:.4} {:.4} {} {} {:.4} {:.4} {:.4} {}", f%d.fract(), f%d.recip(), (-f%d).signum(), f%d.copysign(-1.0), f%d.to_degrees(), f%d.to_radians(), f%d.ln(), f%d.clamp(0.5, 2.0));'
                % (k, k, k, k, k, k, k, k),
                'println!("fe {} {} {} {} {:.3} {:.3}", f%d.is_sign_negative(), f%d.is_infinite(), f%d.is_normal(), (f%d / 0.0).is_infinite(), f%d.rem_euclid(2.0), (-f%d).div_euclid(2.0));'
                % (k, k, k, k, k, k),
                'println!("ib {} {} {} {} {}", (i%d as u32).is_power_of_two(), (-i%d).is_negative(), (i%d as u8).rotate_left(3), i%d.signum(), (i%d as u16).swap_bytes());'
                % (k, k, k, k, k)]

    def extra_try(self, k):
        """`?` on Result and Option, str::parse, map_err and ok_or, a user error type converted
        by `From` through `?`, and `Box<dyn Error>`."""
        self.emit("#[derive(Debug)]")
        self.emit("enum PErr%d {" % k)
        self.emit("    Bad(String),")
        self.emit("    Neg(i64),")
        self.emit("}")
        self.emit("impl From<std::num::ParseIntError> for PErr%d {" % k)
        self.emit("    fn from(e: std::num::ParseIntError) -> Self {")
        self.emit("        PErr%d::Bad(e.to_string())" % k)
        self.emit("    }")
        self.emit("}")
        self.emit("fn parse%d(s: &str) -> Result<i64, PErr%d> {" % (k, k))
        self.emit("    let v: i64 = s.trim().parse()?;")
        self.emit("    if v < 0 {")
        self.emit("        return Err(PErr%d::Neg(v));" % k)
        self.emit("    }")
        self.emit("    Ok(v * 2)")
        self.emit("}")
        self.emit("fn sum%d(xs: &[&str]) -> Result<i64, String> {" % k)
        self.emit("    let mut t = 0;")
        self.emit("    for x in xs {")
        self.emit("        t += x.parse::<i64>().map_err(|e| format!(\"{}: {}\", x, e))?;")
        self.emit("    }")
        self.emit("    Ok(t)")
        self.emit("}")
        self.emit("fn first_even%d(xs: &[i64]) -> Option<i64> {" % k)
        self.emit("    let f = xs.iter().find(|x| *x % 2 == 0)?;")
        self.emit("    let g = xs.last().copied().ok_or(0).ok()?;")
        self.emit("    Some(f + g)")
        self.emit("}")
        self.emit("fn boxed%d(s: &str) -> Result<u8, Box<dyn std::error::Error>> {" % k)
        self.emit("    let v: u8 = s.parse()?;")
        self.emit("    Ok(v)")
        self.emit("}")
        self.emit()
        inputs = ['"%s"' % self.pick(["12", " 7 ", "-3", "x1", "", "300", "40"]) for _ in range(3)]
        return ["for s in [%s] {" % ", ".join(inputs),
                '    println!("parse {:?} {:?}", parse%d(s), boxed%d(s).map_err(|e| e.to_string()));' % (k, k),
                "}",
                'println!("sum {:?} {:?}", sum%d(&[%s]), sum%d(&["1", "2"]));' % (k, ", ".join(inputs), k),
                'println!("even {:?} {:?}", first_even%d(&[1, %s, 4]), first_even%d(&[]));' % (k, self.lit(), k),
                "match parse%d(%s) {" % (k, inputs[0]),
                '    Ok(v) if v > 10 => println!("big {}", v),',
                '    Ok(v) => println!("small {}", v),',
                '    Err(PErr%d::Bad(m)) => println!("bad {}", m),' % k,
                '    Err(PErr%d::Neg(n)) => println!("neg {}", n),' % k,
                "}"]

    def extra_patterns(self, k):
        """Ranges (integer and char), `@` bindings, `|` alternatives, nested enum and tuple
        patterns, `ref`/`ref mut`, slice patterns with a rest binding, string literals, struct
        patterns with `..`, consts as patterns, and `while let` over a stack."""
        self.emit("#[derive(Debug)]")
        self.emit("enum Tok%d {" % k)
        self.emit("    Num(i64),")
        self.emit("    Op(char),")
        self.emit("    Pair(Box<Tok%d>, Box<Tok%d>)," % (k, k))
        self.emit("    Named { name: String, arity: u8 },")
        self.emit("}")
        self.emit("const ZERO%d: i64 = 0;" % k)
        self.emit("fn classify%d(t: &Tok%d) -> String {" % (k, k))
        self.emit("    match t {")
        self.emit('        Tok%d::Num(ZERO%d) => "zero".to_string(),' % (k, k))
        self.emit('        Tok%d::Num(n @ 1..=9) => format!("digit {}", n),' % k)
        self.emit('        Tok%d::Num(n) if *n < 0 => format!("neg {}", n),' % k)
        self.emit('        Tok%d::Num(_) => "num".to_string(),' % k)
        self.emit("        Tok%d::Op(c @ ('+' | '-')) => format!(\"additive {}\", c)," % k)
        self.emit("        Tok%d::Op('a'..='z') => \"letter\".to_string()," % k)
        self.emit('        Tok%d::Op(c) => format!("op {:?}", c),' % k)
        self.emit('        Tok%d::Pair(a, b) => match (&**a, &**b) {' % k)
        self.emit('            (Tok%d::Num(x), Tok%d::Num(y)) => format!("nums {}", x + y),' % (k, k))
        self.emit('            (l, _) => format!("pair {}", classify%d(l)),' % k)
        self.emit("        },")
        self.emit('        Tok%d::Named { arity: 0, .. } => "nullary".to_string(),' % k)
        self.emit('        Tok%d::Named { name, arity } => format!("{}/{}", name, arity),' % k)
        self.emit("    }")
        self.emit("}")
        self.emit("fn shape%d(xs: &[i64]) -> String {" % k)
        self.emit("    match xs {")
        self.emit('        [] => "empty".to_string(),')
        self.emit('        [x] => format!("one {}", x),')
        self.emit('        [first, rest @ ..] if rest.len() > 2 => format!("long {} {:?}", first, rest),')
        self.emit('        [a, .., b] => format!("ends {} {}", a, b),')
        self.emit("    }")
        self.emit("}")
        self.emit("fn word%d(s: &str) -> i64 {" % k)
        self.emit("    match s {")
        self.emit('        "one" => 1,')
        self.emit('        "two" | "deux" => 2,')
        self.emit("        _ => s.len() as i64,")
        self.emit("    }")
        self.emit("}")
        self.emit()
        return ["let toks%d = vec![Tok%d::Num(0), Tok%d::Num(%d), Tok%d::Num(-4), Tok%d::Op('+'), Tok%d::Op('q'), Tok%d::Op('*'),"
                % (k, k, k, self.r.randint(1, 20), k, k, k, k),
                "    Tok%d::Pair(Box::new(Tok%d::Num(2)), Box::new(Tok%d::Num(3))), Tok%d::Pair(Box::new(Tok%d::Op('x')), Box::new(Tok%d::Num(1))),"
                % (k, k, k, k, k, k),
                "    Tok%d::Named { name: String::from(\"f\"), arity: 0 }, Tok%d::Named { name: String::from(\"g\"), arity: %d }];"
                % (k, k, self.r.randint(0, 3)),
                "for t in &toks%d {" % k,
                '    println!("tok {}", classify%d(t));' % k,
                "}",
                'println!("{} {} {} {}", shape%d(&[]), shape%d(&[%s]), shape%d(&[1, 2, 3, 4]), shape%d(&[5, 6]));'
                % (k, k, self.lit(), k, k),
                'println!("{} {} {}", word%d("one"), word%d("deux"), word%d("%s"));' % (k, k, k, self.pick(["abc", "two", ""])),
                "let mut pair%d = (%s, String::from(\"p\"));" % (k, self.lit()),
                "{",
                "    let (ref mut n, ref s) = pair%d;" % k,
                "    *n += s.len() as i64;",
                "}",
                "let mut stack%d = vec![1, 2, %s];" % (k, self.lit()),
                "while let Some(top) = stack%d.pop() {" % k,
                "    if let 2 | 3 = top { continue; }",
                '    println!("top {} {:?}", top, pair%d);' % k,
                "}",
                "let [a%d, b%d, ..] = [10u8, 20, 30, 40];" % (k, k),
                'println!("arr {} {}", a%d, b%d);' % (k, k)]

    def extra_fnptr(self, k):
        """fn items and non-capturing closures as `fn` pointers (in arrays, as arguments and
        results), associated functions and methods named as values, and a struct holding one."""
        self.emit("fn inc%d(x: i64) -> i64 {" % k)
        self.emit("    x.wrapping_add(1)")
        self.emit("}")
        self.emit("fn twice%d(f: fn(i64) -> i64, x: i64) -> i64 {" % k)
        self.emit("    f(f(x))")
        self.emit("}")
        self.emit("fn pick%d(b: bool) -> fn(i64) -> i64 {" % k)
        self.emit("    if b { inc%d } else { |x| x * 3 }" % k)
        self.emit("}")
        self.emit("struct Calc%d {" % k)
        self.emit("    op: fn(i64, i64) -> i64,")
        self.emit("    name: &'static str,")
        self.emit("}")
        self.emit("impl Calc%d {" % k)
        self.emit("    fn run(&self, a: i64, b: i64) -> i64 {")
        self.emit("        (self.op)(a, b)")
        self.emit("    }")
        self.emit("    fn make(name: &'static str) -> Calc%d {" % k)
        self.emit("        Calc%d { op: i64::wrapping_sub, name }" % k)
        self.emit("    }")
        self.emit("}")
        self.emit()
        return ["let fs%d: [fn(i64) -> i64; 3] = [inc%d, |x| x - 1, pick%d(%s)];" % (k, k, k, self.pick(["true", "false"])),
                "for f in fs%d.iter() {" % k,
                '    println!("fp {} {}", f(%s), twice%d(*f, 2));' % (self.lit(), k),
                "}",
                "let calcs%d = [Calc%d { op: |a, b| a * b, name: \"mul\" }, Calc%d::make(\"sub\")];" % (k, k, k),
                "for c in &calcs%d {" % k,
                '    println!("{} {}", c.name, c.run(7, %s));' % self.lit(),
                "}",
                "let mk%d = Calc%d::make;" % (k, k),
                "let ts%d = i64::to_string;" % k,
                'println!("fv {} {} {:?}", mk%d("m").run(1, 2), ts%d(&5), [1i64, 2].map(inc%d));' % (k, k, k)]

    def extra_generic_derive(self, k):
        """Derived Clone, Debug, PartialEq, PartialOrd and Default on a generic struct and a
        generic enum, cloned through Vec and Option, compared and sorted."""
        self.emit("#[derive(Debug, Clone, PartialEq, PartialOrd, Default)]")
        self.emit("struct Gp%d<T> {" % k)
        self.emit("    a: T,")
        self.emit("    tag: (u8, char),")
        self.emit("    names: Vec<String>,")
        self.emit("}")
        self.emit("#[derive(Debug, Clone, PartialEq)]")
        self.emit("enum Ge%d<T> {" % k)
        self.emit("    Leaf(T),")
        self.emit("    Two(T, Box<Ge%d<T>>)," % k)
        self.emit("    Rec { v: Option<T>, n: [i32; 2] },")
        self.emit("}")
        self.emit()
        return ["let g%d = Gp%d { a: %s, tag: (3, 'x'), names: vec![String::from(\"n\")] };" % (k, k, self.lit()),
                "let mut h%d = g%d.clone();" % (k, k),
                "h%d.names.push(String::from(\"m\"));" % k,
                "let d%d: Gp%d<i64> = Default::default();" % (k, k),
                'println!("gd {:?} {} {} {:?}", h%d, g%d == h%d, g%d < h%d, d%d);' % (k, k, k, k, k, k),
                "let e%d = vec![Ge%d::Leaf(String::from(\"l\")), Ge%d::Two(String::from(\"t\"), Box::new(Ge%d::Leaf(String::from(\"u\")))), Ge%d::Rec { v: None, n: [1, 2] }];"
                % (k, k, k, k, k),
                "let f%d = e%d.clone();" % (k, k),
                'println!("ge {:?} {} {:?}", f%d, e%d == f%d, Some(&e%d[1]).cloned());' % (k, k, k, k),
                "let mut gs%d = vec![g%d.clone(), d%d.clone(), h%d];" % (k, k, k, k),
                "gs%d.sort_by(|x, y| x.partial_cmp(y).unwrap());" % k,
                'println!("sorted {:?}", gs%d.iter().map(|g| g.a).collect::<Vec<_>>());' % k]

    def extra_unsized(self, k):
        """Boxed and counted slices and strs (Box<[T]>, Box<str>, Rc<[T]>, Rc<str>), a generic
        over `T: ?Sized` taking them, size_of_val, and dropping them."""
        self.emit("fn total%d<T: AsRef<[i64]> + ?Sized>(x: &T) -> i64 {" % k)
        self.emit("    x.as_ref().iter().sum()")
        self.emit("}")
        self.emit("fn show%d<T: std::fmt::Debug + ?Sized>(x: &T) -> String {" % k)
        self.emit('    format!("{:?}", x)')
        self.emit("}")
        self.emit()
        return ["let bs%d: Box<[i64]> = vec![1, 2, %s].into_boxed_slice();" % (k, self.lit()),
                'let bst%d: Box<str> = String::from("boxed").into_boxed_str();' % k,
                "let rs%d: std::rc::Rc<[i64]> = std::rc::Rc::from(vec![4, 5]);" % k,
                'let rst%d: std::rc::Rc<str> = std::rc::Rc::from("rc");' % k,
                'println!("un {} {} {} {} {}", total%d(&bs%d[..]), show%d(&*bst%d), show%d(&rs%d[..]), rst%d.len(), std::mem::size_of_val(&*bs%d));'
                % (k, k, k, k, k, k, k, k),
                "let vb%d: Vec<Box<[u8]>> = vec![Box::new([1u8, 2]), vec![3u8; %d].into_boxed_slice()];" % (k, self.r.randint(0, 4)),
                'println!("vb {:?} {}", vb%d, vb%d.iter().map(|b| b.len()).sum::<usize>());' % (k, k),
                "drop(bs%d);" % k]

    def extra_ops(self, k):
        """Operator traits on a user type: Add, Sub, Mul by a scalar, Neg, AddAssign, Index and
        IndexMut, PartialEq and PartialOrd by hand, and Display with padding."""
        self.emit("#[derive(Debug, Clone, Copy, PartialEq)]")
        self.emit("struct V%d {" % k)
        self.emit("    x: i64,")
        self.emit("    y: i64,")
        self.emit("}")
        for tr, op in (("Add", "wrapping_add"), ("Sub", "wrapping_sub")):
            self.emit("impl std::ops::%s for V%d {" % (tr, k))
            self.emit("    type Output = V%d;" % k)
            self.emit("    fn %s(self, o: V%d) -> V%d {" % (tr.lower(), k, k))
            self.emit("        V%d { x: self.x.%s(o.x), y: self.y.%s(o.y) }" % (k, op, op))
            self.emit("    }")
            self.emit("}")
        self.emit("impl std::ops::Mul<i64> for V%d {" % k)
        self.emit("    type Output = V%d;" % k)
        self.emit("    fn mul(self, s: i64) -> V%d {" % k)
        self.emit("        V%d { x: self.x.wrapping_mul(s), y: self.y.wrapping_mul(s) }" % k)
        self.emit("    }")
        self.emit("}")
        self.emit("impl std::ops::Neg for V%d {" % k)
        self.emit("    type Output = V%d;" % k)
        self.emit("    fn neg(self) -> V%d {" % k)
        self.emit("        V%d { x: self.x.wrapping_neg(), y: self.y.wrapping_neg() }" % k)
        self.emit("    }")
        self.emit("}")
        self.emit("impl std::ops::AddAssign for V%d {" % k)
        self.emit("    fn add_assign(&mut self, o: V%d) {" % k)
        self.emit("        *self = *self + o;")
        self.emit("    }")
        self.emit("}")
        self.emit("impl std::ops::Index<usize> for V%d {" % k)
        self.emit("    type Output = i64;")
        self.emit("    fn index(&self, i: usize) -> &i64 {")
        self.emit("        if i == 0 { &self.x } else { &self.y }")
        self.emit("    }")
        self.emit("}")
        self.emit("impl std::ops::IndexMut<usize> for V%d {" % k)
        self.emit("    fn index_mut(&mut self, i: usize) -> &mut i64 {")
        self.emit("        if i == 0 { &mut self.x } else { &mut self.y }")
        self.emit("    }")
        self.emit("}")
        self.emit("impl PartialOrd for V%d {" % k)
        self.emit("    fn partial_cmp(&self, o: &V%d) -> Option<std::cmp::Ordering> {" % k)
        self.emit("        (self.x + self.y).partial_cmp(&(o.x + o.y))")
        self.emit("    }")
        self.emit("}")
        self.emit("impl std::fmt::Display for V%d {" % k)
        self.emit("    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {")
        self.emit('        write!(f, "<{}, {}>", self.x, self.y)')
        self.emit("    }")
        self.emit("}")
        self.emit()
        return ["let mut va%d = V%d { x: %s, y: 2 };" % (k, k, self.lit()),
                "let vb%d = V%d { x: 3, y: %s };" % (k, k, self.lit()),
                "va%d += vb%d;" % (k, k),
                "va%d[1] = va%d[0] * 2;" % (k, k),
                'println!("ops {} {} {} {} {:?}", va%d + vb%d, va%d - vb%d, -(vb%d * 3), va%d[1], va%d > vb%d);'
                % (k, k, k, k, k, k, k, k),
                'println!("[{:>12}] [{:<12}] {}", va%d.to_string(), format!("{}", vb%d), va%d == vb%d);' % (k, k, k, k)]

    def extra_strings(self, k):
        """str and String methods: slicing by byte ranges, chars and bytes, split and
        split_whitespace, trim, find, replace, case, starts_with, char methods, parse of floats."""
        w = self.pick(["hello world", "a bc  def", "Rust is fun", "x"])
        return ['let s%d = String::from("%s");' % (k, w),
                'println!("sl {} {} {}", &s%d[..1], &s%d[1..], &s%d.as_str()[0..s%d.len()]);' % (k, k, k, k),
                'println!("ch {:?} {} {:?}", s%d.chars().rev().collect::<String>(), s%d.bytes().map(|b| b as u32).sum::<u32>(), s%d.char_indices().nth(1));'
                % (k, k, k),
                'println!("sp {:?} {:?} {:?}", s%d.split(\' \').collect::<Vec<_>>(), s%d.split_whitespace().count(), s%d.find(\'o\'));'
                % (k, k, k),
                'println!("tr {:?} {} {} {}", "  pad ".trim(), s%d.replace("l", "L"), s%d.to_uppercase(), s%d.starts_with("he"));'
                % (k, k, k),
                "let mut acc%d = String::new();" % k,
                "for c in s%d.chars() {" % k,
                "    if c.is_alphabetic() { acc%d.push(c.to_ascii_uppercase()); } else if c.is_whitespace() { acc%d.push('_'); }" % (k, k),
                "}",
                'println!("acc {} {} {:?}", acc%d, acc%d.len(), "2.5".parse::<f64>().map(|f| f * 2.0));' % (k, k)]

    def extra_iter(self, k):
        """A user Iterator, and the adaptors: zip, enumerate, rev, skip, take, step_by, chain,
        filter_map, flat_map, fold, any, all, position, max_by_key, min, sum, product, collect
        into a HashMap and a BTreeMap, sort_by_key, dedup, windows, chunks."""
        self.emit("struct Count%d {" % k)
        self.emit("    n: u32,")
        self.emit("    end: u32,")
        self.emit("}")
        self.emit("impl Iterator for Count%d {" % k)
        self.emit("    type Item = u32;")
        self.emit("    fn next(&mut self) -> Option<u32> {")
        self.emit("        if self.n >= self.end {")
        self.emit("            return None;")
        self.emit("        }")
        self.emit("        self.n += 1;")
        self.emit("        Some(self.n)")
        self.emit("    }")
        self.emit("}")
        self.emit()
        n = self.r.randint(0, 6)
        return ["let it%d: Vec<u32> = Count%d { n: 0, end: %d }.zip(Count%d { n: 2, end: 9 }).map(|(a, b)| a * b).collect();" % (k, k, n, k),
                'println!("it {:?} {}", it%d, Count%d { n: 0, end: %d }.fold(0, |a, x| a + x));' % (k, k, n),
                "let xs%d = vec![%s, 3, 1, 4, 1, 5, 9, 2, 6];" % (k, self.lit()),
                'println!("ad {:?} {:?} {:?}", xs%d.iter().enumerate().rev().skip(1).take(3).collect::<Vec<_>>(), xs%d.iter().step_by(2).chain(xs%d.iter().take(1)).collect::<Vec<_>>(), xs%d.iter().filter_map(|x| if *x > 2 { Some(x * 10) } else { None }).collect::<Vec<_>>());'
                % (k, k, k, k),
                'println!("q {} {} {:?} {:?} {:?} {} {}", xs%d.iter().any(|x| *x > 8), xs%d.iter().all(|x| *x > 0), xs%d.iter().position(|x| *x == 4), xs%d.iter().max_by_key(|x| (*x %% 4, **x)), xs%d.iter().min(), xs%d.iter().sum::<i64>(), xs%d.iter().take(3).product::<i64>());'
                % (k, k, k, k, k, k, k),
                "let mut hm%d = std::collections::HashMap::new();" % k,
                "let mut bt%d = std::collections::BTreeMap::new();" % k,
                "for x in &xs%d {" % k,
                "    *hm%d.entry(*x %% 3).or_insert(0) += 1;" % k,
                "    bt%d.insert(*x, x * x);" % k,
                "}",
                "let mut hv%d: Vec<_> = hm%d.into_iter().collect();" % (k, k),
                "hv%d.sort_by_key(|p| p.0);" % k,
                "let mut ys%d = xs%d.clone();" % (k, k),
                "ys%d.sort();" % k,
                "ys%d.dedup();" % k,
                'println!("m {:?} {:?} {:?}", hv%d, bt%d, ys%d);' % (k, k, k),
                'println!("w {:?} {:?} {:?}", xs%d.windows(2).map(|w| w[0] + w[1]).collect::<Vec<_>>(), xs%d.chunks(4).map(|c| c.len()).collect::<Vec<_>>(), xs%d.iter().flat_map(|x| vec![*x; 2]).take(5).collect::<Vec<_>>());'
                % (k, k, k)]

    def extra_lifetimes(self, k):
        """Named lifetimes: a fn choosing between two borrows, a struct borrowing a slice with
        an impl returning borrows of it (elided and named), `'static` data, a reference into a
        Vec kept across a read, a trait object with a lifetime bound, and a `&mut` reborrowed
        through a helper."""
        self.emit("fn longer%d<'a>(a: &'a str, b: &'a str) -> &'a str {" % k)
        self.emit("    if a.len() >= b.len() { a } else { b }")
        self.emit("}")
        self.emit("struct View%d<'a> {" % k)
        self.emit("    xs: &'a [i64],")
        self.emit("    label: &'static str,")
        self.emit("}")
        self.emit("impl<'a> View%d<'a> {" % k)
        self.emit("    fn first(&self) -> Option<&'a i64> {")
        self.emit("        self.xs.first()")
        self.emit("    }")
        self.emit("    fn largest(&self) -> &i64 {")
        self.emit("        self.xs.iter().max().unwrap_or(&0)")
        self.emit("    }")
        self.emit("    fn split(&self, at: usize) -> (View%d<'a>, View%d<'a>) {" % (k, k))
        self.emit("        let (l, r) = self.xs.split_at(at.min(self.xs.len()));")
        self.emit("        (View%d { xs: l, label: \"l\" }, View%d { xs: r, label: \"r\" })" % (k, k))
        self.emit("    }")
        self.emit("}")
        self.emit("fn bump%d(x: &mut i64) -> &mut i64 {" % k)
        self.emit("    *x += 1;")
        self.emit("    x")
        self.emit("}")
        self.emit("fn describe%d<'a>(d: &'a (dyn std::fmt::Debug + 'a)) -> String {" % k)
        self.emit('    format!("<{:?}>", d)')
        self.emit("}")
        self.emit()
        return ["let own%d = vec![%s, 7, 3];" % (k, self.lit()),
                "let v%d = View%d { xs: &own%d, label: \"all\" };" % (k, k, k),
                "let (l%d, r%d) = v%d.split(%d);" % (k, k, k, self.r.randint(0, 3)),
                'println!("lt {:?} {} {} {:?} {:?}", v%d.first(), v%d.largest(), v%d.label, l%d.xs, r%d.first());' % (k, k, k, k, k),
                "let s1%d = String::from(\"%s\");" % (k, self.pick(["ab", "abcd", ""])),
                "let best%d;" % k,
                "{",
                '    let s2 = "xyz";',
                "    best%d = longer%d(s1%d.as_str(), s2);" % (k, k, k),
                "}",
                "let mut cnt%d = %s;" % (k, self.lit()),
                "*bump%d(bump%d(&mut cnt%d)) *= 2;" % (k, k, k),
                "let elem%d = &own%d[1];" % (k, k),
                'println!("lt2 {} {} {} {}", best%d, cnt%d, elem%d, describe%d(&own%d));' % (k, k, k, k, k)]

    def extra_std_misc(self, k):
        """std functions trc implements itself: size_of/align_of(_val), type_name,
        from_str_radix, from_bits, mem::forget/swap/replace/take, ptr::eq, discriminant, a Vec
        converted to an array, env::args."""
        self.emit("#[derive(Debug, Default)]")
        self.emit("enum Mode%d {" % k)
        self.emit("    #[default]")
        self.emit("    Off,")
        self.emit("    On(u8),")
        self.emit("}")
        self.emit()
        return ['println!("sz {} {} {} {} {}", std::mem::size_of::<(u8, u32)>(), std::mem::align_of::<u64>(), std::mem::size_of_val(&[0u16; 3]), std::mem::size_of::<[u32; 3]>(), std::any::type_name::<Mode%d>().ends_with("Mode%d"));' % (k, k),
                'println!("rad {:?} {:?} {}", i64::from_str_radix("%s", 16), u8::from_str_radix("zz", 36), f64::from_bits(4611686018427387904));' % self.pick(["ff", "-1a", "10", "g"]),
                "let mut ma%d = Mode%d::On(%d);" % (k, k, self.r.randint(0, 9)),
                "let mut mb%d = Mode%d::default();" % (k, k),
                "std::mem::swap(&mut ma%d, &mut mb%d);" % (k, k),
                "let old%d = std::mem::replace(&mut ma%d, Mode%d::On(1));" % (k, k, k),
                "let tk%d = std::mem::take(&mut mb%d);" % (k, k),
                'println!("mem {:?} {:?} {:?} {:?} {}", ma%d, mb%d, old%d, tk%d, std::mem::discriminant(&ma%d) == std::mem::discriminant(&Mode%d::On(7)));'
                % (k, k, k, k, k, k),
                "let keep%d = String::from(\"forgotten\");" % k,
                "std::mem::forget(keep%d);" % k,
                "let xs%d = vec![1u8, 2, 3];" % k,
                "let ys%d = &xs%d;" % (k, k),
                "let arr%d: [u8; 3] = xs%d.clone().try_into().unwrap();" % (k, k),
                'println!("eq {} {} {:?} {}", std::ptr::eq(ys%d, &xs%d), std::ptr::eq(&arr%d[0], &xs%d[0]), arr%d, std::env::args().count());'
                % (k, k, k, k, k)]

    def extra_unsafe(self, k):
        """Raw pointers (`&raw const`, casts, add/offset, read/write), Box::into_raw and
        from_raw, transmute, a `static mut`, an `unsafe fn` and a C function through extern."""
        self.emit("static mut HITS%d: u32 = 0;" % k)
        self.emit('extern "C" {')
        self.emit("    fn abs(x: i32) -> i32;")
        self.emit("}")
        self.emit("unsafe fn sum_raw%d(p: *const i64, n: usize) -> i64 {" % k)
        self.emit("    let mut s = 0;")
        self.emit("    for i in 0..n {")
        self.emit("        s += unsafe { *p.add(i) };")
        self.emit("    }")
        self.emit("    unsafe { HITS%d += 1; }" % k)
        self.emit("    s")
        self.emit("}")
        self.emit()
        return ["let data%d = [%s, 20, 30i64];" % (k, self.lit()),
                "let mut cell%d = 5i64;" % k,
                "let pc%d = &raw const cell%d;" % (k, k),
                "let pm%d = &mut cell%d as *mut i64;" % (k, k),
                "let bx%d = Box::into_raw(Box::new(String::from(\"raw\")));" % k,
                "unsafe {",
                "    *pm%d += 1;" % k,
                "    pm%d.write(pm%d.read() * 2);" % (k, k),
                "    (*bx%d).push('!');" % k,
                '    println!("raw {} {} {} {}", *pc%d, sum_raw%d(data%d.as_ptr(), 3), *data%d.as_ptr().offset(1), abs(%d));'
                % (k, k, k, k, -self.r.randint(0, 50)),
                '    println!("tm {} {} {}", std::mem::transmute::<u32, f32>(1065353216), *Box::from_raw(bx%d), HITS%d);' % (k, k),
                "}",
                'println!("null {} {}", std::ptr::null::<u8>().is_null(), pc%d.is_null());' % k]

    def extra_promote(self, k):
        """Constants promoted to `'static` memory: `&[..]` of tuples with strs, nested arrays,
        slices of slices, float and const-item arithmetic, negation, shifts, Option and unit."""
        self.emit("const BASE%d: i64 = %d;" % (k, self.r.randint(1, 40)))
        self.emit("fn table%d() -> &'static [(i64, &'static str)] {" % k)
        self.emit('    &[(1, "a"), (2 * 3, "b"), (BASE%d + 1, "c"), (-4, "")]' % k)
        self.emit("}")
        self.emit("fn grid%d() -> &'static [[u8; 2]; 2] {" % k)
        self.emit("    &[[1, 2], [3 << 1, 4 | 1]]")
        self.emit("}")
        self.emit("fn rows%d() -> &'static [&'static [i32]] {" % k)
        self.emit("    &[&[1, 2], &[], &[-3]]")
        self.emit("}")
        self.emit("fn half%d() -> &'static f64 {" % k)
        self.emit("    &(1.5 * 2.0 - 0.25)")
        self.emit("}")
        self.emit("fn misc%d() -> &'static (Option<i32>, (), bool, char) {" % k)
        self.emit("    &(Some(7 % 4), (), !false, 'z')")
        self.emit("}")
        self.emit()
        return ['println!("pr {:?} {:?} {:?} {} {:?}", table%d(), grid%d(), rows%d(), half%d(), misc%d());' % (k, k, k, k, k),
                "let st%d: &'static [i64; 3] = &[BASE%d, BASE%d * 2, i64::MAX / 2];" % (k, k, k),
                'println!("st {:?} {}", st%d, table%d().iter().map(|p| p.0).sum::<i64>());' % (k, k)]

    def extra_clone(self, k):
        """Clone of std types through a generic `T: Clone` (Vec of Strings, tuples, arrays,
        Option<Box<_>>, nested Vecs) and `dyn Fn` over fn items, fn pointers and closures."""
        self.emit("fn dup%d<T: Clone + std::fmt::Debug>(x: &T) -> String {" % k)
        self.emit("    let (a, b) = (x.clone(), x.clone());")
        self.emit("    drop(a);")
        self.emit('    format!("{:?}", b)')
        self.emit("}")
        self.emit("fn sq%d(x: i64) -> i64 {" % k)
        self.emit("    x.wrapping_mul(x)")
        self.emit("}")
        self.emit()
        return ['println!("cl {} {}", dup%d(&vec![String::from("a"), String::new()]), dup%d(&(String::from("t"), [1i64, 2], \'c\')));' % (k, k),
                'println!("cl {} {}", dup%d(&Some(Box::new(String::from("b")))), dup%d(&vec![vec![1u8], vec![]]));' % (k, k),
                'println!("cl {} {}", dup%d(&[Some(1i64), None]), dup%d(&(Box::new([3u16; 2]), ())));' % (k, k),
                "let fp%d: fn(i64) -> i64 = sq%d;" % (k, k),
                "let dfs%d: Vec<Box<dyn Fn(i64) -> i64>> = vec![Box::new(sq%d), Box::new(fp%d), Box::new(move |x| fp%d(x) + 1)];" % (k, k, k, k),
                "let rf%d: &dyn Fn(i64) -> i64 = &fp%d;" % (k, k),
                'println!("dyn fn {:?} {}", dfs%d.iter().map(|f| f(%s)).collect::<Vec<_>>(), rf%d(3));' % (k, self.lit(), k)]

    def extra_traits2(self, k):
        """`-> impl Trait` in a trait method (one hidden type per implementor) and in a generic
        fn, `<T as Tr>::Assoc` in signatures, `use Enum::*` in a body, the primitive types'
        consts, `write!` into a String and into a user `fmt::Write`, nested tuple-struct fields."""
        self.emit("trait Src%d {" % k)
        self.emit("    type Out: std::fmt::Debug + Clone;")
        self.emit("    fn items(&self) -> impl Iterator<Item = i64>;")
        self.emit("    fn out(&self) -> Self::Out;")
        self.emit("}")
        self.emit("struct Span%d(i64, (u8, i64));" % k)
        self.emit("impl Src%d for Span%d {" % (k, k))
        self.emit("    type Out = (u8, i64);")
        self.emit("    fn items(&self) -> impl Iterator<Item = i64> {")
        self.emit("        0..self.0")
        self.emit("    }")
        self.emit("    fn out(&self) -> (u8, i64) {")
        self.emit("        self.1")
        self.emit("    }")
        self.emit("}")
        self.emit("impl Src%d for String {" % k)
        self.emit("    type Out = String;")
        self.emit("    fn items(&self) -> impl Iterator<Item = i64> {")
        # (Not `self.bytes()..` yet: trc takes a trait method's opaque type to capture no
        # lifetime it does not name, and says E0700; rustc's captures `&self`'s.)
        self.emit("        (0..self.len() as i64).map(|b| b * 3)")
        self.emit("    }")
        self.emit("    fn out(&self) -> String {")
        self.emit("        self.clone()")
        self.emit("    }")
        self.emit("}")
        self.emit("fn both%d<T: Src%d>(t: &T) -> (i64, <T as Src%d>::Out) {" % (k, k, k))
        self.emit("    (t.items().sum(), t.out())")
        self.emit("}")
        self.emit("fn evens%d<T: Src%d>(t: &T) -> impl Iterator<Item = i64> + '_ {" % (k, k))
        self.emit("    t.items().filter(|x| x % 2 == 0)")
        self.emit("}")
        self.emit("#[derive(Debug, Clone, Copy)]")
        self.emit("enum Dir%d {" % k)
        self.emit("    North,")
        self.emit("    South,")
        self.emit("    Far(u8),")
        self.emit("}")
        self.emit("struct Log%d {" % k)
        self.emit("    n: usize,")
        self.emit("    text: String,")
        self.emit("}")
        self.emit("impl std::fmt::Write for Log%d {" % k)
        self.emit("    fn write_str(&mut self, s: &str) -> std::fmt::Result {")
        self.emit("        self.n += 1;")
        self.emit("        self.text.push_str(s);")
        self.emit("        Ok(())")
        self.emit("    }")
        self.emit("}")
        self.emit()
        return ["let sp%d = Span%d(%d, (%d, %s));" % (k, k, self.r.randint(0, 6), self.r.randint(0, 9), self.lit()),
                'println!("rp {:?} {:?} {:?} {}", both%d(&sp%d), both%d(&String::from("ab")), evens%d(&sp%d).collect::<Vec<_>>(), sp%d.1.1 + sp%d.0);'
                % (k, k, k, k, k, k, k),
                "{",
                "    use Dir%d::*;" % k,
                "    for d in [North, South, Far(%d)] {" % self.r.randint(0, 5),
                "        let v = match d { North => 1, South => -1, Far(n) => n as i64 };",
                '        println!("dir {:?} {}", d, v);',
                "    }",
                "}",
                'println!("pc {} {} {} {} {} {}", i32::MAX, u8::BITS, i64::MIN, f64::EPSILON > 0.0, usize::MAX > 0, u16::MAX as i64 + 1);',
                "use std::fmt::Write as _;",
                "let mut out%d = String::new();" % k,
                'write!(out%d, "{}-{:?}", %s, Dir%d::Far(2)).unwrap();' % (k, self.lit(), k),
                'writeln!(out%d, " end").unwrap();' % k,
                "let mut lg%d = Log%d { n: 0, text: String::new() };" % (k, k),
                'write!(lg%d, "{} and {}", 1, "two").unwrap();' % k,
                'print!("wr {}", out%d);' % k,
                'println!("lg {} {:?}", lg%d.n > 0, lg%d.text);' % (k, k)]

    def emit_extras(self):
        self.extra_main = []
        self.tail_main = []  # lines main ends with (a failing assertion: nothing may follow)
        fns = [self.extra_blanket, self.extra_box_upcast, self.extra_holder, self.extra_assoc,
               self.extra_generic_trait]
        # Issue 15's shapes (and issue 14's items), each less often: a program has about four.
        fns15 = [self.extra_self_dyn, self.extra_recursive, self.extra_compare, self.extra_closure_lit,
                 self.extra_repeat, self.extra_conv_annot, self.extra_deep_generic,
                 self.extra_catch_unwind, self.extra_thread, self.extra_macro_impls, self.extra_mod,
                 self.extra_lang, self.extra_sync]
        for k, f in enumerate(fns):
            if self.chance(0.35):
                self.extra_main += f(k)
        for k, f in enumerate(fns15, len(fns)):
            if self.chance(0.3):
                self.extra_main += f(k)
        fns_cov = [self.extra_numeric, self.extra_try, self.extra_patterns, self.extra_fnptr,
                   self.extra_generic_derive, self.extra_unsized, self.extra_ops, self.extra_strings,
                   self.extra_iter, self.extra_lifetimes, self.extra_std_misc, self.extra_unsafe,
                   self.extra_promote, self.extra_clone, self.extra_traits2]
        for k, f in enumerate(fns_cov, len(fns) + len(fns15)):
            if self.chance(0.25):
                self.extra_main += f(k)

    def program(self):
        self.build()
        self.emit("// generated by fuzz/gen_programs.py, seed %d" % self.seed)
        for t in self.traits:
            self.emit_trait(t)
        for ty in self.types:
            self.emit_type(ty)
        for ty in self.types:
            for t in ty.traits:
                self.emit_impl(ty, t)
        if self.wrap_trait:
            self.emit_wrapper()
        if self.enum_trait:
            self.emit_enum()
        self.emit_fns()
        self.emit_extras()
        self.emit_main()
        return "\n".join(self.out) + "\n"


def generate(seed):
    return Gen(seed).program()


# Mutations turn a valid program into a nearly valid one, to reach the checker's error paths
# with a structure (supertraits, generics, dyn) random bytes rarely build.
MUTANT_TYPES = ["i64", "bool", "String", "Self", "T", "()", "&dyn Tr0", "Box<dyn Tr1>", "dyn Tr0",
                "W<T>", "[i64; 3]", "&[i64]", "Vec<Self>", "Option<T>", "E", "S0", "fn(i64) -> i64", "!"]


def mutate(src, seed):
    import re
    r = random.Random(seed)
    lines = src.split("\n")
    for _ in range(r.randint(1, 3)):
        k = r.randrange(9)
        i = r.randrange(len(lines))
        if k == 0:
            del lines[i]
        elif k == 1:
            lines.insert(i, lines[r.randrange(len(lines))])
        elif k == 2:
            j = r.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif k == 3:  # another type
            lines[i] = re.sub(r"\b(i64|String|Self|bool|T)\b", lambda m: r.choice(MUTANT_TYPES), lines[i], count=1)
        elif k == 4:  # another trait
            lines[i] = re.sub(r"\bTr\d\b", lambda m: "Tr%d" % r.randrange(6), lines[i])
        elif k == 5:  # another method
            lines[i] = re.sub(r"\bm\d+\b", lambda m: "m%d" % r.randrange(12), lines[i])
        elif k == 6:  # receivers and Sized
            lines[i] = lines[i].replace(r.choice(["&self", "&mut self", " where Self: Sized", "dyn ", "&"]),
                                        r.choice(["self", "&mut self", "&self", "", "impl ", "&&"]), 1)
        elif k == 7:  # a literal at the edge
            lines[i] = re.sub(r"\b\d+\b", lambda m: r.choice(["0", "18446744073709551615", "-9223372036854775808",
                                                             "255u8", "1e308", "'x'", "\"s\""]), lines[i], count=1)
        else:  # cut the text short
            lines = lines[:i]
            break
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Ownership mutations (--ownership): the soundness oracle for the borrow checker

# Snippets that misuse (or carefully use) a variable V of main, inserted after its `let`. Most are
# errors rustc reports for ownership reasons when V's type is not Copy (E0382, E0499, E0502,
# E0505, E0506, E0597, E0596) and fine when it is; some are valid NLL patterns. Which is which
# is rustc's to say: the check is only that trc agrees with it.
OWNERSHIP_SNIPPETS = [
    "let moved_K = V; drop(moved_K);",
    "let r_K = &V; let moved_K = V; drop(r_K); drop(moved_K);",
    "let r_K = &V; drop(r_K); let moved_K = V; drop(moved_K);",
    "let mut m_K = V; let a_K = &mut m_K; let b_K = &mut m_K; drop(a_K); drop(b_K);",
    "let mut m_K = V; let a_K = &mut m_K; drop(a_K); let b_K = &mut m_K; drop(b_K);",
    "let mut m_K = V; let s_K = &m_K; let u_K = &mut m_K; drop(s_K); drop(u_K);",
    "let mut m_K = V; let s_K = &m_K; drop(s_K); let u_K = &mut m_K; drop(u_K);",
    "let esc_K; { let own_K = V; esc_K = &own_K; } drop(esc_K);",
    "let esc_K; { let own_K = V; esc_K = &own_K; drop(esc_K); }",
    "let r_K = &V; let u_K = &mut V; drop(r_K); drop(u_K);",
    "let mut m_K = V; let r_K = &m_K; m_K = V; drop(r_K);",
    "let mut m_K = V; let r_K = &mut m_K; drop(r_K); m_K = V; drop(m_K);",
    "let keep_K = vec![&V]; drop(V); drop(keep_K);",
    "let keep_K = vec![&V]; drop(keep_K); drop(V);",
    "let c_K = || drop(&V); let moved_K = V; c_K(); drop(moved_K);",
    "let c_K = move || drop(&V); c_K(); drop(&V);",
    # A closure that uses a reference only through it holds a copy of the reference (Rust 2021
    # captures `*r`): the loan of V travels into the closure, and ends with the closure's last use.
    "let r_K = &V; let c_K = || drop(&*r_K); let moved_K = V; c_K(); drop(moved_K);",
    "let r_K = &V; let c_K = || drop(&*r_K); c_K(); let moved_K = V; drop(moved_K);",
    "let mut m_K = V; let u_K = &mut m_K; let mut c_K = || drop(&mut *u_K); drop(&m_K); c_K();",
    "let mut m_K = V; let u_K = &mut m_K; let mut c_K = || drop(&mut *u_K); c_K(); drop(&m_K);",
    "let c_K; { let own_K = V; let r_K = &own_K; c_K = move || drop(&*r_K); } c_K();",
    # Mutability (E0596) of a binding, of a closure that mutates a capture, of a `move`
    # closure's copy; a closure's unique borrow against a shared one; a moved-out tuple field;
    # a reference stored in a Vec that outlives its referent or is moved from.
    "let fz_K = V; let r_K = &mut fz_K; drop(r_K);",
    "let mut m_K = V; let c_K = || { let _ = &mut m_K; }; c_K();",
    "let mut m_K = V; let r_K = &m_K; let c_K = || drop(&mut m_K); drop(r_K); c_K();",
    "let mut m_K = V; let c_K = || drop(&mut m_K); let r_K = &m_K; drop(r_K);",
    "let tw_K = (V, 1); let (a_K, _) = tw_K; drop(a_K); drop(tw_K.1);",
    "let tw_K = (V, 1); let (a_K, _) = tw_K; drop(a_K); drop(tw_K);",
    "let mut sv_K = vec![]; { let own_K = V; sv_K.push(&own_K); } drop(sv_K);",
    "let mut sv_K = vec![]; let own_K = V; sv_K.push(&own_K); drop(own_K); drop(sv_K);",
    # A move out of a reference (E0507), out of a Box then used; fine where V is Copy. (Not yet
    # out of an array or a Vec, E0508/E0507, where V is itself borrowed: trc reports those before
    # borrow checking and stops, rustc the E0505 of moving V first.)
    "let b_K = &V; let m_K = *b_K; drop(m_K);",
    "let bx_K = Box::new(V); let m_K = *bx_K; drop(m_K); drop(bx_K);",
    # Not yet: `let fz = V; let c = move || { drop(&mut fz); }; c();` where main has another
    # error: rustc reports the closure's E0596 first, trc the error of main's body.
    # Not yet: the same store made through a closure (`let mut p = |x| sv.push(x); p(&own);`)
    # is accepted by trc where rustc says E0597/E0505 (a loan that flows through a closure's
    # argument into its capture is not tracked); issue 15's coverage work found it.
]


def ownership_mutate(src, seed):
    """src with one OWNERSHIP_SNIPPETS entry placed in main after the `let` of one of its
    variables (and before the uses that follow), or None when main has no variable."""
    import re
    r = random.Random(seed ^ 0x0A0B)
    lines = src.split("\n")
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith("fn main()"))
    except StopIteration:
        return None
    lets = [(i, m.group(1)) for i, l in enumerate(lines[start:], start)
            for m in [re.match(r"    let (v\d+|bl|ov|h|hv) = ", l)] if m]
    if not lets:
        return None
    i, var = r.choice(lets)
    k = r.randrange(len(OWNERSHIP_SNIPPETS))
    snippet = OWNERSHIP_SNIPPETS[k].replace("V", var).replace("_K", "_o%d" % k)
    # After the `let` (which may span lines: up to the line ending in `;`).
    j = i
    while j < len(lines) and not lines[j].rstrip().endswith(";"):
        j += 1
    lines.insert(j + 1 + r.randrange(2), "    " + snippet)
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Type-system mutations (--reject): the soundness oracle for the checker's rules

# Each mutation takes a valid generated program (as lines, with its Shape: traits, impls, main)
# and breaks one type-system rule rustc enforces: dyn compatibility (E0038), coherence and the
# orphan rule (E0119, E0117, E0184), bounds (E0277, E0271, E0599), Sized (E0277, E0746), Send
# (E0277), and an impl's items against its trait (E0046, E0053, E0050, E0186, E0407, E0107). About one in five is a near
# miss that rustc accepts (`where Self: Sized` on the offending method, `?Sized` on the bound,
# an overlap that negative reasoning rules out, ...), so that trc's over-rejections show too.
# rustc decides which is which; the check is that trc agrees on accepting and on the first code.
# rj_expr adds one statement of EXPR_ERRORS instead: an error of an expression's types, of a
# pattern, of mutability or a deny-by-default lint.


class Shape:
    """What the mutations need to know of a generated program, read back from its text."""

    def __init__(self, src):
        import re
        self.lines = src.split("\n")
        self.main = next(i for i, l in enumerate(self.lines) if l.startswith("fn main()"))
        self.traits = {}    # TrN -> (first line, closing line, {method: signature line})
        self.impls = []     # (first line, closing line, trait, type) of top-level impls of TrN
        for i, l in enumerate(self.lines[:self.main]):
            m = re.match(r"trait (Tr\d+)\b", l)
            if m:
                end = self.block_end(i)
                sigs = {re.match(r"    fn (m\d+)", x).group(1): x for x in self.lines[i + 1:end]
                        if re.match(r"    fn m\d+", x)}
                self.traits[m.group(1)] = (i, end, sigs)
            m = re.match(r"impl(?:<[^>]*>)? (Tr\d+) for (\S+?)(?: where .*)? \{$", l)
            if m:
                self.impls.append((i, self.block_end(i), m.group(1), m.group(2)))
        self.types = [m.group(1) for l in self.lines for m in [re.match(r"struct (S\d+)\b", l)] if m]

    def block_end(self, i):
        """The line of the `}` closing the top-level item that starts at line i."""
        j = i
        while self.lines[j] != "}" and not (j == i and self.lines[j].endswith("}")):
            j += 1
        return j

    def implementors(self, trait):
        return sorted({ty for _, _, t, ty in self.impls if t == trait and ty in self.types})

    def required(self, trait):
        """The trait's methods without a default body (their declaration ends with `;`)."""
        return [m for m, sig in self.traits[trait][2].items() if sig.rstrip().endswith(";")]

    def text(self, items=(), stmts=()):
        """The program with `items` added before main and `stmts` at the start of main."""
        # Found again: a mutation may have added or removed lines above main.
        main = next(i for i, l in enumerate(self.lines) if l.startswith("fn main()"))
        out = self.lines[:main] + list(items) + [""] + self.lines[main:main + 1]
        out += ["    " + s for s in stmts] + self.lines[main + 1:]
        return "\n".join(out)


def rj_dyn_method(sh, r):
    """A method that makes the trait dyn-incompatible (Self outside the receiver, a type
    parameter, no receiver), with a default body so impls stay whole; the trait is then used as
    `dyn`. With `where Self: Sized` the method is exempt and the program valid."""
    t = r.choice(sorted(sh.traits))
    meth = r.choice(["fn zsame(&self, other: &Self) -> i64 { let _ = other; 0 }",
                     "fn zopt(&self, other: Option<&Self>) -> i64 { let _ = other; 0 }",
                     "fn zbox(&self, other: Box<Self>) -> i64 { let _ = other; 0 }",
                     "fn zret(&self) -> Option<Box<Self>> { None }",
                     "fn zgen<U>(&self, u: U) -> i64 { let _ = u; 0 }",
                     "fn zgen2<U: Clone>(&self, u: &U) -> U { u.clone() }",
                     "fn zassoc() -> i64 { 0 }"])
    if r.random() < 0.2:
        meth = meth.replace(" {", " where Self: Sized {", 1)
    start, end, _ = sh.traits[t]
    sh.lines.insert(end, "    " + meth)
    if r.random() < 0.5:
        return sh.text(stmts=["let zd: Option<&dyn %s> = None;" % t, "let _ = zd;"])
    return sh.text(items=["fn zuse(d: &dyn %s) -> usize {" % t, "    let _ = d;", "    1", "}"])


def rj_dyn_other(sh, r):
    """Dyn incompatibility that is not a method: an associated const, a `Sized` supertrait, a
    supertrait with `Self` as a type argument."""
    form = r.randrange(4)
    if form == 3:
        sup = r.choice(["Clone", "Default", "Copy", "std::fmt::Debug"])  # the last is dyn-compatible
        items = ["trait Zk: %s {" % sup, "    fn zk(&self) -> i64 { 1 }", "}", "impl Zk for i64 {}"]
    elif form == 0:
        items = ["trait Zk {", "    const ZC: i64;", "}", "impl Zk for i64 {", "    const ZC: i64 = 1;", "}"]
    elif form == 1:
        items = ["trait Zk: Sized {", "    fn zk(&self) -> i64 { 1 }", "}", "impl Zk for i64 {}"]
    else:
        items = ["trait Zk: PartialEq<Self> {", "    fn zk(&self) -> i64 { 1 }", "}", "impl Zk for i64 {}"]
    return sh.text(items=items, stmts=["let zb: Box<dyn Zk> = Box::new(5i64);", "let _ = zb;"])


def rj_dup_impl(sh, r):
    """An impl of the program repeated word for word (E0119)."""
    if not sh.impls:
        return None
    start, end, _, _ = r.choice(sh.impls)
    block = sh.lines[start:end + 1]
    sh.lines[end + 1:end + 1] = block
    return sh.text()


def rj_overlap(sh, r):
    """Two impls of a new trait that overlap: a blanket impl over a bound beside an impl for a
    type meeting it (E0119), or beside one for a local type that does not (valid: the crate owns
    both, so rustc may reason negatively)."""
    items = ["trait Zb {", "    fn zb(&self) -> i64 {", "        1", "    }", "}"]
    form = r.randrange(7)
    if form == 0:
        items += ["impl<T: std::fmt::Display> Zb for T {}", "impl Zb for %s {}" % r.choice(["i32", "String", "&str", "u8"])]
    elif form == 1:
        items += ["struct Zw<T>(T);", "impl<T> Zb for Zw<T> {}", "impl Zb for Zw<%s> {}" % r.choice(["i32", "Zw<u8>", "Vec<i64>"])]
    elif form == 2:
        t = r.choice(sorted(sh.traits))
        ty = r.choice(sh.types)
        items += ["impl<T: %s> Zb for T {}" % t, "impl Zb for %s {}" % ty]  # overlaps iff ty: t
    elif form == 3:
        items += ["impl<T: Clone> Zb for Vec<T> {}", "impl Zb for Vec<%s> {}" % r.choice(["i64", "String", "Box<i64>"])]
    elif form == 4:
        items += ["struct Zn;", "impl<T: std::fmt::Display> Zb for T {}", "impl Zb for Zn {}"]  # valid
    elif form == 5:
        ty = r.choice(sh.types)
        items += ["impl Zb for %s {}" % ty, "impl Zb for &%s {}" % ty, "impl Zb for Box<%s> {}" % ty,
                  "impl Zb for dyn %s {}" % r.choice(sorted(sh.traits))]  # valid: four types
    else:
        # A generic trait: impls for two arguments are two traits (valid), a blanket one overlaps.
        items += ["trait Zg<T> {", "    fn zg(&self) -> i64 {", "        2", "    }", "}", "struct Zc;",
                  "impl Zg<i64> for Zc {}", r.choice(["impl Zg<bool> for Zc {}", "impl<T> Zg<T> for Zc {}",
                                                      "impl<T: Copy> Zg<T> for Zc {}", "impl Zg<Zc> for Zc {}"])]
    return sh.text(items=items, stmts=["println!(\"{}\", 3i32.zb());"] if form == 0 else [])


def rj_orphan(sh, r):
    """The orphan rule: a std trait for a std type (E0117), Copy beside Drop (E0184); and the
    impls the rule allows (a std trait with a local type as the first uncovered parameter)."""
    ty = r.choice(sh.types) if sh.types else "i64"
    forms = [["impl Clone for (u8, Box<i32>) {", "    fn clone(&self) -> Self {",
              "        (self.0, self.1.clone())", "    }", "}"],
             ["impl std::fmt::Display for Vec<i64> {",
              "    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {",
              '        write!(f, "v{}", self.len())', "    }", "}"],
             ["impl Default for Option<%s> {" % ty, "    fn default() -> Self {", "        None", "    }", "}"],
             ["impl std::ops::Add for i64 {", "    type Output = i64;", "    fn add(self, o: i64) -> i64 {",
              "        o", "    }", "}"],
             ["#[derive(Clone, Copy)]", "struct Zcd(i64);", "impl Drop for Zcd {",
              "    fn drop(&mut self) {}", "}"],
             ["impl From<%s> for i64 {" % ty, "    fn from(s: %s) -> i64 {" % ty, "        let _ = s;",
              "        0", "    }", "}"]]  # valid: the local type covers the impl
    return sh.text(items=r.choice(forms))


def rj_bound(sh, r):
    """A generic fn called with a type that does not meet its bound (E0277); or with `&dyn Tr`
    where the parameter is implicitly Sized (E0277), valid again with `?Sized`."""
    t = r.choice(sorted(sh.traits))
    impl = sh.implementors(t)
    lacking = [ty for ty in sh.types if ty not in impl]
    form = r.randrange(5)
    if form == 3 and sh.types:
        # A supertrait the type does not implement (E0277), or does (valid).
        return sh.text(items=["trait Zsup: %s {" % t, "    fn zs(&self) -> i64 {", "        1", "    }", "}",
                              "impl Zsup for %s {}" % r.choice(sh.types)])
    if form == 4 and sh.types:
        # A method of an impl whose where-clause the receiver does not meet (E0599).
        return sh.text(items=["struct Zw<T>(T);", "impl<T: %s> Zw<T> {" % t, "    fn zw(&self) -> i64 {",
                              "        1", "    }", "}"],
                       stmts=['println!("{}", Zw(%s::new(1)).zw());' % r.choice(sh.types)])
    if form in (0, 3, 4) or not impl:
        arg = "&%s::new(1)" % r.choice(lacking) if lacking else r.choice(["&5u8", '&"s"', "&()", "&vec![1u8]"])
        return sh.text(items=["fn zneed<T: %s>(t: &T) -> i64 {" % t, "    let _ = t;", "    0", "}"],
                       stmts=['println!("{}", zneed(%s));' % arg])
    q = " + ?Sized" if form == 2 else ""
    return sh.text(items=["fn zneed<T: %s%s>(t: &T) -> i64 {" % (t, q), "    let _ = t;", "    0", "}"],
                   stmts=["let zo = %s::new(2);" % r.choice(impl), "let zd: &dyn %s = &zo;" % t,
                          'println!("{}", zneed(zd));'])


def rj_assoc(sh, r):
    """An associated-type bound that is not met: `where S::Out: Copy` with Out = String
    (E0277), `S: Src<Out = i64>` with Out = String (E0271); Out = i64 meets both. Or the
    trait's own bound on its associated type (`type Out: Copy;`) unmet by an impl (E0277), the
    type left out of the impl (E0046), the trait's generic arguments wrong (E0107)."""
    out = r.choice(["String", "String", "Vec<u8>", "i64"])
    val = {"String": "String::new()", "Vec<u8>": "Vec::new()", "i64": "4"}[out]
    form = r.randrange(4)
    if form == 1:
        tyline = r.choice(["    type Out = %s;" % out, ""])  # E0277 unless Out is Copy; E0046
        return sh.text(items=["trait Zsrc {", "    type Out: Copy + std::fmt::Debug;", "    fn get(&self) -> Self::Out;",
                              "}", "struct Za;", "impl Zsrc for Za {", tyline,
                              "    fn get(&self) -> %s {" % out, "        %s" % val, "    }", "}"],
                       stmts=['println!("{:?}", Za.get());'])
    if form == 2:
        arg = r.choice(["", "<i64, bool>", "<'static>", "<i64>"])  # E0107, E0107, E0107, valid
        return sh.text(items=["trait Zg<T> {", "    fn zg(&self, t: T) -> i64;", "}", "struct Za;",
                              "impl Zg%s for Za {" % arg, "    fn zg(&self, t: i64) -> i64 {", "        t",
                              "    }", "}"])
    bound = r.choice(["<S: Zsrc>(s: &S) -> i64 where S::Out: Copy", "<S: Zsrc<Out = i64>>(s: &S) -> i64",
                      "<S>(s: &S) -> i64 where S: Zsrc, <S as Zsrc>::Out: std::fmt::Display + Copy"])
    return sh.text(items=["trait Zsrc {", "    type Out;", "    fn get(&self) -> Self::Out;", "}",
                          "struct Za;", "impl Zsrc for Za {", "    type Out = %s;" % out,
                          "    fn get(&self) -> %s {" % out, "        %s" % val, "    }", "}",
                          "fn zuse%s {" % bound, "    let _ = s.get();", "    1", "}"],
                   stmts=['println!("{}", zuse(&Za));'])


def rj_overflow(sh, r):
    """A bound through a deeply nested type: `G<G<...<i32>>>: Zd` needs one impl step per level,
    past rustc's recursion limit of 128 (E0275), or within it (valid)."""
    depth = r.choice([20, 60, 100, 120, 140, 300])
    ty = "i32"
    for _ in range(depth):
        ty = "Zn<%s>" % ty
    # No value of the type: rustc would first fail computing its layout (an error without a code).
    return sh.text(items=["trait Zd {", "    fn zd() -> i64;", "}", "impl Zd for i32 {",
                          "    fn zd() -> i64 {", "        1", "    }", "}", "struct Zn<T>(T);",
                          "impl<T: Zd> Zd for Zn<T> {", "    fn zd() -> i64 {",
                          "        T::zd() + 1", "    }", "}",
                          "fn zdeep<T: Zd>() -> i64 {", "    T::zd()", "}"],
                   stmts=['println!("{}", zdeep::<%s>());' % ty])


def rj_sized(sh, r):
    """A trait object by value: a parameter, a local, a return type, a field not last."""
    t = r.choice(sorted(sh.traits))
    impl = sh.implementors(t)
    forms = [(["fn zbyval(d: dyn %s) -> i64 {" % t, "    let _ = &d;", "    0", "}"], []),
             (["fn zret() -> dyn %s {" % t, "    loop {}", "}"], []),
             (["struct Zu {", "    a: dyn %s," % t, "    b: i64,", "}"], []),
             (["fn zslice(s: [i64]) -> usize {", "    s.len()", "}"], [])]
    if impl:
        forms.append(([], ["let zb: Box<dyn %s> = Box::new(%s::new(1));" % (t, r.choice(impl)),
                           "let zl: dyn %s = *zb;" % t, "let _ = &zl;"]))
    items, stmts = r.choice(forms)
    return sh.text(items=items, stmts=stmts)


def rj_impl_items(sh, r):
    """An impl that does not match its trait: a required method left out (E0046), `&self`
    made `&mut self` (E0053), a parameter's type changed (E0053), one too few (E0050), the
    receiver dropped (E0186), a method the trait lacks (E0407)."""
    form = r.randrange(6)
    if form <= 1:
        cands = [(s, e, t) for s, e, t, ty in sh.impls for m in sh.required(t)
                 if any(l.startswith("    fn %s(" % m) for l in sh.lines[s:e])]
        if cands:
            s, e, t = r.choice(cands)
            present = [m for m in sh.required(t) if any(l.startswith("    fn %s(" % m) for l in sh.lines[s:e])]
            m = r.choice(present)
            i = next(j for j in range(s, e) if sh.lines[j].startswith("    fn %s(" % m))
            if form == 0:
                k = i
                while sh.lines[k] != "    }":
                    k += 1
                del sh.lines[i:k + 1]  # E0046
            elif "(&self" in sh.lines[i]:
                sh.lines[i] = sh.lines[i].replace("(&self", "(&mut self", 1)  # E0053
            else:
                return None
            return sh.text()
    ty = r.choice(sh.types) if sh.types else "i64"
    decl = "fn zsg(&self, x: i64) -> i64;"
    impl = {2: "fn zsg(&self, x: u32) -> i64 { x as i64 }",
            3: "fn zsg(&self) -> i64 { 1 }",
            4: "fn zsg(x: i64) -> i64 { x }",
            5: "fn zsg(&self, x: i64) -> i64 { x } fn znot(&self) {}"}.get(form, "fn zsg(&self, x: &i64) -> i64 { *x }")
    return sh.text(items=["trait Zsg {", "    " + decl, "}", "impl Zsg for %s {" % ty, "    " + impl, "}"])


def rj_send(sh, r):
    """Auto traits: an Rc, a RefCell reference or a `Box<dyn Fn>` without `+ Send` moved into
    a thread (E0277, "cannot be sent between threads safely"); an Arc of an i64 is fine."""
    t = r.choice(sorted(sh.traits))
    impl = sh.implementors(t)
    val = r.choice(["std::rc::Rc::new(5i64)", "std::sync::Arc::new(5i64)",
                    "std::rc::Rc::new(std::cell::RefCell::new(1i64))",
                    "std::sync::Arc::new(std::cell::Cell::new(1i64))"])
    if impl and r.random() < 0.4:
        send = r.choice(["", " + Send"])  # the generated types are all Send: valid with `+ Send`
        val = "{ let b: Box<dyn %s%s> = Box::new(%s::new(1)); b }" % (t, send, r.choice(impl))
    return sh.text(stmts=["let zs = %s;" % val,
                          "let zh = std::thread::spawn(move || { let z = zs; drop(z); });",
                          "zh.join().unwrap();"])


# Statements that break one rule of expressions, types, patterns or lints each (the checker's
# reports no other mutation reaches): operators on the wrong types, unknown names and methods,
# bad casts, derefs, indexes and fields, inference failures, `break`/`return` misuse,
# non-exhaustive patterns, assignment to immutable places, deny-by-default lints (no code).
EXPR_ERRORS = [
    "let _e = 1.5f64 << 2;", "let _e = !2.5f64;", 'let _e: i32 = "s";', "let _e = 5i32.no_such();",
    "let _e = undefined_name;", "let _e = *5i32;", "let _e = 5i32[0];", "let _e = (1, 2).5;",
    "let _e = Vec::new();", "let _e = 2.0.powi(2);", "loop { break 'nope; }", "while false { break 3; }",
    "let _e = || -> i32 { return; };", "let _e: i32 = if true { 1 };",
    "let _e = std::mem::size_of::<str>();", 'let _e = "a" + "b";', "let _e = match 3u8 { 0 => 1 };",
    "let Some(_e) = Some(1);", "let _e: [i32; 2] = [1, 2, 3];", "let _e = (|x: i32| x)(1, 2);",
    "let _e = 300u8;", "let _e = 1 / 0;", "let _e = i32::MAX + 1;", "let x_e = 5; x_e = 6;",
    "let _e: u8 = -1;", 'let _e = "x".len() as bool;', "let _e = 2.5 as bool;", "let _e = 3 as String;", "let _e = 65u32 as char;",
    "let _e: Vec<i32> = (0..3).map(|x| x as i64).collect();", "let _e = [1, 2, 3]; let _f = _e[5];",
    'let _e = String::from("a"); let _f = _e[0];', 'let _e = Some(5).unwrap_or("x");',
    "let _e = 5; _e.push(1);", "let _e = &mut 5; let _f = &*_e; *_f = 1;", "let _e = (1..3).sum();",
    'let _e: &str = String::from("a");', 'let _e: Option<i32> = Some("a");',
    "let _e = [1, 2].iter().map(|x| x * 2).collect::<Vec<String>>();", "let _e = 'a' + 1;",
    "let _e = 1u32 - 2;", "let _e = -5u32;", "let _e = 5 % 0;", "let _e = [0u8; 3]; let _f = _e[3];",
    "let _e = Box::new(5) + 1;", "let _e = if 1 { 2 } else { 3 };",
    "let _e = match Some(1) { Some(x) if x > 0 => 1, None => 0 };", "let _e: (i32, i32) = (1, 2, 3);",
    # Not yet (trc differs; issue 15's coverage work found them): `1i32 + 1i64` (trc E0277, rustc
    # E0308), `let _: fn(i32) -> i32 = |x, y| x;` (E0308 for E0593), `let e = { let v = ..; &v };`
    # with `e` unused (trc accepts, rustc E0597).
]


def rj_expr(sh, r):
    """One of EXPR_ERRORS at the start of main."""
    return sh.text(stmts=[r.choice(EXPR_ERRORS)])


REJECT_MUTATIONS = [rj_send, rj_dyn_method, rj_dyn_other, rj_dup_impl, rj_overlap, rj_orphan, rj_bound,
                    rj_assoc, rj_overflow, rj_sized, rj_impl_items, rj_expr, rj_expr]  # (rj_expr has the most cases)


def reject_mutate(src, seed):
    """(name, src) with one REJECT_MUTATIONS applied, or None where it does not fit."""
    r = random.Random(seed ^ 0x4E7)
    f = r.choice(REJECT_MUTATIONS)
    out = f(Shape(src), r)
    return (f.__name__[3:], out) if out is not None else None


def first_error_code(stderr):
    import re
    m = re.search(rb"error(\[E\d{4}\])?:", stderr)
    return (m.group(1) or b"").decode() if m else None


def run_agree(a, seed0, out, env, mode, mutator):
    """--ownership and --reject: compile each mutated program with trc and rustc; a difference
    in whether it compiles, or in the first error code, is a finding. mutator(src, seed) gives
    (label, mutated src), or None where the program offers no place for a mutation."""
    tmp = tempfile.mkdtemp(prefix="trc-%s-" % mode)
    n = agree = rejected = found = 0
    labels = {}  # "label rustc's code" -> [agree, differ]: what was tried, and how it fared
    start = time.time()
    try:
        while (a.count is None or n < a.count) and (a.time is None or time.time() - start < a.time):
            seed = seed0 + n
            n += 1
            m = mutator(generate(seed), seed)
            if m is None:
                continue
            label, src = m
            path = os.path.join(tmp, "p.tr")
            with open(path, "w") as f:
                f.write(src)
            # trc only as far as the IR: the verdict is the checker's, and the LLVM backend's time
            # (a large array moved by value) is the valid-program runs' business.
            ts, _, terr = run([a.trc, path, "--emit-llvm", "-o", os.devnull], a.timeout, env=env)
            rs, _, rerr = run([a.rustc, "--edition", "2021", path, "-o", os.path.join(tmp, "p.rustc")], 60, env=env)
            bug = classify_trc(ts, terr)
            tcode = first_error_code(terr) if ts == 1 else None
            rcode = first_error_code(rerr) if rs != 0 else None
            tally = labels.setdefault("%s %s" % (label or mode, rcode or "ok"), [0, 0])
            if bug is None and (ts == 0) == (rs == 0) and tcode == rcode:
                agree += 1
                rejected += rs != 0
                tally[0] += 1
                continue
            found += 1
            tally[1] += 1
            tname, rname = tcode or "an error without a code", rcode or "an error without a code"
            what = bug or ("trc accepts, rustc rejects (%s)" % rname if ts == 0 else
                           "trc rejects (%s), rustc accepts" % tname if rs == 0 else
                           "trc says %s, rustc %s" % (tname, rname))
            save(out, seed, src, mode + ("-" + label if label else ""), [a.trc, path],
                 terr + b"\n--- rustc ---\n" + rerr)
            print("gen: %s seed %d%s: %s (saved)" % (mode, seed, " (%s)" % label if label else "", what))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if labels:
        print("gen: %s by mutation and rustc's code (agree/differ): %s" % (mode, ", ".join(
            "%s %d/%d" % (k, v[0], v[1]) for k, v in sorted(labels.items()))))
    print("gen: %s: %d programs in %.0f s, %d agree with rustc (%d of them rejected by both), %d differ (seeds %d..%d, findings in %s)"
          % (mode, n, time.time() - start, agree, rejected, found, seed0, seed0 + n - 1, out))
    return 1 if found else 0


def ownership_labelled(src, seed):
    m = ownership_mutate(src, seed)
    return None if m is None else ("", m)


# ----------------------------------------------------------------------------------------------
# Running trc

SAN_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
               "ERROR: UndefinedBehaviorSanitizer")
SAN_EXIT = 86  # asked of the sanitizers so that their reports are not confused with exit 1


def run(cmd, timeout, **kw):
    """Returns (status, stdout, stderr); status is the exit code, 'signal N' or 'timeout'."""
    for attempt in range(5):
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, **kw)
            break
        except subprocess.TimeoutExpired as e:
            return "timeout", e.stdout or b"", e.stderr or b""
        except OSError:
            # The binary is being rebuilt (ninja replaces it): wait for it rather than stop.
            if attempt == 4:
                raise
            time.sleep(2)
    if p.returncode < 0:
        return "signal %d (%s)" % (-p.returncode, signal.Signals(-p.returncode).name), p.stdout, p.stderr
    return p.returncode, p.stdout, p.stderr


def classify_trc(status, err):
    """None when fine, else a short name of the bug."""
    text = err.decode("utf-8", "replace")
    for m in SAN_MARKERS:
        if m in text:
            return "sanitizer: " + next(l for l in text.splitlines() if m in l).strip()[:160]
    if status in (0, 1):
        return None
    if status == 3:
        ice = [l for l in text.splitlines() if "internal compiler error" in l]
        return "ICE: " + (ice[0][:160] if ice else "exit 3")
    return "trc %s" % (status if isinstance(status, str) else "exit %d" % status)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--emit", metavar="DIR", help="only write programs to DIR")
    ap.add_argument("--count", type=int, help="number of programs")
    ap.add_argument("--time", type=float, help="stop after this many seconds")
    ap.add_argument("--seed", type=int, default=None, help="first seed (default: from the clock)")
    ap.add_argument("--trc", help="trc binary to test")
    ap.add_argument("--out", default=None, help="where findings go")
    ap.add_argument("--run", action="store_true", help="also link and run each program")
    ap.add_argument("--rustc", help="rustc, for rejects-valid and (with --run) output differences")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--print", type=int, metavar="SEED", help="print the program of one seed")
    ap.add_argument("--ownership", action="store_true",
                    help="with --rustc: insert an ownership misuse (or a valid NLL pattern) into each "
                         "program and fail where trc and rustc disagree on accepting it or on its error code")
    ap.add_argument("--reject", action="store_true",
                    help="with --rustc: break one type-system rule in each program (dyn compatibility, "
                         "coherence, orphan, bounds, Sized, impl items; a few near misses stay valid) and "
                         "fail where trc and rustc disagree on accepting it or on its first error code")
    ap.add_argument("--mutate", type=float, default=0.3,
                    help="fraction of programs given 1-3 random edits (default 0.3); exit 1 is then expected")
    a = ap.parse_args()

    if a.print is not None:
        sys.stdout.write(generate(a.print))
        return 0
    seed0 = a.seed if a.seed is not None else int(time.time()) % 1000000 * 1000
    if a.emit:
        # With --ownership or --reject, the mutated programs those modes would compare (a seed
        # whose program offers no place for the mutation writes nothing).
        os.makedirs(a.emit, exist_ok=True)
        mutator = ownership_labelled if a.ownership else reject_mutate if a.reject else None
        for seed in range(seed0, seed0 + (a.count or 100)):
            src = generate(seed)
            if mutator:
                m = mutator(src, seed)
                if m is None:
                    continue
                src = m[1]
            with open(os.path.join(a.emit, "gen-%d.tr" % seed), "w") as f:
                f.write(src)
        return 0
    if not a.trc:
        ap.error("--trc is needed (or --emit / --print)")
    if a.count is None and a.time is None:
        a.count = 100

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = a.out or os.path.join(root, "build-fuzz", "gen-findings")
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "exitcode=%d:detect_leaks=1:abort_on_error=0:%s" % (SAN_EXIT, env.get("ASAN_OPTIONS", ""))
    env["UBSAN_OPTIONS"] = "exitcode=%d:print_stacktrace=1:halt_on_error=1:%s" % (SAN_EXIT, env.get("UBSAN_OPTIONS", ""))
    env["NO_COLOR"] = "1"
    if a.ownership or a.reject:
        if not a.rustc:
            ap.error("--ownership and --reject need --rustc (rustc decides which programs are valid)")
        if a.ownership:
            return run_agree(a, seed0, out, env, "ownership", ownership_labelled)
        return run_agree(a, seed0, out, env, "reject", reject_mutate)
    tmp = tempfile.mkdtemp(prefix="trc-gen-")
    counts = {"ok": 0, "rejected": 0, "mutants": 0, "bugs": 0, "rejects_valid": 0, "differs": 0}
    start = time.time()
    n = 0
    try:
        while True:
            if a.count is not None and n >= a.count:
                break
            if a.time is not None and time.time() - start >= a.time:
                break
            seed = seed0 + n
            n += 1
            src = generate(seed)
            mutated = a.run is False and random.Random(seed).random() < a.mutate
            if mutated:
                src = mutate(src, seed)
            path = os.path.join(tmp, "p.tr")
            with open(path, "w") as f:
                f.write(src)
            r = random.Random(seed ^ 0x5eed)
            flags = [r.choice(["-O0", "-O2"])]
            if r.random() < 0.4:
                flags.append("--devirt")
                if r.random() < 0.3:
                    flags.append("--remarks=devirt")
            # Mostly IR; sometimes the other things trc prints (vtables, MIR, mono items) or an
            # executable (the backend and the linker).
            mode = "run" if a.run else r.choice(["ir", "ir", "ir", "ir", "ir", "vtables", "mir", "mono", "exe"])
            if mode == "ir":
                cmd = [a.trc, path, "--emit-llvm", "-o", os.devnull] + flags
            elif mode == "vtables":
                cmd = [a.trc, path, "--dump-vtable-layouts"]
            elif mode == "mir":
                cmd = [a.trc, path, "--emit=mir"]
            elif mode == "mono":
                cmd = [a.trc, path, "--print-mono-items"]
            else:
                cmd = [a.trc, path, "-o", os.path.join(tmp, "p.out")] + flags
            status, so, se = run(cmd, a.timeout, env=env)
            bug = classify_trc(status, se)
            detail = se
            if bug is None and status == 1 and mutated:
                counts["mutants"] += 1
                continue
            if bug is None and status == 1:
                counts["rejected"] += 1
                if a.rustc:
                    rs, _, rerr = run([a.rustc, "--edition", "2021", path, "-o", os.path.join(tmp, "p.rustc")],
                                      60, env=env)
                    if rs == 0:
                        counts["rejects_valid"] += 1
                        save(out, seed, src, "rejects-valid", cmd, se)
                        print("gen: seed %d: trc rejects a program rustc accepts (saved)" % seed)
                continue
            if bug is None and mode == "run":
                rs, rout, rerr = run([os.path.join(tmp, "p.out")], a.timeout, env=env)
                if rs not in (0, 101):
                    bug = "program %s" % (rs if isinstance(rs, str) else "exit %d" % rs)
                    detail = se + b"\n--- program stderr ---\n" + rerr
                elif a.rustc:
                    rflags = ["-O"] if "-O2" in flags else []
                    cs, _, cerr = run([a.rustc, "--edition", "2021"] + rflags + [path, "-o", os.path.join(tmp, "p.rustc")],
                                      60, env=env)
                    if cs == 0:
                        xs, xout, xerr = run([os.path.join(tmp, "p.rustc")], a.timeout, env=env)
                        if (xs, xout) != (rs, rout):
                            counts["differs"] += 1
                            save(out, seed, src, "differs", cmd,
                                 b"rustc exit %s, trc exit %s\n--- rustc stdout ---\n%s\n--- trc stdout ---\n%s"
                                 % (str(xs).encode(), str(rs).encode(), xout, rout))
                            print("gen: seed %d: output differs from rustc's (saved)" % seed)
            if bug is None:
                counts["ok"] += 1
                continue
            counts["bugs"] += 1
            p = save(out, seed, src, "bug-mutant" if mutated else "bug", cmd, detail)
            print("gen: BUG seed %d: %s\n     reproducer: %s" % (seed, bug, p))
            print("     command: %s" % " ".join(cmd[:1] + [p] + cmd[2:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.time() - start
    extra = ""
    if a.rustc:
        extra = ", %d rejects-valid, %d differ" % (counts["rejects_valid"], counts["differs"])
    print("gen: %d programs in %.0f s (%.1f/s), %d ok, %d rejected, %d mutants rejected, %d bugs%s (seeds %d..%d, findings in %s)"
          % (n, elapsed, n / elapsed if elapsed else 0, counts["ok"], counts["rejected"], counts["mutants"],
             counts["bugs"], extra,
             seed0, seed0 + n - 1, out))
    return 1 if counts["bugs"] else 0


def save(out, seed, src, what, cmd, err):
    p = os.path.join(out, "%s-%d.tr" % (what, seed))
    with open(p, "w") as f:
        f.write(src)
    with open(p + ".log", "wb") as f:
        f.write(("$ %s\n" % " ".join(cmd)).encode())
        f.write(err)
    return p


if __name__ == "__main__":
    sys.exit(main())
