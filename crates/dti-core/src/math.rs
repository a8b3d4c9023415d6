//! ln, exp and pow from one implementation on every target: musl's, as the `libm` crate
//! (kept by the Rust project) ports it. Natively the platform's functions differ in the last
//! bit (glibc, macOS, Windows), and a geometric mean or a log treatment must give the same
//! number from the command, the npm package and Python (`composite-methods.md`, "Matching
//! COINr to the last bit"). On wasm32, std's own functions *are* that code (compiler-builtins
//! carries the same libm): calling std there keeps one copy of it in the module the portals
//! download. The JS suite checks the WASM package against the native command to the bit.

/// The natural logarithm.
#[inline]
pub(crate) fn ln(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return x.ln();
    #[cfg(not(target_arch = "wasm32"))]
    return libm::log(x);
}

/// e^x.
#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return x.exp();
    #[cfg(not(target_arch = "wasm32"))]
    return libm::exp(x);
}

/// x^y.
#[inline]
pub(crate) fn pow(x: f64, y: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return x.powf(y);
    #[cfg(not(target_arch = "wasm32"))]
    return libm::pow(x, y);
}

/// The rounding error of the product `a·b` (`a·b = fl(a·b) + error` exactly, barring
/// overflow), by Dekker's TwoProduct: both factors split into halves of 26 bits whose
/// products are exact. Plain arithmetic, so the same on every target without an FMA.
pub(crate) fn product_error(a: f64, b: f64, p: f64) -> f64 {
    fn split(x: f64) -> (f64, f64) {
        let c = 134_217_729.0 * x; // 2^27 + 1
        let hi = c - (c - x);
        (hi, x - hi)
    }
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    ((ah * bh - p) + ah * bl + al * bh) + al * bl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_error_is_exact() {
        for (a, b) in [
            (0.00035, 1e4),
            (0.1, 3.0),
            (1.0 / 3.0, 1e15),
            (123.456, 7.0e-3),
        ] {
            let p = a * b;
            assert_eq!(product_error(a, b, p), libm::fma(a, b, -p), "{a} · {b}");
        }
    }
}
