//! Output directories that change as a unit, and never touch what fundgap
//! did not write.
//!
//! A command's files are written into a hidden sibling of the output
//! directory (`.<name>.fundgap-tmp-<pid>`, on the same file system) and
//! the whole sibling then takes the output directory's place in one step:
//! on Linux by exchanging the two with `renameat2(RENAME_EXCHANGE)`, so a
//! reader sees the old results or the new ones, never a mix; elsewhere the
//! old directory is first renamed aside (for an instant the output
//! directory does not exist, but it is never a mix either). Files of an
//! earlier run that this one does not write (a chart of a service the new
//! scenario lacks) go with the old directory.
//!
//! **Ownership.** Every output directory holds a `.fundgap-output` marker
//! listing the files fundgap wrote there; those, and only those, are
//! fundgap's. An existing directory is replaced only when everything in it
//! is fundgap's (or it is empty). Anything else — a directory without a
//! marker, a file or folder a user added — makes the command refuse with
//! the names it found, unless the user passed `--force`, in which case the
//! names are said before they are removed (`ownership.rs`, which also
//! never lets the current directory or one holding an input go).
//! Redrawing charts ([`Staging::update`]) does not swap: it puts each new
//! file beside everything else and refuses a name the user's entry has.
//!
//! **Interruption.** Ctrl-C sets [`interrupted`]; every write and the
//! final swap check it, so an interrupted command stops with nothing
//! replaced and its staging directory removed. A run killed outright
//! leaves only its hidden sibling, which the next command writing to the
//! same place removes once that process is gone.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use fundgap::error::{Error, Result};

use super::ownership::{MARKER, claim, command, marker_text, parent_of, resolve, werr, writer};
#[cfg(test)]
use super::ownership::{MARKER_HEADER, listed};

/// Set by Ctrl-C: the engine stops at its next block of trials, and a
/// [`Staging`] refuses its next write or swap.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Staging directories that exist now, for a process that must end at
/// once (a Ctrl-C during work that cannot stop part-way). The lock is also
/// held across a swap, so an ending process never removes a directory
/// mid-swap.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set once a command began putting its results in place: a Ctrl-C from
/// then on can no longer leave the previous results as they were.
static COMMITTED: AtomicBool = AtomicBool::new(false);

/// Whether any staging directory exists, and whether results were put in
/// place — after waiting for a swap in progress to finish.
pub fn state() -> (bool, bool) {
    let live = LIVE.lock().map(|l| !l.is_empty()).unwrap_or(false);
    (live, COMMITTED.load(Ordering::SeqCst))
}

/// The flag Ctrl-C sets; the engine's runs take it as their cancel flag.
pub fn interrupt_flag() -> &'static AtomicBool {
    &INTERRUPTED
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Removes every staging directory of this process, for a process about
/// to end without unwinding.
pub fn abandon_all() {
    if let Ok(mut live) = LIVE.lock() {
        for tmp in live.drain(..) {
            if tmp.is_dir() {
                let _ = fs::remove_dir_all(tmp);
            } else {
                let _ = fs::remove_file(tmp);
            }
        }
    }
}

/// A set of output files being written; see the module docs.
#[derive(Debug)]
pub struct Staging {
    /// The output directory, symbolic links resolved.
    dir: PathBuf,
    tmp: PathBuf,
    /// Files this command wrote.
    files: Vec<String>,
    /// Files of the directory fundgap wrote before and kept (an update).
    kept: BTreeSet<String>,
    /// In an update, the user's entries already in the directory (a name
    /// among them is never written).
    theirs: BTreeSet<String>,
    /// Whether everything already there is kept (an update).
    keep: bool,
    /// The command its marker names: this process's, or in an update the
    /// one that wrote the directory (redrawn charts leave a run a run's).
    command: Option<String>,
    /// The Ctrl-C flag every write and the swap check.
    cancel: &'static AtomicBool,
    committed: bool,
}

/// Where finished output files go: the staging directory, or memory (the
/// charts an HTML report inlines).
pub trait Sink {
    /// Keeps `bytes` as the file `name`.
    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()>;
}

impl Sink for Staging {
    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        Staging::write(self, name, bytes)
    }
}

/// Files kept in memory, in the order written.
impl Sink for Vec<(String, Vec<u8>)> {
    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.push((name.to_string(), bytes.to_vec()));
        Ok(())
    }
}

impl Staging {
    /// Starts a new set of files that will replace `dir` as a whole.
    pub fn new(dir: &Path) -> Result<Self> {
        Self::begin(dir, false)
    }

    /// Starts a set of files to add to `dir` (for redrawing a run's
    /// charts): each replaces only its namesake among fundgap's files;
    /// everything else in `dir` — the user's files and folders — stays
    /// untouched, and a file of the user's with the same name as one to
    /// write is refused.
    pub fn update(dir: &Path) -> Result<Self> {
        Self::begin(dir, true)
    }

    /// Checks, before any long work, that `dir` could be written: the
    /// same refusals a [`Staging::new`] there would meet, and nothing
    /// written.
    pub fn check(dir: &Path) -> Result<()> {
        let dir = resolve(dir)?;
        if dir.exists() {
            claim(&dir, false, false)?;
        }
        Ok(())
    }

    fn begin(dir: &Path, keep: bool) -> Result<Self> {
        Self::begin_with(dir, keep, &INTERRUPTED)
    }

    fn begin_with(dir: &Path, keep: bool, cancel: &'static AtomicBool) -> Result<Self> {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        let dir = resolve(dir)?;
        let contents = if dir.exists() {
            Some(claim(&dir, keep, true)?)
        } else {
            None
        };
        let tmp = hidden_sibling(&dir, "output")?;
        if tmp.exists() {
            // This process's own, from a staging it already abandoned.
            fs::remove_dir_all(&tmp).map_err(|e| werr(&tmp, e))?;
        }
        let command = match keep {
            true => writer(&dir.join(MARKER)),
            false => self::command().map(str::to_string),
        };
        let (kept, theirs) = match (keep, contents) {
            (true, Some(c)) => (c.ours, c.theirs.into_iter().collect()),
            _ => (BTreeSet::new(), BTreeSet::new()),
        };
        let st = Staging {
            dir,
            tmp,
            files: Vec::new(),
            kept,
            theirs,
            keep,
            command,
            cancel,
            committed: false,
        };
        fs::create_dir(&st.tmp).map_err(|e| werr(&st.tmp, e))?;
        // A staging directory carries the marker from the start, so a
        // leftover of a killed process is recognisably fundgap's.
        st.write_marker(&st.tmp)?;
        Ok(st)
    }

    /// Path inside the staging directory where `name` is to be written.
    pub fn path(&mut self, name: &str) -> PathBuf {
        if !self.files.iter().any(|f| f == name) {
            self.files.push(name.to_string());
        }
        self.tmp.join(name)
    }

    /// Writes `bytes` as `name`.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        self.not_theirs(name)?;
        let path = self.path(name);
        let mut f = fs::File::create(&path).map_err(|e| werr(&path, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| werr(&path, e))
    }

    /// Refuses, in an update, a name the user's own entry already has.
    fn not_theirs(&self, name: &str) -> Result<()> {
        if self.theirs.contains(name) {
            let file = self.dir.join(name);
            let file = file.display();
            return Err(Error::Usage(match crate::ownership::korean() {
                false => format!(
                    "{file} is not fundgap's (the folder's {MARKER} does not list it), and fundgap \
                         would have to replace it: move or rename it, then run the command again"
                ),
                true => format!(
                    "{file}은(는) fundgap이 쓴 파일이 아니라서(폴더의 {MARKER}에 없음) 바꾸지 않습니다: \
                         옮기거나 이름을 바꾼 뒤 명령을 다시 실행하세요"
                ),
            }));
        }
        Ok(())
    }

    /// Writes into `dir` the marker listing fundgap's files: those this
    /// command wrote and, in an update, those fundgap wrote there before.
    fn write_marker(&self, dir: &Path) -> Result<()> {
        let listed: BTreeSet<&String> = self.files.iter().chain(&self.kept).collect();
        let text = marker_text(self.command.as_deref(), listed);
        let marker = dir.join(MARKER);
        fs::write(&marker, text).map_err(|e| werr(&marker, e))
    }

    /// Puts the staged files in place — the whole directory in the output
    /// directory's place, or in an update each file beside the others —
    /// and returns the paths of the files this command wrote.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        self.write_marker(&self.tmp)?;
        // No process end removes the staging directory mid-swap.
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        if self.keep && self.dir.exists() {
            // Checked again: the user may have added a namesake since.
            let now = claim(&self.dir, true, false)?;
            self.theirs = now.theirs.into_iter().collect();
            for f in &self.files {
                self.not_theirs(f)?;
            }
            COMMITTED.store(true, Ordering::SeqCst);
            // The marker first: a file it lists that is not there yet is
            // harmless; a file there it does not list would be the user's.
            let staged_marker = self.tmp.join(MARKER);
            let marker = self.dir.join(MARKER);
            fs::rename(&staged_marker, &marker).map_err(|e| werr(&marker, e))?;
            for f in &self.files {
                let to = self.dir.join(f);
                fs::rename(self.tmp.join(f), &to).map_err(|e| werr(&to, e))?;
            }
            let _ = fs::remove_dir_all(&self.tmp);
        } else if self.dir.exists() {
            // Claimed when staging began; checked again in case it changed.
            claim(&self.dir, false, false)?;
            COMMITTED.store(true, Ordering::SeqCst);
            exchange(&self.tmp, &self.dir)?;
            // The staging path now holds the previous results.
            let _ = fs::remove_dir_all(&self.tmp);
        } else {
            COMMITTED.store(true, Ordering::SeqCst);
            fs::rename(&self.tmp, &self.dir).map_err(|e| werr(&self.dir, e))?;
        }
        live.retain(|t| t != &self.tmp);
        self.committed = true;
        Ok(self.files.iter().map(|f| self.dir.join(f)).collect())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
            unregister(&self.tmp);
        }
    }
}

/// Whether a part may be written at `path` (see [`write_file`]), checked
/// before the work that makes it.
pub fn check_part(path: &Path, magic: &[u8]) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(Error::Usage(format!(
                "{} is a directory; --out names the part file to write",
                path.display()
            )));
        }
        Ok(m) if !m.is_file() => {
            return Err(Error::Usage(format!(
                "{} exists and is not a regular file (a link, device or pipe); fundgap writes \
                 a part only as a new file or over an earlier part: choose another --out",
                path.display()
            )));
        }
        Ok(_) => {
            let mut head = vec![0u8; magic.len()];
            let is_part = fs::File::open(path)
                .and_then(|mut f| f.read_exact(&mut head))
                .is_ok()
                && head == magic;
            if !is_part {
                return Err(Error::Usage(format!(
                    "{} exists and is not a fundgap part file; fundgap replaces only a part it \
                     wrote: choose another --out",
                    path.display()
                )));
            }
        }
        Err(_) => {}
    }
    Ok(())
}

/// Writes one part file whole: into a hidden sibling, synced, then renamed
/// over `path`, so a reader (or a merge started too early) sees the old
/// file or the new one, never part of one. It replaces only an earlier
/// part file (one starting with `magic`): never a directory, a device, a
/// link, or any other file, such as the scenario it came from.
pub fn write_file(path: &Path, bytes: &[u8], magic: &[u8]) -> Result<()> {
    check_part(path, magic)?;
    let tmp = hidden_sibling(path, "part")?;
    let _ = fs::remove_file(&tmp);
    // A new file: never one planted (or linked) at that name.
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| {
            if interrupted() {
                Err(std::io::Error::other("interrupted"))
            } else {
                fs::rename(&tmp, path)
            }
        });
    unregister(&tmp);
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        if interrupted() {
            return Err(Error::Interrupted);
        }
        return Err(werr(path, e));
    }
    Ok(())
}

/// This process's hidden sibling of `path`, `.<name>.fundgap-tmp-<pid>`
/// (named by `path`: that is what the user asked for; `fallback` when it
/// has no name), in its parent, which is made if missing; leftovers of
/// dead processes beside it are cleaned up first. It is registered before
/// it exists, so a process ending at once removes it.
fn hidden_sibling(path: &Path, fallback: &str) -> Result<PathBuf> {
    let parent = parent_of(path);
    fs::create_dir_all(&parent).map_err(|e| werr(path, e))?;
    let name = path
        .file_name()
        .map_or_else(|| fallback.to_string(), |n| n.to_string_lossy().to_string());
    remove_stale(&parent, &name, path);
    let tmp = parent.join(format!(".{name}.fundgap-tmp-{}", std::process::id()));
    if let Ok(mut live) = LIVE.lock() {
        live.push(tmp.clone());
    }
    Ok(tmp)
}

/// Forgets `tmp`: it is gone or in place.
fn unregister(tmp: &Path) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|t| t != tmp);
    }
}

/// Swaps the directories `a` and `b` in one step where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| werr(p, std::io::ErrorKind::InvalidInput.into()))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths; renameat2 only reads them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    // File systems without RENAME_EXCHANGE (some network ones) fall back.
    if matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
        return exchange_by_renames(a, b);
    }
    Err(werr(b, e))
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    exchange_by_renames(a, b)
}

/// The fallback: `b` aside, `a` into its place, the old `b` where `a` was.
fn exchange_by_renames(a: &Path, b: &Path) -> Result<()> {
    let mut aside = a.as_os_str().to_owned();
    aside.push(".old");
    let aside = PathBuf::from(aside);
    fs::rename(b, &aside).map_err(|e| werr(b, e))?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(werr(b, e));
    }
    fs::rename(&aside, a).map_err(|e| werr(a, e))
}

/// Removes hidden siblings `.<name>.fundgap-tmp-<pid>` left by commands
/// that were killed: only when that process no longer exists and the
/// folder is fundgap's (it carries the marker, or is empty). A `.old` one
/// (the previous results set aside by a swap that was cut short) is put
/// back in `dir`'s place when `dir` is missing, not removed. Where
/// processes cannot be looked up (no /proc), they are left: hidden, and
/// never read.
fn remove_stale(parent: &Path, name: &str, dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.fundgap-tmp-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        let Some(pid) = file.strip_prefix(&prefix) else {
            continue;
        };
        let aside = pid.ends_with(".old");
        let pid = pid.trim_end_matches(".old");
        let dead = pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists();
        let path = e.path();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let ours = is_dir
            && (path.join(MARKER).is_file()
                || fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()));
        if !dead {
            continue;
        }
        if aside && is_dir && !dir.exists() {
            let _ = fs::rename(&path, dir);
        } else if ours {
            let _ = fs::remove_dir_all(path);
        } else if !is_dir && fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            // A part file's temporary copy.
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests;
