//! `fundgap init`: a commented starter scenario.

use std::path::Path;

use fundgap::error::{Error, Result};

use super::args::*;
use super::common::emit;

pub(super) fn init(args: &InitArgs) -> Result<()> {
    let lang = match args.lang {
        Some(Lang::Ko) => fundgap::model::Language::Ko,
        _ => fundgap::model::Language::En,
    };
    let text = crate::cli::template::scenario(args.services as usize, lang);
    if args.file.as_os_str() == "-" {
        emit(&text)?;
        return Ok(());
    }
    if args.file.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{} exists; choose another name or pass --force to overwrite it",
            args.file.display()
        )));
    }
    let werr = |source| Error::Write {
        path: args.file.clone(),
        source,
    };
    // Written beside the target and renamed, so a failure leaves no half file.
    let dir = args
        .file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".fundgap-init-{}.toml", std::process::id()));
    std::fs::write(&tmp, &text).map_err(werr)?;
    std::fs::rename(&tmp, &args.file).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        werr(e)
    })?;
    status!(
        "fundgap: wrote {} with {} service(s). Next: fundgap check {0}, then fundgap run {0}",
        args.file.display(),
        args.services
    );
    Ok(())
}
