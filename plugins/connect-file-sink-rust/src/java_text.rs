//! Java's `String.valueOf(value)` for a value of Kafka Connect's data model,
//! which is what Kafka's FileStreamSink writes (`PrintStream.println(value)`):
//! `Struct{a=1,b=x}` (null fields left out, as `Struct.toString`), maps as
//! `{k=v, k2=v2}` in the order the host hands them (Java's `HashMap` order
//! where Kafka builds a `HashMap`), lists as `[a, b]`, doubles and floats as
//! `Double.toString` / `Float.toString`, decimals as `BigDecimal.toString`,
//! dates as `java.util.Date.toString` in UTC.
//!
//! Owns: that rendering, over a record's arenas.
//! Must never: print anything for a value Java would print differently,
//! except bytes: Java prints an array's identity (`[B@1b6d3586`), which no
//! one can reproduce or use; their raw bytes are written instead.

use crate::eddy::plugin::connect_data::{ConnectRecord, DecimalValue, Value};

/// Appends `String.valueOf` of the value at `index` of `record`'s arena.
pub fn write_value(record: &ConnectRecord, index: u32, out: &mut Vec<u8>) {
    let Some(value) = record.values.get(index as usize) else {
        out.extend_from_slice(b"null");
        return;
    };
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Int8(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::Int16(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::Int32(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::Int64(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::Float32(x) => out.extend_from_slice(java_floating(f64::from(*x), &format!("{:e}", x.abs())).as_bytes()),
        Value::Float64(x) => out.extend_from_slice(java_floating(*x, &format!("{:e}", x.abs())).as_bytes()),
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::String(text) => out.extend_from_slice(text.as_bytes()),
        Value::Bytes(bytes) => out.extend_from_slice(bytes),
        Value::Array(items) => {
            out.push(b'[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.extend_from_slice(b", ");
                }
                write_value(record, *item, out);
            }
            out.push(b']');
        }
        Value::Map(entries) => {
            out.push(b'{');
            for (position, (key, item)) in entries.iter().enumerate() {
                if position > 0 {
                    out.extend_from_slice(b", ");
                }
                write_value(record, *key, out);
                out.push(b'=');
                write_value(record, *item, out);
            }
            out.push(b'}');
        }
        Value::Struct(value) => {
            out.extend_from_slice(b"Struct{");
            let fields = record.schemas.get(value.schema as usize).map(|schema| schema.fields.as_slice()).unwrap_or(&[]);
            let mut first = true;
            for (field, item) in fields.iter().zip(value.fields.iter()) {
                if matches!(record.values.get(*item as usize), None | Some(Value::Null)) {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(field.name.as_bytes());
                out.push(b'=');
                write_value(record, *item, out);
            }
            out.push(b'}');
        }
        Value::Date(millis) => out.extend_from_slice(java_date(*millis).as_bytes()),
        Value::Decimal(decimal) => out.extend_from_slice(big_decimal(decimal).as_bytes()),
    }
}

/// Java's `Double.toString` / `Float.toString` layout over the shortest
/// digits that read back as the same value (`exponential`: Rust's `{:e}` of
/// the magnitude, e.g. `3.07e0`).
pub fn java_floating(value: f64, exponential: &str) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let (mantissa, exponent) = exponential.split_once('e').unwrap_or((exponential, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let sign = if value < 0.0 { "-" } else { "" };
    let magnitude = value.abs();
    if (1e-3..1e7).contains(&magnitude) {
        let point = exponent + 1;
        if point <= 0 {
            return format!("{sign}0.{}{digits}", "0".repeat((-point) as usize));
        }
        let point = point as usize;
        if point >= digits.len() {
            return format!("{sign}{digits}{}.0", "0".repeat(point - digits.len()));
        }
        return format!("{sign}{}.{}", &digits[..point], &digits[point..]);
    }
    let rest = if digits.len() > 1 { &digits[1..] } else { "0" };
    format!("{sign}{}.{rest}E{exponent}", &digits[..1])
}

/// `BigDecimal.toString()`: plain digits when the scale is not negative and
/// the adjusted exponent is at least -6, else scientific notation.
pub fn big_decimal(decimal: &DecimalValue) -> String {
    let (negative, digits) = unscaled_digits(&decimal.unscaled);
    let scale = i64::from(decimal.scale);
    let adjusted = -scale + (digits.len() as i64 - 1);
    let sign = if negative { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    if scale > 0 && adjusted >= -6 {
        let scale = scale as usize;
        if digits.len() > scale {
            let point = digits.len() - scale;
            return format!("{sign}{}.{}", &digits[..point], &digits[point..]);
        }
        return format!("{sign}0.{}{digits}", "0".repeat(scale - digits.len()));
    }
    let mut text = format!("{sign}{}", &digits[..1]);
    if digits.len() > 1 {
        text.push('.');
        text.push_str(&digits[1..]);
    }
    text.push('E');
    if adjusted >= 0 {
        text.push('+');
    }
    text.push_str(&adjusted.to_string());
    text
}

/// The sign and decimal digits of a big-endian two's-complement integer.
fn unscaled_digits(bytes: &[u8]) -> (bool, String) {
    let negative = bytes.first().is_some_and(|first| first & 0x80 != 0);
    // The magnitude, big-endian (two's complement negated when negative).
    let mut magnitude: Vec<u8> = bytes.to_vec();
    if negative {
        let mut carry = 1u16;
        for byte in magnitude.iter_mut().rev() {
            let sum = u16::from(!*byte) + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
    }
    let mut digits = Vec::new();
    while magnitude.iter().any(|byte| *byte != 0) {
        let mut remainder = 0u32;
        for byte in magnitude.iter_mut() {
            let current = (remainder << 8) | u32::from(*byte);
            *byte = (current / 10) as u8;
            remainder = current % 10;
        }
        digits.push(b'0' + remainder as u8);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    (negative, String::from_utf8(digits).unwrap_or_default())
}

/// `java.util.Date.toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`.
pub fn java_date(millis: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let seconds = millis.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days (proleptic Gregorian, as Java's for dates after 1582).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        day,
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        year
    )
}
