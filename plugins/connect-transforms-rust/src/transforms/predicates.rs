//! The predicates: TopicNameMatches (a Java regular expression over the
//! whole topic name), HasHeaderKey, RecordIsTombstone.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::routers::JavaPattern;
use super::Predicate;
use crate::config::{invalid, Config};
use crate::data::Record;

struct TopicNameMatches {
    pattern: JavaPattern,
}

pub fn create_topic_name_matches(config: &mut Config) -> Option<Box<dyn Predicate>> {
    let pattern = config.required_string("pattern");
    let pattern = config.non_empty("pattern", pattern)?;
    match JavaPattern::compile(&pattern) {
        Ok(compiled) => Some(Box::new(TopicNameMatches { pattern: compiled })),
        Err(message) => {
            config.issues.push(invalid("pattern", &pattern, &format!("Invalid regex: {message}")));
            None
        }
    }
}

impl Predicate for TopicNameMatches {
    fn test(&self, record: &Record) -> Result<bool, String> {
        Ok(self.pattern.matches(&record.topic))
    }
}

struct HasHeaderKey {
    name: String,
}

pub fn create_has_header_key(config: &mut Config) -> Option<Box<dyn Predicate>> {
    let name = config.required_string("name");
    let name = config.non_empty("name", name)?;
    Some(Box::new(HasHeaderKey { name }))
}

impl Predicate for HasHeaderKey {
    fn test(&self, record: &Record) -> Result<bool, String> {
        Ok(record.headers.iter().any(|header| header.key == self.name))
    }
}

struct RecordIsTombstone;

pub fn create_record_is_tombstone(_config: &mut Config) -> Option<Box<dyn Predicate>> {
    Some(Box::new(RecordIsTombstone))
}

impl Predicate for RecordIsTombstone {
    fn test(&self, record: &Record) -> Result<bool, String> {
        Ok(record.value.is_null())
    }
}
