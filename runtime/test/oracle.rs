// oracle.rs - prints what real Rust formats, for rt_diff.c to compare with
// the trc runtime.  Built and run by runtime/test/diff_oracle.sh.
//
//   oracle floats  one line per f64: bits in hex, then the value under
//                  each format spec listed in FLOAT_SPECS below
//   oracle chars   one line per scalar value: code point in hex,
//                  {:?} of the char, {:?} of the one-char &str
//   oracle parse   one line per input: the input, parse::<i64>, parse::<u64>
//                  ("ERR" for an error)
//
// Fields are tab-separated; none of the printed values can contain a tab or
// newline (Debug escapes them, and the parse inputs are built without them).
use std::io::{self, BufWriter, Write};

struct Rng(u64);
impl Rng {
    // xorshift64*: deterministic, no dependencies, plenty for test inputs.
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn float_inputs() -> Vec<f64> {
    let mut v: Vec<f64> = vec![
        0.0, -0.0, 1.0, -1.0, 2.5, 0.5, 1.5, 0.125, 0.1, 0.2, 0.1 + 0.2, 1e21, 1e22, 1e23,
        1e-7, 1e15, 1e16, 1e17, 9999999999999998.0, 1e-4, 0.00009999, 1.5e-5, 1.2345e20,
        123456.789, -0.04, 100.0, 1e100, 1e-100, 4.35, 2.675, 1.005, 0.3, 2.0 / 3.0,
        f64::MAX, f64::MIN, f64::MIN_POSITIVE, f64::EPSILON, 5e-324, -5e-324,
        f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY,
        std::f64::consts::PI, std::f64::consts::E, 9007199254740993.0, 9007199254740992.0,
    ];
    // Every power of two: where the rounding interval is lopsided.
    for e in -1074..=1023 {
        let p = 2f64.powi(e.max(-1022)) * if e < -1022 { 2f64.powi(e + 1022) } else { 1.0 };
        v.push(p);
        v.push(f64::from_bits(p.to_bits() + 1));
        v.push(f64::from_bits(p.to_bits() - 1));
    }
    // Powers of ten and their neighbours, and the Debug thresholds.
    for e in -323..=308 {
        let p: f64 = format!("1e{e}").parse().unwrap();
        v.push(p);
        v.push(f64::from_bits(p.to_bits() + 1));
        v.push(f64::from_bits(p.to_bits() - 1));
    }
    let mut r = Rng(0x9E3779B97F4A7C15);
    // Uniformly random bit patterns (mostly huge or tiny magnitudes).
    for _ in 0..20000 {
        v.push(f64::from_bits(r.next()));
    }
    // "Human" decimals: short digit strings at modest scales.
    for _ in 0..20000 {
        let m = r.below(10_000_000) as f64;
        let s = 10f64.powi(r.below(12) as i32 - 6);
        v.push(if r.below(2) == 0 { m * s } else { m / s });
    }
    // Dyadic rationals: exact ties for {:.0} .. {:.3} (round half to even).
    for _ in 0..20000 {
        let m = r.below(200_000) as f64 - 100_000.0;
        v.push(m / 2f64.powi(r.below(12) as i32));
    }
    // Around 2^50..2^53 with binary fractions: exact ties between two
    // 17-digit candidates, which Rust breaks upward (printf would not).
    for _ in 0..5000 {
        let m = (1u64 << 52) + r.below(1 << 54);
        v.push(m as f64 / 4.0);
        v.push(m as f64 / 8.0);
    }
    // Random mantissas at everyday magnitudes.
    for _ in 0..20000 {
        let e = r.below(60) as i64 - 30 + 1023;
        v.push(f64::from_bits(((e as u64) << 52) | (r.next() >> 12)));
    }
    v
}

fn floats(out: &mut impl Write) -> io::Result<()> {
    for x in float_inputs() {
        writeln!(
            out,
            "{:016x}\t{}\t{:?}\t{:.0}\t{:.1}\t{:.2}\t{:.3}\t{:.17}\t{:08.3}\t{:>12}\t{:^13?}\t{:<9}|",
            x.to_bits(), x, x, x, x, x, x, x, x, x, x, x
        )?;
    }
    Ok(())
}

fn chars(out: &mut impl Write) -> io::Result<()> {
    for cp in 0u32..=0x10FFFF {
        if let Some(c) = char::from_u32(cp) {
            writeln!(out, "{:x}\t{:?}\t{:?}", cp, c, c.to_string())?;
        }
    }
    Ok(())
}

fn parse(out: &mut impl Write) -> io::Result<()> {
    let mut inputs: Vec<String> = [
        "", "+", "-", "0", "-0", "+0", "00", "007", "42", "-42", "+42", " 1", "1 ", "1_000",
        "0x10", "++1", "+-1", "--1", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
        "18446744073709551616", "000000000000000000000000000018446744073709551615",
        "99999999999999999999", "1e3", "1.0", "١", "٣",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let alphabet = ['+', '-', '0', '1', '5', '9', '9', '9', 'a', ' ', '.'];
    let mut r = Rng(12345);
    for _ in 0..20000 {
        let len = r.below(23) as usize;
        inputs.push((0..len).map(|_| alphabet[r.below(alphabet.len() as u64) as usize]).collect());
    }
    for _ in 0..20000 {
        let n = r.next() >> r.below(64);
        let sign = ["", "+", "-"][r.below(3) as usize];
        inputs.push(format!("{sign}{n}"));
    }
    for s in inputs {
        let i = s.parse::<i64>().map_or("ERR".to_string(), |v| v.to_string());
        let u = s.parse::<u64>().map_or("ERR".to_string(), |v| v.to_string());
        writeln!(out, "{s}\t{i}\t{u}")?;
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let mut out = BufWriter::new(io::stdout().lock());
    match mode.as_str() {
        "floats" => floats(&mut out)?,
        "chars" => chars(&mut out)?,
        "parse" => parse(&mut out)?,
        _ => panic!("usage: oracle floats|chars|parse"),
    }
    out.flush()
}
