package gojq

import (
	"strings"
	"sync"
)

// This file is not part of upstream gojq: it is jira-oauth's change (see
// README.md in this folder). Upstream builds its tables at package
// initialisation, which every process importing the package pays for at
// start-up, whether it runs a jq program or not: jq's builtin definitions
// (builtinFuncDefs, about 2,300 AST nodes), the Go builtins
// (internalFuncs), the lexer's keywords and the @html, @csv, @tsv and @sh
// escapers. Here each is built on first use. The tables are functions,
// so that an upstream use of the old map variables fails to compile after
// an update rather than reading a nil map.

// lazy is a value built on the first call of get.
type lazy[T any] struct {
	once sync.Once
	v    T
}

// get returns the value, calling build to make it on the first call.
func (l *lazy[T]) get(build func() T) T {
	l.once.Do(func() { l.v = build() })
	return l.v
}

var (
	lazyBuiltinFuncDefs lazy[map[string][]*FuncDef]
	lazyInternalFuncs   lazy[map[string]function]
	lazyKeywords        lazy[map[string]int]
)

// builtinFuncDefs returns the builtins defined in jq (builtin.jq, generated
// into builtin.go).
func builtinFuncDefs() map[string][]*FuncDef {
	return lazyBuiltinFuncDefs.get(newBuiltinFuncDefs)
}

// internalFuncs returns the builtins implemented in Go (func.go).
func internalFuncs() map[string]function {
	return lazyInternalFuncs.get(newInternalFuncs)
}

// keywords returns the lexer's keywords (lexer.go).
func keywords() map[string]int {
	return lazyKeywords.get(newKeywords)
}

// lazyReplacer is a strings.Replacer made on first use. A package-level
// lazyReplacer literal is laid out by the linker: it costs nothing at
// initialisation, unlike a strings.NewReplacer call.
type lazyReplacer struct {
	once   sync.Once
	oldnew []string
	r      *strings.Replacer
}

// Replace returns s with the replacements made, as strings.Replacer.Replace.
func (l *lazyReplacer) Replace(s string) string {
	l.once.Do(func() { l.r = strings.NewReplacer(l.oldnew...) })
	return l.r.Replace(s)
}
