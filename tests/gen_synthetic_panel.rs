//! Rewrites `fixtures/vn-provinces-synthetic/panel.{csv,json}` from the seeded generator.

fn main() -> std::io::Result<()> {
    let dir = dti_tests::fixture("vn-provinces-synthetic");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("panel.csv"), dti_tests::synthetic::panel_csv())?;
    std::fs::write(dir.join("panel.json"), dti_tests::synthetic::panel_json())?;
    println!("wrote {}", dir.display());
    Ok(())
}
