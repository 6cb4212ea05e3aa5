//! A comparison's outputs: compare.csv, compare-pairs.csv,
//! compare.json, its charts, report.xlsx and report.html.

use fundgap::analysis::compare::CompareResult;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, Settings, csv_file, file, text};
use crate::charts::{self, ChartOptions};
use crate::files::analyses;
use crate::lang::{Money, MoneyOf, Words};
use crate::staging::Sink;
use crate::terminal::compare as compare_table;
use crate::{html, workbook};

/// A finished comparison over the calendar `years` of its horizon;
/// `command` is how it was made, for its page.
pub struct CompareOutput<'a> {
    pub result: &'a CompareResult,
    pub years: Vec<i32>,
    pub command: String,
}

impl Output for CompareOutput<'_> {
    fn files(&self, _lang: Language) -> Result<Files> {
        Ok(vec![
            csv_file("compare.csv", analyses::compare_csv(self.result))?,
            csv_file(
                "compare-pairs.csv",
                analyses::compare_pairs_csv(self.result),
            )?,
            (
                "compare.json".into(),
                serde_json::to_vec_pretty(self.result)?,
            ),
        ])
    }

    fn workbook(&self, files: &Files, s: &Settings) -> Result<Option<Vec<u8>>> {
        let w = Words(s.lang);
        let sheets: [(&str, &[u8]); 2] = [
            (w.t("compare", "비교"), file(files, "compare.csv")),
            (w.t("pairs", "쌍별 비교"), file(files, "compare-pairs.csv")),
        ];
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

    fn html(&self, lang: Language, with_charts: bool) -> Result<Option<String>> {
        let mut svgs: Files = Vec::new();
        if with_charts {
            let opts = ChartOptions::page(lang);
            charts::draw_compare(self.result, &self.years, &opts, &mut svgs)?;
        }
        let page = html::compare_html(self.result, lang, &svgs, &self.command);
        Ok(Some(page))
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(compare_table::compare(self.result, lang))
    }
}
