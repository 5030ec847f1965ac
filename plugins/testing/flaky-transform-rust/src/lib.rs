//! Test-only: a transform whose `apply` fails on purpose (contract 0.2.0).
//!
//! Owns: the transformation class `Flaky` with the keys `fail.times` (each
//! record's `apply` fails that many times in a row before it passes the
//! record on unchanged, default 2) and `retriable` (`true`, the default:
//! each failure is marked retriable through `eddy:plugin/retriable-errors`,
//! Kafka Connect's RetriableException; `false`: a plain failure). A run of
//! failures ends with a success, so a record retried by the host passes on
//! its `fail.times + 1`-th call.
//! Must never: change a record it passes on.

use std::cell::Cell;

wit_bindgen::generate!({
    world: "transform",
    path: "../../../wit/0.2.0",
});

use eddy::plugin::connect_data::ConnectRecord;
use eddy::plugin::connect_types::ConfigIssue;
use eddy::plugin::retriable_errors::retriable;
use exports::eddy::plugin::transformation::{self, ClassInfo, ClassKind};

const CLASS: &str = "Flaky";

struct Plugin;

struct Flaky {
    fail_times: u32,
    retriable: bool,
    /// Failures in a row so far (of the record being applied).
    failed: Cell<u32>,
}

fn value<'a>(config: &'a [(String, String)], key: &str) -> Option<&'a str> {
    config.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value.as_str())
}

impl transformation::Guest for Plugin {
    type Transform = Flaky;
    type Predicate = Never;

    fn classes() -> Vec<ClassInfo> {
        vec![ClassInfo { name: CLASS.into(), kind: ClassKind::Transformation }]
    }
}

impl transformation::GuestTransform for Flaky {
    fn create(class_name: String, config: Vec<(String, String)>) -> Result<transformation::Transform, Vec<ConfigIssue>> {
        if class_name != CLASS {
            return Err(vec![ConfigIssue { key: "type".into(), message: format!("no transformation class {class_name}") }]);
        }
        let mut issues = Vec::new();
        let fail_times = match value(&config, "fail.times") {
            None => 2,
            Some(text) => text.trim().parse::<u32>().unwrap_or_else(|_| {
                issues.push(ConfigIssue { key: "fail.times".into(), message: format!("Invalid value {text} for configuration fail.times") });
                2
            }),
        };
        let retriable = match value(&config, "retriable").map(str::trim) {
            None | Some("true") => true,
            Some("false") => false,
            Some(other) => {
                issues.push(ConfigIssue { key: "retriable".into(), message: format!("Invalid value {other} for configuration retriable: must be true or false") });
                true
            }
        };
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(transformation::Transform::new(Flaky { fail_times, retriable, failed: Cell::new(0) }))
    }

    fn apply(&self, record: ConnectRecord) -> Result<Option<ConnectRecord>, String> {
        let failed = self.failed.get();
        if failed < self.fail_times {
            self.failed.set(failed + 1);
            if self.retriable {
                retriable();
            }
            return Err(format!("failure {} of {} on purpose", failed + 1, self.fail_times));
        }
        self.failed.set(0);
        Ok(Some(record))
    }
}

/// No predicate classes.
struct Never;

impl transformation::GuestPredicate for Never {
    fn create(class_name: String, _config: Vec<(String, String)>) -> Result<transformation::Predicate, Vec<ConfigIssue>> {
        Err(vec![ConfigIssue { key: "type".into(), message: format!("no predicate class {class_name}") }])
    }

    fn test(&self, _record: ConnectRecord) -> Result<bool, String> {
        Ok(true)
    }
}

export!(Plugin);
