use crate::util;

pub fn mean(xs: &[i32]) -> f64 {
    util::sum(xs) as f64 / xs.len() as f64
}

pub fn range(xs: &[i32]) -> (i32, i32) {
    let mut lo = xs[0];
    let mut hi = xs[0];
    for &x in xs {
        if x < lo { lo = x; }
        if x > hi { hi = x; }
    }
    (lo, hi)
}
