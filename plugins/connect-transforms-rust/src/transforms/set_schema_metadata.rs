//! SetSchemaMetadata$Key / SetSchemaMetadata$Value: the schema's name
//! and/or version replaced.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use std::rc::Rc;

use super::Transformation;
use crate::config::{issue, Config};
use crate::data::{Record, Schema, Side, Struct, Type, Value};

struct SetSchemaMetadata {
    side: Side,
    name: Option<String>,
    version: Option<i32>,
    replace_null_with_default: bool,
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let name = config.string("schema.name", None);
    let version = config.optional_int("schema.version");
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    if !config.issues.is_empty() {
        return None;
    }
    if name.is_none() && version.is_none() {
        config.issues.push(issue("", "Neither schema name nor version configured"));
        return None;
    }
    Some(Box::new(SetSchemaMetadata { side: side?, name, version, replace_null_with_default }))
}

impl Transformation for SetSchemaMetadata {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side).clone();
        let Some(schema) = record.schema(self.side).cloned() else {
            if operand.is_null() {
                return Ok(Some(record));
            }
            return Err("Schema required for [updating schema metadata]".into());
        };
        // Kafka copies `schema.fields()`, which only a struct schema has.
        if schema.kind != Type::Struct {
            return Err("Cannot list fields on non-struct type".into());
        }
        let updated = Rc::new(Schema {
            kind: schema.kind,
            optional: schema.optional,
            default: schema.default.clone(),
            name: self.name.clone().or_else(|| schema.name.clone()),
            version: self.version.or(schema.version),
            doc: schema.doc.clone(),
            parameters: schema.parameters.clone(),
            fields: if schema.kind == Type::Struct { schema.fields.clone() } else { Vec::new() },
            key: if schema.kind == Type::Map { schema.key.clone() } else { None },
            value: if matches!(schema.kind, Type::Map | Type::Array) { schema.value.clone() } else { None },
        });
        let value = match operand {
            Value::Struct(original) => {
                let mut copy = Struct::new(updated.clone());
                for (index, field) in updated.fields.iter().enumerate() {
                    let mut value = original.values.get(index).cloned().unwrap_or(Value::Null);
                    if value.is_null() && self.replace_null_with_default {
                        if let Some(default) = &field.schema.default {
                            value = default.clone();
                        }
                    }
                    copy.put(&field.name, value)?;
                }
                Value::Struct(copy)
            }
            other => other,
        };
        Ok(Some(record.with(self.side, Some(updated), value)))
    }
}
