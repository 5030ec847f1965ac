// The Go template of `eddy init --lang go`: a processor that counts records
// per key in the store `counts` and forwards (key, count), built with the
// machine's Go against sdk/go (a `replace` in go.mod: nothing is fetched).
// Owns: the Go project files. Must never: write the golden tests (the
// caller adds the same ones as every language's template).

export function goFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'go.mod': `module ${name}

go 1.24

require eddy/sdk v0.0.0

// The Eddy Go SDK, from this Eddy checkout (no module proxy needed).
replace eddy/sdk => ${repositoryRoot}/sdk/go
`,
    'main.go': `// ${name}: counts records per key in the store \`counts\` and forwards
// (key, count) with the input's timestamp. Records without a key are skipped.
package main

import (
	"fmt"
	"strconv"

	eddy "eddy/sdk"
)

type countPerKey struct {
	counts *eddy.Store
}

func newCountPerKey(eddy.Config) (eddy.Processor, error) {
	counts, err := eddy.OpenStore("counts")
	if err != nil {
		return nil, err
	}
	return &countPerKey{counts: counts}, nil
}

func (p *countPerKey) Process(record eddy.Record) error {
	if record.Key == nil {
		return nil
	}
	count := uint64(1)
	if previous, found := p.counts.Get(record.Key); found {
		n, err := strconv.ParseUint(string(previous), 10, 64)
		if err != nil {
			return fmt.Errorf("store 'counts' holds a value that is not a count: %w", err)
		}
		count = n + 1
	}
	value := []byte(strconv.FormatUint(count, 10))
	p.counts.Put(record.Key, value)
	eddy.Forward(eddy.Record{Key: record.Key, Value: value, Timestamp: record.Timestamp})
	return nil
}

func init() { eddy.Export(newCountPerKey) }

// Unused: a plugin is a library whose exports the host calls.
func main() {}
`,
    '.gitignore': 'dist/\n',
  };
}

/** The `--world functions` template: DSL functions (a word splitter and a key selector). */
export function goFunctionFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'go.mod': `module ${name}

go 1.24

// eddy:world functions

require eddy/sdk v0.0.0

// The Eddy Go SDK, from this Eddy checkout (no module proxy needed).
replace eddy/sdk => ${repositoryRoot}/sdk/go
`,
    'main.go': `// ${name}: DSL functions. A DSL step names one as <functions>.<name>
// (see tests/word-count.pipeline.yaml).
package main

import (
	"strings"

	"eddy/sdk/functions"
)

func register(_ functions.Config, f *functions.Registry) error {
	// The lowercased words of a line (a null line has none).
	f.FlatValueMapper("words", func(_, value []byte) ([][]byte, error) {
		if value == nil {
			return nil, nil
		}
		line, err := functions.Text(value)
		if err != nil {
			return nil, err
		}
		var words [][]byte
		for _, word := range strings.Fields(strings.ToLower(line)) {
			words = append(words, []byte(word))
		}
		return words, nil
	})
	// The value as the new key (to count per word).
	f.KeySelector("word-as-key", func(_, value []byte) ([]byte, error) { return value, nil })
	return nil
}

func init() { functions.Export(register) }

// Unused: a plugin is a library whose exports the host calls.
func main() {}
`,
    '.gitignore': 'dist/\n',
  };
}
