//! OpenAPI schemas of the library's JSON types.
//!
//! The library's types (`SearchResponse`, `Hit`, `Record` …) carry no
//! `utoipa` derives, so each gets a field-for-field mirror here that only
//! feeds the generated document; the responses themselves are the library's
//! own serialization. `tests/server.rs` checks every live response against
//! these schemas, so a field added in the library without a mirror fails a
//! test instead of silently going undocumented.

#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// Retrieval mode: `bm25` (keywords), `semantic` (meaning) or `hybrid` (both, fused).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Bm25,
    Semantic,
    Hybrid,
}

/// Where a passage is in its seed file (1-based, inclusive lines).
#[derive(Serialize, ToSchema)]
pub struct Source {
    #[schema(example = "001_e78a3302d4a7bc81.txt")]
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
}

/// How a hit got its rank (`explain=true`).
#[derive(Serialize, ToSchema)]
pub struct Explain {
    pub bm25_rank: Option<usize>,
    pub bm25_score: Option<f32>,
    pub vector_rank: Option<usize>,
    pub cosine: Option<f32>,
    pub fused_score: f32,
}

/// One ranked passage.
#[derive(Serialize, ToSchema)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    /// Record id, for `/api/records/{id}`.
    pub id: String,
    /// Issuing bureau's full name.
    pub bureau: String,
    /// Short place label of the bureau (鹿泉区, 常德市 …).
    pub place: String,
    /// duties, boundary, public_service, supervision or accountability.
    pub section: String,
    pub matter: String,
    /// Department as written (boundary rows), else the responsible office.
    pub department: Option<String>,
    pub department_canonical: Option<String>,
    /// The department holding the duty after the 2018 reform.
    pub department_current: Option<String>,
    /// Public-service phone number, where the row has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub text: String,
    /// HTML-escaped text fragment with `<b>` around matched words.
    pub snippet: String,
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
    /// Canonical names of the laws, regulations and standards the record
    /// cites, for `/api/laws/{name}`; omitted when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub laws: Vec<String>,
}

/// One department in a who-answer.
#[derive(Serialize, ToSchema)]
pub struct AnswerDepartment {
    /// Canonical short name, e.g. 质监局.
    pub name: String,
    pub as_written: String,
    /// The current (post-2018) name, e.g. 市场监督管理局.
    pub current_name: String,
    /// Places of the bureaus that assign it.
    pub bureaus: Vec<String>,
    /// Ranks (in the 50-candidate pool; the same as hit ranks on the page)
    /// of the passages that support it.
    pub evidence: Vec<usize>,
    /// Where the strongest of them is.
    pub source: Source,
    /// Query words its duty text matches (质量, 运输 …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
    /// Offices and phone numbers from duty and service rows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub offices: Vec<String>,
}

/// Whether the loaded lists say who handles what the question asks about.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// A passage carries what the question is about and names who does it.
    Covered,
    /// Related passages exist but none carries enough of the question: their
    /// departments are `candidates`, not the answer.
    Uncertain,
    /// The lists do not speak to the question: `departments` is empty.
    NotCovered,
}

/// One concept (content word) of the question, as the best passage carries it.
#[derive(Serialize, ToSchema)]
pub struct ConceptMatch {
    pub word: String,
    /// IDF weight of the concept in the corpus.
    pub weight: f32,
    /// Whether any record of the lists contains it.
    pub known: bool,
    /// Share of it the best passage carries (0–1).
    pub credit: f32,
}

/// A matter the lists cover, offered when they do not cover the question.
#[derive(Serialize, ToSchema)]
pub struct NearMatter {
    pub matter: String,
    pub place: String,
    pub section: String,
    pub source: Source,
    /// Support of the question by this matter (0–1).
    pub coverage: f32,
}

/// The answer: who is responsible, or that the lists do not say.
#[derive(Serialize, ToSchema)]
pub struct Answer {
    /// The query asks who is responsible (or `qsearch who` was used); front
    /// ends show the answer only then.
    pub asked: bool,
    /// Places of the loaded lists.
    pub lists: Vec<String>,
    /// The verdict; `departments` is empty unless `covered`.
    pub coverage: Coverage,
    /// Support of the question by the best passage's matter, words and
    /// meaning averaged (0–1).
    pub confidence: f32,
    /// Why: which passage of which list decided, and what it lacks.
    pub reason: String,
    /// What was asked about: the best evidence's matter plus the aspect.
    pub topic: String,
    /// The responsible department(s); empty unless `coverage` is `covered`.
    pub departments: Vec<AnswerDepartment>,
    pub also_involved: Vec<AnswerDepartment>,
    /// When `uncertain`: departments of the related passages, as candidates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<AnswerDepartment>,
    /// When not `covered`: the closest matters the lists do cover.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nearest_matters: Vec<NearMatter>,
    /// Question words no candidate passage carries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<String>,
    /// The question's concepts and how much of each the best passage carries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<ConceptMatch>,
    /// Cosine of the best passage to the question; absent without the
    /// semantic half.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closeness: Option<f32>,
}

/// A search result: the same object as `qsearch --json`.
#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    pub query: String,
    pub mode: Mode,
    pub hits: Vec<Hit>,
    /// Who answers the query, or that the lists do not say (always present;
    /// shown by the front ends when `answer.asked`).
    pub answer: Option<Answer>,
    /// Notices, e.g. that semantic search is unavailable; omitted when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Administrative level of a bureau.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
    District,
}

/// The issuer of a list.
#[derive(Serialize, ToSchema)]
pub struct Bureau {
    pub name: String,
    pub place: String,
    pub province: String,
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    pub level: Level,
}

/// A bureau and its records per section kind.
#[derive(Serialize, ToSchema)]
pub struct BureauSummary {
    pub bureau: Bureau,
    pub file: String,
    pub records: usize,
    pub by_section: BTreeMap<String, usize>,
}

/// Section kind of a record.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Duties,
    Boundary,
    PublicService,
    Supervision,
    Accountability,
}

/// A department mention resolved through the department table.
#[derive(Serialize, ToSchema)]
pub struct Department {
    pub as_written: String,
    pub canonical: String,
    pub current: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub upper_level: bool,
}

/// Section-specific fields of a record, tagged by `kind`.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fields {
    Duty {
        main_duty: String,
        work_item: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        unit: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        basis: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        remark: String,
    },
    Boundary {
        matter: String,
        department: Department,
        duty: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        basis: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        case: String,
    },
    Service {
        service: String,
        content: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        basis: String,
        unit: String,
        phone: String,
    },
    Prose {
        heading_path: Vec<String>,
        text: String,
    },
}

/// Index and model state.
#[derive(Serialize, ToSchema)]
pub struct Health {
    pub records: usize,
    pub index_generation: String,
    /// The embedding model in use, if semantic search is available.
    pub semantic: Option<String>,
    pub notices: Vec<String>,
}

/// Per bureau: the matter as that bureau names it.
#[derive(Serialize, ToSchema)]
pub struct MatterInBureau {
    pub bureau: String,
    pub place: String,
    pub file: String,
    pub matter: String,
}

/// One matter and the bureaus whose lists have it.
#[derive(Serialize, ToSchema)]
pub struct MatterGroup {
    pub matter: String,
    pub bureaus: Vec<MatterInBureau>,
}

/// One cell of a comparison: what one bureau assigns one department.
#[derive(Serialize, ToSchema)]
pub struct ComparisonCell {
    pub duty: String,
    pub record_id: String,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
}

/// One department's row; one cell per bureau column, null where that bureau
/// assigns it nothing.
#[derive(Serialize, ToSchema)]
pub struct ComparisonRow {
    pub department: String,
    pub current_name: String,
    pub cells: Vec<Option<ComparisonCell>>,
    /// True when some bureaus assign this department and others do not.
    pub differs: bool,
}

/// How a compare request found its matter.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Name,
    Synonym,
    Meaning,
}

/// A departments × bureaus table for one matter.
#[derive(Serialize, ToSchema)]
pub struct Comparison {
    pub query: String,
    /// How the query found the matter: name, synonym or meaning.
    pub matched_by: MatchedBy,
    /// Column headers.
    pub bureaus: Vec<MatterInBureau>,
    /// Places whose lists have no such matter.
    pub missing_in: Vec<String>,
    pub rows: Vec<ComparisonRow>,
}

/// One retrievable passage with its provenance.
#[derive(Serialize, ToSchema)]
pub struct Record {
    /// Stable id, e.g. `001_e78a3302d4a7bc81-boundary-656-657`.
    pub id: String,
    pub bureau: Bureau,
    pub section: SectionKind,
    pub fields: Fields,
    pub source: Source,
}

// ---- The legal-basis index (`qsearch::laws`) ----

/// What kind of instrument: law (法), regulation (条例), rule (办法, 规定,
/// 细则 …), standard (GB, GB/T, JJF, TSG …) or document (通知, 意见 …).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Law,
    Regulation,
    Rule,
    Standard,
    Document,
}

/// A bureau's number of records citing an instrument.
#[derive(Serialize, ToSchema)]
pub struct BureauCount {
    pub place: String,
    pub bureau: String,
    pub records: usize,
}

/// An instrument without its records.
#[derive(Serialize, ToSchema)]
pub struct InstrumentSummary {
    /// Canonical name (中华人民共和国 folded), standard code, or the decree
    /// number when no title is paired with it.
    pub name: String,
    pub kind: Kind,
    /// Every spelling the documents use, as written.
    pub variants: Vec<String>,
    /// Decree numbers written with it, e.g. 国务院令第455号.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decrees: Vec<String>,
    /// Standard codes, e.g. GB/T 14308-2010.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<String>,
    /// Records citing it.
    pub citing: usize,
    pub by_bureau: Vec<BureauCount>,
}

/// A `《…》` title not counted as a law (form, certificate, notice).
#[derive(Serialize, ToSchema)]
pub struct NotLaw {
    pub title: String,
    pub count: usize,
}

/// One record citing an instrument.
#[derive(Serialize, ToSchema)]
pub struct CitingRecord {
    /// For `/api/records/{id}`.
    pub record_id: String,
    pub section: SectionKind,
    pub matter: String,
    pub text: String,
    /// Articles cited, in Chinese numerals (第五十九条, 第四条第二款).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
    /// How the record writes the instrument.
    pub as_written: Vec<String>,
    /// The citation is in a basis cell carried down from the row above.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inherited: bool,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
}

/// One bureau's records citing an instrument.
#[derive(Serialize, ToSchema)]
pub struct BureauCitations {
    pub bureau: String,
    pub place: String,
    pub file: String,
    pub records: Vec<CitingRecord>,
}

/// One instrument and every record citing it, grouped by bureau.
#[derive(Serialize, ToSchema)]
pub struct Instrument {
    pub name: String,
    pub kind: Kind,
    pub variants: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decrees: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<String>,
    /// Records citing it.
    pub citing: usize,
    pub bureaus: Vec<BureauCitations>,
}
