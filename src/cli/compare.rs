//! `fundgap compare`: variants on common random numbers.

use std::path::Path;
use std::time::Instant;

use fundgap::error::{Error, Result};
use fundgap::scenario::{self};
use fundgap_report::analysis_table as table;
use fundgap_report::charts::{self, ChartOptions};
use fundgap_report::staging::Staging;

use super::args::*;
use super::common::*;

// Long by design: the command's steps (variants, run, files, charts, table) in
// order.
pub(super) fn compare(args: &CompareArgs) -> Result<()> {
    interrupt_ends_process();
    use fundgap::analysis::compare::{Input, run};
    let mut inputs = Vec::new();
    let mut stem = String::new();
    if let [single] = args.scenarios.as_slice() {
        let (text, label, s) = load_text(Some(single))?;
        stem = s;
        for (v, model) in scenario::variant_models(&text, &label, &args.set)? {
            inputs.push(Input {
                name: v.name,
                description: v.description,
                model,
            });
        }
        if inputs.len() < 2 {
            return Err(Error::Usage(format!(
                "{label} declares {} [[variant]] table(s); a comparison needs at least two (or give several scenario files)",
                inputs.len()
            )));
        }
    } else {
        for p in &args.scenarios {
            let (text, label, s) = load_text(Some(p))?;
            if stem.is_empty() {
                stem = s.clone();
            }
            let model = scenario::parse_with(&text, &label, &args.set)?;
            if !model.variants().is_empty() {
                return Err(Error::Usage(format!(
                    "{label} declares {} [[variant]] table(s), which a comparison of several files would leave out; \
                     compare its variants alone (fundgap compare {label}), or give files without variants",
                    model.variants().len()
                )));
            }
            inputs.push(Input {
                name: s,
                description: model.description().map(str::to_string),
                model,
            });
        }
    }
    inputs[0].model.set_run(args.trials, args.seed);
    let trials = inputs[0].model.trials();
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{stem}-compare")));
    Staging::check(&out_dir)?;
    if !args.common.run.quiet {
        status!(
            "fundgap: comparing {} variants on {} common trials",
            inputs.len(),
            fundgap::format::thousands(trials as f64, 0)
        );
    }
    let started = Instant::now();
    let pb = progress_bar(trials, args.common.run.quiet);
    let (result, _) = with_threads(&args.common.run, || {
        run(&inputs, args.service.as_deref(), &|n| pb.inc(n))
    })?;
    pb.finish_and_clear();
    let result = result?;

    let lang = Lang::or_scenario(args.lang, &inputs[0].model);
    let mut staging = Staging::new(&out_dir)?;
    let csv = write_csv(
        &mut staging,
        &out_dir,
        "compare.csv",
        fundgap_report::analyses::compare_csv(&result),
    )?;
    if !args.no_xlsx {
        let sheets: [(&str, &[u8]); 1] = [("compare", &csv)];
        let book = fundgap_report::workbook::tables_workbook("compare", &sheets, &made_by(), lang)?;
        staging.write(fundgap_report::workbook::FILE, &book)?;
    }
    let json = serde_json::to_string_pretty(&result)?;
    staging.write("compare.json", json.as_bytes())?;
    if !args.common.charts.no_charts {
        charts::register_font(args.common.charts.font.as_deref(), &json, lang)?;
        let base = &inputs[0].model;
        let years: Vec<i32> = (0..base.horizon()).map(|t| base.year(t)).collect();
        let opts = ChartOptions::in_language(lang);
        charts::draw_compare(&result, &years, &opts, &mut staging)?;
    }
    staging.commit()?;
    emit(&table::compare(&result, lang))?;
    if !args.common.run.quiet {
        status!(
            "fundgap: compared in {:.2} s; wrote compare.csv, compare.json{} to {}",
            started.elapsed().as_secs_f64(),
            if args.common.charts.no_charts {
                ""
            } else {
                " and charts"
            },
            out_dir.display()
        );
    }
    Ok(())
}
