//! Reading filing records from CSV and JSON files (spec §2). XLSX comes with the import command.
//!
//! Every bad row is reported with file, line and column; a file with any bad row yields no records.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::{FilingRecord, IcpNumber, PsbCode, parse_date};
use crate::domain::normalise_host;

/// One problem in a filing file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: Option<u64>,
    /// The record's index in a JSON array (1-based), when there are no lines to name.
    pub record: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
        } else if let Some(record) = self.record {
            write!(f, "record {record}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FilingError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: unsupported file type (expected .csv, .xlsx or .json)")]
    UnsupportedFormat { path: PathBuf },
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {} bad row(s):\n{}", errors.len(), errors.iter().map(|e| format!("  {}:{e}", path.display())).collect::<Vec<_>>().join("\n"))]
    Rows { path: PathBuf, errors: Vec<RowError> },
}

/// The records of one file, looked up by the scanned host.
#[derive(Debug, Clone, Default)]
pub struct FilingSet {
    records: Vec<FilingRecord>,
    by_domain: HashMap<String, usize>,
}

impl FilingSet {
    pub fn new(records: Vec<FilingRecord>) -> Self {
        let by_domain = records.iter().enumerate().map(|(i, r)| (r.domain.clone(), i)).collect();
        FilingSet { records, by_domain }
    }

    /// The record whose domain is the host, or its apex for a `www.` host.
    pub fn for_host(&self, host: &str) -> Option<&FilingRecord> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let index = self
            .by_domain
            .get(&host)
            .or_else(|| host.strip_prefix("www.").and_then(|apex| self.by_domain.get(apex)))?;
        self.records.get(*index)
    }

    pub fn records(&self) -> &[FilingRecord] {
        &self.records
    }
}

/// The canonical keys and the headers that filing systems export for them.
const HEADERS: [(&str, &[&str]); 12] = [
    ("domain", &["域名", "网站域名", "domain"]),
    ("site_number", &["网站备案号", "site_number"]),
    ("principal", &["主办单位名称", "principal"]),
    ("principal_type", &["主办单位性质", "principal_type"]),
    ("site_name", &["网站名称", "site_name"]),
    ("approved_on", &["审核通过日期", "approved_on"]),
    ("opened_on", &["开通日期", "opened_on"]),
    ("psb_code", &["公安备案号", "psb_code"]),
    ("license", &["经营许可证编号", "license"]),
    ("preapprovals", &["前置审批项", "preapprovals"]),
    ("provider", &["接入商", "provider"]),
    ("filed_ips", &["接入IP", "接入ip", "filed_ips"]),
];
const REQUIRED: [&str; 6] = ["domain", "site_number", "principal", "principal_type", "site_name", "approved_on"];

fn canonical_key(header: &str) -> Option<&'static str> {
    let h = header.trim().trim_start_matches('\u{feff}');
    HEADERS
        .iter()
        .find(|(key, names)| *key == h || names.iter().any(|n| n.eq_ignore_ascii_case(h)))
        .map(|(key, _)| *key)
}

/// Reads a CSV or JSON file of filing records; all-or-nothing.
pub fn load_filings(path: &Path) -> Result<FilingSet, FilingError> {
    let bytes = std::fs::read(path).map_err(|source| FilingError::Io { path: path.to_path_buf(), source })?;
    parse_filings(path, &bytes)
}

/// Parses filing records already in memory; `path` names them in errors and gives the format.
pub fn parse_filings(path: &Path, bytes: &[u8]) -> Result<FilingSet, FilingError> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let rows = match ext.as_deref() {
        Some("csv") => csv_rows(path, bytes)?,
        Some("json") => json_rows(path, bytes)?,
        Some("xlsx") => xlsx_rows(path, bytes)?,
        _ => {
            return Err(FilingError::UnsupportedFormat { path: path.to_path_buf() });
        }
    };
    let mut records = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    let mut seen: HashMap<String, Location> = HashMap::new();
    for row in rows {
        match record_from_row(&row) {
            Ok(record) => {
                if let Some(first) = seen.get(&record.domain) {
                    errors.push(
                        row.location
                            .error(Some("domain"), format!("duplicate domain {} (first at {first})", record.domain)),
                    );
                } else {
                    seen.insert(record.domain.clone(), row.location.clone());
                    records.push(record);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(FilingSet::new(records))
    } else {
        Err(FilingError::Rows { path: path.to_path_buf(), errors })
    }
}

#[derive(Debug, Clone)]
enum Location {
    Line(u64),
    Record(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(l) => write!(f, "line {l}"),
            Location::Record(r) => write!(f, "record {r}"),
        }
    }
}

impl Location {
    fn error(&self, column: Option<&str>, message: String) -> RowError {
        let (line, record) = match self {
            Location::Line(l) => (Some(*l), None),
            Location::Record(r) => (None, Some(*r)),
        };
        RowError { line, record, column: column.map(str::to_string), message }
    }
}

/// A row as text cells, keyed by canonical key, with the header each came from.
struct RawRow {
    location: Location,
    cells: HashMap<&'static str, (String, String)>,
}

fn csv_rows(path: &Path, bytes: &[u8]) -> Result<Vec<RawRow>, FilingError> {
    let text = std::str::from_utf8(bytes).map_err(|e| FilingError::Syntax {
        path: path.to_path_buf(),
        message: format!("not UTF-8 at byte {} (save the file as UTF-8)", e.valid_up_to()),
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let syntax = |e: csv::Error| FilingError::Syntax { path: path.to_path_buf(), message: e.to_string() };
    let headers = reader.headers().map_err(syntax)?.clone();
    let keys = header_keys(path, headers.iter())?;
    let mut rows = Vec::new();
    for result in reader.records() {
        let record = result.map_err(syntax)?;
        let line = record.position().map_or(0, |p| p.line());
        let mut cells = HashMap::new();
        for (i, value) in record.iter().enumerate() {
            if let Some(Some(key)) = keys.get(i) {
                cells.insert(*key, (value.to_string(), headers[i].to_string()));
            }
        }
        rows.push(RawRow { location: Location::Line(line), cells });
    }
    Ok(rows)
}

fn header_keys<'a>(
    path: &Path,
    headers: impl Iterator<Item = &'a str>,
) -> Result<Vec<Option<&'static str>>, FilingError> {
    let keys: Vec<_> = headers.map(canonical_key).collect();
    let missing: Vec<_> = REQUIRED.iter().filter(|k| !keys.contains(&Some(**k))).collect();
    if missing.is_empty() {
        Ok(keys)
    } else {
        Err(FilingError::Rows {
            path: path.to_path_buf(),
            errors: vec![RowError {
                line: Some(1),
                record: None,
                column: None,
                message: format!(
                    "missing required column(s): {}",
                    missing.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")
                ),
            }],
        })
    }
}

/// The first sheet of a workbook; dates may be real spreadsheet dates or text.
fn xlsx_rows(path: &Path, bytes: &[u8]) -> Result<Vec<RawRow>, FilingError> {
    use calamine::{Data, Reader};
    let syntax = |message: String| FilingError::Syntax { path: path.to_path_buf(), message };
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| syntax(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| syntax("the workbook has no sheet".into()))?
        .map_err(|e| syntax(e.to_string()))?;
    let mut rows = range.rows();
    let Some(header) = rows.next() else { return Ok(Vec::new()) };
    let headers: Vec<String> = header.iter().map(ToString::to_string).collect();
    let keys = header_keys(path, headers.iter().map(String::as_str))?;
    let text = |cell: &Data| -> String {
        match cell {
            Data::DateTime(d) => d.as_datetime().map(|t| t.date().to_string()).unwrap_or_else(|| d.to_string()),
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            Data::Empty => String::new(),
            other => other.to_string(),
        }
    };
    Ok(rows
        .enumerate()
        .filter(|(_, row)| row.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(i, row)| {
            let mut cells = HashMap::new();
            for (j, cell) in row.iter().enumerate() {
                if let Some(Some(key)) = keys.get(j) {
                    cells.insert(*key, (text(cell), headers[j].clone()));
                }
            }
            RawRow { location: Location::Line(i as u64 + 2), cells }
        })
        .collect())
}

fn json_rows(path: &Path, bytes: &[u8]) -> Result<Vec<RawRow>, FilingError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| FilingError::Syntax {
        path: path.to_path_buf(),
        message: format!("line {}, column {}: {e}", e.line(), e.column()),
    })?;
    let serde_json::Value::Array(items) = value else {
        return Err(FilingError::Syntax { path: path.to_path_buf(), message: "expected an array of records".into() });
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let location = Location::Record(i + 1);
        let serde_json::Value::Object(map) = item else {
            errors.push(location.error(None, "expected an object".into()));
            continue;
        };
        let mut cells = HashMap::new();
        for (header, value) in map {
            let Some(key) = canonical_key(&header) else {
                errors.push(location.error(Some(&header), "unknown field".into()));
                continue;
            };
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                serde_json::Value::Array(parts) => parts
                    .iter()
                    .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(";"),
                other => other.to_string(),
            };
            cells.insert(key, (text, header));
        }
        rows.push(RawRow { location, cells });
    }
    if errors.is_empty() { Ok(rows) } else { Err(FilingError::Rows { path: path.to_path_buf(), errors }) }
}

fn record_from_row(row: &RawRow) -> Result<FilingRecord, Vec<RowError>> {
    let mut errors = Vec::new();
    let get = |key: &str| row.cells.get(key).map(|(v, _)| v.trim()).filter(|v| !v.is_empty());
    let column = |key: &'static str| row.cells.get(key).map_or(key.to_string(), |(_, h)| h.clone());
    let required = |key: &'static str, errors: &mut Vec<RowError>| -> String {
        match get(key) {
            Some(v) => v.to_string(),
            None => {
                errors.push(row.location.error(Some(&column(key)), format!("{key} is required")));
                String::new()
            }
        }
    };
    let domain_text = required("domain", &mut errors);
    let site_number = required("site_number", &mut errors);
    let principal = required("principal", &mut errors);
    let principal_type = required("principal_type", &mut errors);
    let site_name = required("site_name", &mut errors);
    let approved_text = required("approved_on", &mut errors);

    let domain = if domain_text.is_empty() {
        String::new()
    } else {
        normalise_host(&domain_text).unwrap_or_else(|e| {
            errors.push(row.location.error(Some(&column("domain")), e.to_string()));
            String::new()
        })
    };
    if !site_number.is_empty() && IcpNumber::parse(&site_number).is_err() {
        errors.push(row.location.error(
            Some(&column("site_number")),
            format!("{site_number:?} is not a site number (e.g. 京ICP备12345678号-1, 粤B2-20090059-5)"),
        ));
    }
    let date = |key: &'static str, text: &str, errors: &mut Vec<RowError>| {
        let parsed = parse_date(text);
        if parsed.is_none() {
            errors.push(row.location.error(Some(&column(key)), format!("{text:?} is not a date (e.g. 2024-03-01)")));
        }
        parsed
    };
    let approved_on = if approved_text.is_empty() { None } else { date("approved_on", &approved_text, &mut errors) };
    let opened_on = get("opened_on").and_then(|t| date("opened_on", t, &mut errors));
    let psb_code = get("psb_code").map(str::to_string);
    if let Some(code) = &psb_code
        && PsbCode::parse(code).is_err()
    {
        errors.push(row.location.error(Some(&column("psb_code")), format!("{code:?} is not a public-security code")));
    }
    let license = get("license").map(str::to_string);
    if let Some(lic) = &license
        && IcpNumber::parse(lic).is_err()
    {
        errors.push(row.location.error(
            Some(&column("license")),
            format!("{lic:?} is not a licence number (e.g. 京ICP证030173号, 京B2-20090059)"),
        ));
    }
    let preapprovals = get("preapprovals").map(split_list).unwrap_or_default();
    let mut filed_ips = Vec::new();
    for ip in get("filed_ips").map(split_list).unwrap_or_default() {
        match ip.parse() {
            Ok(addr) => filed_ips.push(addr),
            Err(_) => {
                errors.push(row.location.error(Some(&column("filed_ips")), format!("{ip:?} is not an IP address")))
            }
        }
    }
    match (errors.is_empty(), approved_on) {
        (true, Some(approved_on)) => Ok(FilingRecord {
            domain,
            site_number,
            principal,
            principal_type,
            site_name,
            approved_on,
            opened_on,
            psb_code,
            license,
            preapprovals,
            provider: get("provider").map(str::to_string),
            filed_ips,
        }),
        _ => Err(errors),
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split([';', '；', '、', ',', '，']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, body: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(name);
        std::fs::write(&path, body).expect("write");
        (dir, path)
    }

    #[test]
    fn reads_chinese_headers_with_bom() {
        let (_d, path) = write(
            "f.csv",
            "\u{feff}网站域名,网站备案号,主办单位名称,主办单位性质,网站名称,审核通过日期,公安备案号,前置审批项\n\
             例子.中国,京ICP备12345678号-1,北京示例科技有限公司,企业,示例官网,2024年3月1日,11010502000001,news；culture\n",
        );
        let set = load_filings(&path).expect("loads");
        let r = set.for_host("www.xn--fsqu00a.xn--fiqs8s").expect("apex record for www host");
        assert_eq!(r.approved_on, NaiveDateExt::ymd(2024, 3, 1));
        assert_eq!(r.preapprovals, ["news", "culture"]);
        assert_eq!(r.psb_code.as_deref(), Some("11010502000001"));
    }

    #[test]
    fn every_bad_row_is_located_and_nothing_is_returned() {
        let (_d, path) = write(
            "bad.csv",
            "domain,site_number,principal,principal_type,site_name,approved_on\n\
             good.cn,京ICP备12345678号-1,甲,企业,甲网,2024-03-01\n\
             bad one,京ICP备12345678号-2,乙,企业,乙网,2024-13-01\n\
             c.cn,not a number,丙,企业,丙网,2024-03-01\n",
        );
        let Err(FilingError::Rows { errors, .. }) = load_filings(&path) else { panic!("expected row errors") };
        let located: Vec<_> = errors.iter().map(|e| (e.line, e.column.clone())).collect();
        assert_eq!(
            located,
            [
                (Some(3), Some("domain".to_string())),
                (Some(3), Some("approved_on".to_string())),
                (Some(4), Some("site_number".to_string()))
            ]
        );
    }

    #[test]
    fn json_records_with_english_keys() {
        let (_d, path) = write(
            "f.json",
            r#"[{"domain":"a.cn","site_number":"京ICP证030173号-1","principal":"甲","principal_type":"企业",
                "site_name":"甲网","approved_on":"2024/3/1","filed_ips":["1.2.3.4"]}]"#,
        );
        let set = load_filings(&path).expect("loads");
        assert!(set.for_host("a.cn").expect("record").is_commercial());
        let (_d2, bad) = write("b.json", r#"[{"domain":"a.cn","colour":"red"}]"#);
        let err = load_filings(&bad).expect_err("unknown field").to_string();
        assert!(err.contains("record 1, column colour: unknown field"), "{err}");
    }

    struct NaiveDateExt;
    impl NaiveDateExt {
        fn ymd(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
            chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date")
        }
    }
}
