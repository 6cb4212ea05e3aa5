//! Output directories that change as a unit.
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
//! fundgap replaces only a directory it made: every output directory holds
//! a `.fundgap-output` marker. A directory without one is replaced only if
//! it is empty or holds an earlier fundgap's outputs (a `summary.json`,
//! `charts.json` or an analysis file); anything else is refused. A run
//! killed before it finished leaves only its hidden sibling, which the next
//! run in the same place removes once its process is gone.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use fundgap::error::{Error, Result};

/// The marker file of an output directory fundgap made.
pub const MARKER: &str = ".fundgap-output";

/// Files by which an output directory of an earlier fundgap (before the
/// marker) is recognised.
const EARLIER_OUTPUTS: &[&str] = &[
    "summary.json",
    "charts.json",
    "stress.csv",
    "compare.csv",
    "sensitivity.csv",
    "evaluation.json",
    "backtest.json",
];

fn werr(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// A set of output files being written; see the module docs.
#[derive(Debug)]
pub struct Staging {
    /// The output directory, symbolic links resolved.
    dir: PathBuf,
    tmp: PathBuf,
    files: Vec<String>,
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

    /// Starts from the files already in `dir` (for redrawing a run's
    /// charts): what is written replaces them, the rest is kept.
    pub fn update(dir: &Path) -> Result<Self> {
        Self::begin(dir, true)
    }

    fn begin(dir: &Path, keep: bool) -> Result<Self> {
        let dir = resolve(dir)?;
        if dir.exists() {
            claim(&dir)?;
        }
        let parent = dir.parent().unwrap_or(Path::new("."));
        // Named by the output directory: that is what the user asked for.
        fs::create_dir_all(parent).map_err(|e| werr(&dir, e))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "output".into());
        remove_stale(parent, &name);
        let tmp = parent.join(format!(".{name}.fundgap-tmp-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| werr(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| werr(&tmp, e))?;
        let st = Staging {
            dir,
            tmp,
            files: Vec::new(),
            committed: false,
        };
        if keep && st.dir.is_dir() {
            for e in fs::read_dir(&st.dir)
                .map_err(|e| werr(&st.dir, e))?
                .flatten()
            {
                let path = e.path();
                let name = e.file_name().to_string_lossy().to_string();
                if path.is_file() && name != MARKER {
                    fs::copy(&path, st.tmp.join(&name)).map_err(|e| werr(&path, e))?;
                }
            }
        }
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
        let path = self.path(name);
        let mut f = fs::File::create(&path).map_err(|e| werr(&path, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| werr(&path, e))
    }

    /// Puts the staged directory in the output directory's place; returns
    /// the paths of the files this command wrote.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let marker = self.tmp.join(MARKER);
        fs::write(
            &marker,
            "This directory was written by fundgap; the next run with the same --out replaces it whole.\n",
        )
        .map_err(|e| werr(&marker, e))?;
        if self.dir.exists() {
            // Claimed when staging began; checked again in case it changed.
            claim(&self.dir)?;
            exchange(&self.tmp, &self.dir)?;
            // The staging path now holds the previous results.
            let _ = fs::remove_dir_all(&self.tmp);
        } else {
            fs::rename(&self.tmp, &self.dir).map_err(|e| werr(&self.dir, e))?;
        }
        self.committed = true;
        Ok(self.files.iter().map(|f| self.dir.join(f)).collect())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Writes one file whole: into a hidden sibling, synced, then renamed over
/// `path`, so a reader (or a merge started too early) sees the old file or
/// the new one, never part of one. Refuses to replace a directory.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a directory; --out names the part file to write",
            path.display()
        )));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent).map_err(|e| werr(path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "part".into());
    let tmp = parent.join(format!(".{name}.fundgap-tmp-{}", std::process::id()));
    let written = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(werr(path, e));
    }
    Ok(())
}

/// `dir` with symbolic links resolved (a link to a directory stays a
/// link; its target is what is replaced). A link loop is an error.
fn resolve(dir: &Path) -> Result<PathBuf> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(dir).map_err(|source| {
            Error::Usage(format!(
                "cannot use {} as the output directory: {source} (a symbolic link that leads nowhere or to itself?)",
                dir.display()
            ))
        }),
        _ => Ok(dir.to_path_buf()),
    }
}

/// Whether fundgap may replace `dir`: it holds the marker, or is empty,
/// or holds an earlier fundgap's outputs.
fn claim(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} exists and is not a directory; choose another --out",
            dir.display()
        )));
    }
    let ours = dir.join(MARKER).is_file()
        || EARLIER_OUTPUTS.iter().any(|f| dir.join(f).is_file())
        || fs::read_dir(dir)
            .map(|mut e| e.next().is_none())
            .unwrap_or(false);
    if ours {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{} exists and was not written by fundgap (it has no {MARKER} marker); \
             fundgap replaces an output directory whole, so it will not touch this one: \
             choose another --out, or remove it yourself",
            dir.display()
        )))
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
    let aside = a.with_extension("old");
    fs::rename(b, &aside).map_err(|e| werr(b, e))?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(werr(b, e));
    }
    fs::rename(&aside, a).map_err(|e| werr(a, e))
}

/// Removes hidden siblings `.<name>.fundgap-tmp-<pid>` left by runs that
/// were killed (their process no longer exists). Where processes cannot
/// be looked up (no /proc), they are left: hidden, and never read.
fn remove_stale(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.fundgap-tmp-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        if let Some(pid) = file.strip_prefix(&prefix) {
            let pid = pid.trim_end_matches(".old");
            if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_run_replaces_the_directory_whole_or_not_at_all() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        let mut st = Staging::new(&out).unwrap();
        st.write("summary.json", b"one").unwrap();
        st.write("fan-cctv.png", b"png").unwrap();
        st.commit().unwrap();
        assert_eq!(names(&out), [MARKER, "fan-cctv.png", "summary.json"]);
        {
            let mut st = Staging::new(&out).unwrap();
            st.write("summary.json", b"two").unwrap();
            // dropped without commit: a failed run changes nothing
        }
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "one");
        let mut st = Staging::new(&out).unwrap();
        st.write("summary.json", b"two").unwrap();
        st.commit().unwrap();
        // The old run's chart of a service the new one lacks is gone.
        assert_eq!(names(&out), [MARKER, "summary.json"]);
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "two");
        // Nothing hidden is left beside it.
        assert_eq!(names(root.path()), ["run"]);
    }

    #[test]
    fn a_directory_fundgap_did_not_make_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let theirs = root.path().join("thesis");
        fs::create_dir(&theirs).unwrap();
        fs::write(theirs.join("chapter1.docx"), b"words").unwrap();
        let e = Staging::new(&theirs).unwrap_err().to_string();
        assert!(e.contains("not written by fundgap"), "{e}");
        assert!(theirs.join("chapter1.docx").exists());
        // An empty directory, or an earlier fundgap's output, is fine.
        let empty = root.path().join("empty");
        fs::create_dir(&empty).unwrap();
        Staging::new(&empty).unwrap().commit().unwrap();
        let old = root.path().join("old");
        fs::create_dir(&old).unwrap();
        fs::write(old.join("summary.json"), b"{}").unwrap();
        Staging::new(&old).unwrap().commit().unwrap();
        assert_eq!(names(&old), [MARKER]);
    }

    #[test]
    fn an_update_keeps_what_it_does_not_rewrite() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        let mut st = Staging::new(&out).unwrap();
        st.write("charts.json", b"data").unwrap();
        st.write("a.png", b"old").unwrap();
        st.commit().unwrap();
        let mut st = Staging::update(&out).unwrap();
        st.write("a.png", b"new").unwrap();
        st.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("charts.json")).unwrap(), "data");
        assert_eq!(fs::read_to_string(out.join("a.png")).unwrap(), "new");
    }

    /// A write that fails (here its directory vanished; a full disk is
    /// the same error path) is a write error naming the file — exit 1 —
    /// and the output directory is not created.
    #[test]
    fn a_failed_write_names_the_file_and_creates_nothing() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        let mut st = Staging::new(&out).unwrap();
        fs::remove_dir_all(&st.tmp).unwrap();
        let e = st.write("fan-portfolio.png", b"png").unwrap_err();
        assert!(
            matches!(e, Error::Write { .. }) && !e.is_user_error(),
            "{e}"
        );
        assert!(e.to_string().contains("fan-portfolio.png"), "{e}");
        drop(st);
        assert!(!out.exists());
        assert_eq!(names(root.path()), Vec::<String>::new());
    }

    #[test]
    fn leftovers_of_a_killed_run_are_removed() {
        let root = tempfile::tempdir().unwrap();
        // No process has pid 4294967295.
        let dead = root.path().join(".run.fundgap-tmp-4294967295");
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join("yearly.csv"), b"partial").unwrap();
        Staging::new(&root.path().join("run"))
            .unwrap()
            .commit()
            .unwrap();
        if Path::new("/proc/self").exists() {
            assert_eq!(names(root.path()), ["run"]);
        }
    }
}
