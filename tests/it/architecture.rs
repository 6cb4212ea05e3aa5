//! The layering that ARCHITECTURE.md describes, checked on the sources:
//! each top-level module imports only the modules its row of the table
//! names, and no two files import each other (directly or round a cycle).
//! The layering leaves test code (`#[cfg(test)]` items) out: tests may
//! use anything. Cycles count it: a test that imports a module importing
//! its own is a cycle all the same. Comments are not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// ARCHITECTURE.md's table: module -> the modules it may import.
const LAYERS: &[(&str, &[&str])] = &[
    ("names", &[]),
    ("error", &[]),
    ("format", &[]),
    ("model", &["names", "error"]),
    ("kernels", &["model"]),
    ("scenario", &["model", "names", "error", "format"]),
    ("engine", &["model"]),
    ("stats", &["engine", "model", "error"]),
    (
        "analysis",
        &[
            "scenario", "model", "engine", "stats", "names", "error", "format",
        ],
    ),
    (
        "report",
        &[
            "analysis", "stats", "engine", "model", "scenario", "names", "error", "format",
        ],
    ),
    (
        "serve",
        &[
            "report", "analysis", "stats", "engine", "model", "scenario", "names", "error",
            "format",
        ],
    ),
    (
        "cli",
        &[
            "serve", "report", "analysis", "stats", "engine", "model", "scenario", "names",
            "error", "format", "kernels",
        ],
    ),
    (
        "python",
        &[
            "report", "analysis", "stats", "engine", "model", "scenario", "names", "error",
            "format",
        ],
    ),
];

/// Longest file the layout allows, in lines (tests included).
const MAX_LINES: usize = 650;

struct Source {
    /// Module path, e.g. `["engine", "service"]`; `mod.rs` is its folder.
    module: Vec<String>,
    /// What `crate::` names in it: the root for the core and the binary,
    /// `report` in the report crate.
    krate: Vec<String>,
    /// The code outside `#[cfg(test)]` items, without comment lines.
    code: String,
    /// The `#[cfg(test)]` items, without comment lines (a test file of
    /// its own, `src/x/tests.rs`, is a module and counts as code).
    tests: String,
    lines: usize,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    // The crates' sources as one module tree, as the layering table
    // describes it: the core's modules at the top (`crate::` there and
    // `fundgap::` everywhere name them), the binary's `cli` beside them,
    // the report crate as the `report` module, the web app's as `serve`
    // and the Python package's bindings as `python`.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for (src, krate) in [
        (root.join("src"), vec![]),
        (root.join("crates/core/src"), vec![]),
        (root.join("crates/report/src"), vec!["report".to_string()]),
        (root.join("python/src"), vec!["python".to_string()]),
        (root.join("crates/serve/src"), vec!["serve".to_string()]),
    ] {
        let mut here = Vec::new();
        walk(&src, &mut here);
        files.extend(here.into_iter().map(|p| (src.clone(), krate.clone(), p)));
    }
    files.sort();
    files
        .into_iter()
        .map(|(src, krate, p)| {
            let rel = p.strip_prefix(&src).unwrap().with_extension("");
            let mut module: Vec<String> = krate.clone();
            module.extend(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned()),
            );
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            if module.last().is_some_and(|m| m == "lib" || m == "main") {
                module.pop();
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let lines = text.lines().count();
            let uncommented = |t: &str| {
                t.lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let (code, tests) = split_tests(&text);
            let (code, tests) = (uncommented(&code), uncommented(&tests));
            Source {
                module,
                krate,
                code,
                tests,
                lines,
            }
        })
        .collect()
}

/// `text` split into its code and its test code: each item marked
/// `#[cfg(test)]` — a `mod tests;` declaration, an inline `mod tests {..}`,
/// a helper function — wherever it stands in the file, and nothing else.
/// (Stopping at the first mark would leave the rest of a file that declares
/// its tests at the top unread.)
fn split_tests(text: &str) -> (String, String) {
    const MARK: &str = "#[cfg(test)]";
    let (mut code, mut tests) = (String::new(), String::new());
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        code.push_str(&rest[..i]);
        let item = &rest[i + MARK.len()..];
        // The item ends at its `;` or at the brace closing its body,
        // whichever comes first.
        let semi = item.find(';');
        let brace = item.find('{');
        let end = match (semi, brace) {
            (Some(s), b) if b.is_none_or(|b| s < b) => s + 1,
            (_, Some(b)) => {
                let mut depth = 0usize;
                let mut end = item.len();
                for (k, c) in item[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            _ => item.len(),
        };
        tests.push_str(&item[..end]);
        tests.push('\n');
        rest = &item[end..];
    }
    code.push_str(rest);
    (code, tests)
}

/// The module paths `code` of `s` names through its crate's root or
/// another crate (`crate::`, `fundgap::`, `fundgap_report::`,
/// `fundgap_serve::`).
fn imports(s: &Source, code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for p in paths(code, "crate") {
        out.push(s.krate.iter().cloned().chain(p).collect());
    }
    out.extend(paths(code, "fundgap"));
    for p in paths(code, "fundgap_report") {
        out.push(std::iter::once("report".to_string()).chain(p).collect());
    }
    for p in paths(code, "fundgap_serve") {
        out.push(std::iter::once("serve".to_string()).chain(p).collect());
    }
    out
}

/// Every `prefix::a::b...` path in `code`, as its identifiers.
fn paths(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let pat = format!("{prefix}::");
    let mut rest = code;
    while let Some(i) = rest.find(&pat) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + pat.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        tree(rest, Vec::new(), &mut out);
    }
    out
}

/// The paths named at the start of `s`, after `so_far`: `a::b`, or a
/// group `{a::b, c::{d, e}}` (each member, however nested), or `*`.
fn tree(s: &str, so_far: Vec<String>, out: &mut Vec<Vec<String>>) {
    let s = s.trim_start();
    if let Some(group) = s.strip_prefix('{') {
        // The group's members, split at its top-level commas.
        let (mut depth, mut start) = (0usize, 0usize);
        for (k, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    tree(&group[start..k], so_far.clone(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    tree(&group[start..k], so_far.clone(), out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let mut segs = so_far;
    if end > 0 && &s[..end] != "self" {
        segs.push(s[..end].to_string());
    }
    if end > 0 && s[end..].starts_with("::") {
        return tree(&s[end + 2..], segs, out);
    }
    if !segs.is_empty() {
        out.push(segs);
    }
}

#[test]
fn top_level_modules_import_only_the_layers_below() {
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut problems = Vec::new();
    for s in sources() {
        let Some(top) = s.module.first() else {
            continue;
        };
        let may = allowed
            .get(top.as_str())
            .unwrap_or_else(|| panic!("module `{top}` is missing from ARCHITECTURE.md's table"));
        for p in imports(&s, &s.code) {
            let to = &p[0];
            if to != top && !may.contains(&to.as_str()) {
                problems.push(format!("{} imports `{to}`", s.module.join("/")));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other() {
    let all = sources();
    let known: BTreeSet<Vec<String>> = all.iter().map(|s| s.module.clone()).collect();
    // Resolves a path to the longest module it names.
    let resolve = |mut p: Vec<String>| -> Option<Vec<String>> {
        while !p.is_empty() {
            if known.contains(&p) {
                return Some(p);
            }
            p.pop();
        }
        None
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for s in &all {
        let mut targets = Vec::new();
        targets.extend(imports(s, &s.code));
        targets.extend(imports(s, &s.tests));
        // (`super::` in an inline `mod tests` names this file's own
        // module: no edge.)
        let parent: Vec<String> = s.module[..s.module.len().saturating_sub(1)].to_vec();
        for mut p in paths(&s.code, "super") {
            // `super::super::x` climbs one level more for each `super`.
            let mut up = parent.clone();
            while p.first().is_some_and(|x| x == "super") {
                p.remove(0);
                up.pop();
            }
            targets.push(up.into_iter().chain(p).collect());
        }
        // A bare `use child::...` in a folder's mod.rs.
        for line in s.code.lines() {
            let l = line.trim_start();
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            let l = l.strip_prefix("pub ").unwrap_or(l);
            if let Some(rest) = l.strip_prefix("use ") {
                let first: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let mut child = s.module.clone();
                child.push(first);
                if known.contains(&child) {
                    targets.push(child);
                }
            }
        }
        for t in targets {
            if let Some(t) = resolve(t) {
                // A parent naming its children's items (declaring and
                // re-exporting them) is how Rust nests modules, not a
                // dependency; a child naming its parent's items is one.
                if !t.starts_with(&s.module) && !s.module.is_empty() && !t.is_empty() {
                    edges.entry(s.module.clone()).or_default().insert(t);
                }
            }
        }
    }
    // Depth-first search for a cycle.
    fn visit(
        n: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let i = stack.iter().position(|m| m == n).unwrap_or(0);
                return Some(stack[i..].to_vec());
            }
            _ => {}
        }
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    // Modules are nested: a file depending on `engine` depends on its
    // folder's mod.rs, which declares the rest. Count edges between
    // top-level modules and, inside a folder, between its files.
    let mut local: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (from, tos) in &edges {
        for to in tos {
            let (a, b) = (from, to);
            let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let (a, b) = (
                a[..(common + 1).min(a.len())].to_vec(),
                b[..(common + 1).min(b.len())].to_vec(),
            );
            if a != b {
                local.entry(a).or_default().insert(b);
            }
        }
    }
    let mut state = BTreeMap::new();
    for n in local.keys() {
        let mut stack = Vec::new();
        if let Some(c) = visit(n, &local, &mut state, &mut stack) {
            let names: Vec<String> = c.iter().map(|m| m.join("/")).collect();
            panic!("import cycle: {} -> back", names.join(" -> "));
        }
    }
}

#[test]
fn no_source_file_is_over_the_limit() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.lines > MAX_LINES)
        .map(|s| format!("{} ({} lines)", s.module.join("/"), s.lines))
        .collect();
    assert!(long.is_empty(), "split these files: {}", long.join(", "));
}

/// The scanner itself: grouped and nested imports name every member, and
/// a `#[cfg(test)]` item ends where its braces close, so the code after
/// it is still read as code.
#[test]
fn the_scanner_reads_groups_and_test_items() {
    let got = paths(
        "use crate::{engine::Engine, stats::{run, Report}, self};\nlet x = crate::format::percent(1.0, 0);",
        "crate",
    );
    let want: Vec<Vec<String>> = [
        &["engine", "Engine"][..],
        &["stats", "run"],
        &["stats", "Report"],
        &["format", "percent"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(got, want);
    let (code, tests) =
        split_tests("use a;\n#[cfg(test)]\nmod tests {\n    fn t() { x(); }\n}\nuse crate::b;\n");
    assert!(
        code.contains("use crate::b;") && !code.contains("x()"),
        "{code}"
    );
    assert!(tests.contains("x()"), "{tests}");
    let (code, tests) = split_tests("#[cfg(test)]\nmod tests;\nuse crate::c;\n");
    assert!(code.contains("use crate::c;") && tests.contains("mod tests;"));
}
