// Test-only: a Go processor that misbehaves on command, so the tests can
// check that the host's limits and deny-by-default WASI hold for a Go guest
// (GOOS=wasip1 through the preview1 adapter). Every record is forwarded
// unchanged, except one whose value starts with a command:
//
//   - `spin`: loops forever (the host's CPU limit must stop it);
//   - `bomb`: allocates 1 MiB after 1 MiB and keeps it (the memory cap must stop it);
//   - `open <path>` / `write <path>` / `listdir <path>`: reads, writes or lists;
//   - `socket <host:port>`: dials TCP; `resolve <name>`: looks a host name up;
//     each of these forwards `ok: …` or `error: <message>` and logs the error;
//   - `print <text>`: prints `<text>` to stdout;
//   - `fail <text>`: returns an error (an `err` result: the instance goes on);
//   - `panic <text>`: panics (the SDK reports it as an `err` result);
//   - `exit <code>`: calls os.Exit(code) (WASI exit: only this instance stops).
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	eddy "eddy/sdk"
)

type misbehaving struct {
	hoard [][]byte
}

var spins uint64

func (m *misbehaving) Process(record eddy.Record) error {
	command, argument, _ := strings.Cut(string(record.Value), " ")
	switch command {
	case "spin":
		for {
			spins++
		}
	case "bomb":
		for {
			block := make([]byte, 1<<20)
			for i := range block {
				block[i] = byte(i)
			}
			m.hoard = append(m.hoard, block)
		}
	case "open", "write", "listdir", "socket", "resolve":
		answer, err := attempt(command, argument)
		if err != nil {
			answer = "error: " + err.Error()
			eddy.Warnf("%s %s refused: %s", command, argument, answer)
		} else {
			answer = "ok: " + answer
		}
		record.Value = []byte(answer)
		eddy.Forward(record)
	case "print":
		fmt.Println(argument)
	case "fail":
		return errors.New(argument)
	case "panic":
		panic(argument)
	case "exit":
		code, _ := strconv.Atoi(argument)
		os.Exit(code)
	default:
		eddy.Forward(record)
	}
	return nil
}

func attempt(command, argument string) (string, error) {
	switch command {
	case "open":
		data, err := os.ReadFile(argument)
		return fmt.Sprintf("%d bytes", len(data)), err
	case "write":
		return "written", os.WriteFile(argument, []byte("escaped"), 0o644)
	case "listdir":
		entries, err := os.ReadDir(argument)
		return fmt.Sprintf("%d entries", len(entries)), err
	case "socket":
		connection, err := net.Dial("tcp", argument)
		if err != nil {
			return "", err
		}
		connection.Close()
		return "connected", nil
	default:
		addresses, err := net.LookupHost(argument)
		return strings.Join(addresses, ","), err
	}
}

func init() {
	eddy.Export(func(eddy.Config) (eddy.Processor, error) { return &misbehaving{}, nil })
}

func main() {}
