//! An evaluation's outputs: evaluation.json, evaluation.csv,
//! evaluation.md, the tornado's files and charts when the drivers were
//! analysed, report.xlsx and report.html.

use fundgap::analysis::evaluate::Evaluation;
use fundgap::analysis::sensitivity::Sensitivity;
use fundgap::error::Result;
use fundgap::model::{Language, Model};
use fundgap::stats::Report;

use super::{Files, Output, SensitivityOutput, Settings, csv_file, file, text};
use crate::charts::{self, ChartData, ChartOptions};
use crate::files::RunInfo;
use crate::files::analyses;
use crate::lang::{Money, MoneyOf, Words};
use crate::staging::Sink;
use crate::terminal::analyses as analysis_table;
use crate::{html, workbook};

/// A scorecard, the run it rates and, unless skipped, its main drivers.
pub struct EvaluationOutput<'a> {
    pub model: &'a Model,
    pub report: &'a Report,
    pub info: &'a RunInfo,
    pub evaluation: &'a Evaluation,
    pub drivers: Option<&'a Sensitivity>,
}

impl EvaluationOutput<'_> {
    fn drivers(&self) -> SensitivityOutput<'_> {
        SensitivityOutput {
            tornado: self.drivers,
            sobol: None,
            made: None,
        }
    }
}

impl Output for EvaluationOutput<'_> {
    fn files(&self, lang: Language) -> Result<Files> {
        let ev = self.evaluation;
        let mut files = vec![
            ("evaluation.json".into(), serde_json::to_vec_pretty(ev)?),
            csv_file("evaluation.csv", analyses::evaluation_csv(ev))?,
            (
                "evaluation.md".into(),
                analyses::evaluation_markdown(ev, self.drivers, lang).into_bytes(),
            ),
        ];
        files.extend(self.drivers().files(lang)?);
        Ok(files)
    }

    fn workbook(&self, files: &Files, s: &Settings) -> Result<Option<Vec<u8>>> {
        let w = Words(s.lang);
        let mut sheets: Vec<(&str, &[u8])> = vec![(
            w.t("evaluation", "평가 항목"),
            file(files, "evaluation.csv"),
        )];
        if self.drivers.is_some() {
            sheets.push((w.t("sensitivity", "민감도"), file(files, "sensitivity.csv")));
        }
        let money = Money::of_report(self.model, self.report, s.lang);
        workbook::evaluation_workbook(self.evaluation, &sheets, &s.made_by, s.lang, &money)
            .map(Some)
    }

    fn chart_text(&self, files: &Files, lang: Language) -> Result<String> {
        // The page shows the run's charts too.
        let data = ChartData::new(self.model, self.report, lang);
        Ok(text(files, "sensitivity.json")
            + &serde_json::to_string(&data)?
            + &text(files, "evaluation.json"))
    }

    fn charts(&self, lang: Language, out: &mut dyn Sink) -> Result<()> {
        self.drivers().charts(lang, out)
    }

    fn html(&self, lang: Language, with_charts: bool) -> Result<Option<String>> {
        // The page inlines its own SVG copies: the run's charts, then the
        // tornadoes, sized for a page.
        let mut svgs: Files = Vec::new();
        if with_charts {
            let page = ChartOptions::page(lang);
            let data = ChartData::new(self.model, self.report, lang);
            charts::draw_all(&data, &page, &mut svgs)?;
            if let Some(d) = self.drivers {
                charts::draw_tornadoes(d, &page, &mut svgs)?;
            }
        }
        let page = html::evaluation_html(
            self.model,
            self.report,
            self.info,
            lang,
            self.evaluation,
            self.drivers,
            &svgs,
        );
        Ok(Some(page))
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(analysis_table::scorecard(
            self.evaluation,
            self.drivers,
            lang,
        ))
    }
}
