//! What the transforms borrow from the Java platform, so their output is
//! Kafka's to the byte: `HashMap` iteration order (Java 17's), `hashCode`,
//! `Double.toString` / `Float.toString`, the number parsers with their
//! `NumberFormatException` messages, and `BigDecimal`.
//!
//! Owns: those behaviours, written from their specifications.
//! Must never: depend on the data model beyond `Value`.

use crate::data::{Decimal, Value};

/// `String.hashCode()`: over UTF-16 code units.
pub fn string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| hash.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// `Objects.hashCode(value)` for the classes Connect uses as map keys.
pub fn hash_code(value: &Value) -> i32 {
    match value {
        Value::Null => 0,
        Value::String(s) => string_hash(s),
        Value::Int8(v) => i32::from(*v),
        Value::Int16(v) => i32::from(*v),
        Value::Int32(v) => *v,
        Value::Int64(v) | Value::Date(v) => (*v ^ ((*v as u64) >> 32) as i64) as i32,
        Value::Boolean(v) => {
            if *v {
                1231
            } else {
                1237
            }
        }
        Value::Float32(v) => (if v.is_nan() { 0x7fc0_0000u32 } else { v.to_bits() }) as i32,
        Value::Float64(v) => {
            let bits = if v.is_nan() { 0x7ff8_0000_0000_0000u64 } else { v.to_bits() };
            (bits ^ (bits >> 32)) as i32
        }
        Value::Array(items) => items.iter().fold(1i32, |hash, item| hash.wrapping_mul(31).wrapping_add(hash_code(item))),
        Value::Map(entries) => entries.iter().fold(0i32, |hash, (k, v)| hash.wrapping_add(hash_code(k) ^ hash_code(v))),
        // Identity hashes (byte[]) and rare key classes: no stable order to reproduce.
        Value::Bytes(_) | Value::Struct(_) | Value::Decimal(_) => 0,
    }
}

fn spread(hash: i32) -> u32 {
    let h = hash as u32;
    h ^ (h >> 16)
}

/// `HashMap.tableSizeFor(capacity)`.
fn table_size_for(capacity: usize) -> usize {
    capacity.max(1).next_power_of_two().min(1 << 30)
}

/// A `java.util.HashMap` with its insertion history, so that its iteration
/// order is Java 17's: bucket by bucket (hash & (capacity − 1)), each bucket
/// in insertion order — which the table growth (splits keep relative order)
/// never changes.
#[derive(Clone, Debug)]
pub struct JavaHashMap {
    entries: Vec<(Value, Value)>,
    hashes: Vec<u32>,
    capacity: usize,
    threshold: usize,
}

impl Default for JavaHashMap {
    fn default() -> Self {
        JavaHashMap::new()
    }
}

impl JavaHashMap {
    /// `new HashMap<>()`.
    pub fn new() -> JavaHashMap {
        JavaHashMap { entries: Vec::new(), hashes: Vec::new(), capacity: 0, threshold: 0 }
    }

    /// `new HashMap<>(initialCapacity)`.
    pub fn with_capacity(initial: usize) -> JavaHashMap {
        JavaHashMap { threshold: table_size_for(initial), ..JavaHashMap::new() }
    }

    /// `new HashMap<>(map)`, `map` iterated in the given order (Java 17's sizing).
    pub fn copy_of(entries: &[(Value, Value)]) -> JavaHashMap {
        let mut map = JavaHashMap::new();
        let size = entries.len();
        if size > 0 {
            let wanted = (size as f32 / 0.75f32 + 1.0f32) as usize;
            if wanted > map.threshold {
                map.threshold = table_size_for(wanted);
            }
        }
        for (k, v) in entries {
            map.put(k.clone(), v.clone());
        }
        map
    }

    /// `new HashSet<>(collection)`: a map sized max(n / .75 + 1, 16).
    pub fn set_of(keys: &[String]) -> Vec<String> {
        let capacity = ((keys.len() as f32 / 0.75f32) as usize + 1).max(16);
        let mut map = JavaHashMap::with_capacity(capacity);
        for key in keys {
            map.put(Value::String(key.clone()), Value::Null);
        }
        map.into_entries()
            .into_iter()
            .map(|(k, _)| match k {
                Value::String(s) => s,
                _ => unreachable!(),
            })
            .collect()
    }

    fn resize(&mut self) {
        let old_capacity = self.capacity;
        let old_threshold = self.threshold;
        let mut new_threshold = 0usize;
        let new_capacity;
        if old_capacity > 0 {
            new_capacity = old_capacity << 1;
            if old_capacity >= 16 {
                new_threshold = old_threshold << 1;
            }
        } else if old_threshold > 0 {
            new_capacity = old_threshold;
        } else {
            new_capacity = 16;
            new_threshold = 12;
        }
        if new_threshold == 0 {
            new_threshold = (new_capacity as f32 * 0.75f32) as usize;
        }
        self.capacity = new_capacity;
        self.threshold = new_threshold;
    }

    fn position(&self, key: &Value) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    /// `map.put(key, value)`.
    pub fn put(&mut self, key: Value, value: Value) {
        if self.capacity == 0 {
            self.resize();
        }
        if let Some(index) = self.position(&key) {
            self.entries[index].1 = value;
            return;
        }
        let hash = spread(hash_code(&key));
        let mask = (self.capacity - 1) as u32;
        let in_bin = self.hashes.iter().filter(|other| *other & mask == hash & mask).count();
        self.entries.push((key, value));
        self.hashes.push(hash);
        // A ninth node in one bin: treeifyBin, which grows a small table instead.
        if in_bin >= 8 && self.capacity < 64 {
            self.resize();
        }
        if self.entries.len() > self.threshold {
            self.resize();
        }
    }

    pub fn put_str(&mut self, key: &str, value: Value) {
        self.put(Value::String(key.to_string()), value);
    }

    /// `map.remove(key)`.
    pub fn remove(&mut self, key: &Value) {
        if let Some(index) = self.position(key) {
            self.entries.remove(index);
            self.hashes.remove(index);
        }
    }

    /// The entries in Java's iteration order.
    pub fn into_entries(self) -> Vec<(Value, Value)> {
        let mask = self.capacity.saturating_sub(1) as u32;
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by_key(|index| self.hashes[*index] & mask);
        let mut slots: Vec<Option<(Value, Value)>> = self.entries.into_iter().map(Some).collect();
        order.into_iter().map(|index| slots[index].take().unwrap()).collect()
    }

    pub fn into_value(self) -> Value {
        Value::Map(self.into_entries())
    }
}

/// Digits and exponent of the shortest representation that reads back as
/// the same number: `x = 0.d1d2… × 10^exponent`.
fn shortest_digits(scientific: &str) -> (String, i32) {
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    (digits, exponent + 1)
}

fn java_floating_to_string(negative: bool, scientific: &str, magnitude: f64) -> String {
    let (digits, point) = shortest_digits(scientific);
    let sign = if negative { "-" } else { "" };
    if (1e-3..1e7).contains(&magnitude) {
        if point <= 0 {
            format!("{sign}0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{sign}{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!("{sign}{}.{}", &digits[..point as usize], &digits[point as usize..])
        }
    } else {
        let rest = if digits.len() > 1 { &digits[1..] } else { "0" };
        format!("{sign}{}.{}E{}", &digits[..1], rest, point - 1)
    }
}

/// `Double.toString(value)`.
pub fn double_to_string(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    java_floating_to_string(value < 0.0, &format!("{:e}", value.abs()), value.abs())
}

/// `Float.toString(value)`.
pub fn float_to_string(value: f32) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    java_floating_to_string(value < 0.0, &format!("{:e}", value.abs()), f64::from(value.abs()))
}

/// Java's `NumberFormatException.forInputString`.
fn for_input_string(text: &str) -> String {
    format!("For input string: \"{text}\"")
}

/// `Long.parseLong(text)` (and Integer's with narrower bounds).
pub fn parse_long_in(text: &str, min: i64, max: i64) -> Result<i64, String> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(for_input_string(text));
    }
    let value: i128 = text.parse::<i128>().map_err(|_| for_input_string(text))?;
    if value < i128::from(min) || value > i128::from(max) {
        return Err(for_input_string(text));
    }
    Ok(value as i64)
}

pub fn parse_long(text: &str) -> Result<i64, String> {
    parse_long_in(text, i64::MIN, i64::MAX)
}

pub fn parse_int(text: &str) -> Result<i32, String> {
    parse_long_in(text, i64::from(i32::MIN), i64::from(i32::MAX)).map(|v| v as i32)
}

/// `Short.parseShort` / `Byte.parseByte`: Integer's parse, then a range check.
pub fn parse_narrow(text: &str, min: i32, max: i32) -> Result<i32, String> {
    let value = parse_int(text)?;
    if value < min || value > max {
        return Err(format!("Value out of range. Value:\"{text}\" Radix:10"));
    }
    Ok(value)
}

/// The text `Double.parseDouble` / `Float.parseFloat` accept, normalised for Rust's parser.
fn java_float_text(text: &str) -> Result<String, String> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    if trimmed.is_empty() {
        return Err("empty String".into());
    }
    let (sign, body) = match trimmed.as_bytes()[0] {
        b'+' => ("", &trimmed[1..]),
        b'-' => ("-", &trimmed[1..]),
        _ => ("", trimmed),
    };
    if body == "NaN" || body == "Infinity" {
        return Ok(format!("{sign}{}", if body == "NaN" { "NaN" } else { "inf" }));
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let valid = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'+' || b == b'-')
        && body.bytes().any(|b| b.is_ascii_digit())
        && !body.starts_with(['e', 'E']);
    if !valid {
        return Err(for_input_string(text));
    }
    Ok(format!("{sign}{body}"))
}

/// `Double.parseDouble(text)`.
pub fn parse_double(text: &str) -> Result<f64, String> {
    java_float_text(text)?.parse::<f64>().map_err(|_| for_input_string(text))
}

/// `Float.parseFloat(text)`.
pub fn parse_float(text: &str) -> Result<f32, String> {
    java_float_text(text)?.parse::<f32>().map_err(|_| for_input_string(text))
}

/// `new BigDecimal(text)`; `None` where Java throws NumberFormatException
/// (or the number needs more than 38 digits, beyond what Eddy keeps).
pub fn parse_big_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            at = 1;
            true
        }
        Some(b'+') => {
            at = 1;
            false
        }
        _ => false,
    };
    let mut digits = String::new();
    let mut scale: i64 = 0;
    let mut seen_point = false;
    while at < bytes.len() {
        match bytes[at] {
            b'0'..=b'9' => {
                digits.push(bytes[at] as char);
                if seen_point {
                    scale += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            b'e' | b'E' => break,
            _ => return None,
        }
        at += 1;
    }
    if digits.is_empty() {
        return None;
    }
    if at < bytes.len() {
        let exponent: i64 = text[at + 1..].parse().ok()?;
        if text[at + 1..].starts_with('+') && text[at + 2..].starts_with(['+', '-']) {
            return None;
        }
        scale -= exponent;
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 38 {
        return None;
    }
    let magnitude: i128 = if trimmed.is_empty() { 0 } else { trimmed.parse().ok()? };
    let scale = i32::try_from(scale).ok()?;
    Some(Decimal { unscaled: if negative { -magnitude } else { magnitude }, scale })
}

/// `BigDecimal.toString()`.
pub fn big_decimal_to_string(decimal: &Decimal) -> String {
    let coefficient = decimal.unscaled.unsigned_abs().to_string();
    let sign = if decimal.unscaled < 0 { "-" } else { "" };
    let adjusted = -(i64::from(decimal.scale)) + (coefficient.len() as i64 - 1);
    if decimal.scale >= 0 && adjusted >= -6 {
        let scale = decimal.scale as usize;
        if scale == 0 {
            return format!("{sign}{coefficient}");
        }
        if coefficient.len() > scale {
            let split = coefficient.len() - scale;
            return format!("{sign}{}.{}", &coefficient[..split], &coefficient[split..]);
        }
        return format!("{sign}0.{}{}", "0".repeat(scale - coefficient.len()), coefficient);
    }
    let mut out = format!("{sign}{}", &coefficient[..1]);
    if coefficient.len() > 1 {
        out.push('.');
        out.push_str(&coefficient[1..]);
    }
    out.push('E');
    if adjusted > 0 {
        out.push('+');
    }
    out.push_str(&adjusted.to_string());
    out
}

/// The decimal's value as text Rust's float parsers read exactly.
fn decimal_as_float_text(decimal: &Decimal) -> String {
    format!("{}e{}", decimal.unscaled, -i64::from(decimal.scale))
}

impl Decimal {
    /// `BigDecimal.longValue()`: truncated toward zero, low 64 bits.
    pub fn long_value(&self) -> i64 {
        let mut value = self.unscaled;
        if self.scale > 0 {
            for _ in 0..self.scale.min(40) {
                value /= 10;
            }
        } else {
            for _ in 0..(-self.scale).min(130) {
                value = value.wrapping_mul(10);
            }
        }
        value as i64
    }

    pub fn double_value(&self) -> f64 {
        decimal_as_float_text(self).parse().unwrap_or(f64::NAN)
    }

    pub fn float_value(&self) -> f32 {
        decimal_as_float_text(self).parse().unwrap_or(f32::NAN)
    }

    /// Whether the value is a whole number (`stripTrailingZeros().scale() <= 0`).
    pub fn is_whole(&self) -> bool {
        if self.unscaled == 0 || self.scale <= 0 {
            return true;
        }
        let mut value = self.unscaled;
        for _ in 0..self.scale {
            if value % 10 != 0 {
                return false;
            }
            value /= 10;
        }
        true
    }
}

/// `(long) d` in Java: saturating, NaN → 0.
pub fn double_to_long(value: f64) -> i64 {
    if value.is_nan() {
        0
    } else {
        value as i64
    }
}

/// `(int) d` in Java.
pub fn double_to_int(value: f64) -> i32 {
    if value.is_nan() {
        0
    } else {
        value as i32
    }
}

/// `Base64.getEncoder().encodeToString(bytes)`.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Java's `String.trim()`: strips characters ≤ U+0020.
pub fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c <= ' ')
}
