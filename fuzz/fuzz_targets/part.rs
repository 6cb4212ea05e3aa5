//! Any bytes as a part file for `fundgap merge`: reading the header from
//! the first two lines, checking the whole file, decoding the aggregate
//! and checking it against the scenario the header names must return a
//! part or a reason, never panic, hang or allocate without bound. The
//! steps are merge's own, in its order (`src/cli/merge.rs`).
//!
//! Checksums guard against accidents, not forgery, and a mutated file
//! almost never keeps them: so each input is tried twice, as a file, and
//! as the header line and payload of a file re-signed here (a forger's
//! part), which takes the fuzzer past the checksums to the header's and
//! the aggregate's own checks. The corpus holds real parts in that form.
//!
//! cargo +nightly fuzz run part fuzz/corpus/part fuzz/seeds/part -- -max_total_time=1800 -rss_limit_mb=2048

#![no_main]

use fundgap::analysis::stress::StressResult;
use fundgap::stats::Accumulator;
use fundgap::stats::part::{self, PartKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    read(data);
    read(&signed(data));
});

/// `data` (a header line, then the payload) framed as a part whose
/// checksums are right.
fn signed(data: &[u8]) -> Vec<u8> {
    let cut = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (json, payload) = (&data[..cut], data.get(cut + 1..).unwrap_or_default());
    let mut out = format!(
        "{} {} {}\n",
        part::MAGIC,
        part::FORMAT,
        part::sha256_hex(json)
    )
    .into_bytes();
    out.extend_from_slice(json);
    out.push(b'\n');
    out.extend_from_slice(payload);
    let hex = part::sha256_hex(&out);
    let digest: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0))
        .collect();
    out.extend_from_slice(&digest);
    out
}

/// Merge's reading of one part, in its order.
fn read(data: &[u8]) {
    // merge reads the header from the first two lines alone.
    let Ok((header, _)) = part::decode_header(data) else {
        return;
    };
    let named = vec![("fuzz.part".to_string(), header.clone())];
    let _ = part::check_set(&named);
    let Ok((again, payload)) = part::decode(data) else {
        return;
    };
    assert_eq!(again, header);
    match header.kind {
        PartKind::Run => {
            let Ok(acc) = part::from_payload::<Accumulator>(payload) else {
                return;
            };
            let overrides: Result<Vec<_>, _> = header
                .overrides
                .iter()
                .map(|o| fundgap::scenario::Override::parse(o))
                .collect();
            let Ok(overrides) = overrides else {
                return;
            };
            let Ok(mut model) = fundgap::scenario::parse_with(
                &header.scenario_text,
                &header.scenario_label,
                &overrides,
            ) else {
                return;
            };
            model.set_run(Some(header.trials.max(1)), Some(header.seed));
            if acc.fits(&model) && acc.trials == header.end - header.start {
                let mut whole = Accumulator::new(&model);
                whole.merge(&acc);
                if whole.check(&model).is_ok() {
                    let _ = fundgap::stats::Report::new(&model, &whole);
                }
            }
        }
        PartKind::Stress => {
            if let Ok(r) = part::from_payload::<StressResult>(payload)
                && let Some(whole) = StressResult::join(vec![r])
                && whole.inconsistency().is_none()
            {
                // What merge goes on to do with a grid it accepts.
                let _ = whole.earliest_safe(0.1);
                for c in &whole.cells {
                    assert!(whole.cell(c.x, c.y).is_some());
                }
            }
        }
    }
}
