//! What every command shares at run time: the global options, the run's tie rule, the
//! error type and the usage exit.

use crate::prelude::*;

/// A failure: the message for standard error (exit code 1).
pub type Fail = String;

/// The tie rule of this run (`--ties`), set once at start.
pub static TIES: std::sync::OnceLock<Ties> = std::sync::OnceLock::new();

/// Score options with this run's tie rule.
pub fn score_options() -> ScoreOptions {
    ScoreOptions::default().ties(TIES.get().copied().unwrap_or_default())
}

/// How the core's CSV writers write text cells in this run (`--raw-csv`).
pub fn csv_text_rule() -> CsvText {
    if output::RAW_CSV.load(std::sync::atomic::Ordering::Relaxed) {
        CsvText::Raw
    } else {
        CsvText::Neutralised
    }
}

/// A usage error: the message, `dti --help` advice and exit code 2 (as clap's own).
pub fn usage(message: &str) -> ! {
    use clap::CommandFactory;
    Cli::command()
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

/// What every command shares: the global options.
pub struct Context {
    pub ascii: bool,
    pub ties: Option<Ties>,
}

impl Context {
    /// Where a command's output goes.
    pub fn sink(&self, o: &OutputArgs) -> Sink {
        Sink {
            out: o.out.clone(),
            ascii: self.ascii,
        }
    }
}
