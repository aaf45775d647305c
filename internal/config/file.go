package config

import (
	"io/fs"
	"strings"
	"unicode/utf8"
)

// File is a config.properties document: its values and the exact original
// text of every line. The zero value is not usable; use Load, Parse or New.
type File struct {
	path    string
	bom     string         // a UTF-8 byte order mark the file started with, kept as is
	entries []entry        // logical lines in file order
	eol     string         // line terminator for lines we append: the file's first one
	index   map[string]int // key -> index of its last entry
	latin1  bool           // the text was not UTF-8, so we decoded it as ISO-8859-1

	exists bool        // Load read it from disk
	mode   fs.FileMode // its permission bits then
	size   int64       // its size then
	locked bool        // Update holds the lock and is running fn

	hooks   saveHooks // tests set them to fail or stop a save
	inPlace error     // why the last save rewrote the file in place; nil: it was atomic

	overlay  map[string]overlaid // values that are not in the file (Overlay)
	overlaid []string            // their keys in the order they were set
}

// entry is one logical line: a comment, a blank line or a key/value line
// together with its continuation lines.
type entry struct {
	raw  string // exact text, terminators included
	eol  string // terminator of its last physical line ("" at end of file)
	open bool   // it ends in a continuation at the end of the file
	// lone: it is only continuations ("\" lines) at the end of the file,
	// which Java reads as the key "" with the value "" (see parseEntry).
	lone  bool
	kv    bool
	key   string
	value string
}

// New returns an empty document that Save will write to path.
func New(path string) *File { return &File{path: path, eol: "\n", index: map[string]int{}} }

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Get returns the value of key, or "" when it is absent. Like Java, the last
// occurrence of a key wins.
func (f *File) Get(key string) string {
	v, _ := f.Lookup(key)
	return v
}

// Lookup returns the value of key (its last occurrence) and whether it is set.
func (f *File) Lookup(key string) (string, bool) {
	if v, ok := f.lookupOverlay(key); ok {
		return v, true
	}
	if i := f.last(key); i >= 0 {
		return f.entries[i].value, true
	}
	return "", false
}

// last returns the index of the last entry of key, or -1.
func (f *File) last(key string) int {
	if i, ok := f.index[key]; ok {
		return i
	}
	return -1
}

// Set sets key to value. It rewrites the logical line of the key's last
// occurrence in place (keeping its line terminator), or appends a line at
// the end. Nothing changes when the key already has that value, unless its
// line holds raw UTF-8 (see RawUTF8Keys): that line is rewritten. The line is
// written as java.util.Properties.store would write it, in pure ASCII.
// Invalid UTF-8 in key or value is stored as U+FFFD.
func (f *File) Set(key, value string) {
	line := escapeKey(key) + "=" + escapeValue(value)
	if i := f.last(key); i >= 0 {
		e := &f.entries[i]
		if e.value == value && (f.latin1 || isASCII(e.raw)) {
			return
		}
		*e = entry{raw: line + e.eol, eol: e.eol, kv: true, key: key, value: value}
		f.keepEncoding()
		return
	}
	if n := len(f.entries); n > 0 {
		if last := &f.entries[n-1]; last.eol == "" {
			last.raw += f.eol
			last.eol = f.eol
		}
		if last := &f.entries[n-1]; last.lone {
			// Followed by a line, it would no longer read as the key "":
			// write that key the way Set would, which Java reads the same.
			*last = entry{raw: escapeKey("") + "=" + f.eol, eol: f.eol, kv: true}
		}
		if f.entries[n-1].open {
			// The last line continues at the end of the file: end it with a
			// blank line so that it does not swallow ours.
			// After a lone "\r", a blank line starting with "\n" would merge
			// into a "\r\n" terminator and end nothing: use "\r" then.
			f.entries[n-1].open = false
			blank := f.eol
			if f.entries[n-1].eol == "\r" {
				blank = "\r"
			}
			f.entries = append(f.entries, entry{raw: blank, eol: blank})
		}
	}
	f.entries = append(f.entries, entry{raw: line + f.eol, eol: f.eol, kv: true, key: key, value: value})
	f.index[key] = len(f.entries) - 1
}

// Delete removes every occurrence of key, with its continuation lines.
func (f *File) Delete(key string) {
	kept := f.entries[:0]
	for _, e := range f.entries {
		if !e.kv || e.key != key {
			kept = append(kept, e)
		}
	}
	f.entries = kept
	f.reindex()
	f.keepEncoding()
}

// keepEncoding stops an edit from changing how the rest of the file reads.
// A file that is not valid UTF-8 is read as ISO-8859-1; if the lines that
// made it invalid are gone, the next Parse would read it as UTF-8 and the
// non-ASCII text of other values differently. In that case the key/value
// lines holding non-ASCII bytes are rewritten in escaped ASCII, with the
// same values (for Java too, which always reads ISO-8859-1).
func (f *File) keepEncoding() {
	if !f.latin1 || !utf8.Valid(f.Bytes()) {
		return
	}
	for i := range f.entries {
		if e := &f.entries[i]; e.kv && !isASCII(e.raw) {
			*e = entry{raw: escapeKey(e.key) + "=" + escapeValue(e.value) + e.eol, eol: e.eol, kv: true, key: e.key, value: e.value}
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// reindex rebuilds f.index after entries moved.
func (f *File) reindex() {
	f.index = make(map[string]int)
	for i, e := range f.entries {
		if e.kv {
			f.index[e.key] = i
		}
	}
}

// Keys returns the keys in file order (of their first occurrence), each once.
func (f *File) Keys() []string {
	seen := make(map[string]bool)
	var keys []string
	for _, e := range f.entries {
		if e.kv && !seen[e.key] {
			seen[e.key] = true
			keys = append(keys, e.key)
		}
	}
	return keys
}

// Bytes returns the text that Save writes.
func (f *File) Bytes() []byte {
	var b strings.Builder
	b.WriteString(f.bom)
	for _, e := range f.entries {
		b.WriteString(e.raw)
	}
	return []byte(b.String())
}
