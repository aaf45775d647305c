package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cli/browser"
)

// openBrowser opens url in the user's browser: the command in $BROWSER
// when set (as git and gh do; it gets the URL as its last argument),
// otherwise the system's opener (xdg-open, open, or the Windows shell).
// The browser's own output goes to stderr, never to stdout, which belongs
// to the command's result.
//
// A terminal browser (w3m, lynx: see isTerminalBrowser) needs the terminal
// to itself: it runs in the foreground with the terminal as its stdin, and
// openBrowser returns when it ends (the callback it follows has reached
// login by then). A graphical one is started and left running.
func openBrowser(ctx context.Context, url string) error {
	if command := strings.Fields(os.Getenv("BROWSER")); len(command) > 0 {
		if isTerminalBrowser(command[0]) && isTerminal(os.Stdin) && isTerminal(os.Stderr) {
			cmd := exec.CommandContext(ctx, command[0], append(command[1:], url)...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil && ctx.Err() == nil {
				var exit *exec.ExitError
				if !errors.As(err, &exit) {
					return err
				}
			}
			return nil
		}
		// Not CommandContext: a graphical browser must outlive login.
		cmd := exec.Command(command[0], append(command[1:], url)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		// Some browsers stay in the foreground until closed: do not wait,
		// but reap the process when it ends.
		go cmd.Wait() //nolint:errcheck // its exit status tells nothing useful
		return nil
	}
	browser.Stdout, browser.Stderr = os.Stderr, os.Stderr
	err := browser.OpenURL(url)
	var notFound *exec.Error
	if errors.As(err, &notFound) {
		return errors.New("no browser found (xdg-open, x-www-browser, www-browser); set $BROWSER")
	}
	return err
}

// terminalBrowsers are browsers that draw on the terminal they run in.
// (www-browser is Debian's name for the system's text-mode browser.)
func terminalBrowsers() []string {
	return []string{"w3m", "lynx", "links", "links2", "elinks", "browsh", "carbonyl", "www-browser"}
}

// isTerminalBrowser reports whether command ($BROWSER's first word) is a
// browser that runs on the terminal, by its name or, for a link such as
// /etc/alternatives/www-browser -> /usr/bin/w3m, by the name it points to.
func isTerminalBrowser(command string) bool {
	if command == "" {
		return false
	}
	if slices.Contains(terminalBrowsers(), filepath.Base(command)) {
		return true
	}
	path, err := exec.LookPath(command)
	if err != nil {
		return false
	}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return slices.Contains(terminalBrowsers(), filepath.Base(resolved))
	}
	return false
}
