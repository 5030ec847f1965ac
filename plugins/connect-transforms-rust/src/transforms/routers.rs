//! The topic routers and the filter: TimestampRouter (`topic.format` with
//! `${topic}` and `${timestamp}`), RegexRouter (Java's `matches` then
//! `replaceFirst`), and Filter (drops every record it is applied to — with
//! a predicate, the matching ones).
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use regex::Regex;

use super::Transformation;
use crate::config::{invalid, Config};
use crate::data::{Record, Side};
use crate::date_format::DateFormat;
use crate::values::display;

struct Filter;

pub fn create_filter(_config: &mut Config, _side: Option<Side>) -> Option<Box<dyn Transformation>> {
    Some(Box::new(Filter))
}

impl Transformation for Filter {
    fn apply(&self, _record: Record) -> Result<Option<Record>, String> {
        Ok(None)
    }
}

struct TimestampRouter {
    topic_format: String,
    timestamp_format: DateFormat,
}

pub fn create_timestamp_router(config: &mut Config, _side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let topic_format = config.string("topic.format", Some("${topic}-${timestamp}"))?;
    let pattern = config.string("timestamp.format", Some("yyyyMMdd"))?;
    // Kafka builds the SimpleDateFormat at the first record; Eddy refuses a bad pattern up front.
    match DateFormat::compile(&pattern) {
        Ok(timestamp_format) => Some(Box::new(TimestampRouter { topic_format, timestamp_format })),
        Err(message) => {
            config.issues.push(invalid("timestamp.format", &pattern, &message));
            None
        }
    }
}

/// `ConnectRecord.toString()` (without a source record's partition and offset, which the plugin does not see).
fn describe(record: &Record) -> String {
    let schema = |schema: &Option<crate::data::SchemaRef>| schema.as_ref().map(|s| s.describe()).unwrap_or_else(|| "null".into());
    format!(
        "{}{{topic='{}', kafkaPartition={}, key={}, keySchema={}, value={}, valueSchema={}, timestamp={}, headers=ConnectHeaders(headers={})}}",
        if record.kafka_offset.is_some() { "SinkRecord" } else { "ConnectRecord" },
        record.topic,
        record.partition.map(|p| p.to_string()).unwrap_or_else(|| "null".into()),
        display(&record.key),
        schema(&record.key_schema),
        display(&record.value),
        schema(&record.value_schema),
        record.timestamp.map(|t| t.to_string()).unwrap_or_else(|| "null".into()),
        record.headers.iter().map(|h| format!("ConnectHeader(key={}, value={}, schema={})", h.key, display(&h.value), schema(&h.schema))).collect::<Vec<_>>().join(", "),
    )
}

impl Transformation for TimestampRouter {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let Some(timestamp) = record.timestamp else {
            return Err(format!("Timestamp missing on record: {}", describe(&record)));
        };
        let formatted = self.timestamp_format.format(timestamp);
        let topic = self.topic_format.replace("${topic}", &record.topic).replace("${timestamp}", &formatted);
        Ok(Some(Record { topic, ..record }))
    }
}

/// A Java regular expression as the `regex` crate reads it: the whole-string
/// form for `matches()` and the searching form for `replaceFirst`.
pub struct JavaPattern {
    whole: Regex,
    search: Regex,
}

impl JavaPattern {
    pub fn compile(pattern: &str) -> Result<JavaPattern, String> {
        let search = Regex::new(pattern).map_err(|error| error.to_string())?;
        let whole = Regex::new(&format!(r"\A(?:{pattern})\z")).map_err(|error| error.to_string())?;
        Ok(JavaPattern { whole, search })
    }

    /// `matcher(text).matches()`.
    pub fn matches(&self, text: &str) -> bool {
        self.whole.is_match(text)
    }

    /// `matcher(text).replaceFirst(replacement)` with Java's `$n`, `${name}` and `\` escapes.
    pub fn replace_first(&self, text: &str, replacement: &str) -> Result<String, String> {
        let Some(captures) = self.search.captures(text) else { return Ok(text.to_string()) };
        let whole = captures.get(0).expect("group 0");
        let group_count = captures.len() - 1;
        let chars: Vec<char> = replacement.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        while at < chars.len() {
            match chars[at] {
                '\\' => {
                    at += 1;
                    let escaped = chars.get(at).ok_or("character to be escaped is missing")?;
                    out.push(*escaped);
                    at += 1;
                }
                '$' => {
                    at += 1;
                    match chars.get(at) {
                        None => return Err("Illegal group reference: group index is missing".into()),
                        Some('{') => {
                            at += 1;
                            let start = at;
                            while at < chars.len() && chars[at].is_ascii_alphanumeric() {
                                at += 1;
                            }
                            if at == start {
                                return Err("named capturing group has 0 length name".into());
                            }
                            if chars.get(at) != Some(&'}') {
                                return Err("named capturing group is missing trailing '}'".into());
                            }
                            let name: String = chars[start..at].iter().collect();
                            at += 1;
                            if !self.search.capture_names().flatten().any(|n| n == name) {
                                return Err(format!("No group with name {{{name}}}"));
                            }
                            if let Some(group) = captures.name(&name) {
                                out.push_str(group.as_str());
                            }
                        }
                        Some(c) if c.is_ascii_digit() => {
                            let mut group = c.to_digit(10).unwrap() as usize;
                            if group > group_count {
                                return Err(format!("No group {group}"));
                            }
                            at += 1;
                            while let Some(next) = chars.get(at).and_then(|c| c.to_digit(10)) {
                                let candidate = group * 10 + next as usize;
                                if candidate > group_count {
                                    break;
                                }
                                group = candidate;
                                at += 1;
                            }
                            if let Some(matched) = captures.get(group) {
                                out.push_str(matched.as_str());
                            }
                        }
                        Some(_) => return Err("Illegal group reference".into()),
                    }
                }
                c => {
                    out.push(c);
                    at += 1;
                }
            }
        }
        Ok(format!("{}{}{}", &text[..whole.start()], out, &text[whole.end()..]))
    }
}

struct RegexRouter {
    regex: JavaPattern,
    replacement: String,
}

pub fn create_regex_router(config: &mut Config, _side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let regex = config.required_string("regex");
    let replacement = config.required_string("replacement");
    let regex = regex.and_then(|text| match JavaPattern::compile(&text) {
        Ok(pattern) => Some(pattern),
        Err(message) => {
            config.issues.push(invalid("regex", &text, &format!("Invalid regex: {message}")));
            None
        }
    });
    Some(Box::new(RegexRouter { regex: regex?, replacement: replacement? }))
}

impl Transformation for RegexRouter {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        if !self.regex.matches(&record.topic) {
            return Ok(Some(record));
        }
        let topic = self.regex.replace_first(&record.topic, &self.replacement)?;
        Ok(Some(Record { topic, ..record }))
    }
}
