package cli

import (
	"errors"
	"os"
	"os/exec"
	"strings"

	"github.com/cli/browser"
)

// openBrowser opens url in the user's browser: the command in $BROWSER
// when set (as git and gh do; it gets the URL as its last argument),
// otherwise the system's opener (xdg-open, open, or the Windows shell).
// The browser's own output goes to stderr, never to stdout, which belongs
// to the command's result.
func openBrowser(url string) error {
	if command := strings.Fields(os.Getenv("BROWSER")); len(command) > 0 {
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
