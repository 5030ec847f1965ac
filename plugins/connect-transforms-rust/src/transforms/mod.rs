//! The built-in transformations and predicates, by Kafka's class names, and
//! what they share: Kafka's `Requirements` checks and messages, and the
//! field paths of KIP-821 (`field.syntax.version`).
//!
//! Owns: the class table (`classes`, `create_transform`, `create_predicate`).
//! Must never: keep state between records beyond the configuration.

mod cast;
mod config_def;
mod config_defs;
mod extract_field;
mod flatten;
mod headers;
mod hoist_field;
mod insert_field;
mod mask_field;
mod predicates;
mod replace_field;
mod routers;
mod set_schema_metadata;
mod timestamp_converter;
mod value_to_key;

use crate::config::{issue, Config};
use crate::data::{Record, SchemaRef, Side, Struct, Type, Value};
use crate::exports::eddy::plugin::transformation::ConfigIssue;

pub use config_def::config_def;

/// A configured Single Message Transform.
pub trait Transformation {
    /// The new record, or `None` to drop it; an error message fails the task.
    fn apply(&self, record: Record) -> Result<Option<Record>, String>;
}

/// A configured predicate.
pub trait Predicate {
    fn test(&self, record: &Record) -> Result<bool, String>;
}

const PACKAGE: &str = "org.apache.kafka.connect.transforms.";

type TransformFactory = fn(&mut Config, Option<Side>) -> Option<Box<dyn Transformation>>;
type PredicateFactory = fn(&mut Config) -> Option<Box<dyn Predicate>>;

/// (simple class name, whether it has `$Key`/`$Value` variants, factory).
const TRANSFORMS: &[(&str, bool, TransformFactory)] = &[
    ("Cast", true, cast::create),
    ("DropHeaders", false, headers::create_drop_headers),
    ("ExtractField", true, extract_field::create),
    ("Filter", false, routers::create_filter),
    ("Flatten", true, flatten::create),
    ("HeaderFrom", true, headers::create_header_from),
    ("HoistField", true, hoist_field::create),
    ("InsertField", true, insert_field::create),
    ("InsertHeader", false, headers::create_insert_header),
    ("MaskField", true, mask_field::create),
    ("RegexRouter", false, routers::create_regex_router),
    ("ReplaceField", true, replace_field::create),
    ("SetSchemaMetadata", true, set_schema_metadata::create),
    ("TimestampConverter", true, timestamp_converter::create),
    ("TimestampRouter", false, routers::create_timestamp_router),
    ("ValueToKey", false, value_to_key::create),
];

const PREDICATES: &[(&str, PredicateFactory)] = &[
    ("predicates.HasHeaderKey", predicates::create_has_header_key),
    ("predicates.RecordIsTombstone", predicates::create_record_is_tombstone),
    ("predicates.TopicNameMatches", predicates::create_topic_name_matches),
];

/// Every transformation class name, then every predicate class name.
pub fn class_names() -> (Vec<String>, Vec<String>) {
    let mut transforms = Vec::new();
    for (name, sided, _) in TRANSFORMS {
        if *sided {
            transforms.push(format!("{PACKAGE}{name}$Key"));
            transforms.push(format!("{PACKAGE}{name}$Value"));
        } else {
            transforms.push(format!("{PACKAGE}{name}"));
        }
    }
    let predicates = PREDICATES.iter().map(|(name, _)| format!("{PACKAGE}{name}")).collect();
    (transforms, predicates)
}

fn unknown_class(class_name: &str) -> Vec<ConfigIssue> {
    vec![issue("type", format!("Invalid value {class_name} for configuration type: Class {class_name} could not be found."))]
}

fn finish<T>(config: Config, built: Option<T>) -> Result<T, Vec<ConfigIssue>> {
    match built {
        Some(built) if config.issues.is_empty() => Ok(built),
        _ if !config.issues.is_empty() => Err(config.issues),
        _ => Err(vec![issue("", "the configuration is invalid")]),
    }
}

pub fn create_transform(class_name: &str, entries: Vec<(String, String)>) -> Result<Box<dyn Transformation>, Vec<ConfigIssue>> {
    let simple = class_name.strip_prefix(PACKAGE).ok_or_else(|| unknown_class(class_name))?;
    let (base, side) = match simple.rsplit_once('$') {
        Some((base, "Key")) => (base, Some(Side::Key)),
        Some((base, "Value")) => (base, Some(Side::Value)),
        Some(_) => return Err(unknown_class(class_name)),
        None => (simple, None),
    };
    let (_, sided, factory) = TRANSFORMS.iter().find(|(name, _, _)| *name == base).ok_or_else(|| unknown_class(class_name))?;
    if *sided != side.is_some() {
        // An abstract class (`InsertField`) or a non-existent nested one.
        return Err(vec![issue("type", format!("Invalid value {class_name} for configuration type: Class {class_name} could not be found."))]);
    }
    let mut config = Config::new(entries);
    let built = factory(&mut config, side);
    finish(config, built)
}

pub fn create_predicate(class_name: &str, entries: Vec<(String, String)>) -> Result<Box<dyn Predicate>, Vec<ConfigIssue>> {
    let simple = class_name.strip_prefix(PACKAGE).ok_or_else(|| unknown_class(class_name))?;
    let (_, factory) = PREDICATES.iter().find(|(name, _)| *name == simple).ok_or_else(|| unknown_class(class_name))?;
    let mut config = Config::new(entries);
    let built = factory(&mut config);
    finish(config, built)
}

/// `Requirements.requireMap(value, purpose)`.
pub fn require_map<'a>(value: &'a Value, purpose: &str) -> Result<&'a Vec<(Value, Value)>, String> {
    match value {
        Value::Map(entries) => Ok(entries),
        other => Err(format!("Only Map objects supported in absence of schema for [{purpose}], found: {}", other.java_class())),
    }
}

/// `Requirements.requireStruct(value, purpose)`.
pub fn require_struct<'a>(value: &'a Value, purpose: &str) -> Result<&'a Struct, String> {
    match value {
        Value::Struct(s) => Ok(s),
        other => Err(format!("Only Struct objects supported for [{purpose}], found: {}", other.java_class())),
    }
}

/// `Requirements.requireStructOrNull`.
pub fn require_struct_or_null<'a>(value: &'a Value, purpose: &str) -> Result<Option<&'a Struct>, String> {
    if value.is_null() {
        Ok(None)
    } else {
        require_struct(value, purpose).map(Some)
    }
}

/// `Requirements.requireSinkRecord(record, purpose)`.
pub fn require_sink_offset(record: &Record, purpose: &str) -> Result<i64, String> {
    record.kafka_offset.ok_or_else(|| format!("Only SinkRecord supported for [{purpose}], found: {}", record.record_class()))
}

/// A schemaless map's keys as Java sees them (`Map<String, Object>`).
pub fn string_key(key: &Value) -> Result<&str, String> {
    match key {
        Value::String(s) => Ok(s),
        other => Err(format!("class {} cannot be cast to class java.lang.String", other.java_class())),
    }
}

/// `Schema.field(name)` on a schema that may not be a struct (Kafka throws there).
pub fn field_of<'a>(schema: &'a SchemaRef, name: &str) -> Result<Option<&'a SchemaRef>, String> {
    if schema.kind != Type::Struct {
        return Err("Cannot look up fields on non-struct type".into());
    }
    Ok(schema.field(name).map(|(_, field)| &field.schema))
}

/// A `SingleFieldPath` (KIP-821): V1 is one step, V2 splits on dots with
/// backticks around names that contain dots.
#[derive(Clone, Debug)]
pub struct FieldPath {
    steps: Vec<String>,
}

impl FieldPath {
    pub fn new(text: &str, v2: bool) -> Result<FieldPath, String> {
        if !v2 {
            return Ok(FieldPath { steps: vec![text.to_string()] });
        }
        let chars: Vec<char> = text.chars().collect();
        let index_of = |from: usize, c: char| chars.iter().skip(from).position(|x| *x == c).map(|p| p + from);
        let slice = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let incomplete = |at: usize| {
            format!("Incomplete backtick pair in path: [{text}], consider adding a backslash before backtick at position {at} to escape it")
        };
        let mut steps = Vec::new();
        let mut idx = 0usize;
        while idx < chars.len() {
            if chars[idx] != '`' {
                let start = idx;
                match index_of(idx, '.') {
                    Some(dot) => {
                        steps.push(slice(start, dot));
                        idx = dot + 1;
                    }
                    None => {
                        steps.push(slice(start, chars.len()));
                        idx = chars.len();
                    }
                }
            } else {
                let backtick_at = idx;
                idx += 1;
                let mut field = String::new();
                let mut start = idx;
                loop {
                    let Some(found) = index_of(idx, '`') else { return Err(incomplete(backtick_at)) };
                    idx = found;
                    let escaped = chars[idx - 1] == '\\';
                    if idx >= chars.len() - 1 {
                        if escaped {
                            return Err(incomplete(backtick_at));
                        }
                        field.push_str(&slice(start, idx));
                        steps.push(field);
                        idx += 1;
                        break;
                    }
                    if chars[idx + 1] != '.' {
                        idx += 1;
                        continue;
                    }
                    if escaped {
                        field.push_str(&slice(start, idx - 1));
                        field.push('`');
                        idx += 1;
                        start = idx;
                        continue;
                    }
                    field.push_str(&slice(start, idx));
                    steps.push(field);
                    idx += 2;
                    break;
                }
            }
        }
        if text.ends_with('.') {
            steps.push(String::new());
        }
        Ok(FieldPath { steps })
    }

    fn last(&self) -> &str {
        self.steps.last().map(String::as_str).unwrap_or("")
    }

    fn parents(&self) -> &[String] {
        &self.steps[..self.steps.len().saturating_sub(1)]
    }

    /// `fieldFrom(schema)`: the schema of the field at the path, if any.
    pub fn field_from(&self, schema: &SchemaRef) -> Result<Option<SchemaRef>, String> {
        let mut current = schema.clone();
        for step in self.parents() {
            match field_of(&current, step)? {
                Some(inner) => current = inner.clone(),
                None => return Ok(None),
            }
        }
        Ok(field_of(&current, self.last())?.cloned())
    }

    /// `valueFrom(struct, withDefault)`.
    pub fn value_from_struct(&self, structure: &Struct, with_default: bool) -> Result<Value, String> {
        let mut current = structure.clone();
        for step in self.parents() {
            if current.schema.field(step).is_none() {
                return Ok(Value::Null);
            }
            let inner = current.get(step).unwrap_or(Value::Null);
            match require_struct_or_null(&inner, "nested field access")? {
                Some(next) => current = next.clone(),
                None => return Ok(Value::Null),
            }
        }
        if current.schema.field(self.last()).is_none() {
            return Ok(Value::Null);
        }
        Ok(if with_default { current.get(self.last()) } else { current.get_without_default(self.last()) }.unwrap_or(Value::Null))
    }

    /// `valueFrom(map)`.
    pub fn value_from_map(&self, entries: &[(Value, Value)]) -> Result<Value, String> {
        let mut current: Vec<(Value, Value)> = entries.to_vec();
        for step in self.parents() {
            match Value::map_get(&current, step) {
                Value::Null => return Ok(Value::Null),
                Value::Map(inner) => current = inner,
                other => return Err(format!("Only Map objects supported in absence of schema for [nested field access], found: {}", other.java_class())),
            }
        }
        Ok(Value::map_get(&current, self.last()))
    }
}
