//! The layers of `dti-core` only point down: every `crate::…` path in a source file names a
//! module of its own layer or a lower one (the crate's front page draws them):
//!
//! ```text
//! analyses   scenarios, robustness, merged units, the COINr pipeline
//!    ↓
//! engine     the one scoring engine
//!    ↓
//! methods    formulas: normalisers, aggregators, ranks, imputation, treatment, statistics
//!    ↓
//! io         reading text, records, the COINr tables, panels
//!    ↓
//! model      frameworks, input and results, the method choices, the registry; error
//!    ↓
//! text, math, sum, scan, suggest   leaves: no crate import at all
//! ```
//!
//! Test modules may reach anywhere; `pub use` lines are façades that keep a public path where
//! an item moved (`io::run_pipeline`), not dependencies, and are skipped. A path through the
//! crate root (`use crate::{Framework, …}`) hides its layer and is refused too.

use dti_tests::{read, root};

/// The layer of each top-level module of the crate (higher may use lower).
const LAYERS: [(&str, u8); 11] = [
    ("text", 0),
    ("math", 0),
    ("sum", 0),
    ("scan", 0),
    ("suggest", 0),
    ("error", 1),
    ("model", 1),
    ("io", 2),
    ("methods", 3),
    ("engine", 4),
    ("analyses", 5),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|l| l.0 == module).map(|l| l.1)
}

/// The imports of `source` (a file of top-level module `module`) that point up or through
/// the crate root, as `(line from 1, the line)`; `Err` when the module has no layer.
fn upward(module: &str, source: &str) -> Result<Vec<(usize, String)>, String> {
    let own = layer(module).ok_or_else(|| format!("module '{module}' has no layer in LAYERS"))?;
    let mut found = Vec::new();
    for (k, line) in source.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            // Everything after the test module's attribute is tests.
            break;
        }
        if t.starts_with("//") || t.starts_with("pub use") || t.starts_with("pub(crate) use") {
            continue;
        }
        let mut rest = t;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            let bad = if after.starts_with('{') || name.is_empty() {
                // `crate::{…}` or `crate::Type`: a name re-exported at the root.
                true
            } else {
                layer(&name).is_some_and(|l| l > own)
            };
            if bad {
                found.push((k + 1, line.trim().to_owned()));
                break;
            }
            rest = after;
        }
    }
    Ok(found)
}

#[test]
fn the_layers_of_dti_core_only_point_down() {
    let src = root().join("crates/dti-core/src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("the source folder") {
            let p = e.expect("an entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 40, "{} source files", files.len());
    let mut problems = Vec::new();
    for p in &files {
        let rel = p.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_str()
            .expect("UTF-8")
            .trim_end_matches(".rs");
        if module == "lib" {
            continue; // The front page re-exports every layer.
        }
        match upward(module, &read(p)) {
            Ok(up) => problems.extend(
                up.into_iter()
                    .map(|(line, text)| format!("{}:{line}: {text}", rel.display())),
            ),
            Err(e) => problems.push(format!("{}: {e}", rel.display())),
        }
    }
    assert!(
        problems.is_empty(),
        "imports that point up:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_finds_an_upward_import() {
    // Planted: the model reaching for an analysis, through a path and through the root.
    let model =
        "use crate::model::framework::Framework;\nuse crate::analyses::scenario::Scenario;\n";
    assert_eq!(
        upward("model", model).unwrap(),
        [(2, "use crate::analyses::scenario::Scenario;".to_owned())]
    );
    let root_path = "fn f() { let x = crate::Framework::builtin(\"total\"); }";
    assert_eq!(upward("methods", root_path).unwrap().len(), 1);
    // Down, sideways, façades, comments and tests pass.
    let fine = "use crate::model::input::Value;\nuse crate::io::tables::Tables;\npub use crate::analyses::pipeline::run_pipeline;\n// crate::analyses\n#[cfg(test)]\nmod tests { use crate::analyses::Scenario; }\n";
    assert_eq!(upward("io", fine).unwrap(), []);
    assert_eq!(upward("methods", fine).unwrap(), []);
    assert!(upward("widgets", fine).is_err());
}
