//! Writing a scenario's TOML document as a workbook: the sheets of
//! [`SHEETS`](super::layout::SHEETS), a row per table or line, a column
//! per key (a distribution's parameters in their own columns), headers in
//! English and Korean, drop-down lists for kinds and distributions, and an
//! instructions sheet.

use std::path::PathBuf;

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use toml::Value;

use fundgap::error::{Error, Result};

use super::layout::{KOREAN, SHEETS, Shape, Sheet, UNIT_COLUMN, VALUE_COLUMNS, header};

/// Rows the drop-down lists and number checks cover below the header.
const CHECKED_ROWS: u32 = 2_000;

/// The funding keys a template's sheet offers even where its example
/// lines leave them out: a grant's match, what an unmatched year does
/// and its decided amount; how a budget is appropriated.
const TEMPLATE_FUNDING_KEYS: [&str; 7] = [
    "match_share",
    "unmatched",
    "cap",
    "follows",
    "policy",
    "supplementary",
    "supplementary_cap",
];

/// One sheet's rows being laid out: its columns in first-seen order and
/// each row's (column, value) pairs.
struct Rows {
    sheet: Sheet,
    columns: Vec<String>,
    rows: Vec<Vec<(String, Value)>>,
}

impl Rows {
    fn new(sheet: Sheet) -> Self {
        let mut columns = Vec::new();
        match sheet.shape {
            Shape::Lines | Shape::Single => columns.push("service".to_string()),
            Shape::Sets => columns.push("variant".to_string()),
            Shape::Settings | Shape::Rows => {}
        }
        if matches!(sheet.shape, Shape::Settings | Shape::Sets) {
            columns.push("key".to_string());
            columns.extend(VALUE_COLUMNS.iter().map(|c| c.to_string()));
            if sheet.shape == Shape::Settings {
                columns.push(UNIT_COLUMN.to_string());
            }
        }
        Rows {
            sheet,
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<(String, Value)>) {
        for (k, _) in &row {
            if !self.columns.contains(k) {
                self.columns.push(k.clone());
            }
        }
        self.rows.push(row);
    }
}

/// Whether a table is a distribution (`{ dist = …, … }`) whose keys all
/// have a column of a settings sheet.
fn is_dist(t: &toml::Table) -> bool {
    t.contains_key("dist") && t.keys().all(|k| VALUE_COLUMNS[1..].contains(&k.as_str()))
}

/// A settings row per key of `t` (nested tables as dotted keys, a
/// distribution in the value columns).
fn settings_rows(prefix: &str, t: &toml::Table, out: &mut Rows, link: Option<(&str, &str)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let mut row: Vec<(String, Value)> = Vec::new();
        if let Some((col, id)) = link {
            row.push((col.to_string(), Value::String(id.to_string())));
        }
        row.push(("key".to_string(), Value::String(key.clone())));
        match v {
            Value::Table(d) if is_dist(d) => {
                row.extend(d.iter().map(|(p, x)| (p.clone(), x.clone())));
            }
            // A variant's key is a path of its own: its value whole.
            Value::Table(_) if link.is_some() => row.push(("value".to_string(), v.clone())),
            Value::Table(sub) => {
                settings_rows(&key, sub, out, link);
                continue;
            }
            _ => row.push(("value".to_string(), v.clone())),
        }
        out.push(row);
    }
}

/// A row's cells from a table: nested tables (distributions) as dotted
/// columns (`opex_ratio.mean`).
fn flatten(prefix: &str, t: &toml::Table, row: &mut Vec<(String, Value)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Table(sub) => flatten(&key, sub, row),
            _ => row.push((key, v.clone())),
        }
    }
}

fn sheet_of(path: &str) -> Option<usize> {
    SHEETS.iter().position(|s| s.path == path)
}

fn misplaced(label: &str, path: &str) -> Error {
    Error::Usage(format!(
        "{label}: `{path}` has no place in a scenario workbook (fundgap convert writes the tables a scenario file may hold)"
    ))
}

/// The sheets' rows of a scenario document.
fn lay_out(doc: &toml::Table, label: &str) -> Result<Vec<Rows>> {
    let mut sheets: Vec<Rows> = SHEETS.iter().map(|s| Rows::new(*s)).collect();
    for (k, v) in doc {
        let i = sheet_of(k).ok_or_else(|| misplaced(label, k))?;
        match (SHEETS[i].shape, v) {
            (Shape::Settings, Value::Table(t)) => settings_rows("", t, &mut sheets[i], None),
            (Shape::Rows, Value::Array(items)) => {
                for item in items {
                    let Value::Table(t) = item else {
                        return Err(misplaced(label, k));
                    };
                    let id = t
                        .get(if k == "variant" { "name" } else { "id" })
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let mut row = Vec::new();
                    for (key, value) in t {
                        let sub = format!("{k}.{key}");
                        match (sheet_of(&sub), value) {
                            (Some(j), Value::Table(st)) if SHEETS[j].shape == Shape::Sets => {
                                settings_rows("", st, &mut sheets[j], Some(("variant", &id)));
                            }
                            (Some(j), Value::Table(st)) => {
                                let mut r =
                                    vec![("service".to_string(), Value::String(id.clone()))];
                                flatten("", st, &mut r);
                                sheets[j].push(r);
                            }
                            (Some(j), Value::Array(lines)) => {
                                for line in lines {
                                    let Value::Table(lt) = line else {
                                        return Err(misplaced(label, &sub));
                                    };
                                    let mut r =
                                        vec![("service".to_string(), Value::String(id.clone()))];
                                    flatten("", lt, &mut r);
                                    sheets[j].push(r);
                                }
                            }
                            (None, Value::Table(st)) => flatten(key, st, &mut row),
                            _ => row.push((key.clone(), value.clone())),
                        }
                    }
                    sheets[i].push(row);
                }
            }
            _ => return Err(misplaced(label, k)),
        }
    }
    Ok(sheets)
}

/// Where a column (or a settings row's key) goes: links and names first,
/// then keys in the order [`KOREAN`] lists them (the order of the
/// scenario's documentation), a distribution's parameters in the order of
/// [`VALUE_COLUMNS`]; a TOML document's keys come sorted by name, which
/// would put `id` after `construction_cost`.
fn rank(column: &str) -> (usize, usize, String) {
    const FIRST: &[&str] = &[
        "service",
        "variant",
        "key",
        "id",
        "name",
        "kind",
        "description",
    ];
    let (base, param) = column.split_once('.').unwrap_or((column, ""));
    let at = |k: &str| {
        FIRST.iter().position(|f| *f == k).unwrap_or_else(|| {
            FIRST.len()
                + KOREAN
                    .iter()
                    .position(|(key, _)| *key == k)
                    .unwrap_or(KOREAN.len())
        })
    };
    let p = if param.is_empty() {
        0
    } else {
        1 + VALUE_COLUMNS
            .iter()
            .position(|v| *v == param)
            .unwrap_or(VALUE_COLUMNS.len())
    };
    (at(base), p, column.to_string())
}

/// The workbook of the scenario `text` (TOML, already validated), with
/// every sheet when `all_sheets` (a template), else only those it uses.
pub fn write(text: &str, label: &str, all_sheets: bool) -> Result<Vec<u8>> {
    let doc: toml::Table = toml::from_str(text)
        .map_err(|e| Error::Usage(format!("{label}: not a TOML document: {e}")))?;
    let mut sheets = lay_out(&doc, label)?;
    for s in &mut sheets {
        // A template shows the budget process's keys of a funding line
        // as empty columns, ready to fill in (the TOML template has them
        // as comments, which carry no column).
        if all_sheets && s.sheet.path == "service.funding" {
            for key in TEMPLATE_FUNDING_KEYS {
                if !s.columns.iter().any(|c| c == key) {
                    s.columns.push(key.to_string());
                }
            }
        }
        match s.sheet.shape {
            // Fixed columns; the rows in each variant's order.
            Shape::Sets => {}
            // Fixed columns; the rows in the keys' order.
            Shape::Settings => s.rows.sort_by_key(|r| {
                r.iter()
                    .find(|(k, _)| k == "key")
                    .and_then(|(_, v)| v.as_str())
                    .map(rank)
            }),
            Shape::Rows | Shape::Lines | Shape::Single => s.columns.sort_by_key(|c| rank(c)),
        }
    }
    let xerr = |e: XlsxError| Error::Write {
        path: PathBuf::from(label),
        source: std::io::Error::other(e.to_string()),
    };
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("fundgap scenario")
            .set_author("fundgap")
            .set_creation_datetime(&date),
    );
    instructions(wb.add_worksheet()).map_err(xerr)?;
    for s in &sheets {
        let needed = !s.rows.is_empty()
            || (all_sheets && s.sheet.path != "evaluation")
            || s.sheet.path == "scenario";
        if needed {
            write_sheet(wb.add_worksheet(), s).map_err(xerr)?;
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

fn write_sheet(ws: &mut Worksheet, s: &Rows) -> std::result::Result<(), XlsxError> {
    ws.set_name(s.sheet.name)?;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    ws.set_row_height(0, 32)?;
    for (c, key) in s.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, header(key), &head)?;
        let wide = matches!(
            key.as_str(),
            "description" | "assumption" | "name" | "value"
        ) || key.ends_with(".source");
        ws.set_column_width(c, if wide { 28 } else { 16 })?;
        check_column(ws, s.sheet, key, c)?;
    }
    for (r, row) in s.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (key, v) in row {
            let Some(c) = s.columns.iter().position(|k| k == key) else {
                continue;
            };
            let c = c as u16;
            match v {
                Value::String(t) => ws.write_string(r, c, t)?,
                Value::Integer(i) if i.unsigned_abs() <= 1 << 53 => {
                    ws.write_number(r, c, *i as f64)?
                }
                Value::Integer(i) => ws.write_string(r, c, i.to_string())?,
                Value::Float(f) => ws.write_number(r, c, *f)?,
                Value::Boolean(b) => ws.write_boolean(r, c, *b)?,
                Value::Datetime(d) => ws.write_string(r, c, d.to_string())?,
                Value::Array(_) | Value::Table(_) => {
                    ws.write_string(r, c, v.to_string().replace('\n', " "))?
                }
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Drop-down lists and number checks on a column, where its key has a
/// closed set of values or a range (a warning, so a user may still type
/// what fundgap will then explain).
fn check_column(
    ws: &mut Worksheet,
    sheet: Sheet,
    key: &str,
    c: u16,
) -> std::result::Result<(), XlsxError> {
    let last = key.rsplit('.').next().unwrap_or(key);
    let list: Option<&[&str]> = match (sheet.path, last) {
        (_, "dist") => Some(&[
            "uniform",
            "triangular",
            "pert",
            "normal",
            "lognormal",
            "discrete",
        ]),
        ("service.cost", "kind") => Some(&["renewal", "annual", "one_off"]),
        ("service.funding", "kind") => Some(&["grant", "budget", "fees", "contract", "reserve"]),
        ("service.delivery", "kind") => Some(&["outsourced", "btl", "bto"]),
        ("service", "nature") => Some(&["public", "mixed", "private"]),
        (_, "funded_by") => Some(&["operating", "capital"]),
        _ => None,
    };
    let v = if let Some(list) = list {
        DataValidation::new().allow_list_strings(list)?
    } else if !key.contains('.')
        && (last.ends_with("_share") || last.ends_with("probability") || last.ends_with("hazard"))
    {
        DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 1.0))
            .set_input_message("0 – 1 (15% = 0.15)")?
    } else {
        return Ok(());
    };
    let v = v.set_error_style(DataValidationErrorStyle::Warning);
    ws.add_data_validation(1, c, CHECKED_ROWS, c, &v)?;
    Ok(())
}

/// The first sheet: how to fill the workbook, in Korean and English.
fn instructions(ws: &mut Worksheet) -> std::result::Result<(), XlsxError> {
    ws.set_name("instructions")?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 110)?;
    ws.write_string_with_format(
        0,
        0,
        "fundgap 시나리오 통합문서 / fundgap scenario workbook",
        &title,
    )?;
    let mut r = 2;
    for (ko, en) in INSTRUCTIONS {
        ws.write_string_with_format(r, 0, *ko, &wrap)?;
        ws.write_string_with_format(r + 1, 0, *en, &wrap)?;
        r += 3;
    }
    ws.write_string_with_format(r, 0, "시트 / Sheets", &bold)?;
    for s in SHEETS {
        r += 1;
        ws.write_string(r, 0, format!("{} ({}): [{}]", s.name, s.korean, s.path))?;
    }
    Ok(())
}

const INSTRUCTIONS: &[(&str, &str)] = &[
    (
        "각 시트의 1행은 항목 이름입니다(영문 키 | 한글 이름, 둘 중 하나만 써도 됩니다). 2행부터 한 행에 하나씩 입력합니다. 이 'instructions'(안내) 시트와 이름이 _로 시작하는 시트는 읽지 않습니다.",
        "Row 1 of each sheet names the keys (English key | Korean name; either alone is fine). Enter one item per row from row 2. This sheet and sheets whose name starts with _ are not read.",
    ),
    (
        "scenario, economy 시트는 한 행에 한 항목입니다: key 열에 항목, value 열에 값, 또는 dist(분포)와 min, mode, max, mean, sd 열에 분포를 씁니다. source 열에는 [sources]의 출처 키를, assumption 열에는 가정의 근거를 씁니다.",
        "The scenario and economy sheets hold one key per row: the key in `key`, a fixed value in `value`, or a distribution in `dist` with `min`, `mode`, `max`, `mean`, `sd`. `source` names keys of the sources sheet; `assumption` says why a value was assumed.",
    ),
    (
        "services 시트는 서비스 하나가 한 행입니다. 불확실한 값은 열 이름에 .dist, .min, .mode, .max, .mean, .sd를 붙인 열에 분포로 씁니다(예: opex_ratio.dist = lognormal, opex_ratio.mean = 0.16). costs, funding, risks, benefits 시트는 한 행이 하나의 비용·재원·위험·편익이고, service 열에 서비스의 id를 씁니다.",
        "The services sheet holds one service per row. An uncertain input is a distribution in columns named after the key with .dist, .min, .mode, .max, .mean, .sd (opex_ratio.dist = lognormal, opex_ratio.mean = 0.16). The costs, funding, risks and benefits sheets hold one line per row, with the service's id in the `service` column.",
    ),
    (
        "금액은 시나리오의 unit(기본 백만원) 단위입니다. 다른 단위로 입력하려면 열 이름 뒤에 단위를 붙입니다: 'amount [억원]', 'construction_cost (천원)'. 설정 시트에서는 unit 열에 씁니다. 쓸 수 있는 단위: 원, 천원, 백만원, 억원, 십억원.",
        "Amounts are in the scenario's unit (a million won unless `unit` says otherwise). To enter a column in another unit, add it to the header: 'amount [억원]', 'construction_cost (천원)'; on a settings sheet, use the `unit` column. Units: 원, 천원, 백만원, 억원, 십억원.",
    ),
    (
        "비율은 0.15 또는 15%로 씁니다. 목록은 [\"A\", \"B\"]처럼 씁니다. 오류는 시트와 셀로 알려 줍니다(예: services!D7).",
        "Write shares as 0.15 or 15%. Write lists as [\"A\", \"B\"]. Problems are reported at their sheet and cell (services!D7).",
    ),
    (
        "확인: fundgap check 파일.xlsx / 실행: fundgap run 파일.xlsx / TOML로 바꾸기: fundgap convert 파일.xlsx 파일.toml",
        "Check: fundgap check FILE.xlsx; run: fundgap run FILE.xlsx; to TOML: fundgap convert FILE.xlsx FILE.toml",
    ),
];
