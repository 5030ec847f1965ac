//! TimestampConverter$Key / TimestampConverter$Value: a timestamp field (or
//! the whole key or value) converted between a formatted string, Unix time
//! (`unix.precision`), and Connect's Date, Time and Timestamp types.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use std::rc::Rc;

use super::{require_map, require_struct_or_null, Transformation};
use crate::config::{issue, Config};
use crate::data::{Record, Schema, SchemaRef, Side, Struct, StructBuilder, Type, Value, DATE, TIME, TIMESTAMP};
use crate::date_format::DateFormat;
use crate::java::JavaHashMap;

const PURPOSE: &str = "converting timestamp formats";
const MILLIS_PER_DAY: i64 = 86_400_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Unix,
    Date,
    Time,
    Timestamp,
}

impl Kind {
    fn parse(name: &str) -> Kind {
        match name {
            "string" => Kind::String,
            "unix" => Kind::Unix,
            "Date" => Kind::Date,
            "Time" => Kind::Time,
            _ => Kind::Timestamp,
        }
    }

    fn schema(self, optional: bool) -> SchemaRef {
        match self {
            Kind::String => Schema::primitive(Type::String, optional),
            Kind::Unix => Schema::primitive(Type::Int64, optional),
            Kind::Date => Schema::logical(DATE, optional),
            Kind::Time => Schema::logical(TIME, optional),
            Kind::Timestamp => Schema::logical(TIMESTAMP, optional),
        }
    }
}

#[derive(Clone, Copy)]
enum Precision {
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

struct TimestampConverter {
    side: Side,
    field: String,
    target: Kind,
    format: Option<DateFormat>,
    precision: Precision,
    replace_null_with_default: bool,
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let field = config.string("field", Some(""));
    let target = config.required_string("target.type");
    let target = config.one_of("target.type", target, &["string", "unix", "Date", "Time", "Timestamp"]);
    let format = config.string("format", Some(""));
    let precision = config.string("unix.precision", Some("milliseconds"));
    let precision = config.one_of("unix.precision", precision, &["nanoseconds", "microseconds", "milliseconds", "seconds"]);
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    if !config.issues.is_empty() {
        return None;
    }
    let (field, target, format, precision) = (field?, target?, format?, precision?);
    if target == "string" && is_blank(&format) {
        config.issues.push(issue("format", "TimestampConverter requires format option to be specified when using string timestamps"));
        return None;
    }
    let format = if is_blank(&format) {
        None
    } else {
        match DateFormat::compile(&format) {
            Ok(compiled) => Some(compiled),
            Err(message) => {
                config.issues.push(issue(
                    "format",
                    format!("Invalid value java.lang.IllegalArgumentException: {message} for configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: {format}"),
                ));
                return None;
            }
        }
    };
    let precision = match precision.as_str() {
        "seconds" => Precision::Seconds,
        "microseconds" => Precision::Microseconds,
        "nanoseconds" => Precision::Nanoseconds,
        _ => Precision::Milliseconds,
    };
    Some(Box::new(TimestampConverter { side: side?, field, target: Kind::parse(&target), format, precision, replace_null_with_default }))
}

fn no_format() -> String {
    "Cannot invoke \"java.text.SimpleDateFormat.parse(String)\" because \"config.format\" is null".into()
}

impl TimestampConverter {
    /// The source translator's `toRaw`: a `java.util.Date`.
    fn to_raw(&self, kind: Kind, value: &Value) -> Result<i64, String> {
        match kind {
            Kind::String => match value {
                Value::String(text) => {
                    let format = self.format.as_ref().ok_or_else(no_format)?;
                    format.parse_at(text).ok_or_else(|| format!("Could not parse timestamp: value ({text}) does not match pattern ({})", format.pattern()))
                }
                other => Err(format!("Expected string timestamp to be a String, but found {}", other.java_class_description())),
            },
            Kind::Unix => match value {
                Value::Int64(v) => Ok(match self.precision {
                    Precision::Seconds => v.saturating_mul(1000),
                    Precision::Milliseconds => *v,
                    Precision::Microseconds => v / 1000,
                    Precision::Nanoseconds => v / 1_000_000,
                }),
                other => Err(format!("Expected Unix timestamp to be a Long, but found {}", other.java_class_description())),
            },
            Kind::Date | Kind::Time | Kind::Timestamp => match value {
                Value::Date(millis) => Ok(*millis),
                other => {
                    let name = match kind {
                        Kind::Date => "Date",
                        Kind::Time => "Time",
                        _ => "Timestamp",
                    };
                    Err(format!("Expected {name} to be a java.util.Date, but found {}", other.java_class_description()))
                }
            },
        }
    }

    /// The target translator's `toType`.
    fn to_type(&self, millis: i64) -> Result<Value, String> {
        Ok(match self.target {
            Kind::String => {
                let format = self.format.as_ref().ok_or_else(|| "Cannot invoke \"java.text.SimpleDateFormat.format(java.util.Date)\" because \"config.format\" is null".to_string())?;
                Value::String(format.format(millis))
            }
            Kind::Unix => Value::Int64(match self.precision {
                Precision::Seconds => millis / 1000,
                Precision::Milliseconds => millis,
                Precision::Microseconds => millis.saturating_mul(1000),
                Precision::Nanoseconds => millis.saturating_mul(1_000_000),
            }),
            Kind::Date => Value::Date(millis.div_euclid(MILLIS_PER_DAY) * MILLIS_PER_DAY),
            Kind::Time => Value::Date(millis.rem_euclid(MILLIS_PER_DAY)),
            Kind::Timestamp => Value::Date(millis),
        })
    }

    fn convert(&self, value: &Value, source: Option<Kind>) -> Result<Value, String> {
        if value.is_null() {
            return Ok(Value::Null);
        }
        let source = match source {
            Some(kind) => kind,
            None => match value {
                Value::Date(_) => Kind::Timestamp,
                Value::Int64(_) => Kind::Unix,
                Value::String(_) => Kind::String,
                other => return Err(format!("TimestampConverter does not support {} objects as timestamps", other.java_class_description())),
            },
        };
        let raw = self.to_raw(source, value)?;
        self.to_type(raw)
    }
}

fn kind_from_schema(schema: &Schema) -> Result<Kind, String> {
    Ok(match schema.name.as_deref() {
        Some(TIMESTAMP) => Kind::Timestamp,
        Some(DATE) => Kind::Date,
        Some(TIME) => Kind::Time,
        _ if schema.kind == Type::String => Kind::String,
        _ if schema.kind == Type::Int64 => Kind::Unix,
        _ => return Err(format!("Schema {} does not correspond to a known timestamp type format", schema.describe())),
    })
}

impl Transformation for TimestampConverter {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side).clone();
        match record.schema(self.side).cloned() {
            None => {
                if operand.is_null() || self.field.is_empty() {
                    let value = self.convert(&operand, None)?;
                    return Ok(Some(record.with(self.side, None, value)));
                }
                let entries = require_map(&operand, PURPOSE)?;
                let mut updated = JavaHashMap::copy_of(entries);
                updated.put_str(&self.field, self.convert(&Value::map_get(entries, &self.field), None)?);
                let value = updated.into_value();
                Ok(Some(record.with(self.side, None, value)))
            }
            Some(schema) => {
                if self.field.is_empty() {
                    let updated_schema = self.target.schema(schema.optional);
                    let value = self.convert(&operand, Some(kind_from_schema(&schema)?))?;
                    return Ok(Some(record.with(self.side, Some(updated_schema), value)));
                }
                let value = require_struct_or_null(&operand, PURPOSE)?;
                if schema.kind != Type::Struct {
                    return Err("Cannot list fields on non-struct type".into());
                }
                let mut builder = StructBuilder::with_basics_of(&schema);
                for field in &schema.fields {
                    if field.name == self.field {
                        builder.field(&field.name, self.target.schema(field.schema.optional))?;
                    } else {
                        builder.field(&field.name, field.schema.clone())?;
                    }
                }
                if schema.optional {
                    builder.optional();
                }
                let mut updated_schema = builder.build();
                if let Some(Value::Struct(default)) = &schema.default {
                    let converted = self.convert_struct(default, &updated_schema)?;
                    let mut with_default = (*updated_schema).clone();
                    with_default.default = Some(Value::Struct(converted));
                    updated_schema = Rc::new(with_default);
                }
                let updated = match value {
                    None => Value::Null,
                    Some(value) => Value::Struct(self.convert_struct(value, &updated_schema)?),
                };
                Ok(Some(record.with(self.side, Some(updated_schema), updated)))
            }
        }
    }
}

impl TimestampConverter {
    fn convert_struct(&self, value: &Struct, schema: &SchemaRef) -> Result<Struct, String> {
        let mut updated = Struct::new(schema.clone());
        for field in &value.schema.fields {
            let original = value.lookup(&field.name, self.replace_null_with_default)?;
            let new = if field.name == self.field { self.convert(&original, Some(kind_from_schema(&field.schema)?))? } else { original };
            updated.put(&field.name, new)?;
        }
        Ok(updated)
    }
}
