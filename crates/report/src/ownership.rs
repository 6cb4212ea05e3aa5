//! Which files of an output directory are fundgap's.
//!
//! An output directory fundgap wrote holds a `.fundgap-output` marker that
//! lists, one a line, the files fundgap put there; those, and only those,
//! are fundgap's. [`claim`] sorts what an existing directory holds into
//! fundgap's and everything else, and refuses to go on where replacing the
//! directory would lose anything else — unless the user passed `--force`,
//! and then it first says what will go. The marker also names the command
//! that wrote the directory, and a different command refuses to replace
//! it without `--force`: one analysis's results are never silently
//! replaced by another's. Nothing here writes.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use fundgap::error::{Error, Result};

/// The marker file of an output directory fundgap made.
pub const MARKER: &str = ".fundgap-output";

/// The marker's first lines; the files fundgap wrote follow, one a line.
pub(super) const MARKER_HEADER: &str = "# This directory was written by fundgap. The files listed below are fundgap's:\n\
# the next command with the same --out replaces them, and refuses to touch anything else.\n";

/// The line of the marker naming the command that wrote the directory
/// (`# command: stress`), after [`MARKER_HEADER`]. A comment line, so the
/// list of files reads the same with or without it.
const COMMAND_LINE: &str = "# command: ";

/// The command writing this process's output directories (`run`,
/// `stress`, ...; `merge` records the command whose results it merged):
/// recorded in their markers, and compared with the one already there.
static COMMAND: std::sync::Mutex<Option<&'static str>> = std::sync::Mutex::new(None);

/// Records `command` as the writer of this process's output directories:
/// from now on a directory another command wrote is refused (unless
/// `--force`), so one analysis never silently replaces another's results.
pub fn set_command(command: &'static str) {
    if let Ok(mut c) = COMMAND.lock() {
        *c = Some(command);
    }
}

/// The command writing this process's output directories, if one was set.
pub(super) fn command() -> Option<&'static str> {
    COMMAND.lock().ok().and_then(|c| *c)
}

/// The marker's text: the header, the command that wrote the directory
/// (when known) and the files, one a line.
pub(super) fn marker_text<'f>(
    command: Option<&str>,
    files: impl IntoIterator<Item = &'f String>,
) -> String {
    let mut text = MARKER_HEADER.to_string();
    if let Some(c) = command {
        text.push_str(COMMAND_LINE);
        text.push_str(c);
        text.push('\n');
    }
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// The command a marker says wrote its directory. None for a marker
/// written before markers named their command: such a directory is taken
/// as any command's, so a folder an older fundgap wrote is replaced as it
/// always was rather than refused.
pub(super) fn writer(marker: &Path) -> Option<String> {
    let text = fs::read_to_string(marker).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(COMMAND_LINE))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
}

/// Refuses to replace the output of another command (`written_by`) with
/// this one's, unless `--force` (then saying so, when `say`). The same
/// command replacing its own output is what a re-run does.
fn refuse_another_commands(dir: &Path, written_by: &str, say: bool) -> Result<()> {
    let Some(this) = command() else {
        return Ok(());
    };
    if written_by == this {
        return Ok(());
    }
    if FORCE.load(Ordering::Relaxed) {
        if say {
            notice(format!(
                "fundgap: --force: replacing {}, the output of `fundgap {written_by}`, with this `fundgap {this}`'s",
                dir.display()
            ));
        }
        return Ok(());
    }
    let dir = dir.display();
    Err(Error::Usage(match korean() {
        false => format!(
            "{dir} holds the output of `fundgap {written_by}`; this `fundgap {this}` would replace it. \
             Give --out another folder to keep both, or add --force to replace it"
        ),
        true => format!(
            "{dir}에는 `fundgap {written_by}`의 결과가 있어 이번 `fundgap {this}`가 그것을 바꾸게 됩니다. \
             둘 다 두려면 --out에 다른 폴더를 주고, 바꾸려면 --force를 붙이세요"
        ),
    }))
}

/// Whether refusals are told in Korean (the command's language).
pub(crate) fn korean() -> bool {
    crate::lang::spoken() == fundgap::model::Language::Ko
}

/// Whether `--force` was given: fundgap may remove what it did not write
/// from an output directory it replaces (saying what).
static FORCE: AtomicBool = AtomicBool::new(false);

/// Lets the output directories of this process's commands lose what
/// fundgap did not write (`--force`).
pub fn set_force(force: bool) {
    FORCE.store(force, Ordering::Relaxed);
}

/// Where what `--force` replaced or removed is said: standard error (the
/// command line), or, while [`collect_notices`] runs, a list its caller
/// shows where its user reads (a notebook's cell).
static NOTICES: std::sync::Mutex<Option<Vec<String>>> = std::sync::Mutex::new(None);

/// Says `line` of what `--force` did, where [`NOTICES`] says.
fn notice(line: String) {
    let mut held = NOTICES.lock().unwrap_or_else(|e| e.into_inner());
    match held.as_mut() {
        Some(lines) => lines.push(line),
        None => crate::status!("{line}"),
    }
}

/// Runs `f`, keeping what `--force` replaced or removed meanwhile as
/// lines returned beside its result instead of writing them to standard
/// error: for a shell whose user does not read the process's standard
/// error (the Python package in a notebook).
pub fn collect_notices<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let take = || NOTICES.lock().unwrap_or_else(|e| e.into_inner()).take();
    *NOTICES.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
    let value = f();
    (value, take().unwrap_or_default())
}

pub(super) fn werr(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// What an existing output directory holds, by owner.
pub(super) struct Contents {
    /// Names the marker lists that are there.
    pub(super) ours: BTreeSet<String>,
    /// Everything else but the marker, sorted.
    pub(super) theirs: Vec<String>,
}

/// The directory `path` is in: `.` for a bare name.
pub(super) fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `dir` with symbolic links resolved (a link to a directory stays a
/// link; its target is what is replaced). A link loop is an error.
pub(super) fn resolve(dir: &Path) -> Result<PathBuf> {
    // `out/` and `out/.` name `out` (a trailing slash would make the link
    // check below look through a link).
    let dir: PathBuf = dir.components().collect();
    let dir = dir.as_path();
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

/// The files a marker lists (plain names only: a forged `../x` is not
/// a file of this directory).
pub(super) fn listed(marker: &Path) -> BTreeSet<String> {
    let Ok(text) = fs::read_to_string(marker) else {
        return BTreeSet::new();
    };
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| !l.contains(['/', '\\']) && *l != "." && *l != ".." && *l != MARKER)
        .map(str::to_string)
        .collect()
}

/// Files the system or an office program leaves in any folder: they are
/// not the user's work, and go with the folder.
const SYSTEM_FILES: &[&str] = &[".DS_Store", "Thumbs.db", "desktop.ini"];

/// Inputs of the command running (its scenario, parts): no output
/// directory that holds one is replaced, `--force` or not.
static PROTECTED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Records `path` as an input of this command.
pub fn protect(path: &Path) {
    if let (Ok(p), Ok(mut list)) = (fs::canonicalize(path), PROTECTED.lock()) {
        list.push(p);
    }
}

/// Refuses to replace, whatever `--force` says, a directory that is the
/// current one or holds it, the home directory, or one that holds an input
/// of this command.
fn refuse_never_replaced(dir: &Path) -> Result<()> {
    let Ok(real) = fs::canonicalize(dir) else {
        return Ok(());
    };
    let home = std::env::var_os("HOME").and_then(|h| fs::canonicalize(h).ok());
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| fs::canonicalize(c).ok());
    let what = if cwd.as_ref().is_some_and(|c| c.starts_with(&real)) {
        Some("the current directory or one holding it".to_string())
    } else if home.as_ref() == Some(&real) || real.parent().is_none() {
        Some("a home or root directory".to_string())
    } else {
        PROTECTED.lock().ok().and_then(|list| {
            list.iter()
                .find(|p| p.starts_with(&real))
                .map(|p| format!("a directory holding this command's input {}", p.display()))
        })
    };
    match what {
        Some(what) => Err(Error::Usage(format!(
            "{} is {what}: fundgap replaces an output directory whole, so it will not use this \
             one, even with --force; give --out a directory of its own (e.g. output/my-run)",
            dir.display()
        ))),
        None => Ok(()),
    }
}

/// What `dir` holds, by owner; refuses a directory holding anything that
/// is not fundgap's, unless it is kept (`keep`) or `--force` was given
/// (then saying what goes, when `say`).
pub(super) fn claim(dir: &Path, keep: bool, say: bool) -> Result<Contents> {
    if !dir.is_dir() {
        let dir = dir.display();
        return Err(Error::Usage(match korean() {
            false => format!("{dir} exists and is not a directory; choose another --out"),
            true => format!("{dir}은(는) 폴더가 아닌 파일입니다; --out에 다른 폴더를 주세요"),
        }));
    }
    if !keep {
        refuse_never_replaced(dir)?;
    }
    let marker = dir.join(MARKER);
    let has_marker = fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file());
    let listed = if has_marker {
        listed(&marker)
    } else {
        BTreeSet::new()
    };
    // Adding files (`keep`: a chart redrawn into a run's folder) replaces
    // no other command's output.
    if has_marker
        && !keep
        && let Some(written_by) = writer(&marker)
    {
        refuse_another_commands(dir, &written_by, say)?;
    }
    let mut ours = BTreeSet::new();
    let mut theirs = Vec::new();
    for e in fs::read_dir(dir).map_err(|e| werr(dir, e))? {
        let e = e.map_err(|e| werr(dir, e))?;
        let name = e.file_name().to_string_lossy().to_string();
        if name == MARKER && has_marker {
            continue;
        }
        let plain_file = e.file_type().is_ok_and(|t| t.is_file());
        if let Some(open) = name.strip_prefix("~$")
            && !keep
        {
            let file = dir.join(open);
            let file = file.display();
            return Err(Error::Usage(match korean() {
                false => format!(
                    "{file} is open in Excel or another program (its lock file {name} is there): \
                     close it, then run the command again"
                ),
                true => format!(
                    "{file}이(가) Excel 등에서 열려 있습니다 (잠금 파일 {name}이 있음): 닫은 뒤 명령을 다시 실행하세요"
                ),
            }));
        }
        if (listed.contains(&name) || SYSTEM_FILES.contains(&name.as_str())) && plain_file {
            ours.insert(name);
        } else if e.file_type().is_ok_and(|t| t.is_dir()) {
            theirs.push(format!("{name}/"));
        } else {
            theirs.push(name);
        }
    }
    theirs.sort();
    if keep || theirs.is_empty() {
        theirs.iter_mut().for_each(|n| {
            if n.ends_with('/') {
                n.pop();
            }
        });
        return Ok(Contents { ours, theirs });
    }
    let shown = shown_names(&theirs);
    if FORCE.load(Ordering::Relaxed) {
        if say {
            notice(format!(
                "fundgap: --force: removing from {} what fundgap did not write: {shown}",
                dir.display()
            ));
        }
        return Ok(Contents {
            ours,
            theirs: Vec::new(),
        });
    }
    let older = ["summary.json", "charts.json"]
        .iter()
        .any(|f| theirs.iter().any(|t| t == f));
    let why = match (has_marker, older, korean()) {
        (true, _, false) => "files fundgap did not write",
        (true, _, true) => "fundgap이 쓰지 않은 파일",
        (false, true, false) => {
            "no .fundgap-output marker, so nothing in it is known to be fundgap's; if it is the \
             output of a fundgap from before the marker listed its files, --force replaces it safely"
        }
        (false, true, true) => {
            ".fundgap-output 표시가 없어 fundgap의 것으로 알려진 파일이 없음; 표시가 파일을 적기 \
             전의 fundgap이 쓴 결과라면 --force로 안전하게 바꿀 수 있음"
        }
        (false, false, false) => {
            "no .fundgap-output marker, so nothing in it is known to be fundgap's"
        }
        (false, false, true) => ".fundgap-output 표시가 없어 fundgap의 것으로 알려진 파일이 없음",
    };
    let dir = dir.display();
    Err(Error::Usage(match korean() {
        false => format!(
            "{dir} holds {shown} ({why}); fundgap replaces an output directory whole and never \
             removes what it did not write: move those out, choose another --out, or add --force \
             to remove them"
        ),
        true => format!(
            "{dir}에 {shown}이(가) 있습니다 ({why}); fundgap은 출력 폴더를 통째로 바꾸며 \
             자신이 쓰지 않은 것은 지우지 않습니다: 그 파일을 옮기거나, --out에 다른 폴더를 주거나, \
             지워도 되면 --force를 붙이세요"
        ),
    }))
}

/// Up to eight names, then how many more.
fn shown_names(names: &[String]) -> String {
    let mut shown = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 8 {
        let more = names.len() - 8;
        shown.push_str(&match korean() {
            false => format!(" and {more} more"),
            true => format!(" 외 {more}개"),
        });
    }
    shown
}
