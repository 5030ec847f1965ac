//! Record rate: counts the records it sees and, every `interval-ms` of
//! `punctuation` time (`wall-clock-time`, the default, or `stream-time`),
//! forwards key `records`, value = the count since the last emission, with the
//! punctuation's timestamp. With `emit-metadata = true` it also forwards, per
//! input record, key `metadata` and value `topic/partition/offset`.

use eddy_plugin::{context, export_processor, forward, schedule, Config, Processor, PunctuationType, Record};

struct RecordRate {
    seen: u64,
    emit_metadata: bool,
}

impl Processor for RecordRate {
    fn init(config: &Config) -> Result<Self, String> {
        let interval = match config.get("interval-ms") {
            Some(text) => text.parse::<u64>().ok().filter(|n| *n > 0).ok_or(format!("interval-ms must be a positive integer, got '{text}'"))?,
            None => 1000,
        };
        let kind = match config.get("punctuation").unwrap_or("wall-clock-time") {
            "wall-clock-time" => PunctuationType::WallClockTime,
            "stream-time" => PunctuationType::StreamTime,
            other => return Err(format!("punctuation must be wall-clock-time or stream-time, got '{other}'")),
        };
        schedule(interval, kind);
        Ok(RecordRate { seen: 0, emit_metadata: config.get("emit-metadata") == Some("true") })
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        self.seen += 1;
        if self.emit_metadata {
            let where_from = match context::metadata() {
                Some(m) => format!("{}/{}/{}", m.topic, m.partition, m.offset),
                None => "none".to_string(),
            };
            forward(&Record::new(Some(b"metadata".to_vec()), Some(where_from.into_bytes()), record.timestamp));
        }
        Ok(())
    }

    fn punctuate(&mut self, _id: u32, timestamp: i64) -> Result<(), String> {
        forward(&Record::new(Some(b"records".to_vec()), Some(self.seen.to_string().into_bytes()), timestamp));
        self.seen = 0;
        Ok(())
    }
}

export_processor!(RecordRate);
