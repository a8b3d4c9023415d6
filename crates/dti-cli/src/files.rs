//! Files this run reads and writes: nothing the user gave is ever overwritten, and an output
//! appears whole or not at all.
//!
//! Every input is registered when it is read (its path with links resolved); an output path
//! that resolves to one of them is refused. Outputs are written to a temporary file in the
//! same folder and renamed into place, so a failed or interrupted run leaves no half-written
//! file (and an existing file stays as it was).

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
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    register(path);
    Ok(bytes)
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    let tmp = dir.join(format!(".{name}.dti-{}.tmp", std::process::id()));
    stream(&tmp, fill).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// Creates `target` and writes what `fill` makes into it through a buffer (writers write
/// field by field).
fn stream(
    target: &Path,
    fill: impl FnOnce(&mut (dyn std::io::Write + Send)) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let file = std::fs::File::create(target)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    fill(&mut w)?;
    w.flush()
}
