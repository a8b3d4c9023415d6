//! Scores a cohort and prints the ranked table.
//!
//! ```text
//! cargo run -p dti-core --example score                      # bundled golden DTI 2022 case
//! cargo run -p dti-core --example score -- FRAMEWORK.json UNITS.json
//! ```

use std::error::Error;
use std::path::PathBuf;

use dti_core::{Framework, UnitRecord};

fn main() -> Result<(), Box<dyn Error>> {
    let default_case =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dti2022-main");
    let mut args = std::env::args().skip(1);
    let fw_path = args
        .next()
        .map_or(default_case.join("framework.json"), PathBuf::from);
    let units_path = args
        .next()
        .map_or(default_case.join("units.json"), PathBuf::from);

    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let fw = Framework::from_json(&read(&fw_path)?)?;
    let units: Vec<UnitRecord> = serde_json::from_str(&read(&units_path)?)
        .map_err(|e| format!("{}: {e}", units_path.display()))?;
    let scores = fw.score(&units)?;

    let mut rows: Vec<_> = scores.units.iter().collect();
    rows.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
    let views: Vec<&str> = fw.def().views.iter().map(|v| v.code.as_str()).collect();
    print!(
        "{:>4}  {:<20} {:>8} {:>8}",
        "rank", "unit", "value", "points"
    );
    for v in &views {
        print!(" {v:>8} {:>4}", "#");
    }
    println!();
    let num = |x: Option<f64>, d: usize| x.map_or("-".to_owned(), |x| format!("{x:.d$}"));
    for u in rows {
        let name = u.name.as_deref().unwrap_or(&u.unit);
        print!(
            "{:>4}  {:<20} {:>8} {:>8}",
            u.rank.map_or("-".to_owned(), |r| r.to_string()),
            name,
            num(u.value, 4),
            num(u.points, 1)
        );
        for v in &u.views {
            print!(
                " {:>8} {:>4}",
                num(v.value, 4),
                v.rank.map_or("-".to_owned(), |r| r.to_string())
            );
        }
        println!();
    }
    Ok(())
}
