//! A transform's configuration read as Kafka's `ConfigDef` / `SimpleConfig`
//! reads it: typed keys with defaults, Kafka's parsing (strings and lists
//! trimmed, lists split on commas) and Kafka's messages, one issue per key.
//!
//! Owns: the key types and validators the built-in transforms use.
//! Must never: decide what a transform does with its values.

use crate::exports::eddy::plugin::transformation::ConfigIssue;
use crate::java;

/// A configuration issue: the key at fault (`""` for the whole) and Kafka's message.
pub fn issue(key: &str, message: impl Into<String>) -> ConfigIssue {
    ConfigIssue { key: key.to_string(), message: message.into() }
}

/// `ConfigException(name, value, message)`'s message.
pub fn invalid(key: &str, value: &str, message: &str) -> ConfigIssue {
    issue(key, format!("Invalid value {value} for configuration {key}: {message}"))
}

pub fn missing(key: &str) -> ConfigIssue {
    issue(key, format!("Missing required configuration \"{key}\" which has no default value."))
}

/// Java's `List.toString()` of strings.
pub fn list_text(values: &[String]) -> String {
    format!("[{}]", values.join(", "))
}

/// The keys under a transform's alias, read with Kafka's rules; issues are
/// collected rather than thrown, so every bad key is reported.
pub struct Config {
    entries: Vec<(String, String)>,
    pub issues: Vec<ConfigIssue>,
}

impl Config {
    pub fn new(entries: Vec<(String, String)>) -> Config {
        Config { entries, issues: Vec::new() }
    }

    /// The raw value (the last one given wins).
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn fail<T>(&mut self, problem: ConfigIssue) -> Option<T> {
        self.issues.push(problem);
        None
    }

    /// A STRING key with a default (`None`: Java's null default).
    pub fn string(&mut self, key: &str, default: Option<&str>) -> Option<String> {
        match self.raw(key) {
            Some(value) => Some(java::trim(value).to_string()),
            None => default.map(str::to_string),
        }
    }

    /// A required STRING key (`NO_DEFAULT_VALUE`); `None` when missing (an issue is recorded).
    pub fn required_string(&mut self, key: &str) -> Option<String> {
        match self.raw(key) {
            Some(value) => Some(java::trim(value).to_string()),
            None => self.fail(missing(key)),
        }
    }

    /// `ConfigDef.NonEmptyString`.
    pub fn non_empty(&mut self, key: &str, value: Option<String>) -> Option<String> {
        if value.as_deref() == Some("") {
            return self.fail(invalid(key, "", "String must be non-empty"));
        }
        value
    }

    /// `ConfigDef.ValidString.in(options)`.
    pub fn one_of(&mut self, key: &str, value: Option<String>, options: &[&str]) -> Option<String> {
        let text = value?;
        if options.contains(&text.as_str()) {
            return Some(text);
        }
        self.fail(invalid(key, &text, &format!("String must be one of: {}", options.join(", "))))
    }

    /// A BOOLEAN key.
    pub fn boolean(&mut self, key: &str, default: bool) -> bool {
        let Some(raw) = self.raw(key).map(str::to_string) else { return default };
        let text = java::trim(&raw).to_ascii_lowercase();
        match text.as_str() {
            "true" => true,
            "false" => false,
            _ => {
                self.issues.push(invalid(key, &raw, "Expected value to be either true or false"));
                default
            }
        }
    }

    /// An INT key with a null default.
    pub fn optional_int(&mut self, key: &str) -> Option<i32> {
        let raw = self.raw(key)?.to_string();
        match java::parse_int(java::trim(&raw)) {
            Ok(value) => Some(value),
            Err(_) => self.fail(invalid(key, &raw, "Not a number of type INT")),
        }
    }

    /// A LIST key: `None` when required and missing.
    pub fn list(&mut self, key: &str, default: Option<Vec<String>>) -> Option<Vec<String>> {
        match self.raw(key) {
            Some(raw) => {
                let text = java::trim(raw);
                if text.is_empty() {
                    return Some(Vec::new());
                }
                Some(split_list(text))
            }
            None => match default {
                Some(value) => Some(value),
                None => self.fail(missing(key)),
            },
        }
    }

    /// The util `NonEmptyListValidator`.
    pub fn non_empty_list(&mut self, key: &str, value: Option<Vec<String>>) -> Option<Vec<String>> {
        let list = value?;
        if list.is_empty() {
            return self.fail(invalid(key, "[]", "Empty list"));
        }
        Some(list)
    }

    /// `ConfigDef.ValidList.anyNonDuplicateValues(emptyAllowed, false)`: Kafka
    /// 4.4 first removes duplicates (with a warning), then validates.
    pub fn unique_list(&mut self, key: &str, value: Option<Vec<String>>, empty_allowed: bool) -> Option<Vec<String>> {
        let mut list: Vec<String> = Vec::new();
        for item in value? {
            if !list.contains(&item) {
                list.push(item);
            }
        }
        if list.is_empty() && !empty_allowed {
            return self.fail(issue(key, format!("Configuration '{key}' must not be empty. Valid values include: any non-empty value")));
        }
        if list.iter().any(|item| item.is_empty()) {
            return self.fail(issue(key, format!("Configuration '{key}' values must not be empty.")));
        }
        Some(list)
    }

    /// `field.syntax.version` (KIP-821): V1 or V2, case-insensitive.
    pub fn field_syntax_version(&mut self) -> Option<bool> {
        const KEY: &str = "field.syntax.version";
        let value = self.string(KEY, Some("V1"))?;
        match value.to_ascii_uppercase().as_str() {
            "V1" => Some(false),
            "V2" => Some(true),
            _ => self.fail(invalid(KEY, &value, "String must be one of (case insensitive): V1, V2")),
        }
    }
}

/// `ConfigDef`'s list split: `\s*,\s*`, trailing empty items kept.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(|item| item.trim_matches(|c: char| c.is_whitespace()).to_string()).collect()
}
