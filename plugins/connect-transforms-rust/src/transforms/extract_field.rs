//! ExtractField$Key / ExtractField$Value: the key or value replaced by one
//! of its fields (a nested one with `field.syntax.version=V2`).
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::{require_map, require_struct_or_null, FieldPath, Transformation};
use crate::config::{issue, Config};
use crate::data::{Record, Side, Value};

const PURPOSE: &str = "field extraction";

struct ExtractField {
    side: Side,
    original: String,
    path: FieldPath,
    replace_null_with_default: bool,
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let field = config.required_string("field");
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    let v2 = config.field_syntax_version();
    let (field, v2) = (field?, v2?);
    if !config.issues.is_empty() {
        return None;
    }
    match FieldPath::new(&field, v2) {
        Ok(path) => Some(Box::new(ExtractField { side: side?, original: field, path, replace_null_with_default })),
        Err(message) => {
            config.issues.push(issue("field", message));
            None
        }
    }
}

impl Transformation for ExtractField {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side);
        match record.schema(self.side) {
            None => {
                let extracted = if operand.is_null() { Value::Null } else { self.path.value_from_map(require_map(operand, PURPOSE)?)? };
                Ok(Some(record.with(self.side, None, extracted)))
            }
            Some(schema) => {
                let value = require_struct_or_null(operand, PURPOSE)?;
                let field = self.path.field_from(schema)?.ok_or_else(|| format!("Unknown field: {}", self.original))?;
                let extracted = match value {
                    None => Value::Null,
                    Some(value) => self.path.value_from_struct(value, self.replace_null_with_default)?,
                };
                Ok(Some(record.with(self.side, Some(field), extracted)))
            }
        }
    }
}
