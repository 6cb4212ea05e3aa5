//! A sensitivity analysis's outputs: the tornado's sensitivity.csv,
//! sensitivity.json and charts, the Sobol indices' sobol.csv, sobol.json
//! and charts, or both side by side; and report.html.

use fundgap::analysis::sensitivity::Sensitivity;
use fundgap::analysis::sobol::Sobol;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, csv_file, text};
use crate::charts::{self, ChartOptions};
use crate::files::analyses;
use crate::html::{self, Made};
use crate::staging::Sink;
use crate::terminal::analyses as analysis_table;

/// Inputs shown per entity in the terminal tables.
const TOP: usize = 5;

/// The tornado (rank correlations and one-at-a-time swings), the Sobol
/// indices, or both.
pub struct SensitivityOutput<'a> {
    pub tornado: Option<&'a Sensitivity>,
    pub sobol: Option<&'a Sobol>,
    /// Where the page comes from; None writes no page (an evaluation's
    /// drivers are on the evaluation's own).
    pub made: Option<Made<'a>>,
}

impl Output for SensitivityOutput<'_> {
    fn files(&self, _lang: Language) -> Result<Files> {
        let mut files = Vec::new();
        if let Some(t) = self.tornado {
            files.push(csv_file("sensitivity.csv", analyses::sensitivity_csv(t))?);
            files.push(("sensitivity.json".into(), serde_json::to_vec_pretty(t)?));
        }
        if let Some(s) = self.sobol {
            files.push(csv_file("sobol.csv", analyses::sobol_csv(s))?);
            files.push(("sobol.json".into(), serde_json::to_vec_pretty(s)?));
        }
        Ok(files)
    }

    fn chart_text(&self, files: &Files, _lang: Language) -> Result<String> {
        Ok(text(files, "sensitivity.json") + &text(files, "sobol.json"))
    }

    fn charts(&self, lang: Language, out: &mut dyn Sink) -> Result<()> {
        let opts = ChartOptions::in_language(lang);
        if let Some(t) = self.tornado {
            charts::draw_tornadoes(t, &opts, out)?;
        }
        if let Some(s) = self.sobol {
            charts::draw_sobol(s, &opts, out)?;
        }
        Ok(())
    }

    fn html(&self, lang: Language, with_charts: bool) -> Result<Option<String>> {
        let Some(made) = &self.made else {
            return Ok(None);
        };
        // The page inlines its own SVG copies, sized for a page.
        let mut svgs: Files = Vec::new();
        if with_charts {
            let page = ChartOptions::page(lang);
            if let Some(t) = self.tornado {
                charts::draw_tornadoes(t, &page, &mut svgs)?;
            }
            if let Some(s) = self.sobol {
                charts::draw_sobol(s, &page, &mut svgs)?;
            }
        }
        let page = html::sensitivity_html(self.tornado, self.sobol, made, lang, &svgs);
        Ok(Some(page))
    }

    fn printed(&self, lang: Language) -> Result<String> {
        let mut printed = String::new();
        if let Some(t) = self.tornado {
            printed += &analysis_table::sensitivity(t, TOP, lang);
        }
        if let Some(s) = self.sobol {
            printed += &analysis_table::sobol(s, TOP, lang);
        }
        Ok(printed)
    }
}
