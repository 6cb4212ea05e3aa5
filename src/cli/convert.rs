//! `fundgap convert`: a scenario from TOML to a workbook or back.

use std::path::Path;

use fundgap::error::{Error, Result};
use fundgap::scenario;

use super::args::ConvertArgs;
use super::common::load_text;

/// Whether `path` names a workbook.
pub(super) fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

pub(super) fn convert(args: &ConvertArgs) -> Result<()> {
    let (text, label, _) = load_text(Some(&args.input))?;
    // Only a valid scenario is converted, so the file written holds the
    // same model (its variants included) as the one read.
    let model = scenario::parse_str(&text, &label)?;
    if !model.variants().is_empty() {
        scenario::variant_models(&text, &label, &[])?;
    }
    let bytes = if is_xlsx(&args.output) {
        fundgap_report::book::write(&text, &label, false)?
    } else {
        let mut out = format!(
            "# Converted by fundgap convert from {} (its comments are not kept).\n",
            args.input.display()
        );
        out.push_str(&text);
        out.into_bytes()
    };
    write_new(&args.output, &bytes, args.force)?;
    say!(
        model.language(),
        "fundgap: wrote {} from {}. Next: fundgap check {0}",
        "fundgap: {1}의 시나리오를 {0}에 썼습니다. 다음: fundgap check {0}",
        args.output.display(),
        args.input.display()
    );
    Ok(())
}

/// Writes `bytes` to `path` beside it and renamed, so a failure leaves no
/// half file; an existing file only with `force`.
pub(super) fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "{} exists; choose another name or pass --force to overwrite it",
            path.display()
        )));
    }
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".fundgap-write-{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(werr)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        werr(e)
    })
}
