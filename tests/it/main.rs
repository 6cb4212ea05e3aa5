//! fundgap's end-to-end tests, in one crate so the suite links once: each
//! module is the specification of one area, run against the library and
//! the built binary (`CARGO_BIN_EXE_fundgap`). Shared helpers are in
//! `common`; malformed scenario files in `tests/malformed/`.

mod common;

mod analyst;
mod appropriations;
mod architecture;
mod backtest_protocol;
mod books;
mod browser;
mod charts;
mod cli;
mod closed_form;
mod corpus;
mod correlation;
mod decisions;
mod determinism;
mod discover;
mod evaluate;
mod grants;
mod intervals;
mod metamorphic;
mod overrides;
mod ownership;
mod pages;
mod plausibility;
mod precision;
mod prices;
mod programmes;
mod properties;
mod provenance;
mod reliability;
mod requirement;
mod reserve_fund;
mod rules;
mod scenario_workbook;
mod scenarios;
mod serve;
mod serve_browser;
mod shards;
mod status;
mod stress_compare;
mod termination;
mod workbook;
