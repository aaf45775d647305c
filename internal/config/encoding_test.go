package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRawUTF8Keys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"ASCII only", "a=b\n# café in a comment\n", nil},
		{"escaped", `consumer_key=Cl\u00E9` + "\n", nil},
		{"raw value", "a=b\nconsumer_key=Clé\n", []string{"consumer_key"}},
		{"raw key, twice", "clé=1\nx=日本\nclé=2\n", []string{"clé", "x"}},
		{"raw in a continuation line", "k=a\\\n  é\n", []string{"k"}},
		// Not UTF-8: read as ISO-8859-1, as Java does.
		{"Latin-1 file", "consumer_key=Cl\xe9\n", nil},
	}
	for _, tt := range tests {
		f, err := Parse("c", []byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, f.RawUTF8Keys()); diff != "" {
			t.Errorf("%s: RawUTF8Keys (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestJavaRawUTF8: a hand-edited file with raw UTF-8 reads differently in
// java.util.Properties (Latin-1) than in Go, which is why RawUTF8Keys
// exists; after Set of the same value, Java reads what we read.
func TestJavaRawUTF8(t *testing.T) {
	t.Parallel()
	j := newJVM(t)
	path := filepath.Join(t.TempDir(), "hand.properties")
	if err := os.WriteFile(path, []byte("# edited by hand\nconsumer_key=Clé ✓\njira_home=https://jira.example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{KeyConsumerKey}, f.RawUTF8Keys()); diff != "" {
		t.Errorf("RawUTF8Keys of the hand-edited file (-want +got):\n%s", diff)
	}
	res := j.run(t, []string{loadCmd(path)})
	if got := res[0].values[KeyConsumerKey]; got == "Clé ✓" || got != "ClÃ© â\u009c\u0093" {
		t.Errorf("Java load(InputStream) of raw UTF-8: consumer_key %q; want the Latin-1 reading %q", got, "ClÃ© â\u009c\u0093")
	}

	err = Update(path, func(f *File) error {
		f.Set(KeyConsumerKey, "Clé ✓") // the value it has: the line is rewritten
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if keys := f.RawUTF8Keys(); keys != nil {
		t.Errorf("after Set, RawUTF8Keys = %q; want none", keys)
	}
	res = j.run(t, []string{loadCmd(path), loadUTF8Cmd(path)})
	for i, name := range []string{"load(InputStream)", "load(Reader)"} {
		want := map[string]string{KeyConsumerKey: "Clé ✓", KeyJiraHome: "https://jira.example.com"}
		if diff := cmp.Diff(want, res[i].values); diff != "" {
			t.Errorf("Java %s after Set (-want +java):\n%s", name, diff)
		}
	}
}
