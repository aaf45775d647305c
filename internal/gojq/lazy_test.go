package gojq

// This file is not part of upstream gojq: it tests jira-oauth's change
// (lazy.go, lazy-init.patch). Upstream's own tests are the other _test.go
// files.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// eval runs program on the JSON input and returns each output as JSON
// (an error as "error: " and its message).
func eval(program, input string) ([]string, error) {
	q, err := Parse(program)
	if err != nil {
		return nil, fmt.Errorf("Parse(%q): %w", program, err)
	}
	code, err := Compile(q)
	if err != nil {
		return nil, fmt.Errorf("Compile(%q): %w", program, err)
	}
	var v any
	if err := json.Unmarshal([]byte(input), &v); err != nil {
		return nil, fmt.Errorf("input %q: %w", input, err)
	}
	var got []string
	iter := code.Run(v)
	for {
		out, ok := iter.Next()
		if !ok {
			return got, nil
		}
		if err, ok := out.(error); ok {
			got = append(got, "error: "+err.Error())
			continue
		}
		b, err := Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("Marshal(%v): %w", out, err)
		}
		got = append(got, string(b))
	}
}

// TestBuiltins runs programs that need each lazily built table: jq's
// builtins defined in jq (builtinFuncDefs: map, select, to_entries,
// paths, limit, test, sort_by...), those written in Go (internalFuncs),
// the lexer's keywords and the @format escapers.
func TestBuiltins(t *testing.T) {
	t.Parallel()
	issues := `[{"key":"A-2","fields":{"summary":"b","points":3,"labels":["x"]}},` +
		`{"key":"A-1","fields":{"summary":"a","points":5,"labels":[]}}]`
	tests := []struct {
		program, input string
		want           []string
	}{
		{`map(.key)`, issues, []string{`["A-2","A-1"]`}},
		{`.[] | select(.fields.points > 4) | .key`, issues, []string{`"A-1"`}},
		{`sort_by(.key) | map(.fields.summary)`, issues, []string{`["a","b"]`}},
		{`map(.fields.points) | add`, issues, []string{`8`}},
		{`group_by(.fields.labels | length) | map(length)`, issues, []string{`[1,1]`}},
		{`min_by(.fields.points).key, max_by(.fields.points).key`, issues, []string{`"A-2"`, `"A-1"`}},
		{`unique_by(.a) | length`, `[{"a":1},{"a":1},{"a":2}]`, []string{`2`}},
		{`to_entries`, `{"a":1}`, []string{`[{"key":"a","value":1}]`}},
		{`from_entries`, `[{"name":"a","value":1}]`, []string{`{"a":1}`}},
		{`with_entries(.value += 1)`, `{"a":1,"b":2}`, []string{`{"a":2,"b":3}`}},
		{`[paths]`, `{"a":[1]}`, []string{`[["a"],["a",0]]`}},
		{`[paths(type == "number")]`, `{"a":[1],"b":"c"}`, []string{`[["a",0]]`}},
		{`[paths(scalars)]`, `{"a":{"b":1}}`, []string{`[["a","b"]]`}},
		{`[limit(3; range(10))]`, `null`, []string{`[0,1,2]`}},
		{`first(range(5; 10)), [range(0; 10; 4)]`, `null`, []string{`5`, `[0,4,8]`}},
		{`del(.a) | keys`, `{"a":1,"b":2,"c":3}`, []string{`["b","c"]`}},
		{`walk(if type == "number" then . * 10 else . end)`, `[1,[2]]`, []string{`[10,[20]]`}},
		{`any(. > 2), all(. > 0)`, `[1,2,3]`, []string{`true`, `true`}},
		{`[.[] | numbers], [.[] | strings]`, `[1,"a",null]`, []string{`[1]`, `["a"]`}},
		{`index("b"), ascii_downcase, ltrimstr("A")`, `"ABC"`, []string{`null`, `"abc"`, `"BC"`}},
		{`test("^A-[0-9]+$")`, `"A-12"`, []string{`true`}},
		{`test("a"; "i"), [match("[0-9]+"; "g").string]`, `"A1b22"`, []string{`true`, `["1","22"]`}},
		{`capture("(?<project>[A-Z]+)-(?<n>[0-9]+)")`, `"AB-7"`, []string{`{"n":"7","project":"AB"}`}},
		{`sub("-"; "_"), gsub("[aeiou]"; "")`, `"a-b-e"`, []string{`"a_b-e"`, `"-b-"`}},
		{`split(", ") | join("/")`, `"a, b, c"`, []string{`"a/b/c"`}},
		{`@base64, (@base64 | @base64d)`, `"jira:oauth"`, []string{`"amlyYTpvYXV0aA=="`, `"jira:oauth"`}},
		{`@html`, `"<a href='x'>&\"</a>"`, []string{`"&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;"`}},
		{`@csv, @tsv`, `["a\"b", "c\td"]`, []string{`"\"a\"\"b\",\"c\td\""`, `"a\"b\tc\\td"`}},
		{`@sh`, `["it's", 2]`, []string{`"'it'\\''s' 2"`}},
		{`@uri "q=\(.)"`, `"a b&c"`, []string{`"q=a%20b%26c"`}},
		{`tojson, (tojson | fromjson)`, `{"a":[1]}`, []string{`"{\"a\":[1]}"`, `{"a":[1]}`}},
		{`reduce .[] as $x (0; . + $x)`, `[1,2,3]`, []string{`6`}},
		{`[foreach .[] as $x (0; . + $x)]`, `[1,2,3]`, []string{`[1,3,6]`}},
		{`if . == 1 then "one" elif . == 2 then "two" else "many" end`, `2`, []string{`"two"`}},
		{`(true and false) or (null | not)`, `null`, []string{`true`}},
		{`try error("boom") catch .`, `null`, []string{`"boom"`}},
		{`[label $out | .[] | if . > 1 then ., break $out else . end]`, `[1,2,3]`, []string{`[1,2]`}},
		{`def double: . * 2; [.[] | double]`, `[1,2]`, []string{`[2,4]`}},
		{`. as [$a, {b: $c}] | $a + $c`, `[1,{"b":2}]`, []string{`3`}},
		{`"\(.a)-\(.b)"`, `{"a":"A","b":1}`, []string{`"A-1"`}},
		{`[tostream] | fromstream(.[])`, `{"a":[1,2]}`, []string{`{"a":[1,2]}`}},
		{`getpath(["a","b"]), ([.c | splits(", *")])`, `{"a":{"b":1},"c":"x, y,z"}`, []string{`1`, `["x","y","z"]`}},
		{`.a.b`, `{"a":"x"}`, []string{`error: expected an object but got: string ("x")`}},
		{`0 | todate`, `null`, []string{`"1970-01-01T00:00:00Z"`}},
		{`builtins | length > 100`, `null`, []string{`true`}},
		{`length, utf8bytelength`, `"é"`, []string{`1`, `2`}},
		{`.[1:] | reverse`, `[1,2,3]`, []string{`[3,2]`}},
	}
	for _, tt := range tests {
		t.Run(tt.program, func(t *testing.T) {
			got, err := eval(tt.program, tt.input)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("%s on %s = %q; want %q", tt.program, tt.input, got, tt.want)
			}
		})
	}
	q, err := Parse(`nosuchfunc`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(q); err == nil || !strings.Contains(err.Error(), "function not defined: nosuchfunc/0") {
		t.Errorf("Compile(nosuchfunc) = %v; want function not defined", err)
	}
}

// TestLazyTables checks that the tables are built on first use and not
// before, and that a first use from many goroutines at once is safe (run
// with -race). It runs itself in a child process: in this test binary the
// other tests may already have built them.
func TestLazyTables(t *testing.T) {
	if os.Getenv("GOJQ_LAZY_TABLES_CHILD") != "1" {
		t.Parallel()
		cmd := exec.Command(os.Args[0], "-test.run=^TestLazyTables$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "GOJQ_LAZY_TABLES_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestLazyTables") {
			t.Fatalf("child process: %v\n%s", err, out)
		}
		return
	}
	escapers := map[string]*lazyReplacer{"html": &htmlEscaper, "csv": &csvEscaper, "tsv": &tsvEscaper, "sh": &shEscaper}
	built := func() map[string]bool {
		b := map[string]bool{
			"builtinFuncDefs": lazyBuiltinFuncDefs.v != nil,
			"internalFuncs":   lazyInternalFuncs.v != nil,
			"keywords":        lazyKeywords.v != nil,
		}
		for name, e := range escapers {
			b["@"+name] = e.r != nil
		}
		return b
	}
	for name, ok := range built() {
		if ok {
			t.Errorf("%s built before the first jq program ran", name)
		}
	}
	const program = `if length > 0 then map(select(. != null)) | (.[0] | @html), @csv, @tsv, @sh else empty end`
	want := []string{`"a&amp;b"`, `"\"a&b\",\"c\""`, `"a&b\tc"`, `"'a&b' 'c'"`}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := eval(program, `["a&b", null, "c"]`)
			if err != nil {
				t.Error(err)
			} else if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s = %q; want %q", program, got, want)
			}
		})
	}
	wg.Wait()
	for name, ok := range built() {
		if !ok {
			t.Errorf("%s not built by a program that uses it", name)
		}
	}
}
