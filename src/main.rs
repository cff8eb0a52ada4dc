//! Entry point: parse arguments, then run the GUI or a headless subcommand.

use std::process::ExitCode;

fn main() -> ExitCode {
    cohort_explorer::cli::main()
}
