//! The configuration definition of each class (Kafka's `config()`), for the
//! host's validate endpoint: the generated table (config_defs.rs) as the
//! contract's `config-key`s.
//!
//! Owns: finding a class's keys by Kafka's class name and turning the
//! table's rows into the WIT type.
//! Must never: hold a key by hand: the table is generated from Kafka's jars.

use super::config_defs::CONFIG_DEFS;
use super::PACKAGE;
use crate::eddy::plugin::connect_types::{ConfigDefault, ConfigImportance, ConfigKey, ConfigType, ConfigWidth};

/// A key's default: none (required), Java's `null`, or a value as written.
pub enum KeyDefault {
    Required,
    Null,
    Value(&'static str),
}

/// One row of the table: Kafka's `ConfigDef.ConfigKey` (type, importance and width by their Java names).
pub struct KeyDef {
    pub name: &'static str,
    pub type_: &'static str,
    pub default: KeyDefault,
    pub importance: &'static str,
    pub documentation: &'static str,
    pub group: Option<&'static str>,
    pub order_in_group: i32,
    pub width: &'static str,
    pub display_name: &'static str,
}

/// The keys of class `class_name` (`…Cast$Value`, `…predicates.HasHeaderKey`); empty for a class not provided.
pub fn config_def(class_name: &str) -> Vec<ConfigKey> {
    let Some(simple) = class_name.strip_prefix(PACKAGE) else { return Vec::new() };
    let base = simple.strip_suffix("$Key").or_else(|| simple.strip_suffix("$Value")).unwrap_or(simple);
    let provided = super::class_names();
    if !provided.0.iter().chain(provided.1.iter()).any(|name| name == class_name) {
        return Vec::new();
    }
    CONFIG_DEFS.iter().find(|(name, _)| *name == base).map(|(_, keys)| keys.iter().map(to_wit).collect()).unwrap_or_default()
}

fn to_wit(key: &KeyDef) -> ConfigKey {
    ConfigKey {
        name: key.name.into(),
        type_: match key.type_ {
            "BOOLEAN" => ConfigType::Boolean,
            "INT" => ConfigType::Int,
            "SHORT" => ConfigType::Short,
            "LONG" => ConfigType::Long,
            "DOUBLE" => ConfigType::Double,
            "LIST" => ConfigType::List,
            "CLASS" => ConfigType::Class,
            "PASSWORD" => ConfigType::Password,
            _ => ConfigType::String,
        },
        default: match key.default {
            KeyDefault::Required => ConfigDefault::Required,
            KeyDefault::Null => ConfigDefault::Null,
            KeyDefault::Value(value) => ConfigDefault::Value(value.into()),
        },
        importance: match key.importance {
            "HIGH" => ConfigImportance::High,
            "MEDIUM" => ConfigImportance::Medium,
            _ => ConfigImportance::Low,
        },
        documentation: key.documentation.into(),
        group: key.group.map(String::from),
        order_in_group: key.order_in_group,
        width: match key.width {
            "SHORT" => ConfigWidth::Short,
            "MEDIUM" => ConfigWidth::Medium,
            "LONG" => ConfigWidth::Long,
            _ => ConfigWidth::None,
        },
        display_name: key.display_name.into(),
        dependents: Vec::new(),
    }
}
