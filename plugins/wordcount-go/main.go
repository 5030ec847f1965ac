// Word count: counts every word of every input line in the store `counts`
// and forwards (word, new count) for each word, in order.
//
// A word is a maximal run of characters that are letters (Unicode
// Alphabetic) or digits (Unicode Numeric) in the lowercased line (full
// Unicode lowercase mapping, including the Final_Sigma rule). Behaviour is
// identical to plugins/wordcount-rust, error messages included.
package main

import (
	"errors"
	"strconv"

	eddy "eddy/sdk"
	"eddy/sdk/words"
)

type wordCount struct {
	counts *eddy.Store
}

func newWordCount(eddy.Config) (eddy.Processor, error) {
	counts, err := eddy.OpenStore("counts")
	if err != nil {
		return nil, err
	}
	return &wordCount{counts: counts}, nil
}

func (w *wordCount) Process(record eddy.Record) error {
	if record.Value == nil {
		return nil
	}
	line, err := eddy.Text(record.Value)
	if err != nil {
		return errors.New("value is not valid UTF-8: " + err.Error())
	}
	var failure error
	words.Each(line, func(word string) {
		if failure != nil {
			return
		}
		key := []byte(word)
		count := uint64(1)
		if previous, found := w.counts.Get(key); found {
			parsed, err := parseCount(previous)
			if err != nil {
				failure = err
				return
			}
			count = parsed + 1
		}
		value := strconv.AppendUint(nil, count, 10)
		w.counts.Put(key, value)
		eddy.Forward(eddy.Record{Key: key, Value: value, Timestamp: record.Timestamp})
	})
	return failure
}

// parseCount reads a count as Rust's `str::parse::<u64>` does (an optional
// `+`, then decimal digits).
func parseCount(b []byte) (uint64, error) {
	text := string(b)
	if len(text) > 1 && text[0] == '+' {
		text = text[1:]
	}
	count, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		return 0, errors.New("store 'counts' holds a value that is not a decimal count")
	}
	return count, nil
}

func init() { eddy.Export(newWordCount) }

func main() {}
