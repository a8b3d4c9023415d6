//! Sums rounded once (re-exported as `methods::ExactSum`, `methods::exact_sum`): every sum the methods take (aggregators, weight totals, means,
//! variances, moments) is the exact sum of its terms, rounded to the nearest `f64` once.
//!
//! Source: `composite-methods.md`, "Matching COINr to the last bit" — R's `sum()` adds in
//! extended precision and rounds once; for the short sums of aggregation that is the correctly
//! rounded exact sum of the (rounded) terms, what Python's `math.fsum` returns. Adding left to
//! right in `f64`, rounding after every addition, splits values that are equal in exact
//! arithmetic by an ulp (ASEM `Instit`: AUS and SVN both sum to 110 over 6, COINr
//! 18.333333333333332 for both) and so splits their ranks.
//!
//! The common case is fast: a running sum `s` and the sum `c` of its rounding errors, each
//! error found exactly by Knuth's TwoSum. While adding the errors into `c` is itself exact
//! (its own TwoSum error is 0: the errors are short numbers), `s + c` *is* the exact sum, and
//! one addition rounds it once. The first time it is not, the sum moves to Shewchuk's
//! non-overlapping partials ("Adaptive Precision Floating-Point Arithmetic and Fast Robust
//! Geometric Predicates", 1997), exact in every case: after each term the partials add up
//! exactly to the terms so far; [`ExactSum::value`] rounds their sum once, with the half-way
//! correction of CPython's `math.fsum` (a half-way case decided by a lower partial). The
//! result does not depend on the order of the terms. Why not a crate: the one
//! made for this (`fsum`) keeps its partials in a `Vec`, an allocation per sum, and these
//! sums run per unit and node in the scoring kernels; here the partials live on the stack
//! (typical sums need two or three of them) and spill to the heap only past eight.

/// Partials kept on the stack before spilling to the heap.
const INLINE: usize = 8;

/// An exact running sum of `f64` terms, rounded once by [`value`](Self::value).
///
/// ```
/// use dti_core::methods::ExactSum;
/// let mut s = ExactSum::new();
/// for x in [0.1; 10] {
///     s.add(x);
/// }
/// assert_eq!(s.value(), 1.0); // left to right: 0.9999999999999999
/// assert_eq!(dti_core::methods::exact_sum([1e100, 1.0, -1e100]), 1.0);
/// ```
#[derive(Clone, Debug)]
pub struct ExactSum {
    /// Fast mode (while `!slow`): the exact sum is `s + c`.
    s: f64,
    c: f64,
    slow: bool,
    /// Non-overlapping partials in increasing magnitude: `inline[..len]`, or `spill` once it
    /// is in use (then `len` is unused).
    inline: [f64; INLINE],
    len: usize,
    spill: Vec<f64>,
    /// The sum of the non-finite terms (and of a partial sum that overflowed): 0 while there
    /// is none; ±∞ or NaN then, and it is the value.
    special: f64,
}

impl Default for ExactSum {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSum {
    /// An empty sum (value 0).
    #[inline]
    pub fn new() -> ExactSum {
        ExactSum {
            s: 0.0,
            c: 0.0,
            slow: false,
            inline: [0.0; INLINE],
            len: 0,
            spill: Vec::new(),
            special: 0.0,
        }
    }

    /// Adds a term, exactly.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x == 0.0 {
            // Adds nothing (and a −0 term must not make the sum −0: sums start at +0).
            return;
        }
        if !x.is_finite() {
            self.special += x;
            return;
        }
        if !self.slow {
            let (s, c, mut bad) = (self.s, self.c, false);
            let (s2, c2) = fast_step(s, c, x, &mut bad);
            if !bad {
                (self.s, self.c) = (s2, c2);
                return;
            }
            // Exactly s + c so far: carried into the partials, then x added there.
            self.slow = true;
            self.add_partial(s);
            self.add_partial(c);
        }
        self.add_partial(x);
    }

    /// Adds a term to the partials.
    #[inline(never)]
    fn add_partial(&mut self, x: f64) {
        if x == 0.0 {
            return;
        }
        if self.spill.is_empty() {
            if self.len < INLINE {
                let (len, overflow) = grow(&mut self.inline, self.len, x);
                self.len = len;
                if let Some(inf) = overflow {
                    self.special += inf;
                }
                return;
            }
            self.spill.extend_from_slice(&self.inline);
        }
        let n = self.spill.len();
        self.spill.push(0.0);
        let (len, overflow) = grow(&mut self.spill, n, x);
        self.spill.truncate(len.max(1));
        if let Some(inf) = overflow {
            self.special += inf;
        }
    }

    /// The exact sum of the terms so far, correctly rounded (ties to even); ±∞ or NaN when a
    /// term was non-finite or the sum overflowed. An empty sum is +0.
    pub fn value(&self) -> f64 {
        if self.special != 0.0 || self.special.is_nan() {
            return self.special;
        }
        if !self.slow {
            return self.s + self.c + 0.0;
        }
        let p = self.partials();
        round_partials(p) + 0.0
    }

    fn partials(&self) -> &[f64] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
}

/// Knuth's TwoSum: `(a + b, e)` with `a + b = fl(a + b) + e` exactly (finite inputs whose sum
/// does not overflow); in each lane of a [`Vector`] alike.
#[inline(always)]
fn two_sum<T: Arith>(a: T, b: T) -> (T, T) {
    let s = a.plus(b);
    let bb = s.minus(a);
    (s, a.minus(s.minus(bb)).plus(b.minus(bb)))
}

/// The arithmetic of a running sum: f64's, or pulp's on a [`Vector`] of units side by side
/// — the same IEEE operations lane by lane, so the same bits.
/// (In WebAssembly only [`two_sum`]'s two are used.)
trait Arith: Copy {
    fn plus(self, b: Self) -> Self;
    fn minus(self, b: Self) -> Self;
    #[cfg(not(target_arch = "wasm32"))]
    fn magnitude(self) -> Self;
    /// One truth value per lane.
    #[cfg(not(target_arch = "wasm32"))]
    type Mask: Copy;
    #[cfg(not(target_arch = "wasm32"))]
    fn same(self, b: Self) -> Self::Mask;
    #[cfg(not(target_arch = "wasm32"))]
    fn both(self, a: Self::Mask, b: Self::Mask) -> Self::Mask;
}

impl Arith for f64 {
    #[cfg(not(target_arch = "wasm32"))]
    type Mask = bool;
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn same(self, b: f64) -> bool {
        self == b
    }
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn both(self, a: bool, b: bool) -> bool {
        a & b
    }
    #[inline(always)]
    fn plus(self, b: f64) -> f64 {
        self + b
    }
    #[inline(always)]
    fn minus(self, b: f64) -> f64 {
        self - b
    }
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn magnitude(self) -> f64 {
        self.abs()
    }
}

/// A vector of lanes in the instruction set `S` (four f64 with AVX), with the token that
/// proves the CPU has it.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy)]
struct Vector<S: pulp::Simd>(S, S::f64s);

#[cfg(not(target_arch = "wasm32"))]
impl<S: pulp::Simd> Arith for Vector<S> {
    type Mask = S::m64s;
    #[inline(always)]
    fn same(self, b: Self) -> S::m64s {
        self.0.equal_f64s(self.1, b.1)
    }
    #[inline(always)]
    fn both(self, a: S::m64s, b: S::m64s) -> S::m64s {
        self.0.and_m64s(a, b)
    }
    #[inline(always)]
    fn plus(self, b: Self) -> Self {
        Vector(self.0, self.0.add_f64s(self.1, b.1))
    }
    #[inline(always)]
    fn minus(self, b: Self) -> Self {
        Vector(self.0, self.0.sub_f64s(self.1, b.1))
    }
    #[inline(always)]
    fn magnitude(self) -> Self {
        Vector(self.0, self.0.abs_f64s(self.1))
    }
}

/// Sums down columns: `out[u]` = the exact sum of `w₀·x₀[u]`, …, `wₖ₋₁·xₖ₋₁[u]` over the
/// `(xⱼ, wⱼ)` of `cols` (each product rounded to a double first, as COINr's `w * x`), or of
/// `x₀[u]`, …, `xₖ₋₁[u]` when not `scaled`, rounded once — the bits of [`exact_sum`] over each unit's
/// terms — for every unit `u` of `out`. Every column holds at least `out.len()` values.
///
/// Natively a block of units at a time, over every column (no branch per term; the block's
/// running state stays in registers, its units side by side in vector lanes: eight units
/// with AVX, four without, the instruction set chosen at run time by pulp): per unit a
/// running sum `s`, the sum `c` of its TwoSum errors, and whether each error added into `c`
/// exactly (see [`column_step`]). While they all did, `s + c` *is* the exact sum, and one
/// addition rounds it once. A unit where one did not (the errors' bits spread over more than
/// 53 places, as with a term some 2⁵³ times smaller than the sum) or that met a non-finite
/// value is summed again by [`ExactSum`]. In WebAssembly, where the package's size is
/// budgeted, it is the sum per unit: the same bits, correctly rounded either way.
pub(crate) fn column_sums(cols: &[(&[f64], f64)], scaled: bool, out: &mut [f64]) {
    #[cfg(target_arch = "wasm32")]
    per_unit(cols, scaled, out);
    #[cfg(not(target_arch = "wasm32"))]
    pulp::Arch::new().dispatch(Blocks { cols, scaled, out });
}

/// [`column_sums`]' work, compiled once per instruction set by pulp and run in the widest
/// the CPU has.
#[cfg(not(target_arch = "wasm32"))]
struct Blocks<'a, 'c> {
    cols: &'a [(&'c [f64], f64)],
    scaled: bool,
    out: &'a mut [f64],
}

#[cfg(not(target_arch = "wasm32"))]
impl pulp::WithSimd for Blocks<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        // Units per block: two vectors of running state per array, all in registers (two
        // AVX vectors of four lanes, or two SSE2 vectors of two; more would spill).
        if std::mem::size_of::<S::f64s>() >= 32 {
            vector_blocks(simd, self.cols, self.scaled, self.out);
        } else {
            blocks::<4>(self.cols, self.scaled, self.out);
        }
    }
}

/// [`column_sums`] in blocks of `B` units, the last one padded with zeros (a zero term adds
/// nothing and no error).
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn blocks<const B: usize>(cols: &[(&[f64], f64)], scaled: bool, out: &mut [f64]) {
    let n = out.len();
    if cols.iter().any(|(x, _)| x.len() < n) {
        // Not so for any caller; each unit summed alone then (a missing value is NaN).
        for (u, o) in out.iter_mut().enumerate() {
            *o = term_sum(cols, scaled, u);
        }
        return;
    }
    for u0 in (0..n).step_by(B) {
        let lanes = B.min(n - u0);
        let (mut s, mut c, mut exact) = ([0.0f64; B], [0.0f64; B], [true; B]);
        for &(x, w) in cols {
            let w = if scaled { w } else { 1.0 };
            let pad: [f64; B];
            let x = match x
                .get(u0..u0 + B)
                .and_then(|x| <&[f64; B]>::try_from(x).ok())
            {
                Some(x) => x,
                None => {
                    // Lane by lane, not `copy_from_slice`: a call to memcpy per column of
                    // the last block cost more than the block's sums.
                    pad = std::array::from_fn(|l| x.get(u0 + l).copied().unwrap_or(0.0));
                    &pad
                }
            };
            for l in 0..B {
                column_step(&mut s[l], &mut c[l], &mut exact[l], w * x[l]);
            }
        }
        for l in 0..lanes {
            out[u0 + l] = if exact[l] {
                s[l] + c[l] + 0.0
            } else {
                term_sum(cols, scaled, u0 + l)
            };
        }
    }
}

/// [`blocks`] written in the vectors of `simd` (two per block: eight units with AVX), with
/// [`column_step`] on vectors: the same operations lane by lane, so the same bits, without
/// the compiler's choice of how to spread a block's arrays over registers (it split them
/// into halves and quarters, and branched per column on the last block's padding). The last
/// block loads what is left with a mask (zeros beyond: a zero term adds nothing and no
/// error). A block whose every unit's errors added exactly (almost every block) is rounded
/// in the vectors; in any other, each unit as its flag decides.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn vector_blocks<S: pulp::Simd>(simd: S, cols: &[(&[f64], f64)], scaled: bool, out: &mut [f64]) {
    let n = out.len();
    if cols.iter().any(|(x, _)| x.len() < n) {
        return blocks::<8>(cols, scaled, out);
    }
    let b = VECTORS * S::F64_LANES;
    let whole = n - n % b;
    for u0 in (0..whole).step_by(b) {
        vector_block::<S, true>(simd, cols, scaled, u0, &mut out[u0..u0 + b]);
    }
    if whole < n {
        vector_block::<S, false>(simd, cols, scaled, whole, &mut out[whole..]);
    }
}

/// Vectors per block of [`vector_blocks`]: the running states of two stay in registers.
#[cfg(not(target_arch = "wasm32"))]
const VECTORS: usize = 2;

/// One block of [`vector_blocks`]: units `u0..` into `out`, a whole block when `WHOLE` (no
/// branch per column for the padding), else fewer units, loaded with a mask.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn vector_block<S: pulp::Simd, const WHOLE: bool>(
    simd: S,
    cols: &[(&[f64], f64)],
    scaled: bool,
    u0: usize,
    out: &mut [f64],
) {
    const V: usize = VECTORS;
    let lanes = S::F64_LANES;
    let zero = Vector(simd, simd.splat_f64s(0.0));
    let all = simd.equal_f64s(zero.1, zero.1);
    let (mut s, mut c, mut exact) = ([zero; V], [zero; V], [all; V]);
    for &(x, w) in cols {
        let w = simd.splat_f64s(if scaled { w } else { 1.0 });
        let x = &x[u0..u0 + out.len()];
        let x: [S::f64s; V] = if WHOLE {
            let (x, _) = S::as_simd_f64s(x);
            std::array::from_fn(|k| x[k])
        } else {
            std::array::from_fn(|k| {
                let rest = x.get(k * lanes..).unwrap_or(&[]);
                simd.partial_load_f64s(&rest[..rest.len().min(lanes)])
            })
        };
        for k in 0..V {
            let t = Vector(simd, simd.mul_f64s(w, x[k]));
            column_step(&mut s[k], &mut c[k], &mut exact[k], t);
        }
    }
    let r: [S::f64s; V] =
        std::array::from_fn(|k| simd.add_f64s(simd.add_f64s(s[k].1, c[k].1), zero.1));
    let every = exact.iter().fold(all, |a, &b| simd.and_m64s(a, b));
    if WHOLE && simd.first_true_m64s(simd.xor_m64s(every, all)) == lanes {
        let (o, _) = S::as_mut_simd_f64s(out);
        o.copy_from_slice(&r);
        return;
    }
    // The flags as numbers, lane by lane (1 where exact).
    let one = simd.splat_f64s(1.0);
    let flags: [S::f64s; V] = exact.map(|m| simd.select_f64s(m, one, zero.1));
    let flags: &[f64] = pulp::bytemuck::cast_slice(&flags);
    let rs: &[f64] = pulp::bytemuck::cast_slice(&r);
    for (l, o) in out.iter_mut().enumerate() {
        *o = if flags[l] == 1.0 {
            rs[l]
        } else {
            term_sum(cols, scaled, u0 + l)
        };
    }
}

/// Adds `x` to a running state of [`column_sums`]: the sum `s`, the sum `c` of its TwoSum
/// errors, and whether every error added into `c` exactly.
///
/// Whether c2 = fl(c + e) is c + e exactly, without TwoSum's five operations: it is iff
/// c2 − c gives back e and c2 − e gives back c. If exact, both differences are exact. If
/// not, the difference from the operand of larger magnitude is exact (the lemma behind
/// Dekker's Fast2Sum: fl(a + b) − a is a double when |a| ≥ |b|), so it misses the other
/// operand. A NaN (from a non-finite term or sum: ∞ − ∞ inside TwoSum) compares unequal to
/// everything: such a unit is summed again, with no check per term.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn column_step<T: Arith>(s: &mut T, c: &mut T, exact: &mut T::Mask, x: T) {
    let (s2, e) = two_sum(*s, x);
    let c2 = c.plus(e);
    let added = s2.both(c2.minus(*c).same(e), c2.minus(e).same(*c));
    *exact = s2.both(*exact, added);
    (*s, *c) = (s2, c2);
}

/// Adds `x` to a running state of [`slice_sum`]: the sum `s`, the sum `c` of its TwoSum
/// errors, and the bound `d` on what adding those errors lost.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn bounded_step<T: Arith>(s: &mut T, c: &mut T, d: &mut T, x: T) {
    let (s2, e) = two_sum(*s, x);
    let (c2, e2) = two_sum(*c, e);
    (*s, *c) = (s2, c2);
    // A non-finite term or sum makes e NaN (∞ − ∞ inside TwoSum), so e2 and d stay NaN and
    // the test in `rounded` fails: no check per term.
    *d = d.plus(e2.magnitude());
}

/// A sum from its running state (see [`slice_sum`]): `s + c` rounded, when the bound `d`
/// certifies it; else `exact` (the terms summed again by [`ExactSum`]). With `r` = fl(s + c)
/// and its exact residual `t` (TwoSum again), the exact sum (within `d` of `s + c`) rounds
/// to `r` when |t| plus the bound stays inside `r`'s rounding interval; the test keeps a
/// factor of 2 on the bound and of 1/2 on the interval, far beyond the rounding of `d`
/// itself (it fails only within about an ulp·2⁻⁵⁰ of a half-way point).
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn rounded(s: f64, c: f64, d: f64, exact: impl FnOnce() -> f64) -> f64 {
    let (r, t) = two_sum(s, c);
    // d = 0: the errors added exactly, so s + c is the exact sum and r its rounding.
    if d == 0.0 || (r.is_finite() && t.abs() + 2.0 * d < 0.25 * gap(r)) {
        r + 0.0
    } else {
        exact()
    }
}

/// Unit `u`'s terms of [`column_sums`] summed exactly.
fn term_sum(cols: &[(&[f64], f64)], scaled: bool, u: usize) -> f64 {
    exact_sum(cols.iter().map(|&(x, w)| {
        let x = x.get(u).copied().unwrap_or(f64::NAN);
        if scaled {
            w * x
        } else {
            x
        }
    }))
}

/// [`column_sums`] a unit at a time: one small copy in the browser package.
#[cfg(target_arch = "wasm32")]
fn per_unit(cols: &[(&[f64], f64)], scaled: bool, out: &mut [f64]) {
    for (u, o) in out.iter_mut().enumerate() {
        *o = term_sum(cols, scaled, u);
    }
}

/// [`exact_sum`] of a slice: the same bits. Natively four running states side by side (a
/// lane per fourth term), each a running sum `s`, the sum `c` of its TwoSum errors, and a
/// bound `d` on what adding those errors lost (the sum of the magnitudes of *their* TwoSum
/// errors, each exact: the exact sum lies within `d` of `s + c`); then the lanes' sums and
/// errors added into one state, the lanes' bounds added to its bound, and its rounding
/// certified by [`rounded`]. A sum the bound cannot certify, or with a non-finite term, is
/// summed again by [`ExactSum`]. For the long sums (the mean of a unit's draws): the bound
/// certifies a sum even where the errors' bits spread over more than 53 places, where
/// `ExactSum`'s fast mode and [`column_sums`]' flag give up.
pub(crate) fn slice_sum(x: &[f64]) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return exact_sum(x.iter().copied());
    #[cfg(not(target_arch = "wasm32"))]
    {
        const L: usize = 4;
        let (mut s, mut c, mut d) = ([0.0f64; L], [0.0f64; L], [0.0f64; L]);
        let chunks = x.chunks_exact(L);
        let rest = chunks.remainder();
        for chunk in chunks {
            for l in 0..L {
                bounded_step(&mut s[l], &mut c[l], &mut d[l], chunk[l]);
            }
        }
        for (l, &v) in rest.iter().enumerate() {
            bounded_step(&mut s[l], &mut c[l], &mut d[l], v);
        }
        // Each lane's exact sum lies within its d of its s + c; the lanes' s and c added
        // with the same steps keep that of the total, the lanes' bounds added to the bound.
        let (mut total, mut err, mut bound) = (0.0, 0.0, d.iter().sum::<f64>());
        for l in 0..L {
            bounded_step(&mut total, &mut err, &mut bound, s[l]);
            bounded_step(&mut total, &mut err, &mut bound, c[l]);
        }
        rounded(total, err, bound, || exact_sum(x.iter().copied()))
    }
}

/// The smaller distance from finite `r` to its neighbouring doubles (at a power of two the
/// lower one is half the upper); 0 for r = 0, so that a bound > 0 there always falls back.
#[cfg(not(target_arch = "wasm32"))]
fn gap(r: f64) -> f64 {
    let a = r.abs();
    if a == 0.0 {
        return 0.0;
    }
    let b = a.to_bits();
    (f64::from_bits(b + 1) - a).min(a - f64::from_bits(b - 1))
}

/// One step of the fast sum: `(s, c)` with `x` added, and `bad` set when `s + c` may no
/// longer be the exact sum (an error term that did not add exactly, or an overflow).
#[inline(always)]
fn fast_step(s: f64, c: f64, x: f64, bad: &mut bool) -> (f64, f64) {
    let (s2, e) = two_sum(s, x);
    let (c2, e2) = two_sum(c, e);
    *bad |= e2 != 0.0 || !s2.is_finite();
    (s2, c2)
}

/// Adds `x` to the `len` partials at the front of `p` (which has room for one more), keeping
/// them exact and non-overlapping; returns the new count and, if the partial sum overflowed,
/// the infinity it became.
fn grow(p: &mut [f64], len: usize, mut x: f64) -> (usize, Option<f64>) {
    let mut j = 0;
    for i in 0..len {
        let mut y = p[i];
        if x.abs() < y.abs() {
            std::mem::swap(&mut x, &mut y);
        }
        // Fast two-sum: hi + lo == x + y exactly, as |x| ≥ |y|.
        let hi = x + y;
        if !hi.is_finite() {
            return (0, Some(hi));
        }
        let lo = y - (hi - x);
        if lo != 0.0 {
            p[j] = lo;
            j += 1;
        }
        x = hi;
    }
    p[j] = x;
    (j + 1, None)
}

/// The correctly rounded sum of non-overlapping partials in increasing magnitude (CPython's
/// `math.fsum`, final step).
fn round_partials(p: &[f64]) -> f64 {
    let Some((&top, rest)) = p.split_last() else {
        return 0.0;
    };
    let mut hi = top;
    let mut lo = 0.0;
    let mut n = rest.len();
    while n > 0 {
        let x = hi;
        let y = rest[n - 1];
        n -= 1;
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    // Half-way between two doubles, with a lower partial of the same sign: round away.
    if n > 0 && ((lo < 0.0 && rest[n - 1] < 0.0) || (lo > 0.0 && rest[n - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

/// The correctly rounded exact sum of `terms` (see [`ExactSum`]).
///
/// ```
/// assert_eq!(dti_core::methods::exact_sum([0.1, 0.2, 0.3]), 0.6); // left to right: 0.6000000000000001
/// ```
#[inline]
pub fn exact_sum(terms: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = ExactSum::new();
    for x in terms {
        s.add(x);
    }
    s.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_by_hand() {
        assert_eq!(exact_sum([]), 0.0);
        assert!(exact_sum([-0.0]).is_sign_positive());
        assert_eq!(exact_sum([0.1; 10]), 1.0);
        assert_eq!(
            exact_sum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]),
            1e-100
        );
        // The half-way case across partials: 1e16 + 1 is half-way, the 1e-16 rounds it up.
        assert_eq!(exact_sum([1e-16, 1.0, 1e16]), 1.0000000000000002e16);
        assert_eq!(exact_sum([1e308, 1e308]), f64::INFINITY);
        assert_eq!(exact_sum([-1e308, 1e308, 1e308]), 1e308);
        assert!(exact_sum([f64::INFINITY, f64::NEG_INFINITY]).is_nan());
        assert!(exact_sum([1.0, f64::NAN]).is_nan());
    }

    #[test]
    fn spills_past_the_inline_partials() {
        // Terms a whole binade apart never merge: one partial each.
        let terms: Vec<f64> = (0..40).map(|k| (2.0f64).powi(3 * k - 60)).collect();
        let mut s = ExactSum::new();
        // Straight to the partials (the fast sum holds these exactly for a while).
        s.slow = true;
        for &x in &terms {
            s.add(x);
        }
        assert!(s.spill.len() > INLINE);
        let mut r = ExactSum::new();
        r.slow = true;
        for &x in terms.iter().rev() {
            r.add(x);
        }
        assert_eq!(s.value(), r.value());
        for &x in &terms {
            s.add(-x);
        }
        assert_eq!(s.value(), 0.0);
    }
}

#[cfg(test)]
mod exact_reference {
    use super::*;
    use num_bigint::BigInt;
    use num_traits::ToPrimitive;
    use proptest::prelude::*;

    /// x = m · 2^e with m an integer (finite x).
    fn split(x: f64) -> (BigInt, i32) {
        let bits = x.to_bits();
        let sign = if bits >> 63 == 1 { -1 } else { 1 };
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp - 1075)
        };
        (BigInt::from(m) * sign, e)
    }

    /// The exact sum of finite terms, rounded once to the nearest f64 (ties to even): summed
    /// as integers over the smallest exponent, rounded to 53 bits here (num-bigint's `to_f64`
    /// keeps only the top 64 bits, so a sum just above a half-way point can round down: the
    /// column test found 3e16 + 2.0000004 rounded to 3e16), scaled back exactly. Sums here
    /// are never subnormal (the terms' smallest ulp is far above).
    fn reference(terms: &[f64]) -> f64 {
        // Zeros add nothing (and their exponent, −1074, would make the integers needlessly wide).
        let parts: Vec<_> = terms
            .iter()
            .filter(|&&x| x != 0.0)
            .map(|&x| split(x))
            .collect();
        let Some(e0) = parts.iter().map(|p| p.1).min() else {
            return 0.0;
        };
        let s: BigInt = parts
            .iter()
            .map(|(m, e)| m.clone() << (e - e0) as usize)
            .sum();
        let negative = s < BigInt::from(0);
        let mag = if negative { -s } else { s };
        let shift = mag.bits().saturating_sub(53);
        let mut q = &mag >> shift;
        if shift > 0 {
            let r = &mag - (&q << shift);
            let half = BigInt::from(1) << (shift - 1);
            if r > half || (r == half && (&q & BigInt::from(1)) == BigInt::from(1)) {
                q += 1;
            }
        }
        let x = libm::ldexp(q.to_f64().unwrap(), e0 + shift as i32);
        (if negative { -x } else { x }) + 0.0
    }

    #[test]
    fn the_reference_rounds_half_to_even() {
        let two53 = BigInt::from(1u64 << 53);
        assert_eq!((&two53 + 1u32).to_f64(), Some(9007199254740992.0));
        assert_eq!((&two53 + 3u32).to_f64(), Some(9007199254740996.0));
        assert_eq!(reference(&[0.1, 0.2]), 0.30000000000000004);
        assert_eq!(reference(&[1e-16, 1.0, 1e16]), 1.0000000000000002e16);
        // Just above half-way (the ulp at 3e16 is 4): up, whatever lies below the 64th bit.
        let t = [1e16, 1e16, 4.3820360940526996e-7, 1.0, 1.0, 1e16];
        assert_eq!(reference(&t), 3.0000000000000004e16);
    }

    /// Terms that make left-to-right sums go wrong: mixed magnitudes and signs, opposites,
    /// thirds and sixths, values one ulp apart.
    fn term() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-1e6f64..1e6),
            (1u32..200, 1u32..13).prop_map(|(a, b)| f64::from(a) / f64::from(b)),
            (-60i32..60, any::<u64>()).prop_map(|(e, m)| {
                let x = f64::from_bits((m >> 12) | (1023u64 << 52)) * libm::ldexp(1.0, e);
                if m & 1 == 1 {
                    -x
                } else {
                    x
                }
            }),
            Just(1e16),
            Just(-1e16),
            Just(1.0),
            Just(0.1),
        ]
    }

    /// The units' terms as columns (`units[u][j]` in column j), each with weight `w`.
    fn columns(units: &[Vec<f64>], k: usize, w: f64) -> Vec<(Vec<f64>, f64)> {
        (0..k)
            .map(|j| (units.iter().map(|t| t[j]).collect(), w))
            .collect()
    }

    fn refs(cols: &[(Vec<f64>, f64)]) -> Vec<(&[f64], f64)> {
        cols.iter().map(|(x, w)| (&x[..], *w)).collect()
    }

    fn bits(x: &[f64]) -> Vec<u64> {
        x.iter().map(|x| x.to_bits()).collect()
    }

    /// The sums by blocks of every width (whichever the CPU's instruction set picks in
    /// `column_sums`: 8 with AVX, 4 without), which must agree bit for bit.
    fn every_block_size(cols: &[(&[f64], f64)], scaled: bool, n: usize) -> Vec<f64> {
        let mut by = [vec![f64::NAN; n], vec![f64::NAN; n], vec![f64::NAN; n]];
        blocks::<1>(cols, scaled, &mut by[0]);
        blocks::<4>(cols, scaled, &mut by[1]);
        blocks::<8>(cols, scaled, &mut by[2]);
        assert_eq!(bits(&by[0]), bits(&by[1]));
        assert_eq!(bits(&by[0]), bits(&by[2]));
        by[2].clone()
    }

    #[test]
    fn column_sums_where_the_errors_do_not_add_exactly() {
        // 1 + (2⁻⁵⁴ + 2⁻¹⁰⁶) + 2⁻⁵⁴: both small terms vanish into s = 1, their errors
        // 2⁻⁵⁴ + 2⁻¹⁰⁶ and 2⁻⁵⁴ add to 2⁻⁵³ + 2⁻¹⁰⁶ (54 bits): c rounds to 2⁻⁵³, and
        // fl(s + c) would be 1 (a tie, to even) where the exact sum, a hair above the
        // tie, rounds to 1 + 2⁻⁵². Among units whose errors add exactly, in every lane.
        let tiny = |e: i32| f64::powi(2.0, e);
        let odd = vec![1.0, tiny(-54) + tiny(-106), tiny(-54)];
        for at in [0, 3, 7, 8, 16] {
            let mut units = vec![vec![0.5, 0.25, 0.125]; 19];
            units[at] = odd.clone();
            let cols = columns(&units, 3, 1.0);
            for scaled in [false, true] {
                let mut out = vec![f64::NAN; units.len()];
                column_sums(&refs(&cols), scaled, &mut out);
                assert_eq!(out[at], 1.0 + tiny(-52), "unit {at}");
                assert!(out.iter().enumerate().all(|(u, &x)| u == at || x == 0.875));
                assert_eq!(
                    bits(&out),
                    bits(&every_block_size(&refs(&cols), scaled, 19))
                );
            }
        }
    }

    #[test]
    fn column_sums_near_half_way_points() {
        // Sums that sit at or a hair off a half-way point, the hair lost in the error sum:
        // what the bound must not certify wrongly. Each unit: a + ulp(a)/2 + noise + tail.
        let mut units = Vec::new();
        for a in [1.0, 3e16, 0.1, 1e-5, 7.0 / 3.0, 2.0] {
            let half = (f64::from_bits(f64::to_bits(a) + 1) - a) / 2.0;
            for tail in [
                0.0,
                1e-40,
                -1e-40,
                half * 1e-17,
                -half * 1e-17,
                half * 3e-16,
            ] {
                for noise in [0.1, 1.0 / 3.0, 1e-3 * (2.0f64).sqrt()] {
                    units.push(vec![a, noise, half, -noise, tail]);
                    units.push(vec![noise, a, tail, half, -noise]);
                }
            }
        }
        let mut out = vec![0.0; units.len()];
        // Not scaled: the weight beside each column (7) is not applied.
        let cols = columns(&units, 5, 7.0);
        column_sums(&refs(&cols), false, &mut out);
        assert_eq!(
            bits(&out),
            bits(&every_block_size(&refs(&cols), false, units.len()))
        );
        for (u, terms) in units.iter().enumerate() {
            assert_eq!(out[u].to_bits(), reference(terms).to_bits(), "{terms:?}");
            // The same terms as a slice: spread over the slice sum's four lanes, and all in
            // one lane (its bound then carries the hair into the lanes' total).
            assert_eq!(slice_sum(terms).to_bits(), out[u].to_bits(), "{terms:?}");
            let one_lane: Vec<f64> = terms.iter().flat_map(|&x| [x, 0.0, -0.0, 0.0]).collect();
            assert_eq!(
                slice_sum(&one_lane).to_bits(),
                out[u].to_bits(),
                "{one_lane:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn sums_are_the_exact_sum_rounded_once(
            mut terms in proptest::collection::vec(term(), 0..40),
            mirror in any::<bool>(),
        ) {
            if mirror && !terms.is_empty() {
                // Cancellation: the opposites of the first half.
                let half: Vec<f64> = terms[..terms.len() / 2].iter().map(|x| -x).collect();
                terms.extend(half);
            }
            let got = exact_sum(terms.iter().copied());
            prop_assert_eq!(got.to_bits(), reference(&terms).to_bits(), "{:?}", terms);
            // Order does not matter.
            let rev = exact_sum(terms.iter().rev().copied());
            prop_assert_eq!(rev.to_bits(), got.to_bits());
        }

        /// Column sums: each unit's sum is its terms' exact sum rounded once, whichever
        /// path (fast columns or the fallback) it took; with a non-finite term, exact_sum's.
        #[test]
        fn column_sums_are_each_units_exact_sum(
            units in proptest::collection::vec(proptest::collection::vec(term(), 6), 1..30),
            scale in prop_oneof![Just(0.3), Just(1.0 / 3.0), Just(-2.5), Just(1e-300)],
            special in proptest::option::of((0usize..30, 0usize..6, prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-f64::INFINITY), Just(f64::MAX)])),
        ) {
            let mut units = units;
            if let Some((u, j, x)) = special {
                let u = u % units.len();
                units[u][j] = x;
            }
            // Scaled by a weight (each product rounded first, as COINr's w * x), or not.
            for (w, scaled) in [(1.0, true), (scale, true), (scale, false)] {
                let mut out = vec![f64::NAN; units.len()];
                let cols = columns(&units, 6, w);
                column_sums(&refs(&cols), scaled, &mut out);
                prop_assert_eq!(bits(&out), bits(&every_block_size(&refs(&cols), scaled, units.len())));
                for (u, terms) in units.iter().enumerate() {
                    let terms: Vec<f64> = terms.iter().map(|x| if scaled { w * x } else { *x }).collect();
                    let want = if terms.iter().all(|x| x.is_finite()) && terms.iter().all(|x| x.abs() < 1e300) {
                        reference(&terms)
                    } else {
                        exact_sum(terms.iter().copied())
                    };
                    prop_assert_eq!(out[u].to_bits(), want.to_bits(), "{:?}", terms);
                }
            }
        }

        /// Slice sums: the exact sum rounded once, whatever the length (the lanes' remainder
        /// included) and however the terms cancel; with a non-finite term, exact_sum's.
        #[test]
        fn slice_sums_are_the_exact_sum_rounded_once(
            mut terms in proptest::collection::vec(term(), 0..300),
            mirror in any::<bool>(),
            special in proptest::option::of((0usize..300, prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-f64::INFINITY), Just(f64::MAX)])),
        ) {
            if mirror && !terms.is_empty() {
                let half: Vec<f64> = terms[..terms.len() / 2].iter().map(|x| -x).collect();
                terms.extend(half);
            }
            let want = match special {
                Some((at, x)) if !terms.is_empty() => {
                    let at = at % terms.len();
                    terms[at] = x;
                    exact_sum(terms.iter().copied())
                }
                _ => reference(&terms),
            };
            prop_assert_eq!(slice_sum(&terms).to_bits(), want.to_bits(), "{:?}", terms);
        }
    }
}
