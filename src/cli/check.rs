//! `fundgap check`: validate and describe without simulating.

use crate::report::check as describe;
use fundgap::error::Result;

use super::args::*;
use super::common::*;

pub(super) fn check(args: &CheckArgs) -> Result<()> {
    let loaded = load(Some(&args.scenario), &args.set)?;
    emit(&describe::describe(&loaded.model, &loaded.label))?;
    Ok(())
}
