//! `dti`: score Vietnam's provincial Digital Transformation Index — and any index built the
//! same way — from the terminal.
//!
//! Exit codes: 0 success, 1 an input error (the message names the file, row, unit and
//! indicator), 2 a usage error.

mod analysis;
mod args;
mod bundled;
mod coin;
mod commands;
mod context;
mod files;
mod load;
mod output;
mod plot;
mod prelude;
mod ranked;

use std::process::ExitCode;

use clap::Parser;

use crate::prelude::*;

// mimalloc, not the system's malloc: the command's columns of a million cells are allocated
// and freed phase after phase, and mimalloc keeps their pages instead of mapping them afresh
// each time (see the dependency's note in Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn run(cli: Cli) -> Result<(), Fail> {
    let ascii = cli.ascii;
    let cli_ties = cli.ties;
    output::RAW_CSV.store(cli.raw_csv, std::sync::atomic::Ordering::Relaxed);
    if let Some(t) = cli.ties {
        let _ = TIES.set(t);
    }
    let ctx = Context {
        ascii,
        ties: cli_ties,
    };
    match cli.command {
        Command::Score(args) => commands::score::run(args, &ctx),
        Command::Explain(args) => commands::explain::run(args, &ctx),
        Command::Merge(args) => commands::merge::run(args, &ctx),
        Command::Frameworks { action } => commands::frameworks::frameworks(action, ascii),
        Command::Data { action } => match action {
            DataCommand::List { out } => bundled::list(&ctx.sink(&out), out.format),
            DataCommand::Show { name, out } => bundled::show(&name, &ctx.sink(&out), out.format),
        },
        Command::Coin(args) => commands::coin::run(args, &ctx),
        Command::Scenario(args) => commands::scenario::run(args, &ctx),
        Command::Compare(args) => commands::compare::run(args, &ctx),
        Command::Uncertainty(args) => commands::uncertainty::run(args, &ctx),
        Command::Sensitivity(args) => commands::sensitivity::run(args, &ctx),
        Command::LeaveOneOut(args) => commands::leave_one_out::run(args, &ctx),
        Command::Plot { kind } => commands::plot::run(kind, ascii),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Standard error may be a closed pipe (`dti … 2>&1 | head`): no panic then.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "error: {}",
                dti_core::text::shown_lines(&e)
            );
            ExitCode::from(1)
        }
    }
}
