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
    assert!(e.contains("chapter1.docx") && e.contains("--force"), "{e}");
    assert!(theirs.join("chapter1.docx").exists());
    // A file named like one of fundgap's outputs does not make a
    // folder fundgap's: only the marker does.
    fs::write(theirs.join("summary.json"), b"{}").unwrap();
    let e = Staging::new(&theirs).unwrap_err().to_string();
    assert!(e.contains("chapter1.docx") && e.contains("marker"), "{e}");
    assert_eq!(names(&theirs), ["chapter1.docx", "summary.json"]);
    // An empty directory is fine.
    let empty = root.path().join("empty");
    fs::create_dir(&empty).unwrap();
    Staging::new(&empty).unwrap().commit().unwrap();
    assert_eq!(names(&empty), [MARKER]);
}

#[test]
fn what_a_user_adds_to_an_output_directory_is_never_removed() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("run");
    let mut st = Staging::new(&out).unwrap();
    st.write("summary.json", b"one").unwrap();
    st.commit().unwrap();
    let marker = fs::read_to_string(out.join(MARKER)).unwrap();
    assert!(marker.lines().any(|l| l == "summary.json"), "{marker}");
    fs::write(out.join("notes.txt"), b"mine").unwrap();
    fs::create_dir(out.join("drafts")).unwrap();
    let e = Staging::new(&out).unwrap_err().to_string();
    assert!(e.contains("drafts/, notes.txt"), "{e}");
    assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
    // A marker's forged entries name no file outside the folder.
    fs::write(out.join(MARKER), format!("{marker}../x\nnotes.txt/\n")).unwrap();
    assert!(Staging::new(&out).is_err());
    // Nothing hidden is left beside it.
    assert_eq!(names(root.path()), ["run"]);
}

#[test]
fn an_update_keeps_what_it_does_not_rewrite() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("run");
    let mut st = Staging::new(&out).unwrap();
    st.write("charts.json", b"data").unwrap();
    st.write("a.png", b"old").unwrap();
    st.commit().unwrap();
    fs::create_dir_all(out.join("mine/deeper")).unwrap();
    fs::write(out.join("mine/deeper/f.txt"), b"kept").unwrap();
    fs::write(out.join("notes.txt"), b"mine").unwrap();
    let mut st = Staging::update(&out).unwrap();
    st.write("a.png", b"new").unwrap();
    st.write("b.svg", b"new").unwrap();
    st.commit().unwrap();
    assert_eq!(fs::read_to_string(out.join("charts.json")).unwrap(), "data");
    assert_eq!(fs::read_to_string(out.join("a.png")).unwrap(), "new");
    assert_eq!(fs::read(out.join("mine/deeper/f.txt")).unwrap(), b"kept");
    assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
    // The marker lists fundgap's files, old and new, and not the user's.
    let listed = listed(&out.join(MARKER));
    assert_eq!(
        listed.into_iter().collect::<Vec<_>>(),
        ["a.png", "b.svg", "charts.json"]
    );
}

/// An update never writes through, or replaces, what the user put in
/// the folder under a name it would write: a link to another file, or a
/// file of their own; fundgap's own files it replaces in place.
#[cfg(unix)]
#[test]
fn an_update_never_replaces_a_users_namesake() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("run");
    let mut st = Staging::new(&out).unwrap();
    st.write("fan.png", b"old").unwrap();
    st.commit().unwrap();
    let victim = root.path().join("victim.txt");
    fs::write(&victim, b"precious").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("a.png")).unwrap();
    fs::write(out.join("survival.png"), b"my own figure").unwrap();
    for name in ["a.png", "survival.png"] {
        let mut st = Staging::update(&out).unwrap();
        st.write("fan.png", b"new").unwrap();
        let e = st.write(name, b"png").unwrap_err().to_string();
        assert!(e.contains("is not fundgap's") && e.contains(name), "{e}");
    }
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    assert_eq!(
        fs::read(out.join("survival.png")).unwrap(),
        b"my own figure"
    );
    assert_eq!(fs::read(out.join("fan.png")).unwrap(), b"old");
    // A namesake that appears while the charts are drawn is caught at the end.
    let mut st = Staging::update(&out).unwrap();
    st.write("fan.png", b"new").unwrap();
    st.write("late.svg", b"svg").unwrap();
    fs::write(out.join("late.svg"), b"mine, just now").unwrap();
    assert!(st.commit().is_err());
    assert_eq!(fs::read(out.join("late.svg")).unwrap(), b"mine, just now");
    let mut st = Staging::update(&out).unwrap();
    st.write("fan.png", b"new").unwrap();
    st.commit().unwrap();
    assert_eq!(fs::read(out.join("fan.png")).unwrap(), b"new");
    assert_eq!(names(root.path()), ["run", "victim.txt"]);
}

/// Never replaced, `--force` or not: the current directory or one holding
/// it, and a directory holding an input of the command.
#[test]
fn the_working_directory_and_inputs_are_never_replaced() {
    let cwd = std::env::current_dir().unwrap();
    let e = Staging::check(&cwd).unwrap_err().to_string();
    assert!(e.contains("current directory"), "{e}");
    if let Some(parent) = cwd.parent() {
        assert!(Staging::check(parent).is_err());
    }
    let root = tempfile::tempdir().unwrap();
    let inputs = root.path().join("inputs");
    fs::create_dir(&inputs).unwrap();
    fs::write(inputs.join("city.toml"), b"[scenario]").unwrap();
    super::super::ownership::protect(&inputs.join("city.toml"));
    let e = Staging::check(&inputs).unwrap_err().to_string();
    assert!(
        e.contains("city.toml") && e.contains("even with --force"),
        "{e}"
    );
    // An update (chart) may write into such a directory: it replaces
    // only fundgap's own files.
    assert!(Staging::update(&inputs).is_ok());
}

/// An Excel lock file says which report is open; the system's own files
/// (.DS_Store) are not the user's work; `out/` and `out` are one folder.
#[test]
fn lock_files_and_system_files_and_slashes() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("run");
    let mut st = Staging::new(&out).unwrap();
    st.write("report.xlsx", b"xlsx").unwrap();
    st.commit().unwrap();
    fs::write(out.join(".DS_Store"), b"finder").unwrap();
    Staging::check(&out).unwrap();
    fs::write(out.join("~$report.xlsx"), b"lock").unwrap();
    let e = Staging::check(&out).unwrap_err().to_string();
    assert!(e.contains("report.xlsx is open in Excel"), "{e}");
    fs::remove_file(out.join("~$report.xlsx")).unwrap();
    #[cfg(unix)]
    {
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        let mut slashed = link.as_os_str().to_owned();
        slashed.push("/");
        let mut st = Staging::new(Path::new(&slashed)).unwrap();
        st.write("report.xlsx", b"again").unwrap();
        st.commit().unwrap();
        assert_eq!(fs::read(out.join("report.xlsx")).unwrap(), b"again");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn a_part_replaces_only_a_part() {
    let root = tempfile::tempdir().unwrap();
    let part = root.path().join("p.part");
    write_file(&part, b"MAGIC one", b"MAGIC").unwrap();
    write_file(&part, b"MAGIC two", b"MAGIC").unwrap();
    assert_eq!(fs::read(&part).unwrap(), b"MAGIC two");
    let scenario = root.path().join("s.toml");
    fs::write(&scenario, b"[scenario]").unwrap();
    let e = write_file(&scenario, b"MAGIC", b"MAGIC").unwrap_err();
    assert!(e.to_string().contains("not a fundgap part"), "{e}");
    assert_eq!(fs::read(&scenario).unwrap(), b"[scenario]");
    #[cfg(unix)]
    {
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&part, &link).unwrap();
        let e = write_file(&link, b"MAGIC", b"MAGIC").unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
    // A pipe (or a device: --out /dev/null once replaced the device
    // node with a file).
    let fifo = root.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let e = write_file(&fifo, b"MAGIC", b"MAGIC").unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(!fs::symlink_metadata(&fifo).unwrap().is_file());
    }
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

/// Ctrl-C while files are written: the next write fails as
/// interrupted, nothing replaces the previous results, and no staging
/// directory is left; the same when it comes just before the swap.
#[test]
fn an_interrupted_write_or_swap_replaces_nothing_and_leaves_nothing() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("run");
    let mut st = Staging::new(&out).unwrap();
    st.write("summary.json", b"before").unwrap();
    st.commit().unwrap();
    for at_swap in [false, true] {
        let flag: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
        let mut st = Staging::begin_with(&out, false, flag).unwrap();
        st.write("summary.json", b"after").unwrap();
        flag.store(true, Ordering::Relaxed);
        let e = if at_swap {
            st.commit().unwrap_err()
        } else {
            let e = st.write("fan.png", b"png").unwrap_err();
            drop(st);
            e
        };
        assert!(matches!(e, Error::Interrupted), "{e}");
        assert_eq!(fs::read(out.join("summary.json")).unwrap(), b"before");
        assert_eq!(names(root.path()), ["run"]);
        assert!(!any_live_of(root.path()));
    }
}

fn any_live_of(dir: &Path) -> bool {
    LIVE.lock().unwrap().iter().any(|t| t.starts_with(dir))
}

#[test]
fn leftovers_of_a_killed_run_are_removed() {
    let root = tempfile::tempdir().unwrap();
    // No process has pid 4294967295.
    let dead = root.path().join(".run.fundgap-tmp-4294967295");
    fs::create_dir(&dead).unwrap();
    fs::write(dead.join(MARKER), MARKER_HEADER).unwrap();
    fs::write(dead.join("yearly.csv"), b"partial").unwrap();
    // A folder of that name without the marker is not fundgap's.
    let alike = root.path().join(".run.fundgap-tmp-4294967294");
    fs::create_dir(&alike).unwrap();
    fs::write(alike.join("mine.txt"), b"mine").unwrap();
    Staging::new(&root.path().join("run"))
        .unwrap()
        .commit()
        .unwrap();
    if Path::new("/proc/self").exists() {
        assert_eq!(names(root.path()), [".run.fundgap-tmp-4294967294", "run"]);
    }
}
