//! A stress grid's outputs (`stress` and `merge`): stress.csv,
//! stress.json, the heatmap and report.xlsx.

use fundgap::analysis::stress::StressResult;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, Settings, csv_file, file, text};
use crate::charts::{self, ChartOptions};
use crate::files::analyses;
use crate::staging::Sink;
use crate::terminal::analyses as analysis_table;
use crate::workbook;

/// A finished grid, reported against `target` (the earliest withdrawal
/// year keeping P(any gap) below it).
pub struct StressOutput<'a> {
    pub result: &'a StressResult,
    pub target: f64,
}

impl Output for StressOutput<'_> {
    fn files(&self, _lang: Language) -> Result<Files> {
        Ok(vec![
            csv_file("stress.csv", analyses::stress_csv(self.result))?,
            (
                "stress.json".into(),
                serde_json::to_vec_pretty(self.result)?,
            ),
        ])
    }

    fn workbook(&self, files: &Files, s: &Settings) -> Result<Option<Vec<u8>>> {
        let csv = file(files, "stress.csv");
        workbook::stress_workbook(self.result, csv, &s.made_by, s.lang).map(Some)
    }

    fn chart_text(&self, files: &Files, _lang: Language) -> Result<String> {
        Ok(text(files, "stress.json"))
    }

    fn charts(&self, lang: Language, out: &mut dyn Sink) -> Result<()> {
        charts::draw_heatmap(self.result, &ChartOptions::in_language(lang), out)?;
        Ok(())
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(analysis_table::stress(self.result, self.target, lang))
    }
}
