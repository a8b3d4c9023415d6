//! Units of a provincial framework that are not provinces: `HCMC` and `Ha Noii` scored as
//! units of their own, silently, is the careless user's first mistake. Said aloud, with the
//! nearest province names.

use std::collections::HashSet;

use crate::model::framework::Framework;
use crate::model::registry::{find_province, Era};

/// How many units that are not provinces are named; past that the data is not provincial
/// (a panel of its own units), and the look-up stops.
const NAMED: usize = 5;

/// Whether `fw` scores Viet Nam's provinces: the built-in DTI frameworks and their extensions.
fn provincial(fw: &Framework) -> bool {
    fw.id().starts_with("vn-pdti-")
}

/// Warnings for the units (ids or names, as the data gives them) of a provincial framework
/// that are not provinces in either era, each with the nearest province names; nothing for
/// another framework. Past five such units, one line for all (the data is then a panel of
/// units of its own, and is not looked through to the end).
///
/// ```
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let w = dti_core::engine::not_provinces(&fw, ["ha-noi", "HCMC", "Ha Noii"]);
/// assert_eq!(w.len(), 1);
/// assert!(w[0].starts_with("unit 'Ha Noii' is not a province"), "{}", w[0]);
/// assert!(w[0].contains("Hà Nội"));
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
pub fn not_provinces<'a>(fw: &Framework, units: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    if !provincial(fw) {
        return Vec::new();
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut found: Vec<(&str, Vec<String>)> = Vec::new();
    for unit in units {
        if !seen.insert(unit) {
            continue;
        }
        let Err(e) = find_province(unit, Era::Pre2025) else {
            continue;
        };
        let Err(later) = find_province(unit, Era::From2025) else {
            continue;
        };
        if found.len() == NAMED {
            return vec![format!(
                "more than {NAMED} units are not provinces of Viet Nam (e.g. {}): each is \
                 scored as a unit of its own under '{}', a provincial framework",
                found
                    .iter()
                    .map(|(u, _)| format!("'{}'", crate::text::Shown(u)))
                    .collect::<Vec<_>>()
                    .join(", "),
                fw.id()
            )];
        }
        let mut nearest = e.suggestions;
        for s in later.suggestions {
            if !nearest.contains(&s) {
                nearest.push(s);
            }
        }
        found.push((unit, nearest));
    }
    found
        .into_iter()
        .map(|(u, nearest)| {
            let hint = if nearest.is_empty() {
                String::new()
            } else {
                format!("; the nearest: {}", nearest.join(", "))
            };
            format!(
                "unit '{}' is not a province of Viet Nam: it is scored as a unit of its own{hint}",
                crate::text::Shown(u)
            )
        })
        .collect()
}
