//! The one record type every reader ends in.
//!
//! A record is the unit of retrieval: one work item of a duty list, one
//! (matter, department) row of a boundary table, one public service, or one
//! numbered paragraph group of prose. Every record carries its provenance so
//! that any answer can be checked with `sed -n 'A,Bp' FILE`.

use serde::{Deserialize, Serialize};

pub use crate::formats::Place;

/// 1-based, inclusive line span inside a seed file, as `sed -n 'A,Bp'` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineSpan {
    pub start: usize,
    pub end: usize,
}

impl LineSpan {
    pub fn new(start: usize, end: usize) -> Self {
        LineSpan {
            start: start.min(end),
            end: start.max(end),
        }
    }

    pub fn line(line: usize) -> Self {
        LineSpan {
            start: line,
            end: line,
        }
    }

    /// The smallest span covering both.
    pub fn union(self, other: LineSpan) -> LineSpan {
        LineSpan {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        self.end - self.start + 1
    }

    pub fn is_empty(self) -> bool {
        false
    }

    pub fn overlaps(self, other: LineSpan) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// Where a record came from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    /// Lines of the document's text: the file itself for a text export, the
    /// extracted text (`crate::formats`) for an original document.
    pub line_start: usize,
    pub line_end: usize,
    /// Where the record starts in an original document (page, sheet and
    /// row, table and row, paragraph); absent for text exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
}

impl Source {
    pub fn new(file: &str, span: LineSpan) -> Self {
        Source {
            file: file.to_string(),
            line_start: span.start,
            line_end: span.end,
            place: None,
        }
    }

    /// The citation a person checks: `鹿泉区.docx 表3 第5行`,
    /// `临沂市.pdf 第12页`, or `000.txt:12-16` for a text export.
    pub fn citation(&self) -> String {
        match &self.place {
            Some(place) => format!("{} {place}", self.file),
            None => format!("{}:{}-{}", self.file, self.line_start, self.line_end),
        }
    }

    pub fn span(&self) -> LineSpan {
        LineSpan::new(self.line_start, self.line_end)
    }
}

/// Administrative level of the issuing bureau; it decides what `市X局` means.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
    District,
}

impl std::str::FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        match s {
            "province" => Ok(Level::Province),
            "city" => Ok(Level::City),
            "county" => Ok(Level::County),
            "district" => Ok(Level::District),
            other => Err(format!(
                "unknown level {other:?}: province, city, county or district"
            )),
        }
    }
}

impl Level {
    /// As the catalog writes it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::District => "district",
        }
    }

    /// County and district lists call the city above them `市X局`.
    pub fn is_below_city(self) -> bool {
        matches!(self, Level::County | Level::District)
    }
}

/// The issuer of a list, from the seed catalog.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bureau {
    /// Full name, e.g. 石家庄市鹿泉区质量技术监督局.
    pub name: String,
    /// Short place label used in answers, e.g. 鹿泉区.
    pub place: String,
    pub province: String,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    pub level: Level,
}

/// The kind of top-level section a record comes from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// 部门职责: main duties and their work items.
    Duties,
    /// 职责边界: how a matter is split between departments.
    Boundary,
    /// 公共服务事项.
    PublicService,
    /// 事中事后监管制度: supervision rules, prose.
    Supervision,
    /// 责任追究机制: accountability, prose.
    Accountability,
}

impl SectionKind {
    pub const ALL: [SectionKind; 5] = [
        SectionKind::Duties,
        SectionKind::Boundary,
        SectionKind::PublicService,
        SectionKind::Supervision,
        SectionKind::Accountability,
    ];

    /// The identifier used in JSON, filters and the index.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Duties => "duties",
            SectionKind::Boundary => "boundary",
            SectionKind::PublicService => "public_service",
            SectionKind::Supervision => "supervision",
            SectionKind::Accountability => "accountability",
        }
    }

    /// The Chinese name the documents use.
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Duties => "部门职责",
            SectionKind::Boundary => "职责边界",
            SectionKind::PublicService => "公共服务",
            SectionKind::Supervision => "事中事后监管",
            SectionKind::Accountability => "责任追究",
        }
    }

    /// Tables hold rows; the other sections are prose.
    pub fn is_table(self) -> bool {
        matches!(
            self,
            SectionKind::Duties | SectionKind::Boundary | SectionKind::PublicService
        )
    }

    pub fn parse(s: &str) -> Option<SectionKind> {
        SectionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s)
    }
}

impl std::str::FromStr for SectionKind {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SectionKind::parse(s.trim()).ok_or_else(|| UnknownValue {
            what: "section",
            value: s.to_string(),
            possible: SectionKind::ALL.iter().map(|k| k.as_str()).collect(),
        })
    }
}

/// A value that is none of an option's possible values; the message lists
/// them, so every front end says the same thing (`unknown mode 'x': use
/// bm25, semantic or hybrid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The option: mode, section …
    pub what: &'static str,
    pub value: String,
    pub possible: Vec<&'static str>,
}

impl UnknownValue {
    /// The possible values as "a, b or c".
    pub fn choices(&self, or: &str) -> String {
        match self.possible.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} {or} {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown {} '{}': use {}",
            self.what,
            self.value,
            self.choices("or")
        )
    }
}

impl std::error::Error for UnknownValue {}

/// A department mention resolved through the department table.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Department {
    /// As the document writes it, e.g. 市质监局.
    pub as_written: String,
    /// Canonical short name, e.g. 质监局.
    pub canonical: String,
    /// The department holding the duty after the 2018 reform, e.g. 市场监督管理局.
    pub current: String,
    /// True when the mention names the level above the issuer (市X局 in a county list).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub upper_level: bool,
}

/// Section-specific fields.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fields {
    Duty {
        main_duty: String,
        work_item: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        unit: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        basis: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        remark: String,
    },
    Boundary {
        matter: String,
        department: Department,
        duty: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        basis: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        case: String,
    },
    Service {
        service: String,
        content: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        basis: String,
        unit: String,
        phone: String,
    },
    Prose {
        heading_path: Vec<String>,
        text: String,
    },
}

impl Fields {
    /// Every text field with its name (a heading path's headings each on
    /// their own), for checks that apply to all of them.
    pub fn texts_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        match self {
            Fields::Duty {
                main_duty,
                work_item,
                unit,
                basis,
                remark,
            } => vec![
                ("main_duty", main_duty),
                ("work_item", work_item),
                ("unit", unit),
                ("basis", basis),
                ("remark", remark),
            ],
            Fields::Boundary {
                matter,
                department,
                duty,
                basis,
                case,
            } => vec![
                ("matter", matter),
                ("department", &mut department.as_written),
                ("duty", duty),
                ("basis", basis),
                ("case", case),
            ],
            Fields::Service {
                service,
                content,
                basis,
                unit,
                phone,
            } => vec![
                ("service", service),
                ("content", content),
                ("basis", basis),
                ("unit", unit),
                ("phone", phone),
            ],
            Fields::Prose { heading_path, text } => {
                let mut texts: Vec<(&'static str, &mut String)> =
                    heading_path.iter_mut().map(|h| ("heading", h)).collect();
                texts.push(("text", text));
                texts
            }
        }
    }
}

/// One retrievable passage with its provenance.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Stable id: `<file stem prefix>:<section>:<line_start>-<line_end>[:n]`.
    pub id: String,
    pub bureau: Bureau,
    pub section: SectionKind,
    pub fields: Fields,
    pub source: Source,
    /// Fields whose value a vertically merged cell carried down from the row
    /// above: they describe this row too, but their text is on another
    /// row's lines, which is the one to cite for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherited: Vec<Inherited>,
}

/// A field filled from a merged cell of the row above.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inherited {
    Basis,
    Case,
}

impl Record {
    /// The matter a record is about: boundary matter, main duty, service or
    /// the subsection heading of prose.
    pub fn matter(&self) -> &str {
        match &self.fields {
            Fields::Duty { main_duty, .. } => main_duty,
            Fields::Boundary { matter, .. } => matter,
            Fields::Service { service, .. } => service,
            Fields::Prose { heading_path, .. } => {
                heading_path.first().map(String::as_str).unwrap_or("")
            }
        }
    }

    /// The department a boundary row assigns, if any.
    pub fn department(&self) -> Option<&Department> {
        match &self.fields {
            Fields::Boundary { department, .. } => Some(department),
            _ => None,
        }
    }

    /// The record's own text: the duty, work item, service content or paragraph.
    pub fn text(&self) -> &str {
        match &self.fields {
            Fields::Duty {
                work_item,
                main_duty,
                ..
            } if work_item.is_empty() => main_duty,
            Fields::Duty { work_item, .. } => work_item,
            Fields::Boundary { duty, .. } => duty,
            Fields::Service { content, .. } => content,
            Fields::Prose { text, .. } => text,
        }
    }

    /// Legal basis, where the section has one.
    pub fn basis(&self) -> &str {
        match &self.fields {
            Fields::Duty { basis, .. }
            | Fields::Boundary { basis, .. }
            | Fields::Service { basis, .. } => basis,
            Fields::Prose { .. } => "",
        }
    }

    /// Whether `field` was carried down from the row above.
    pub fn inherits(&self, field: Inherited) -> bool {
        self.inherited.contains(&field)
    }

    /// Case text of boundary rows.
    pub fn case(&self) -> &str {
        match &self.fields {
            Fields::Boundary { case, .. } => case,
            _ => "",
        }
    }

    /// The responsible office (科室/股室/承办机构) of duty and service rows.
    pub fn unit(&self) -> &str {
        match &self.fields {
            Fields::Duty { unit, .. } | Fields::Service { unit, .. } => unit,
            _ => "",
        }
    }

    /// The text in context, as embedded and shown: matter + department + duty
    /// for a boundary row, heading path + text for prose.
    pub fn contextual_text(&self) -> String {
        match &self.fields {
            Fields::Duty {
                main_duty,
                work_item,
                unit,
                ..
            } => join_nonempty(&[main_duty, work_item, unit]),
            Fields::Boundary {
                matter,
                department,
                duty,
                ..
            } => join_nonempty(&[matter, &department.as_written, duty]),
            Fields::Service {
                service,
                content,
                unit,
                phone,
                ..
            } => join_nonempty(&[service, content, unit, phone]),
            Fields::Prose { heading_path, text } => {
                let mut parts: Vec<&str> = heading_path.iter().map(String::as_str).collect();
                parts.push(text);
                join_nonempty(&parts)
            }
        }
    }
}

fn join_nonempty(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}
