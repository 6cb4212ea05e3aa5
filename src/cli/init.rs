//! `fundgap init`: a commented starter scenario.

use fundgap::error::{Error, Result};

use super::args::*;
use super::common::emit;
use super::convert::{is_xlsx, write_new};

pub(super) fn init(args: &InitArgs) -> Result<()> {
    let lang = match args.lang {
        Some(Lang::Ko) => fundgap::model::Language::Ko,
        _ => fundgap::model::Language::En,
    };
    let text = crate::cli::template::scenario(args.services as usize, lang);
    let xlsx = args.xlsx || is_xlsx(&args.file);
    // `init --xlsx` without a name writes scenario.xlsx, not a workbook
    // named scenario.toml.
    let file = if args.xlsx && args.file.as_os_str() == "scenario.toml" {
        std::path::PathBuf::from("scenario.xlsx")
    } else {
        args.file.clone()
    };
    if file.as_os_str() == "-" {
        if xlsx {
            return Err(Error::Usage(
                "a workbook cannot be written to standard output; name a file (fundgap init --xlsx my-city.xlsx)".into(),
            ));
        }
        emit(&text)?;
        return Ok(());
    }
    let bytes = if xlsx {
        fundgap_report::book::write(&text, "template", true)?
    } else {
        text.into_bytes()
    };
    write_new(&file, &bytes, args.force)?;
    say!(
        lang,
        "fundgap: wrote {} with {} service(s). Next: fundgap check {0}, then fundgap run {0}",
        "fundgap: {0}에 서비스 {1}개의 시나리오를 썼습니다. 다음: fundgap check {0}, 이어서 fundgap run {0}",
        file.display(),
        args.services
    );
    Ok(())
}
