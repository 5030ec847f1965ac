//! The header transforms: InsertHeader (a literal, parsed as Kafka's
//! `Values.parseString`), DropHeaders, and HeaderFrom$Key / HeaderFrom$Value
//! (fields copied or moved into headers).
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::{require_map, require_struct, Transformation};
use crate::config::{issue, Config};
use crate::data::{validate_value, Header, Record, SchemaRef, Side, Struct, StructBuilder, Value};
use crate::java::JavaHashMap;
use crate::values;

struct InsertHeader {
    header: String,
    schema: Option<SchemaRef>,
    value: Value,
}

pub fn create_insert_header(config: &mut Config, _side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let header = config.required_string("header");
    let literal = config.required_string("value.literal");
    let (schema, value) = values::parse_string(&literal?);
    Some(Box::new(InsertHeader { header: header?, schema, value }))
}

impl Transformation for InsertHeader {
    fn apply(&self, mut record: Record) -> Result<Option<Record>, String> {
        record.headers.push(Header { key: self.header.clone(), schema: self.schema.clone(), value: self.value.clone() });
        Ok(Some(record))
    }
}

struct DropHeaders {
    headers: Vec<String>,
}

pub fn create_drop_headers(config: &mut Config, _side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let headers = config.list("headers", None);
    let headers = config.unique_list("headers", headers, false);
    Some(Box::new(DropHeaders { headers: headers? }))
}

impl Transformation for DropHeaders {
    fn apply(&self, mut record: Record) -> Result<Option<Record>, String> {
        record.headers.retain(|header| !self.headers.contains(&header.key));
        Ok(Some(record))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation {
    Move,
    Copy,
}

struct HeaderFrom {
    side: Side,
    fields: Vec<String>,
    headers: Vec<String>,
    operation: Operation,
    replace_null_with_default: bool,
}

pub fn create_header_from(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let fields = config.list("fields", None);
    let fields = config.non_empty_list("fields", fields);
    let headers = config.list("headers", None);
    let headers = config.non_empty_list("headers", headers);
    let operation = config.required_string("operation");
    let operation = config.one_of("operation", operation, &["move", "copy"]);
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    if !config.issues.is_empty() {
        return None;
    }
    let (fields, headers, operation) = (fields?, headers?, operation?);
    if headers.len() != fields.len() {
        config.issues.push(issue("", "'fields' config must have the same number of elements as 'headers' config."));
        return None;
    }
    let operation = if operation == "move" { Operation::Move } else { Operation::Copy };
    Some(Box::new(HeaderFrom { side: side?, fields, headers, operation, replace_null_with_default }))
}

/// `ConnectHeaders.add(key, value, schema)`: a value that does not fit its schema is refused.
fn header(key: &str, schema: Option<SchemaRef>, value: Value) -> Result<Header, String> {
    if let Some(schema) = &schema {
        if value.is_null() && !schema.optional {
            return Err(format!("A null value requires an optional schema but was {}", schema.describe()));
        }
        if !value.is_null() {
            validate_value(schema, &value, "value").map_err(|_| format!("Expecting {} but found {}", schema.kind.java_name(), value.java_class_description()))?;
        }
    }
    Ok(Header { key: key.to_string(), schema, value })
}

impl Transformation for HeaderFrom {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let purpose = format!("header {}", if self.operation == Operation::Move { "move" } else { "copy" });
        let operand = record.operand(self.side).clone();
        let mut headers = record.headers.clone();
        match record.schema(self.side).cloned() {
            None => {
                let entries = require_map(&operand, &purpose)?;
                let mut updated = JavaHashMap::copy_of(entries);
                for (field, name) in self.fields.iter().zip(&self.headers) {
                    let value = Value::map_get(entries, field);
                    if self.operation == Operation::Move {
                        updated.remove(&Value::String(field.clone()));
                    }
                    headers.push(header(name, None, value)?);
                }
                let value = updated.into_value();
                let mut record = record.with(self.side, None, value);
                record.headers = headers;
                Ok(Some(record))
            }
            Some(schema) => {
                let value = require_struct(&operand, &purpose)?;
                let (updated_schema, updated_value) = match self.operation {
                    Operation::Move => {
                        let mut builder = StructBuilder::with_basics_of(&schema);
                        for field in &schema.fields {
                            if !self.fields.contains(&field.name) {
                                builder.field(&field.name, field.schema.clone())?;
                            }
                        }
                        let mut moved = Struct::new(builder.build());
                        let names: Vec<String> = moved.schema.fields.iter().map(|f| f.name.clone()).collect();
                        for name in names {
                            moved.put(&name, value.lookup(&name, self.replace_null_with_default)?)?;
                        }
                        (moved.schema.clone(), Value::Struct(moved))
                    }
                    Operation::Copy => (schema.clone(), operand.clone()),
                };
                for (field, name) in self.fields.iter().zip(&self.headers) {
                    let field_value = match value.schema.field(field) {
                        Some(_) => value.lookup(field, self.replace_null_with_default)?,
                        None => Value::Null,
                    };
                    let field_schema = schema
                        .field(field)
                        .map(|(_, f)| f.schema.clone())
                        .ok_or_else(|| format!("Cannot invoke \"org.apache.kafka.connect.data.Field.schema()\" because the return value of \"org.apache.kafka.connect.data.Schema.field(String)\" is null (no field {field})"))?;
                    headers.push(header(name, Some(field_schema), field_value)?);
                }
                let mut record = record.with(self.side, Some(updated_schema), updated_value);
                record.headers = headers;
                Ok(Some(record))
            }
        }
    }
}
