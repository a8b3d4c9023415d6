//! The one rank routine behind every rank this crate reports: scoring, the analyses'
//! evaluator, the normaliser `rank` and the batch frames all call
//! [`ranks_ascending_by`].

use std::collections::HashMap;

use crate::methods::normalise::{Ties, TIE_TOLERANCE};

/// Whether two neighbours in sorted order share a rank (`Auto` unresolved: the default
/// tolerance).
fn tied_by(a: f64, b: f64, ties: Ties) -> bool {
    match ties {
        Ties::Exact => a == b,
        Ties::Tolerance(rel) => a == b || (a - b).abs() <= rel * a.abs().max(b.abs()),
        Ties::Auto => tied_by(a, b, Ties::Tolerance(TIE_TOLERANCE)),
        Ties::Rounded(d) => a == b || same_rounded(a, b, d),
    }
}

/// Whether `a` and `b` show as the same number with `d` decimals.
fn same_rounded(a: f64, b: f64, d: u32) -> bool {
    rounded_key(a, d) == rounded_key(b, d)
}

/// `x` rounded to `d` decimals, as the whole number x·10^d rounded half away from zero (as
/// a spreadsheet's ROUND shows a published value), decided on the exact binary value of
/// `x`: x·10^d is p + e exactly (p its rounded product, e its rounding error), so
/// a product that lands on the other side of a half than the exact value cannot mislead.
/// Beyond 2^52 an f64 has no decimals: the product itself.
pub(crate) fn rounded_key(x: f64, d: u32) -> f64 {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let k = POW10[d.min(15) as usize];
    let ax = x.abs();
    let p = ax * k;
    if p.is_nan() || p >= 4.5e15 {
        return x * k;
    }
    let e = crate::math::product_error(ax, k, p);
    let floor = p.floor();
    // The exact product is at or above the half between floor and floor + 1.
    let up = (p - (floor + 0.5)) + e >= 0.0;
    let n = if up { floor + 1.0 } else { floor };
    // −0.0000 shows as 0.0000: keys compare with ==, where −0 equals 0.
    if x < 0.0 {
        -n
    } else {
        n
    }
}

/// A key whose unsigned order is the IEEE total order of `x` (as `f64::total_cmp`), so a
/// column sorts as integers.
#[inline]
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The value whose [`order_key`] is `k`.
#[cfg(feature = "parallel")]
#[inline]
fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Ascending competition ranks of the non-missing values of `x` into `out`, ties (by
/// `ties`) → the lowest rank (1, 2, 2, 4); missing stays NaN.
pub(crate) fn ranks_ascending_by(x: &[f64], out: &mut [f64], ties: Ties) {
    out.iter_mut().for_each(|o| *o = f64::NAN);
    let mut keys = Vec::with_capacity(x.len());
    let p = Packing::for_len(x.len());
    keys.extend(
        x.iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nan())
            .map(|(i, &v)| p.pack(order_key(v), i)),
    );
    competition(&mut keys, p, x, false, ties, &mut |i, r| out[i] = r as f64);
}

/// Groups of this many values or more are sorted on every core (feature `parallel`).
#[cfg(feature = "parallel")]
const PARALLEL_SORT: usize = 100_000;

/// Sort keys packed into one `u64`: the order key's high bits and, in the low `bits`, a
/// position below `2^bits`. Sorting plain integers is about a third faster than sorting
/// (key, position) pairs, and half the memory; keys that differ only in the bits given up
/// are put in order afterwards ([`competition`]), so the order is exactly the keys' order.
#[derive(Clone, Copy)]
struct Packing {
    bits: u32,
}

impl Packing {
    /// The packing for positions `0..len` (at least one bit).
    fn for_len(len: usize) -> Packing {
        let bits = (usize::BITS - len.saturating_sub(1).leading_zeros()).max(1);
        Packing { bits }
    }

    fn mask(self) -> u64 {
        u64::MAX >> (64 - self.bits)
    }

    #[inline]
    fn pack(self, key: u64, pos: usize) -> u64 {
        (key & !self.mask()) | pos as u64
    }

    #[inline]
    fn pos(self, packed: u64) -> usize {
        (packed & self.mask()) as usize
    }
}

/// Sorts `keys` (packed by `p`: order keys of `x`, complemented when `descending`, with
/// positions in `x`) and hands each position its competition rank: positions of equal keys,
/// or of values tied by `ties` with the previous one in sorted order, share the lowest rank.
fn competition(
    keys: &mut [u64],
    p: Packing,
    x: &[f64],
    descending: bool,
    ties: Ties,
    // `dyn`: one copy of the sort for both callers (a kilobyte of the browser package); the
    // indirect call per value is nothing beside the sort.
    put: &mut dyn FnMut(usize, u32),
) {
    let flip = if descending { u64::MAX } else { 0 };
    let full = |pos: usize| order_key(x[pos]) ^ flip;
    // Equal packed keys cannot occur (positions differ), so an unstable sort is a total order.
    #[cfg(feature = "parallel")]
    if keys.len() >= PARALLEL_SORT {
        use rayon::slice::ParallelSliceMut as _;
        keys.par_sort_unstable();
    } else {
        keys.sort_unstable();
    }
    #[cfg(not(feature = "parallel"))]
    keys.sort_unstable();
    // Keys sharing their high bits are in position order: a run of them whose whole keys
    // differ (values within ~2^(bits − 52) of each other, relative; rare) is put in key
    // order first. One pass finds whether there is any run at all.
    let high = !p.mask();
    if keys.windows(2).any(|w| (w[0] ^ w[1]) & high == 0) {
        let mut at = 0;
        while at < keys.len() {
            let mut end = at + 1;
            while end < keys.len() && (keys[end] ^ keys[at]) & high == 0 {
                end += 1;
            }
            let run = &mut keys[at..end];
            if run.len() > 1 {
                let first = full(p.pos(run[0]));
                if run.iter().any(|&k| full(p.pos(k)) != first) {
                    run.sort_unstable_by_key(|&k| full(p.pos(k)));
                }
            }
            at = end;
        }
    }
    // One loop per rule, so that the rule is not matched per value.
    match ties.resolve(None) {
        Ties::Exact => hand_out(keys, p, x, |v, w| tied_by(v, w, Ties::Exact), put),
        Ties::Tolerance(rel) => {
            hand_out(keys, p, x, |v, w| tied_by(v, w, Ties::Tolerance(rel)), put)
        }
        Ties::Rounded(d) => hand_out(keys, p, x, |v, w| tied_by(v, w, Ties::Rounded(d)), put),
        // `resolve` never gives Auto.
        Ties::Auto => {}
    }
}

/// Hands each position in sorted `keys` its competition rank: the previous one's when
/// `tied` holds between their values, else its place in the order (from 1).
#[inline]
fn hand_out(
    keys: &[u64],
    p: Packing,
    x: &[f64],
    tied: impl Fn(f64, f64) -> bool,
    put: &mut dyn FnMut(usize, u32),
) {
    let Some((&first, rest)) = keys.split_first() else {
        return;
    };
    let (mut rank, mut prev) = (1, x[p.pos(first)]);
    put(p.pos(first), 1);
    for (k, &key) in rest.iter().enumerate() {
        let pos = p.pos(key);
        let v = x[pos];
        if !tied(v, prev) {
            rank = k as u32 + 2;
        }
        prev = v;
        put(pos, rank);
    }
}

/// Ranks of a value column within each period group (see [`rank_within`]).
pub(crate) fn ranks(
    value: &[f64],
    groups: &[(Option<i32>, Vec<usize>)],
    ties: Ties,
) -> Vec<Option<u32>> {
    rank_within_by(
        value,
        groups.iter().map(|(_, members)| members.as_slice()),
        ties,
    )
}

/// Competition ranks of `value` within each group of positions: 1 = the highest, values
/// equal up to 1e-12 (relative) share the lowest rank (1, 2, 2, 4), NaN gets none, and
/// positions in no group get none. The rule behind every rank this crate reports.
///
/// ```
/// let v = [0.5, 0.9, 0.5, f64::NAN, 0.1];
/// let r = dti_core::engine::rank_within(&v, [&[0, 1, 2, 3][..], &[4][..]]);
/// assert_eq!(r, [Some(2), Some(1), Some(2), None, Some(1)]);
/// ```
pub fn rank_within<'a>(
    value: &[f64],
    groups: impl IntoIterator<Item = &'a [usize]>,
) -> Vec<Option<u32>> {
    rank_within_by(value, groups, Ties::default())
}

/// [`rank_within`] with a tie rule.
///
/// ```
/// use dti_core::methods::Ties;
/// let v = [0.3, 0.1 + 0.2]; // 0.3 and 0.30000000000000004
/// let groups = [&[0, 1][..]];
/// assert_eq!(dti_core::engine::rank_within_by(&v, groups, Ties::default()), [Some(1), Some(1)]);
/// assert_eq!(dti_core::engine::rank_within_by(&v, groups, Ties::Exact), [Some(2), Some(1)]);
/// ```
pub fn rank_within_by<'a>(
    value: &[f64],
    groups: impl IntoIterator<Item = &'a [usize]>,
    ties: Ties,
) -> Vec<Option<u32>> {
    let mut out = vec![None; value.len()];
    let mut keys = Vec::with_capacity(value.len());
    let p = Packing::for_len(value.len());
    for members in groups {
        #[cfg(feature = "parallel")]
        if members.len() >= PARALLEL_SORT {
            let counted = match ties.resolve(None) {
                Ties::Rounded(d) => ranks_by_counting(value, members, d, &mut out),
                _ => false,
            };
            if !counted {
                ranks_of_many(value, members, ties, &mut out);
            }
            continue;
        }
        // Descending: the complement of the ascending key is the reversed total order, so
        // no negated copy of the column is needed (ties compare |a − b|, the same either way).
        keys.clear();
        keys.extend(members.iter().filter_map(|&u| {
            let v = *value.get(u)?;
            (!v.is_nan()).then(|| p.pack(!order_key(v), u))
        }));
        competition(&mut keys, p, value, true, ties, &mut |u, r| {
            out[u] = Some(r)
        });
    }
    out
}

/// [`rank_within_by`] of one large group (native, feature `parallel`): keys of 128 bits,
/// the whole descending order key above the position, so that each value comes back from
/// its sorted key. The packed `u64` keys of [`competition`] are half the size, but then the
/// values are read back from the column in sorted order, a read at a random place per value:
/// most of the time of a million-row rank. The ranks are the same: the same order (the
/// keys' total order, positions breaking no ties), the same rule between neighbours.
#[cfg(feature = "parallel")]
fn ranks_of_many(value: &[f64], members: &[usize], ties: Ties, out: &mut [Option<u32>]) {
    use rayon::slice::ParallelSliceMut as _;
    let mut keys: Vec<u128> = members
        .iter()
        .filter_map(|&u| {
            let v = *value.get(u)?;
            (!v.is_nan()).then(|| u128::from(!order_key(v)) << 64 | u as u128)
        })
        .collect();
    keys.par_sort_unstable();
    match ties.resolve(None) {
        Ties::Exact => hand_out_many(&keys, out, |v, w| v == w),
        Ties::Tolerance(rel) => {
            hand_out_many(&keys, out, |v, w| tied_by(v, w, Ties::Tolerance(rel)))
        }
        Ties::Rounded(d) => hand_out_many(&keys, out, |v, w| tied_by(v, w, Ties::Rounded(d))),
        Ties::Auto => {}
    }
}

/// [`rank_within_by`] of one large group under `Ties::Rounded(d)`, by counting instead of
/// sorting (native, feature `parallel`): two values tie exactly when they show the same
/// `d`-decimal number ([`rounded_key`], which never decreases as the value grows), so a
/// value's competition rank is 1 + the number of values whose key is greater — the rank
/// the sorted walk hands out, neighbour by neighbour. The keys of a published index (values
/// in 0..1, 4 decimals) take 10,001 counters: a million values ranked in two passes, not a
/// sort. `false` (nothing written) where the keys span more than four per value (or are
/// not finite): the sort then.
#[cfg(feature = "parallel")]
fn ranks_by_counting(value: &[f64], members: &[usize], d: u32, out: &mut [Option<u32>]) -> bool {
    use rayon::prelude::*;
    let keys: Vec<f64> = members
        .par_iter()
        .map(|&u| match value.get(u) {
            Some(&v) if !v.is_nan() => rounded_key(v, d),
            _ => f64::NAN,
        })
        .collect();
    let (lo, hi) = keys
        .par_iter()
        .filter(|k| !k.is_nan())
        .fold(
            || (f64::INFINITY, f64::NEG_INFINITY),
            |(lo, hi), &k| (lo.min(k), hi.max(k)),
        )
        .reduce(
            || (f64::INFINITY, f64::NEG_INFINITY),
            |a, b| (a.0.min(b.0), a.1.max(b.1)),
        );
    // Keys are whole numbers below 2^53 here: their differences are exact.
    if !(lo.is_finite() && hi.is_finite()) || hi - lo >= 4.0 * members.len() as f64 {
        return false;
    }
    let slot = |k: f64| (k - lo) as usize;
    let mut rank = vec![0u32; slot(hi) + 1];
    for &k in keys.iter().filter(|k| !k.is_nan()) {
        rank[slot(k)] += 1;
    }
    // Each key's count becomes its rank: 1 + the values above it.
    let mut above = 0u32;
    for r in rank.iter_mut().rev() {
        let n = *r;
        *r = above + 1;
        above += n;
    }
    for (&u, &k) in members.iter().zip(&keys) {
        if !k.is_nan() {
            out[u] = Some(rank[slot(k)]);
        }
    }
    true
}

/// [`hand_out`] over the sorted keys of [`ranks_of_many`], the values taken from the keys.
#[cfg(feature = "parallel")]
fn hand_out_many(keys: &[u128], out: &mut [Option<u32>], tied: impl Fn(f64, f64) -> bool) {
    let at = |k: u128| (k as u64 as usize, from_order_key(!((k >> 64) as u64)));
    let Some((&first, rest)) = keys.split_first() else {
        return;
    };
    let (pos, mut prev) = at(first);
    out[pos] = Some(1);
    let mut rank = 1;
    for (k, &key) in rest.iter().enumerate() {
        let (pos, v) = at(key);
        if !tied(v, prev) {
            rank = k as u32 + 2;
        }
        prev = v;
        out[pos] = Some(rank);
    }
}

/// Units grouped by period, in order of first appearance of each period.
pub(crate) fn group_by_period(periods: &[Option<i32>]) -> Vec<(Option<i32>, Vec<usize>)> {
    // One period (or none) throughout, the usual case: one group, no lookups.
    if let Some(&first) = periods.first() {
        if periods.iter().all(|&p| p == first) {
            return vec![(first, (0..periods.len()).collect())];
        }
    }
    let mut groups: Vec<(Option<i32>, Vec<usize>)> = Vec::new();
    let mut at: HashMap<Option<i32>, usize> = HashMap::new();
    let mut last: Option<(Option<i32>, usize)> = None;
    for (u, &p) in periods.iter().enumerate() {
        // Rows of a panel come in runs of one period: look up only when the period changes.
        let g = match last {
            Some((q, g)) if q == p => g,
            _ => *at.entry(p).or_insert_with(|| {
                groups.push((p, Vec::new()));
                groups.len() - 1
            }),
        };
        last = Some((p, g));
        groups[g].1.push(u);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A group past the parallel threshold takes the 128-bit keys of `ranks_of_many`: the
    /// ranks are those of a plain reference (sort by value, descending, then hand out by the
    /// rule), for every rule, with runs of equal values, values an ulp apart, negative
    /// values, zeros of both signs and missing values.
    #[test]
    fn a_large_group_is_ranked_as_a_small_one() {
        let mut s: u64 = 0x4A11;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let n = 150_000;
        let v: Vec<f64> = (0..n)
            .map(|i| match i % 9 {
                0 => f64::NAN,
                1 => -0.0,
                2 => 0.0,
                3 => 0.3,
                4 => 0.1 + 0.2,
                5 => -(next() * 100.0).round() / 100.0,
                _ => (next() * 1000.0).round() / 1000.0 + if i % 2 == 0 { 0.0 } else { 1e-17 },
            })
            .collect();
        let all: Vec<usize> = (0..n).collect();
        // Rounded(2): keys span −10,000..100,000, counted; Rounded(6): too wide, sorted.
        for ties in [
            Ties::Exact,
            Ties::Tolerance(1e-12),
            Ties::Rounded(2),
            Ties::Rounded(0),
            Ties::Rounded(6),
            Ties::Auto,
        ] {
            let got = rank_within_by(&v, [&all[..]], ties);
            let mut order: Vec<usize> = all.iter().copied().filter(|&i| !v[i].is_nan()).collect();
            order.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
            let rule = ties.resolve(None);
            let mut want = vec![None; n];
            let mut rank = 0;
            for (k, &i) in order.iter().enumerate() {
                if k == 0 || !tied_by(v[i], v[order[k - 1]], rule) {
                    rank = k as u32 + 1;
                }
                want[i] = Some(rank);
            }
            assert_eq!(got, want, "{ties:?}");
        }
    }

    #[test]
    fn rounding_to_decimals_looks_at_the_exact_value() {
        // 0.00035·10⁴ rounds to exactly 3.5 as an f64, but the f64 0.00035 is
        // 0.000349999…: it shows as 0.0003. 0.00025 is 0.000250000…01: 0.0003.
        assert_eq!(rounded_key(0.00035, 4), 3.0);
        assert_eq!(rounded_key(-0.00035, 4), -3.0);
        assert_eq!(rounded_key(0.00025, 4), 3.0);
        assert_eq!(rounded_key(0.00045, 4), 4.0);
        assert_eq!(rounded_key(0.00045000000000000004, 4), 5.0);
        // An exact half rounds away from zero, as a spreadsheet's ROUND does.
        assert_eq!(rounded_key(2.5, 0), 3.0);
        assert_eq!(rounded_key(-2.5, 0), -3.0);
        assert_eq!(rounded_key(0.8241, 4), 8241.0);
        // −0.0000 is 0.0000.
        assert!(same_rounded(-0.00004, 0.00004, 4));
        assert!(!same_rounded(0.00035, 0.00036, 4));
        assert!(same_rounded(0.63495000001, 0.63504, 4));
        assert_eq!(rounded_key(f64::INFINITY, 4), f64::INFINITY);
    }

    #[test]
    fn the_key_orders_as_total_cmp() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            0.5,
            1.0,
            f64::INFINITY,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn competition_ranks_with_ties_and_missing() {
        let x = [3.0, 1.0, f64::NAN, 1.0, 2.0];
        let mut out = [0.0; 5];
        ranks_ascending_by(&x, &mut out, Ties::Exact);
        assert_eq!(out[..2], [4.0, 1.0]);
        assert!(out[2].is_nan());
        assert_eq!(out[3..], [1.0, 3.0]);
        // 0.3 and 0.1 + 0.2 differ in the last bit: tied only within the tolerance.
        let y = [0.1 + 0.2, 0.3];
        ranks_ascending_by(&y, &mut out[..2], Ties::Exact);
        assert_eq!(out[..2], [2.0, 1.0]);
        ranks_ascending_by(&y, &mut out[..2], Ties::Tolerance(TIE_TOLERANCE));
        assert_eq!(out[..2], [1.0, 1.0]);
        // Keys that differ only in the bits the packed sort gives up to positions.
        let up = |k: u64| f64::from_bits(1.0f64.to_bits() + k);
        let z = [up(2), 1.0, up(1), up(3), up(1)];
        ranks_ascending_by(&z, &mut out, Ties::Exact);
        assert_eq!(out, [4.0, 1.0, 2.0, 5.0, 2.0]);
    }
}
