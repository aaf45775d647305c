// Command dist builds the release archives of jira-oauth into a folder
// (dist/ by default): for each target platform a .tar.gz (.zip for
// Windows) holding the binary, README.md, LICENSE, THIRD_PARTY_LICENSES
// (those of the modules and of Go linked into the binary), the man pages
// and the shell completion scripts, plus SHA256SUMS. `make dist` runs it
// with the version, commit and commit time taken from git.
//
// The archives are reproducible: the same commit gives the same bytes.
// Binaries are built with -trimpath, -buildvcs=false and -buildid= (the
// version comes from -ldflags -X instead); entries are sorted, carry one
// fixed time (the commit's), uid and gid 0, no user or group names, and
// modes 0755 or 0644 whatever the checkout's; gzip headers carry no name
// or time. Go's archive/tar, archive/zip and compress/gzip give that on
// every platform, where tar and zip flags differ between GNU and BSD.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// defaultTargets are the platforms a release is built for.
const defaultTargets = "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64"

func main() {
	out := flag.String("out", "dist", "folder to write the archives and SHA256SUMS into (emptied first)")
	version := flag.String("version", "", "the release tag, e.g. v1.2.3; empty for an untagged (devel) build")
	commit := flag.String("commit", "", "the full commit hash the release is built from")
	epoch := flag.String("epoch", "", "the commit time in Unix seconds: the time of every archive entry (default $SOURCE_DATE_EPOCH, else 1980-01-01)")
	targets := flag.String("targets", defaultTargets, "comma-separated GOOS/GOARCH list")
	flag.Parse()
	r := release{version: *version, commit: *commit, targets: strings.Split(*targets, ",")}
	var err error
	if r.mtime, err = entryTime(*epoch, os.Getenv("SOURCE_DATE_EPOCH")); err == nil {
		err = r.build(*out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

// release is one run of dist.
type release struct {
	version, commit string
	mtime           time.Time
	targets         []string
}

// entryTime is the modification time of every archive entry: the commit's
// time, else SOURCE_DATE_EPOCH, else 1980-01-01 (zip cannot store older).
func entryTime(epoch, env string) (time.Time, error) {
	min := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{epoch, env} {
		if s == "" {
			continue
		}
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("epoch %q is not a number of seconds", s)
		}
		t := time.Unix(sec, 0).UTC()
		if t.Before(min) {
			t = min
		}
		return t, nil
	}
	return min, nil
}

// label is the version part of archive names: the tag, else devel and
// the commit.
func (r *release) label() string {
	switch {
	case r.version != "":
		return r.version
	case len(r.commit) >= 12:
		return "devel-" + r.commit[:12]
	}
	return "devel"
}

func (r *release) build(out string) error {
	stage, err := os.MkdirTemp("", "jira-oauth-dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)

	// What every archive holds besides the binary.
	docs := filepath.Join(stage, "docs")
	gen := exec.Command("go", "run", "./internal/docgen",
		"-man", filepath.Join(docs, "man", "man1"),
		"-completions", filepath.Join(docs, "completions"),
		"-version", r.version, "-date", r.mtime.Format("2006-01-02"))
	gen.Stdout, gen.Stderr = os.Stderr, os.Stderr
	if err := gen.Run(); err != nil {
		return fmt.Errorf("go run ./internal/docgen: %w", err)
	}
	var common []entry
	for _, name := range []string{"README.md", "LICENSE"} {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		common = append(common, entry{name: name, mode: 0o644, data: b})
	}
	docFiles, err := readTree(docs)
	if err != nil {
		return err
	}
	common = append(common, docFiles...)

	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var sums []string
	for _, target := range r.targets {
		goos, goarch, ok := strings.Cut(target, "/")
		if !ok {
			return fmt.Errorf("target %q is not GOOS/GOARCH", target)
		}
		exe := "jira-oauth"
		if goos == "windows" {
			exe += ".exe"
		}
		binPath := filepath.Join(stage, goos+"_"+goarch, exe)
		if err := r.goBuild(goos, goarch, binPath); err != nil {
			return err
		}
		bin, err := os.ReadFile(binPath)
		if err != nil {
			return err
		}
		notices, err := thirdPartyNotices(goos, goarch)
		if err != nil {
			return err
		}
		base := fmt.Sprintf("jira-oauth_%s_%s_%s", r.label(), goos, goarch)
		entries := append([]entry{{name: exe, mode: 0o755, data: bin}, {name: "THIRD_PARTY_LICENSES", mode: 0o644, data: notices}}, common...)
		var buf bytes.Buffer
		name := base + ".tar.gz"
		if goos == "windows" {
			name = base + ".zip"
			err = writeZip(&buf, base, entries, r.mtime)
		} else {
			err = writeTarGz(&buf, base, entries, r.mtime)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name), buf.Bytes(), 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(buf.Bytes())
		sums = append(sums, hex.EncodeToString(sum[:])+"  "+name+"\n")
		fmt.Fprintf(os.Stderr, "dist: %s\n", filepath.Join(out, name))
	}
	slices.SortFunc(sums, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(strings.Join(sums, "")), 0o644)
}

// ldflags stamps the version (internal/cli reads it) and strips the symbol
// table and DWARF: a smaller binary maps fewer pages at start-up.
func (r *release) ldflags() string {
	const pkg = "github.com/jira-oauth/jira-oauth/internal/cli"
	return fmt.Sprintf("-s -w -buildid= -X %s.buildVersion=%s -X %s.buildCommit=%s -X %s.buildDate=%s",
		pkg, r.version, pkg, r.commit, pkg, r.mtime.Format("2006-01-02"))
}

func (r *release) goBuild(goos, goarch, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", r.ldflags(), "-o", out, "./cmd/jira-oauth")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s/%s: %w", goos, goarch, err)
	}
	return nil
}

// thirdPartyNotices is the licence of every module linked into the binary
// for goos/goarch, of third-party code copied into our tree (a package of
// ours with a LICENSE of its own, such as internal/gojq), and of Go itself
// (its runtime and standard library are in the binary): BSD, MIT and
// Apache licences ask a binary distribution to carry them.
func thirdPartyNotices(goos, goarch string) ([]byte, error) {
	list := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if .Main}}ours\t{{$.Dir}}{{else}}{{.Path}}@{{.Version}}\t{{.Dir}}{{end}}{{end}}", "./cmd/jira-oauth")
	list.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	list.Stderr = os.Stderr
	out, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list for %s/%s: %w", goos, goarch, err)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	mods := []string{"Go (the runtime and standard library)\t" + strings.TrimSpace(string(goroot))}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if dir, ok := strings.CutPrefix(line, "ours\t"); ok {
			copied, err := copiedCode(dir)
			if err != nil {
				return nil, err
			}
			line = copied
		}
		if line != "" && !slices.Contains(mods, line) {
			mods = append(mods, line)
		}
	}
	slices.Sort(mods[1:])
	var b strings.Builder
	b.WriteString("jira-oauth is licensed under the Apache License 2.0 (LICENSE). Its binary\nalso contains the following software, under these licences.\n")
	for _, m := range mods {
		name, dir, _ := strings.Cut(m, "\t")
		text, err := licenceText(dir)
		if err != nil {
			return nil, fmt.Errorf("licence of %s: %w", name, err)
		}
		fmt.Fprintf(&b, "\n%s\n%s\n\n%s\n", strings.Repeat("=", 78), name, strings.TrimSpace(text))
	}
	return []byte(b.String()), nil
}

// copiedCode returns "NAME\tDIR" for a package of ours that is a copy of
// third-party code: one with a LICENSE file of its own, and in its
// README.md a line "Upstream: MODULE VERSION" naming what it copies. It
// returns "" for our own packages.
func copiedCode(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "LICENSE")); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", err // an unreadable folder must not drop a licence notice
	}
	name := dir
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, dir); err == nil {
			name = filepath.ToSlash(rel)
		}
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for line := range strings.Lines(string(readme)) {
		if upstream, ok := strings.CutPrefix(strings.TrimSpace(line), "Upstream: "); ok {
			return fmt.Sprintf("%s (copied into %s)\t%s", upstream, name, dir), nil
		}
	}
	return "", fmt.Errorf("%s has a LICENSE of its own (third-party code) but its README.md has no line \"Upstream: MODULE VERSION\" saying what it copies", name)
}

// licenceText reads the licence file at the root of a module.
func licenceText(dir string) (string, error) {
	for _, name := range []string{"LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("no LICENSE file in %s", dir)
}

// entry is one file of an archive; name is slash-separated and relative
// to the archive's top folder.
type entry struct {
	name string
	mode fs.FileMode
	data []byte
}

// readTree reads every file under dir as entries named relative to dir,
// mode 0644.
func readTree(dir string) ([]entry, error) {
	var entries []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		entries = append(entries, entry{name: filepath.ToSlash(rel), mode: 0o644, data: b})
		return nil
	})
	return entries, err
}

// layout returns the folders and files of an archive whose top folder is
// top, sorted by name, folders first where they share a prefix.
func layout(top string, entries []entry) (dirs []string, files []entry) {
	seen := map[string]bool{}
	for _, e := range entries {
		for d := path.Dir(e.name); d != "."; d = path.Dir(d) {
			seen[d] = true
		}
		files = append(files, entry{name: top + "/" + e.name, mode: e.mode, data: e.data})
	}
	dirs = append(dirs, top+"/")
	for d := range seen {
		dirs = append(dirs, top+"/"+d+"/")
	}
	slices.Sort(dirs)
	slices.SortFunc(files, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return dirs, files
}

// writeTarGz writes a reproducible gzipped tar of entries under top/.
func writeTarGz(w io.Writer, top string, entries []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	dirs, files := layout(top, entries)
	for _, d := range dirs {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755, ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return err
		}
	}
	for _, f := range files {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: int64(f.mode.Perm()), Size: int64(len(f.data)), ModTime: mtime, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// writeZip writes a reproducible zip of entries under top/.
func writeZip(w io.Writer, top string, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	dirs, files := layout(top, entries)
	for _, d := range dirs {
		h := &zip.FileHeader{Name: d, Method: zip.Store, Modified: mtime}
		h.SetMode(fs.ModeDir | 0o755)
		if _, err := zw.CreateHeader(h); err != nil {
			return err
		}
	}
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(f.mode.Perm())
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}
