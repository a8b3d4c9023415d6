//! Input problems said in one message, as every surface says them: one located line each,
//! except a table given in percent, which is one finding, not a line per value.

use crate::error::{InputError, InputErrorKind};

/// How many of the values that look like percentages are listed as examples.
const EXAMPLES: usize = 3;

/// How many indicators the percentage line names before it counts the rest.
const NAMED: usize = 8;

/// A value between 1 and 100 where a value in 0..1 is expected: a percentage.
fn percent_like(p: &InputError) -> bool {
    matches!(p.kind, InputErrorKind::ValueOutOfRange { value } if value > 1.0 && value <= 100.0)
}

/// Every input problem in one message: "N problem(s) in the input:" and one line each, as
/// `text` words and locates it — except when at least three problems, and at least half of
/// them, are values between 1 and 100 where a value in 0..1 is expected. That is a table given
/// in percent: one line says so and how to fix it, three of those values are listed as
/// examples, and the rest are counted, not listed (1,701 lines said one thing).
///
/// ```
/// use dti_core::engine::{describe_input, InputError, InputErrorKind};
/// let p = |row, value| InputError { row, unit: format!("U{row}"), period: None,
///     indicator: Some("AWR".into()), kind: InputErrorKind::ValueOutOfRange { value } };
/// let problems: Vec<InputError> = (0..10).map(|r| p(r, 60.0 + r as f64)).collect();
/// let text = describe_input(&problems, &|e| e.to_string());
/// assert!(text.contains("10 values between 1 and 100 where a value in 0..1 is expected (AWR)"));
/// assert!(text.ends_with("… and 7 more values like these"));
/// assert_eq!(text.lines().count(), 1 + 1 + 3 + 1);
/// ```
pub fn describe_input(problems: &[InputError], text: &dyn Fn(&InputError) -> String) -> String {
    let percent = problems.iter().filter(|p| percent_like(p)).count();
    let mut s = format!("{} problem(s) in the input:", problems.len());
    let summarise = percent >= 3 && percent * 2 >= problems.len();
    if summarise {
        let mut codes: Vec<&str> = problems
            .iter()
            .filter(|p| percent_like(p))
            .filter_map(|p| p.indicator.as_deref())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let mut named = codes
            .iter()
            .take(NAMED)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if codes.len() > NAMED {
            named.push_str(&format!(" and {} more", codes.len() - NAMED));
        }
        s.push_str(&format!(
            "\n  {percent} values between 1 and 100 where a value in 0..1 is expected \
             ({named}): they look like percentages; divide them by 100"
        ));
    }
    let mut shown = 0;
    for p in problems {
        if summarise && percent_like(p) {
            shown += 1;
            if shown > EXAMPLES {
                continue;
            }
        }
        s.push_str("\n  - ");
        s.push_str(&text(p));
    }
    if summarise && percent > EXAMPLES {
        s.push_str(&format!(
            "\n  … and {} more values like these",
            percent - EXAMPLES
        ));
    }
    s
}
