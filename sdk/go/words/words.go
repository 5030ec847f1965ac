// Package words splits text into lowercase words exactly as Rust's
// `str::to_lowercase` followed by splitting on characters that are not
// `char::is_alphabetic() || char::is_numeric()` (and as the TypeScript and
// Python SDKs do): full Unicode lowercase with the Final_Sigma rule, then
// maximal runs of Alphabetic or Numeric characters; and Upper, Rust's
// `str::to_uppercase`.
//
// Owns: lowercasing, uppercasing and word splitting from the generated tables
// (tables.go, Unicode 17 as Rust's std). Must never: use Go's `unicode` or
// `strings.ToLower` for either (they are older Unicode and the simple,
// context-free mapping).
package words

import (
	"sort"
	"strings"
	"unicode/utf8"
)

const capitalSigma = 0x3a3

var (
	asciiWord  [utf8.RuneSelf]bool
	asciiLower [utf8.RuneSelf]byte
)

func init() {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		asciiWord[r] = inRanges(wordRanges[:], r)
		asciiLower[r] = byte(r)
		if to, ok := lowercaseOf(r); ok {
			if len(to) != 1 {
				panic("words: an ASCII lowercase mapping is not one ASCII character")
			}
			asciiLower[r] = to[0]
		}
	}
}

// inRanges reports whether r is in a table of inclusive [start, end] pairs.
func inRanges(table []uint32, r rune) bool {
	pairs := len(table) / 2
	// The first pair whose end is at least r.
	index := sort.Search(pairs, func(i int) bool { return table[2*i+1] >= uint32(r) })
	return index < pairs && table[2*index] <= uint32(r)
}

func lowercaseOf(r rune) (string, bool) { return mapped(lowercaseFrom[:], lowercaseTo[:], r) }

func mapped(from []uint32, to []string, r rune) (string, bool) {
	index := sort.Search(len(from), func(i int) bool { return from[i] >= uint32(r) })
	if index < len(from) && from[index] == uint32(r) {
		return to[index], true
	}
	return "", false
}

// Upper is the full Unicode uppercase of s, as Rust's `str::to_uppercase`
// (ß → SS; Go's strings.ToUpper keeps ß). s must be valid UTF-8.
func Upper(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	for _, r := range s {
		if to, ok := mapped(uppercaseFrom[:], uppercaseTo[:], r); ok {
			out.WriteString(to)
		} else {
			out.WriteRune(r)
		}
	}
	return out.String()
}

// IsWordCharacter reports whether r is Alphabetic or Numeric (Rust's
// `c.is_alphabetic() || c.is_numeric()`).
func IsWordCharacter(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && asciiWord[r]
	}
	return inRanges(wordRanges[:], r)
}

// Lower is the full Unicode lowercase of s with the Final_Sigma rule, as
// Rust's `str::to_lowercase`. s must be valid UTF-8 (an invalid byte becomes
// U+FFFD).
func Lower(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf:
			out.WriteByte(asciiLower[r])
		case r == capitalSigma:
			if isWordFinal(s, i) {
				out.WriteString("ς")
			} else {
				out.WriteString("σ")
			}
		default:
			if to, ok := lowercaseOf(r); ok {
				out.WriteString(to)
			} else {
				out.WriteRune(r)
			}
		}
	}
	return out.String()
}

// isWordFinal is Unicode's Final_Sigma condition for the Σ at byte i of s:
// a cased letter before it and none after it, skipping case-ignorable
// characters (Rust's `map_uppercase_sigma`).
func isWordFinal(s string, i int) bool {
	casedBefore := false
	for before := s[:i]; before != ""; {
		r, size := utf8.DecodeLastRuneInString(before)
		before = before[:len(before)-size]
		if !inRanges(caseIgnorableRanges[:], r) {
			casedBefore = inRanges(casedRanges[:], r)
			break
		}
	}
	if !casedBefore {
		return false
	}
	for _, r := range s[i+utf8.RuneLen(capitalSigma):] {
		if !inRanges(caseIgnorableRanges[:], r) {
			return !inRanges(casedRanges[:], r)
		}
	}
	return true
}

// Split returns the lowercase words of line, in order: the maximal runs of
// word characters of Lower(line).
func Split(line string) []string {
	var words []string
	Each(line, func(word string) { words = append(words, word) })
	return words
}

// Each calls visit with each lowercase word of line, in order.
func Each(line string, visit func(word string)) {
	lower := Lower(line)
	start := -1
	for i, r := range lower {
		if IsWordCharacter(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			visit(lower[start:i])
			start = -1
		}
	}
	if start >= 0 {
		visit(lower[start:])
	}
}
