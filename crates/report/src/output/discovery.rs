//! A discovery's outputs: discovery.csv, discovery.json, the trade-off
//! charts and report.html.

use fundgap::analysis::discover::Discoveries;
use fundgap::error::Result;
use fundgap::model::Language;

use super::{Files, Output, csv_file, text};
use crate::charts::{self, ChartOptions};
use crate::files::analyses;
use crate::html::{self, Made};
use crate::staging::Sink;
use crate::terminal::analyses as analysis_table;

/// The combinations of inputs found to lead to a gap.
pub struct DiscoveryOutput<'a> {
    pub result: &'a Discoveries,
    /// Where the page comes from.
    pub made: Made<'a>,
}

impl Output for DiscoveryOutput<'_> {
    fn files(&self, _lang: Language) -> Result<Files> {
        Ok(vec![
            csv_file("discovery.csv", analyses::discovery_csv(self.result))?,
            (
                "discovery.json".into(),
                serde_json::to_vec_pretty(self.result)?,
            ),
        ])
    }

    fn chart_text(&self, files: &Files, _lang: Language) -> Result<String> {
        Ok(text(files, "discovery.json"))
    }

    fn charts(&self, lang: Language, out: &mut dyn Sink) -> Result<()> {
        charts::draw_discovery(self.result, &ChartOptions::in_language(lang), out)?;
        Ok(())
    }

    fn html(&self, lang: Language, with_charts: bool) -> Result<Option<String>> {
        // The page inlines its own SVG copies, sized for a page.
        let mut svgs: Files = Vec::new();
        if with_charts {
            charts::draw_discovery(self.result, &ChartOptions::page(lang), &mut svgs)?;
        }
        let page = html::discover_html(self.result, &self.made, lang, &svgs);
        Ok(Some(page))
    }

    fn printed(&self, lang: Language) -> Result<String> {
        Ok(analysis_table::discovery(self.result, lang))
    }
}
