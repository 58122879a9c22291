//! The tantivy schema: which parts of a record are searched, and how.
//!
//! Text fields use the jieba analyzer ([`crate::tokenizer`]); filter fields
//! are raw strings whose values come from [`crate::index::FilterKeys`], so
//! BM25 filters and vector-search filters agree by construction.

use crate::ranking::FieldBoosts;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::tokenizer::TOKENIZER_NAME;

/// Field handles of the index.
#[derive(Debug, Clone, Copy)]
pub struct IndexFields {
    /// Position of the record in the generation's record list.
    pub record_idx: Field,
    pub matter: Field,
    /// Department as written, canonical and current names.
    pub department: Field,
    pub text: Field,
    /// Heading path of prose, main duty and office of duty rows, unit of services.
    pub context: Field,
    pub basis: Field,
    pub case: Field,
    /// Basis and case text carried down from a merged cell of the row above.
    pub inherited: Field,
    pub bureau: Field,
    pub province: Field,
    pub section: Field,
    pub department_key: Field,
}

impl IndexFields {
    pub fn schema() -> (Schema, IndexFields) {
        let mut b = Schema::builder();
        let zh = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = IndexFields {
            record_idx: b.add_u64_field("record_idx", STORED | FAST | INDEXED),
            matter: b.add_text_field("matter", zh.clone()),
            department: b.add_text_field("department", zh.clone()),
            text: b.add_text_field("text", zh.clone()),
            context: b.add_text_field("context", zh.clone()),
            basis: b.add_text_field("basis", zh.clone()),
            case: b.add_text_field("case", zh.clone()),
            inherited: b.add_text_field("inherited", zh),
            bureau: b.add_text_field("bureau", STRING),
            province: b.add_text_field("province", STRING),
            section: b.add_text_field("section", STRING),
            department_key: b.add_text_field("department_key", STRING),
        };
        (b.build(), fields)
    }

    /// Looks the fields up in an opened index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<IndexFields> {
        let f = |name: &str| schema.get_field(name);
        Ok(IndexFields {
            record_idx: f("record_idx")?,
            matter: f("matter")?,
            department: f("department")?,
            text: f("text")?,
            context: f("context")?,
            basis: f("basis")?,
            case: f("case")?,
            inherited: f("inherited")?,
            bureau: f("bureau")?,
            province: f("province")?,
            section: f("section")?,
            department_key: f("department_key")?,
        })
    }

    /// Searched text fields with their boosts: matter and department above
    /// the text, the text above context, basis and case; a basis or case
    /// inherited from a merged cell least, so the row that holds the text
    /// ranks above the rows it was carried into.
    pub fn weighted_text_fields(&self, boosts: &FieldBoosts) -> [(Field, f32); 7] {
        [
            (self.matter, boosts.matter),
            (self.department, boosts.department),
            (self.text, boosts.text),
            (self.context, boosts.context),
            (self.basis, boosts.basis),
            (self.case, boosts.case),
            (self.inherited, boosts.inherited),
        ]
    }

    /// The fields a query searches, whatever their weights.
    pub fn searched_fields(&self) -> [Field; 7] {
        self.weighted_text_fields(&FieldBoosts::default())
            .map(|(field, _)| field)
    }
}

/// Reads documents' record indexes from the `record_idx` fast field (a
/// column per segment, opened once), never from the stored document.
pub struct RecordIds<'a> {
    searcher: &'a tantivy::Searcher,
    columns: Vec<Option<tantivy::columnar::Column<u64>>>,
}

impl<'a> RecordIds<'a> {
    pub fn new(searcher: &'a tantivy::Searcher) -> Self {
        RecordIds {
            searcher,
            columns: vec![None; searcher.segment_readers().len()],
        }
    }

    /// The record index of a document, if it has one.
    pub fn of(&mut self, address: tantivy::DocAddress) -> tantivy::Result<Option<usize>> {
        let segment = address.segment_ord as usize;
        let column = match &mut self.columns[segment] {
            Some(column) => column,
            slot => slot.insert(
                self.searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64("record_idx")?,
            ),
        };
        Ok(column.first(address.doc_id).map(|idx| idx as usize))
    }
}
