#!/usr/bin/env python3
"""Generates a program of about N lines in the shape the compile-speed benchmark measures.

    bench/compile/gen.py LINES > prog.tr

The program is a sequence of independent units, each one of each thing trait code is made
of: a trait with a supertrait and an associated type, three types implementing both, a
Vec<Box<dyn Trait>> loop, a generic function instantiated for each type, a closure, and an
enum matched on. Every unit is used from main, so nothing is dead and every instance is
compiled. The output is valid Rust: rustc compiles it too.
"""
import sys

UNIT = '''
trait Named{n} {{ fn name(&self) -> String; }}
trait Shape{n}: Named{n} {{
    type Unit;
    fn area(&self) -> f64;
    fn scaled(&self, k: f64) -> f64 {{ self.area() * k }}
}}
struct Circle{n} {{ r: f64 }}
struct Rect{n} {{ w: f64, h: f64 }}
struct Tri{n} {{ b: f64, h: f64 }}
impl Named{n} for Circle{n} {{ fn name(&self) -> String {{ String::from("circle{n}") }} }}
impl Named{n} for Rect{n} {{ fn name(&self) -> String {{ String::from("rect{n}") }} }}
impl Named{n} for Tri{n} {{ fn name(&self) -> String {{ String::from("tri{n}") }} }}
impl Shape{n} for Circle{n} {{ type Unit = f64; fn area(&self) -> f64 {{ 3.0 * self.r * self.r }} }}
impl Shape{n} for Rect{n} {{ type Unit = f64; fn area(&self) -> f64 {{ self.w * self.h }} }}
impl Shape{n} for Tri{n} {{ type Unit = f64; fn area(&self) -> f64 {{ self.b * self.h / 2.0 }} }}
fn total{n}(shapes: &Vec<Box<dyn Shape{n}<Unit = f64>>>) -> f64 {{
    let mut t = 0.0;
    for s in shapes.iter() {{
        t += s.area();
    }}
    t
}}
fn describe{n}<T: Shape{n}>(s: &T) -> usize {{ s.name().len() + s.scaled(2.0) as usize }}
enum Op{n} {{ Add(i64), Mul(i64), Neg, Nop }}
fn apply{n}(ops: &[Op{n}], start: i64) -> i64 {{
    let mut v = start;
    for op in ops.iter() {{
        v = match op {{
            Op{n}::Add(k) => v + k,
            Op{n}::Mul(k) => v * k,
            Op{n}::Neg => -v,
            Op{n}::Nop => v,
        }};
    }}
    v
}}
fn unit{n}() -> i64 {{
    let shapes: Vec<Box<dyn Shape{n}<Unit = f64>>> = vec![Box::new(Circle{n} {{ r: 1.0 }}), Box::new(Rect{n} {{ w: 2.0, h: 3.0 }}), Box::new(Tri{n} {{ b: 4.0, h: 5.0 }})];
    let d = describe{n}(&Circle{n} {{ r: 2.0 }}) + describe{n}(&Rect{n} {{ w: 1.0, h: 1.0 }}) + describe{n}(&Tri{n} {{ b: 1.0, h: 2.0 }});
    let k = {n} as i64;
    let add = |x: i64| x + k;
    let ops = [Op{n}::Add(3), Op{n}::Mul(2), Op{n}::Neg, Op{n}::Nop];
    add(apply{n}(&ops, total{n}(&shapes) as i64)) + d as i64
}}
'''

def main():
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    per_unit = UNIT.count("\n")
    units = max(1, lines // per_unit)
    out = []
    for n in range(units):
        out.append(UNIT.format(n=n))
    out.append("fn main() {\n    let mut sum: i64 = 0;\n")
    for n in range(units):
        out.append(f"    sum += unit{n}();\n")
    out.append('    println!("{}", sum);\n}\n')
    sys.stdout.write("".join(out))

main()
