use super::*;

fn header(k: u64, n: u64, total: u64) -> PartHeader {
    let shard = Shard::new(k, n).unwrap();
    let r = shard.range(total);
    PartHeader {
        kind: PartKind::Run,
        fundgap_version: VERSION.into(),
        scenario_label: "s.toml".into(),
        scenario_stem: "s".into(),
        scenario_sha256: sha256_hex(b"text"),
        scenario_text: "text".into(),
        overrides: vec![],
        seed: 1,
        trials: total,
        settings: vec![("confidence".into(), "0.9".into())],
        command: "fundgap run s.toml".into(),
        shard,
        start: r.start,
        end: r.end,
        total,
        threads: 1,
        elapsed_seconds: 0.5,
    }
}

fn named(hs: Vec<PartHeader>) -> Vec<(String, PartHeader)> {
    hs.into_iter()
        .map(|h| (format!("p{}", h.shard.index), h))
        .collect()
}

#[test]
fn shards_cover_every_unit_once_with_sizes_within_one() {
    for total in [0u64, 1, 7, 100, 1001, u64::MAX] {
        for n in [1u64, 2, 3, 7, 16] {
            let ranges: Vec<_> = (1..=n)
                .map(|k| Shard::new(k, n).unwrap().range(total))
                .collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, total);
            for w in ranges.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
            let sizes: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 1, "{total} / {n}: {sizes:?}");
        }
    }
}

#[test]
fn shard_parses_and_refuses_with_the_form_expected() {
    assert_eq!("3/8".parse::<Shard>().unwrap(), Shard::new(3, 8).unwrap());
    assert!("0/4".parse::<Shard>().unwrap_err().contains("count from 1"));
    for bad in ["5/4", "4", "a/b", "1/0", ""] {
        assert!(bad.parse::<Shard>().unwrap_err().contains("K/N"), "{bad}");
    }
}

#[test]
fn a_part_round_trips_and_any_damage_is_refused() {
    let h = header(2, 3, 100);
    let bytes = encode(&h, b"payload").unwrap();
    let (back, payload) = decode(&bytes).unwrap();
    assert_eq!(back, h);
    assert_eq!(payload, b"payload");
    // Every single-byte change and every truncation is caught.
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x20;
        assert!(decode(&bad).is_err(), "byte {i}");
        assert!(decode(&bytes[..i]).is_err(), "truncated at {i}");
    }
    assert_eq!(decode(b"hello"), Err(PartError::NotAPart));
    let newer = String::from_utf8_lossy(&bytes).replacen(
        &format!("{MAGIC} {FORMAT}"),
        &format!("{MAGIC} 9"),
        1,
    );
    assert!(matches!(
        decode(newer.as_bytes()),
        Err(PartError::Format { .. })
    ));
}

#[test]
fn a_complete_set_passes_in_any_order() {
    let mut parts = named((1..=4).map(|k| header(k, 4, 10)).collect());
    parts.reverse();
    assert_eq!(check_set(&parts).unwrap(), vec![3, 2, 1, 0]);
}

#[test]
fn missing_overlapping_and_foreign_parts_are_named() {
    let parts = named(vec![header(1, 4, 10), header(2, 4, 10), header(4, 4, 10)]);
    let e = check_set(&parts).unwrap_err();
    assert!(matches!(e, PartError::Missing { .. }), "{e}");
    assert!(e.to_string().contains("missing shard 3/4"), "{e}");

    let parts = named(vec![header(1, 2, 10), header(2, 4, 10), header(2, 2, 10)]);
    let e = check_set(&parts).unwrap_err();
    assert!(matches!(e, PartError::Overlap { .. }), "{e}");

    let parts = named(vec![header(1, 2, 10), header(1, 2, 10), header(2, 2, 10)]);
    assert!(matches!(check_set(&parts), Err(PartError::Overlap { .. })));

    for (what, change) in [
        (
            "seed",
            (|h: &mut PartHeader| h.seed = 2) as fn(&mut PartHeader),
        ),
        ("overrides", |h| h.overrides = vec!["a.b=1".into()]),
        ("scenario", |h| h.scenario_sha256 = sha256_hex(b"other")),
        ("settings", |h| h.settings.clear()),
        ("fundgap version", |h| h.fundgap_version = "0.0.1".into()),
    ] {
        let mut other = header(2, 2, 10);
        change(&mut other);
        let parts = named(vec![header(1, 2, 10), other]);
        let e = check_set(&parts).unwrap_err().to_string();
        assert!(e.contains(what) && e.contains("p2"), "{what}: {e}");
    }
}

/// A header re-signed by hand (its checksums recomputed) still has to be
/// one fundgap could have written: each forgery is refused by name.
#[test]
fn a_forged_header_is_refused_even_with_good_checksums() {
    let forged = |f: &dyn Fn(&mut PartHeader)| {
        let mut h = header(1, 2, 100);
        f(&mut h);
        let bytes = encode(&h, b"payload").unwrap();
        decode(&bytes).unwrap_err().to_string()
    };
    let e = forged(&|h| h.shard = Shard { index: 0, count: 2 });
    assert!(e.contains("shard 0/2"), "{e}");
    let e = forged(&|h| h.shard = Shard { index: 3, count: 2 });
    assert!(e.contains("shard 3/2"), "{e}");
    // Another share than its shard's.
    let e = forged(&|h| h.end = 60);
    assert!(e.contains("not shard 1/2's share"), "{e}");
    // A run's parts cover its trials, no more.
    let e = forged(&|h| {
        h.total = 200;
        h.end = 100;
    });
    assert!(e.contains("100 trials cannot be split into 0..200"), "{e}");
    // Merge names its output folder by the stem: never a path.
    for stem in ["/etc", "../up", "a/b", "", ".hidden", "c:x"] {
        let e = forged(&|h| h.scenario_stem = stem.into());
        assert!(e.contains("not a plain file name"), "{stem:?}: {e}");
    }
    assert!(decode(&encode(&header(2, 2, 100), b"p").unwrap()).is_ok());
}

/// A set whose shard count is the largest integer, with a range missing,
/// is refused at once naming the missing shards (it used to walk all
/// 2^64 - 1 of them).
#[test]
fn a_missing_range_of_a_huge_shard_count_is_named_at_once() {
    let n = u64::MAX;
    let total = 1000u64;
    let last = Shard::new(n, n).unwrap();
    let mut h = header(1, 1, total);
    h.shard = last;
    let r = last.range(total);
    (h.start, h.end) = (r.start, r.end);
    let started = std::time::Instant::now();
    let e = check_set(&named(vec![h])).unwrap_err().to_string();
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
    assert!(e.contains("no part holds trials 0..999 of 0..1000"), "{e}");
    assert!(e.contains("and ") && e.contains(" more"), "{e}");
}
