//! Names as people type them: the slug that keys streams and command-line
//! paths, and the "did you mean" suggestion for a mistyped key. A leaf:
//! imports nothing of the crate, so every layer can use it.

/// Edit distance with adjacent transpositions (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The known key nearest to `key`, if it is near enough to be a typo.
pub fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = key.to_lowercase().replace('-', "_");
    known
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2) || k.starts_with(&lower) && lower.len() >= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// "; did you mean \"x\"?" for the known key `x` nearest to `key`
/// ([`suggest`]), or nothing: the tail of a message about a name not
/// found.
pub fn did_you_mean(key: &str, known: &[&str]) -> String {
    suggest(key, known)
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_default()
}

/// The form of a name used in stream keys and command-line paths:
/// lower case, runs of anything but letters and digits as one '-'.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("City budget"), "city-budget");
        assert_eq!(
            slug("  national  subsidy (MOLIT) "),
            "national-subsidy-molit"
        );
    }
}
