#!/usr/bin/env bash
# Run the README's test command (`make test`) under Python 3.10, 3.11, 3.12 and 3.13, each in a fresh clone.
#
#   make matrix                          # all four (about 7 minutes each on a 2-core CPU)
#   bash tools/python_matrix.sh 3.12     # one or more versions
#
# Each version gets a fresh clone of the current commit (uncommitted changes are not tested) with its own
# .venv built by `make test PYTHON=...`. Interpreters come from pyenv (`pyenv install 3.10 3.11 3.12 3.13`)
# or, without pyenv, from python3.X on the PATH. Logs: build/matrix/<version>.log. Exit status 0 only if
# every version passed.
set -uo pipefail
root=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
commit=$(git -C "$root" rev-parse HEAD)  # every version tests this commit, even if new ones land meanwhile
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(3.10 3.11 3.12 3.13)
logs="$root/build/matrix"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$logs"

interpreter() {  # print the path of Python $1 (e.g. 3.12), or nothing
  if command -v pyenv >/dev/null && full=$(pyenv latest "$1" 2>/dev/null); then
    PYENV_VERSION="$full" pyenv which python 2>/dev/null && return
  fi
  command -v "python$1" || true
}

rows=() failed=0
for version in "${versions[@]}"; do
  python=$(interpreter "$version")
  if [ -z "$python" ]; then
    rows+=("| $version | not found | install it: pyenv install $version | |")
    failed=1
    continue
  fi
  echo "== Python $version ($python): fresh clone, make test; log in build/matrix/$version.log"
  start=$SECONDS
  git clone --quiet "$root" "$work/$version" && git -C "$work/$version" checkout --quiet "$commit"
  if make -C "$work/$version" test PYTHON="$python" >"$logs/$version.log" 2>&1; then status=passed; else status=FAILED; failed=1; fi
  summary=$(grep -E "^=+ .*(passed|failed|error).* =+$" "$logs/$version.log" | tail -1 | tr -d '=' | xargs)
  rows+=("| $("$python" -c 'import platform; print(platform.python_version())') | $status | ${summary:-see log} | $((SECONDS - start)) |")
done

echo
echo "Commit ${commit:0:7}, make test in a fresh clone per version:"
echo
echo "| Python | result | pytest | seconds (install + tests) |"
echo "|---|---|---|---:|"
printf '%s\n' "${rows[@]}"
exit $failed
