//! Every input saved under `fuzz/corpus/<target>/` (the fuzzers' corpora, crashes found and
//! fixed included) through its target: the regressions of `scripts/fuzz`, without nightly.

use std::time::Instant;

use dti_tests::fuzzing::TARGETS;
use dti_tests::root;

#[test]
fn every_saved_fuzz_input_runs_clean() {
    let corpus = root().join("fuzz").join("corpus");
    for (name, target) in TARGETS {
        let dir = corpus.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        assert!(
            !files.is_empty(),
            "{name}: no saved inputs in {}",
            dir.display()
        );
        let start = Instant::now();
        for f in &files {
            let data = std::fs::read(f).expect("readable corpus file");
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(
                outcome.is_ok(),
                "{name}: {} crashes the target",
                f.display()
            );
        }
        eprintln!("{name}: {} inputs in {:?}", files.len(), start.elapsed());
    }
}
