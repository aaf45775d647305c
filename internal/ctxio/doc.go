// Package ctxio opens and reads files in a way that honours a context:
// a FIFO that nobody writes to, or a file on a hung network mount, blocks
// open(2) or read(2) for ever, and a command must still end when the user
// presses Ctrl-C or a supervisor sends SIGTERM (timeout 3 jira-oauth ...).
package ctxio
