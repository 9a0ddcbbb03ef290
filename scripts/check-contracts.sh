#!/usr/bin/env bash
# Checks the wire contracts in proto/ and the TypeScript generated from them. Offline: it uses
# only the buf and protoc-gen-es installed in node_modules and the local git repository.
#
#   1. buf format: the .proto files are in buf's canonical format.
#   2. buf lint (proto/buf.yaml: STANDARD + comments on every message, enum and oneof).
#   3. buf breaking (FILE) against the base branch, when the base has contracts at all.
#   4. Regenerates into a temporary directory and fails if libs/contracts/src/gen differs
#      (someone edited a .proto without `npm run contracts:generate`, or edited gen/ by hand).
#
# Environment:
#   CONTRACTS_BASE_REF  git ref to compare against (default: main, else origin/main).
#                       "none" skips the breaking check explicitly.
#
# Exit status: 0 when every check passes, non-zero otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

buf="$root/node_modules/.bin/buf"
if [[ ! -x "$buf" || ! -x "$root/node_modules/.bin/protoc-gen-es" ]]; then
  echo "check-contracts: node_modules/.bin/buf or protoc-gen-es is missing; run npm ci first" >&2
  exit 2
fi

step() { printf '\n== %s\n' "$*"; }

step "buf format (proto/)"
if ! "$buf" format --diff --exit-code proto; then
  echo "check-contracts: .proto files are not formatted; run: npx buf format -w proto" >&2
  exit 1
fi

step "buf lint (proto/)"
"$buf" lint proto
echo "ok"

step "buf breaking (proto/ against the base branch)"
base_ref="${CONTRACTS_BASE_REF:-}"
if [[ "$base_ref" == "none" ]]; then
  echo "skipped: CONTRACTS_BASE_REF=none"
elif ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "check-contracts: not a git repository, cannot compare with a base branch" >&2
  exit 1
else
  if [[ -z "$base_ref" ]]; then
    for candidate in main origin/main; do
      if git rev-parse --verify --quiet "$candidate^{commit}" >/dev/null; then
        base_ref="$candidate"
        break
      fi
    done
  fi
  if [[ -z "$base_ref" ]] || ! base_commit="$(git rev-parse --verify --quiet "$base_ref^{commit}")"; then
    echo "check-contracts: base ref '${base_ref:-main}' not found. In CI fetch it" \
      "(git fetch origin main:main), set CONTRACTS_BASE_REF, or CONTRACTS_BASE_REF=none to skip." >&2
    exit 1
  fi
  if ! git cat-file -e "$base_commit:proto/buf.yaml" 2>/dev/null; then
    echo "skipped: $base_ref ($base_commit) has no proto/buf.yaml yet; nothing to be compatible with" \
      "(the first contract commit)."
  else
    # The common git dir (absolute) also works from a linked worktree, where .git is a file.
    git_dir="$(git rev-parse --path-format=absolute --git-common-dir)"
    "$buf" breaking proto --against "${git_dir}#ref=${base_commit},subdir=proto"
    echo "ok: no breaking change against $base_ref ($base_commit)"
  fi
fi

step "generated code is up to date (libs/contracts/src/gen)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# -o re-roots every plugin `out` of buf.gen.yaml under $tmp; the checked-in tree is not touched.
"$buf" generate --template buf.gen.yaml -o "$tmp"
if ! diff -ru libs/contracts/src/gen "$tmp/libs/contracts/src/gen"; then
  echo "check-contracts: libs/contracts/src/gen is stale; run: npm run contracts:generate" >&2
  exit 1
fi
echo "ok"

printf '\ncheck-contracts: all checks passed\n'
