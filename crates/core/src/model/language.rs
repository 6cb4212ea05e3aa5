//! The language a scenario asks its reports to be written in.

/// The language of tables, charts and reports (`[scenario] lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// English. The default.
    #[default]
    En,
    /// Korean: labels in Hangul, money in 억 원 / 백만 원 where the
    /// currency is KRW.
    Ko,
}

impl Language {
    /// The code in scenario files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ko => "ko",
        }
    }

    /// `en` or `ko`, whichever is this language: how every label that a
    /// reader sees is written, both texts side by side where it is used.
    pub fn t<'a>(self, en: &'a str, ko: &'a str) -> &'a str {
        match self {
            Language::En => en,
            Language::Ko => ko,
        }
    }
}
