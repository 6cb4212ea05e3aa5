//! What a run's files record of how it was made (not its results).

use fundgap::model::Model;

/// Facts about a run that are not results: where, when, how.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The scenario file as given, or the built-in label.
    pub scenario_file: String,
    /// The `--set` overrides applied, as typed (`PATH=VALUE`).
    pub overrides: Vec<String>,
    pub threads: usize,
    pub elapsed_seconds: f64,
    /// How a `--precision` run ended (None for a fixed trial count).
    pub precision: Option<fundgap::stats::precision::Stopped>,
    /// The budget year plan.csv's five years start from.
    pub budget_year: i32,
}

impl RunInfo {
    /// The command that repeats the run (`verb`: `run`, `evaluate`): the
    /// same file, trials, seed and overrides (and language, when it is not
    /// English).
    pub fn command(
        &self,
        verb: &str,
        model: &Model,
        trials: u64,
        lang: fundgap::model::Language,
    ) -> String {
        let mut again = format!(
            "fundgap {verb} {} --trials {trials} --seed {}",
            shell_word(&self.scenario_file),
            model.seed()
        );
        // A run's budget year too: its plan.csv depends on it, and by
        // default it is the year the command runs in.
        if verb == "run" {
            again.push_str(&format!(" --from {}", self.budget_year));
        }
        for o in &self.overrides {
            again.push_str(&format!(" --set {}", quoted(o)));
        }
        if lang != fundgap::model::Language::En {
            again.push_str(&format!(" --lang {}", lang.as_str()));
        }
        again
    }
}

/// `s` as one word of a POSIX shell: as it is when it holds only
/// letters, digits and `_./:@%+=,-`, else single-quoted (a file named
/// `my city.toml` or `a;b.toml` must not split or run anything).
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "_./:@%+=,-".contains(c);
    match !s.is_empty() && s.chars().all(plain) {
        true => s.to_string(),
        false => quoted(s),
    }
}

/// `s` single-quoted for a POSIX shell, so it neither splits nor
/// expands (a `*`).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The calendar year now (UTC), the default budget year of a plan: days
/// since 1970-01-01 to a civil year (Howard Hinnant's `civil_from_days`).
pub fn this_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_one_shell_word() {
        assert_eq!(shell_word("scenarios/대전.toml"), "scenarios/대전.toml");
        assert_eq!(shell_word("my city.toml"), "'my city.toml'");
        assert_eq!(shell_word("a'b;rm.toml"), "'a'\\''b;rm.toml'");
        assert_eq!(shell_word(""), "''");
    }
}
