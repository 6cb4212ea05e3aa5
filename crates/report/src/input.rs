//! What a user hands fundgap as files: scenario files (or the built-in
//! baseline), fonts, a run's charts.json, part files. Every read is
//! bounded, so a huge file or a device that never ends (`/dev/zero`) is
//! refused before it fills memory, and a named pipe without a writer
//! never blocks. The library core reads no files: its shells read them
//! here and hand it text and bytes.

use std::borrow::Cow;
use std::path::Path;

use fundgap::error::{Error, Result};
use fundgap::model::Model;
use fundgap::scenario::{self, BUILTIN_BASELINE, BUILTIN_BASELINE_NAME, MAX_SCENARIO_BYTES};

/// Reads and compiles a scenario file (TOML or a workbook).
pub fn load(path: &Path) -> Result<Model> {
    let (text, label) = read_source(Some(path))?;
    scenario::parse_str(&text, &label).map_err(|e| crate::book::locate(e.into()))
}

/// Reads at most `limit` bytes of `path`; a longer file (or an endless
/// one) is [`Error::TooLarge`] naming `what` it should have been.
pub fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>> {
    use std::io::Read;
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let (file, pipe) = open_without_waiting(path).map_err(read_err)?;
    let mut buf = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(read_err)?;
    if pipe && buf.is_empty() {
        return Err(read_err(std::io::Error::other(
            "a named pipe that nothing was written to (no program was writing into it)",
        )));
    }
    if buf.len() as u64 > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit,
            what,
        });
    }
    Ok(buf)
}

/// Opens `path` for reading. A named pipe is opened without waiting for
/// a writer (a plain open would block until one came, forever if none
/// does): one with a writer is read to its end as usual, one without
/// reads as empty. The flag says whether it was a named pipe.
fn open_without_waiting(path: &Path) -> std::io::Result<(std::fs::File, bool)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        use std::os::unix::io::AsRawFd;
        if std::fs::metadata(path)?.file_type().is_fifo() {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)?;
            // Reads block again from here on, so a writer's data is waited
            // for; with no writer a read returns end-of-file at once.
            // SAFETY: fcntl on a descriptor this function owns.
            let fd = file.as_raw_fd();
            let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
            if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0
            {
                return Err(std::io::Error::last_os_error());
            }
            return Ok((file, true));
        }
    }
    Ok((std::fs::File::open(path)?, false))
}

/// The TOML text a scenario file's bytes stand for: a workbook is read
/// into it, which every command then validates as it would a file (its
/// problems told at their cells, `crate::book::locate`); anything else
/// must be UTF-8. `label` names the file in messages.
pub fn scenario_text(label: &str, bytes: Vec<u8>) -> Result<String> {
    if crate::book::is_workbook(&bytes) {
        let (text, map) = crate::book::read(&bytes, label)?;
        crate::book::remember(label, map);
        return Ok(text);
    }
    let invalid = |why: &str| Error::Read {
        path: label.into(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, why),
    };
    // A file named .xlsx that is no workbook is a broken or mislabelled
    // file (a CSV renamed, say), not a scenario with a TOML syntax error.
    if label.to_ascii_lowercase().ends_with(".xlsx") {
        return Err(invalid(
            "not an Excel workbook (an .xlsx file is a zip archive and this one is not): save it again from Excel or LibreOffice as .xlsx",
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        invalid(
            "not UTF-8 text; a scenario is a TOML file saved as UTF-8 or an Excel workbook (.xlsx)",
        )
    })
}

/// A scenario as a command takes it: its text, its label (the path as
/// given) and its file stem, the built-in baseline's when `path` is None.
/// The file is marked so that no output folder holding it is replaced
/// (`ownership::protect`).
pub fn load_scenario(path: Option<&Path>) -> Result<(String, String, String)> {
    let (text, label) = read_source(path)?;
    if let Some(p) = path {
        crate::ownership::protect(p);
    }
    let stem = path
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| BUILTIN_BASELINE_NAME.trim_end_matches(".toml").to_string());
    Ok((text.into_owned(), label, stem))
}

/// A scenario's text together with its display label.
pub fn read_source(path: Option<&Path>) -> Result<(Cow<'static, str>, String)> {
    match path {
        Some(p) => {
            let bytes = read_bounded(p, MAX_SCENARIO_BYTES, "scenario file")?;
            let label = p.display().to_string();
            let text = scenario_text(&label, bytes)?;
            Ok((Cow::Owned(text), label))
        }
        None => Ok((
            Cow::Borrowed(BUILTIN_BASELINE),
            format!("<built-in {BUILTIN_BASELINE_NAME}>"),
        )),
    }
}
