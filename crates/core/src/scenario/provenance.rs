//! Reading where inputs come from: the `[sources]` table, and the
//! `source` / `assumption` keys of every table that holds inputs and of
//! every distribution table (which overrides its table's). Walks the
//! document apart from compiling it, so a problem here is reported beside
//! every other problem of the file, and the lines' compilers stay as they
//! are.

use toml::de::DeValue;

use crate::model::{Provenance, Provenances};
use crate::names::{slug, suggest};

use super::reader::*;

/// The `[[service.<key>]]` lines whose tables hold inputs.
const LINES: [&str; 4] = ["cost", "risk", "funding", "benefit"];
/// The `[service.<key>]` tables that hold plain numbers a source may
/// document (they have no uncertain inputs).
const BOOKS: [&str; 2] = ["capital", "delivery"];

/// The sub-tables of a table as they stand, without reporting anything
/// (compiling the tables reports their problems).
fn tables_of<'d, 'i>(view: &View<'d, 'i>, key: &str) -> Vec<View<'d, 'i>> {
    let Some(v) = view.get(key) else {
        return Vec::new();
    };
    let wrap = |i: usize, item: &'d toml::Spanned<DeValue<'i>>, path: String| match item.get_ref() {
        DeValue::Table(t) => Some(View {
            path: if i == 0 { path } else { format!("{path}[{i}]") },
            span: item.span(),
            table: t,
        }),
        _ => None,
    };
    let path = view.key_path(key);
    match v.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| wrap(i + 1, item, path.clone()))
            .collect(),
        _ => wrap(0, v, path).into_iter().collect(),
    }
}

/// A string value as compiling keeps it (trimmed, composed), if it is
/// one: names must give the slugs their lines' paths have.
fn raw_string(view: &View<'_, '_>, key: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    match view.get(key)?.get_ref() {
        DeValue::String(s) => Some(s.trim().nfc().collect()),
        _ => None,
    }
}

impl Checker {
    /// Every stated provenance of the document, keyed by `--set` paths.
    pub(super) fn provenance(&mut self, root: &View<'_, '_>) -> Option<Provenances> {
        let mut out = Provenances {
            sources: self.sources(root)?,
            ..Provenances::default()
        };
        let keys: Vec<String> = out.sources.iter().map(|(k, _)| k.clone()).collect();
        let mut ok = true;
        for ev in tables_of(root, "economy") {
            ok &= self.table_provenance(&ev, "economy", &keys, &mut out);
            // The downturn is a key of [economy]: its own statement, or
            // the economy's.
            for dv in tables_of(&ev, "downturn") {
                ok &= self.table_provenance(&dv, "economy.downturn", &keys, &mut out);
                let p = out
                    .tables
                    .get("economy.downturn")
                    .or(out.tables.get("economy"))
                    .cloned();
                if let Some(p) = p {
                    out.inputs
                        .insert("economy.downturn.annual_probability".into(), p);
                }
            }
        }
        for sv in tables_of(root, "service") {
            let Some(id) = raw_string(&sv, "id") else {
                continue;
            };
            let base = format!("service.{id}");
            ok &= self.table_provenance(&sv, &base, &keys, &mut out);
            for kind in LINES {
                for lv in tables_of(&sv, kind) {
                    let name = raw_string(&lv, "name").unwrap_or_default();
                    let path = format!("{base}.{kind}.{}", slug(&name));
                    ok &= self.table_provenance(&lv, &path, &keys, &mut out);
                }
            }
            for book in BOOKS {
                for bv in tables_of(&sv, book) {
                    ok &= self.table_provenance(&bv, &format!("{base}.{book}"), &keys, &mut out);
                }
            }
            // A decision already names its source, in words.
            if let Some(text) = tables_of(&sv, "decision")
                .first()
                .and_then(|dv| raw_string(dv, "source"))
            {
                let p = Provenance::of_decision(&text);
                out.inputs.insert(format!("{base}.decision"), p);
            }
        }
        ok.then_some(out)
    }

    /// `[sources]`: each key with its citation.
    fn sources(&mut self, root: &View<'_, '_>) -> Option<Vec<(String, String)>> {
        let Some(sv) = self.sub(root, "sources", false) else {
            return (!root.has("sources")).then(Vec::new);
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (k, _) in sv.table.iter() {
            let key = k.get_ref().to_string();
            match self.string(&sv, &key, true) {
                Some(text) if !text.is_empty() => out.push((key, text)),
                Some(_) => {
                    self.err_key(
                        &sv,
                        &key,
                        "expected the citation (title, URL or document, date), found an empty string",
                    );
                    ok = false;
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// The statement of table `view` (at `--set` path `path`) and of each
    /// of its distribution tables; false once a problem is reported.
    fn table_provenance(
        &mut self,
        view: &View<'_, '_>,
        path: &str,
        keys: &[String],
        out: &mut Provenances,
    ) -> bool {
        let mut ok = true;
        match self.stated(view, keys) {
            Some(Some(p)) => {
                out.tables.insert(path.to_string(), p);
            }
            Some(None) => {}
            None => ok = false,
        }
        for (k, v) in view.table.iter() {
            let DeValue::Table(t) = v.get_ref() else {
                continue;
            };
            if !t.contains_key("dist") {
                continue;
            }
            let key = k.get_ref();
            let dv = View {
                path: view.key_path(key),
                span: v.span(),
                table: t,
            };
            match self.stated(&dv, keys) {
                Some(Some(p)) => {
                    out.inputs.insert(format!("{path}.{key}"), p);
                }
                Some(None) => {}
                None => ok = false,
            }
        }
        ok
    }

    /// What `view` states: `Some(None)` when neither key is there, `None`
    /// once a problem is reported.
    fn stated(&mut self, view: &View<'_, '_>, keys: &[String]) -> Option<Option<Provenance>> {
        let (has_source, has_assumption) = (view.has("source"), view.has("assumption"));
        if has_source && has_assumption {
            self.err_key(
                view,
                "assumption",
                "give either `source` (keys of [sources]) or `assumption` (the reason), not both: \
                 a number is either cited or chosen (say in the assumption's reason what it rests on)",
            );
            return None;
        }
        if has_assumption {
            let reason = self.string(view, "assumption", false)?;
            if reason.is_empty() {
                self.err_key(
                    view,
                    "assumption",
                    "expected the reason for the assumption, found an empty string",
                );
                return None;
            }
            return Some(Some(Provenance::Assumption(reason)));
        }
        if !has_source {
            return Some(None);
        }
        let cited = self.source_keys(view)?;
        let mut ok = true;
        for key in &cited {
            if keys.iter().any(|k| k == key) {
                continue;
            }
            let known: Vec<&str> = keys.iter().map(String::as_str).collect();
            let near = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(key))
                .copied()
                .or_else(|| suggest(key, &known));
            let hint = match (near, known.is_empty()) {
                (Some(s), _) => format!("; did you mean `{s}`?"),
                (None, true) => format!(
                    "; add a [sources] table with `{key} = \"citation (title, URL or document, date)\"`"
                ),
                (None, false) => format!("; [sources] has: {}", known.join(", ")),
            };
            self.err_key(
                view,
                "source",
                format!("unknown source `{key}`: not a key of [sources]{hint}"),
            );
            ok = false;
        }
        ok.then_some(Some(Provenance::Source(cited)))
    }

    /// The keys `source` names: one string, or an array of them.
    fn source_keys(&mut self, view: &View<'_, '_>) -> Option<Vec<String>> {
        let v = view.get("source")?;
        let keys = match v.get_ref() {
            DeValue::String(s) => Some(vec![s.trim().to_string()]),
            DeValue::Array(items) => items
                .iter()
                .map(|it| match it.get_ref() {
                    DeValue::String(s) => Some(s.trim().to_string()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
        .filter(|k: &Vec<String>| !k.is_empty() && k.iter().all(|k| !k.is_empty()));
        if keys.is_none() {
            let found = match v.get_ref() {
                DeValue::String(_) | DeValue::Array(_) => {
                    "an empty key or a value that is not a string"
                }
                other => type_name(other),
            };
            self.err_key(
                view,
                "source",
                format!(
                    "expected a key of [sources] or an array of them, such as \"Y17\" or [\"Y17\", \"SPRi\"], found {found}"
                ),
            );
        }
        keys
    }
}
