#!/usr/bin/env bash
# The TypeScript types in ui/src/lib/bindings are generated from Rust by ts-rs during
# `cargo test`. Fail if regenerating changed or added any, so UI and core never drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."
changes=$(git status --porcelain -- ui/src/lib/bindings)
if [ -n "$changes" ]; then
  echo "Generated TypeScript types differ from the committed ones:"
  echo "$changes"
  git --no-pager diff --stat -- ui/src/lib/bindings
  echo "Run 'cargo test --workspace' and commit ui/src/lib/bindings."
  exit 1
fi
echo "ui/src/lib/bindings is up to date ($(ls ui/src/lib/bindings | wc -l) files)."
