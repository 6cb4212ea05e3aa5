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

/// The scenario file of a finished run: the text with the page's
/// overrides written in (`edit`), under a header that lists them and the
/// command that gives the same numbers; when one cannot be written in,
/// the text as loaded, unchanged, under the same list, saying so.
pub fn edited_scenario(f: &Finished, command: &str) -> String {
    // The run's trials and seed too, which the page may have changed.
    let mut all = f.overrides.clone();
    all.push(format!("scenario.trials={}", f.model.trials()));
    all.push(format!("scenario.seed={}", f.model.seed()));
    let edited = crate::edit::apply(&f.entry.text, &all);
    let mut out = String::from(match edited {
        Some(_) => {
            "# Downloaded from fundgap serve: the scenario with the page's changes, its trials\n\
             # and its seed written in (the changes listed here as the --set overrides they\n\
             # are). Run alone, it gives the page's numbers, except that plan.csv needs the\n\
             # command's --from and the funding requirement its --confidence (neither is a\n\
             # scenario key); this command on the original file gives them all:\n"
        }
        None => {
            "# Downloaded from fundgap serve. The scenario below is the file as it was loaded,\n\
             # unchanged: the page's changes could not all be written into it, so they are\n\
             # the overrides listed here, which this command applies on top of it:\n"
        }
    });
    out.push_str(&format!("#\n#   {}\n#\n", one_line(command)));
    if f.overrides.is_empty() {
        out.push_str("# (no changes)\n");
    }
    for o in &f.overrides {
        out.push_str(&format!("# --set {}\n", one_line(o)));
    }
    out.push('\n');
    out.push_str(edited.as_deref().unwrap_or(&f.entry.text));
    out
}

/// `s` with line breaks made spaces, so it stays inside a comment.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
