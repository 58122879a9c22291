//! Who-answers (issue 4): the departments responsible, from the evidence.

use serde::{Deserialize, Serialize};

/// The answer to a who-question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub departments: Vec<AnswerDepartment>,
    pub also_involved: Vec<AnswerDepartment>,
}

/// One department in an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerDepartment {
    pub name: String,
    pub as_written: String,
    pub current_name: String,
    pub bureaus: Vec<String>,
    pub evidence: Vec<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
}
