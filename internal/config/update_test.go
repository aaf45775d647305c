package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUpdateCreatesMissingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	var existed bool
	err := Update(path, func(f *File) error {
		existed = f.Exists()
		f.Set(KeyConsumerKey, "ck")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if existed {
		t.Errorf("Exists() for a missing config: got true; want false")
	}
	if got, _ := os.ReadFile(path); string(got) != "consumer_key=ck\n" {
		t.Errorf("created: got %q; want %q", got, "consumer_key=ck\n")
	}
	checkMode(t, path)
	checkOnly(t, dir, "config.properties")

	err = Update(path, func(f *File) error {
		existed = f.Exists()
		f.Set(KeyJiraHome, "https://jira.example.com")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !existed {
		t.Errorf("Exists() for an existing config: got false; want true")
	}
	if got, _ := os.ReadFile(path); string(got) != "consumer_key=ck\njira_home=https\\://jira.example.com\n" {
		t.Errorf("updated: got %q", got)
	}
	checkOnly(t, dir, "config.properties")
}

// TestUpdateSavesOnlyChanges: no file appears when fn sets nothing, and an
// existing file is not rewritten (same inode) when fn changes no byte.
func TestUpdateSavesOnlyChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	if err := Update(path, func(f *File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	checkOnly(t, dir)

	if err := os.WriteFile(path, []byte("a = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if err := Update(path, func(f *File) error { f.Set("a", "1"); return nil }); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Errorf("Update that changed nothing replaced the file")
	}
	if err := Update(path, func(f *File) error { f.Set("a", "2"); return nil }); err != nil {
		t.Fatal(err)
	}
	after, _ = os.Stat(path)
	if os.SameFile(before, after) {
		t.Errorf("Update that changed a value did not replace the file")
	}
	checkOnly(t, dir, "config.properties")
}

// TestSaveInsideUpdate: fn may Save; it does not wait for the lock its
// own Update holds. Afterwards that File's Save takes the lock again.
func TestSaveInsideUpdate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	var kept *File
	done := make(chan error, 1)
	go func() {
		done <- Update(path, func(f *File) error {
			kept = f
			f.Set("a", "1")
			if err := f.Save(); err != nil {
				return err
			}
			if got, _ := os.ReadFile(path); string(got) != "a=1\n" {
				t.Errorf("after Save in fn: got %q; want %q", got, "a=1\n")
			}
			f.Set("b", "2")
			return nil
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a hang guard, not a time assertion
		t.Fatal("Save inside Update's fn waits for the lock its Update holds")
	}
	if got, _ := os.ReadFile(path); string(got) != "a=1\nb=2\n" {
		t.Errorf("after Update: got %q; want %q", got, "a=1\nb=2\n")
	}
	if kept.locked {
		t.Errorf("the File still says Update holds the lock")
	}
	checkOnly(t, dir, "config.properties")
}

func TestUpdateFnErrorSavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	errStop := errors.New("stop")
	err := Update(path, func(f *File) error { f.Set("a", "1"); return errStop })
	if err != errStop {
		t.Errorf("Update: got %v; want fn's error as is", err)
	}
	checkOnly(t, dir)

	const orig = "# mine\na=1\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	err = Update(path, func(f *File) error { f.Set("a", "2"); return errStop })
	if err != errStop {
		t.Errorf("Update: got %v; want fn's error as is", err)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("after fn failed: got %q; want %q", got, orig)
	}
	checkOnly(t, dir, "config.properties")
}

func TestUpdateErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing", "config.properties")
	err := Update(missing, func(*File) error { t.Error("fn called"); return nil })
	if want := "cannot update " + missing + ": folder " + filepath.Dir(missing) + " does not exist: create it first"; err == nil || err.Error() != want {
		t.Errorf("Update in a missing folder: got %v; want %q", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Update in a missing folder: got %v; want errors.Is fs.ErrNotExist", err)
	}
	f := New(missing)
	f.Set("a", "1")
	err = f.Save()
	if want := "cannot write " + missing + ": folder " + filepath.Dir(missing) + " does not exist: create it first"; err == nil || err.Error() != want {
		t.Errorf("Save in a missing folder: got %v; want %q", err, want)
	}

	bad := filepath.Join(dir, "bad.properties")
	if err := os.WriteFile(bad, []byte("a=\\uZZZZ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = Update(bad, func(*File) error { t.Error("fn called"); return nil })
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("Update of a malformed file: got %v; want Load's *Error", err)
	}
	checkOnly(t, dir, "bad.properties")
}

func TestUpdateThroughSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o700); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dir, "real", "c.properties")
	link := filepath.Join(dir, "config.properties")
	if err := os.WriteFile(real, []byte("a=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("real", "c.properties"), link); err != nil {
		t.Skip("no symlinks:", err)
	}
	// A stale temporary file next to the target (where saves write them)
	// is removed; one next to the link is not ours.
	for _, p := range []string{filepath.Join(dir, "real", ".c.properties-1"), filepath.Join(dir, ".config.properties-1")} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Update(link, func(f *File) error { f.Set("a", "2"); return nil }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Update replaced the symlink; want it to write its target")
	}
	if got, _ := os.ReadFile(real); string(got) != "a=2\n" {
		t.Errorf("target: got %q; want %q", got, "a=2\n")
	}
	checkOnly(t, filepath.Join(dir, "real"), "c.properties")
}

// TestUpdateWaitsForTheLock: a second Update waits while the first holds
// the lock, then sees its change.
func TestUpdateWaitsForTheLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	inside, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- Update(path, func(f *File) error {
			close(inside)
			<-release
			f.Set("n", "1")
			return nil
		})
	}()
	<-inside
	second := make(chan error, 1)
	var seen string
	go func() {
		second <- Update(path, func(f *File) error {
			seen = f.Get("n")
			f.Set("n", seen+"+1")
			return nil
		})
	}()
	select {
	case err := <-second:
		t.Fatalf("second Update returned (%v) while the first held the lock", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if seen != "1" {
		t.Errorf("second Update saw n=%q; want the first one's 1", seen)
	}
	if got, _ := os.ReadFile(path); string(got) != "n=1+1\n" {
		t.Errorf("file: got %q; want %q", got, "n=1+1\n")
	}
	checkOnly(t, dir, "config.properties")
}

// TestUpdateContextGivesUp: a waiting UpdateContext returns when its
// context is cancelled, without calling fn or touching the file.
func TestUpdateContextGivesUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	if err := os.WriteFile(path, []byte("a=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	inside, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- Update(path, func(f *File) error {
			close(inside)
			<-release
			f.Set("a", "2")
			return nil
		})
	}()
	<-inside
	ctx, cancel := context.WithCancel(context.Background())
	waiter := make(chan error, 1)
	go func() {
		waiter <- UpdateContext(ctx, path, func(f *File) error {
			t.Error("fn called without the lock")
			return nil
		})
	}()
	cancel()
	err := <-waiter
	if want := "cannot update " + path + ": gave up waiting for another jira-oauth that is saving it (context canceled): retry"; err == nil || err.Error() != want {
		t.Errorf("UpdateContext: got %v; want %q", err, want)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("UpdateContext: got %v; want errors.Is context.Canceled", err)
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Errorf("UpdateContext: got %T; want *config.Error", err)
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "a=2\n" {
		t.Errorf("file: got %q; want %q", got, "a=2\n")
	}
	checkOnly(t, dir, "config.properties")

	// Done before it starts: no lock is taken, nothing happens.
	err = UpdateContext(ctx, path, func(*File) error { t.Error("fn called"); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("UpdateContext with a done ctx: got %v; want context.Canceled", err)
	}
	// Not done: the same call works.
	if err := UpdateContext(context.Background(), path, func(f *File) error { f.Set("a", "3"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "a=3\n" {
		t.Errorf("file: got %q; want %q", got, "a=3\n")
	}
}

// TestStaleTemps: Update and Save remove the temporary files of their own
// config that a killed save left, and nothing else.
func TestStaleTemps(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Update", "Save"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "config.properties")
			for _, n := range []string{
				".config.properties-123", ".config.properties-4567890123", // stale temps
				"config.properties",
				".config.properties-backup", ".config.properties-", ".other.properties-123", "config.properties-123", ".config.properties.lock", // not ours
			} {
				if err := os.WriteFile(filepath.Join(dir, n), []byte("a=1\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			if name == "Update" {
				err = Update(path, func(f *File) error { return nil })
			} else {
				err = New(path).Save()
			}
			if err != nil {
				t.Fatal(err)
			}
			checkOnly(t, dir, ".config.properties-", ".config.properties-backup", ".config.properties.lock", ".other.properties-123", "config.properties", "config.properties-123")
		})
	}
}

func TestIsTemp(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		".config.properties-1":          true,
		".config.properties-0123456789": true,
		".config.properties-":           false,
		".config.properties-1a":         false,
		".config.properties.lock":       false,
		"config.properties-1":           false,
		".config.propertiesx-1":         false,
		".jira_publickey.pem-1":         false,
	} {
		if got := isTemp(name, "config.properties"); got != want {
			t.Errorf("isTemp(%q): got %v; want %v", name, got, want)
		}
	}
}

// TestSaveKeepsMode: Save keeps an existing file's permission bits (the
// user chose them; PermWarning tells them) and creates new files 0600.
func TestSaveKeepsMode(t *testing.T) {
	t.Parallel()
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o644, 0o400} {
		t.Run(fmt.Sprintf("%04o", mode), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "config.properties")
			if err := os.WriteFile(path, []byte("a=1\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			if err := Update(path, func(f *File) error { f.Set("a", "2"); return nil }); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Get("a") != "2" {
				t.Errorf("a: got %q; want 2", f.Get("a"))
			}
			f.Set("a", "3")
			if err := f.Save(); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
				t.Errorf("mode after Update and Save: got %v, %v; want %v", fi.Mode().Perm(), err, mode)
			}
		})
	}
}

func TestPermWarning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		mode fs.FileMode
		want string
	}{
		{"config.properties", 0o600, ""},
		{"config.properties", 0o400, ""},
		{"config.properties", 0o700, ""},
		{"config.properties", 0o644, "%s is readable by group/others (mode 0644) and holds a private key: run 'chmod 600 %s'"},
		{"config.properties", 0o640, "%s is readable by group/others (mode 0640) and holds a private key: run 'chmod 600 %s'"},
		{"config.properties", 0o604, "%s is readable by group/others (mode 0604) and holds a private key: run 'chmod 600 %s'"},
		{"config.properties", 0o620, "%s is writable by group/others (mode 0620) and holds a private key: run 'chmod 600 %s'"},
		{"my config.properties", 0o666, `%s is readable by group/others (mode 0666) and holds a private key: run "chmod 600 '%s'"`},
	}
	for _, tt := range tests {
		sub := filepath.Join(dir, fmt.Sprintf("%04o", tt.mode))
		if err := os.MkdirAll(sub, 0o700); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(sub, tt.name)
		if err := os.WriteFile(path, []byte("private_key=x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, tt.mode); err != nil {
			t.Fatal(err)
		}
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		want := tt.want
		if want != "" {
			want = fmt.Sprintf(want, path, path)
		}
		if got := f.PermWarning(); got != want {
			t.Errorf("mode %04o: got %q; want %q", tt.mode, got, want)
		}
		// Warning only: the mode is as it was.
		if fi, _ := os.Stat(path); fi.Mode().Perm() != tt.mode {
			t.Errorf("mode %04o: Load changed it to %v", tt.mode, fi.Mode().Perm())
		}
	}
	for content, holds := range map[string]string{
		"secret=s\n":                "holds token secrets",
		"request_token_secret=s\n":  "holds token secrets",
		"jira_home=https\\://j\n":   "will hold a private key and tokens",
		"private_key=\nsecret=s\n":  "holds token secrets",
		"private_key=k\nsecret=s\n": "holds a private key",
	} {
		path := filepath.Join(dir, "what.properties")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		want := path + " is readable by group/others (mode 0644) and " + holds + ": run 'chmod 600 " + path + "'"
		if got := f.PermWarning(); got != want {
			t.Errorf("%q: got %q; want %q", content, got, want)
		}
	}
	if got := New("c").PermWarning(); got != "" {
		t.Errorf("New: got %q; want no warning", got)
	}
	f, _ := Parse("c", []byte("a=1\n"))
	if got := f.PermWarning(); got != "" {
		t.Errorf("Parse: got %q; want no warning", got)
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"config.properties":     "config.properties",
		"/etc/jira/c.p":         "/etc/jira/c.p",
		"my dir/c.p":            "'my dir/c.p'",
		"it's":                  `'it'"'"'s'`,
		"$HOME/c.p":             "'$HOME/c.p'",
		"":                      "''",
		"clé/config.properties": "'clé/config.properties'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q): got %q; want %q", in, got, want)
		}
	}
}
