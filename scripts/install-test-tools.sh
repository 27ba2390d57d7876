#!/usr/bin/env bash
# Install the Debian packages that some tests use for real: pre-commit (the hook tests),
# neovim (the editor test, through its built-in LSP client, and the gcc format in its quickfix list),
# libxml2-utils (xmllint: the benchmark, and the checkstyle format against its schema), patch (the
# --fix-dry-run diffs are applied with it), python3-yaml (the GitHub Action test reads action.yml) and
# script (a pseudo-terminal for the colour test; /usr/bin/script is in bsdutils on Debian 12), unzip (the
# playground's .zip download is checked with it) and
# chromium (headless: the topology SVG and the playground are checked in a real browser).
# Exits non-zero when a tool is missing and cannot be installed: CI must fail then, not skip those tests.
set -euo pipefail
want=()
command -v pre-commit >/dev/null || want+=(pre-commit)
command -v nvim >/dev/null || want+=(neovim)
command -v xmllint >/dev/null || want+=(libxml2-utils)
command -v patch >/dev/null || want+=(patch)
python3 -c 'import yaml' 2>/dev/null || want+=(python3-yaml)
command -v script >/dev/null || want+=(bsdutils)
command -v unzip >/dev/null || want+=(unzip)
command -v chromium >/dev/null || want+=(chromium fonts-dejavu-core)
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-test-tools: need root to install ${want[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
for tool in pre-commit nvim xmllint patch script unzip chromium; do
  command -v "$tool" >/dev/null || { echo "install-test-tools: $tool is still missing after installing ${want[*]}" >&2; exit 1; }
done
