//! Rankings across the 2025 merger: which map a cohort's units belong to, and a comparison
//! of a ranking of the 63 former provinces with one of the 34 after 1 July 2025, the former
//! merged first by the ministry's DTI 2024 rule (plain means of the main-indicator values
//! over the former provinces; `dti-methodology.md`, "Provinces merged in 2025").

use crate::analyses::comparison::{compare, Comparison};
use crate::analyses::merge::{merge_cohort, MergeError, MergeOptions, MergedScores};
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::model::registry::{merger_2025, province_named, Era};
use crate::model::result::CohortScores;

/// The map a cohort's units (ids or names) belong to: `Pre2025` when each is one of the 63
/// former provinces and at least one of them is not among the 34; `From2025` when each is
/// one of the 34; `None` otherwise (other units, or an empty cohort).
///
/// ```
/// use dti_core::{analyses::cohort_era, Era, UnitRecord};
/// let before = [UnitRecord::new("ha-giang"), UnitRecord::new("Hà Nội")];
/// assert_eq!(cohort_era(&before), Some(Era::Pre2025));
/// assert_eq!(cohort_era(&[UnitRecord::new("tuyen-quang")]), Some(Era::From2025));
/// assert_eq!(cohort_era(&[UnitRecord::new("Atlantis")]), None);
/// ```
pub fn cohort_era(units: &[UnitRecord]) -> Option<Era> {
    if units.is_empty() {
        return None;
    }
    let is = |u: &UnitRecord, era| {
        province_named(&u.unit, era).is_some()
            || u.name
                .as_deref()
                .is_some_and(|n| province_named(n, era).is_some())
    };
    if units.iter().all(|u| is(u, Era::From2025)) {
        Some(Era::From2025)
    } else if units.iter().all(|u| is(u, Era::Pre2025)) {
        Some(Era::Pre2025)
    } else {
        None
    }
}

/// A comparison of `before` (one period's records, scored with `fw`) with the ranking
/// `after` (units matched by id whatever their periods: the comparison carries `before`'s
/// period). When `before` holds the 63 former provinces and `after` the 34, `before` is
/// first merged onto the 34 by the ministry's rule (its merged scores are returned beside
/// the comparison, so that a caller can say it did so); otherwise it is scored as it is.
///
/// ```
/// use dti_core::{analyses::{compare_across_merger, MergeOptions}, model::total_framework, ScoreOptions, UnitRecord};
/// let fw = total_framework();
/// let before = [UnitRecord::new("ha-giang").value("DTI", 0.5), UnitRecord::new("tuyen-quang").value("DTI", 0.7),
///               UnitRecord::new("ha-noi").value("DTI", 0.8)];
/// let after = fw.score_with(&[UnitRecord::new("tuyen-quang").value("DTI", 0.9), UnitRecord::new("ha-noi").value("DTI", 0.85)],
///                           &ScoreOptions::default())?;
/// // Three provinces only: lenient, the other merged provinces are left out.
/// let (c, merged) = compare_across_merger(&fw, &before, &after, &MergeOptions::default().lenient(true))?;
/// // Tuyên Quang = (0.5 + 0.7)/2 = 0.6, second before the merger; first after it.
/// assert!(merged.is_some());
/// let tq = c.units.iter().find(|u| u.unit == "tuyen-quang").unwrap();
/// assert_eq!(tq.index.as_ref().unwrap().ranks, [Some(2), Some(1)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare_across_merger(
    fw: &Framework,
    before: &[UnitRecord],
    after: &CohortScores,
    opts: &MergeOptions,
) -> Result<(Comparison, Option<MergedScores>), MergeError> {
    let after_units: Vec<UnitRecord> = after
        .units
        .iter()
        .map(|u| {
            let mut r = UnitRecord::new(&u.unit);
            r.name = u.name.clone();
            r
        })
        .collect();
    let (scored, merged) = if cohort_era(before) == Some(Era::Pre2025)
        && cohort_era(&after_units) == Some(Era::From2025)
    {
        let merged = merge_cohort(fw, before, merger_2025(), opts)?;
        (merged.scores.clone(), Some(merged))
    } else {
        (fw.score_with(before, &opts.score)?, None)
    };
    // Matched by unit: the later ranking carries the earlier one's period.
    let period = scored.units.first().and_then(|u| u.period);
    let mut later = after.clone();
    for u in &mut later.units {
        u.period = period;
    }
    Ok((compare(&[&scored, &later]), merged))
}
