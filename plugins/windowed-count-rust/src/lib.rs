//! Windowed count through the Processor API: counts the records of each key
//! per tumbling window of `window.size.ms` in the window store `windows` (or
//! the store named by config `store`), and forwards (windowed key, count) in
//! Kafka Streams' bytes — the key as TimeWindowedSerde writes it (key, then
//! the window start as 8 big-endian bytes) and the count as LongSerde writes
//! it — with the input's timestamp. Records without a key are skipped.
//! (The DSL's windowed count adds grace and late-record handling on top.)

use eddy_plugin::{export_processor, forward, Config, Processor, Record, WindowStore};

struct WindowedCount {
    windows: WindowStore,
    size: i64,
}

impl Processor for WindowedCount {
    fn init(config: &Config) -> Result<Self, String> {
        let size = config
            .require("window.size.ms")?
            .parse::<i64>()
            .ok()
            .filter(|size| *size > 0)
            .ok_or("window.size.ms must be a positive whole number of milliseconds")?;
        let store = config.get("store").unwrap_or("windows");
        Ok(WindowedCount { windows: WindowStore::open(store)?, size })
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        let Some(key) = record.key else { return Ok(()) };
        let start = record.timestamp - record.timestamp.rem_euclid(self.size);
        let count = match self.windows.fetch(&key, start) {
            Some(bytes) => i64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| "the store holds a value that is not an 8-byte count")?) + 1,
            None => 1,
        };
        let value = count.to_be_bytes().to_vec();
        self.windows.put(&key, Some(&value), start);
        let mut windowed = key;
        windowed.extend_from_slice(&start.to_be_bytes());
        forward(&Record::new(Some(windowed), Some(value), record.timestamp));
        Ok(())
    }
}

export_processor!(WindowedCount);
