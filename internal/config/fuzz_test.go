package config

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// seedFiles adds the testdata files and the parse cases to a fuzz corpus.
func seedFiles(f *testing.F) [][]byte {
	names, err := filepath.Glob(filepath.Join("testdata", "*.properties"))
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	for _, c := range append(parseCases(), badCases()...) {
		seeds = append(seeds, []byte(c.in))
	}
	return seeds
}

// FuzzParse checks that Parse never panics, that a file it accepts is kept
// byte for byte, and that Keys lists each key once, each one set.
func FuzzParse(f *testing.F) {
	for _, s := range seedFiles(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("c", data)
		if err != nil {
			return
		}
		if got := c.Bytes(); string(got) != string(data) {
			t.Fatalf("Bytes: got %q; want the input unchanged", got)
		}
		seen := make(map[string]bool)
		for _, k := range c.Keys() {
			if seen[k] {
				t.Fatalf("Keys: %q listed twice", k)
			}
			seen[k] = true
			if _, ok := c.Lookup(k); !ok {
				t.Fatalf("Keys lists %q but Lookup says it is not set", k)
			}
		}
	})
}

// FuzzRoundTrip checks that Set then Parse(Bytes()) gives the value back
// and leaves every other key as it was.
func FuzzRoundTrip(f *testing.F) {
	for i, s := range seedFiles(f) {
		keys := []string{"secret", "private_key", "new key", ""}
		f.Add(s, keys[i%len(keys)], "v = é\\ 😀\n${x}")
	}
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		if !utf8.ValidString(key) || !utf8.ValidString(value) {
			t.Skip("Go strings that are not UTF-8 have no Java equivalent")
		}
		c, err := Parse("c", data)
		if err != nil {
			return
		}
		// Name the input in every failure: CI machines do not keep the
		// corpus file the fuzzer writes. Only on failure, to keep the
		// fuzzing loop fast.
		defer func() {
			if t.Failed() {
				t.Logf("input %q, Set(%q, %q)", data, key, value)
			}
		}()
		before := values(c)
		c.Set(key, value)
		out := c.Bytes()
		d, err := Parse("c", out)
		if err != nil {
			t.Fatalf("Parse(Bytes()) after Set(%q, %q): %v\n%q", key, value, err, out)
		}
		if got, ok := d.Lookup(key); !ok || got != value {
			t.Fatalf("after Set(%q, %q): got %q, %v\n%q", key, value, got, ok, out)
		}
		after := values(d)
		for k, v := range before {
			if got, ok := after[k]; k != key && (!ok || got != v) {
				t.Fatalf("Set(%q) changed %q from %q to %q (present: %v)\n%q", key, k, v, got, ok, out)
			}
		}
		if len(after) != len(before) && len(after) != len(before)+1 {
			t.Fatalf("Set(%q): got %d keys; want %d or %d", key, len(after), len(before), len(before)+1)
		}
		c.Delete(key)
		e, err := Parse("c", c.Bytes())
		if err != nil {
			t.Fatalf("Parse(Bytes()) after Delete(%q): %v", key, err)
		}
		if _, ok := e.Lookup(key); ok {
			t.Fatalf("Delete(%q): key still there\n%q", key, c.Bytes())
		}
	})
}
