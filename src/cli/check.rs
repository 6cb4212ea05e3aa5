//! `fundgap check`: validate and describe without simulating.

use crate::report::table;
use fundgap::error::Result;

use super::args::*;
use super::common::*;

pub(super) fn check(args: &CheckArgs) -> Result<()> {
    let loaded = load(Some(&args.scenario), &args.set)?;
    print!("{}", table::describe(&loaded.model, &loaded.label));
    Ok(())
}
