// Package cli implements the jira-oauth command line: one file per
// subcommand, each an options struct filled from flags and a run function
// that does the work with injected streams, environment and clock.
//
// Errors from the packages below (config, keys, oauth) are typed; this
// package maps them to exit codes in one place (exitcode.go) and prints
// each as one line on stderr, scrubbed of any secret the command loaded.
package cli
