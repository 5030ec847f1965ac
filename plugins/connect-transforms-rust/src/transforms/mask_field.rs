//! MaskField$Key / MaskField$Value: fields replaced by their type's "null"
//! value (0, false, "", empty list or map) or by a configured replacement.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::{require_map, require_struct, Transformation};
use crate::config::Config;
use crate::data::{Decimal, Record, Side, Struct, Value};
use crate::java::{self, JavaHashMap};
use crate::values;

const PURPOSE: &str = "mask fields";

struct MaskField {
    side: Side,
    /// In Java's HashSet order.
    fields: Vec<String>,
    replacement: Option<String>,
    replace_null_with_default: bool,
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let fields = config.list("fields", None);
    let fields = config.unique_list("fields", fields, false);
    let replacement = config.string("replacement", None);
    let replacement = config.non_empty("replacement", replacement);
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    if !config.issues.is_empty() {
        return None;
    }
    Some(Box::new(MaskField { side: side?, fields: JavaHashMap::set_of(&fields?), replacement, replace_null_with_default }))
}

fn masked_with_null_value(value: &Value) -> Result<Value, String> {
    Ok(match value {
        Value::Boolean(_) => Value::Boolean(false),
        Value::Int8(_) => Value::Int8(0),
        Value::Int16(_) => Value::Int16(0),
        Value::Int32(_) => Value::Int32(0),
        Value::Int64(_) => Value::Int64(0),
        Value::Float32(_) => Value::Float32(0.0),
        Value::Float64(_) => Value::Float64(0.0),
        Value::Decimal(_) => Value::Decimal(Decimal { unscaled: 0, scale: 0 }),
        Value::Date(_) => Value::Date(0),
        Value::String(_) => Value::String(String::new()),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Map(_) => Value::Map(Vec::new()),
        other => return Err(format!("Cannot mask value of type: {}", other.java_class_description())),
    })
}

fn masked_with_replacement(value: &Value, replacement: &str) -> Result<Value, String> {
    let text = Value::String(replacement.to_string());
    let not_a_number = || format!("Unable to convert {replacement} (class java.lang.String) to number");
    Ok(match value {
        Value::Int8(_) => Value::Int8(values::as_long(&text)? as i8),
        Value::Int16(_) => Value::Int16(values::as_long(&text)? as i16),
        Value::Int32(_) => Value::Int32(values::as_long(&text)? as i32),
        Value::Int64(_) => Value::Int64(values::as_long(&text)?),
        Value::Float32(_) => Value::Float32(values::as_double(&text)? as f32),
        Value::Float64(_) => Value::Float64(values::as_double(&text)?),
        Value::String(_) => text,
        Value::Decimal(_) => Value::Decimal(java::parse_big_decimal(replacement).ok_or_else(not_a_number)?),
        other => return Err(format!("Cannot mask value of type {} with custom replacement.", other.java_class_description())),
    })
}

impl MaskField {
    fn masked(&self, value: Value) -> Result<Value, String> {
        if value.is_null() {
            return Ok(Value::Null);
        }
        match &self.replacement {
            None => masked_with_null_value(&value),
            Some(replacement) => masked_with_replacement(&value, replacement),
        }
    }
}

impl Transformation for MaskField {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side);
        match record.schema(self.side) {
            None => {
                let entries = require_map(operand, PURPOSE)?;
                let mut updated = JavaHashMap::copy_of(entries);
                for field in &self.fields {
                    updated.put_str(field, self.masked(Value::map_get(entries, field))?);
                }
                let value = updated.into_value();
                Ok(Some(record.with(self.side, None, value)))
            }
            Some(schema) => {
                let schema = schema.clone();
                let value = require_struct(operand, PURPOSE)?;
                let mut updated = Struct::new(value.schema.clone());
                for field in &value.schema.fields {
                    let original = value.lookup(&field.name, self.replace_null_with_default)?;
                    let new = if self.fields.contains(&field.name) { self.masked(original)? } else { original };
                    updated.put(&field.name, new)?;
                }
                Ok(Some(record.with(self.side, Some(schema), Value::Struct(updated))))
            }
        }
    }
}
