//! The TOML text of a workbook's tables, and the map from each piece of
//! it back to its cell.

use std::fmt;

use fundgap::error::Diagnostic;

use super::cells::toml_string;
use super::layout::{SHEETS, Shape, column_letters};

/// A cell of the workbook (0-based row and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    pub(super) sheet: String,
    pub(super) row: u32,
    pub(super) col: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}!{}{}",
            self.sheet,
            column_letters(self.col),
            self.row + 1
        )
    }
}

/// For each line of the TOML text read from a workbook, the cells its
/// pieces came from: (1-based byte column where a piece starts, cell).
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    lines: Vec<Vec<(usize, Loc)>>,
}

impl SourceMap {
    /// The cell behind line `line`, column `column` of the text.
    pub fn cell(&self, line: usize, column: usize) -> Option<String> {
        let segs = self.lines.get(line.checked_sub(1)?)?;
        segs.iter()
            .rev()
            .find(|(start, _)| *start <= column)
            .or_else(|| segs.first())
            .map(|(_, loc)| loc.to_string())
    }

    /// `d`, a problem found in the text, told at its cell instead.
    pub fn relocate(&self, d: &mut Diagnostic) {
        let Some(cell) = self.cell(d.line, d.column) else {
            return;
        };
        let place = match d.path.is_empty() {
            true => format!("{cell}: "),
            false => format!("{cell}: `{}`: ", d.path),
        };
        d.message.insert_str(0, &place);
        if let Some(ko) = d.korean.as_mut() {
            ko.insert_str(0, &place);
        }
        d.path.clear();
        d.line = 0;
        d.column = 0;
    }
}

/// A table being read: its entries, and the cell that starts it.
#[derive(Default)]
pub(super) struct Table {
    pub(super) entries: Vec<(String, Node)>,
    pub(super) loc: Option<Loc>,
    /// The `service` or `variant` it belongs to, and where that is named.
    pub(super) link: Option<(String, Loc)>,
    /// Its own id (a service's) or name (a variant's), to link others.
    pub(super) id: Option<String>,
}

/// A key's value: a TOML value as text, or a table of them (a
/// distribution's parameters), with the header cell naming the key.
#[derive(Clone)]
pub(super) enum Node {
    Leaf {
        text: String,
        loc: Loc,
        key: Loc,
    },
    Table {
        entries: Vec<(String, Node)>,
        key: Loc,
    },
}

impl Node {
    fn key_loc(&self) -> &Loc {
        match self {
            Node::Leaf { key, .. } | Node::Table { key, .. } => key,
        }
    }
}

/// Puts `text` at `path` in `entries`; a path that is both a value and a
/// table (a value and a distribution for one key) is a problem.
pub(super) fn insert(
    entries: &mut Vec<(String, Node)>,
    path: &[&str],
    text: String,
    loc: Loc,
    key: Loc,
) -> Result<(), String> {
    let (first, rest) = path.split_first().ok_or("an empty key")?;
    let at = entries.iter().position(|(k, _)| k == first);
    if rest.is_empty() {
        if at.is_some() {
            return Err(format!(
                "`{first}` is given twice (a value and a distribution, or two columns for one key); give one"
            ));
        }
        entries.push((first.to_string(), Node::Leaf { text, loc, key }));
        return Ok(());
    }
    let i = match at {
        Some(i) => i,
        None => {
            entries.push((
                first.to_string(),
                Node::Table {
                    entries: Vec::new(),
                    key: key.clone(),
                },
            ));
            entries.len() - 1
        }
    };
    match &mut entries[i].1 {
        Node::Table { entries, .. } => insert(entries, rest, text, loc, key),
        Node::Leaf { .. } => Err(format!(
            "`{first}` has both a value and a distribution ({}); give one",
            rest.join(".")
        )),
    }
}

/// Every table read, by sheet path.
pub(super) struct Tables {
    pub(super) by_path: Vec<(&'static str, Vec<Table>)>,
}

impl Tables {
    pub(super) fn of(&self, path: &str) -> &[Table] {
        self.by_path
            .iter()
            .find(|(p, _)| *p == path)
            .map_or(&[], |(_, t)| t.as_slice())
    }
}

/// One line of TOML text being written, with where its pieces came from.
#[derive(Default)]
struct Line {
    text: String,
    segs: Vec<(usize, Loc)>,
}

impl Line {
    fn mark(&mut self, loc: &Loc) {
        self.segs.push((self.text.len() + 1, loc.clone()));
    }

    fn entry(&mut self, key: &str, node: &Node) {
        self.mark(node.key_loc());
        self.text.push_str(&toml_key(key));
        self.text.push_str(" = ");
        match node {
            Node::Leaf { text, loc, .. } => {
                self.mark(loc);
                self.text.push_str(text);
            }
            Node::Table { entries, .. } => {
                self.text.push_str("{ ");
                for (i, (k, n)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(", ");
                    }
                    self.entry(k, n);
                }
                self.text.push_str(" }");
            }
        }
    }
}

fn toml_key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { k.to_string() } else { toml_string(k) }
}

#[derive(Default)]
struct Emit {
    text: String,
    map: SourceMap,
}

impl Emit {
    fn push(&mut self, line: Line) {
        self.text.push_str(&line.text);
        self.text.push('\n');
        self.map.lines.push(line.segs);
    }

    fn header(&mut self, header: String, loc: &Option<Loc>) {
        let mut l = Line::default();
        if let Some(loc) = loc {
            l.mark(loc);
        }
        l.text = header;
        self.push(l);
    }

    fn table(&mut self, header: String, t: &Table) {
        self.header(header, &t.loc);
        for (k, n) in &t.entries {
            let mut l = Line::default();
            l.entry(k, n);
            self.push(l);
        }
    }
}

/// The TOML text of every table read, in the order a scenario file
/// writes them: a service's own tables and lines after it.
pub(super) fn emit(tables: &Tables) -> (String, SourceMap) {
    let mut e = Emit::default();
    for s in SHEETS.iter().filter(|s| s.shape == Shape::Settings) {
        for t in tables.of(s.path) {
            e.table(format!("[{}]", s.path), t);
        }
    }
    for s in SHEETS.iter().filter(|s| s.shape == Shape::Rows) {
        for t in tables.of(s.path) {
            e.table(format!("[[{}]]", s.path), t);
            let Some(id) = &t.id else { continue };
            for sub in SHEETS
                .iter()
                .filter(|x| x.path.starts_with(&format!("{}.", s.path)))
            {
                let mine = tables
                    .of(sub.path)
                    .iter()
                    .filter(|x| x.link.as_ref().is_some_and(|(l, _)| l == id));
                match sub.shape {
                    Shape::Single | Shape::Lines => {
                        let header = if sub.shape == Shape::Single {
                            format!("[{}]", sub.path)
                        } else {
                            format!("[[{}]]", sub.path)
                        };
                        for x in mine {
                            e.table(header.clone(), x);
                        }
                    }
                    Shape::Sets => {
                        let mut set = Table::default();
                        for x in mine {
                            set.loc = set.loc.or_else(|| x.loc.clone());
                            set.entries
                                .extend(x.entries.iter().map(|(k, n)| (k.clone(), n.clone())));
                        }
                        if !set.entries.is_empty() {
                            e.table(format!("[{}]", sub.path), &set);
                        }
                    }
                    Shape::Settings | Shape::Rows => {}
                }
            }
        }
    }
    e.text.shrink_to_fit();
    (e.text, e.map)
}
