//! A run's outputs (`run` and `merge`): yearly.csv, horizon.csv,
//! summary.json, charts.json, the charts, report.xlsx and report.html.

use fundgap::error::Result;
use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::{Files, Output, Settings, text};
use crate::charts::{self, ChartData, ChartOptions};
use crate::files::plan::plan_table;
use crate::files::{RunInfo, horizon_table, summary_json, yearly_table};
use crate::staging::Sink;
use crate::terminal as table;
use crate::{html, workbook};

/// What a run prints on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printed {
    /// The result table.
    Table,
    /// summary.json's content.
    Json,
}

/// A finished run (or a merged one: its files are a single run's).
pub struct RunOutput<'a> {
    model: &'a Model,
    report: &'a Report,
    info: &'a RunInfo,
    printed: Printed,
    charts: ChartData,
}

impl<'a> RunOutput<'a> {
    /// The outputs of `report`, a run of `model`, in `lang`.
    pub fn new(
        model: &'a Model,
        report: &'a Report,
        info: &'a RunInfo,
        lang: Language,
        printed: Printed,
    ) -> Self {
        RunOutput {
            model,
            report,
            info,
            printed,
            charts: ChartData::new(model, report, lang),
        }
    }
}

impl Output for RunOutput<'_> {
    fn files(&self, _lang: Language) -> Result<Files> {
        let mut summary = serde_json::to_vec_pretty(&self.summary())?;
        summary.push(b'\n');
        Ok(vec![
            ("yearly.csv".into(), yearly_table(self.report).csv()?),
            ("horizon.csv".into(), horizon_table(self.report).csv()?),
            ("summary.json".into(), summary),
            ("charts.json".into(), serde_json::to_vec(&self.charts)?),
            (
                "plan.csv".into(),
                plan_table(self.model, self.report, self.info.budget_year).csv()?,
            ),
        ])
    }

    fn workbook(&self, _files: &Files, s: &Settings) -> Result<Option<Vec<u8>>> {
        workbook::run_workbook(self.model, self.report, self.info, s.lang).map(Some)
    }

    fn chart_text(&self, files: &Files, _lang: Language) -> Result<String> {
        // charts.json holds every name the charts show.
        Ok(text(files, "charts.json"))
    }

    fn charts(&self, _lang: Language, out: &mut dyn Sink) -> Result<()> {
        // The chart data carries its language.
        charts::draw_all(&self.charts, &ChartOptions::default(), out)?;
        Ok(())
    }

    fn html(&self, lang: Language, with_charts: bool) -> Result<Option<String>> {
        // The report inlines its own SVG copies, sized for a page.
        let mut svgs: Files = Vec::new();
        if with_charts {
            charts::draw_all(&self.charts, &ChartOptions::page(lang), &mut svgs)?;
        }
        let page = html::run_html(self.model, self.report, self.info, lang, &svgs);
        Ok(Some(page))
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(match self.printed {
            Printed::Table => table::results(self.model, self.report, lang),
            Printed::Json => format!("{}\n", serde_json::to_string_pretty(&self.summary())?),
        })
    }
}

impl RunOutput<'_> {
    fn summary(&self) -> serde_json::Value {
        summary_json(self.model, self.report, self.info)
    }
}
