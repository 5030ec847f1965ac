//! Count by key (Kafka Streams' `count()` on a grouped stream): counts the
//! records of each key in the store `counts` (value: the count as a decimal
//! string) and forwards (key, new count) with the input's timestamp. Records
//! without a key are skipped, as `groupBy` + `count` drops null keys.

use eddy_plugin::{export_processor, forward, Config, Processor, Record, Store};

struct CountByKey {
    counts: Store,
}

impl Processor for CountByKey {
    fn init(config: &Config) -> Result<Self, String> {
        let store = config.get("store").unwrap_or("counts");
        Ok(CountByKey { counts: Store::open(store)? })
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        let Some(key) = record.key else { return Ok(()) };
        let count = match self.counts.get(&key) {
            Some(bytes) => std::str::from_utf8(&bytes)
                .ok()
                .and_then(|text| text.parse::<u64>().ok())
                .ok_or("the store holds a value that is not a decimal count")?
                + 1,
            None => 1,
        };
        let value = count.to_string().into_bytes();
        self.counts.put(&key, &value);
        forward(&Record::new(Some(key), Some(value), record.timestamp));
        Ok(())
    }
}

export_processor!(CountByKey);
