#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real, when they are missing and we are allowed to.
set -euo pipefail
need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || need+=(prometheus-blackbox-exporter)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
{ [ -x /usr/lib/postgresql/15/bin/initdb ] || command -v pg_config >/dev/null 2>&1; } || need+=(postgresql postgresql-contrib)
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# the status page's browser test drives Debian's chromium through playwright-core (which downloads no browser)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test dependencies missing: ${need[*]} (install them with apt-get; tests that need them will say so)" >&2
  exit 0
fi
echo "installing test dependencies: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
for pkg in "${need[@]}"; do
  # kubectl is not in every Debian release; the manifest test says so and skips when it is absent.
  apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 || echo "could not install $pkg" >&2
done
# In CI a missing tool must fail loudly: the tests that need it would otherwise skip and hide a regression.
if [ -n "${CI:-}" ]; then
  missing=()
  for bin in prometheus promtool prometheus-alertmanager prometheus-blackbox-exporter kubectl chromium; do command -v "$bin" >/dev/null 2>&1 || missing+=("$bin"); done
  [ -x /usr/lib/postgresql/15/bin/initdb ] || command -v pg_config >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then echo "CI: test tools still missing after install: ${missing[*]}" >&2; exit 1; fi
fi
