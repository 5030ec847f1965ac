//! What Eddy's Rust Kafka Connect plugins share.
//!
//! Owns: reading a connector's configuration (`&[(String, String)]`, the
//! last entry of a key wins) with Kafka's own messages for a refused value
//! (`parse_*` return them; `int`, `long`, `boolean`, `choice` push them as
//! issues and return the default), and two macros a plugin expands next to
//! its `wit_bindgen::generate!`: [`config_issues!`] (the `ConfigIssue`
//! helpers) and [`config_keys!`] (the `ConfigKey` builders of contract 0.2.0).
//! Must never: generate WIT bindings or depend on wit-bindgen (each plugin's
//! own `generate!` makes its types; the macros name them at
//! `crate::eddy::plugin::connect_types`), or word a message differently from
//! Kafka's `ConfigDef` (hosts and users compare them).

/// A configuration issue of the plugin's own bindings; [`config_issues!`] implements it.
pub trait Issue {
    fn new(key: &str, message: String) -> Self;
}

/// The value of `key`: the last one written wins, as in a properties file.
pub fn get<'a>(config: &'a [(String, String)], key: &str) -> Option<&'a str> {
    config.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Kafka's message for a required key that is absent.
pub fn missing(key: &str) -> String {
    format!("Missing required configuration \"{key}\" which has no default value.")
}

/// Kafka's message for a refused value: `Invalid value {value} for configuration {key}: {why}`.
pub fn invalid(value: &str, key: &str, why: &str) -> String {
    format!("Invalid value {value} for configuration {key}: {why}")
}

/// The value of a required key; absent or empty: Kafka's [`missing`] message.
pub fn required<'a>(config: &'a [(String, String)], key: &str) -> Result<&'a str, String> {
    match get(config, key) {
        None | Some("") => Err(missing(key)),
        Some(value) => Ok(value),
    }
}

/// A Kafka `INT` (trimmed) of at least `min`.
pub fn parse_int(key: &str, value: &str, min: i32) -> Result<i32, String> {
    match value.trim().parse::<i32>() {
        Ok(n) if n >= min => Ok(n),
        Ok(_) => Err(invalid(value, key, &format!("Value must be at least {min}"))),
        Err(_) => Err(invalid(value, key, "Not a number of type INT")),
    }
}

/// A Kafka `LONG` (trimmed) of at least `min`.
pub fn parse_long(key: &str, value: &str, min: i64) -> Result<i64, String> {
    match value.trim().parse::<i64>() {
        Ok(n) if n >= min => Ok(n),
        Ok(_) => Err(invalid(value, key, &format!("Value must be at least {min}"))),
        Err(_) => Err(invalid(value, key, "Not a number of type LONG")),
    }
}

/// A Kafka `BOOLEAN`: `true` or `false`, trimmed, in any case.
pub fn parse_boolean(key: &str, value: &str) -> Result<bool, String> {
    let value = value.trim().to_ascii_lowercase();
    match value.as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(&value, key, "Expected value to be either true or false")),
    }
}

/// One of `choices` (compared trimmed, case-insensitively), as its index.
pub fn parse_choice(key: &str, value: &str, choices: &[&str]) -> Result<usize, String> {
    choices
        .iter()
        .position(|c| c.eq_ignore_ascii_case(value.trim()))
        .ok_or_else(|| invalid(value, key, &format!("String must be one of: {}", choices.join(", "))))
}

/// `result`'s value, or `default` with its message pushed as an issue of `key`.
pub fn or_issue<T, I: Issue>(result: Result<T, String>, key: &str, default: T, issues: &mut Vec<I>) -> T {
    result.unwrap_or_else(|message| {
        issues.push(I::new(key, message));
        default
    })
}

/// [`parse_int`] of `key`; absent or refused: `default`.
pub fn int<I: Issue>(config: &[(String, String)], key: &str, default: i32, min: i32, issues: &mut Vec<I>) -> i32 {
    get(config, key).map_or(default, |value| or_issue(parse_int(key, value, min), key, default, issues))
}

/// [`parse_long`] of `key`; absent or refused: `default`.
pub fn long<I: Issue>(config: &[(String, String)], key: &str, default: i64, min: i64, issues: &mut Vec<I>) -> i64 {
    get(config, key).map_or(default, |value| or_issue(parse_long(key, value, min), key, default, issues))
}

/// [`parse_boolean`] of `key`; absent, blank or refused: `default`.
pub fn boolean<I: Issue>(config: &[(String, String)], key: &str, default: bool, issues: &mut Vec<I>) -> bool {
    match get(config, key) {
        Some(value) if !value.trim().is_empty() => or_issue(parse_boolean(key, value), key, default, issues),
        _ => default,
    }
}

/// [`parse_choice`] of `key`; absent or refused: 0 (the first choice, the default).
pub fn choice<I: Issue>(config: &[(String, String)], key: &str, choices: &[&str], issues: &mut Vec<I>) -> usize {
    get(config, key).map_or(0, |value| or_issue(parse_choice(key, value, choices), key, 0, issues))
}

/// Expands, in a connector plugin, to `issue(key, message)` (a `ConfigIssue`),
/// `issues_text(&issues)` (`key: message; …`, what `start` fails with) and
/// the [`Issue`] impl the parsers of this crate push through. Any contract.
#[macro_export]
macro_rules! config_issues {
    () => {
        /// A refused key and why.
        #[allow(dead_code)]
        fn issue(key: &str, message: impl Into<String>) -> crate::eddy::plugin::connect_types::ConfigIssue {
            crate::eddy::plugin::connect_types::ConfigIssue { key: key.into(), message: message.into() }
        }

        /// The issues as one error: `key: message; key: message`.
        #[allow(dead_code)]
        fn issues_text(issues: &[crate::eddy::plugin::connect_types::ConfigIssue]) -> String {
            issues.iter().map(|issue| format!("{}: {}", issue.key, issue.message)).collect::<Vec<_>>().join("; ")
        }

        impl $crate::Issue for crate::eddy::plugin::connect_types::ConfigIssue {
            fn new(key: &str, message: String) -> Self {
                issue(key, message)
            }
        }
    };
}

/// Expands, in a connector plugin of contract 0.2.0, to the `ConfigKey`
/// builders of its `config-def`:
/// `define(name, type, default, importance, documentation)`, as Kafka's
/// `ConfigDef.define` of those five (no group, no width, its name shown), and
/// `key(name, type, default, importance, documentation, (group, order), display)`,
/// as Kafka's `define` with a group, its order in it, width `MEDIUM` and a display name.
#[macro_export]
macro_rules! config_keys {
    () => {
        #[allow(dead_code)]
        fn define(
            name: &str,
            type_: crate::eddy::plugin::connect_types::ConfigType,
            default: crate::eddy::plugin::connect_types::ConfigDefault,
            importance: crate::eddy::plugin::connect_types::ConfigImportance,
            documentation: &str,
        ) -> crate::eddy::plugin::connect_types::ConfigKey {
            crate::eddy::plugin::connect_types::ConfigKey {
                name: name.into(),
                type_,
                default,
                importance,
                documentation: documentation.into(),
                group: None,
                order_in_group: -1,
                width: crate::eddy::plugin::connect_types::ConfigWidth::None,
                display_name: name.into(),
                dependents: Vec::new(),
            }
        }

        /// A key shown at `place`: its group and its order in the group.
        #[allow(dead_code)]
        fn key(
            name: &str,
            type_: crate::eddy::plugin::connect_types::ConfigType,
            default: crate::eddy::plugin::connect_types::ConfigDefault,
            importance: crate::eddy::plugin::connect_types::ConfigImportance,
            documentation: &str,
            place: (&str, i32),
            display: &str,
        ) -> crate::eddy::plugin::connect_types::ConfigKey {
            let (group, order) = place;
            crate::eddy::plugin::connect_types::ConfigKey {
                group: Some(group.into()),
                order_in_group: order,
                width: crate::eddy::plugin::connect_types::ConfigWidth::Medium,
                display_name: display.into(),
                ..define(name, type_, default, importance, documentation)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain(String, String);
    impl Issue for Plain {
        fn new(key: &str, message: String) -> Self {
            Plain(key.into(), message)
        }
    }

    fn config(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn kafka_messages() {
        let c = config(&[("n", "1"), ("n", "0"), ("x", "ten"), ("m", "GET "), ("b", " Yes"), ("e", "")]);
        let mut issues: Vec<Plain> = Vec::new();
        assert_eq!(get(&c, "n"), Some("0"));
        assert_eq!(int(&c, "n", 7, 1, &mut issues), 7);
        assert_eq!(int(&c, "x", 7, 1, &mut issues), 7);
        assert_eq!(long(&c, "x", 7, 0, &mut issues), 7);
        assert_eq!(choice(&c, "m", &["POST", "PUT"], &mut issues), 0);
        assert_eq!(choice(&c, "absent", &["POST", "PUT"], &mut issues), 0);
        assert!(!boolean(&c, "b", false, &mut issues));
        assert!(boolean(&c, "e", true, &mut issues));
        assert_eq!(required(&c, "e"), Err("Missing required configuration \"e\" which has no default value.".into()));
        let got: Vec<String> = issues.iter().map(|Plain(k, m)| format!("{k}: {m}")).collect();
        assert_eq!(
            got,
            [
                "n: Invalid value 0 for configuration n: Value must be at least 1",
                "x: Invalid value ten for configuration x: Not a number of type INT",
                "x: Invalid value ten for configuration x: Not a number of type LONG",
                "m: Invalid value GET  for configuration m: String must be one of: POST, PUT",
                "b: Invalid value yes for configuration b: Expected value to be either true or false",
            ]
        );
        assert_eq!(parse_choice("m", " put", &["POST", "PUT"]), Ok(1));
        assert_eq!(parse_boolean("b", " TRUE "), Ok(true));
    }
}
