//! Scores a cohort and prints the ranked table of its latest period.
//!
//! ```text
//! cargo run -p dti-core --example score                       # bundled 63-province panel, vn-pdti-2022
//! cargo run -p dti-core --example score -- UNITS.json [FRAMEWORK]  # FRAMEWORK: a built-in id or a JSON file
//! ```

use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use dti_core::{Framework, UnitRecord};

fn main() -> Result<(), Box<dyn Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args().skip(1);
    let units_path = args.next().map_or_else(
        || root.join("fixtures/vn-provinces-synthetic/panel.json"),
        PathBuf::from,
    );
    let framework = args.next().unwrap_or_else(|| "vn-pdti-2022".to_owned());

    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let fw = if framework.ends_with(".json") {
        Framework::from_json(&read(&PathBuf::from(&framework))?)?
    } else {
        Framework::builtin(&framework)?
    };
    let units: Vec<UnitRecord> = serde_json::from_str(&read(&units_path)?)
        .map_err(|e| format!("{}: {e}", units_path.display()))?;
    let scores = fw.score(&units)?;

    let latest = scores.units.iter().filter_map(|u| u.period).max();
    let mut rows: Vec<_> = scores.units.iter().filter(|u| u.period == latest).collect();
    rows.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
    let mut out = String::new();
    writeln!(
        out,
        "{} — {}{}",
        fw.def().name_en,
        fw.id(),
        latest.map(|y| format!(", {y}")).unwrap_or_default()
    )?;
    write!(
        out,
        "{:>4}  {:<22} {:>7} {:>7}",
        "rank", "unit", "value", "points"
    )?;
    for v in &fw.def().views {
        write!(out, " {:>7} {:>3}", v.code, "#")?;
    }
    writeln!(out)?;
    let num = |x: Option<f64>, d: usize| x.map_or("-".to_owned(), |x| format!("{x:.d$}"));
    let rank = |r: Option<u32>| r.map_or("-".to_owned(), |r| r.to_string());
    for u in rows {
        let name = u.name.as_deref().unwrap_or(&u.unit);
        // Pad by characters, not bytes, so Vietnamese names line up.
        let pad = 22usize.saturating_sub(name.chars().count());
        write!(
            out,
            "{:>4}  {name}{:pad$} {:>7} {:>7}",
            rank(u.rank),
            "",
            num(u.value, 4),
            num(u.points, 1)
        )?;
        for v in &u.views {
            write!(out, " {:>7} {:>3}", num(v.value, 4), rank(v.rank))?;
        }
        writeln!(out)?;
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(())
}
