//! DSL functions for the examples, the demo and the differential tests
//! against Kafka Streams (test/kafka-streams/DslScenario.java implements the
//! same functions in Java, name for name).
//!
//! Values are strings in UTF-8 (Kafka's StringSerde) unless a function says
//! Long: 8 bytes big-endian (LongSerde). A null input gives a null output
//! where Java would (`null` string concatenation writes "null").

use eddy_functions::{export_functions, Bytes, Config, Registry};

fn text(bytes: Option<&[u8]>) -> Result<Option<&str>, String> {
    bytes.map(|b| std::str::from_utf8(b).map_err(|e| format!("not UTF-8: {e}"))).transpose()
}

fn string(value: Option<&str>) -> Bytes {
    value.map(|v| v.as_bytes().to_vec())
}

fn long(bytes: Option<&[u8]>) -> Result<i64, String> {
    let b = bytes.ok_or("null aggregate")?;
    let array: [u8; 8] = b.try_into().map_err(|_| format!("a Long is 8 bytes, got {}", b.len()))?;
    Ok(i64::from_be_bytes(array))
}

/// Java's `String.length()`: UTF-16 code units.
fn java_length(value: &str) -> i64 {
    value.encode_utf16().count() as i64
}

/// Java's `s.toLowerCase(Locale.ROOT).split("\\W+")`: `\W` is ASCII
/// (anything but `[a-zA-Z0-9_]`), a leading separator gives a leading empty
/// word, trailing empty words are removed (so a line of separators only gives
/// none), and "" gives one empty word.
fn java_split_words(line: &str) -> Vec<String> {
    let lower = line.to_lowercase();
    if lower.is_empty() {
        return vec![String::new()];
    }
    let mut tokens = lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    // split() yields "" between adjacent separators; `\W+` takes a run as one:
    // only the first token may be empty.
    let mut words: Vec<String> = tokens.next().map(str::to_string).into_iter().collect();
    words.extend(tokens.filter(|w| !w.is_empty()).map(str::to_string));
    while words.last().is_some_and(|w| w.is_empty()) {
        words.pop();
    }
    words
}

fn register(_config: &Config, f: &mut Registry) -> Result<(), String> {
    f.flat_value_mapper("split-words", |_key, value| {
        Ok(match text(value)? {
            Some(line) => java_split_words(line).into_iter().map(|w| Some(w.into_bytes())).collect(),
            None => Vec::new(),
        })
    });
    // Eddy's word definition (plugins/wordcount-rust, the Kafka benchmarks):
    // lowercase, split on runs of characters that are neither Alphabetic nor
    // Numeric, no empty words.
    f.flat_value_mapper("unicode-words", |_key, value| {
        Ok(match text(value)? {
            Some(line) => line
                .to_lowercase()
                .split(|c: char| !(c.is_alphabetic() || c.is_numeric()))
                .filter(|w| !w.is_empty())
                .map(|w| Some(w.as_bytes().to_vec()))
                .collect(),
            None => Vec::new(),
        })
    });
    // A Long (8 bytes) as decimal text.
    f.value_mapper("long-to-decimal", |_key, value| Ok(value.map(|v| long(Some(v)).map(|n| n.to_string().into_bytes())).transpose()?));
    f.key_selector("value-as-key", |_key, value| Ok(value.map(<[u8]>::to_vec)));
    // The record's own key (None for a null key): a join key that can be null while the value is not.
    f.key_selector("record-key", |key, _value| Ok(key.map(<[u8]>::to_vec)));
    f.key_selector("first-letter", |_key, value| {
        Ok(text(value)?.map(|v| v.chars().next().map(String::from).unwrap_or_default().into_bytes()))
    });
    f.key_value_mapper("swap", |key, value| Ok((value.map(<[u8]>::to_vec), key.map(<[u8]>::to_vec))));
    f.key_value_mapper("by-first-letter", |key, value| {
        let first = text(value)?.map(|v| v.chars().next().map(String::from).unwrap_or_default());
        let _ = key;
        Ok((first.map(String::into_bytes), value.map(<[u8]>::to_vec)))
    });
    f.value_mapper("uppercase", |_key, value| Ok(string(text(value)?.map(str::to_uppercase).as_deref())));
    f.value_mapper("length", |_key, value| Ok(text(value)?.map(|v| java_length(v).to_be_bytes().to_vec())));
    f.predicate("has-a", |_key, value| Ok(text(value)?.is_some_and(|v| v.contains('a'))));
    f.predicate("key-has-a", |key, _value| Ok(text(key)?.is_some_and(|k| k.contains('a'))));
    f.flat_mapper("words-as-keys", |key, value| {
        Ok(match text(value)? {
            Some(line) => java_split_words(line).into_iter().map(|w| (Some(w.into_bytes()), key.map(<[u8]>::to_vec))).collect(),
            None => Vec::new(),
        })
    });
    f.initializer("empty-string", || Ok(Some(Vec::new())));
    f.initializer("zero", || Ok(Some(0i64.to_be_bytes().to_vec())));
    f.aggregator("append", |_key, value, aggregate| {
        let so_far = text(aggregate)?.unwrap_or("null");
        let value = text(value)?.unwrap_or("null");
        Ok(Some(format!("{so_far}{value}").into_bytes()))
    });
    f.aggregator("add-length", |_key, value, aggregate| {
        let add = text(value)?.map(java_length).unwrap_or(0);
        Ok(Some((long(aggregate)? + add).to_be_bytes().to_vec()))
    });
    f.aggregator("subtract-length", |_key, value, aggregate| {
        let sub = text(value)?.map(java_length).unwrap_or(0);
        Ok(Some((long(aggregate)? - sub).to_be_bytes().to_vec()))
    });
    f.reducer("concat", |aggregate, value| {
        let so_far = text(aggregate)?.unwrap_or("null");
        let value = text(value)?.unwrap_or("null");
        Ok(Some(format!("{so_far},{value}").into_bytes()))
    });
    f.reducer("minus", |aggregate, value| {
        let so_far = text(aggregate)?.unwrap_or("null");
        let value = text(value)?.unwrap_or("null");
        Ok(Some(format!("{so_far}-{value}").into_bytes()))
    });
    f.reducer("sum", |aggregate, value| Ok(Some((long(aggregate)? + long(value)?).to_be_bytes().to_vec())));
    f.value_joiner("join-values", |_key, left, right| {
        let left = text(left)?.unwrap_or("null");
        let right = text(right)?.unwrap_or("null");
        Ok(Some(format!("{left}+{right}").into_bytes()))
    });
    f.action("nothing", |_key, _value| Ok(()));
    // The time in a value "<anything>@<millis>", else the record's own.
    f.timestamp_extractor("time-from-value", |_key, value, timestamp, _partition_time| {
        Ok(text(value)?.and_then(|v| v.rsplit_once('@')).and_then(|(_, t)| t.parse::<i64>().ok()).unwrap_or(timestamp))
    });
    f.topic_name_extractor("topic-by-first-letter", |_key, value, _source| {
        Ok(match text(value)?.and_then(|v| v.chars().next()) {
            Some(c) if c.is_ascii_alphabetic() => format!("letter-{}", c.to_ascii_lowercase()),
            _ => "letter-other".to_string(),
        })
    });
    f.merger("merge-lengths", |_key, a, b| Ok(Some((long(a)? + long(b)?).to_be_bytes().to_vec())));
    f.merger("merge-strings", |_key, a, b| {
        let a = text(a)?.unwrap_or("null");
        let b = text(b)?.unwrap_or("null");
        Ok(Some(format!("{a}|{b}").into_bytes()))
    });
    Ok(())
}

export_functions!(register);
