//! `fundgap chart`: redraw a finished run's charts from its charts.json.

use std::time::Instant;

use fundgap::error::{Error, Result};
use fundgap_report::charts::{self, ChartData, ChartOptions};
use fundgap_report::staging::Staging;

use super::args::*;

pub(super) fn chart(args: &ChartArgs) -> Result<()> {
    let path = args.run_dir.join("charts.json");
    // A charts.json holds a few numbers per service-year: 256 MiB is far
    // beyond a national portfolio's.
    let text = fundgap_report::input::read_bounded(&path, 256 << 20, "fundgap charts.json")?;
    let data: ChartData = serde_json::from_slice(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not a fundgap charts.json ({e}); run `fundgap run` again to recreate it",
            path.display()
        ))
    })?;
    if let Some(why) = data.inconsistency() {
        return Err(Error::Usage(format!(
            "{} cannot be drawn: {why}; run `fundgap run` again to recreate it",
            path.display()
        )));
    }
    let data = match args.lang {
        Some(Lang::En) => data.in_language(fundgap::model::Language::En),
        Some(Lang::Ko) => data.in_language(fundgap::model::Language::Ko),
        None => data,
    };
    // The file as read holds every name the charts will show.
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&text),
        args.title.as_deref().unwrap_or_default()
    );
    charts::register_font(args.font.as_deref(), &shown, data.language())?;
    let opts = ChartOptions {
        // A run's charts carry their language in charts.json.
        lang: fundgap::model::Language::En,
        width: args.width,
        height: args.height,
        format: args.image_format.into(),
        title: args.title.clone(),
    };
    let started = Instant::now();
    let mut staging = Staging::update(&args.run_dir)?;
    let files = charts::draw_all(&data, &opts, &mut staging)?;
    staging.commit()?;
    status!(
        "fundgap: drew {} files in {:.2} s into {}",
        files.len(),
        started.elapsed().as_secs_f64(),
        args.run_dir.display()
    );
    Ok(())
}
