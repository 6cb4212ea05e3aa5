//! The page, served from the binary itself (no CDN, no network): its
//! HTML with the per-process token, its script and its style sheet; and
//! the scenario file a page downloads with its changes.

use crate::runs::Finished;

/// The page's script: every datum it shows goes in as text, never markup.
pub const APP_JS: &str = include_str!("assets/app.js");

/// The page's style sheet, print rules included.
pub const STYLE_CSS: &str = include_str!("assets/style.css");

const INDEX: &str = include_str!("assets/index.html");

/// The page with `token` (hex digits only) in its `csrf` meta tag.
pub fn index(token: &str) -> String {
    INDEX.replace("__TOKEN__", token)
}

/// The scenario file of a finished run: the text as loaded, unchanged,
/// under a header that lists the page's changes as the `--set`
/// overrides they are and the command that runs the same setting.
pub fn edited_scenario(f: &Finished, command: &str) -> String {
    let mut out = String::from(
        "# Downloaded from fundgap serve. The scenario below is the file as it was loaded,\n\
         # unchanged; the page's changes are the overrides listed here, which the command\n\
         # applies on top of it (fundgap run FILE --set PATH=VALUE ...).\n",
    );
    out.push_str(&format!("#\n#   {}\n#\n", one_line(command)));
    if f.overrides.is_empty() {
        out.push_str("# (no changes)\n");
    }
    for o in &f.overrides {
        out.push_str(&format!("# --set {}\n", one_line(o)));
    }
    out.push('\n');
    out.push_str(&f.entry.text);
    out
}

/// `s` with line breaks made spaces, so it stays inside a comment.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
