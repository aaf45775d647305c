#!/usr/bin/env bash
# Update internal/gojq, jira-oauth's copy of github.com/itchyny/gojq, to an
# upstream version: copy that version's package sources, tests, builtin.jq
# and LICENSE from the module cache (not cli/, cmd/ or _tools/), apply
# internal/gojq/lazy-init.patch (our one change: tables built on first use,
# not at init), gofmt, then build, vet and test the package. Nothing in
# internal/gojq changes unless the patch applies.
#
# Usage: scripts/update-gojq.sh VERSION   (e.g. v0.12.20)
#
# If the patch does not apply, redo its edits by hand on the new version
# (internal/gojq/README.md says what they are), then write the patch again
# from a pristine copy and the edited one: diff -U1 for builtin.go (it is
# generated; one line of context stays stable), diff -u for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
if [[ ! $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: scripts/update-gojq.sh VERSION (a release such as v0.12.20)" >&2
  exit 2
fi
module=github.com/itchyny/gojq
dest=internal/gojq
ours=(README.md lazy-init.patch lazy_test.go) # files of ours in $dest, kept

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Outside our module, so that go.mod and go.sum are left alone.
json=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$module@$version") || {
  echo "update-gojq: cannot download $module@$version:" >&2
  echo "$json" >&2
  exit 1
}
src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$src" ] || [ ! -f "$src/gojq.go" ]; then
  echo "update-gojq: no module directory for $module@$version in:" >&2
  echo "$json" >&2
  exit 1
fi

stage=$tmp/gojq
mkdir "$stage"
cp "$src"/*.go "$src/builtin.jq" "$src/LICENSE" "$stage/"
chmod u+w "$stage"/*
# Upstream's tests import the package by its upstream path.
sed -i.orig "s#\"$module\"#\"github.com/jira-oauth/jira-oauth/$dest\"#" "$stage"/*_test.go
rm -f "$stage"/*.orig

# A repository of its own, so that git apply patches exactly these files
# wherever the temporary folder is.
git -C "$stage" init -q
if ! git -C "$stage" apply --verbose "$PWD/$dest/lazy-init.patch"; then
  echo "update-gojq: $dest/lazy-init.patch does not apply to $module $version:" >&2
  echo "  redo its edits by hand and write the patch again (see $dest/README.md)" >&2
  exit 1
fi
rm -rf "$stage/.git"
gofmt -w "$stage"

# Replace the copy: every file but ours.
for f in "$dest"/*; do
  keep=false
  for o in "${ours[@]}"; do [ "$(basename "$f")" = "$o" ] && keep=true; done
  $keep || rm -f "$f"
done
cp "$stage"/* "$dest/"
sed -i.orig "s#^Upstream: .*#Upstream: $module $version#" "$dest/README.md"
rm -f "$dest/README.md.orig"
if ! grep -q "^Upstream: $module $version\$" "$dest/README.md"; then
  echo "update-gojq: $dest/README.md lacks its 'Upstream: $module VERSION' line (make dist reads it)" >&2
  exit 1
fi

# Upstream's dependency (timefmt-go) at least at the version it asks for.
want=$(sed -n 's#^[[:space:]]*github.com/itchyny/timefmt-go \(v[^ ]*\).*#\1#p' "$src/go.mod")
have=$(go list -m -f '{{.Version}}' github.com/itchyny/timefmt-go)
if [ -n "$want" ] && [ "$(printf '%s\n%s\n' "$have" "$want" | sort -V | tail -n1)" != "$have" ]; then
  go get "github.com/itchyny/timefmt-go@$want"
fi

if grep -l '^func init()' "$dest"/*.go | grep -v '/debug.go$'; then
  echo "update-gojq: the files above initialise at start-up: make their tables lazy (lazy.go)" >&2
  exit 1
fi
go build "./$dest"
go vet "./$dest"
go test -count=1 "./$dest"
echo "internal/gojq is now $module $version with lazy-init.patch applied"
