//! The scenarios a server offers: the shipped ones (embedded in the
//! binary, so `fundgap serve` works from any directory), the files named
//! on the command line (read by the shell and handed over as text), and
//! uploads, kept in memory only. A client names a scenario by its id,
//! never by a path.

use std::sync::Mutex;

use fundgap::error::{Error, Result};
use fundgap::model::Model;
use fundgap::scenario::{self, MAX_SCENARIO_BYTES, Override};

/// Most uploads kept at once; the oldest is forgotten first.
const MAX_UPLOADS: usize = 16;

/// The largest upload accepted: a scenario file's own limit.
pub const MAX_UPLOAD_BYTES: usize = MAX_SCENARIO_BYTES as usize;

/// The shipped site scenarios, as `scenarios/NAME.toml` in the repository.
const SHIPPED: &[(&str, &str)] = &[
    (
        "ucity-baseline",
        include_str!("../../../scenarios/ucity-baseline.toml"),
    ),
    (
        "daejeon-challenge",
        include_str!("../../../scenarios/daejeon-challenge.toml"),
    ),
    (
        "bucheon-challenge",
        include_str!("../../../scenarios/bucheon-challenge.toml"),
    ),
    (
        "busan-eco-delta",
        include_str!("../../../scenarios/busan-eco-delta.toml"),
    ),
    (
        "incheon-challenge",
        include_str!("../../../scenarios/incheon-challenge.toml"),
    ),
    (
        "sejong-5-1",
        include_str!("../../../scenarios/sejong-5-1.toml"),
    ),
    (
        "revenue-models",
        include_str!("../../../scenarios/revenue-models.toml"),
    ),
];

/// Where a scenario came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Embedded in the binary (`scenarios/` of the repository).
    Shipped,
    /// Named on the command line.
    File,
    /// Uploaded through the page.
    Upload,
}

/// One scenario on offer.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What a client names it by: letters, digits and `-` only.
    pub id: String,
    /// How the equivalent command line names the file, e.g.
    /// `scenarios/daejeon-challenge.toml`; the label of its messages.
    pub label: String,
    /// Its scenario name (`[scenario] name`).
    pub name: String,
    pub origin: Origin,
    /// The TOML text (a workbook's is the text it stands for).
    pub text: String,
}

impl Entry {
    /// The scenario compiled with `overrides`, exactly as `fundgap run`
    /// compiles it.
    pub fn model(&self, overrides: &[Override]) -> Result<Model> {
        scenario::parse_with(&self.text, &self.label, overrides)
            .map_err(|e| fundgap_report::book::locate(e.into()))
    }
}

/// Every scenario on offer.
#[derive(Debug, Default)]
pub struct Catalog {
    fixed: Vec<Entry>,
    uploads: Mutex<(u64, Vec<Entry>)>,
}

impl Catalog {
    /// The shipped scenarios and `files` — (label as typed, bytes) — named
    /// on the command line, each checked now so a broken file is told
    /// before the page opens.
    pub fn new(files: Vec<(String, Vec<u8>)>) -> Result<Catalog> {
        let mut fixed = Vec::new();
        for (stem, text) in SHIPPED {
            let label = format!("scenarios/{stem}.toml");
            fixed.push(entry(stem, &label, text.to_string(), Origin::Shipped)?);
        }
        for (label, bytes) in files {
            let text = fundgap_report::input::scenario_text(&label, bytes)?;
            let stem = stem_of(&label);
            let mut id = format!("file-{stem}");
            let mut n = 2;
            while fixed.iter().any(|e: &Entry| e.id == id) {
                id = format!("file-{stem}-{n}");
                n += 1;
            }
            fixed.push(entry(&id, &label, text, Origin::File)?);
        }
        Ok(Catalog {
            fixed,
            uploads: Mutex::new((0, Vec::new())),
        })
    }

    /// Every scenario, the command line's files first, then the shipped
    /// ones, then uploads.
    pub fn list(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = self
            .fixed
            .iter()
            .filter(|e| e.origin == Origin::File)
            .cloned()
            .collect();
        out.extend(
            self.fixed
                .iter()
                .filter(|e| e.origin == Origin::Shipped)
                .cloned(),
        );
        if let Ok(u) = self.uploads.lock() {
            out.extend(u.1.iter().cloned());
        }
        out
    }

    /// The scenario `id`, or an error naming the ids there are.
    pub fn get(&self, id: &str) -> Result<Entry> {
        let all = self.list();
        all.iter().find(|e| e.id == id).cloned().ok_or_else(|| {
            Error::Usage(format!(
                "no scenario `{id}` here; there are: {}",
                all.iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }

    /// Adds an uploaded file (TOML or a workbook) named `name` by the
    /// client (only its last part, for the label); returns its entry.
    pub fn upload(&self, name: &str, bytes: Vec<u8>) -> Result<Entry> {
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(Error::Usage(format!(
                "the file is {} bytes; a scenario may be at most {MAX_UPLOAD_BYTES}",
                bytes.len()
            )));
        }
        // The client's name is a label only: no folder of it is kept.
        let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
        let base: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
        let base = if base.trim().is_empty() {
            "upload.toml".to_string()
        } else {
            base
        };
        let text = fundgap_report::input::scenario_text(&base, bytes)?;
        let mut u = self
            .uploads
            .lock()
            .map_err(|_| Error::Usage("the upload list is unavailable".into()))?;
        u.0 += 1;
        let id = format!("upload-{}-{}", u.0, stem_of(&base));
        let e = entry(&id, &base, text, Origin::Upload)?;
        if u.1.len() >= MAX_UPLOADS {
            u.1.remove(0);
        }
        u.1.push(e.clone());
        Ok(e)
    }
}

/// A checked entry: the scenario must compile as it is.
fn entry(id: &str, label: &str, text: String, origin: Origin) -> Result<Entry> {
    let model =
        scenario::parse_str(&text, label).map_err(|e| fundgap_report::book::locate(e.into()))?;
    Ok(Entry {
        id: id.to_string(),
        label: label.to_string(),
        name: model.name().to_string(),
        origin,
        text,
    })
}

/// The file stem of `label` as an id part: its slug, or `scenario`.
fn stem_of(label: &str) -> String {
    let base = label.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let slug = fundgap::names::slug(stem);
    let slug: String = slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if slug.is_empty() {
        "scenario".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_scenarios_compile_and_have_ids() {
        let c = Catalog::new(Vec::new()).unwrap();
        assert_eq!(c.list().len(), SHIPPED.len());
        assert_eq!(
            c.get("daejeon-challenge").unwrap().label,
            "scenarios/daejeon-challenge.toml"
        );
        assert!(c.get("../etc/passwd").is_err());
    }

    #[test]
    fn an_upload_keeps_no_folder_and_refuses_bad_text() {
        let c = Catalog::new(Vec::new()).unwrap();
        let e = c
            .upload("/etc/x/../my city.toml", SHIPPED[0].1.as_bytes().to_vec())
            .unwrap();
        assert_eq!(e.label, "my city.toml");
        assert!(e.id.starts_with("upload-1-"), "{}", e.id);
        assert!(c.upload("bad.toml", b"[scenario\n".to_vec()).is_err());
        assert!(c.upload("bin.toml", vec![0xff, 0xfe]).is_err());
    }
}
