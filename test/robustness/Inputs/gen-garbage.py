# Writes N reproducible garbage .tr files into DIR: random bytes, random printable ASCII,
# and random sequences of Rust tokens (seeds 0..N-1), for garbage-bytes-seeded.tr.
import random, sys

TOKS = ("fn main ( ) { } [ ] < > ; : :: , . .. ..= -> => = == != + - * / % & && | || ! ? "
        "let mut if else while loop for in break continue return struct impl trait dyn "
        "Box Vec String self Self &self i32 u8 bool true false 0 1 42 3.5 'c' \"s\" x y T "
        "as where pub use mod println! vec! format! '\\u{0}' 0x 1e #").split()

d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    r = random.Random(i)
    kind = i % 3
    if kind == 0:
        data = bytes(r.randrange(256) for _ in range(r.randrange(1, 4096)))
    elif kind == 1:
        data = bytes(r.randrange(32, 127) for _ in range(r.randrange(1, 4096)))
    else:
        data = " ".join(r.choice(TOKS) for _ in range(r.randrange(1, 600))).encode()
    with open("%s/g%03d.tr" % (d, i), "wb") as f:
        f.write(data)
