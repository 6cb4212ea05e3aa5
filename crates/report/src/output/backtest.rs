//! A back-test's outputs: backtest.csv, calibration.csv, backtest.md and
//! backtest.json.

use fundgap::analysis::backtest::Backtest;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, csv_file};
use crate::files::backtest::{backtest_csv, backtest_markdown, calibration_csv};

/// The scored forecasts of every back-test case.
pub struct BacktestOutput<'a> {
    pub result: &'a Backtest,
}

impl Output for BacktestOutput<'_> {
    fn files(&self, lang: Language) -> Result<Files> {
        Ok(vec![
            csv_file("backtest.csv", backtest_csv(self.result))?,
            csv_file("calibration.csv", calibration_csv(&self.result.score))?,
            (
                "backtest.md".into(),
                backtest_markdown(self.result, lang).into_bytes(),
            ),
            (
                "backtest.json".into(),
                serde_json::to_vec_pretty(self.result)?,
            ),
        ])
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(backtest_markdown(self.result, lang))
    }
}
