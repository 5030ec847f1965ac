//! `java.text.SimpleDateFormat` in UTC with the US English symbols:
//! compiling a pattern (Kafka's `IllegalArgumentException` messages),
//! formatting a `java.util.Date`, and lenient parsing as Java's `parse`
//! does (fields may overflow, text after the pattern is ignored).
//!
//! Owns: the proleptic Gregorian calendar arithmetic (Java switches to the
//! Julian calendar before 1582-10-15; Eddy does not) and US weeks (Sunday
//! first, one day minimum). A two-digit year (`yy`) parses into 1946–2045,
//! the window Java computes from the clock in 2026 (the plugin has no clock).
//! Must never: consult a time zone other than UTC.

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const PATTERN_LETTERS: &str = "GyMdkHmsSEDFwWahKzZYuXL";
const MILLIS_PER_DAY: i64 = 86_400_000;

#[derive(Clone, Debug)]
enum Item {
    Literal(String),
    Field { letter: char, count: usize },
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct DateFormat {
    pattern: String,
    items: Vec<Item>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1–12, day) of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// 0 = Sunday … 6 = Saturday.
fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// The broken-down UTC time of a `java.util.Date`.
struct Fields {
    year: i64,
    month: i64,
    day: i64,
    day_of_year: i64,
    weekday: i64,
    hour: i64,
    minute: i64,
    second: i64,
    millisecond: i64,
    week_of_year: i64,
    week_year: i64,
    week_of_month: i64,
}

fn fields_of(millis: i64) -> Fields {
    let days = millis.div_euclid(MILLIS_PER_DAY);
    let in_day = millis.rem_euclid(MILLIS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let jan1 = days_from_civil(year, 1, 1);
    let next_jan1 = days_from_civil(year + 1, 1, 1);
    let next_week_start = next_jan1 - weekday(next_jan1);
    let (week_of_year, week_year) = if days >= next_week_start {
        (1, year + 1)
    } else {
        ((days - (jan1 - weekday(jan1))) / 7 + 1, year)
    };
    let first_of_month = days_from_civil(year, month, 1);
    Fields {
        year,
        month,
        day,
        day_of_year: days - jan1 + 1,
        weekday: weekday(days),
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        millisecond: in_day % 1000,
        week_of_year,
        week_year,
        week_of_month: (day + weekday(first_of_month) - 1) / 7 + 1,
    }
}

fn padded(value: i64, digits: usize) -> String {
    let text = value.unsigned_abs().to_string();
    let sign = if value < 0 { "-" } else { "" };
    if text.len() >= digits {
        format!("{sign}{text}")
    } else {
        format!("{sign}{}{}", "0".repeat(digits - text.len()), text)
    }
}

fn is_numeric(letter: char, count: usize) -> bool {
    match letter {
        'M' | 'L' => count <= 2,
        'y' | 'Y' | 'd' | 'D' | 'F' | 'w' | 'W' | 'H' | 'k' | 'K' | 'h' | 'm' | 's' | 'S' | 'u' => true,
        _ => false,
    }
}

impl DateFormat {
    /// `new SimpleDateFormat(pattern)`; the message of Java's IllegalArgumentException.
    pub fn compile(pattern: &str) -> Result<DateFormat, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut items: Vec<Item> = Vec::new();
        let mut literal = String::new();
        let mut at = 0;
        while at < chars.len() {
            let c = chars[at];
            if c == '\'' {
                if chars.get(at + 1) == Some(&'\'') {
                    literal.push('\'');
                    at += 2;
                    continue;
                }
                at += 1;
                loop {
                    match chars.get(at) {
                        None => return Err("Unterminated quote".into()),
                        Some('\'') if chars.get(at + 1) == Some(&'\'') => {
                            literal.push('\'');
                            at += 2;
                        }
                        Some('\'') => {
                            at += 1;
                            break;
                        }
                        Some(other) => {
                            literal.push(*other);
                            at += 1;
                        }
                    }
                }
                continue;
            }
            if c.is_ascii_alphabetic() {
                if !PATTERN_LETTERS.contains(c) {
                    return Err(format!("Illegal pattern character '{c}'"));
                }
                let mut count = 1;
                while chars.get(at + count) == Some(&c) {
                    count += 1;
                }
                if !literal.is_empty() {
                    items.push(Item::Literal(std::mem::take(&mut literal)));
                }
                items.push(Item::Field { letter: c, count });
                at += count;
                continue;
            }
            literal.push(c);
            at += 1;
        }
        if !literal.is_empty() {
            items.push(Item::Literal(literal));
        }
        Ok(DateFormat { pattern: pattern.to_string(), items })
    }

    /// `toPattern()`.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// `format(new Date(millis))` in UTC.
    pub fn format(&self, millis: i64) -> String {
        let f = fields_of(millis);
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Literal(text) => out.push_str(text),
                Item::Field { letter, count } => {
                    let count = *count;
                    let era_year = if f.year <= 0 { 1 - f.year } else { f.year };
                    match letter {
                        'G' => out.push_str(if f.year <= 0 { "BC" } else { "AD" }),
                        'y' | 'Y' => {
                            let year = if *letter == 'Y' { if f.week_year <= 0 { 1 - f.week_year } else { f.week_year } } else { era_year };
                            if count == 2 {
                                out.push_str(&padded(year % 100, 2));
                            } else {
                                out.push_str(&padded(year, count));
                            }
                        }
                        'M' | 'L' => {
                            if count >= 4 {
                                out.push_str(MONTHS[(f.month - 1) as usize]);
                            } else if count == 3 {
                                out.push_str(&MONTHS[(f.month - 1) as usize][..3]);
                            } else {
                                out.push_str(&padded(f.month, count));
                            }
                        }
                        'd' => out.push_str(&padded(f.day, count)),
                        'k' => out.push_str(&padded(if f.hour == 0 { 24 } else { f.hour }, count)),
                        'H' => out.push_str(&padded(f.hour, count)),
                        'm' => out.push_str(&padded(f.minute, count)),
                        's' => out.push_str(&padded(f.second, count)),
                        'S' => out.push_str(&padded(f.millisecond, count)),
                        'E' => {
                            let name = DAYS[f.weekday as usize];
                            out.push_str(if count >= 4 { name } else { &name[..3] });
                        }
                        'u' => out.push_str(&padded(if f.weekday == 0 { 7 } else { f.weekday }, count)),
                        'D' => out.push_str(&padded(f.day_of_year, count)),
                        'F' => out.push_str(&padded((f.day - 1) / 7 + 1, count)),
                        'w' => out.push_str(&padded(f.week_of_year, count)),
                        'W' => out.push_str(&padded(f.week_of_month, count)),
                        'a' => out.push_str(if f.hour < 12 { "AM" } else { "PM" }),
                        'h' => out.push_str(&padded(if f.hour % 12 == 0 { 12 } else { f.hour % 12 }, count)),
                        'K' => out.push_str(&padded(f.hour % 12, count)),
                        'z' => out.push_str(if count >= 4 { "Coordinated Universal Time" } else { "UTC" }),
                        'Z' => out.push_str("+0000"),
                        'X' => out.push('Z'),
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// `parse(text, new ParsePosition(0))`: the date, or `None` (position left at 0).
    pub fn parse_at(&self, text: &str) -> Option<i64> {
        let chars: Vec<char> = text.chars().collect();
        let mut at = 0usize;
        let mut year: Option<i64> = None;
        let mut bc = false;
        let mut month: Option<i64> = None;
        let mut day: Option<i64> = None;
        let mut day_of_year: Option<i64> = None;
        let mut hour: i64 = 0;
        let mut hour12: Option<i64> = None;
        let mut pm: Option<bool> = None;
        let mut minute = 0i64;
        let mut second = 0i64;
        let mut millisecond = 0i64;
        let mut offset_minutes = 0i64;
        for (index, item) in self.items.iter().enumerate() {
            match item {
                Item::Literal(literal) => {
                    for expected in literal.chars() {
                        if chars.get(at) != Some(&expected) {
                            return None;
                        }
                        at += 1;
                    }
                }
                Item::Field { letter, count } => {
                    let count = *count;
                    let abutting = matches!(self.items.get(index + 1), Some(Item::Field { letter, count }) if is_numeric(*letter, *count));
                    if is_numeric(*letter, count) {
                        let start = at;
                        let negative = chars.get(at) == Some(&'-') && matches!(letter, 'y' | 'Y');
                        if negative {
                            at += 1;
                        }
                        let digits_start = at;
                        while at < chars.len() && chars[at].is_ascii_digit() && (!abutting || at - digits_start < count) {
                            at += 1;
                        }
                        if at == digits_start {
                            return None;
                        }
                        let digits: String = chars[digits_start..at].iter().collect();
                        let mut value: i64 = digits.parse().ok()?;
                        if negative {
                            value = -value;
                        }
                        match letter {
                            'y' | 'Y' => {
                                if count <= 2 && at - start == 2 && !negative {
                                    value += if value >= 46 { 1900 } else { 2000 };
                                }
                                year = Some(value);
                            }
                            'M' | 'L' => month = Some(value),
                            'd' => day = Some(value),
                            'D' => day_of_year = Some(value),
                            'H' => hour = value,
                            'k' => hour = if value == 24 { 0 } else { value },
                            'K' => hour12 = Some(value),
                            'h' => hour12 = Some(if value == 12 { 0 } else { value }),
                            'm' => minute = value,
                            's' => second = value,
                            'S' => millisecond = value,
                            _ => {}
                        }
                        continue;
                    }
                    match letter {
                        'G' => {
                            let (matched, length) = match_names(&chars[at..], &["AD", "BC"])?;
                            bc = matched == 1;
                            at += length;
                        }
                        'M' | 'L' => {
                            let long = match_names(&chars[at..], &MONTHS);
                            let short_names: Vec<&str> = MONTHS.iter().map(|name| &name[..3]).collect();
                            let short = match_names(&chars[at..], &short_names);
                            let (matched, length) = longest(long, short)?;
                            month = Some(matched as i64 + 1);
                            at += length;
                        }
                        'E' => {
                            let long = match_names(&chars[at..], &DAYS);
                            let short_names: Vec<&str> = DAYS.iter().map(|name| &name[..3]).collect();
                            let short = match_names(&chars[at..], &short_names);
                            let (_, length) = longest(long, short)?;
                            at += length;
                        }
                        'a' => {
                            let (matched, length) = match_names(&chars[at..], &["AM", "PM"])?;
                            pm = Some(matched == 1);
                            at += length;
                        }
                        'z' | 'Z' | 'X' => {
                            let (minutes, length) = parse_zone(&chars[at..])?;
                            offset_minutes = minutes;
                            at += length;
                        }
                        _ => return None,
                    }
                }
            }
        }
        if at == 0 && !self.items.is_empty() {
            return None;
        }
        let mut year = year.unwrap_or(1970);
        if bc {
            year = 1 - year;
        }
        if let Some(h) = hour12 {
            hour = h + if pm == Some(true) { 12 } else { 0 };
        } else if pm == Some(true) && hour < 12 {
            // `a` without h/K leaves HOUR_OF_DAY as parsed.
        }
        let days = match (month, day, day_of_year) {
            (None, None, Some(doy)) => days_from_civil(year, 1, 1) + doy - 1,
            _ => {
                let month0 = month.unwrap_or(1) - 1;
                let y = year + month0.div_euclid(12);
                let m = month0.rem_euclid(12) + 1;
                days_from_civil(y, m, 1) + day.unwrap_or(1) - 1
            }
        };
        Some(days * MILLIS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond - offset_minutes * 60_000)
    }
}

fn longest(a: Option<(usize, usize)>, b: Option<(usize, usize)>) -> Option<(usize, usize)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The longest name that `text` starts with (case-insensitive): (index, length).
fn match_names(text: &[char], names: &[&str]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (index, name) in names.iter().enumerate() {
        let length = name.chars().count();
        if text.len() >= length && text[..length].iter().zip(name.chars()).all(|(a, b)| a.eq_ignore_ascii_case(&b)) && best.map_or(true, |(_, l)| length > l) {
            best = Some((index, length));
        }
    }
    best
}

/// A zone: `Z`, `UTC`, `GMT`, `GMT±hh:mm`, `±hh:mm`, `±hhmm`, `±hh`: (offset minutes, length).
fn parse_zone(text: &[char]) -> Option<(i64, usize)> {
    if text.first() == Some(&'Z') {
        return Some((0, 1));
    }
    let mut at = 0;
    for prefix in ["UTC", "GMT", "UT"] {
        if text.len() >= prefix.len() && text[..prefix.len()].iter().collect::<String>() == prefix {
            at = prefix.len();
            break;
        }
    }
    let sign = match text.get(at) {
        Some('+') => 1,
        Some('-') => -1,
        _ => return if at > 0 { Some((0, at)) } else { None },
    };
    at += 1;
    let digit = |i: usize| text.get(i).and_then(|c| c.to_digit(10)).map(i64::from);
    let hours = digit(at)? * 10 + digit(at + 1)?;
    at += 2;
    let mut minutes = 0;
    if text.get(at) == Some(&':') {
        minutes = digit(at + 1)? * 10 + digit(at + 2)?;
        at += 3;
    } else if let (Some(a), Some(b)) = (digit(at), digit(at + 1)) {
        minutes = a * 10 + b;
        at += 2;
    }
    Some((sign * (hours * 60 + minutes), at))
}

/// Values' ISO 8601 patterns (`Values.dateFormatFor`): time for a date
/// before 1970-01-02, date for a whole day, timestamp otherwise.
pub fn iso_format_for(millis: i64) -> &'static str {
    if millis < MILLIS_PER_DAY {
        "HH:mm:ss.SSS'Z'"
    } else if millis % MILLIS_PER_DAY == 0 {
        "yyyy-MM-dd"
    } else {
        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    }
}

/// `Values.dateFormatFor(date).format(date)`.
pub fn iso_format(millis: i64) -> String {
    DateFormat::compile(iso_format_for(millis)).expect("constant pattern").format(millis)
}
