//! Rewrites the bundled panel (`crates/dti-core/data/synthetic/vn-provinces-synthetic.csv`,
//! `dti_core::model::SYNTHETIC_PANEL`), `fixtures/vn-provinces-synthetic/panel.json` and `fixtures/bench/` from
//! the seeded generators.

fn main() -> std::io::Result<()> {
    let dir = dti_tests::fixture("vn-provinces-synthetic");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dti_tests::bundled_panel(),
        dti_tests::synthetic::panel_csv(),
    )?;
    std::fs::write(dir.join("panel.json"), dti_tests::synthetic::panel_json())?;
    println!("wrote {}", dir.display());
    let bench = dti_tests::fixture("bench");
    std::fs::create_dir_all(&bench)?;
    let fw = serde_json::to_string_pretty(&dti_tests::synthetic::bench_framework())?;
    std::fs::write(bench.join("framework-98.json"), fw + "\n")?;
    let units = serde_json::to_string(&dti_tests::synthetic::bench_units())?;
    std::fs::write(bench.join("units-63x98.json"), units + "\n")?;
    println!("wrote {}", bench.display());
    Ok(())
}
