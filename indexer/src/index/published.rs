//! A published generation as tantivy sees it: an mmap directory whose locks
//! are no-ops.
//!
//! tantivy takes `.tantivy-meta.lock` (creating the file, opened for
//! writing) whenever a reader opens its segments, to keep a concurrent
//! writer's garbage collection from deleting them. A published generation has
//! no writer: it is written once in a `tmp-` directory and never changed after
//! the rename. The lock protects nothing there, and taking it makes a complete
//! index on a read-only data directory unreadable (finding 8). So readers of
//! published generations skip it; every other operation is the mmap
//! directory's own.

use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

#[derive(Debug, Clone)]
pub struct PublishedDirectory(MmapDirectory);

impl PublishedDirectory {
    pub fn open(dir: &Path) -> tantivy::Result<PublishedDirectory> {
        Ok(PublishedDirectory(MmapDirectory::open(dir)?))
    }
}

impl Directory for PublishedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }

    /// Nothing writes a published generation, so there is nothing to lock
    /// against; no lock file is created.
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}
