//! Word count: counts every word of every input line in the store `counts`
//! and forwards (word, new count) for each word, in order.
//!
//! A word is a maximal run of characters that are letters (Unicode
//! Alphabetic) or digits (Unicode Numeric) in the lowercased line. Behaviour
//! is identical to `plugins/wordcount-ts`.

use eddy_plugin::{export_processor, forward, Config, Processor, Record, Store};

struct WordCount {
    counts: Store,
}

impl Processor for WordCount {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(WordCount { counts: Store::open("counts")? })
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        let Some(value) = record.value else { return Ok(()) };
        let line = std::str::from_utf8(&value).map_err(|e| format!("value is not valid UTF-8: {e}"))?;
        let lower = line.to_lowercase();
        for word in lower.split(|c: char| !(c.is_alphabetic() || c.is_numeric())) {
            if word.is_empty() {
                continue;
            }
            let key = word.as_bytes();
            let count = match self.counts.get(key) {
                Some(bytes) => parse_count(&bytes)? + 1,
                None => 1,
            };
            let count_text = count.to_string().into_bytes();
            self.counts.put(key, &count_text);
            forward(&Record::new(Some(key.to_vec()), Some(count_text), record.timestamp));
        }
        Ok(())
    }
}

fn parse_count(bytes: &[u8]) -> Result<u64, String> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| "store 'counts' holds a value that is not a decimal count".to_string())
}

export_processor!(WordCount);
