//! The seed catalog (`seeds/catalog.toml`): the issuer of each document and
//! its encoding. Documents are data: adding one needs no code change.

pub mod guess;

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::corpus::FileWarning;
use crate::error::{Error, Result};
use crate::read::Encoding;
use crate::record::{Bureau, Level};

pub const CATALOG_FILE: &str = "catalog.toml";

/// One catalog entry.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogEntry {
    pub file: String,
    pub issuer: String,
    pub place: String,
    pub province: String,
    pub city: String,
    #[serde(default)]
    pub county: Option<String>,
    pub level: Level,
    /// Declared encoding; detected when absent.
    #[serde(default)]
    pub encoding: Option<Encoding>,
}

impl CatalogEntry {
    pub fn bureau(&self) -> Bureau {
        Bureau {
            name: self.issuer.clone(),
            place: self.place.clone(),
            province: self.province.clone(),
            city: self.city.clone(),
            county: self.county.clone(),
            level: self.level,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    #[serde(rename = "document", default)]
    pub documents: Vec<CatalogEntry>,
    #[serde(skip)]
    pub dir: PathBuf,
    /// Line of each entry's `file` key in `catalog.toml` (0 when unknown).
    #[serde(skip)]
    pub lines: Vec<usize>,
}

impl Catalog {
    /// Loads `catalog.toml` from a seeds directory.
    pub fn load(seeds_dir: &Path) -> Result<Catalog> {
        let path = seeds_dir.join(CATALOG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut catalog: Catalog = toml::from_str(&text).map_err(|e| Error::Catalog {
            path: path.clone(),
            message: e.to_string(),
        })?;
        catalog.dir = seeds_dir.to_path_buf();
        catalog.find_lines(&text);
        Ok(catalog)
    }

    /// Where each entry's `file` key is, for warnings that point at it.
    fn find_lines(&mut self, text: &str) {
        let lines: Vec<&str> = text.lines().collect();
        let mut from = 0;
        self.lines = self
            .documents
            .iter()
            .map(|entry| {
                let quoted = [format!("\"{}\"", entry.file), format!("'{}'", entry.file)];
                let found = lines[from..].iter().position(|l| {
                    let l = l.trim_start();
                    l.starts_with("file") && quoted.iter().any(|q| l.contains(q.as_str()))
                });
                found.map_or(0, |i| {
                    from += i + 1;
                    from
                })
            })
            .collect();
    }

    /// Line of the `i`-th entry in `catalog.toml` (0 when unknown).
    pub fn line_of(&self, i: usize) -> usize {
        self.lines.get(i).copied().unwrap_or(0)
    }

    pub fn path_of(&self, entry: &CatalogEntry) -> PathBuf {
        self.dir.join(&entry.file)
    }

    /// The entries to read, each with its file's path, and a warning for
    /// each entry left out: a file outside the seeds directory (an absolute
    /// path, `..`, or a symbolic link leading out), or a file catalogued a
    /// second time. Entry file names come back normalised (`./a.txt` is
    /// `a.txt`).
    pub fn checked(&self) -> (Vec<(CatalogEntry, PathBuf)>, Vec<FileWarning>) {
        let mut accepted: Vec<(CatalogEntry, PathBuf, usize)> = Vec::new();
        let mut warnings = Vec::new();
        let mut warn = |entry: &CatalogEntry, line: usize, message: String| {
            warnings.push(FileWarning {
                file: CATALOG_FILE.to_string(),
                line,
                message: format!(
                    "entry file = {:?} ({}): {message}",
                    entry.file, entry.issuer
                ),
            })
        };
        for (i, entry) in self.documents.iter().enumerate() {
            let line = self.line_of(i);
            let path = match self.locate(entry) {
                Ok(path) => path,
                Err(why) => {
                    warn(
                        entry,
                        line,
                        format!(
                            "{why}; only files inside the seeds directory are indexed, entry skipped"
                        ),
                    );
                    continue;
                }
            };
            let file = relative_name(&entry.file).unwrap_or_else(|_| entry.file.clone());
            if let Some((_, _, first)) = accepted.iter().find(|(a, _, _)| a.file == file) {
                warn(
                    entry,
                    line,
                    format!(
                        "the file is already catalogued (line {first}); this second entry is skipped"
                    ),
                );
                continue;
            }
            let mut entry = entry.clone();
            entry.file = file;
            accepted.push((entry, path, line));
        }
        let accepted = accepted.into_iter().map(|(e, p, _)| (e, p)).collect();
        (accepted, warnings)
    }

    /// The path of an entry's file, if it lies inside the seeds directory.
    /// A file that does not exist is not an error here (reading it reports it).
    pub fn locate(&self, entry: &CatalogEntry) -> Result<PathBuf, String> {
        let name = relative_name(&entry.file)?;
        let path = self.dir.join(&name);
        if let (Ok(real), Ok(root)) = (path.canonicalize(), self.dir.canonicalize())
            && !real.starts_with(&root)
        {
            return Err(format!(
                "it leads out of the seeds directory to {} (a symbolic link)",
                real.display()
            ));
        }
        Ok(path)
    }

    /// Files in the seeds directory (any format; not hidden ones or the
    /// catalog itself) that have no catalog entry.
    pub fn uncatalogued_files(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut files: Vec<String> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| {
                name != CATALOG_FILE
                    && !name.starts_with('.')
                    && self.dir.join(name).is_file()
                    && !self
                        .documents
                        .iter()
                        .any(|d| relative_name(&d.file).is_ok_and(|f| &f == name))
            })
            .collect();
        files.sort();
        files
    }

    pub fn entry(&self, file: &str) -> Option<&CatalogEntry> {
        self.documents.iter().find(|d| d.file == file)
    }
}

/// A catalog `file` as a path relative to the seeds directory, `/`-separated
/// and without `.` parts; absolute paths and `..` are refused.
pub fn relative_name(file: &str) -> Result<String, String> {
    let mut parts = Vec::new();
    for component in Path::new(file).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => return Err("the path contains `..`".to_string()),
            Component::RootDir | Component::Prefix(_) => {
                return Err("the path is absolute".to_string());
            }
        }
    }
    if parts.is_empty() {
        return Err("the file name is empty".to_string());
    }
    Ok(parts.join("/"))
}

/// Appends an entry to `catalog.toml` (created when missing), keeping the
/// file's comments and layout. Writers hold `.catalog.lock` and replace the
/// file atomically, so concurrent `qsearch add`s lose no entry and a reader
/// never sees half a catalog.
pub fn add_entry(seeds_dir: &Path, entry: &CatalogEntry) -> Result<()> {
    edit_catalog(seeds_dir, |documents| {
        let mut table = toml_edit::Table::new();
        table["file"] = toml_edit::value(entry.file.as_str());
        table["issuer"] = toml_edit::value(entry.issuer.as_str());
        table["place"] = toml_edit::value(entry.place.as_str());
        table["province"] = toml_edit::value(entry.province.as_str());
        table["city"] = toml_edit::value(entry.city.as_str());
        if let Some(county) = &entry.county {
            table["county"] = toml_edit::value(county.as_str());
        }
        table["level"] = toml_edit::value(entry.level.name());
        if let Some(encoding) = entry.encoding {
            table["encoding"] = toml_edit::value(encoding.name());
        }
        documents.push(table);
        Ok(())
    })
}

/// Removes the entries of `file` from `catalog.toml`; how many there were.
pub fn remove_entry(seeds_dir: &Path, file: &str) -> Result<usize> {
    let mut removed = 0;
    edit_catalog(seeds_dir, |documents| {
        let before = documents.len();
        // The file's opening comments sit before the first entry: they stay
        // at the top when that entry goes.
        let header = documents.get(0).and_then(|t| t.decor().prefix().cloned());
        documents.retain(|t| t.get("file").and_then(|f| f.as_str()) != Some(file));
        removed = before - documents.len();
        if let (Some(header), Some(first)) = (header, documents.get_mut(0)) {
            first.decor_mut().set_prefix(header);
        }
        Ok(())
    })?;
    Ok(removed)
}

fn edit_catalog(
    seeds_dir: &Path,
    edit: impl FnOnce(&mut toml_edit::ArrayOfTables) -> Result<()>,
) -> Result<()> {
    std::fs::create_dir_all(seeds_dir).map_err(|e| Error::io(seeds_dir, e))?;
    let lock_path = seeds_dir.join(".catalog.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    let path = seeds_dir.join(CATALOG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# The catalog: who issued each document (see `qsearch add`).\n".to_string()
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| Error::Catalog {
                path: path.clone(),
                message: e.to_string(),
            })?;
    if doc.get("document").is_none() {
        doc["document"] = toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new());
    }
    let documents = doc["document"]
        .as_array_of_tables_mut()
        .ok_or_else(|| Error::Catalog {
            path: path.clone(),
            message: "`document` is not an array of tables ([[document]])".to_string(),
        })?;
    edit(documents)?;
    let tmp = seeds_dir.join(format!(".{CATALOG_FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, doc.to_string()).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(&path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_added_and_removed_keeping_comments() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CATALOG_FILE),
            "# keep me\n\n[[document]]\nfile = \"a.txt\"\nissuer = \"甲局\"\nplace = \"甲\"\nprovince = \"\"\ncity = \"甲市\"\nlevel = \"city\"\n",
        )
        .unwrap();
        let entry = CatalogEntry {
            file: "b.docx".into(),
            issuer: "乙局".into(),
            place: "乙县".into(),
            province: "河北省".into(),
            city: String::new(),
            county: Some("乙县".into()),
            level: Level::County,
            encoding: None,
        };
        add_entry(dir.path(), &entry).unwrap();
        let catalog = Catalog::load(dir.path()).unwrap();
        assert_eq!(catalog.documents.len(), 2);
        assert_eq!(catalog.documents[1].issuer, "乙局");
        assert_eq!(catalog.documents[1].level, Level::County);
        assert_eq!(remove_entry(dir.path(), "a.txt").unwrap(), 1);
        let text = std::fs::read_to_string(dir.path().join(CATALOG_FILE)).unwrap();
        assert!(text.starts_with("# keep me"));
        assert_eq!(Catalog::load(dir.path()).unwrap().documents.len(), 1);
    }

    #[test]
    fn relative_names_stay_inside() {
        assert_eq!(relative_name("a.txt").unwrap(), "a.txt");
        assert_eq!(relative_name("./sub/./a.txt").unwrap(), "sub/a.txt");
        assert!(relative_name("/etc/passwd").is_err());
        assert!(relative_name("../../etc/passwd").is_err());
        assert!(relative_name("sub/../../x.txt").is_err());
        assert!(relative_name("").is_err());
        assert!(relative_name(".").is_err());
    }
}
