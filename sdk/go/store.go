package eddy

// Stores owned by the host: key-value, window and session stores, bound by
// name. Keys and values are bytes; keys are ordered by unsigned byte-wise
// comparison. Writes become durable at the next commit.

import (
	"iter"

	kv "eddy/sdk/internal/processor/imports/eddy_plugin_kv_store"
	session "eddy/sdk/internal/processor/imports/eddy_plugin_session_store"
	window "eddy/sdk/internal/processor/imports/eddy_plugin_window_store"
)

// StoreError: the node may not use the store it named; Message is the host's reason.
type StoreError struct {
	Store, Message string
}

func (e *StoreError) Error() string { return "cannot open store '" + e.Store + "': " + e.Message }

// Store is an open key-value store.
type Store struct {
	store *kv.Store
}

// OpenStore opens the key-value store name; a *StoreError if this node may not use it.
func OpenStore(name string) (*Store, error) {
	result := kv.StoreOpen(name)
	if result.IsErr() {
		return nil, &StoreError{Store: name, Message: result.Err()}
	}
	return &Store{store: result.Ok()}, nil
}

// Get returns the value stored under key and whether there is one.
func (s *Store) Get(key []byte) ([]byte, bool) {
	value := s.store.Get(key)
	return bytesOf(value), value.IsSome()
}

// Put stores value under key, replacing any earlier value.
func (s *Store) Put(key, value []byte) { s.store.Put(key, value) }

// Delete removes key and returns the value it had, if any.
func (s *Store) Delete(key []byte) ([]byte, bool) {
	old := s.store.Delete(key)
	return bytesOf(old), old.IsSome()
}

// Range iterates over the entries with lower <= key <= upper in key order;
// a nil bound leaves that end open.
//
//	for key, value := range counts.Range(nil, nil) { … }
func (s *Store) Range(lower, upper []byte) iter.Seq2[[]byte, []byte] {
	return entries(func() *kv.KeyValueIterator { return s.store.Range(optionalBytes(lower), optionalBytes(upper)) })
}

// PrefixScan iterates over the entries whose key starts with prefix, in key order.
func (s *Store) PrefixScan(prefix []byte) iter.Seq2[[]byte, []byte] {
	return entries(func() *kv.KeyValueIterator { return s.store.PrefixScan(prefix) })
}

// ApproximateNumEntries is the number of entries (exact in this host).
func (s *Store) ApproximateNumEntries() uint64 { return s.store.ApproximateNumEntries() }

// pageSize is how many entries one host call returns.
const pageSize = 128

func entries(open func() *kv.KeyValueIterator) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		cursor := open()
		defer cursor.Drop()
		for {
			page := cursor.Next(pageSize)
			if len(page) == 0 {
				return
			}
			for _, entry := range page {
				if !yield(nonNil(entry.Key), nonNil(entry.Value)) {
					return
				}
			}
		}
	}
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// WindowEntry is one window of a key.
type WindowEntry struct {
	Key []byte
	// Window start in milliseconds.
	Start int64
	Value []byte
}

// WindowStore is an open window store (Kafka Streams' WindowStore).
type WindowStore struct {
	store *window.Store
}

// OpenWindowStore opens the window store name.
func OpenWindowStore(name string) (*WindowStore, error) {
	result := window.StoreOpen(name)
	if result.IsErr() {
		return nil, &StoreError{Store: name, Message: result.Err()}
	}
	return &WindowStore{store: result.Ok()}, nil
}

// Put stores value for key in the window starting at windowStart; a nil value deletes it.
func (s *WindowStore) Put(key, value []byte, windowStart int64) {
	s.store.Put(key, optionalBytes(value), windowStart)
}

// Fetch returns the value of key in the window starting at windowStart.
func (s *WindowStore) Fetch(key []byte, windowStart int64) ([]byte, bool) {
	value := s.store.Fetch(key, windowStart)
	return bytesOf(value), value.IsSome()
}

// FetchRange returns key's windows with timeFrom <= start <= timeTo, earliest first (latest first when backward).
func (s *WindowStore) FetchRange(key []byte, timeFrom, timeTo int64, backward bool) []WindowEntry {
	return windowEntries(s.store.FetchRange(key, timeFrom, timeTo, backward))
}

// FetchKeyRange returns the windows of keys in [keyFrom, keyTo] (nil: open) with timeFrom <= start <= timeTo.
func (s *WindowStore) FetchKeyRange(keyFrom, keyTo []byte, timeFrom, timeTo int64, backward bool) []WindowEntry {
	return windowEntries(s.store.FetchKeyRange(optionalBytes(keyFrom), optionalBytes(keyTo), timeFrom, timeTo, backward))
}

// All returns every visible window.
func (s *WindowStore) All(backward bool) []WindowEntry { return windowEntries(s.store.All(backward)) }

func windowEntries(list []window.WindowEntry) []WindowEntry {
	out := make([]WindowEntry, len(list))
	for i, entry := range list {
		out[i] = WindowEntry{Key: nonNil(entry.Key), Start: entry.Start, Value: nonNil(entry.Value)}
	}
	return out
}

// SessionEntry is one session of a key (start and end inclusive).
type SessionEntry struct {
	Key        []byte
	Start, End int64
	Value      []byte
}

// SessionStore is an open session store (Kafka Streams' SessionStore).
type SessionStore struct {
	store *session.Store
}

// OpenSessionStore opens the session store name.
func OpenSessionStore(name string) (*SessionStore, error) {
	result := session.StoreOpen(name)
	if result.IsErr() {
		return nil, &StoreError{Store: name, Message: result.Err()}
	}
	return &SessionStore{store: result.Ok()}, nil
}

// Put stores value for key's session from start to end.
func (s *SessionStore) Put(key []byte, start, end int64, value []byte) {
	s.store.Put(key, start, end, value)
}

// Remove removes key's session from start to end.
func (s *SessionStore) Remove(key []byte, start, end int64) { s.store.Remove(key, start, end) }

// FetchSession returns the value of key's session from start to end.
func (s *SessionStore) FetchSession(key []byte, start, end int64) ([]byte, bool) {
	value := s.store.FetchSession(key, start, end)
	return bytesOf(value), value.IsSome()
}

// FindSessions returns key's sessions that end at or after earliestSessionEnd
// and start at or before latestSessionStart, by end then start.
func (s *SessionStore) FindSessions(key []byte, earliestSessionEnd, latestSessionStart int64, backward bool) []SessionEntry {
	list := s.store.FindSessions(key, earliestSessionEnd, latestSessionStart, backward)
	out := make([]SessionEntry, len(list))
	for i, entry := range list {
		out[i] = SessionEntry{Key: nonNil(entry.Key), Start: entry.Start, End: entry.End, Value: nonNil(entry.Value)}
	}
	return out
}
