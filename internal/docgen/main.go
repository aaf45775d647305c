// Command docgen writes what a release ships besides the binary, generated
// from jira-oauth's Cobra command tree: a man page for every command
// (github.com/spf13/cobra/doc) and the shell completion scripts. It is a
// program of its own so that cobra/doc and its Markdown-to-roff renderer
// stay out of the jira-oauth binary. `make man` and `make dist` run it.
//
//	go run ./internal/docgen -man bin/man/man1 -completions bin/completions -version v1.2.3 -date 2026-12-01
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/jira-oauth/jira-oauth/internal/cli"
)

func main() {
	manDir := flag.String("man", "", "write the man pages (section 1) into this folder")
	compDir := flag.String("completions", "", "write the completion scripts into this folder")
	version := flag.String("version", "", "the version the pages name (default: (devel))")
	date := flag.String("date", "", "the date the pages carry, YYYY-MM-DD (default: $SOURCE_DATE_EPOCH, else 1980-01-01, so that output is reproducible)")
	flag.Parse()
	if *manDir == "" && *compDir == "" {
		fmt.Fprintln(os.Stderr, "docgen: give -man DIR and/or -completions DIR")
		os.Exit(2)
	}
	if err := run(*manDir, *compDir, *version, *date); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(manDir, compDir, version, date string) error {
	when, err := pageDate(date, os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	if version == "" {
		version = "(devel)"
	}
	if manDir != "" {
		if err := writeMan(cli.CommandTree(), manDir, version, when); err != nil {
			return err
		}
	}
	if compDir != "" {
		if err := writeCompletions(cli.CommandTree(), compDir); err != nil {
			return err
		}
	}
	return nil
}

// pageDate is the date of the man pages: -date, else SOURCE_DATE_EPOCH
// (the reproducible-builds convention), else a fixed date, never the clock.
func pageDate(date, epoch string) (time.Time, error) {
	switch {
	case date != "":
		t, err := time.Parse("2006-01-02", date)
		if err != nil {
			return time.Time{}, fmt.Errorf("-date %q is not YYYY-MM-DD", date)
		}
		return t, nil
	case epoch != "":
		var sec int64
		if _, err := fmt.Sscan(epoch, &sec); err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", epoch)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), nil
}

// writeMan writes jira-oauth.1, jira-oauth-keygen.1, ... into dir.
func writeMan(root *cobra.Command, dir, version string, when time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.DisableAutoGenTag = true // its line carries the clock
	header := &doc.GenManHeader{
		Title:   "JIRA-OAUTH",
		Section: "1",
		Date:    &when,
		Source:  "jira-oauth " + version,
		Manual:  "jira-oauth manual",
	}
	return doc.GenManTree(root, header, dir)
}

// completionFiles are the completion scripts and where each shell looks
// for them (see README.md, "Shell completion").
func completionFiles() map[string]func(*cobra.Command, string) error {
	return map[string]func(*cobra.Command, string) error{
		"jira-oauth.bash": func(root *cobra.Command, path string) error { return root.GenBashCompletionFileV2(path, true) },
		"_jira-oauth":     func(root *cobra.Command, path string) error { return root.GenZshCompletionFile(path) },
		"jira-oauth.fish": func(root *cobra.Command, path string) error { return root.GenFishCompletionFile(path, true) },
		"jira-oauth.ps1":  func(root *cobra.Command, path string) error { return root.GenPowerShellCompletionFileWithDesc(path) },
	}
}

// writeCompletions writes the scripts `jira-oauth completion SHELL`
// prints, one file a shell.
func writeCompletions(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, gen := range completionFiles() {
		if err := gen(root, filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
