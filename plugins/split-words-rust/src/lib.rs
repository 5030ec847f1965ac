//! Word count, stage 1 (Kafka Streams' `flatMapValues` + `groupBy(word)`):
//! forwards one record per word of the input line, keyed by the word, so a
//! sink to a repartition topic sends every occurrence of a word to the same
//! partition. Words are defined as in `wordcount-rust`: maximal runs of
//! Alphabetic or Numeric characters of the lowercased line.

use eddy_plugin::{export_processor, forward, Config, Processor, Record};

struct SplitWords;

impl Processor for SplitWords {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(SplitWords)
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        let Some(value) = record.value else { return Ok(()) };
        let line = std::str::from_utf8(&value).map_err(|e| format!("value is not valid UTF-8: {e}"))?;
        for word in line.to_lowercase().split(|c: char| !(c.is_alphabetic() || c.is_numeric())) {
            if !word.is_empty() {
                forward(&Record::new(Some(word.as_bytes().to_vec()), Some(word.as_bytes().to_vec()), record.timestamp));
            }
        }
        Ok(())
    }
}

export_processor!(SplitWords);
