//! The engine: one opened index generation (and, when loaded, the
//! embedding model) answering requests. A facade over the pipeline's
//! layers — it runs retrieval (`search`), then the answer (`answer`) — so
//! that the front ends (cli, server) depend on this module and the layers
//! below it never depend on it.

use serde::{Deserialize, Serialize};
use tantivy::{IndexReader, ReloadPolicy};

use crate::embed::{DEFAULT_MODEL, Semantic};
use crate::error::{Error, Result};
use crate::index::{FilterKeys, Filters, IndexStore, OpenIndex};
use crate::paths::Paths;
use crate::progress::Progress;
use crate::record::Record;
use crate::search::snippet::Snippets;
pub use crate::search::{Hit, Mode};
use crate::search::{QueryPlan, bm25, hybrid, identifiers, query};
use crate::tokenizer::Synonyms;

/// A whole search result: the hits and the answer (the JSON contract of
/// `qsearch --json`, the HTTP API and `qsearch batch`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    pub query: String,
    pub mode: Mode,
    pub hits: Vec<Hit>,
    pub answer: Option<crate::answer::Answer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Hits a request returns unless it asks for another number.
pub const DEFAULT_LIMIT: usize = 10;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// Most hits a request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Keyword candidates per bureau and section for a clause comparison.
const CLAUSE_CANDIDATES: usize = 20;

/// A bureau and how many records each section of its list gave.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BureauSummary {
    pub bureau: crate::record::Bureau,
    pub file: String,
    pub records: usize,
    pub by_section: std::collections::BTreeMap<String, usize>,
}

/// Index and model state.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Health {
    pub records: usize,
    pub index_generation: String,
    /// The embedding model in use, if semantic search is available.
    pub semantic: Option<String>,
    pub notices: Vec<String>,
}

/// One search request.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    pub mode: Mode,
    pub limit: usize,
    pub filters: Filters,
    pub explain: bool,
    /// When the caller stops waiting: checked between the search's stages
    /// (plan, BM25, embedding, vectors, answer), so abandoned work stops
    /// with [`crate::Error::Deadline`]. `None`: no deadline.
    pub deadline: Option<std::time::Instant>,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            mode: Mode::default(),
            limit: DEFAULT_LIMIT,
            filters: Filters::default(),
            explain: false,
            deadline: None,
        }
    }

    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    pub fn deadline(mut self, deadline: std::time::Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Fails with [`crate::Error::Deadline`] once the deadline has passed.
    pub fn check_deadline(&self, stage: &'static str) -> Result<()> {
        match self.deadline {
            Some(deadline) if std::time::Instant::now() >= deadline => {
                Err(crate::Error::Deadline(stage))
            }
            _ => Ok(()),
        }
    }
}

/// How to open an engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineOptions {
    /// Load the embedding model (needed for semantic and hybrid modes).
    pub semantic: bool,
    /// Model name under the models directory, or a model directory path.
    pub model: String,
    /// The script that may be run to provision a missing model (the CLI
    /// passes the project's `scripts/fetch-model.sh`); `None`: never fetch.
    pub fetch_script: Option<std::path::PathBuf>,
    /// ONNX Runtime sessions for embeddings, the threads divided among
    /// them: 1 (default) is quickest for one query at a time and uses least
    /// memory; 2 (the server's default) embeds ~1.25× the distinct queries
    /// under load for ~200 MiB more (docs/PERFORMANCE.md).
    pub embed_sessions: usize,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            semantic: true,
            model: DEFAULT_MODEL.to_string(),
            fetch_script: None,
            embed_sessions: 1,
        }
    }
}

/// The search engine over one index generation. Shared read-only between
/// threads.
pub struct Engine {
    open: OpenIndex,
    reader: IndexReader,
    synonyms: Synonyms,
    keys: Vec<FilterKeys>,
    semantic: Option<Semantic>,
    /// Notices for every response (e.g. the semantic half is unavailable).
    notices: Vec<String>,
    /// Places of the loaded lists, in record order.
    places: Vec<String>,
    /// Each record's folded subject text (`answer::subject_text`), made
    /// once: every search judges its 50 candidates on them.
    subjects: Vec<String>,
    /// Each record's folded case (`answer::case_text`), made once.
    cases: Vec<String>,
    /// Ranking and answer weights.
    ranking: crate::ranking::RankingParams,
    /// The legal-basis index, built on first use (`laws.rs`).
    laws: std::sync::OnceLock<crate::laws::LawIndex>,
}

impl Engine {
    /// Opens the index of a data directory, building it first when missing or
    /// stale; a damaged index is reported and rebuilt once.
    pub fn open(paths: &Paths, progress: &dyn Progress) -> Result<Engine> {
        Engine::open_with(paths, &EngineOptions::default(), progress)
    }

    /// Opens the index, and the embedding model when asked; a model that
    /// cannot be loaded leaves a BM25-only engine with a notice saying why.
    pub fn open_with(
        paths: &Paths,
        options: &EngineOptions,
        progress: &dyn Progress,
    ) -> Result<Engine> {
        let mut engine = Engine::open_index(paths, progress)?;
        if options.semantic {
            let cache = paths.data.join("embeddings");
            let loaded = Semantic::load(
                &engine.open.records,
                &paths.models,
                &options.model,
                &cache,
                options.fetch_script.as_deref(),
                options.embed_sessions,
                progress,
            );
            match loaded {
                Ok(semantic) => engine.semantic = Some(semantic),
                Err(e) => engine.notices.push(format!(
                    "semantic search unavailable ({e}); answering in BM25 mode"
                )),
            }
        }
        Ok(engine)
    }

    fn open_index(paths: &Paths, progress: &dyn Progress) -> Result<Engine> {
        let live = IndexStore::new(paths.index_root()).open_live(&paths.seeds, progress)?;
        let mut engine = Engine::from_open(live.open, Synonyms::builtin())?;
        engine.notices.extend(live.notices);
        Ok(engine)
    }

    pub fn from_open(open: OpenIndex, synonyms: Synonyms) -> Result<Engine> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let keys = open.records.iter().map(FilterKeys::of).collect();
        let subjects = open
            .records
            .iter()
            .map(crate::answer::subject_text)
            .collect();
        let cases = open.records.iter().map(crate::answer::case_text).collect();
        let mut places: Vec<String> = Vec::new();
        for r in &open.records {
            if !places.contains(&r.bureau.place) {
                places.push(r.bureau.place.clone());
            }
        }
        Ok(Engine {
            open,
            reader,
            synonyms,
            keys,
            semantic: None,
            notices: Vec::new(),
            places,
            subjects,
            cases,
            ranking: crate::ranking::RankingParams::default(),
            laws: std::sync::OnceLock::new(),
        })
    }

    pub fn records(&self) -> &[Record] {
        &self.open.records
    }

    pub fn record(&self, id: &str) -> Option<&Record> {
        self.open.records.iter().find(|r| r.id == id)
    }

    pub fn index(&self) -> &OpenIndex {
        &self.open
    }

    /// Bureaus with their record counts per section kind.
    pub fn bureaus(&self) -> Vec<BureauSummary> {
        let mut out: Vec<BureauSummary> = Vec::new();
        for r in &self.open.records {
            let pos = match out.iter().position(|b| b.file == r.source.file) {
                Some(p) => p,
                None => {
                    out.push(BureauSummary {
                        bureau: r.bureau.clone(),
                        file: r.source.file.clone(),
                        records: 0,
                        by_section: std::collections::BTreeMap::new(),
                    });
                    out.len() - 1
                }
            };
            out[pos].records += 1;
            *out[pos]
                .by_section
                .entry(r.section.as_str().to_string())
                .or_default() += 1;
        }
        out
    }

    /// State of the index and the model, for health checks.
    pub fn health(&self) -> Health {
        Health {
            records: self.open.records.len(),
            index_generation: self
                .open
                .generation
                .dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            semantic: self.semantic.as_ref().map(|s| s.model_name().to_string()),
            notices: self.notices.clone(),
        }
    }

    /// Whether record `i` passes the filters (the vector half's filter).
    pub fn passes(&self, i: usize, filters: &Filters) -> bool {
        filters.is_empty() || filters.matches(&self.keys[i])
    }

    /// Validates a request the same way for the CLI and HTTP.
    pub fn validate(request: &SearchRequest) -> Result<()> {
        let chars = request.query.chars().count();
        if request.query.trim().is_empty() {
            return Err(Error::Query("empty query".into()));
        }
        if chars > MAX_QUERY_CHARS {
            return Err(Error::Query(format!(
                "query too long: {chars} characters (at most {MAX_QUERY_CHARS})"
            )));
        }
        if request.limit == 0 || request.limit > MAX_LIMIT {
            return Err(Error::Query(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        Ok(())
    }

    /// Uses other ranking and answer weights (`qsearch eval --ranking`).
    pub fn set_ranking(&mut self, ranking: crate::ranking::RankingParams) {
        self.ranking = ranking;
    }

    /// The ranking and answer weights in use.
    pub fn ranking(&self) -> &crate::ranking::RankingParams {
        &self.ranking
    }

    /// The synonym list queries are expanded with.
    pub fn synonyms(&self) -> &Synonyms {
        &self.synonyms
    }

    /// The semantic half, when loaded.
    pub fn semantic(&self) -> Option<&Semantic> {
        self.semantic.as_ref()
    }

    /// Runs a search in the requested mode, falling back to BM25 (with a
    /// warning) when the semantic half is unavailable.
    ///
    /// Steps: plan the query (drop common sub-words, find cited
    /// identifiers) → BM25 and vector candidates under the same filters →
    /// RRF fusion (plus the boundary prior for who-questions) → hits with
    /// snippets → the who-answer.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        self.run(request, false)
    }

    /// A search whose result always carries a who-answer (`qsearch who`).
    pub fn who(&self, request: &SearchRequest) -> Result<SearchResponse> {
        self.run(request, true)
    }

    fn run(&self, request: &SearchRequest, force_answer: bool) -> Result<SearchResponse> {
        Engine::validate(request)?;
        request.check_deadline("queue")?;
        let searcher = self.reader.searcher();
        let plan = self.plan_with(&searcher, &request.query);
        let cited = identifiers::records_citing(&searcher, &self.open.fields, &plan)?;
        request.check_deadline("planning")?;
        // Filter values are normalised once per request, not per candidate.
        let filters = request.filters.resolve();
        let passes = |i: usize| {
            (filters.is_empty() || filters.matches(&self.keys[i]))
                && cited.as_ref().is_none_or(|c| c.contains(&i))
        };
        let query = (!plan.is_empty())
            .then(|| plan.to_query(&self.open.fields, &request.filters, cited.is_some()));
        let mut warnings = self.notices.clone();
        let mode = self.effective_mode(request.mode);
        let who = force_answer || crate::answer::is_who_question(&request.query);
        // Every search carries an answer (a keyword such as 危险化学品毒性鉴定
        // names a duty as much as a question does), computed from a fixed
        // pool so that it does not depend on the page size; who-questions
        // also get the boundary prior and are shown the answer.
        let candidates = self.ranking.fusion.candidates.max(request.limit);
        let bm25 = match (&query, mode) {
            (Some(q), Mode::Bm25 | Mode::Hybrid) => {
                bm25::search(&searcher, q.as_ref(), candidates)?
                    .into_iter()
                    .map(|s| (s.record, s.score))
                    .collect()
            }
            _ => Vec::new(),
        };
        request.check_deadline("bm25")?;
        let vector = match mode {
            Mode::Semantic | Mode::Hybrid => {
                self.vector_candidates(request, candidates, &passes, &mut warnings)?
            }
            Mode::Bm25 => Vec::new(),
        };
        request.check_deadline("vectors")?;
        let fusion = &self.ranking.fusion;
        let mut fused = hybrid::fuse(&bm25, &vector, fusion.rrf_k);
        if who && mode == Mode::Hybrid {
            let records = &self.open.records;
            fused = hybrid::with_prior(
                fused,
                |i| records[i].section == crate::record::SectionKind::Boundary,
                fusion,
            );
        }
        request.check_deadline("fusion")?;
        let question = self.question(&searcher, &request.query);
        let fused = hybrid::with_coverage(fused, |i| question.coverage(&self.subjects[i]), fusion);
        let mut answer = self.answer(&question, &fused);
        answer.asked = who;
        answer.lists = self.places.clone();
        let snippets = Snippets::new(&searcher, query.as_deref(), &self.open.fields);
        Ok(SearchResponse {
            query: request.query.clone(),
            mode,
            hits: self.hits(fused, mode, request, &snippets),
            answer: Some(answer),
            warnings,
        })
    }

    /// The who-answer over the first [`crate::answer::POOL`] fused candidates.
    /// The question's concepts, weighed on this generation's statistics.
    fn question(&self, searcher: &tantivy::Searcher, query: &str) -> crate::answer::Question {
        let doc_freq = |t: &str| self.doc_freq(searcher, t);
        crate::answer::Question::analyse(
            query,
            &self.open.analyzer,
            &self.synonyms,
            &doc_freq,
            searcher.num_docs(),
        )
    }

    fn answer(
        &self,
        question: &crate::answer::Question,
        fused: &[hybrid::Fused],
    ) -> crate::answer::Answer {
        let pool: Vec<crate::answer::Candidate> = fused
            .iter()
            .take(self.ranking.fusion.candidates)
            .enumerate()
            .map(|(i, f)| crate::answer::Candidate {
                rank: i + 1,
                record: &self.open.records[f.record],
                subject: &self.subjects[f.record],
                case: &self.cases[f.record],
                cosine: f.explain.cosine,
            })
            .collect();
        crate::answer::answer(question, &pool, &self.ranking.answer)
    }

    /// The query plan a search runs: parsed with the index's analyzer and
    /// synonyms, common sub-words dropped.
    pub fn plan(&self, query: &str) -> QueryPlan {
        self.plan_with(&self.reader.searcher(), query)
    }

    fn plan_with(&self, searcher: &tantivy::Searcher, query: &str) -> QueryPlan {
        let mut plan = QueryPlan::parse_with(
            query,
            &self.open.analyzer,
            &self.synonyms,
            self.ranking.query,
        );
        plan.drop_common_subwords(|t| self.doc_freq(searcher, t), searcher.num_docs());
        plan
    }

    /// The mode a request runs in: semantic and hybrid need the model.
    fn effective_mode(&self, requested: Mode) -> Mode {
        match (&self.semantic, requested) {
            (None, Mode::Semantic | Mode::Hybrid) => Mode::Bm25,
            (_, mode) => mode,
        }
    }

    /// The vector half's candidates; an embedding failure becomes a warning
    /// and leaves BM25 to answer alone.
    fn vector_candidates(
        &self,
        request: &SearchRequest,
        k: usize,
        passes: &dyn Fn(usize) -> bool,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<(usize, f32)>> {
        let Some(semantic) = &self.semantic else {
            return Ok(Vec::new());
        };
        let embedded = semantic
            .embedder
            .embed_query(&query::embedding_text(&request.query, &self.synonyms));
        // Waiting for the model is where a loaded server spends its time.
        request.check_deadline("embedding")?;
        Ok(match embedded {
            Ok(v) => semantic.index.search(&v, k, passes),
            Err(e) => {
                warnings.push(format!("query embedding failed ({e}); BM25 results only"));
                Vec::new()
            }
        })
    }

    /// The first `limit` fused candidates as hits, scored in the mode's own
    /// terms (BM25 score, cosine or fused score).
    fn hits(
        &self,
        fused: Vec<hybrid::Fused>,
        mode: Mode,
        request: &SearchRequest,
        snippets: &Snippets,
    ) -> Vec<Hit> {
        fused
            .into_iter()
            .take(request.limit)
            .enumerate()
            .map(|(i, f)| {
                let record = &self.open.records[f.record];
                let score = match mode {
                    Mode::Bm25 => f.explain.bm25_score.unwrap_or_default(),
                    Mode::Semantic => f.explain.cosine.unwrap_or_default(),
                    Mode::Hybrid => f.explain.fused_score,
                };
                let mut hit = Hit::new(i + 1, score, record, snippets.of(record.text()));
                hit.explain = request.explain.then_some(f.explain);
                hit.laws = self.laws().names_of(f.record);
                hit
            })
            .collect()
    }

    /// Records containing `term` in any searched field (the largest of the
    /// per-field counts; deleted documents still count, which only errs
    /// towards keeping a term).
    fn doc_freq(&self, searcher: &tantivy::Searcher, term: &str) -> u64 {
        self.open
            .fields
            .searched_fields()
            .iter()
            .filter_map(|&field| {
                searcher
                    .doc_freq(&tantivy::Term::from_field_text(field, term))
                    .ok()
            })
            .max()
            .unwrap_or(0)
    }

    /// The matters of all boundary tables, grouped across bureaus.
    pub fn matters(&self) -> Vec<crate::compare::MatterGroup> {
        crate::compare::list_matters(&self.open.records)
    }

    /// One matter side by side across bureaus; by meaning too when the
    /// model is loaded.
    pub fn compare(&self, matter: &str) -> Result<crate::compare::Comparison> {
        let embed = |text: &str| {
            self.semantic
                .as_ref()
                .and_then(|s| s.embedder.embed_query(text).ok())
        };
        let sources = crate::compare::Sources {
            records: &self.open.records,
            synonyms: &self.synonyms,
            embed: self
                .semantic
                .is_some()
                .then_some(&embed as &dyn Fn(&str) -> Option<Vec<f32>>),
        };
        crate::compare::compare(&sources, matter)
    }

    /// Any clause or topic side by side across bureaus: a keyword search
    /// per bureau and section finds candidates, [`crate::compare::clause`]
    /// keeps those carrying the clause's content; when the text names a
    /// boundary matter (by name or synonym) its departments table comes too.
    pub fn compare_text(&self, text: &str) -> Result<crate::compare::clause::ClauseComparison> {
        Engine::validate(&SearchRequest::new(text))?;
        let searcher = self.reader.searcher();
        let plan = self.plan_with(&searcher, text);
        let question = self.question(&searcher, text);
        let mut candidates: Vec<(usize, Option<f32>)> = Vec::new();
        // The clause's vector once, when the model is loaded: passages that
        // word it differently (检验机构 for 检验检测机构) are found by meaning.
        let vector = self.semantic.as_ref().and_then(|s| {
            s.embedder
                .embed_query(&query::embedding_text(text, &self.synonyms))
                .ok()
                .map(|v| (s, v))
        });
        if !plan.is_empty() || vector.is_some() {
            let mut files: Vec<&str> = Vec::new();
            for r in &self.open.records {
                if !files.contains(&r.source.file.as_str()) {
                    files.push(&r.source.file);
                }
            }
            for file in files {
                for section in crate::record::SectionKind::ALL {
                    let filters = Filters {
                        bureau: Some(file.to_string()),
                        section: Some(section),
                        ..Filters::default()
                    };
                    if let Some((semantic, v)) = &vector {
                        let passes = |i: usize| self.passes(i, &filters);
                        let near = semantic.index.search(v, CLAUSE_CANDIDATES, &passes);
                        candidates.extend(near.into_iter().map(|(i, c)| (i, Some(c))));
                    }
                    if !plan.is_empty() {
                        let query = plan.to_query(&self.open.fields, &filters, false);
                        let found = bm25::search(&searcher, query.as_ref(), CLAUSE_CANDIDATES)?;
                        candidates.extend(found.into_iter().map(|s| (s.record, None)));
                    }
                }
            }
        }
        let sources = crate::compare::Sources {
            records: &self.open.records,
            synonyms: &self.synonyms,
            embed: None,
        };
        let matter = crate::compare::compare(&sources, text).ok();
        Ok(crate::compare::clause::compare_clause(
            &self.open.records,
            &question,
            text,
            &candidates,
            matter,
        ))
    }

    /// The legal-basis index of the loaded records (built once, on first use).
    pub fn laws(&self) -> &crate::laws::LawIndex {
        self.laws
            .get_or_init(|| crate::laws::LawIndex::build(&self.open.records))
    }
}
