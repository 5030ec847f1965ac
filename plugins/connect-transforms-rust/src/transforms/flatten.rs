//! Flatten$Key / Flatten$Value: nested structs (or maps) flattened into one
//! level, names joined with `delimiter`.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use std::rc::Rc;

use super::{require_map, require_struct_or_null, string_key, Transformation};
use crate::config::Config;
use crate::data::{Record, Schema, SchemaRef, Side, Struct, StructBuilder, Type, Value};

const PURPOSE: &str = "flattening";

struct Flatten {
    side: Side,
    delimiter: String,
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let delimiter = config.string("delimiter", Some("."));
    Some(Box::new(Flatten { side: side?, delimiter: delimiter? }))
}

fn put_linked(entries: &mut Vec<(Value, Value)>, key: String, value: Value) {
    match entries.iter_mut().find(|(k, _)| matches!(k, Value::String(s) if *s == key)) {
        Some(entry) => entry.1 = value,
        None => entries.push((Value::String(key), value)),
    }
}

impl Flatten {
    fn name(&self, prefix: &str, name: &str) -> String {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}{}{name}", self.delimiter)
        }
    }

    fn flatten_map(&self, entries: &[(Value, Value)], prefix: &str, out: &mut Vec<(Value, Value)>) -> Result<(), String> {
        for (key, value) in entries {
            let name = self.name(prefix, string_key(key)?);
            if value.is_null() {
                put_linked(out, name, Value::Null);
                continue;
            }
            let Some(kind) = value.inferred_type() else {
                return Err(format!(
                    "Flatten transformation was passed a value of type {} which is not supported by Connect's data API",
                    value.java_class_description()
                ));
            };
            match kind {
                Type::Map => self.flatten_map(require_map(value, PURPOSE)?, &name, out)?,
                Type::Struct => {
                    return Err(format!("Flatten transformation does not support {} for record without schemas (for field {name}).", value.java_class_description()));
                }
                _ => put_linked(out, name, value.clone()),
            }
        }
        Ok(())
    }

    fn flatten_schema(&self, schema: &Schema, prefix: &str, builder: &mut StructBuilder, optional: bool, parent_default: Option<&Struct>) -> Result<(), String> {
        for field in &schema.fields {
            let name = self.name(prefix, &field.name);
            let field_optional = optional || field.schema.optional;
            let default = match &field.schema.default {
                Some(default) => Some(default.clone()),
                None => parent_default.and_then(|parent| parent.get(&field.name)).filter(|v| !v.is_null()),
            };
            match field.schema.kind {
                Type::Struct => {
                    let nested = match &default {
                        Some(Value::Struct(s)) => Some(s.clone()),
                        _ => None,
                    };
                    self.flatten_schema(&field.schema, &name, builder, field_optional, nested.as_ref())?;
                }
                Type::Map => {
                    return Err(format!("Flatten transformation does not support MAP for record with schemas (for field {name})."));
                }
                _ => {
                    let mut converted = Schema::of(field.schema.kind).with_basics_of(&field.schema);
                    if field.schema.kind == Type::Array {
                        converted.value = field.schema.value.clone();
                    }
                    if field_optional {
                        converted.optional = true;
                    }
                    if let Some(default) = default {
                        crate::data::validate_value(&converted, &default, "value").map_err(|_| "Invalid default value".to_string())?;
                        converted.default = Some(default);
                    }
                    builder.field(&name, Rc::new(converted))?;
                }
            }
        }
        Ok(())
    }

    fn flatten_struct(&self, value: Option<&Struct>, prefix: &str, out: &mut Struct) -> Result<(), String> {
        let Some(value) = value else { return Ok(()) };
        for field in &value.schema.fields {
            let name = self.name(prefix, &field.name);
            match field.schema.kind {
                Type::Struct => {
                    let nested = value.get(&field.name).unwrap_or(Value::Null);
                    let nested = match nested {
                        Value::Struct(s) => Some(s),
                        Value::Null => None,
                        other => return Err(format!("class {} cannot be cast to class org.apache.kafka.connect.data.Struct", other.java_class())),
                    };
                    self.flatten_struct(nested.as_ref(), &name, out)?;
                }
                Type::Map => {
                    return Err(format!("Flatten transformation does not support MAP for record with schemas (for field {name})."));
                }
                _ => out.put(&name, value.get(&field.name).unwrap_or(Value::Null))?,
            }
        }
        Ok(())
    }
}

impl Transformation for Flatten {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side).clone();
        if operand.is_null() {
            return Ok(Some(record));
        }
        match record.schema(self.side).cloned() {
            None => {
                let mut out = Vec::new();
                self.flatten_map(require_map(&operand, PURPOSE)?, "", &mut out)?;
                Ok(Some(record.with(self.side, None, Value::Map(out))))
            }
            Some(schema) => {
                let value = require_struct_or_null(&operand, PURPOSE)?;
                let mut builder = StructBuilder::with_basics_of(&schema);
                let default = match &schema.default {
                    Some(Value::Struct(s)) => Some(s.clone()),
                    _ => None,
                };
                if schema.kind != Type::Struct {
                    return Err("Cannot list fields on non-struct type".into());
                }
                self.flatten_schema(&schema, "", &mut builder, schema.optional, default.as_ref())?;
                let updated_schema: SchemaRef = builder.build();
                let mut updated = Struct::new(updated_schema.clone());
                self.flatten_struct(value, "", &mut updated)?;
                Ok(Some(record.with(self.side, Some(updated_schema), Value::Struct(updated))))
            }
        }
    }
}
