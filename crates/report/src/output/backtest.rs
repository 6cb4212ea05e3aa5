//! A back-test's outputs: backtest.csv, backtest.md and backtest.json.

use fundgap::analysis::backtest::Score;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, csv_file};
use crate::files::analyses::{backtest_csv, backtest_markdown};

/// The scored forecasts of every back-test case.
pub struct BacktestOutput<'a> {
    pub score: &'a Score,
}

impl Output for BacktestOutput<'_> {
    fn files(&self, lang: Language) -> Result<Files> {
        Ok(vec![
            csv_file("backtest.csv", backtest_csv(self.score))?,
            (
                "backtest.md".into(),
                backtest_markdown(self.score, lang).into_bytes(),
            ),
            (
                "backtest.json".into(),
                serde_json::to_vec_pretty(self.score)?,
            ),
        ])
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(backtest_markdown(self.score, lang))
    }
}
