//! Reading a scenario workbook into TOML text, with the cell each piece
//! of that text came from.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};

use fundgap::error::{Diagnostic, ScenarioError};
use fundgap::scenario::is_amount_key;

use super::cells::{is_blank, parse_header, text_of, value_text};
use super::emit::{Loc, SourceMap, Table, Tables, emit, insert};
use super::layout::{
    SHEETS, Shape, Sheet, UNIT_COLUMN, UNITS, ignored_sheet, is_text_key, won_per_unit,
};

/// Reads the workbook `bytes` (named `label` in messages) into the TOML
/// text of the scenario it holds, and where each piece of it came from.
pub fn read(bytes: &[u8], label: &str) -> Result<(String, SourceMap), ScenarioError> {
    let fail = |message: String| {
        ScenarioError::new(vec![Diagnostic::new(label, (0, 0), "", message.into())])
    };
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| fail(format!("not a readable Excel workbook (.xlsx): {e}")))?;
    let mut r = Book {
        grids: Vec::new(),
        problems: Vec::new(),
        money: 1.0,
    };
    for name in wb.sheet_names() {
        if ignored_sheet(&name) {
            continue;
        }
        let n = name.trim();
        let Some(sheet) = SHEETS.iter().find(|s| s.name == n || s.korean == n) else {
            let names: Vec<&str> = SHEETS.iter().map(|s| s.name).collect();
            let hint = fundgap::names::suggest(n, &names)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            r.problems.push(format!(
                "sheet `{name}`: not a sheet of a scenario workbook{hint}; the sheets are {}; \
                 a sheet of notes is kept if its name starts with `_`",
                names.join(", ")
            ));
            continue;
        };
        if r.grids.iter().any(|g| g.sheet.path == sheet.path) {
            r.problems.push(format!(
                "sheet `{name}`: a second `{}` sheet; keep one",
                sheet.name
            ));
            continue;
        }
        match wb.worksheet_range(&name) {
            Ok(range) => {
                let g = Grid {
                    sheet: *sheet,
                    name: name.clone(),
                    range,
                };
                // A formula whose result was never saved (a workbook
                // written by a program, not opened in Excel since) reads
                // as an empty cell: say so at the cell rather than as a
                // missing key.
                if let Ok(formulas) = wb.worksheet_formula(&name) {
                    let (r0, c0) = formulas.start().unwrap_or((0, 0));
                    for (row, col, f) in formulas.used_cells() {
                        let (row, col) = (r0 + row as u32, c0 + col as u32);
                        // Empty, not merely blank: a formula that
                        // returns "" has a result, the empty text.
                        if !f.trim().is_empty() && matches!(g.at(row, col), Data::Empty) {
                            r.problems.push(format!(
                                "{}: the formula ={} has no saved result; open the workbook in Excel or LibreOffice and save it, or type the value",
                                g.loc(row, col),
                                f.trim_start_matches('=')
                            ));
                        }
                    }
                }
                r.grids.push(g);
            }
            Err(e) => r
                .problems
                .push(format!("sheet `{name}`: cannot be read: {e}")),
        }
    }
    r.money = r.scenario_unit();
    let tables = r.tables();
    r.check_links(&tables);
    if !r.problems.is_empty() {
        return Err(ScenarioError::new(
            r.problems
                .into_iter()
                .map(|message| Diagnostic::new(label, (0, 0), "", message.into()))
                .collect(),
        ));
    }
    Ok(emit(&tables))
}

/// One sheet's cells.
struct Grid {
    sheet: Sheet,
    /// The name as the workbook spells it.
    name: String,
    range: Range<Data>,
}

impl Grid {
    fn at(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    fn loc(&self, row: u32, col: u32) -> Loc {
        Loc {
            sheet: self.name.clone(),
            row,
            col,
        }
    }

    /// The last row and column holding anything.
    fn end(&self) -> (u32, u32) {
        self.range.end().unwrap_or((0, 0))
    }

    fn blank_row(&self, row: u32) -> bool {
        (0..=self.end().1).all(|c| is_blank(self.at(row, c)))
    }
}

/// A column: the key it holds, the unit its amounts are in (won per
/// unit), and where its header is.
struct Column {
    key: String,
    unit: Option<f64>,
    col: u32,
}

struct Book {
    grids: Vec<Grid>,
    problems: Vec<String>,
    /// Won per unit of the scenario's money.
    money: f64,
}

impl Book {
    /// Won per unit of the scenario's money (`unit` on the scenario sheet;
    /// a million, as in a scenario file, when it is not given); 0 when
    /// the unit is not one of won.
    fn scenario_unit(&self) -> f64 {
        let Some(g) = self.grids.iter().find(|g| g.sheet.path == "scenario") else {
            return 1e6;
        };
        for row in 1..=g.end().0 {
            if let Data::String(k) = g.at(row, 0)
                && matches!(k.trim(), "unit" | "단위")
            {
                return match g.at(row, 1) {
                    Data::String(u) => won_per_unit(u).unwrap_or(0.0),
                    _ => 0.0,
                };
            }
        }
        1e6
    }

    fn tables(&mut self) -> Tables {
        let mut by_path = Vec::new();
        let grids = std::mem::take(&mut self.grids);
        for g in &grids {
            let tables = self.sheet_tables(g);
            by_path.push((g.sheet.path, tables));
        }
        Tables { by_path }
    }

    /// Every service (every variant) is named once, every line names one
    /// that exists, and a service has at most one row of each of its
    /// single tables.
    fn check_links(&mut self, tables: &Tables) {
        // A row copied and its id left unchanged: told at that row, not
        // as every line of the first service appearing to name the wrong
        // one.
        for (parent, key) in [("service", "id"), ("variant", "name")] {
            let mut first: Vec<(&str, Option<&Loc>)> = Vec::new();
            for t in tables.of(parent) {
                let Some(id) = t.id.as_deref() else { continue };
                match first.iter().find(|(seen, _)| *seen == id) {
                    Some((_, at)) => {
                        let at = at.map(|l| format!(" (first at {l})")).unwrap_or_default();
                        let row = t.loc.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
                        self.problems.push(format!(
                            "{row}a second {parent} with {key} \"{id}\"{at}; each {parent} needs its own `{key}`"
                        ));
                    }
                    None => first.push((id, t.loc.as_ref())),
                }
            }
        }
        for s in SHEETS
            .iter()
            .filter(|s| matches!(s.shape, Shape::Lines | Shape::Single | Shape::Sets))
        {
            let parent = s.path.split('.').next().unwrap_or_default();
            let ids: Vec<&str> = tables
                .of(parent)
                .iter()
                .filter_map(|t| t.id.as_deref())
                .collect();
            let mut seen: Vec<&str> = Vec::new();
            for t in tables.of(s.path) {
                let Some((id, loc)) = &t.link else { continue };
                if !ids.contains(&id.as_str()) {
                    let hint = fundgap::names::suggest(id, &ids)
                        .map(|s| format!(" (did you mean \"{s}\"?)"))
                        .unwrap_or_default();
                    let (what, key) = match s.shape {
                        Shape::Sets => ("variant", "name"),
                        _ => ("service", "id"),
                    };
                    self.problems.push(format!(
                        "{loc}: no {what} with {key} \"{id}\"{hint}; the {what}s are named in their sheet's `{key}` column"
                    ));
                } else if s.shape == Shape::Single && seen.contains(&id.as_str()) {
                    self.problems.push(format!(
                        "{loc}: a second row for service \"{id}\"; a service has one `{}` row",
                        s.name
                    ));
                }
                seen.push(id);
            }
        }
    }

    /// The header row's columns.
    fn columns(&mut self, g: &Grid) -> Vec<Column> {
        let mut out: Vec<Column> = Vec::new();
        for col in 0..=g.end().1 {
            let loc = g.loc(0, col);
            let text = match g.at(0, col) {
                Data::String(s) if !s.trim().is_empty() => s.trim().to_string(),
                Data::Empty => {
                    if (1..=g.end().0).any(|r| !is_blank(g.at(r, col))) {
                        self.problems.push(format!(
                            "{loc}: values under a column without a header; name the key in row 1"
                        ));
                    }
                    continue;
                }
                other => {
                    self.problems.push(format!(
                        "{loc}: a header must be a key's name, found {other}"
                    ));
                    continue;
                }
            };
            match parse_header(&text) {
                Ok((key, unit)) => {
                    if let Some(first) = out.iter().find(|c| c.key == key) {
                        self.problems.push(format!(
                            "{loc}: a second column for `{key}` (the first is {}); keep one",
                            g.loc(0, first.col)
                        ));
                        continue;
                    }
                    out.push(Column { key, unit, col });
                }
                Err(m) => self.problems.push(format!("{loc}: {m}")),
            }
        }
        out
    }

    fn sheet_tables(&mut self, g: &Grid) -> Vec<Table> {
        let columns = self.columns(g);
        let shape = g.sheet.shape;
        let link_key = match shape {
            Shape::Lines | Shape::Single => Some("service"),
            Shape::Sets => Some("variant"),
            Shape::Settings | Shape::Rows => None,
        };
        let keyed = matches!(shape, Shape::Settings | Shape::Sets);
        for needed in link_key.into_iter().chain(keyed.then_some("key")) {
            if !columns.iter().any(|c| c.key == needed) && g.end().0 > 0 {
                self.problems.push(format!(
                    "{}: sheet `{}` needs a `{needed}` column",
                    g.loc(0, 0),
                    g.name
                ));
                return Vec::new();
            }
        }
        let mut single = Table {
            loc: Some(g.loc(0, 0)),
            ..Table::default()
        };
        let mut out = Vec::new();
        // Columns whose unit on a key that is no amount was reported.
        let mut unit_refused: Vec<u32> = Vec::new();
        for row in 1..=g.end().0 {
            if g.blank_row(row) {
                continue;
            }
            let mut t = Table {
                loc: Some(g.loc(row, 0)),
                ..Table::default()
            };
            // A settings row's key, and the unit its amounts are in.
            let mut key: Option<String> = None;
            let mut row_unit: Option<f64> = None;
            for c in &columns {
                let d = g.at(row, c.col);
                let loc = g.loc(row, c.col);
                if Some(c.key.as_str()) == link_key {
                    match text_of(d) {
                        Some(id) => t.link = Some((id, loc)),
                        None => self.problems.push(format!(
                            "{loc}: `{}`: name the {} this row belongs to",
                            c.key, c.key
                        )),
                    }
                } else if keyed && c.key == "key" {
                    key = text_of(d);
                } else if keyed
                    && c.key == UNIT_COLUMN
                    && let Some(u) = text_of(d)
                {
                    match won_per_unit(&u) {
                        Some(w) => row_unit = Some(w),
                        None => self
                            .problems
                            .push(format!("{loc}: unit `{u}`: expected one of {UNITS}")),
                    }
                }
            }
            if keyed && key.is_none() {
                self.problems.push(format!(
                    "{}: a row without a key; name the key in the `key` column",
                    g.loc(row, 0)
                ));
                continue;
            }
            for c in &columns {
                if Some(c.key.as_str()) == link_key
                    || (keyed && (c.key == "key" || c.key == UNIT_COLUMN))
                {
                    continue;
                }
                let loc = g.loc(row, c.col);
                let (path, header): (Vec<&str>, Loc) = match (&key, shape) {
                    (Some(k), Shape::Sets) if c.key == "value" => (vec![k.as_str()], loc.clone()),
                    (Some(k), Shape::Sets) => (vec![k.as_str(), c.key.as_str()], loc.clone()),
                    (Some(k), _) if c.key == "value" => (k.split('.').collect(), g.loc(row, 0)),
                    (Some(k), _) => {
                        let mut p: Vec<&str> = k.split('.').collect();
                        p.push(&c.key);
                        (p, g.loc(row, 0))
                    }
                    (None, _) => (c.key.split('.').collect(), g.loc(0, c.col)),
                };
                let dotted = path.join(".");
                let text_key = g.sheet.path == "sources" || is_text_key(&dotted);
                // A distribution's weights have no unit, whatever the row's.
                let unit = c
                    .unit
                    .or(row_unit)
                    .filter(|_| dotted.rsplit('.').next() != Some("weights"));
                let d = g.at(row, c.col);
                if unit.is_some() && !text_key && !is_amount_key(&dotted) && !is_blank(d) {
                    // A unit would multiply a share, a ratio or a count.
                    let whence = match c.unit {
                        Some(_) if unit_refused.contains(&c.col) => continue,
                        Some(_) => {
                            unit_refused.push(c.col);
                            "its column's header gives one"
                        }
                        None => "the row's `unit` cell gives one",
                    };
                    self.problems.push(format!(
                        "{loc}: `{dotted}` is not an amount of money (it is a share, a ratio, a rate or a count) and takes no unit, but {whence}: remove the unit"
                    ));
                    continue;
                }
                let factor = match unit {
                    Some(_) if self.money == 0.0 => {
                        self.problems.push(format!(
                            "{loc}: an amount in a declared unit needs the scenario's `unit` to be one of {UNITS}"
                        ));
                        continue;
                    }
                    Some(u) => Some(u / self.money),
                    None => None,
                };
                if c.key == "id"
                    || (shape == Shape::Rows && g.sheet.path == "variant" && c.key == "name")
                {
                    t.id = text_of(d);
                }
                let amount = !text_key && is_amount_key(&dotted);
                match value_text(d, (text_key, amount), factor) {
                    Ok(None) => {}
                    Ok(Some(text)) => {
                        let target = if shape == Shape::Settings {
                            &mut single.entries
                        } else {
                            &mut t.entries
                        };
                        if let Err(m) = insert(target, &path, text, loc.clone(), header) {
                            self.problems.push(format!("{loc}: {m}"));
                        }
                    }
                    Err(m) => self
                        .problems
                        .push(format!("{loc}: `{}`: {m}", path.join("."))),
                }
            }
            if shape != Shape::Settings {
                out.push(t);
            }
        }
        if shape == Shape::Settings {
            out.push(single);
        }
        out
    }
}
