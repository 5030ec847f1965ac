//! Kafka Connect's built-in Single Message Transforms and predicates
//! (connect-transforms 4.4) as one `transform` plugin: the host creates a
//! `transform` or `predicate` resource per configured alias, by Kafka's
//! class name, and calls it once per record.
//!
//! Owns: the WIT exports (contract 0.3.0, whose transform world also lists
//! each class's configuration keys), turning configuration issues and
//! transform errors into the world's results.
//! Must never: hold anything between records but the configuration, or
//! import anything but the log.

wit_bindgen::generate!({
    world: "transform",
    path: "../../wit/0.3.0",
});

mod config;
mod data;
mod date_format;
mod graph;
mod java;
mod transforms;
mod values;

use exports::eddy::plugin::transformation::{self, ClassInfo, ClassKind, ConfigIssue, ConnectRecord};

struct Plugin;

struct Transform(Box<dyn transforms::Transformation>);

struct Predicate(Box<dyn transforms::Predicate>);

impl transformation::Guest for Plugin {
    type Transform = Transform;
    type Predicate = Predicate;

    fn classes() -> Vec<ClassInfo> {
        let (transforms, predicates) = transforms::class_names();
        transforms
            .into_iter()
            .map(|name| ClassInfo { name, kind: ClassKind::Transformation })
            .chain(predicates.into_iter().map(|name| ClassInfo { name, kind: ClassKind::Predicate }))
            .collect()
    }

    fn config_def(class_name: String) -> Vec<eddy::plugin::connect_types::ConfigKey> {
        transforms::config_def(&class_name)
    }
}

impl transformation::GuestTransform for Transform {
    fn create(class_name: String, config: Vec<(String, String)>) -> Result<transformation::Transform, Vec<ConfigIssue>> {
        transforms::create_transform(&class_name, config).map(|inner| transformation::Transform::new(Transform(inner)))
    }

    fn apply(&self, record: ConnectRecord) -> Result<Option<ConnectRecord>, String> {
        let decoded = graph::decode(&record)?;
        Ok(self.0.apply(decoded)?.map(|record| graph::encode(&record)))
    }
}

impl transformation::GuestPredicate for Predicate {
    fn create(class_name: String, config: Vec<(String, String)>) -> Result<transformation::Predicate, Vec<ConfigIssue>> {
        transforms::create_predicate(&class_name, config).map(|inner| transformation::Predicate::new(Predicate(inner)))
    }

    fn test(&self, record: ConnectRecord) -> Result<bool, String> {
        self.0.test(&graph::decode(&record)?)
    }
}

export!(Plugin);
