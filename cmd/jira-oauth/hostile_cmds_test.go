package main

import (
	"strings"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"
)

// hostile on|off puts escape sequences everywhere in the answers of the
// provider at $JIRA (jiratest.Provider.Hostile).
func cmdHostile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || (args[0] != "on" && args[0] != "off") {
		ts.Fatalf("usage: hostile on|off")
	}
	provider(ts).Hostile(args[0] == "on")
}

// noescapes [stdout|stderr] fails if the last command's stdout or stderr
// (both by default) holds anything a terminal would act on: a C0 control
// other than newline and tab (ESC above all), DEL, a byte that is not
// UTF-8, a C1 control or a bidi formatting character. It checks on its
// own terms, not with the termsafe package it tests.
func cmdNoEscapes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 {
		ts.Fatalf("usage: noescapes [stdout|stderr]")
	}
	streams := []string{"stdout", "stderr"}
	if len(args) == 1 {
		streams = args
	}
	for _, stream := range streams {
		text := ts.ReadFile(stream)
		for i, line := range strings.Split(text, "\n") {
			for j, r := range line {
				bad := r < 0x20 && r != '\t' || r == 0x7f || 0x80 <= r && r <= 0x9f ||
					r == 0x061c || r == 0x200e || r == 0x200f || 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
				if r == utf8.RuneError {
					if _, size := utf8.DecodeRuneInString(line[j:]); size <= 1 {
						bad = true
					}
				}
				if bad {
					ts.Fatalf("%s line %d holds %q raw: %q", stream, i+1, r, line)
				}
			}
		}
	}
}
