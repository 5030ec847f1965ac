//! Kafka Connect's data model (`org.apache.kafka.connect.data`) as the
//! transforms work on it: schemas, values that keep their Java class,
//! structs, and records.
//!
//! Owns: schema and value equality as Java's `equals`, Struct's get (with the
//! field default) and put (validated as `ConnectSchema.validateValue`, with
//! Kafka's messages), the logical-type schemas, and the Java class names
//! Kafka's messages print.
//! Must never: know about the WIT arenas (graph.rs converts) or any transform.

use std::rc::Rc;

/// Connect's `Schema.Type`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Type {
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
    Bytes,
    Array,
    Map,
    Struct,
}

impl Type {
    /// The Java enum constant's name (`INT8`, `STRUCT`, …).
    pub fn java_name(self) -> &'static str {
        match self {
            Type::Int8 => "INT8",
            Type::Int16 => "INT16",
            Type::Int32 => "INT32",
            Type::Int64 => "INT64",
            Type::Float32 => "FLOAT32",
            Type::Float64 => "FLOAT64",
            Type::Boolean => "BOOLEAN",
            Type::String => "STRING",
            Type::Bytes => "BYTES",
            Type::Array => "ARRAY",
            Type::Map => "MAP",
            Type::Struct => "STRUCT",
        }
    }

    /// `Schema.Type.valueOf(name.toUpperCase())`.
    pub fn from_java_name(name: &str) -> Option<Type> {
        Some(match name {
            "INT8" => Type::Int8,
            "INT16" => Type::Int16,
            "INT32" => Type::Int32,
            "INT64" => Type::Int64,
            "FLOAT32" => Type::Float32,
            "FLOAT64" => Type::Float64,
            "BOOLEAN" => Type::Boolean,
            "STRING" => Type::String,
            "BYTES" => Type::Bytes,
            "ARRAY" => Type::Array,
            "MAP" => Type::Map,
            "STRUCT" => Type::Struct,
            _ => return None,
        })
    }
}

pub type SchemaRef = Rc<Schema>;

/// A struct field: name and schema (its index is its position).
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub schema: SchemaRef,
}

/// Kafka's `ConnectSchema`.
#[derive(Clone, Debug)]
pub struct Schema {
    pub kind: Type,
    pub optional: bool,
    pub default: Option<Value>,
    pub name: Option<String>,
    pub version: Option<i32>,
    pub doc: Option<String>,
    /// `None` is Java's null map.
    pub parameters: Option<Vec<(String, String)>>,
    pub fields: Vec<Field>,
    pub key: Option<SchemaRef>,
    pub value: Option<SchemaRef>,
}

pub const DECIMAL: &str = "org.apache.kafka.connect.data.Decimal";
pub const DATE: &str = "org.apache.kafka.connect.data.Date";
pub const TIME: &str = "org.apache.kafka.connect.data.Time";
pub const TIMESTAMP: &str = "org.apache.kafka.connect.data.Timestamp";

impl Schema {
    /// `SchemaBuilder.<type>()`: required, no name.
    pub fn of(kind: Type) -> Schema {
        Schema { kind, optional: false, default: None, name: None, version: None, doc: None, parameters: None, fields: Vec::new(), key: None, value: None }
    }

    pub fn primitive(kind: Type, optional: bool) -> SchemaRef {
        Rc::new(Schema { optional, ..Schema::of(kind) })
    }

    /// A logical type's schema (`Timestamp.SCHEMA`, `Date.SCHEMA`, `Time.SCHEMA`).
    pub fn logical(name: &str, optional: bool) -> SchemaRef {
        let kind = if name == TIMESTAMP { Type::Int64 } else { Type::Int32 };
        Rc::new(Schema { optional, name: Some(name.into()), version: Some(1), ..Schema::of(kind) })
    }

    pub fn field(&self, name: &str) -> Option<(usize, &Field)> {
        self.fields.iter().enumerate().find(|(_, field)| field.name == name)
    }

    /// Java's `ConnectSchema.toString()`.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("Schema{{{}:{}}}", name, self.kind.java_name()),
            None => format!("Schema{{{}}}", self.kind.java_name()),
        }
    }

    /// `SchemaUtil.copySchemaBasics(source, builder)`: name, version, doc, parameters.
    pub fn with_basics_of(mut self, source: &Schema) -> Schema {
        self.name = source.name.clone();
        self.version = source.version;
        self.doc = source.doc.clone();
        if source.parameters.is_some() {
            self.parameters = source.parameters.clone();
        }
        self
    }
}

impl PartialEq for Schema {
    fn eq(&self, other: &Schema) -> bool {
        if std::ptr::eq(self, other) {
            return true;
        }
        self.optional == other.optional
            && self.version == other.version
            && self.name == other.name
            && self.doc == other.doc
            && self.kind == other.kind
            && self.default == other.default
            && self.fields.len() == other.fields.len()
            && self.fields.iter().zip(&other.fields).all(|(a, b)| a.name == b.name && a.schema == b.schema)
            && self.key == other.key
            && self.value == other.value
            && parameters_equal(&self.parameters, &other.parameters)
    }
}

fn parameters_equal(a: &Option<Vec<(String, String)>>, b: &Option<Vec<(String, String)>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.len() == b.len() && a.iter().all(|entry| b.contains(entry)),
        _ => false,
    }
}

/// A `java.math.BigDecimal`.
#[derive(Clone, Debug, PartialEq)]
pub struct Decimal {
    pub unscaled: i128,
    pub scale: i32,
}

/// Kafka's `Struct`: a schema and one value per field.
#[derive(Clone, Debug)]
pub struct Struct {
    pub schema: SchemaRef,
    pub values: Vec<Value>,
}

/// A Connect value with its Java class.
#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Float32(f32),
    Float64(f64),
    Boolean(bool),
    String(String),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
    /// In iteration order.
    Map(Vec<(Value, Value)>),
    Struct(Struct),
    /// A `java.util.Date` (ms since the epoch).
    Date(i64),
    Decimal(Decimal),
}

impl PartialEq for Value {
    /// Java's `equals` (maps unordered, floats by bits, byte arrays by content as Struct's deepEquals).
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Int8(a), Int8(b)) => a == b,
            (Int16(a), Int16(b)) => a == b,
            (Int32(a), Int32(b)) => a == b,
            (Int64(a), Int64(b)) => a == b,
            (Float32(a), Float32(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (Float64(a), Float64(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (Boolean(a), Boolean(b)) => a == b,
            (String(a), String(b)) => a == b,
            (Bytes(a), Bytes(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Map(a), Map(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2)),
            (Struct(a), Struct(b)) => a.schema == b.schema && a.values == b.values,
            (Date(a), Date(b)) => a == b,
            (Decimal(a), Decimal(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// `value.getClass().getName()`.
    pub fn java_class(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int8(_) => "java.lang.Byte",
            Value::Int16(_) => "java.lang.Short",
            Value::Int32(_) => "java.lang.Integer",
            Value::Int64(_) => "java.lang.Long",
            Value::Float32(_) => "java.lang.Float",
            Value::Float64(_) => "java.lang.Double",
            Value::Boolean(_) => "java.lang.Boolean",
            Value::String(_) => "java.lang.String",
            Value::Bytes(_) => "[B",
            Value::Array(_) => "java.util.ArrayList",
            Value::Map(_) => "java.util.HashMap",
            Value::Struct(_) => "org.apache.kafka.connect.data.Struct",
            Value::Date(_) => "java.util.Date",
            Value::Decimal(_) => "java.math.BigDecimal",
        }
    }

    /// `value.getClass().toString()`: `class java.lang.String`.
    pub fn java_class_description(&self) -> String {
        format!("class {}", self.java_class())
    }

    /// `ConnectSchema.schemaType(value.getClass())`: the type schemaless data infers.
    pub fn inferred_type(&self) -> Option<Type> {
        Some(match self {
            Value::Int8(_) => Type::Int8,
            Value::Int16(_) => Type::Int16,
            Value::Int32(_) => Type::Int32,
            Value::Int64(_) => Type::Int64,
            Value::Float32(_) => Type::Float32,
            Value::Float64(_) => Type::Float64,
            Value::Boolean(_) => Type::Boolean,
            Value::String(_) => Type::String,
            Value::Bytes(_) => Type::Bytes,
            Value::Array(_) => Type::Array,
            Value::Map(_) => Type::Map,
            Value::Struct(_) => Type::Struct,
            Value::Null | Value::Date(_) | Value::Decimal(_) => return None,
        })
    }

    /// A schemaless map's value for `key` (Java's `map.get(key)`).
    pub fn map_get(entries: &[(Value, Value)], key: &str) -> Value {
        entries
            .iter()
            .find(|(k, _)| matches!(k, Value::String(s) if s == key))
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    }
}

impl Struct {
    /// `new Struct(schema)`: every field null.
    pub fn new(schema: SchemaRef) -> Struct {
        let values = vec![Value::Null; schema.fields.len()];
        Struct { schema, values }
    }

    /// `struct.get(name)`: the field's default when its value is null. `None` when there is no such field.
    pub fn get(&self, name: &str) -> Option<Value> {
        let (index, field) = self.schema.field(name)?;
        let value = &self.values[index];
        if value.is_null() {
            if let Some(default) = &field.schema.default {
                return Some(default.clone());
            }
        }
        Some(value.clone())
    }

    pub fn get_without_default(&self, name: &str) -> Option<Value> {
        self.schema.field(name).map(|(index, _)| self.values[index].clone())
    }

    /// `struct.get(name)` (with default) or `getWithoutDefault(name)`; Kafka's message for an unknown field.
    pub fn lookup(&self, name: &str, with_default: bool) -> Result<Value, String> {
        let found = if with_default { self.get(name) } else { self.get_without_default(name) };
        found.ok_or_else(|| format!("{name} is not a valid field name"))
    }

    /// `struct.put(name, value)`: validated against the field's schema.
    pub fn put(&mut self, name: &str, value: Value) -> Result<(), String> {
        let (index, field) = self.schema.field(name).ok_or_else(|| format!("{name} is not a valid field name"))?;
        validate_value(&field.schema, &value, &format!("field: \"{}\"", field.name))?;
        self.values[index] = value;
        Ok(())
    }
}

/// `ConnectSchema.validateValue(schema, value, location)`.
pub fn validate_value(schema: &Schema, value: &Value, location: &str) -> Result<(), String> {
    if value.is_null() {
        if !schema.optional {
            return Err(format!("Invalid value: null used for required {}, schema type: {}", location, schema.kind.java_name()));
        }
        return Ok(());
    }
    let matches = match schema.name.as_deref() {
        Some(DECIMAL) => matches!(value, Value::Decimal(_)),
        Some(DATE) | Some(TIME) | Some(TIMESTAMP) => matches!(value, Value::Date(_)),
        _ => value.inferred_type() == Some(schema.kind),
    };
    if !matches {
        let name = schema.name.as_ref().map(|name| format!(" \"{name}\"")).unwrap_or_default();
        return Err(format!(
            "Invalid Java object for schema{} with type {}: {} for {}",
            name,
            schema.kind.java_name(),
            value.java_class_description(),
            location
        ));
    }
    match (schema.kind, value) {
        (Type::Struct, Value::Struct(inner)) => {
            if *inner.schema != *schema {
                return Err("Struct schemas do not match.".into());
            }
            for (field, value) in inner.schema.fields.iter().zip(&inner.values) {
                validate_value(&field.schema, value, &format!("field: \"{}\"", field.name))?;
            }
        }
        (Type::Array, Value::Array(items)) => {
            let location = format!("element of array {location}");
            let element = schema.value.as_ref().ok_or_else(|| format!("No schema defined for {location}"))?;
            for item in items {
                validate_value(element, item, &location)?;
            }
        }
        (Type::Map, Value::Map(entries)) => {
            let key_location = format!("key of map {location}");
            let value_location = format!("value of map {location}");
            let key = schema.key.as_ref().ok_or_else(|| format!("No schema defined for {key_location}"))?;
            let value_schema = schema.value.as_ref().ok_or_else(|| format!("No schema defined for {value_location}"))?;
            for (k, v) in entries {
                validate_value(key, k, &key_location)?;
                validate_value(value_schema, v, &value_location)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A struct schema built field by field (`SchemaBuilder.struct()`), refusing
/// a duplicate name as Kafka's builder does.
pub struct StructBuilder {
    schema: Schema,
}

impl StructBuilder {
    pub fn new() -> StructBuilder {
        StructBuilder { schema: Schema::of(Type::Struct) }
    }

    /// Starts from a schema's name, version, doc and parameters (`SchemaUtil.copySchemaBasics`).
    pub fn with_basics_of(source: &Schema) -> StructBuilder {
        StructBuilder { schema: Schema::of(Type::Struct).with_basics_of(source) }
    }

    pub fn field(&mut self, name: &str, schema: SchemaRef) -> Result<(), String> {
        if self.schema.fields.iter().any(|field| field.name == name) {
            return Err(format!("Cannot create field because of field name duplication {name}"));
        }
        self.schema.fields.push(Field { name: name.into(), schema });
        Ok(())
    }

    pub fn optional(&mut self) {
        self.schema.optional = true;
    }

    pub fn build(self) -> SchemaRef {
        Rc::new(self.schema)
    }
}

/// A Connect header.
#[derive(Clone, Debug)]
pub struct Header {
    pub key: String,
    pub schema: Option<SchemaRef>,
    pub value: Value,
}

/// Kafka's `ConnectRecord` (a `SinkRecord` when `kafka_offset` is set, a `SourceRecord` otherwise).
#[derive(Clone, Debug)]
pub struct Record {
    pub topic: String,
    pub partition: Option<i32>,
    pub key_schema: Option<SchemaRef>,
    pub key: Value,
    pub value_schema: Option<SchemaRef>,
    pub value: Value,
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
    pub kafka_offset: Option<i64>,
}

/// Which half of a record a `$Key` / `$Value` transform works on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Key,
    Value,
}

impl Record {
    pub fn schema(&self, side: Side) -> Option<&SchemaRef> {
        match side {
            Side::Key => self.key_schema.as_ref(),
            Side::Value => self.value_schema.as_ref(),
        }
    }

    pub fn operand(&self, side: Side) -> &Value {
        match side {
            Side::Key => &self.key,
            Side::Value => &self.value,
        }
    }

    /// `record.newRecord(…)` with one side replaced.
    pub fn with(mut self, side: Side, schema: Option<SchemaRef>, value: Value) -> Record {
        match side {
            Side::Key => {
                self.key_schema = schema;
                self.key = value;
            }
            Side::Value => {
                self.value_schema = schema;
                self.value = value;
            }
        }
        self
    }

    pub fn record_class(&self) -> &'static str {
        if self.kafka_offset.is_some() {
            "org.apache.kafka.connect.sink.SinkRecord"
        } else {
            "org.apache.kafka.connect.source.SourceRecord"
        }
    }
}
