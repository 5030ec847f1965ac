package eddy

// Config: the node's configuration as `init` receives it.

// ConfigEntry is one key/value pair of a node's `config` section.
type ConfigEntry struct {
	Key, Value string
}

// Config is the node's configuration: its key/value pairs in the order
// written, all strings.
type Config struct {
	entries []ConfigEntry
}

// NewConfig makes a Config from entries (for tests of a processor's code).
func NewConfig(entries ...ConfigEntry) Config {
	return Config{entries: append([]ConfigEntry(nil), entries...)}
}

// Get returns the value of key (the last one if it repeats) and whether it is set.
func (c Config) Get(key string) (string, bool) {
	for i := len(c.entries) - 1; i >= 0; i-- {
		if c.entries[i].Key == key {
			return c.entries[i].Value, true
		}
	}
	return "", false
}

// Require returns the value of key, or a *MissingConfigError.
func (c Config) Require(key string) (string, error) {
	if value, ok := c.Get(key); ok {
		return value, nil
	}
	return "", &MissingConfigError{Key: key}
}

// Entries returns every entry, in the order written.
func (c Config) Entries() []ConfigEntry {
	return append([]ConfigEntry(nil), c.entries...)
}

// MissingConfigError: a configuration key the processor needs is not set.
type MissingConfigError struct {
	Key string
}

func (e *MissingConfigError) Error() string {
	return "config '" + e.Key + "' is required"
}
