//! InsertField$Key / InsertField$Value: fields from the record's metadata
//! (topic, partition, offset, timestamp) or a static value.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::{require_map, require_sink_offset, require_struct, Transformation};
use crate::config::{invalid, issue, Config};
use crate::data::{Record, Schema, Side, Struct, StructBuilder, Type, Value, TIMESTAMP};
use crate::java::JavaHashMap;

const PURPOSE: &str = "field insertion";

/// A field name, `!` suffix: required, `?` or none: optional.
#[derive(Clone)]
struct Spec {
    name: String,
    optional: bool,
}

fn spec(text: Option<String>) -> Option<Spec> {
    let text = text?;
    if let Some(name) = text.strip_suffix('?') {
        return Some(Spec { name: name.into(), optional: true });
    }
    if let Some(name) = text.strip_suffix('!') {
        return Some(Spec { name: name.into(), optional: false });
    }
    Some(Spec { name: text, optional: true })
}

struct InsertField {
    side: Side,
    topic: Option<Spec>,
    partition: Option<Spec>,
    offset: Option<Spec>,
    timestamp: Option<Spec>,
    static_field: Option<Spec>,
    static_value: Option<String>,
    replace_null_with_default: bool,
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let topic = spec(config.string("topic.field", None));
    let partition = spec(config.string("partition.field", None));
    let offset = spec(config.string("offset.field", None));
    let timestamp = spec(config.string("timestamp.field", None));
    let static_field = spec(config.string("static.field", None));
    let static_value = config.string("static.value", None);
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    if !config.issues.is_empty() {
        return None;
    }
    if topic.is_none() && partition.is_none() && offset.is_none() && timestamp.is_none() && static_field.is_none() {
        config.issues.push(issue("", "No field insertion configured"));
        return None;
    }
    if let (Some(field), None) = (&static_field, &static_value) {
        config.issues.push(invalid("static.value", "null", &format!("No value specified for static field: {}", field.name)));
        return None;
    }
    Some(Box::new(InsertField { side: side?, topic, partition, offset, timestamp, static_field, static_value, replace_null_with_default }))
}

impl Transformation for InsertField {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side);
        if operand.is_null() {
            return Ok(Some(record));
        }
        match record.schema(self.side) {
            None => {
                let mut updated = JavaHashMap::copy_of(require_map(operand, PURPOSE)?);
                if let Some(spec) = &self.topic {
                    updated.put_str(&spec.name, Value::String(record.topic.clone()));
                }
                if let (Some(spec), Some(partition)) = (&self.partition, record.partition) {
                    updated.put_str(&spec.name, Value::Int32(partition));
                }
                if let Some(spec) = &self.offset {
                    updated.put_str(&spec.name, Value::Int64(require_sink_offset(&record, PURPOSE)?));
                }
                if let (Some(spec), Some(timestamp)) = (&self.timestamp, record.timestamp) {
                    updated.put_str(&spec.name, Value::Int64(timestamp));
                }
                if let (Some(spec), Some(value)) = (&self.static_field, &self.static_value) {
                    updated.put_str(&spec.name, Value::String(value.clone()));
                }
                let value = updated.into_value();
                Ok(Some(record.with(self.side, None, value)))
            }
            Some(_) => {
                let value = require_struct(operand, PURPOSE)?;
                let mut builder = StructBuilder::with_basics_of(&value.schema);
                for field in &value.schema.fields {
                    builder.field(&field.name, field.schema.clone())?;
                }
                let string = |spec: &Spec| Schema::primitive(Type::String, spec.optional);
                if let Some(spec) = &self.topic {
                    builder.field(&spec.name, string(spec))?;
                }
                if let Some(spec) = &self.partition {
                    builder.field(&spec.name, Schema::primitive(Type::Int32, spec.optional))?;
                }
                if let Some(spec) = &self.offset {
                    builder.field(&spec.name, Schema::primitive(Type::Int64, spec.optional))?;
                }
                if let Some(spec) = &self.timestamp {
                    builder.field(&spec.name, Schema::logical(TIMESTAMP, spec.optional))?;
                }
                if let Some(spec) = &self.static_field {
                    builder.field(&spec.name, string(spec))?;
                }
                let mut updated = Struct::new(builder.build());
                for field in &value.schema.fields {
                    updated.put(&field.name, value.lookup(&field.name, self.replace_null_with_default)?)?;
                }
                if let Some(spec) = &self.topic {
                    updated.put(&spec.name, Value::String(record.topic.clone()))?;
                }
                if let (Some(spec), Some(partition)) = (&self.partition, record.partition) {
                    updated.put(&spec.name, Value::Int32(partition))?;
                }
                if let Some(spec) = &self.offset {
                    updated.put(&spec.name, Value::Int64(require_sink_offset(&record, PURPOSE)?))?;
                }
                if let (Some(spec), Some(timestamp)) = (&self.timestamp, record.timestamp) {
                    updated.put(&spec.name, Value::Date(timestamp))?;
                }
                if let (Some(spec), Some(value)) = (&self.static_field, &self.static_value) {
                    updated.put(&spec.name, Value::String(value.clone()))?;
                }
                let schema = updated.schema.clone();
                Ok(Some(record.with(self.side, Some(schema), Value::Struct(updated))))
            }
        }
    }
}
