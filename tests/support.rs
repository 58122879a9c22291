//! Shared helpers for the acceptance tests: the real seeds and their records.

use std::path::PathBuf;
use std::sync::OnceLock;

use qsearch::Corpus;

/// The project's seeds directory.
pub fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seeds")
}

/// The corpus of the real seeds, read once per test binary.
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| Corpus::load(&seeds_dir()).expect("the seeds catalog loads"))
}

/// Lines `start..=end` (1-based) of a seed file.
pub fn seed_lines(file: &str, start: usize, end: usize) -> String {
    let text = std::fs::read_to_string(seeds_dir().join(file)).expect("seed file readable");
    text.split('\n')
        .skip(start - 1)
        .take(end + 1 - start)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The seed file whose name starts with a prefix such as `000`.
pub fn seed_file(prefix: &str) -> String {
    std::fs::read_dir(seeds_dir())
        .expect("seeds dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(prefix) && n.ends_with(".txt"))
        .unwrap_or_else(|| panic!("no seed file {prefix}*"))
}
