#!/usr/bin/env bash
# `make guide-walk`: follows every guide under docs/guides literally, as a
# user would, against the provider and vpcep-mock built from this tree.
#
# Every ```shell block of a guide runs, in order, in one bash session per
# guide (so `export` and `cd` carry over from block to block) under
# `set -euo pipefail`. A block that fails stops the walk, which names the guide
# and the line and shows the block's output. An HTML comment on the line right
# before a block (invisible in the rendered guide) says what else to do:
#   <!-- walk: skip REASON -->   do not run it (for example `git clone`)
#   <!-- walk: background -->    run it in the background, as in a second
#                                 terminal, and wait until it prints
#                                 "listening on" (it starts vpcep-mock;
#                                 the walk fails at once if it exits)
#   <!-- walk: file NAME -->     (before a non-shell block) write it to NAME
#   <!-- walk: expect TEXT -->   the block's output must contain TEXT
#   <!-- walk: instead COMMAND --> run COMMAND in place of the block, for a
#                                 step the walk cannot take as written (one
#                                 that needs the network, say)
# A guide must run at least one command: one that cannot says why on a line
# of its own, <!-- walk: not-runnable REASON -->, or the walk fails.
# Terraform's approval prompts are answered "yes".
#
# Each guide runs in its own copy of the repository, with the Terraform CLI
# it names first on PATH (1.15 for the terraform query guide), bin/ holding
# the fresh builds, HOME in a temporary directory, Terraform's checkpoint off
# and VPCEP_METADATA_ENDPOINT at a closed loopback port, so that nothing leaves
# the machine. Every process a guide starts is stopped when it ends.
#
# Usage: scripts/guide-walk.sh [guide ...]   (names without .md; default: all)
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"

# run_block runs block INDEX of the manifest as KIND with ARG, in this shell.
run_block() { # dir index kind arg
  local file="$1/block-$2" out="$1/out-$2"
  case $3 in
    background)
      (. "$file") >"$out.color" 2>&1 </dev/null &
      local pid=$! i
      for i in $(seq 1 1200); do # two minutes: a loaded machine starts it slowly
        grep -q '^listening on ' "$out.color" && return 0
        kill -0 "$pid" 2>/dev/null || { echo "the block exited instead of serving" >&2; return 1; }
        sleep 0.1
      done
      echo "the block did not print 'listening on' within two minutes" >&2
      return 1
      ;;
    file)
      cp "$file" "$4"
      ;;
    run | expect | instead)
      . "$file" >"$out.color" 2>&1 < <(yes yes)
      sed 's/\x1b\[[0-9;]*m//g' "$out.color" >"$out"
      tail -n 4 "$out" | sed 's/^/    | /'
      if [ "$3" = expect ] && ! grep -qF -- "$4" "$out"; then
        echo "the output does not contain: $4" >&2
        return 1
      fi
      ;;
    *)
      echo "unknown walk marker '$3'" >&2
      return 1
      ;;
  esac
}

# The session of one guide: scripts/guide-walk.sh --run NAME DIR, started by
# walk_guide in a process group of its own, in the guide's working directory.
if [ "${1:-}" = --run ]; then
  walk_dir=$3 # NAME only shows in ps which guide this is
  while IFS=$'\t' read -r walk_i walk_line walk_kind walk_arg <&3; do
    printf '%s\t%s\n' "$walk_i" "$walk_line" >"$walk_dir/current"
    printf '\n  line %s (%s%s)\n' "$walk_line" "$walk_kind" "${walk_arg:+ $walk_arg}"
    # What runs is the marker's command, not the guide's block.
    if [ "$walk_kind" = instead ]; then printf '%s\n' "$walk_arg" >"$walk_dir/block-$walk_i"; fi
    sed 's/^/    $ /' "$walk_dir/block-$walk_i"
    set -euo pipefail
    run_block "$walk_dir" "$walk_i" "$walk_kind" "$walk_arg"
  done 3<"$walk_dir/manifest"
  rm -f "$walk_dir/current"
  exit 0
fi

# split_guide GUIDE DIR writes each block of GUIDE that the walk uses to
# DIR/block-N, and "N<TAB>line<TAB>kind<TAB>argument" for it to DIR/manifest.
split_guide() {
  : >"$2/manifest"
  awk -v dir="$2" '
    !inblock && /^<!-- walk: .* -->$/ {
      marker = $0; sub(/^<!-- walk: /, "", marker); sub(/ -->$/, "", marker); next
    }
    !inblock && /^```/ {
      inblock = 1; lang = substr($0, 4); verb = marker; arg = ""
      if (index(marker, " ")) { verb = substr(marker, 1, index(marker, " ") - 1); arg = substr(marker, index(marker, " ") + 1) }
      kind = ""
      if (verb == "file") kind = "file"
      else if (verb == "instead") kind = "instead"
      else if (lang == "shell" && verb != "skip") kind = (verb == "" ? "run" : verb)
      if (kind != "") { n++; printf "%d\t%d\t%s\t%s\n", n, NR + 1, kind, arg >>(dir "/manifest") }
      marker = ""; next
    }
    inblock && /^```$/ { if (kind != "") close(dir "/block-" n); inblock = 0; next }
    inblock { if (kind != "") print >(dir "/block-" n); next }
    !/^[[:space:]]*$/ { marker = "" }
  ' "$1"
}

walk_guide() { # name
  local name=$1 guide="$DEVENV_ROOT/docs/guides/$1.md" dir="$DEVENV_DIR/walk/$1" cli=$TERRAFORM
  [ -f "$guide" ] || fail "no guide docs/guides/$name.md"
  mkdir -p "$dir/run" "$dir/home" "$dir/cli" "$dir/repo/bin"
  split_guide "$guide" "$dir/run"
  say "Walking docs/guides/$name.md ($(grep -c . "$dir/run/manifest" || true) blocks)"
  # A guide whose commands all went missing (every block skipped, or a
  # language other than shell) would otherwise pass without running anything.
  if ! cut -f3 "$dir/run/manifest" | grep -qvx file; then
    local why
    why=$(sed -n 's/^<!-- walk: not-runnable \(..*\) -->$/\1/p' "$guide" | head -n 1)
    [ -n "$why" ] || fail "docs/guides/$name.md runs no command: add a runnable \`\`\`shell block, or say why it cannot have one with <!-- walk: not-runnable REASON -->"
    note "$name runs no command: $why"
    return 0
  fi
  (cd "$DEVENV_ROOT" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp --parents -t "$dir/repo") || fail "could not copy the repository for the walk"
  cp "$DEVENV_DIR/bin/terraform-provider-vpcep" "$DEVENV_DIR/bin/vpcep-mock" "$dir/repo/bin/"
  local work="$dir/repo"
  case $name in
    adopting-with-terraform-query) cli=$TERRAFORM_MODERN ;;
    testing-modules-offline) work="$dir/repo/examples/modules/allowlist" ;;
  esac
  mkdir -p "$work"
  ln -s "$cli" "$dir/cli/terraform"
  (
    cd "$work"
    unset TF_CLI_CONFIG_FILE TF_DATA_DIR TF_INPUT MOCK_URL VPCEP_ENDPOINT VPCEP_PROJECT_ID VPCEP_AUTH_TOKEN
    export WALK_REPO="$dir/repo" HOME="$dir/home" PATH="$dir/cli:$dir/repo/bin:$PATH"
    # A guide's `make install` puts vpcep-mock here, not in your GOPATH/bin.
    export GOBIN="$dir/home/go/bin"
    export VPCEP_METADATA_ENDPOINT=$DEVENV_NO_METADATA
    exec setsid bash "$DEVENV_ROOT/scripts/guide-walk.sh" --run "$name" "$dir/run"
  ) &
  local pid=$! rc=0 i
  wait "$pid" || rc=$?
  # Stop what the guide left running (its mock), and wait for its port.
  kill -TERM -- "-$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  if [ "$rc" -ne 0 ]; then
    local at
    at=$(cat "$dir/run/current" 2>/dev/null || true)
    local out="$dir/run/out-${at%%$'\t'*}"
    [ -s "$out.color" ] && sed 's/\x1b\[[0-9;]*m//g; s/^/    | /' "$out.color" >&2
    fail "the walk of docs/guides/$name.md failed at line ${at#*$'\t'}"
  fi
  local instead
  instead=$(cut -f3 "$dir/run/manifest" | grep -cx instead || true)
  if [ "$instead" -eq 0 ]; then
    note "every block of $name ran as written"
  else
    note "every block of $name ran as written, but $instead replaced by the command of its walk marker"
  fi
}

devenv_terraform
devenv_build all
TERRAFORM_MODERN=$("$DEVENV_ROOT/scripts/ensure-cli.sh" terraform-1.15) || fail "scripts/ensure-cli.sh terraform-1.15 failed"
# A changed HOME must not send Go looking for an empty module cache.
export GOPATH GOCACHE GOMODCACHE CHECKPOINT_DISABLE=1
GOPATH=$(go env GOPATH) GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE)
guides=("$@")
if [ "${#guides[@]}" -eq 0 ]; then
  for g in "$DEVENV_ROOT"/docs/guides/*.md; do guides+=("$(basename "$g" .md)"); done
fi
for g in "${guides[@]}"; do walk_guide "$g"; done
say "Every guide ran as written: ${guides[*]}"
