// Package config loads and saves jira-oauth's config.properties.
//
// The file stays a Java properties file that java.util.Properties (and the
// shell, Java and Python scripts of CI) can read. We decode keys and values
// with github.com/magiconair/properties (expansion disabled: a "${...}" in a
// secret is never interpreted) and keep the user's layout: File is a
// line-level document that keeps every byte of the lines we do not change
// (comments, blank lines, order, duplicates, continuation lines, escapes,
// CRLF endings, non-ASCII text) and rewrites only the logical line of a key we
// Set. What we write is pure ASCII, escaped the way Properties.store does, so
// Properties.load(InputStream) and load(Reader) read the same values.
//
// Save is atomic (temp file in the same directory, fsync, rename, fsync of
// the directory): a crash leaves the old file or the new one. Where a rename
// is impossible (a single-file bind mount, EBUSY or EXDEV) or the folder
// takes no temporary file, an existing file is rewritten in place instead
// and File.NotAtomic says so (see inplace.go). CheckSave proves, before a
// token exchange, that a save can work. A new file is
// created readable only by its owner (0600): it holds a private key and
// token secrets. An existing file keeps its mode, and PermWarning says when
// other users can read it.
//
// Update is the read-modify-write the CLI uses: under an exclusive lock on
// the config's folder it loads the file afresh, applies the change and
// saves, so that concurrent runs lose no update. No lock file is created.
package config
