//! Kafka Connect's `Values`: `parseString` (the schema and value a string
//! reads as: booleans, the narrowest integer, floats, decimals, ISO dates
//! and times, arrays and maps, or the string itself) and the conversions
//! `convertToByte` … `convertToDouble` the transforms use.
//!
//! Owns: Values' tokenizer and parser, ported from its behaviour (quotes
//! kept verbatim, backslashes escaping delimiters), with its messages.
//! Must never: use a time zone other than UTC (Java uses the JVM's default
//! when it parses a date here).

use std::rc::Rc;

use crate::data::{Decimal, Schema, SchemaRef, Type, Value, DATE, DECIMAL, TIME, TIMESTAMP};
use crate::date_format::DateFormat;
use crate::java;

pub type SchemaAndValue = (Option<SchemaRef>, Value);

/// `Values.Parser`: tokens split at unescaped `: , { } [ ] "`.
struct Parser {
    chars: Vec<char>,
    index: usize,
    next_token: Option<String>,
    previous_token: Option<String>,
}

fn is_blank(text: &str) -> bool {
    java::trim(text).is_empty()
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser { chars: text.chars().collect(), index: 0, next_token: None, previous_token: None }
    }

    fn original(&self) -> String {
        self.chars.iter().collect()
    }

    fn position(&self) -> usize {
        self.index
    }

    fn mark(&self) -> usize {
        self.index - self.next_token.as_ref().map_or(0, |token| token.chars().count())
    }

    fn rewind_to(&mut self, position: usize) {
        self.index = position;
        self.next_token = None;
        self.previous_token = None;
    }

    fn can_consume_next_token(&self) -> bool {
        self.chars.len() > self.index
    }

    fn has_next(&self) -> bool {
        self.next_token.is_some() || self.can_consume_next_token()
    }

    fn consume_next_token(&mut self) -> String {
        let mut escaped = false;
        let start = self.index;
        while self.can_consume_next_token() {
            let c = self.chars[self.index];
            match c {
                '\\' => escaped = !escaped,
                ':' | ',' | '{' | '}' | '[' | ']' | '"' => {
                    if !escaped {
                        if start < self.index {
                            return self.chars[start..self.index].iter().collect();
                        }
                        self.index += 1;
                        return c.to_string();
                    }
                    escaped = false;
                }
                _ => escaped = false,
            }
            self.index += 1;
        }
        self.chars[start..self.index].iter().collect()
    }

    fn next(&mut self) -> String {
        let token = match self.next_token.take() {
            Some(token) => token,
            None => self.consume_next_token(),
        };
        self.previous_token = Some(token.clone());
        token
    }

    fn next_n(&mut self, n: usize) -> Option<String> {
        let start = self.mark();
        for _ in 0..n {
            if !self.has_next() {
                self.rewind_to(start);
                return None;
            }
            self.next();
        }
        Some(self.chars[start..self.position()].iter().collect())
    }

    fn can_consume(&mut self, expected: &str) -> bool {
        if self.next_token.is_none() {
            if !self.has_next() {
                return false;
            }
            let token = self.consume_next_token();
            self.next_token = Some(token);
        }
        while self.next_token.as_deref().is_some_and(is_blank) && self.can_consume_next_token() {
            let token = self.consume_next_token();
            self.next_token = Some(token);
        }
        if self.next_token.as_deref().map(java::trim) == Some(expected) {
            self.next_token = None;
            return true;
        }
        false
    }
}

fn schema(kind: Type) -> SchemaRef {
    Schema::primitive(kind, false)
}

/// `Decimal.schema(scale)`.
pub fn decimal_schema(scale: i32) -> SchemaRef {
    Rc::new(Schema { name: Some(DECIMAL.into()), version: Some(1), parameters: Some(vec![("scale".into(), scale.to_string())]), ..Schema::of(Type::Bytes) })
}

struct ValueParser {
    parser: Parser,
}

/// `Values.SchemaMerger`.
#[derive(Default)]
struct SchemaMerger {
    common: Option<SchemaRef>,
    incompatible: bool,
}

impl SchemaMerger {
    fn merge(&mut self, latest: &Option<SchemaAndValue>) {
        let Some((Some(schema), _)) = latest else { return };
        if self.incompatible {
            return;
        }
        match &self.common {
            None => self.common = Some(schema.clone()),
            Some(previous) => {
                self.common = merge_schemas(previous, schema);
                self.incompatible = self.common.is_none();
            }
        }
    }
}

fn numeric_rank(kind: Type) -> Option<u8> {
    Some(match kind {
        Type::Int8 => 0,
        Type::Int16 => 1,
        Type::Int32 => 2,
        Type::Int64 => 3,
        Type::Float32 => 4,
        Type::Float64 => 5,
        _ => return None,
    })
}

fn merge_schemas(previous: &SchemaRef, new: &SchemaRef) -> Option<SchemaRef> {
    if previous.kind != new.kind {
        let (a, b) = (numeric_rank(previous.kind)?, numeric_rank(new.kind)?);
        return Some(if b > a { new.clone() } else { previous.clone() });
    }
    if previous.optional == new.optional {
        return Some(if previous.optional { previous.clone() } else { new.clone() });
    }
    if **previous != **new {
        return None;
    }
    Some(previous.clone())
}

impl ValueParser {
    fn can_parse_single_token_literal(&mut self, embedded: bool, literal: &str) -> bool {
        let start = self.parser.mark();
        if self.parser.can_consume(literal) && (embedded || !self.parser.has_next()) {
            return true;
        }
        self.parser.rewind_to(start);
        false
    }

    fn parse(&mut self, embedded: bool) -> Result<Option<SchemaAndValue>, String> {
        if !self.parser.has_next() {
            return Ok(None);
        }
        if embedded && self.parser.can_consume("\"") {
            return Ok(Some(self.parse_quoted_string()));
        }
        if self.can_parse_single_token_literal(embedded, "null") {
            return Ok(None);
        }
        if self.can_parse_single_token_literal(embedded, "true") {
            return Ok(Some((Some(schema(Type::Boolean)), Value::Boolean(true))));
        }
        if self.can_parse_single_token_literal(embedded, "false") {
            return Ok(Some((Some(schema(Type::Boolean)), Value::Boolean(false))));
        }
        let start = self.parser.mark();
        if self.parser.can_consume("[") {
            match self.parse_array() {
                Ok(parsed) => return Ok(Some(parsed)),
                Err(_) => self.parser.rewind_to(start),
            }
        } else if self.parser.can_consume("{") {
            match self.parse_map() {
                Ok(parsed) => return Ok(Some(parsed)),
                Err(_) => self.parser.rewind_to(start),
            }
        }
        let token = self.parser.next();
        if is_blank(&token) {
            return Ok(Some((Some(schema(Type::String)), Value::String(token))));
        }
        self.parse_next_token(embedded, java::trim(&token).to_string()).map(Some)
    }

    fn parse_next_token(&mut self, embedded: bool, token: String) -> Result<SchemaAndValue, String> {
        let first = token.chars().next().unwrap_or(' ');
        let digit = first.is_ascii_digit();
        if digit {
            if let Some(temporal) = self.parse_multiple_tokens_as_temporal(&token) {
                return Ok(temporal);
            }
        }
        if digit || first == '+' || first == '-' {
            if let Some(number) = parse_as_number(&token) {
                return Ok(number);
            }
        }
        if embedded {
            return Err("Failed to parse embedded value".into());
        }
        Ok((Some(schema(Type::String)), Value::String(self.parser.original())))
    }

    fn parse_quoted_string(&mut self) -> SchemaAndValue {
        let mut content = String::new();
        while self.parser.has_next() {
            if self.parser.can_consume("\"") {
                break;
            }
            content.push_str(&self.parser.next());
        }
        parse_as_temporal(&content).unwrap_or((Some(schema(Type::String)), Value::String(content)))
    }

    fn parse_array(&mut self) -> Result<SchemaAndValue, String> {
        let mut result: Vec<Value> = Vec::new();
        let mut element_schema = SchemaMerger::default();
        while self.parser.has_next() {
            if self.parser.can_consume("]") {
                return Ok(match element_schema.common {
                    Some(common) => {
                        let aligned = result.into_iter().map(|value| convert_to(&common, value)).collect::<Result<Vec<_>, _>>()?;
                        (Some(Rc::new(Schema { value: Some(common), ..Schema::of(Type::Array) })), Value::Array(aligned))
                    }
                    None => (Some(Rc::new(Schema::of(Type::Array))), Value::Array(result)),
                });
            }
            if self.parser.can_consume(",") {
                return Err(format!("Unable to parse an empty array element: {}", self.parser.original()));
            }
            let element = self.parse(true)?;
            element_schema.merge(&element);
            result.push(element.map(|(_, value)| value).unwrap_or(Value::Null));
            let current = self.parser.mark();
            if self.parser.can_consume("]") {
                self.parser.rewind_to(current);
            } else if !self.parser.can_consume(",") {
                return Err("Array elements missing ',' delimiter".into());
            }
        }
        if self.parser.previous_token.as_deref() == Some(",") {
            return Err(format!("Array is missing element after ',': {}", self.parser.original()));
        }
        Err(format!("Array is missing terminating ']': {}", self.parser.original()))
    }

    fn parse_map(&mut self) -> Result<SchemaAndValue, String> {
        let mut result: Vec<(Value, Value)> = Vec::new();
        let mut key_schema = SchemaMerger::default();
        let mut value_schema = SchemaMerger::default();
        while self.parser.has_next() {
            if self.parser.can_consume("}") {
                let (schema, entries) = match (key_schema.common, value_schema.common) {
                    (Some(keys), Some(values)) => {
                        let mut aligned = Vec::with_capacity(result.len());
                        for (k, v) in result {
                            put_linked(&mut aligned, convert_to(&keys, k)?, convert_to(&values, v)?);
                        }
                        (Schema { key: Some(keys), value: Some(values), ..Schema::of(Type::Map) }, aligned)
                    }
                    (Some(keys), None) => {
                        let mut aligned = Vec::with_capacity(result.len());
                        for (k, v) in result {
                            put_linked(&mut aligned, convert_to(&keys, k)?, v);
                        }
                        (Schema { key: Some(keys), ..Schema::of(Type::Map) }, aligned)
                    }
                    _ => (Schema::of(Type::Map), result),
                };
                return Ok((Some(Rc::new(schema)), Value::Map(entries)));
            }
            if self.parser.can_consume(",") {
                return Err(format!("Unable to parse a map entry with no key or value: {}", self.parser.original()));
            }
            let key = self.parse(true)?;
            let key_value = match &key {
                Some((_, value)) if !value.is_null() => value.clone(),
                _ => return Err(format!("Map entry may not have a null key: {}", self.parser.original())),
            };
            if !self.parser.can_consume(":") {
                return Err(format!("Map entry is missing ':' at {} in {}", self.parser.position(), self.parser.original()));
            }
            let value = self.parse(true)?;
            put_linked(&mut result, key_value, value.as_ref().map(|(_, v)| v.clone()).unwrap_or(Value::Null));
            self.parser.can_consume(",");
            key_schema.merge(&key);
            value_schema.merge(&value);
        }
        if self.parser.previous_token.as_deref() == Some(",") {
            return Err(format!("Map is missing element after ',': {}", self.parser.original()));
        }
        Err(format!("Map is missing terminating '}}': {}", self.parser.original()))
    }

    fn parse_multiple_tokens_as_temporal(&mut self, token: &str) -> Option<SchemaAndValue> {
        let position = self.parser.mark();
        if let Some(remainder) = self.parser.next_n(4) {
            if let Some(temporal) = parse_as_temporal(&format!("{token}{remainder}")) {
                return Some(temporal);
            }
        }
        self.parser.rewind_to(position);
        parse_as_temporal(token)
    }
}

/// A `LinkedHashMap.put`: a repeated key keeps its place.
fn put_linked(entries: &mut Vec<(Value, Value)>, key: Value, value: Value) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
}

fn parse_as_number(token: &str) -> Option<SchemaAndValue> {
    let decimal = java::parse_big_decimal(token)?;
    if let Some(exact) = parse_as_exact_decimal(&decimal) {
        return Some(exact);
    }
    let float = decimal.float_value();
    if float.is_finite() && decimal.scale != 0 {
        return Some((Some(schema(Type::Float32)), Value::Float32(float)));
    }
    let double = decimal.double_value();
    if double.is_finite() && decimal.scale != 0 {
        return Some((Some(schema(Type::Float64)), Value::Float64(double)));
    }
    Some((Some(decimal_schema(decimal.scale)), Value::Decimal(decimal)))
}

fn parse_as_exact_decimal(decimal: &Decimal) -> Option<SchemaAndValue> {
    if !decimal.is_whole() {
        return None;
    }
    let mut integral = decimal.unscaled;
    if decimal.scale > 0 {
        for _ in 0..decimal.scale {
            integral /= 10;
        }
    } else {
        for _ in 0..(-decimal.scale) {
            integral = integral.checked_mul(10)?;
        }
    }
    let value = i64::try_from(integral).ok()?;
    Some(if i64::from(value as i8) == value {
        (Some(schema(Type::Int8)), Value::Int8(value as i8))
    } else if i64::from(value as i16) == value {
        (Some(schema(Type::Int16)), Value::Int16(value as i16))
    } else if i64::from(value as i32) == value {
        (Some(schema(Type::Int32)), Value::Int32(value as i32))
    } else {
        (Some(schema(Type::Int64)), Value::Int64(value))
    })
}

fn parse_as_temporal(token: &str) -> Option<SchemaAndValue> {
    let token = token.replace("\\:", ":");
    let (schema_name, pattern) = match token.chars().count() {
        13 => (TIME, "HH:mm:ss.SSS'Z'"),
        24 => (TIMESTAMP, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
        10 => (DATE, "yyyy-MM-dd"),
        _ => return None,
    };
    let millis = DateFormat::compile(pattern).ok()?.parse_at(&token)?;
    Some((Some(Schema::logical(schema_name, false)), Value::Date(millis)))
}

/// `Values.parseString(text)`.
pub fn parse_string(text: &str) -> SchemaAndValue {
    if text.is_empty() {
        return (Some(schema(Type::String)), Value::String(String::new()));
    }
    let mut parser = ValueParser { parser: Parser::new(text) };
    match parser.parse(false) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => (None, Value::Null),
        Err(_) => (Some(schema(Type::String)), Value::String(text.to_string())),
    }
}

/// `Values.asLong(value, null, null)`.
pub fn as_long(value: &Value) -> Result<i64, String> {
    match number_of(value) {
        Some(Number::Long(v)) => Ok(v),
        Some(Number::Double(v)) => Ok(java::double_to_long(v)),
        Some(Number::Decimal(d)) => Ok(d.long_value()),
        None => match value {
            Value::String(text) => java::parse_big_decimal(text)
                .map(|decimal| decimal.long_value())
                .ok_or_else(|| format!("Unable to convert {} ({}) to a number", text, value.java_class_description())),
            _ => Err(format!("Unable to convert {} ({}) to a number", display(value), value.java_class_description())),
        },
    }
}

/// `Values.asDouble(value, null, null)`.
pub fn as_double(value: &Value) -> Result<f64, String> {
    match number_of(value) {
        Some(Number::Long(v)) => Ok(v as f64),
        Some(Number::Double(v)) => Ok(v),
        Some(Number::Decimal(d)) => Ok(d.double_value()),
        None => match value {
            Value::String(text) => match java::parse_big_decimal(text) {
                Some(decimal) => Ok(decimal.double_value()),
                None => as_long(value).map(|v| v as f64),
            },
            _ => as_long(value).map(|v| v as f64),
        },
    }
}

enum Number {
    Long(i64),
    Double(f64),
    Decimal(Decimal),
}

fn number_of(value: &Value) -> Option<Number> {
    Some(match value {
        Value::Int8(v) => Number::Long(i64::from(*v)),
        Value::Int16(v) => Number::Long(i64::from(*v)),
        Value::Int32(v) => Number::Long(i64::from(*v)),
        Value::Int64(v) => Number::Long(*v),
        Value::Float32(v) => Number::Double(f64::from(*v)),
        Value::Float64(v) => Number::Double(*v),
        Value::Decimal(d) => Number::Decimal(d.clone()),
        _ => return None,
    })
}

/// A value as Java's `toString` prints it, for messages.
pub fn display(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Int8(v) => v.to_string(),
        Value::Int16(v) => v.to_string(),
        Value::Int32(v) => v.to_string(),
        Value::Int64(v) => v.to_string(),
        Value::Float32(v) => java::float_to_string(*v),
        Value::Float64(v) => java::double_to_string(*v),
        Value::Boolean(v) => v.to_string(),
        Value::String(v) => v.clone(),
        Value::Decimal(d) => java::big_decimal_to_string(d),
        Value::Date(millis) => java_date_to_string(*millis),
        Value::Bytes(_) => "[B".into(),
        Value::Array(items) => format!("[{}]", items.iter().map(display).collect::<Vec<_>>().join(", ")),
        Value::Map(entries) => format!("{{{}}}", entries.iter().map(|(k, v)| format!("{}={}", display(k), display(v))).collect::<Vec<_>>().join(", ")),
        Value::Struct(s) => format!(
            "Struct{{{}}}",
            s.schema.fields.iter().zip(&s.values).filter(|(_, v)| !v.is_null()).map(|(f, v)| format!("{}={}", f.name, display(v))).collect::<Vec<_>>().join(",")
        ),
    }
}

/// `java.util.Date.toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`.
pub fn java_date_to_string(millis: i64) -> String {
    DateFormat::compile("EEE MMM dd HH:mm:ss 'UTC' yyyy").expect("constant pattern").format(millis)
}

/// `Values.convertTo(schema, null, value)` for the primitive schemas the parser aligns to.
fn convert_to(schema: &Schema, value: Value) -> Result<Value, String> {
    if value.is_null() {
        if schema.optional {
            return Ok(value);
        }
        return Err("Unable to convert a null value to a schema that requires a value".into());
    }
    Ok(match schema.kind {
        Type::Int8 => match value {
            Value::Int8(_) => value,
            _ => Value::Int8(as_long(&value)? as i8),
        },
        Type::Int16 => match value {
            Value::Int16(_) => value,
            _ => Value::Int16(as_long(&value)? as i16),
        },
        Type::Int32 if schema.name.is_none() => match value {
            Value::Int32(_) => value,
            _ => Value::Int32(as_long(&value)? as i32),
        },
        Type::Int64 if schema.name.is_none() => match value {
            Value::Int64(_) => value,
            _ => Value::Int64(as_long(&value)?),
        },
        Type::Float32 => match value {
            Value::Float32(_) => value,
            _ => Value::Float32(as_double(&value)? as f32),
        },
        Type::Float64 => match value {
            Value::Float64(_) => value,
            _ => Value::Float64(as_double(&value)?),
        },
        _ => value,
    })
}
