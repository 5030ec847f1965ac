// DSL functions identical to plugins/dsl-functions-rust, name for name and
// byte for byte (test/dsl/functions-go.test.ts calls every function of both
// on the same inputs), so the DSL examples and differential scenarios can
// run with either.
//
// Values are strings in UTF-8 (Kafka's StringSerde) unless a function says
// Long: 8 bytes big-endian (LongSerde). A null input gives a null output
// where Java would (`null` string concatenation writes "null").
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"eddy/sdk/functions"
	"eddy/sdk/words"
)

// text is the value as a string (nil for null), or Rust's "not UTF-8: …" error.
func text(b []byte) (*string, error) {
	if b == nil {
		return nil, nil
	}
	s, err := functions.Text(b)
	if err != nil {
		return nil, fmt.Errorf("not UTF-8: %w", err)
	}
	return &s, nil
}

func orNull(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

func long(b []byte) (int64, error) {
	if b == nil {
		return 0, errors.New("null aggregate")
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("a Long is 8 bytes, got %d", len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

func longBytes(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// javaLength is Java's `String.length()`: UTF-16 code units.
func javaLength(s string) int64 {
	var n int64
	for _, r := range s {
		n += int64(utf16.RuneLen(r))
	}
	return n
}

// javaSplitWords is Java's `s.toLowerCase(Locale.ROOT).split("\\W+")` (as the Rust plugin writes it).
func javaSplitWords(line string) []string {
	lower := words.Lower(line)
	if lower == "" {
		return []string{""}
	}
	tokens := strings.FieldsFunc(lower, func(r rune) bool { return !isJavaWordCharacter(r) })
	if first, _ := utf8.DecodeRuneInString(lower); !isJavaWordCharacter(first) {
		tokens = append([]string{""}, tokens...)
	}
	for len(tokens) > 0 && tokens[len(tokens)-1] == "" {
		tokens = tokens[:len(tokens)-1]
	}
	return tokens
}

func isJavaWordCharacter(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// firstCharacter is Rust's `v.chars().next().map(String::from).unwrap_or_default()`.
func firstCharacter(s string) string {
	if s == "" {
		return ""
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size]
}

// present is s as bytes that are never nil (nil is null; "" is an empty value).
func present(s string) []byte { return append([]byte{}, s...) }

func register(_ functions.Config, f *functions.Registry) error {
	f.FlatValueMapper("split-words", func(_, value []byte) ([][]byte, error) {
		line, err := text(value)
		if err != nil || line == nil {
			return nil, err
		}
		var out [][]byte
		for _, word := range javaSplitWords(*line) {
			out = append(out, present(word))
		}
		return out, nil
	})
	// Eddy's word definition (plugins/wordcount-rust): lowercase, split on runs
	// of characters that are neither Alphabetic nor Numeric, no empty words.
	f.FlatValueMapper("unicode-words", func(_, value []byte) ([][]byte, error) {
		line, err := text(value)
		if err != nil || line == nil {
			return nil, err
		}
		var out [][]byte
		words.Each(*line, func(word string) { out = append(out, present(word)) })
		return out, nil
	})
	// A Long (8 bytes) as decimal text.
	f.ValueMapper("long-to-decimal", func(_, value []byte) ([]byte, error) {
		if value == nil {
			return nil, nil
		}
		n, err := long(value)
		return present(strconv.FormatInt(n, 10)), err
	})
	f.KeySelector("value-as-key", func(_, value []byte) ([]byte, error) { return value, nil })
	// The record's own key (nil for a null key): a join key that can be null while the value is not.
	f.KeySelector("record-key", func(key, _ []byte) ([]byte, error) { return key, nil })
	f.KeySelector("first-letter", func(_, value []byte) ([]byte, error) {
		v, err := text(value)
		if err != nil || v == nil {
			return nil, err
		}
		return present(firstCharacter(*v)), nil
	})
	f.KeyValueMapper("swap", func(key, value []byte) (functions.KeyValue, error) {
		return functions.KeyValue{Key: value, Value: key}, nil
	})
	f.KeyValueMapper("by-first-letter", func(_, value []byte) (functions.KeyValue, error) {
		v, err := text(value)
		if err != nil {
			return functions.KeyValue{}, err
		}
		var first []byte
		if v != nil {
			first = present(firstCharacter(*v))
		}
		return functions.KeyValue{Key: first, Value: value}, nil
	})
	f.ValueMapper("uppercase", func(_, value []byte) ([]byte, error) {
		v, err := text(value)
		if err != nil || v == nil {
			return nil, err
		}
		return present(words.Upper(*v)), nil
	})
	f.ValueMapper("length", func(_, value []byte) ([]byte, error) {
		v, err := text(value)
		if err != nil || v == nil {
			return nil, err
		}
		return longBytes(javaLength(*v)), nil
	})
	f.Predicate("has-a", func(_, value []byte) (bool, error) {
		v, err := text(value)
		return v != nil && strings.Contains(*v, "a"), err
	})
	f.Predicate("key-has-a", func(key, _ []byte) (bool, error) {
		k, err := text(key)
		return k != nil && strings.Contains(*k, "a"), err
	})
	f.FlatMapper("words-as-keys", func(key, value []byte) ([]functions.KeyValue, error) {
		line, err := text(value)
		if err != nil || line == nil {
			return nil, err
		}
		var out []functions.KeyValue
		for _, word := range javaSplitWords(*line) {
			out = append(out, functions.KeyValue{Key: present(word), Value: key})
		}
		return out, nil
	})
	f.Initializer("empty-string", func() ([]byte, error) { return []byte{}, nil })
	f.Initializer("zero", func() ([]byte, error) { return longBytes(0), nil })
	f.Aggregator("append", func(_, value, aggregate []byte) ([]byte, error) {
		return concatenate(aggregate, value, "")
	})
	f.Aggregator("add-length", func(_, value, aggregate []byte) ([]byte, error) {
		return addLength(value, aggregate, 1)
	})
	f.Aggregator("subtract-length", func(_, value, aggregate []byte) ([]byte, error) {
		return addLength(value, aggregate, -1)
	})
	f.Reducer("concat", func(aggregate, value []byte) ([]byte, error) { return concatenate(aggregate, value, ",") })
	f.Reducer("minus", func(aggregate, value []byte) ([]byte, error) { return concatenate(aggregate, value, "-") })
	f.Reducer("sum", func(aggregate, value []byte) ([]byte, error) {
		a, err := long(aggregate)
		if err != nil {
			return nil, err
		}
		b, err := long(value)
		return longBytes(a + b), err
	})
	f.ValueJoiner("join-values", func(_, left, right []byte) ([]byte, error) { return concatenate(left, right, "+") })
	f.Action("nothing", func(_, _ []byte) error { return nil })
	// The time in a value "<anything>@<millis>", else the record's own.
	f.TimestampExtractor("time-from-value", func(_, value []byte, timestamp, _ int64) (int64, error) {
		v, err := text(value)
		if err != nil || v == nil {
			return timestamp, err
		}
		at := strings.LastIndexByte(*v, '@')
		if at < 0 {
			return timestamp, nil
		}
		if t, err := strconv.ParseInt((*v)[at+1:], 10, 64); err == nil {
			return t, nil
		}
		return timestamp, nil
	})
	f.TopicNameExtractor("topic-by-first-letter", func(_, value []byte, _ string) (string, error) {
		v, err := text(value)
		if err != nil {
			return "", err
		}
		if v != nil && *v != "" {
			if c := (*v)[0]; (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
				return "letter-" + strings.ToLower(string(c)), nil
			}
		}
		return "letter-other", nil
	})
	f.Merger("merge-lengths", func(_, a, b []byte) ([]byte, error) {
		x, err := long(a)
		if err != nil {
			return nil, err
		}
		y, err := long(b)
		return longBytes(x + y), err
	})
	f.Merger("merge-strings", func(_, a, b []byte) ([]byte, error) { return concatenate(a, b, "|") })
	return nil
}

// concatenate is Rust's format!("{a}{separator}{b}") with null written "null".
func concatenate(a, b []byte, separator string) ([]byte, error) {
	x, err := text(a)
	if err != nil {
		return nil, err
	}
	y, err := text(b)
	if err != nil {
		return nil, err
	}
	return present(orNull(x) + separator + orNull(y)), nil
}

func addLength(value, aggregate []byte, sign int64) ([]byte, error) {
	v, err := text(value)
	if err != nil {
		return nil, err
	}
	var length int64
	if v != nil {
		length = javaLength(*v)
	}
	total, err := long(aggregate)
	if err != nil {
		return nil, err
	}
	return longBytes(total + sign*length), nil
}

func init() { functions.Export(register) }

func main() {}
