//! The commented starter scenario written by `fundgap init`.
//!
//! It uses every kind of cost line and funding stream with a one-line
//! comment each, so a new user learns the format by editing it; the tests
//! check that it passes validation and runs.

use std::fmt::Write;

use fundgap::model::Language;
use fundgap_report::lang::{columns, pad};

/// Example services the template cycles through: (id, name, construction
/// cost in million KRW, opex ratio).
const EXAMPLES: &[(&str, &str, u32, f64)] = &[
    ("smart-parking", "Smart parking", 2000, 0.15),
    ("cctv-safety", "Crime-prevention CCTV", 2100, 0.12),
    ("public-wifi", "Public Wi-Fi", 600, 0.15),
    ("air-quality", "Air-quality sensors", 300, 0.25),
    ("bus-shelters", "Smart bus shelters", 2000, 0.12),
];

/// Korean names of the example services, in the order of [`EXAMPLES`].
const KOREAN_NAMES: [&str; 5] = [
    "스마트 주차",
    "방범 CCTV",
    "공공 와이파이",
    "대기질 센서",
    "스마트 버스 정류장",
];

mod korean;

use korean::KOREAN;

/// A template with `services` services (at least 1), its comments in
/// `lang`; in Korean it also asks for Korean reports (`lang = "ko"`).
pub fn scenario(services: usize, lang: Language) -> String {
    let english = scenario_en(services);
    if lang == Language::En {
        return english;
    }
    let mut s = english;
    for (en, ko) in KOREAN {
        s = s.replace(en, ko);
    }
    for ((_, en, ..), ko) in EXAMPLES.iter().zip(KOREAN_NAMES) {
        s = s.replace(&format!("name = \"{en}\""), &format!("name = \"{ko}\""));
    }
    let s = s.replacen(
        "\ncurrency = ",
        "\nlang = \"ko\" # 표, 차트, 보고서를 한국어로 (\"en\": 영어)\ncurrency = ",
        1,
    );
    // Names changed length: comments back in their column.
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        match line.find(" # ") {
            // Hangul takes two columns in an editor: padded by display width.
            Some(at) if !line.starts_with('#') && columns(line[..at].trim_end()) < 41 => {
                let code = pad(line[..at].trim_end(), 41, false);
                let _ = writeln!(out, "{code} # {}", &line[at + 3..]);
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The English template.
// Long by design: almost all of it is the commented TOML template itself, which
// reads best in one piece.
fn scenario_en(services: usize) -> String {
    let mut s = String::from(
        r#"# A fundgap scenario. Edit the numbers, then:
#   fundgap check this-file.toml     # validate and describe
#   fundgap run this-file.toml       # simulate; results in output/<file name>/
# Every key is documented in scenarios/README.md. Money is in one currency
# and unit (here million KRW: 1억 = 100). A number can be replaced by a
# distribution: { dist = "pert", min = 1, mode = 2, max = 4 }, also
# "uniform" {min,max}, "triangular" {min,mode,max}, "normal" {mean,sd} and
# "lognormal" {mean,sd} (of the value itself). Such a quantity is drawn once
# per trial; `volatility` adds year-to-year noise.

[scenario]
name = "My smart city district"           # shown in tables and charts
currency = "KRW"
unit = "million"
start_year = 2026                         # first simulated year
horizon_years = 15                        # how many years to simulate (1-200)
discount_rate = 0.045                     # per year, for NPVs (KDI: 4.5% real)
discount_basis = "real"                   # "real": deflate by each trial's inflation, then discount; or "nominal"
# A yearly shortfall counts as a gap only above this share of the year's cost
# (and above materiality_amount): supplementary budgets and reserve funds absorb
# small ones, and yearly.csv reports what they absorbed (contingency_mean) and
# the raw P(shortfall) beside P(gap). 0 makes every won short a gap.
materiality_share = 0.05
# reserve_fund = 300                      # the city's reserve fund these services may draw on, a year
trials = 20_000                           # Monte Carlo trials
seed = 1                                  # same seed, same results

# Where the numbers come from: a table or a distribution says
# `source = "KEY"` (a key below) or `assumption = "the reason"`; `check`
# warns about every uncertain input or rate that says neither.
[sources]
Y17 = "Yonhap 2017-10-10 (AKR20171010169900051): U-City operating cost ~15% of construction a year"

[economy]                                 # shared by all services in a trial
assumption = "the Bank of Korea's 2% target; a recession about one year in ten"
inflation = { dist = "normal", mean = 0.02, sd = 0.01 }              # cost escalation, drawn every year
downturn = { annual_probability = 0.10, mean_duration_years = 2.0 }  # recessions that hit funding
# inflation_persistence = 0.5             # a dear year tends to be followed by another
# realised_inflation = { 2027 = 0.021 }   # published rates replace the draws
# wage_growth = 0.03                      # a wage index for each service's labour_share
"#,
    );
    for i in 0..services.max(1) {
        let (id, name, cost, ratio) = EXAMPLES[i % EXAMPLES.len()];
        let id = if i < EXAMPLES.len() {
            id.to_string()
        } else {
            format!("{id}-{}", i / EXAMPLES.len() + 1)
        };
        let c = f64::from(cost);
        // The comment column is the same for every id's length.
        let id_line = format!("id = \"{id}\"");
        let _ = write!(
            s,
            r#"
# ---------------------------------------------------------------------------
[[service]]
{id_line:<41} # unique; letters, digits, - and _
name = "{name}"
nature = "public"                         # public | private | mixed
operator = "City department"              # who is accountable for running it
construction_cost = {{ dist = "pert", min = {lo}, mode = {c}, max = {hi} }}   # build cost, funded separately
opens = 2026                              # first operating year
opex_ratio = {{ dist = "lognormal", mean = {ratio}, sd = {sd}, source = "Y17" }}   # yearly operating cost / construction (U-City: ~0.15)
volatility = 0.05                         # year-to-year noise of operating cost
carry_surplus = true                      # keep unspent money in the reserve
stop_after_gap_years = 2                  # the city closes it after two years with a material gap
after_stop_share = 0.0                    # what goes on after that (0: closed, 0.5: halved)
# account = "parking"                     # pool money with services in this special account (특별회계)
# labour_share = 0.6                      # share of operating cost that is staff, following wage_growth

# A private operator on its own books (uncomment): its losses are not the
# city's gap; the city owes what the contract says.
# [service.delivery]
# kind = "bto"                            # outsourced (위탁) | btl (availability payment) | bto
# guarantee = 0                           # bto: fee revenue the city guarantees (0: none)
# exit_after_loss_years = 3               # the operator leaves after 3 years of material losses
# investment = 500                        # the operator's investment, recovered over the contract
# termination_share = 0.8                 # share of the unrecovered part the city pays if it leaves
# after_exit = "take_over"                # then the city runs it ("stop": it closes)

# The city's decision when national money ends (uncomment): from the year
# after the last grant year it continues, shrinks or stops, with these chances.
# [service.decision]
# stop = 0.2                              # chance the city stops it
# shrink = 0.3                            # chance it shrinks to shrink_to of itself
# shrink_to = 0.5
# source = "assumption: ..."              # where the chances come from (required)

[[service.cost]]
kind = "renewal"                          # replacement every few years
name = "equipment replacement"
share_of_construction = 0.3               # or: amount = 500
every_years = {{ dist = "triangular", min = 5, mode = 6, max = 8 }}
# funded_by = "capital"                   # charge it to a capital budget, reported apart;
#                                         # then add [service.capital] with amount = ... a year

[[service.cost]]
kind = "annual"                           # a recurring cost in its window
name = "communication lines"
amount = {lines}
growth = 0.01

[[service.cost]]
kind = "one_off"                          # a single payment
name = "mid-life upgrade"
amount = {upgrade}
year = 2031

[[service.risk]]
name = "staff rotation"                   # expertise lost when staff move on
assumption = "officials move every ~3 years, and a hand-over costs weeks of work"
annual_probability = 0.3
cost = {{ dist = "triangular", min = 5, mode = 20, max = 60 }}   # one-off cost of an event
opex_multiplier = 1.15                    # opex is 15% higher while it lasts
duration_years = 1

[[service.funding]]
kind = "grant"                            # national subsidy: ends, or is withdrawn early
name = "national subsidy"
share_of_cost = 0.5                       # or: amount = 300 (per year)
from = 2026
to = 2028
withdrawal_hazard = 0.05                  # chance a year that it stops for good
# match_share = 1.0                       # a 1:1 local match from the city budget
# unmatched = "cut"                       # cut | withdraw | clawback (paid back that year)
# cap = 300                               # the decided amount (교부결정액): at most this a year

[[service.funding]]
kind = "budget"                           # local government allocation
name = "city budget"
amount = {{ dist = "normal", mean = {budget}, sd = {budget_sd} }}
growth = 0.02
volatility = 0.08
# follows = "settled"                     # appropriated each year on last year's settled cost (drop volatility)
# policy = 0.5                            # the city's share of that cost
# supplementary = 0.7                     # chance an overrun gets a supplementary budget (추경)

[[service.funding]]
kind = "fees"                             # users x price, with logistic adoption
name = "user fees"
saturation_users = {{ dist = "uniform", min = 20_000, max = 40_000 }}
midpoint_years = 3                        # years until half the users have come
price = 0.001                             # per user per year (0.001 = 1,000 KRW)

[[service.funding]]
kind = "contract"                         # a private partner, who may leave
name = "private partner"
amount = {partner}
from = 2027
exit_hazard = 0.03
downturn_exit_hazard = 0.2                # more likely to leave in a downturn

[[service.funding]]
kind = "reserve"                          # an opening balance that absorbs gaps
name = "operating reserve"
balance = {reserve}

[[service.benefit]]
name = "social benefit"                   # social/environmental benefit in money
annual = {{ dist = "triangular", min = {b_lo}, mode = {b}, max = {b_hi} }}

[service.canvas]                          # Business Model Canvas (free text)
value_proposition = "What residents get"
customer_segments = "Who uses it"
key_partners = "Who helps run it"

[service.plan]                            # what `fundgap evaluate` rates the plan on
improves_on = "The service it replaces"
improvement = "What it does better, and by how much"
agreement = "draft"                       # none | draft | signed: who runs it
free_plan = "How it is paid for if users see it as free"
dedicated_staff = 1                       # full-time posts
staff_tenure_years = 3                    # longer than a rotation
"#,
            lo = (c * 0.9).round(),
            hi = (c * 1.3).round(),
            sd = ratio * 0.25,
            lines = (c * 0.01).round(),
            upgrade = (c * 0.05).round(),
            budget = (c * ratio * 0.8).round(),
            budget_sd = (c * ratio * 0.1).round(),
            partner = (c * ratio * 0.15).round(),
            reserve = (c * 0.1).round(),
            b_lo = (c * 0.05).round(),
            b = (c * 0.1).round(),
            b_hi = (c * 0.2).round(),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use fundgap::engine::Engine;
    use fundgap::scenario::parse_str;

    #[test]
    fn templates_validate_and_run() {
        for n in [1, 3, 7] {
            for lang in [Language::En, Language::Ko] {
                let text = scenario(n, lang).replace("trials = 20_000", "trials = 200");
                let m = parse_str(&text, "template").unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(m.services().len(), n);
                assert_eq!(m.language(), lang);
                let acc = fundgap::stats::run_all(&Engine::new(&m));
                assert_eq!(acc.trials, 200);
            }
        }
    }

    #[test]
    fn template_uses_every_kind() {
        let t = scenario(1, Language::En);
        for kind in [
            "renewal", "annual", "one_off", "grant", "budget", "fees", "contract", "reserve",
        ] {
            assert!(t.contains(&format!("kind = \"{kind}\"")), "{kind}");
        }
    }

    /// Short settings keep their comments in one column, whatever the
    /// length of a service's id (the second service's once drifted).
    #[test]
    fn comments_line_up_for_every_service() {
        let both = scenario(7, Language::En) + &scenario(7, Language::Ko);
        for line in both.lines() {
            let Some(at) = line.find(" # ") else { continue };
            let code = line[..at].trim_end();
            if line.starts_with('#') || columns(code) >= 41 {
                continue;
            }
            assert_eq!(columns(&line[..at + 1]), 42, "{line}");
        }
    }

    /// In Korean every comment is Korean (a missed one would be English in
    /// a Korean file), and the scenario is the same apart from names.
    #[test]
    fn the_korean_template_is_korean_throughout() {
        let hangul = |t: &str| t.chars().any(|c| ('가'..='힣').contains(&c));
        let ko = scenario(5, Language::Ko);
        for line in ko.lines() {
            let Some(at) = line.rfind("# ") else { continue };
            let comment = &line[at + 2..];
            let code_like = comment.starts_with('[')
                || comment.contains(" = ")
                || comment.chars().all(|c| c == '-' || c.is_whitespace())
                || comment.starts_with("fundgap ");
            assert!(hangul(comment) || code_like, "untranslated: {line}");
        }
        let (en, ko) = (
            parse_str(&scenario(5, Language::En), "en").unwrap(),
            parse_str(&ko, "ko").unwrap(),
        );
        assert_eq!(en.inputs().len(), ko.inputs().len());
        assert_eq!(ko.services()[1].name, "방범 CCTV");
    }
}
