//! Partial aggregates: what one shard of a run (or of a stress grid)
//! leaves for `fundgap merge`, as bytes.
//!
//! A run split into shards (`run --shard K/N`) simulates trials
//! `⌊(K-1)T/N⌋..⌊KT/N⌋` of the same model and keeps its [`super::Accumulator`];
//! since accumulators merge exactly (integers only), the merged shards
//! are the single run bit for bit. A stress grid splits its cells the same
//! way. This module owns the file that carries a shard's result between
//! machines and the checks that decide whether a set of them is one whole
//! run:
//!
//! ```text
//! fundgap partial aggregate 1 <hex>\n magic, format version, SHA-256 of the header line
//! {header as JSON}\n                 PartHeader: what was run, which share
//! payload                            postcard encoding of the aggregate
//! SHA-256 of all the above           32 bytes
//! ```
//!
//! The header is JSON so `head -2` shows what a file is; it embeds the
//! scenario's text, so a merge needs nothing but the parts. The header's
//! own checksum lets a merge check every part's header from its first two
//! lines; the final one covers everything, so a truncated or damaged file
//! is refused rather than merged. It protects against accidents, not forgery: a decoded
//! accumulator is still checked against the model's layout before it is
//! merged ([`super::Accumulator::fits`]).
//!
//! Pure: bytes in, bytes out; the binary reads and writes the files.

use std::ops::Range;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The first bytes of every part file.
pub const MAGIC: &str = "fundgap partial aggregate";
/// The layout version written after [`MAGIC`]; a reader refuses others.
pub const FORMAT: u32 = 2;
/// fundgap's version, which every part of a merge must share.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
const DIGEST: usize = 32;

/// Shard `index` of `count`, counting from 1 (`3/8` is the third of
/// eight). Invariant: `1 <= index <= count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// Shard `index` of `count`; `None` unless `1 <= index <= count`.
    pub fn new(index: u64, count: u64) -> Option<Shard> {
        (index >= 1 && index <= count).then_some(Shard { index, count })
    }

    /// Which shard this is, from 1.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// How many shards there are.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// This shard's share of `0..total`: contiguous, as even as integers
    /// allow (sizes differ by at most one), and the shards `1..=count`
    /// together cover every unit once.
    pub fn range(&self, total: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(total) * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }

    /// `part-K-of-N`, for file names.
    pub fn suffix(&self) -> String {
        format!("part-{}-of-{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let expected = "expected K/N with 1 <= K <= N, e.g. 3/8 for the third of eight shards";
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: {expected}"))?;
        let num = |x: &str| x.trim().parse::<u64>().ok();
        let (Some(k), Some(n)) = (num(k), num(n)) else {
            return Err(format!("`{s}`: {expected}"));
        };
        if k == 0 && n > 0 {
            return Err(format!(
                "`{s}`: shards count from 1 (1/{n} to {n}/{n}); for a 0-based index such as \
                 Kubernetes' JOB_COMPLETION_INDEX pass $((INDEX + 1))/{n}"
            ));
        }
        Shard::new(k, n).ok_or_else(|| format!("`{s}`: {expected}"))
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a part holds the aggregate of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    /// A share of a run's trials: an [`crate::stats::Accumulator`].
    Run,
    /// A share of a stress grid's cells: their finished results.
    Stress,
}

impl PartKind {
    /// What its ranges count.
    pub fn units(self) -> &'static str {
        match self {
            PartKind::Run => "trials",
            PartKind::Stress => "cells",
        }
    }
}

/// Everything a part records besides its aggregate: what was run (which
/// every part of one merge must share) and which share of it this is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    /// Run or stress grid.
    pub kind: PartKind,
    /// The fundgap version that wrote it ([`VERSION`]).
    pub fundgap_version: String,
    /// The scenario as the user named it (path or built-in label).
    pub scenario_label: String,
    /// Its file stem, for the merge's default output directory.
    pub scenario_stem: String,
    /// SHA-256 of the scenario's text, in hex.
    pub scenario_sha256: String,
    /// The scenario's text, so a merge needs no other file.
    pub scenario_text: String,
    /// The `--set` overrides, as typed (`PATH=VALUE`).
    pub overrides: Vec<String>,
    /// The seed shared by all parts.
    pub seed: u64,
    /// Trials of the whole run (per cell, for a stress grid).
    pub trials: u64,
    /// Every other setting that changes results, by name (the confidence
    /// levels, a grid's years and cuts): parts must agree on each.
    pub settings: Vec<(String, String)>,
    /// The command that wrote it, without `--shard`, `--out` and other
    /// flags that change no result (for the merged workbook's record).
    pub command: String,
    /// Which shard wrote it.
    pub shard: Shard,
    /// The first unit (trial or cell) it holds.
    pub start: u64,
    /// One past the last unit it holds.
    pub end: u64,
    /// The units of the whole run: the parts cover `0..total`.
    pub total: u64,
    /// Worker threads it ran on (not a result).
    pub threads: usize,
    /// Seconds it took (not a result).
    pub elapsed_seconds: f64,
}

/// SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a file is not a part, or a set of parts is not one run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PartError {
    /// The file is something else.
    #[error("not a fundgap partial aggregate (it does not start with \"{MAGIC}\")")]
    NotAPart,
    /// Another layout version of the format.
    #[error(
        "written in part format {found}; this fundgap (version {VERSION}) reads format {FORMAT}: merge with the fundgap that wrote it"
    )]
    Format {
        /// The version the file names.
        found: String,
    },
    /// The checksum does not match: damaged in transit or cut short.
    #[error("damaged or truncated: its SHA-256 checksum does not match its contents")]
    Checksum,
    /// The checksum matches but the contents cannot be what fundgap wrote.
    #[error("damaged: {0}")]
    Damaged(String),
    /// Two parts (or a part and this fundgap) disagree on what was run.
    #[error(
        "{other} differs from {first} in its {what}: {other_value} against {first_value}; every part must come from the same run"
    )]
    Mismatch {
        /// The field that differs.
        what: &'static str,
        /// The part compared against.
        first: String,
        /// Its value.
        first_value: String,
        /// The part that differs.
        other: String,
        /// Its value.
        other_value: String,
    },
    /// Two parts hold some of the same units.
    #[error(
        "{first} ({units} {first_range:?}) and {second} ({units} {second_range:?}) overlap; give each shard once"
    )]
    Overlap {
        /// trials or cells.
        units: &'static str,
        /// One part.
        first: String,
        /// Its units.
        first_range: Range<u64>,
        /// The other.
        second: String,
        /// Its units.
        second_range: Range<u64>,
    },
    /// No part holds some units.
    #[error("no part holds {units} {missing:?} of 0..{total}{hint}")]
    Missing {
        /// trials or cells.
        units: &'static str,
        /// The first run of units nobody holds.
        missing: Range<u64>,
        /// The run's units.
        total: u64,
        /// Which shards those would be, when it can be said.
        hint: String,
    },
    /// Nothing to merge.
    #[error("no parts given")]
    Empty,
}

/// The bytes of a part file: header and an encoded payload.
pub fn encode(header: &PartHeader, payload: &[u8]) -> Result<Vec<u8>, PartError> {
    let json = serde_json::to_string(header).map_err(|e| PartError::Damaged(e.to_string()))?;
    let mut out = Vec::with_capacity(MAGIC.len() + 2 * json.len() + payload.len() + 120);
    let first = format!("{MAGIC} {FORMAT} {}\n", sha256_hex(json.as_bytes()));
    out.extend_from_slice(first.as_bytes());
    out.extend_from_slice(json.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload);
    let digest = Sha256::digest(&out);
    out.extend_from_slice(&digest);
    Ok(out)
}

/// A part's header, checked (magic, format, the header's own SHA-256),
/// from the start of the file: `prefix` needs to hold its first two lines
/// only, so a merge can check every part's header before reading any
/// aggregate. Returns the header and where the payload starts.
pub fn decode_header(prefix: &[u8]) -> Result<(PartHeader, usize), PartError> {
    if !prefix.starts_with(MAGIC.as_bytes()) {
        return Err(PartError::NotAPart);
    }
    let line_end = |from: usize| {
        prefix[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| from + i)
    };
    let first = line_end(0).ok_or(PartError::Checksum)?;
    let line = String::from_utf8_lossy(&prefix[MAGIC.len()..first]);
    let mut words = line.split_whitespace();
    let found = words.next().unwrap_or_default().to_string();
    if found != FORMAT.to_string() {
        return Err(PartError::Format { found });
    }
    let second = line_end(first + 1).ok_or(PartError::Checksum)?;
    let json = &prefix[first + 1..second];
    if words.next() != Some(sha256_hex(json).as_str()) {
        return Err(PartError::Checksum);
    }
    let header: PartHeader =
        serde_json::from_slice(json).map_err(|e| PartError::Damaged(format!("header: {e}")))?;
    check_header(&header)?;
    Ok((header, second + 1))
}

/// What a header must hold whoever wrote it: a shard `K/N` with
/// `1 <= K <= N` whose range of `0..total` is the one recorded (a
/// re-signed header cannot claim another share), a run's total equal to
/// its trials, and a scenario stem that is a plain file name (merge
/// names its output folder by it: a path there is never followed).
fn check_header(h: &PartHeader) -> Result<(), PartError> {
    let damaged = |what: String| Err(PartError::Damaged(format!("header: {what}")));
    let Some(shard) = Shard::new(h.shard.index, h.shard.count) else {
        return damaged(format!(
            "shard {}/{} (the first must be 1 to the second)",
            h.shard.index, h.shard.count
        ));
    };
    if h.start > h.end || h.end > h.total {
        return damaged(format!(
            "range {}..{} outside 0..{}",
            h.start, h.end, h.total
        ));
    }
    if shard.range(h.total) != (h.start..h.end) {
        return damaged(format!(
            "range {}..{} is not shard {shard}'s share of 0..{} ({:?})",
            h.start,
            h.end,
            h.total,
            shard.range(h.total)
        ));
    }
    if h.kind == PartKind::Run && h.total != h.trials {
        return damaged(format!(
            "a run of {} trials cannot be split into 0..{}",
            h.trials, h.total
        ));
    }
    if !is_plain_name(&h.scenario_stem) {
        return damaged(format!(
            "scenario stem {:?} is not a plain file name",
            h.scenario_stem
        ));
    }
    Ok(())
}

/// A single, ordinary path component: not empty, not `.`/`..`, no
/// separator, no control character, not hidden.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

/// A part file's header and payload, checked: the header as
/// [`decode_header`] checks it, and the whole file's checksum.
pub fn decode(bytes: &[u8]) -> Result<(PartHeader, &[u8]), PartError> {
    let (header, start) = decode_header(bytes)?;
    if bytes.len() < start + DIGEST {
        return Err(PartError::Checksum);
    }
    let (body, digest) = bytes.split_at(bytes.len() - DIGEST);
    if Sha256::digest(body).as_slice() != digest {
        return Err(PartError::Checksum);
    }
    Ok((header, &body[start..]))
}

/// Encodes an aggregate for [`encode`] (postcard: compact, and every f64
/// kept bit for bit).
pub fn to_payload<T: Serialize>(value: &T) -> Result<Vec<u8>, PartError> {
    postcard::to_stdvec(value).map_err(|e| PartError::Damaged(e.to_string()))
}

/// Decodes a payload written by [`to_payload`]; every byte must be used.
pub fn from_payload<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PartError> {
    let (value, rest) = postcard::take_from_bytes(bytes)
        .map_err(|e| PartError::Damaged(format!("aggregate: {e}")))?;
    if !rest.is_empty() {
        return Err(PartError::Damaged(format!(
            "aggregate: {} bytes left over",
            rest.len()
        )));
    }
    Ok(value)
}

/// Checks that `parts` (a name for messages, and the header) are one
/// whole run: the same kind, version, scenario, overrides, seed, trials
/// and settings, and ranges that cover `0..total` exactly once. Returns
/// their indices in the order of their ranges.
pub fn check_set(parts: &[(String, PartHeader)]) -> Result<Vec<usize>, PartError> {
    let (first_name, first) = parts.first().ok_or(PartError::Empty)?;
    if first.fundgap_version != VERSION {
        return Err(PartError::Mismatch {
            what: "fundgap version",
            first: "this fundgap".into(),
            first_value: VERSION.into(),
            other: first_name.clone(),
            other_value: first.fundgap_version.clone(),
        });
    }
    for (name, h) in &parts[1..] {
        let differ = |what: &'static str, a: String, b: String| {
            (a != b).then(|| PartError::Mismatch {
                what,
                first: first_name.clone(),
                first_value: a,
                other: name.clone(),
                other_value: b,
            })
        };
        let checks = [
            differ("kind", first.kind.units().into(), h.kind.units().into()),
            differ(
                "fundgap version",
                first.fundgap_version.clone(),
                h.fundgap_version.clone(),
            ),
            differ(
                "scenario (SHA-256 of its text)",
                format!("{} ({})", first.scenario_sha256, first.scenario_label),
                format!("{} ({})", h.scenario_sha256, h.scenario_label),
            ),
            differ(
                "overrides (--set)",
                format!("{:?}", first.overrides),
                format!("{:?}", h.overrides),
            ),
            differ("seed", first.seed.to_string(), h.seed.to_string()),
            differ("trials", first.trials.to_string(), h.trials.to_string()),
            differ(
                "settings",
                format!("{:?}", first.settings),
                format!("{:?}", h.settings),
            ),
            differ("total", first.total.to_string(), h.total.to_string()),
        ];
        if let Some(e) = checks.into_iter().flatten().next() {
            return Err(e);
        }
    }
    let units = first.kind.units();
    for (i, (name, h)) in parts.iter().enumerate() {
        if let Some((other, o)) = parts[..i].iter().find(|(_, o)| o.shard == h.shard) {
            return Err(PartError::Overlap {
                units,
                first: other.clone(),
                first_range: o.start..o.end,
                second: name.clone(),
                second_range: h.start..h.end,
            });
        }
    }
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| (parts[i].1.start, parts[i].1.end));
    let mut covered = 0u64;
    let mut last: Option<usize> = None;
    for &i in &order {
        let h = &parts[i].1;
        if h.start > covered {
            return Err(missing(units, covered..h.start, first.total, parts));
        }
        if h.start < covered
            && let Some(l) = last
        {
            return Err(PartError::Overlap {
                units,
                first: parts[l].0.clone(),
                first_range: parts[l].1.start..parts[l].1.end,
                second: parts[i].0.clone(),
                second_range: h.start..h.end,
            });
        }
        covered = covered.max(h.end);
        if h.end > h.start {
            last = Some(i);
        }
    }
    if covered < first.total {
        return Err(missing(units, covered..first.total, first.total, parts));
    }
    Ok(order)
}

/// A [`PartError::Missing`], naming the shards that would hold the range
/// when all parts were cut into the same number of shards.
fn missing(
    units: &'static str,
    range: Range<u64>,
    total: u64,
    parts: &[(String, PartHeader)],
) -> PartError {
    let n = parts[0].1.shard.count;
    let same_n = parts.iter().all(|(_, h)| h.shard.count == n);
    let hint = if same_n && n > 0 {
        // Shard k ends at ⌊kT/N⌋, which grows with k: the shards meeting
        // the range are found by bisection, never by walking all N (a
        // forged count may be 2^64 - 1).
        let end = |k: u64| (u128::from(total) * u128::from(k) / u128::from(n)) as u64;
        let first_ending_after = |x: u64| {
            let (mut lo, mut hi) = (1u64, n);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if end(mid) > x { hi = mid } else { lo = mid + 1 }
            }
            lo
        };
        let first = first_ending_after(range.start);
        let last = first_ending_after(range.end.saturating_sub(1)).max(first);
        let absent: Vec<String> = (first..=last)
            .take(10)
            .map(|k| format!("{k}/{n}"))
            .collect();
        let more = last - first + 1 - absent.len() as u64;
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("; missing shard {}{more}", absent.join(", "))
    } else {
        String::new()
    };
    PartError::Missing {
        units,
        missing: range,
        total,
        hint,
    }
}

#[cfg(test)]
mod tests;
