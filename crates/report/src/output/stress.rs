//! A stress grid's outputs (`stress` and `merge`): stress.csv,
//! stress.json, the heatmap, report.xlsx and report.html.

use fundgap::analysis::stress::StressResult;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, Settings, csv_file, file, text};
use crate::charts::{self, ChartOptions};
use crate::files::analyses;
use crate::staging::Sink;
use crate::terminal::stress as stress_table;
use crate::{html, workbook};

/// A finished grid, reported against `target` (the earliest withdrawal
/// year keeping P(any gap) below it); `command` is how it was made, for
/// its page.
pub struct StressOutput<'a> {
    pub result: &'a StressResult,
    pub target: f64,
    pub command: String,
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

    fn html(&self, lang: Language, with_charts: bool) -> Result<Option<String>> {
        let mut svgs: Files = Vec::new();
        if with_charts {
            charts::draw_heatmap(self.result, &ChartOptions::page(lang), &mut svgs)?;
        }
        let page = html::stress_html(self.result, self.target, lang, &svgs, &self.command);
        Ok(Some(page))
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(stress_table::stress(self.result, self.target, lang))
    }
}
