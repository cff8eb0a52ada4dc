//! `demo`: write the synthetic demo cohort to a folder.

use std::path::Path;
use std::process::ExitCode;

use crate::i18n::{tr, trf};
use anyhow::{Context, Result, bail};

use crate::demo::{DemoOptions, generate, write};

pub fn run(out: &Path, options: &DemoOptions) -> Result<ExitCode> {
    if options.subjects == 0 {
        bail!("{}", tr("--subjects must be at least 1"));
    }
    let cohort = generate(options);
    write(&cohort, out).with_context(|| trf("cannot write the demo cohort to {path}", &[("path", &out.display())]))?;
    eprintln!(
        "wrote {} files for {} subjects to {}",
        cohort.files.len(),
        options.subjects,
        out.display()
    );
    for p in &cohort.planted {
        eprintln!(
            "  planted {}: {} ({})",
            p.rule,
            p.detail,
            p.subject.as_deref().or(p.sample.as_deref()).unwrap_or(p.file)
        );
    }
    Ok(ExitCode::SUCCESS)
}
