// A stateless processor: a filter and a map.
//
// Records without a value, or whose value starts with the config
// `drop-prefix` (if set), are filtered out; every other value is forwarded
// uppercased (Go's `strings.ToUpper`: simple case mapping, so `ß` stays `ß`
// where plugins/uppercase-ts writes `SS`), with the same key, timestamp and
// headers.
package main

import (
	"errors"
	"strings"

	eddy "eddy/sdk"
)

type uppercase struct {
	dropPrefix string
	dropping   bool
}

func newUppercase(config eddy.Config) (eddy.Processor, error) {
	prefix, set := config.Get("drop-prefix")
	if set && prefix == "" {
		return nil, errors.New("config 'drop-prefix' must not be empty when set")
	}
	return &uppercase{dropPrefix: prefix, dropping: set}, nil
}

func (u *uppercase) Process(record eddy.Record) error {
	if record.Value == nil {
		return nil
	}
	value, err := eddy.Text(record.Value)
	if err != nil {
		return errors.New("value is not valid UTF-8")
	}
	if u.dropping && strings.HasPrefix(value, u.dropPrefix) {
		return nil
	}
	record.Value = []byte(strings.ToUpper(value))
	eddy.Forward(record)
	return nil
}

func init() { eddy.Export(newUppercase) }

func main() {}
