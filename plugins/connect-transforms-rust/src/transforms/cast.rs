//! Cast$Key / Cast$Value: fields (or the whole key or value) cast to another
//! primitive type (`spec=field:type,…` or `spec=type`).
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use std::rc::Rc;

use super::{require_map, require_struct, string_key, Transformation};
use crate::config::{invalid, issue, list_text, Config};
use crate::data::{Record, Schema, SchemaRef, Side, Struct, StructBuilder, Type, Value, DATE, TIME, TIMESTAMP};
use crate::date_format::iso_format;
use crate::java::{self, JavaHashMap};
use crate::values::display;

const PURPOSE: &str = "cast types";
const INPUT_TYPES: &str = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]";
const OUTPUT_TYPES: &str = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]";

fn valid_output(kind: Type) -> Result<Type, String> {
    match kind {
        Type::Bytes | Type::Array | Type::Map | Type::Struct => {
            Err(format!("Cast transformation does not support casting to {}; supported types are {OUTPUT_TYPES}", kind.java_name()))
        }
        _ => Ok(kind),
    }
}

fn valid_input(kind: Type) -> Result<Type, String> {
    match kind {
        Type::Array | Type::Map | Type::Struct => {
            Err(format!("Cast transformation does not support casting from {}; supported types are {INPUT_TYPES}", kind.java_name()))
        }
        _ => Ok(kind),
    }
}

/// The parsed spec: the whole-value type, or (field, type) in Java's HashMap order.
enum Casts {
    Whole(Type),
    Fields(Vec<(String, Type)>),
}

fn parse_type(text: &str) -> Result<Type, String> {
    let name = java::trim(text);
    let upper = name.to_uppercase();
    // Kafka passes the cause where ConfigException takes a value: its message reads so.
    let kind = Type::from_java_name(&upper).ok_or_else(|| {
        format!("Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.{upper} for configuration Invalid type found in casting spec: {name}")
    })?;
    valid_output(kind)
}

fn parse_spec(mappings: &[String]) -> Result<Casts, ConfigIssueText> {
    if mappings.is_empty() {
        return Err(ConfigIssueText::Plain("Must specify at least one field to cast.".into()));
    }
    let mut fields = JavaHashMap::new();
    let mut whole = None;
    for mapping in mappings {
        let mut parts: Vec<&str> = mapping.split(':').collect();
        while parts.last() == Some(&"") {
            parts.pop();
        }
        if parts.len() > 2 {
            return Err(ConfigIssueText::Renames(format!("Invalid rename mapping: {mapping}")));
        }
        if parts.len() == 1 {
            whole = Some(parse_type(parts[0]).map_err(ConfigIssueText::Plain)?);
        } else if parts.len() == 2 {
            let kind = parse_type(parts[1]).map_err(ConfigIssueText::Plain)?;
            fields.put_str(java::trim(parts[0]), Value::String(kind.java_name().into()));
        } else {
            return Err(ConfigIssueText::Plain(format!("Index 1 out of bounds for length {}", parts.len())));
        }
    }
    if let Some(kind) = whole {
        if mappings.len() > 1 {
            return Err(ConfigIssueText::Plain("Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec".into()));
        }
        return Ok(Casts::Whole(kind));
    }
    Ok(Casts::Fields(
        fields
            .into_entries()
            .into_iter()
            .map(|(k, v)| match (k, v) {
                (Value::String(k), Value::String(v)) => (k, Type::from_java_name(&v).unwrap()),
                _ => unreachable!(),
            })
            .collect(),
    ))
}

enum ConfigIssueText {
    Plain(String),
    Renames(String),
}

struct Cast {
    side: Side,
    casts: Casts,
    replace_null_with_default: bool,
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let spec = config.list("spec", None);
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    let spec = spec?;
    let casts = match parse_spec(&spec) {
        Ok(casts) => casts,
        Err(ConfigIssueText::Plain(message)) => {
            config.issues.push(issue("spec", message));
            return None;
        }
        Err(ConfigIssueText::Renames(message)) => {
            config.issues.push(invalid("renames", &list_text(&spec), &message));
            return None;
        }
    };
    if !config.issues.is_empty() {
        return None;
    }
    Some(Box::new(Cast { side: side?, casts, replace_null_with_default }))
}

/// A Java `Number`'s conversions.
enum Number {
    Long(i64),
    Double(f64),
}

fn number_of(value: &Value) -> Option<Number> {
    Some(match value {
        Value::Int8(v) => Number::Long(i64::from(*v)),
        Value::Int16(v) => Number::Long(i64::from(*v)),
        Value::Int32(v) => Number::Long(i64::from(*v)),
        Value::Int64(v) => Number::Long(*v),
        Value::Float32(v) => Number::Double(f64::from(*v)),
        Value::Float64(v) => Number::Double(*v),
        _ => return None,
    })
}

fn unexpected(value: &Value) -> String {
    format!("Unexpected type in Cast transformation: {}", value.java_class_description())
}

/// `castValueToType(schema, value, target)`.
fn cast_value(schema: Option<&Schema>, value: Value, target: Type) -> Result<Value, String> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let inferred = match schema {
        Some(schema) => schema.kind,
        None => value.inferred_type().ok_or_else(|| {
            format!("Cast transformation was passed a value of type {} which is not supported by Connect's data API", value.java_class_description())
        })?,
    };
    valid_input(inferred)?;
    let out_of_range = |value: &Value| format!("Value ({}) was out of range for requested data type", display(value));
    let mut value = value;
    if let (Some(schema), true) = (schema, target != Type::String) {
        if let (Some(name), Value::Date(millis)) = (schema.name.as_deref(), &value) {
            let millis = *millis;
            value = match name {
                DATE => {
                    if millis % 86_400_000 != 0 {
                        return Err("Kafka Connect Date type should not have any time fields set to non-zero values.".into());
                    }
                    Value::Int32((millis / 86_400_000) as i32)
                }
                TIME => {
                    if !(0..86_400_000).contains(&millis) {
                        return Err("Kafka Connect Time type should not have any date fields set to non-zero values.".into());
                    }
                    Value::Int32(millis as i32)
                }
                TIMESTAMP => Value::Int64(millis),
                _ => value,
            };
        }
    }
    if let Value::Decimal(decimal) = &value {
        // A BigDecimal is a Number: byteValue, intValue, … truncate; floatValue / doubleValue round.
        return Ok(match target {
            Type::Int8 => Value::Int8(decimal.long_value() as i8),
            Type::Int16 => Value::Int16(decimal.long_value() as i16),
            Type::Int32 => Value::Int32(decimal.long_value() as i32),
            Type::Int64 => Value::Int64(decimal.long_value()),
            Type::Float32 => Value::Float32(decimal.float_value()),
            Type::Float64 => Value::Float64(decimal.double_value()),
            Type::Boolean => Value::Boolean(decimal.long_value() != 0),
            Type::String => Value::String(java::big_decimal_to_string(decimal)),
            other => return Err(format!("{} is not supported in the Cast transformation.", other.java_name())),
        });
    }
    let number = number_of(&value);
    Ok(match target {
        Type::Int8 | Type::Int16 | Type::Int32 | Type::Int64 => {
            let long = match (&number, &value) {
                (Some(Number::Long(v)), _) => *v,
                (Some(Number::Double(v)), _) => {
                    if target == Type::Int64 {
                        java::double_to_long(*v)
                    } else {
                        i64::from(java::double_to_int(*v))
                    }
                }
                (None, Value::Boolean(b)) => i64::from(*b),
                (None, Value::String(text)) => {
                    let parsed = match target {
                        Type::Int8 => java::parse_narrow(text, -128, 127).map(i64::from),
                        Type::Int16 => java::parse_narrow(text, -32768, 32767).map(i64::from),
                        Type::Int32 => java::parse_int(text).map(i64::from),
                        _ => java::parse_long(text),
                    };
                    parsed.map_err(|_| out_of_range(&value))?
                }
                _ => return Err(unexpected(&value)),
            };
            match target {
                Type::Int8 => Value::Int8(long as i8),
                Type::Int16 => Value::Int16(long as i16),
                Type::Int32 => Value::Int32(long as i32),
                _ => Value::Int64(long),
            }
        }
        Type::Float32 => Value::Float32(match (&number, &value) {
            (Some(Number::Long(v)), _) => *v as f32,
            (Some(Number::Double(v)), _) => *v as f32,
            (None, Value::Boolean(b)) => f32::from(u8::from(*b)),
            (None, Value::String(text)) => java::parse_float(text).map_err(|_| out_of_range(&value))?,
            _ => return Err(unexpected(&value)),
        }),
        Type::Float64 => Value::Float64(match (&number, &value) {
            (Some(Number::Long(v)), _) => *v as f64,
            (Some(Number::Double(v)), _) => *v,
            (None, Value::Boolean(b)) => f64::from(u8::from(*b)),
            (None, Value::String(text)) => java::parse_double(text).map_err(|_| out_of_range(&value))?,
            _ => return Err(unexpected(&value)),
        }),
        Type::Boolean => Value::Boolean(match (&number, &value) {
            (Some(Number::Long(v)), _) => *v != 0,
            (Some(Number::Double(v)), _) => java::double_to_long(*v) != 0,
            (None, Value::Boolean(b)) => *b,
            (None, Value::String(text)) => text.eq_ignore_ascii_case("true"),
            _ => return Err(unexpected(&value)),
        }),
        Type::String => Value::String(match &value {
            Value::Date(millis) => iso_format(*millis),
            Value::Bytes(bytes) => java::base64(bytes),
            other => display(other),
        }),
        other => return Err(format!("{} is not supported in the Cast transformation.", other.java_name())),
    })
}

fn schema_of(kind: Type) -> Schema {
    Schema::of(kind)
}

impl Cast {
    fn updated_schema(&self, schema: &SchemaRef) -> Result<SchemaRef, String> {
        let mut updated = match &self.casts {
            Casts::Whole(kind) => schema_of(*kind).with_basics_of(schema),
            Casts::Fields(casts) => {
                let mut builder = StructBuilder::with_basics_of(schema);
                if schema.kind != Type::Struct {
                    return Err("Cannot list fields on non-struct type".into());
                }
                for field in &schema.fields {
                    match casts.iter().find(|(name, _)| *name == field.name) {
                        Some((_, kind)) => {
                            let mut cast = schema_of(*kind);
                            if field.schema.optional {
                                cast.optional = true;
                            }
                            if let Some(default) = &field.schema.default {
                                cast.default = Some(cast_value(Some(&field.schema), default.clone(), *kind)?);
                            }
                            builder.field(&field.name, Rc::new(cast))?;
                        }
                        None => builder.field(&field.name, field.schema.clone())?,
                    }
                }
                Rc::try_unwrap(builder.build()).unwrap_or_else(|shared| (*shared).clone())
            }
        };
        if schema.optional {
            updated.optional = true;
        }
        if let Some(default) = &schema.default {
            updated.default = Some(cast_value(Some(schema), default.clone(), updated.kind)?);
        }
        Ok(Rc::new(updated))
    }
}

impl Transformation for Cast {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side).clone();
        if operand.is_null() {
            return Ok(Some(record));
        }
        match record.schema(self.side).cloned() {
            None => match &self.casts {
                Casts::Whole(kind) => {
                    let value = cast_value(None, operand, *kind)?;
                    Ok(Some(record.with(self.side, None, value)))
                }
                Casts::Fields(casts) => {
                    let entries = require_map(&operand, PURPOSE)?;
                    for (key, _) in entries {
                        string_key(key)?;
                    }
                    let mut updated = JavaHashMap::copy_of(entries);
                    for (field, kind) in casts {
                        updated.put_str(field, cast_value(None, Value::map_get(entries, field), *kind)?);
                    }
                    let value = updated.into_value();
                    Ok(Some(record.with(self.side, None, value)))
                }
            },
            Some(schema) => {
                let updated_schema = self.updated_schema(&schema)?;
                match &self.casts {
                    Casts::Whole(kind) => {
                        let value = cast_value(Some(&schema), operand, *kind)?;
                        Ok(Some(record.with(self.side, Some(updated_schema), value)))
                    }
                    Casts::Fields(casts) => {
                        let value = require_struct(&operand, PURPOSE)?;
                        let mut updated = Struct::new(updated_schema.clone());
                        for field in &value.schema.fields {
                            let original = value.lookup(&field.name, self.replace_null_with_default)?;
                            let new = match casts.iter().find(|(name, _)| *name == field.name) {
                                Some((_, kind)) => cast_value(Some(&field.schema), original, *kind)?,
                                None => original,
                            };
                            updated.put(&field.name, new)?;
                        }
                        Ok(Some(record.with(self.side, Some(updated_schema), Value::Struct(updated))))
                    }
                }
            }
        }
    }
}
