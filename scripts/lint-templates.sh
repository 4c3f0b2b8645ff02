#!/usr/bin/env bash
# Lints every generated template: cfn-lint once over all of them with informational checks on (any error,
# warning or informational finding fails), then checkov (any check not suppressed with a reason fails).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
templates=(sceptre/templates/*/*.json)
if [ ${#templates[@]} -eq 0 ]; then
  echo "no templates in sceptre/templates: run 'npm run generate' first" >&2
  exit 2
fi
# The deploy gate skips the lint while the templates hash the same as at the last clean lint.
stamp_hash=$(node scripts/run.mjs scripts/lint-stamp.ts hash)
echo "cfn-lint: ${#templates[@]} templates"
uv run --frozen cfn-lint --include-checks I --non-zero-exit-code informational -- "${templates[@]}"
echo "cfn-lint: clean"
node scripts/run.mjs scripts/check-suppressions.ts "${templates[@]}"
echo "checkov: ${#templates[@]} templates"
uv run --frozen --project tools/checkov checkov --quiet --compact --framework cloudformation \
  --skip-download --skip-results-upload -d sceptre/templates
echo "checkov: clean"
node scripts/run.mjs scripts/lint-stamp.ts write "$stamp_hash"
