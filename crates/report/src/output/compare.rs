//! A comparison's outputs: compare.csv, compare.json, its charts and
//! report.xlsx.

use fundgap::analysis::compare::CompareResult;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, Settings, csv_file, file, text};
use crate::charts::{self, ChartOptions};
use crate::files::analyses;
use crate::lang::{Money, MoneyOf, Words};
use crate::staging::Sink;
use crate::terminal::analyses as analysis_table;
use crate::workbook;

/// A finished comparison over the calendar `years` of its horizon.
pub struct CompareOutput<'a> {
    pub result: &'a CompareResult,
    pub years: Vec<i32>,
}

impl Output for CompareOutput<'_> {
    fn files(&self, _lang: Language) -> Result<Files> {
        Ok(vec![
            csv_file("compare.csv", analyses::compare_csv(self.result))?,
            (
                "compare.json".into(),
                serde_json::to_vec_pretty(self.result)?,
            ),
        ])
    }

    fn workbook(&self, files: &Files, s: &Settings) -> Result<Option<Vec<u8>>> {
        let name = Words(s.lang).t("compare", "비교");
        let sheets: [(&str, &[u8]); 1] = [(name, file(files, "compare.csv"))];
        let money = Money::of_comparison(self.result, s.lang);
        workbook::tables_workbook("compare", &sheets, &s.made_by, s.lang, &money).map(Some)
    }

    fn chart_text(&self, files: &Files, _lang: Language) -> Result<String> {
        Ok(text(files, "compare.json"))
    }

    fn charts(&self, lang: Language, out: &mut dyn Sink) -> Result<()> {
        let opts = ChartOptions::in_language(lang);
        charts::draw_compare(self.result, &self.years, &opts, out)?;
        Ok(())
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(analysis_table::compare(self.result, lang))
    }
}
