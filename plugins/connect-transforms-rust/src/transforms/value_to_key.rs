//! ValueToKey: the key replaced by a struct (or map) of fields of the value.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::{require_map, require_struct, FieldPath, Transformation};
use crate::config::Config;
use crate::data::{Record, Side, Struct, StructBuilder, Value};
use crate::java::JavaHashMap;

const PURPOSE: &str = "copying fields from value to key";

struct ValueToKey {
    fields: Vec<String>,
    paths: Vec<FieldPath>,
    replace_null_with_default: bool,
}

pub fn create(config: &mut Config, _side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let fields = config.list("fields", None);
    let fields = config.unique_list("fields", fields, false);
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    let v2 = config.field_syntax_version();
    let (fields, v2) = (fields?, v2?);
    let mut paths = Vec::with_capacity(fields.len());
    for field in &fields {
        match FieldPath::new(field, v2) {
            Ok(path) => paths.push(path),
            Err(message) => {
                config.issues.push(crate::config::issue("fields", message));
                return None;
            }
        }
    }
    if !config.issues.is_empty() {
        return None;
    }
    Some(Box::new(ValueToKey { fields, paths, replace_null_with_default }))
}

impl Transformation for ValueToKey {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        match &record.value_schema {
            None => {
                let entries = require_map(&record.value, PURPOSE)?;
                let mut key = JavaHashMap::with_capacity(self.fields.len());
                for (field, path) in self.fields.iter().zip(&self.paths) {
                    key.put_str(field, path.value_from_map(entries)?);
                }
                let key = key.into_value();
                Ok(Some(record.with(Side::Key, None, key)))
            }
            Some(_) => {
                let value = require_struct(&record.value, PURPOSE)?.clone();
                let mut builder = StructBuilder::new();
                for (field, path) in self.fields.iter().zip(&self.paths) {
                    let schema = path.field_from(&value.schema)?.ok_or_else(|| format!("Field does not exist: {field}"))?;
                    builder.field(field, schema)?;
                }
                let mut key = Struct::new(builder.build());
                for (field, path) in self.fields.iter().zip(&self.paths) {
                    key.put(field, path.value_from_struct(&value, self.replace_null_with_default)?)?;
                }
                let key_schema = key.schema.clone();
                let value_schema = value.schema.clone();
                let record = record.with(Side::Key, Some(key_schema), Value::Struct(key));
                Ok(Some(record.with(Side::Value, Some(value_schema), Value::Struct(value))))
            }
        }
    }
}
