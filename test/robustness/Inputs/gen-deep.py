"""gen-deep.py KIND N: writes a program that nests (or chains) one construct N times.

Each kind is a way for a recursive-descent parser, checker or emitter to recurse once per
level, so a large N must end in a diagnostic, not a stack overflow (test/robustness/deep-*)."""
import sys

kind, n = sys.argv[1], int(sys.argv[2])
progs = {
    "binary-chain": "fn main() { let x = " + "+".join(["1"] * n) + "; println!(\"{}\", x); }",
    "method-chain": "struct S; impl S { fn a(&self) -> &S { self } }\n"
                    "fn main() { let s = S; let _t = s" + ".a()" * n + "; }",
    "else-if": "fn main() { let x = 3; " + " else ".join("if x == %d { println!(\"%d\"); }" % (i, i) for i in range(n)) + " }",
    "unary": "fn main() { let x = " + "-" * n + "1i64; println!(\"{}\", x); }",
    "refs": "fn main() { let s = 1; let z = " + "&" * n + "s; }",
    "type": "fn main() { let x: " + "Box<" * n + "i32" + ">" * n + " = todo!(); }",
    "pattern": "fn main() { let " + "(" * n + "x" + ")" * n + " = 1; }",
    "array": "fn main() { let x = " + "[" * n + "1" + "]" * n + "; }",
    "closure": "fn main() { let f = " + "|x: i32| " * n + "1; }",
    "index": "fn main() { let v = vec![0usize]; let x = " + "v[" * n + "0" + "]" * n + "; }",
    "generic-args": "struct W<T>(T);\nfn main() { let x: Option<" + "W<" * n + "u8" + ">" * n + "> = None; }",
    "long-ident": "fn main() { let " + "a" * n + " = 1; println!(\"{}\", " + "a" * n + "); }",
}
print(progs[kind])
