//! HoistField$Key / HoistField$Value: the key or value wrapped in a struct
//! (or map) of one field.
//! Must never: do anything Kafka's class of the same name would not do to the same record.

use super::Transformation;
use crate::config::Config;
use crate::data::{Record, Side, Struct, StructBuilder, Value};
use crate::java::JavaHashMap;

struct HoistField {
    side: Side,
    field: String,
}

pub fn create(config: &mut Config, side: Option<Side>) -> Option<Box<dyn Transformation>> {
    let field = config.required_string("field");
    Some(Box::new(HoistField { side: side?, field: field? }))
}

impl Transformation for HoistField {
    fn apply(&self, record: Record) -> Result<Option<Record>, String> {
        let operand = record.operand(self.side).clone();
        match record.schema(self.side).cloned() {
            None => {
                let mut map = JavaHashMap::new();
                map.put_str(&self.field, operand);
                let value = map.into_value();
                Ok(Some(record.with(self.side, None, value)))
            }
            Some(schema) => {
                let mut builder = StructBuilder::new();
                builder.field(&self.field, schema)?;
                let mut updated = Struct::new(builder.build());
                updated.put(&self.field, operand)?;
                let schema = updated.schema.clone();
                Ok(Some(record.with(self.side, Some(schema), Value::Struct(updated))))
            }
        }
    }
}
