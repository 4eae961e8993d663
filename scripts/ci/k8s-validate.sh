#!/usr/bin/env bash
# Builds the Kubernetes base and every overlay with kustomize and validates the output
# against the Kubernetes API schemas, strictly (an unknown or misplaced field fails).
# Prints one line per build; exits non-zero if any build or validation fails.
#
#   bash scripts/ci/k8s-validate.sh
#
# kustomize: $FLICK_KUSTOMIZE if set (a command that takes the folder, such as
# "kustomize build"), else `kubectl kustomize` (kubectl is on the machine images), else
# sigs.k8s.io/kustomize built with `go install` into the cache.
# Schemas: PyPI's kubernetes-validate (bundles them; no network at validation time) in
# a venv under the cache. FLICK_K8S_VERSION picks the Kubernetes version to check against.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${FLICK_CACHE_DIR:-$HOME/.cache/flick}/k8s"
KV_VERSION="1.37.0"
KUSTOMIZE_VERSION="v5.8.1"
K8S_VERSION="${FLICK_K8S_VERSION:-1.37.0}"
VENV="$CACHE/venv-kubernetes-validate-$KV_VERSION"

log() { echo "k8s-validate: $*" >&2; }

kustomize_cmd() {
  if [ -n "${FLICK_KUSTOMIZE:-}" ]; then
    echo "$FLICK_KUSTOMIZE"
  elif command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
    echo "kubectl kustomize"
  else
    local bin="$CACHE/kustomize-$KUSTOMIZE_VERSION/kustomize"
    if [ ! -x "$bin" ]; then
      log "building kustomize $KUSTOMIZE_VERSION with go install (no kubectl here)"
      GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
    fi
    echo "$bin build"
  fi
}

ensure_validator() {
  if [ ! -x "$VENV/bin/kubernetes-validate" ]; then
    log "installing kubernetes-validate==$KV_VERSION into $VENV"
    rm -rf "$VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KV_VERSION"
  fi
}

ensure_validator
KUSTOMIZE="$(kustomize_cmd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

failed=0
for target in base overlays/server overlays/distributed; do
  file="$OUT/${target//\//-}.yaml"
  if ! $KUSTOMIZE "$ROOT/k8s/$target" >"$file" 2>"$file.err"; then
    echo "k8s/$target: BUILD FAILED"
    sed 's/^/  /' "$file.err"
    failed=1
    continue
  fi
  objects="$(grep -c '^kind:' "$file" || true)"
  if report="$("$VENV/bin/kubernetes-validate" --strict --quiet -k "$K8S_VERSION" "$file" 2>&1)"; then
    echo "k8s/$target: OK ($objects objects, strict schemas of Kubernetes $K8S_VERSION)"
  else
    echo "k8s/$target: INVALID"
    sed 's/^/  /' <<<"$report"
    failed=1
  fi
done
exit "$failed"
