package config

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests in this file run the test binary again as a helper process
// (TestMain runs helperMain when JIRA_OAUTH_CONFIG_HELPER is set), so that
// several real processes share a config, and so that a process can die in
// the middle of a save.

const helperEnv = "JIRA_OAUTH_CONFIG_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helperMain(mode))
	}
	os.Exit(m.Run())
}

// helperMain does what the helper process was started for; the config path
// and parameters come in environment variables.
func helperMain(mode string) int {
	path := os.Getenv("HELPER_PATH")
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	switch mode {
	case "writer":
		// Each update increments this writer's own key and the shared
		// "total": a lost update shows up in both. Odd writers wait for
		// the lock in the kernel (Update), even ones poll it with a ctx
		// that can be done, as the CLI's (UpdateContext).
		id := os.Getenv("HELPER_ID")
		n, _ := strconv.Atoi(os.Getenv("HELPER_N"))
		ctx := context.Background()
		if i, _ := strconv.Atoi(id); i%2 == 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			defer cancel()
		}
		for i := 0; i < n; i++ {
			err := UpdateContext(ctx, path, func(f *File) error {
				for _, k := range []string{"writer." + id, "total"} {
					v, _ := strconv.Atoi(f.Get(k))
					f.Set(k, strconv.Itoa(v+1))
				}
				return nil
			})
			if err != nil {
				return fail(err)
			}
		}
		return 0
	case "stop":
		// Update, and exit at once (no deferred cleanup, as in a crash)
		// at the fault point HELPER_POINT of the save.
		p := parsePoint(os.Getenv("HELPER_POINT"))
		err := Update(path, func(f *File) error {
			f.Set(KeySecret, newSecret)
			p.install(f, func() error { os.Exit(7); return nil })
			return nil
		})
		if err != nil {
			return fail(err)
		}
		return 0
	case "hang":
		// Update, write half of the new file, say so and wait to be killed.
		err := Update(path, func(f *File) error {
			f.Set(KeySecret, newSecret)
			f.hooks.write = func(w io.Writer, data []byte) error {
				if _, err := w.Write(data[:len(data)/2]); err != nil {
					return err
				}
				fmt.Println("writing")
				select {}
			}
			return nil
		})
		return fail(fmt.Errorf("Update returned %v; want to be killed", err))
	}
	return fail(fmt.Errorf("unknown helper mode %q", mode))
}

// helper returns the command that runs the test binary as a helper.
func helper(mode, path string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode, "HELPER_PATH=" + path}, env...)...)
	return cmd
}

// TestParallelProcesses: many processes update one config at once; no
// update is lost, the file parses and nothing but the config is left.
func TestParallelProcesses(t *testing.T) {
	t.Parallel()
	writers, updates := 32, 25
	if testing.Short() {
		writers, updates = 8, 5
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	const head = "# written by hand\njira_home = https://jira.example.com\nconsumer_key = clé-ünïcødé-日本\n"
	if err := os.WriteFile(path, []byte(head), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, writers)
	outs := make([][]byte, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := helper("writer", path, fmt.Sprintf("HELPER_ID=%02d", w), fmt.Sprintf("HELPER_N=%d", updates))
			outs[w], errs[w] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v\n%s", w, err, outs[w])
		}
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"jira_home":    "https://jira.example.com",
		"consumer_key": "clé-ünïcødé-日本",
		"total":        strconv.Itoa(writers * updates),
	}
	for w := range writers {
		want[fmt.Sprintf("writer.%02d", w)] = strconv.Itoa(updates)
	}
	got := values(f)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q; want %q (a lost update)", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("keys: got %d; want %d", len(got), len(want))
	}
	if b := string(f.Bytes()); !strings.HasPrefix(b, head) {
		t.Errorf("the hand-written lines changed:\n%s", b)
	}
	checkMode(t, path)
	checkOnly(t, dir, "config.properties")
	t.Logf("%d processes x %d updates = %d locked updates, none lost", writers, updates, writers*updates)
}

const (
	oldConfig = "# mine\r\njira_home=https://jira.example.com\r\nsecret=old\r\n"
	newSecret = "new secret, long enough to be written in more than one piece: clé ünïcødé 日本"
)

// point is a place in a save where a fault is injected: before the step
// of writeAtomic named step, or (step "write" with n >= 0) after the first
// n bytes of the new content were written.
type point struct {
	step string
	n    int // -1: before the step
}

func (p point) String() string {
	if p.n < 0 {
		return p.step
	}
	return fmt.Sprintf("write+%d", p.n)
}

func parsePoint(s string) point {
	if n, ok := strings.CutPrefix(s, "write+"); ok {
		i, _ := strconv.Atoi(n)
		return point{"write", i}
	}
	return point{s, -1}
}

// install makes the save of f run do at p; do returns the error the step
// then fails with.
func (p point) install(f *File, do func() error) {
	if p.n < 0 {
		f.hooks.fault = func(step string) error {
			if step == p.step {
				return do()
			}
			return nil
		}
		return
	}
	f.hooks.write = func(w io.Writer, data []byte) error {
		if _, err := w.Write(data[:p.n]); err != nil {
			return err
		}
		return do()
	}
}

// steps are the steps of writeAtomic, in order, as it names them.
var steps = []string{"create", "chmod", "write", "sync", "close", "rename", "syncdir"}

// faultPoints returns every fault point of saving data: before each step,
// and after 0, 1, half, all but one and all of its bytes were written.
func faultPoints(data []byte) []point {
	var ps []point
	for _, s := range steps {
		ps = append(ps, point{s, -1})
	}
	for _, n := range []int{0, 1, len(data) / 2, len(data) - 1, len(data)} {
		ps = append(ps, point{"write", n})
	}
	return ps
}

// newContent is what saving newSecret into oldConfig writes.
func newContent(t *testing.T) string {
	f, err := Parse("c", []byte(oldConfig))
	if err != nil {
		t.Fatal(err)
	}
	f.Set(KeySecret, newSecret)
	return string(f.Bytes())
}

// TestSaveSteps: the steps list above is the one writeAtomic goes through.
func TestSaveSteps(t *testing.T) {
	t.Parallel()
	f := New(filepath.Join(t.TempDir(), "config.properties"))
	var got []string
	f.hooks.fault = func(step string) error { got = append(got, step); return nil }
	f.Set("a", "1")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(steps, " ") {
		t.Errorf("steps: got %q; want %q", got, steps)
	}
}

// TestFaultPoints fails a save at each fault point, through Save and
// through Update: the file is then exactly the old one (or, once the
// rename is done, exactly the new one, and the save succeeds), and no
// temporary file is left.
func TestFaultPoints(t *testing.T) {
	t.Parallel()
	want := newContent(t)
	points := faultPoints([]byte(want))
	runs := 0
	for _, p := range points {
		for _, via := range []string{"Save", "Update"} {
			runs++
			dir := t.TempDir()
			path := filepath.Join(dir, "config.properties")
			if err := os.WriteFile(path, []byte(oldConfig), 0o600); err != nil {
				t.Fatal(err)
			}
			injected := fmt.Errorf("injected fault at %v", p)
			edit := func(f *File) error {
				f.Set(KeySecret, newSecret)
				p.install(f, func() error { return injected })
				return nil
			}
			var err error
			if via == "Save" {
				f, lerr := Load(path)
				if lerr != nil {
					t.Fatal(lerr)
				}
				edit(f)
				err = f.Save()
			} else {
				err = Update(path, edit)
			}
			got, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if p.step == "syncdir" {
				if err != nil || string(got) != want {
					t.Errorf("%s, fault at %v (after the rename): got %v, %q; want success and the new file", via, p, err, got)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), "the old file is unchanged") && p.step != "create" {
					t.Errorf("%s, fault at %v: got error %v; want one saying the old file is unchanged", via, p, err)
				}
				if string(got) != oldConfig {
					t.Errorf("%s, fault at %v: file is %q; want exactly the old one", via, p, got)
				}
			}
			checkMode(t, path)
			checkOnly(t, dir, "config.properties")
		}
	}
	t.Logf("%d fault points x {Save, Update} = %d failed saves, each leaving the old or the new file", len(points), runs)
}

// TestCrashPoints stops a process at each fault point of an Update (exit
// without any cleanup, as a crash would): the config is exactly the old
// file, or the new one once the rename was done; the lock died with the
// process; a temporary file may be left, and the next Update removes it.
func TestCrashPoints(t *testing.T) {
	t.Parallel()
	want := newContent(t)
	points := faultPoints([]byte(want))
	for _, p := range points {
		t.Run(p.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "config.properties")
			if err := os.WriteFile(path, []byte(oldConfig), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := helper("stop", path, "HELPER_POINT="+p.String()).CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
				t.Fatalf("helper: got %v; want it to stop with status 7\n%s", err, out)
			}
			checkAfterCrash(t, path, p.step == "syncdir", p.step != "create" && p.step != "syncdir")
		})
	}
}

// TestKilledMidWrite kills (SIGKILL on Unix) a process half-way through
// writing the new file of an Update.
func TestKilledMidWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.properties")
	if err := os.WriteFile(path, []byte(oldConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := helper("hang", path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "writing\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper said %q; want %q", line, "writing\n")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	checkAfterCrash(t, path, false, true)
}

// checkAfterCrash checks the config at path after a process died saving
// it: exactly the new content (renamed) or the old one, at most one
// temporary file (tempLeft: exactly one), which the next Update removes
// (so the lock was released too).
func checkAfterCrash(t *testing.T, path string, renamed, tempLeft bool) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := oldConfig; renamed {
		if want = newContent(t); string(got) != want {
			t.Errorf("config: got %q; want exactly the new file", got)
		}
	} else if string(got) != want {
		t.Errorf("config: got %q; want exactly the old file", got)
	}
	dir := filepath.Dir(path)
	ents, _ := os.ReadDir(dir)
	var temps int
	for _, e := range ents {
		if isTemp(e.Name(), "config.properties") {
			temps++
		}
	}
	if want := map[bool]int{true: 1, false: 0}[tempLeft]; temps != want {
		t.Errorf("temporary files after the crash: got %d; want %d", temps, want)
	}
	// A hang guard, not a time assertion: the lock must be free.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := UpdateContext(ctx, path, func(f *File) error { f.Set("after", "crash"); return nil }); err != nil {
		t.Fatalf("Update after the crash: %v", err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Get("after") != "crash" || f.Get(KeyJiraHome) != "https://jira.example.com" {
		t.Errorf("after the next Update: got %q", f.Bytes())
	}
	checkOnly(t, dir, "config.properties")
}
