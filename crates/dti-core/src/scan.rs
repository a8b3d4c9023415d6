//! Whole-column predicates, written branch-free within blocks so that the compiler
//! vectorises them (a short-circuiting `all` over a column runs one comparison and one
//! branch per value); a block that fails stops the scan.

/// Values per block: a few cache lines, so a failing column stops early.
const BLOCK: usize = 256;

/// Whether every value is finite (no NaN, no infinity).
pub(crate) fn all_finite(x: &[f64]) -> bool {
    every(x, f64::is_finite)
}

/// Whether no value is NaN.
pub(crate) fn no_nan(x: &[f64]) -> bool {
    every(x, |v| !v.is_nan())
}

/// Whether `ok` holds for every value. Natively in the widest vectors the CPU has (chosen
/// at run time by pulp, as the sums and normalisers are): callgrind counted 4.4
/// instructions a value for the finiteness test in SSE2's two lanes, 1.7 in AVX's four.
#[inline(always)]
fn every(x: &[f64], ok: impl Fn(f64) -> bool) -> bool {
    let work = Every { x, ok };
    #[cfg(not(target_arch = "wasm32"))]
    return pulp::Arch::new().dispatch(work);
    #[cfg(target_arch = "wasm32")]
    work.run()
}

/// [`every`]'s work, for pulp to compile once per instruction set.
struct Every<'a, F> {
    x: &'a [f64],
    ok: F,
}

impl<F: Fn(f64) -> bool> Every<'_, F> {
    #[inline(always)]
    fn run(self) -> bool {
        let ok = &self.ok;
        self.x
            .chunks(BLOCK)
            .all(|b| b.iter().fold(true, |all, &v| all & ok(v)))
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl<F: Fn(f64) -> bool> pulp::WithSimd for Every<'_, F> {
    type Output = bool;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> bool {
        self.run()
    }
}

/// The first position where `x` has a value (not NaN) and `y` is not finite.
#[inline]
pub(crate) fn first_unfinished(x: &[f64], y: &[f64]) -> Option<usize> {
    let bad = |a: f64, b: f64| !a.is_nan() & !b.is_finite();
    let clean = x
        .chunks(BLOCK)
        .zip(y.chunks(BLOCK))
        .all(|(a, b)| a.iter().zip(b).fold(true, |ok, (&a, &b)| ok & !bad(a, b)));
    if clean {
        return None;
    }
    x.iter().zip(y).position(|(&a, &b)| bad(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_find_a_bad_value_anywhere() {
        for len in [0, 1, 255, 256, 257, 1000] {
            let ok = vec![1.5; len];
            assert!(all_finite(&ok) && no_nan(&ok));
            assert_eq!(first_unfinished(&ok, &ok), None);
            for at in [0, len / 2, len.saturating_sub(1)]
                .into_iter()
                .filter(|&k| k < len)
            {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut x = ok.clone();
                    x[at] = bad;
                    assert!(!all_finite(&x), "{len} {at} {bad}");
                    assert_eq!(no_nan(&x), !bad.is_nan(), "{len} {at} {bad}");
                    // y not finite where x has a value; NaN in x hides it.
                    assert_eq!(first_unfinished(&ok, &x), Some(at));
                    assert_eq!(first_unfinished(&x, &x), (!bad.is_nan()).then_some(at));
                }
            }
        }
    }
}
