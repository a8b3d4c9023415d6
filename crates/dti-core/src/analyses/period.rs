//! Which records an analysis runs on: one period, the latest unless one is named. The
//! command (`--year`), Python (`period=`) and npm (the `period` option) take this one rule,
//! so the same call gives the same answer on every surface.

use super::assumptions::AnalysisError;
use crate::model::input::UnitRecord;

/// The records of one period: `period`, or the latest period in the records when `None`
/// (records without a period make a cohort of their own only when no record has one). Returns
/// the period chosen with the records, in their order. Fails naming the periods there are
/// when `period` is not among them.
///
/// Uncertainty, sensitivity and leave-one-out rank the units of one period against each other
/// (the ministry's ranking is by year): pooling years would rank a province against itself.
/// No records at all is an error too (field `units`): an analysis of nothing would return an
/// empty answer that looks like one.
///
/// ```
/// use dti_core::{analyses::one_period, UnitRecord};
/// let units = [
///     UnitRecord::new("A").period(2023).value("GOV", 0.5),
///     UnitRecord::new("A").period(2024).value("GOV", 0.6),
///     UnitRecord::new("B").period(2024).value("GOV", 0.7),
/// ];
/// let (p, latest) = one_period(&units, None)?;
/// assert_eq!((p, latest.len()), (Some(2024), 2));
/// assert_eq!(one_period(&units, Some(2023))?.1.len(), 1);
/// assert_eq!(
///     one_period(&units, Some(2020)).unwrap_err().to_string(),
///     "period: no records for 2020; the data's periods are 2023, 2024"
/// );
/// assert_eq!(one_period(&[], None).unwrap_err().to_string(), "units: there are no records to analyse");
/// # Ok::<(), dti_core::analyses::AnalysisError>(())
/// ```
pub fn one_period(
    units: &[UnitRecord],
    period: Option<i32>,
) -> Result<(Option<i32>, Vec<UnitRecord>), AnalysisError> {
    if units.is_empty() {
        return Err(AnalysisError::Invalid {
            field: "units".to_owned(),
            message: "there are no records to analyse".to_owned(),
        });
    }
    let mut periods: Vec<i32> = units.iter().filter_map(|u| u.period).collect();
    periods.sort_unstable();
    periods.dedup();
    let chosen = match period {
        Some(p) if !periods.contains(&p) => {
            let have = if periods.is_empty() {
                "the data has no periods".to_owned()
            } else {
                let list: Vec<String> = periods.iter().map(i32::to_string).collect();
                format!("the data's periods are {}", list.join(", "))
            };
            return Err(AnalysisError::Invalid {
                field: "period".to_owned(),
                message: format!("no records for {p}; {have}"),
            });
        }
        Some(p) => Some(p),
        None => periods.last().copied(),
    };
    let kept = units
        .iter()
        .filter(|u| u.period == chosen)
        .cloned()
        .collect();
    Ok((chosen, kept))
}
