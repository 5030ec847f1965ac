//! ReplaceField$Key / ReplaceField$Value: keep (`include`), drop
//! (`exclude`) and rename (`renames`) fields.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::{require_map, require_struct, string_key, Transformation};
use crate::config::{invalid, list_text, Config};
use crate::data::{Record, Side, Struct, StructBuilder, Value};
use crate::java::JavaHashMap;

const PURPOSE: &str = "field replacement";

struct ReplaceField {
    side: Side,
    exclude: Vec<String>,
    include: Vec<String>,
    /// (from, to), as Java's HashMap holds them.
    renames: Vec<(String, String)>,
    replace_null_with_default: bool,
}

/// `parseRenameMappings`: each `from:to` (Java's `split(":")`, trailing empties dropped).
fn parse_renames(mappings: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut map = JavaHashMap::new();
    for mapping in mappings {
        let mut parts: Vec<&str> = mapping.split(':').collect();
        while parts.last() == Some(&"") {
            parts.pop();
        }
        if parts.len() != 2 {
            return Err(format!("Invalid rename mapping: {mapping}"));
        }
        map.put_str(parts[0], Value::String(parts[1].into()));
    }
    Ok(map
        .into_entries()
        .into_iter()
        .map(|(k, v)| match (k, v) {
            (Value::String(k), Value::String(v)) => (k, v),
            _ => unreachable!(),
        })
        .collect())
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let exclude = config.list("exclude", Some(Vec::new()));
    let exclude = config.unique_list("exclude", exclude, true);
    let include = config.list("include", Some(Vec::new()));
    let include = config.unique_list("include", include, true);
    let renames = config.list("renames", Some(Vec::new())).and_then(|mappings| match parse_renames(&mappings) {
        Ok(renames) => Some(renames),
        Err(message) => {
            config.issues.push(invalid("renames", &list_text(&mappings), &message));
            None
        }
    });
    let replace_null_with_default = config.boolean("replace.null.with.default", true);
    Some(Box::new(ReplaceField { side: side?, exclude: exclude?, include: include?, renames: renames?, replace_null_with_default }))
}

impl ReplaceField {
    fn keeps(&self, name: &str) -> bool {
        !self.exclude.iter().any(|f| f == name) && (self.include.is_empty() || self.include.iter().any(|f| f == name))
    }

    fn renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.renames.iter().find(|(from, _)| from == name).map(|(_, to)| to.as_str()).unwrap_or(name)
    }

    /// The reverse mapping: Java's inverted HashMap keeps the last `from` per `to`.
    fn reverse_renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.renames.iter().rev().find(|(_, to)| to == name).map(|(from, _)| from.as_str()).unwrap_or(name)
    }
}

impl Transformation for ReplaceField {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side);
        if operand.is_null() {
            return Ok(Some(record));
        }
        match record.schema(self.side) {
            None => {
                let entries = require_map(operand, PURPOSE)?;
                let mut updated = JavaHashMap::with_capacity(entries.len());
                for (key, value) in entries {
                    let name = string_key(key)?;
                    if self.keeps(name) {
                        updated.put_str(self.renamed(name), value.clone());
                    }
                }
                let value = updated.into_value();
                Ok(Some(record.with(self.side, None, value)))
            }
            Some(_) => {
                let value = require_struct(operand, PURPOSE)?;
                let mut builder = StructBuilder::with_basics_of(&value.schema);
                for field in &value.schema.fields {
                    if self.keeps(&field.name) {
                        builder.field(self.renamed(&field.name), field.schema.clone())?;
                    }
                }
                let mut updated = Struct::new(builder.build());
                let names: Vec<String> = updated.schema.fields.iter().map(|field| field.name.clone()).collect();
                for name in names {
                    let source = self.reverse_renamed(&name);
                    updated.put(&name, value.lookup(source, self.replace_null_with_default)?)?;
                }
                let schema = updated.schema.clone();
                Ok(Some(record.with(self.side, Some(schema), Value::Struct(updated))))
            }
        }
    }
}
