//! The WIT `connect-record` (schemas and values as two arenas with indexes)
//! ⇄ the data model of data.rs.
//!
//! Owns: decoding a record's arenas into schemas and values (refusing a bad
//! index or a cycle with a message), and encoding a record back, each
//! distinct schema once.
//! Must never: change what a record means on the way through.

use std::collections::HashMap;
use std::rc::Rc;

use crate::data::{Decimal, Field, Header, Record, Schema, SchemaRef, Struct, Type, Value};
use crate::eddy::plugin::connect_data as wit;

struct Decoder<'a> {
    schemas: &'a [wit::Schema],
    values: &'a [wit::Value],
    decoded: Vec<Option<SchemaRef>>,
    in_progress: Vec<bool>,
}

fn kind_of(kind: wit::SchemaType) -> Type {
    match kind {
        wit::SchemaType::Int8 => Type::Int8,
        wit::SchemaType::Int16 => Type::Int16,
        wit::SchemaType::Int32 => Type::Int32,
        wit::SchemaType::Int64 => Type::Int64,
        wit::SchemaType::Float32 => Type::Float32,
        wit::SchemaType::Float64 => Type::Float64,
        wit::SchemaType::Boolean => Type::Boolean,
        wit::SchemaType::String => Type::String,
        wit::SchemaType::Bytes => Type::Bytes,
        wit::SchemaType::Array => Type::Array,
        wit::SchemaType::Map => Type::Map,
        wit::SchemaType::Struct => Type::Struct,
    }
}

fn wit_kind(kind: Type) -> wit::SchemaType {
    match kind {
        Type::Int8 => wit::SchemaType::Int8,
        Type::Int16 => wit::SchemaType::Int16,
        Type::Int32 => wit::SchemaType::Int32,
        Type::Int64 => wit::SchemaType::Int64,
        Type::Float32 => wit::SchemaType::Float32,
        Type::Float64 => wit::SchemaType::Float64,
        Type::Boolean => wit::SchemaType::Boolean,
        Type::String => wit::SchemaType::String,
        Type::Bytes => wit::SchemaType::Bytes,
        Type::Array => wit::SchemaType::Array,
        Type::Map => wit::SchemaType::Map,
        Type::Struct => wit::SchemaType::Struct,
    }
}

const MAX_DEPTH: usize = 200;

impl<'a> Decoder<'a> {
    fn schema(&mut self, index: u32) -> Result<SchemaRef, String> {
        let at = index as usize;
        if at >= self.schemas.len() {
            return Err(format!("schema index {index} out of range ({} schemas)", self.schemas.len()));
        }
        if let Some(done) = &self.decoded[at] {
            return Ok(done.clone());
        }
        if self.in_progress[at] {
            return Err(format!("schema {index} refers to itself"));
        }
        self.in_progress[at] = true;
        let source = &self.schemas[at];
        let mut fields = Vec::with_capacity(source.fields.len());
        for field in &source.fields {
            fields.push(Field { name: field.name.clone(), schema: self.schema(field.schema)? });
        }
        let key = source.key_schema.map(|index| self.schema(index)).transpose()?;
        let value = source.value_schema.map(|index| self.schema(index)).transpose()?;
        let default = source.default_value.map(|index| self.value(index, 0)).transpose()?;
        let schema = Rc::new(Schema {
            kind: kind_of(source.type_),
            optional: source.optional,
            default,
            name: source.name.clone(),
            version: source.version,
            doc: source.doc.clone(),
            parameters: source.parameters.clone(),
            fields,
            key,
            value,
        });
        self.in_progress[at] = false;
        self.decoded[at] = Some(schema.clone());
        Ok(schema)
    }

    fn value(&mut self, index: u32, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("values nested more than {MAX_DEPTH} deep"));
        }
        let source = self.values.get(index as usize).ok_or_else(|| format!("value index {index} out of range ({} values)", self.values.len()))?;
        Ok(match source {
            wit::Value::Null => Value::Null,
            wit::Value::Int8(v) => Value::Int8(*v),
            wit::Value::Int16(v) => Value::Int16(*v),
            wit::Value::Int32(v) => Value::Int32(*v),
            wit::Value::Int64(v) => Value::Int64(*v),
            wit::Value::Float32(v) => Value::Float32(*v),
            wit::Value::Float64(v) => Value::Float64(*v),
            wit::Value::Boolean(v) => Value::Boolean(*v),
            wit::Value::String(v) => Value::String(v.clone()),
            wit::Value::Bytes(v) => Value::Bytes(v.clone()),
            wit::Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.clone() {
                    out.push(self.value(item, depth + 1)?);
                }
                Value::Array(out)
            }
            wit::Value::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries.clone() {
                    out.push((self.value(k, depth + 1)?, self.value(v, depth + 1)?));
                }
                Value::Map(out)
            }
            wit::Value::Struct(structure) => {
                let schema = self.schema(structure.schema)?;
                if structure.fields.len() != schema.fields.len() {
                    return Err(format!("a struct has {} values for {} fields", structure.fields.len(), schema.fields.len()));
                }
                let mut values = Vec::with_capacity(structure.fields.len());
                for item in structure.fields.clone() {
                    values.push(self.value(item, depth + 1)?);
                }
                Value::Struct(Struct { schema, values })
            }
            wit::Value::Date(v) => Value::Date(*v),
            wit::Value::Decimal(decimal) => Value::Decimal(Decimal { unscaled: unscaled_of(&decimal.unscaled)?, scale: decimal.scale }),
        })
    }

    fn data(&mut self, data: &wit::SchemaAndValue) -> Result<(Option<SchemaRef>, Value), String> {
        let schema = data.schema.map(|index| self.schema(index)).transpose()?;
        Ok((schema, self.value(data.value, 0)?))
    }
}

fn unscaled_of(bytes: &[u8]) -> Result<i128, String> {
    if bytes.is_empty() {
        return Ok(0);
    }
    if bytes.len() > 16 {
        return Err(format!("a Decimal of {} bytes is larger than Eddy's transforms handle (16 bytes, 38 digits)", bytes.len()));
    }
    let mut value: i128 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
    for byte in bytes {
        value = (value << 8) | i128::from(*byte);
    }
    Ok(value)
}

/// `BigInteger.toByteArray()`: the shortest big-endian two's complement.
pub fn unscaled_bytes(value: i128) -> Vec<u8> {
    let all = value.to_be_bytes();
    let mut start = 0;
    while start < 15 {
        let (byte, next) = (all[start], all[start + 1]);
        if (byte == 0 && next & 0x80 == 0) || (byte == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    all[start..].to_vec()
}

pub fn decode(record: &wit::ConnectRecord) -> Result<Record, String> {
    let mut decoder = Decoder {
        schemas: &record.schemas,
        values: &record.values,
        decoded: vec![None; record.schemas.len()],
        in_progress: vec![false; record.schemas.len()],
    };
    let (key_schema, key) = decoder.data(&record.key)?;
    let (value_schema, value) = decoder.data(&record.value)?;
    let mut headers = Vec::with_capacity(record.headers.len());
    for header in &record.headers {
        let (schema, value) = decoder.data(&header.data)?;
        headers.push(Header { key: header.key.clone(), schema, value });
    }
    Ok(Record {
        topic: record.topic.clone(),
        partition: record.partition,
        key_schema,
        key,
        value_schema,
        value,
        timestamp: record.timestamp,
        headers,
        kafka_offset: record.kafka_offset,
    })
}

#[derive(Default)]
struct Encoder {
    schemas: Vec<wit::Schema>,
    values: Vec<wit::Value>,
    seen: HashMap<*const Schema, u32>,
}

impl Encoder {
    fn schema(&mut self, schema: &SchemaRef) -> u32 {
        let key = Rc::as_ptr(schema);
        if let Some(index) = self.seen.get(&key) {
            return *index;
        }
        let fields = schema.fields.iter().map(|field| wit::FieldSchema { name: field.name.clone(), schema: self.schema(&field.schema) }).collect();
        let key_schema = schema.key.as_ref().map(|inner| self.schema(inner));
        let value_schema = schema.value.as_ref().map(|inner| self.schema(inner));
        let default_value = schema.default.as_ref().map(|value| self.value(value));
        let index = self.schemas.len() as u32;
        self.schemas.push(wit::Schema {
            type_: wit_kind(schema.kind),
            optional: schema.optional,
            default_value,
            name: schema.name.clone(),
            version: schema.version,
            doc: schema.doc.clone(),
            parameters: schema.parameters.clone(),
            fields,
            key_schema,
            value_schema,
        });
        self.seen.insert(key, index);
        index
    }

    fn value(&mut self, value: &Value) -> u32 {
        let encoded = match value {
            Value::Null => wit::Value::Null,
            Value::Int8(v) => wit::Value::Int8(*v),
            Value::Int16(v) => wit::Value::Int16(*v),
            Value::Int32(v) => wit::Value::Int32(*v),
            Value::Int64(v) => wit::Value::Int64(*v),
            Value::Float32(v) => wit::Value::Float32(*v),
            Value::Float64(v) => wit::Value::Float64(*v),
            Value::Boolean(v) => wit::Value::Boolean(*v),
            Value::String(v) => wit::Value::String(v.clone()),
            Value::Bytes(v) => wit::Value::Bytes(v.clone()),
            Value::Array(items) => wit::Value::Array(items.iter().map(|item| self.value(item)).collect()),
            Value::Map(entries) => wit::Value::Map(entries.iter().map(|(k, v)| (self.value(k), self.value(v))).collect()),
            Value::Struct(structure) => {
                let schema = self.schema(&structure.schema);
                let fields = structure.values.iter().map(|item| self.value(item)).collect();
                wit::Value::Struct(wit::StructValue { schema, fields })
            }
            Value::Date(v) => wit::Value::Date(*v),
            Value::Decimal(decimal) => wit::Value::Decimal(wit::DecimalValue { unscaled: unscaled_bytes(decimal.unscaled), scale: decimal.scale }),
        };
        let index = self.values.len() as u32;
        self.values.push(encoded);
        index
    }

    fn data(&mut self, schema: &Option<SchemaRef>, value: &Value) -> wit::SchemaAndValue {
        wit::SchemaAndValue { schema: schema.as_ref().map(|schema| self.schema(schema)), value: self.value(value) }
    }
}

pub fn encode(record: &Record) -> wit::ConnectRecord {
    let mut encoder = Encoder::default();
    let key = encoder.data(&record.key_schema, &record.key);
    let value = encoder.data(&record.value_schema, &record.value);
    let headers = record.headers.iter().map(|header| wit::ConnectHeader { key: header.key.clone(), data: encoder.data(&header.schema, &header.value) }).collect();
    wit::ConnectRecord {
        topic: record.topic.clone(),
        partition: record.partition,
        key,
        value,
        timestamp: record.timestamp,
        headers,
        kafka_offset: record.kafka_offset,
        schemas: encoder.schemas,
        values: encoder.values,
    }
}
