//! Where the tool keeps its files (the XDG base directories) and how it writes them: owner-only
//! when they hold anything private, and replaced atomically so that a reader never sees half a
//! file.

use std::{
    fs::OpenOptions,
    io::Write as _,
    path::{Path, PathBuf},
};

/// `$VAR/vonage-account` when `VAR` (an XDG base directory variable) is an absolute path, else
/// `$HOME/DEFAULT/vonage-account`; `None` when neither can be told.
pub fn xdg_dir(var: &str, default: &str) -> Option<PathBuf> {
    let base = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|home| PathBuf::from(home).join(default))
        })?;
    Some(base.join("vonage-account"))
}

/// Writes `bytes` to a new file next to `path` with `mode` (on unix), syncs it, and renames it
/// over `path`: whoever reads `path` sees the old file or the new one, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", path.display()))?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = renamed {
        let _ = std::fs::remove_file(&temp);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}
