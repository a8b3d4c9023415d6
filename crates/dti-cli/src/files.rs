//! Files this run reads and writes: nothing the user gave is ever overwritten, and an output
//! appears whole or not at all.
//!
//! Every input is registered when it is read (its path with links resolved); an output path
//! that resolves to one of them is refused. Outputs are written to a temporary file in the
//! same folder (a short name of its own, so any legal output name works) and renamed into
//! place, so a failed run leaves no half-written file (and an existing file stays as it was);
//! an interrupted one (SIGINT, SIGTERM, SIGHUP) removes the temporary file before it exits
//! (code 130). An existing output keeps its permissions; a read-only one is refused, as the
//! shell's `>` refuses it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static INPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The path with links and `..` resolved; for a file that does not exist yet, its folder
/// resolved and its name appended.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?.canonicalize().ok()?,
    };
    Some(parent.join(name))
}

/// Records that `path` is an input of this run.
pub fn register(path: &Path) {
    if let (Some(p), Ok(mut inputs)) = (resolved(path), INPUTS.lock()) {
        inputs.push(p);
    }
}

/// Refuses an output path that is one of this run's inputs.
pub fn check(path: &Path) -> Result<(), String> {
    let Some(target) = resolved(path) else {
        return Ok(());
    };
    let inputs = INPUTS
        .lock()
        .map_err(|_| "internal: input list poisoned".to_owned())?;
    if inputs.contains(&target) {
        return Err(format!(
            "refusing to write {}: it is an input of this run (choose another output path)",
            path.display()
        ));
    }
    Ok(())
}

/// Reads a file as bytes and registers it as an input.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = read_bytes(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    register(path);
    Ok(bytes)
}

/// A file's bytes: a large regular file in halves read side by side (the copy out of the
/// page cache and the first touch of the buffer's pages are most of the time), anything else
/// as `std::fs::read` reads it.
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt as _;
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        let len = usize::try_from(meta.len()).unwrap_or(0);
        if meta.is_file() && len >= 16 << 20 {
            let mut bytes = vec![0u8; len];
            let (a, b) = bytes.split_at_mut(len / 2);
            let (ra, rb) = rayon::join(
                || file.read_exact_at(a, 0),
                || file.read_exact_at(b, (len / 2) as u64),
            );
            // A file that changed size as it was read: read again, whole.
            let mut more = [0u8; 1];
            if ra.is_ok() && rb.is_ok() && file.read_at(&mut more, len as u64)? == 0 {
                return Ok(bytes);
            }
        }
    }
    std::fs::read(path)
}

/// Writes `text` to `path` (see [`write_with`]).
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    write_with(path, |w| w.write_all(text.as_bytes()))
}

/// Writes what `fill` makes to `path` as it makes it (an output of a million rows is never
/// held whole), through a temporary file renamed into place once `fill` and the write have
/// succeeded; refuses an input. A path that is not a regular file (a device such as
/// `/dev/stdout`, a pipe) is written directly, and a link to a file replaces the file it
/// points at, not the link.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut (dyn std::io::Write + Send)) -> std::io::Result<()>,
) -> Result<(), String> {
    check(path)?;
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    // /dev/stdout and the like name a stream (which may be a redirected file): write it.
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return stream(path, fill).map_err(fail);
    }
    let target = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(format!("cannot write {}: it is a folder", path.display()))
        }
        Ok(m) if !m.is_file() => return stream(path, fill).map_err(fail),
        Ok(_) => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
        Err(_) => path.to_path_buf(),
    };
    let path = target.as_path();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // An existing output keeps its permissions; one that may not be written is refused,
    // as the shell's `>` would refuse it.
    let keep = match std::fs::metadata(path) {
        Ok(m) if m.permissions().readonly() => {
            return Err(format!(
                "cannot write {}: it is read-only (make it writable, or choose another file)",
                path.display()
            ))
        }
        Ok(m) => Some(m.permissions()),
        Err(_) => None,
    };
    // A short name of its own: the output's name may be as long as a name can be.
    let tmp = dir.join(format!(".dti-{}-{}.tmp", std::process::id(), next_temp()));
    let _guard = Temp::register(&tmp);
    stream(&tmp, fill)
        .and_then(|()| match &keep {
            Some(p) => std::fs::set_permissions(&tmp, p.clone()),
            None => Ok(()),
        })
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(e)
        })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// A number for each temporary file of this process.
fn next_temp() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The temporary files being written, removed if the run is interrupted (SIGINT, SIGTERM,
/// SIGHUP): the handler is installed with the first of them.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary file registered for removal on interruption while it lives.
struct Temp(PathBuf);

impl Temp {
    fn register(path: &Path) -> Temp {
        static HANDLER: std::sync::Once = std::sync::Once::new();
        HANDLER.call_once(|| {
            // Without a handler (another one already set) an interruption leaves the file.
            let _ = ctrlc::set_handler(|| {
                if let Ok(list) = TEMPS.lock() {
                    for p in list.iter() {
                        let _ = std::fs::remove_file(p);
                    }
                }
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "interrupted: the output being written was removed"
                );
                std::process::exit(130);
            });
        });
        if let Ok(mut list) = TEMPS.lock() {
            list.push(path.to_path_buf());
        }
        Temp(path.to_path_buf())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Ok(mut list) = TEMPS.lock() {
            list.retain(|p| p != &self.0);
        }
    }
}

/// Creates `target` and writes what `fill` makes into it through a buffer (writers write
/// field by field; blocks of 64 KiB or more, as a large table's, go straight to the file
/// rather than through a copy in the buffer).
fn stream(
    target: &Path,
    fill: impl FnOnce(&mut (dyn std::io::Write + Send)) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let file = std::fs::File::create(target)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    fill(&mut w)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file large enough to be read in halves reads as `std::fs::read` reads it: every
    /// byte in place, the halves' seam included (an odd length: the halves differ).
    #[test]
    fn a_large_file_reads_whole() {
        let dir = std::env::temp_dir().join(format!("dti-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("large.csv");
        let len = (16 << 20) + 7;
        let bytes: Vec<u8> = (0..len).map(|k: usize| (k % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let got = read_bytes(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got.len(), bytes.len());
        assert!(got == bytes, "the bytes differ");
    }
}
