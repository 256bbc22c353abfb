#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when missing:
#   postgresql      server for the PostgreSQL test run (scripts/with-postgres.sh)
#   chromium        headless browser for the e2e tests (/usr/bin/chromium)
#   fonts-noto-cjk  Chinese glyphs for PDFs and screenshots
#   gettext         msgfmt, for compilemessages
#   libpango-1.0-0, libpangoft2-1.0-0  text layout for WeasyPrint's PDFs
# Quiet when everything is present. As root it runs apt-get; otherwise it
# prints the command to run and fails. WANGGE_SKIP_SYSTEM_DEPS=1 skips the check.
#
#   scripts/system-deps.sh               the packages above
#   scripts/system-deps.sh --only PKG... only these Debian packages (e.g. python3-venv)
set -euo pipefail

[[ "${WANGGE_SKIP_SYSTEM_DEPS:-}" == 1 ]] && exit 0

have_postgres() {
    command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
have_chromium() {
    command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]
}
have_cjk_fonts() {
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed' ||
        compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK*' >/dev/null
}
have_gettext() {
    command -v msgfmt >/dev/null 2>&1
}
have_pango() {
    { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libpangoft2-1.0.so.0'
}

missing=()
if [[ "${1:-}" == --only ]]; then
    shift
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$pkg")
    done
else
    have_postgres || missing+=(postgresql)
    have_chromium || missing+=(chromium)
    have_cjk_fonts || missing+=(fonts-noto-cjk)
    have_gettext || missing+=(gettext)
    have_pango || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "(or set WANGGE_SKIP_SYSTEM_DEPS=1 to skip this check)" >&2
    exit 1
fi

echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive

# The postgresql package creates and starts a "main" cluster; the tests never use
# it (scripts/with-postgres.sh runs its own), so keep the service from starting
# during the install with a temporary policy-rc.d.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [[ " ${missing[*]} " == *" postgresql "* && ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
fi
cleanup() { [[ $added_policy -eq 1 ]] && rm -f "$policy"; return 0; }
trap cleanup EXIT

apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
