package config

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jvm runs testdata/PropsTool.java, compiled once per test.
type jvm struct{ classDir string }

func newJVM(t *testing.T) *jvm {
	t.Helper()
	for _, tool := range []string{"java", "javac"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("JIRA_OAUTH_REQUIRE_JAVA") != "" {
				t.Fatalf("%s not on PATH and JIRA_OAUTH_REQUIRE_JAVA is set: %v", tool, err)
			}
			t.Skipf("%s not on PATH: %v", tool, err)
		}
	}
	dir := t.TempDir()
	out, err := exec.Command("javac", "-d", dir, filepath.Join("testdata", "PropsTool.java")).CombinedOutput()
	if err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	return &jvm{classDir: dir}
}

func hx(s string) string { return hex.EncodeToString([]byte(s)) }

// javaResult is what Java read from one file; err is Java's exception message.
type javaResult struct {
	values map[string]string
	err    string
}

// run sends the commands to one java process and returns the result of each
// load command, in order.
func (j *jvm) run(t *testing.T, cmds []string) []javaResult {
	t.Helper()
	cmd := exec.Command("java", "-cp", j.classDir, "PropsTool")
	cmd.Stdin = strings.NewReader(strings.Join(cmds, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java PropsTool: %v\n%s", err, stderr.Bytes())
	}
	var results []javaResult
	cur := javaResult{values: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "stored":
		case line == "end":
			results = append(results, cur)
			cur = javaResult{values: map[string]string{}}
		case strings.HasPrefix(line, "error "):
			msg, _ := hex.DecodeString(strings.TrimPrefix(line, "error "))
			results = append(results, javaResult{err: string(msg)})
		default:
			k, v, _ := strings.Cut(line, " ")
			kb, err1 := hex.DecodeString(k)
			vb, err2 := hex.DecodeString(v)
			if err1 != nil || err2 != nil {
				t.Fatalf("bad PropsTool output %q", line)
			}
			cur.values[string(kb)] = string(vb)
		}
	}
	return results
}

func loadCmd(path string) string     { return "load " + hx(path) }
func loadUTF8Cmd(path string) string { return "loadutf8 " + hx(path) }

func storeCmd(path, comment string, kv map[string]string) string {
	c := "-"
	if comment != "" {
		c = hx(comment)
	}
	parts := []string{"store", hx(path), c}
	for k, v := range kv {
		parts = append(parts, hx(k), hx(v))
	}
	return strings.Join(parts, " ")
}

// trickyValues are values that need escaping, and keys that do.
func trickyValues(t *testing.T) map[string]string {
	_, pk := encodedTestKey(t)
	return map[string]string{
		"jira_home":         "https://jira.example.com:8443/jira",
		"private_key":       pk,
		"equals":            "a=b==c",
		"colon":             "a:b",
		"hash":              "#not a comment",
		"bang":              "!not a comment",
		"leading":           "   three leading spaces",
		"trailing":          "trailing spaces   ",
		"backslashes":       `C:\path\to\dir\`,
		"tab":               "a\tb",
		"newlines":          "line1\nline2\r\nline3\r",
		"formfeed":          "\f",
		"latin":             "café é ÿ",
		"cjk":               "日本語",
		"emoji":             "😀 🎉",
		"not_expanded":      "${not.expanded} $HOME ${}",
		"unicode_lookalike": `\u0041 is not A`,
		"controls":          "\x00\x01\x1f\x7f\u0085",
		"empty":             "",
		"key with spaces":   "v",
		"k=e:y#!":           "v",
		"ключ":              "значение",
		"😀":                 "emoji key",
		" leading key":      "v",
		"":                  "empty key",
	}
}

// TestJava checks our files against the real java.util.Properties, both ways.
func TestJava(t *testing.T) {
	t.Parallel()
	j := newJVM(t)
	dir := t.TempDir()
	tricky := trickyValues(t)

	// Files we write, for Java to load.
	goNew := filepath.Join(dir, "go-new.properties")
	f := New(goNew)
	for _, k := range sortedKeys(tricky) {
		f.Set(k, tricky[k])
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if b := f.Bytes(); bytes.ContainsFunc(b, func(r rune) bool { return r > 0x7E || (r < 0x20 && r != '\n') }) {
		t.Errorf("Go-written file is not printable ASCII:\n%s", b)
	}
	goEdited := filepath.Join(dir, "go-edited.properties")
	const layout = "#comment\n#Tue Mar 04 10:00:00 UTC 2025\nkeep = me \\\n   please\n! bang comment\nsecret=old\nsecret=older\n"
	f, err := Parse(goEdited, []byte(layout))
	if err != nil {
		t.Fatal(err)
	}
	f.Set("secret", "new ${x}")
	f.Set("appended", " é\n")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}

	// Files for the parse cases: Java must read what Parse reads.
	var cases []parseCase
	var cmds []string
	for i, c := range append(parseCases(), badCases()...) {
		if c.notJava {
			continue
		}
		p := filepath.Join(dir, fmt.Sprintf("case%d.properties", i))
		if err := os.WriteFile(p, []byte(c.in), 0o600); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
		if c.reader {
			cmds = append(cmds, loadUTF8Cmd(p))
		} else {
			cmds = append(cmds, loadCmd(p))
		}
	}

	// Files Java writes, for us to load.
	javaPlain := filepath.Join(dir, "java-plain.properties")
	javaComment := filepath.Join(dir, "java-comment.properties")
	cmds = append(cmds,
		loadCmd(goNew), loadUTF8Cmd(goNew), loadCmd(goEdited),
		storeCmd(javaPlain, "", tricky), storeCmd(javaComment, "jira-oauth café 日本", tricky))

	res := j.run(t, cmds)
	if len(res) != len(cases)+3 {
		t.Fatalf("java: got %d results; want %d", len(res), len(cases)+3)
	}

	t.Run("parse cases", func(t *testing.T) {
		for i, c := range cases {
			_, goErr := Parse("c", []byte(c.in))
			if (goErr != nil) != (res[i].err != "") {
				t.Errorf("%s: Go error %v; Java error %q", c.name, goErr, res[i].err)
				continue
			}
			if goErr == nil {
				if diff := cmp.Diff(res[i].values, c.want); diff != "" {
					t.Errorf("%s: Java reads differently (-java +want):\n%s", c.name, diff)
				}
			}
		}
	})
	res = res[len(cases):]

	t.Run("Java reads our files", func(t *testing.T) {
		for i, name := range []string{"load(InputStream)", "load(Reader)"} {
			if res[i].err != "" {
				t.Fatalf("Java %s: %s", name, res[i].err)
			}
			if diff := cmp.Diff(tricky, res[i].values); diff != "" {
				t.Errorf("Java %s of our file (-want +java):\n%s", name, diff)
			}
		}
		want := map[string]string{"keep": "me please", "secret": "new ${x}", "appended": " é\n"}
		if diff := cmp.Diff(want, res[2].values); diff != "" {
			t.Errorf("Java load of our edited file (-want +java):\n%s", diff)
		}
	})

	t.Run("we read Java's files", func(t *testing.T) {
		for _, p := range []string{javaPlain, javaComment} {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tricky, values(f)); diff != "" {
				t.Errorf("%s (-java +go):\n%s", filepath.Base(p), diff)
			}
			// Every line Java wrote is the line we would write.
			var javaLines, goLines []string
			for _, l := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
				if !strings.HasPrefix(l, "#") {
					javaLines = append(javaLines, l)
				}
			}
			for k, v := range tricky {
				goLines = append(goLines, escapeKey(k)+"="+escapeValue(v))
			}
			sort.Strings(javaLines)
			sort.Strings(goLines)
			if diff := cmp.Diff(javaLines, goLines); diff != "" {
				t.Errorf("%s: Properties.store escapes differently from us (-java +go):\n%s", filepath.Base(p), diff)
			}
		}
	})

	// Go edits one key of Java's file; Java must see only that change.
	f, err = Load(javaComment)
	if err != nil {
		t.Fatal(err)
	}
	before := f.Bytes()
	f.Set("private_key", "rotated")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	changed := diffLines(string(before), string(f.Bytes()))
	if len(changed) != 1 || !strings.HasPrefix(changed[0], "private_key=") {
		t.Errorf("Set(private_key) changed lines %q; want only the private_key line", changed)
	}
	res = j.run(t, []string{loadCmd(javaComment)})
	want := make(map[string]string)
	for k, v := range tricky {
		want[k] = v
	}
	want["private_key"] = "rotated"
	if diff := cmp.Diff(want, res[0].values); diff != "" {
		t.Errorf("Java load after our edit (-want +java):\n%s", diff)
	}
}

// diffLines returns the lines of a that b does not have at the same index.
func diffLines(a, b string) []string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		return []string{fmt.Sprintf("line count %d -> %d", len(al), len(bl))}
	}
	var d []string
	for i := range al {
		if al[i] != bl[i] {
			d = append(d, al[i])
		}
	}
	return d
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func updateCmd(path string, kv ...string) string {
	parts := []string{"update", hx(path)}
	for _, s := range kv {
		parts = append(parts, hx(s))
	}
	return strings.Join(parts, " ")
}

// nonASCII are values a user has: a consumer key with accents, paths with
// spaces (and a Windows one, with backslashes), and a key that needs
// escaping.
var nonASCII = map[string]string{
	KeyConsumerKey:              "clé-ünïcødé-日本",
	KeyJiraHome:                 "https://jira.example.com/jira",
	KeyCAFile:                   "/home/Zoë Dupont/My Keys/corp ca.pem",
	"key_file":                  `C:\Users\Zoë\My Documents\jira key.pem`,
	"schlüssel mit leerzeichen": " führende Leerzeichen, 😀 ",
}

// TestJavaNonASCII: non-ASCII values and paths with spaces round trip
// unchanged through Update and java.util.Properties, in both directions
// and through an edit by each side.
func TestJavaNonASCII(t *testing.T) {
	t.Parallel()
	j := newJVM(t)
	dir := t.TempDir()
	check := func(what string, got map[string]string, extra ...string) {
		t.Helper()
		want := make(map[string]string)
		for k, v := range nonASCII {
			want[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			want[extra[i]] = extra[i+1]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}

	// Our writer -> Java (both ways Java programs load a file).
	ours := filepath.Join(dir, "ours.properties")
	err := Update(ours, func(f *File) error {
		for _, k := range sortedKeys(nonASCII) {
			f.Set(k, nonASCII[k])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(ours)
	if bytes.ContainsFunc(raw, func(r rune) bool { return r > 0x7E }) {
		t.Errorf("our file is not ASCII:\n%s", raw)
	}
	// Java's writer -> us; then Java edits our file and we edit Java's.
	theirs := filepath.Join(dir, "theirs.properties")
	res := j.run(t, []string{
		loadCmd(ours), loadUTF8Cmd(ours),
		storeCmd(theirs, "", nonASCII),
		updateCmd(ours, "access_token", "tök"),
	})
	check("Java load(InputStream) of our file", res[0].values)
	check("Java load(Reader) of our file", res[1].values)

	f, err := Load(theirs)
	if err != nil {
		t.Fatal(err)
	}
	check("our Load of Java's file", values(f))
	f, err = Load(ours)
	if err != nil {
		t.Fatal(err)
	}
	check("our Load of our file after Java edited it", values(f), "access_token", "tök")

	err = Update(theirs, func(f *File) error {
		f.Set(KeySecret, "sécret")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res = j.run(t, []string{loadCmd(theirs), loadUTF8Cmd(theirs)})
	check("Java load(InputStream) of Java's file after our edit", res[0].values, KeySecret, "sécret")
	check("Java load(Reader) of Java's file after our edit", res[1].values, KeySecret, "sécret")
	checkOnly(t, dir, "ours.properties", "theirs.properties")
}
