#!/usr/bin/env bash
# Installs pgvector into the machine's PostgreSQL 15 from Debian's source package.
#
# Why from source: Debian 12 ships no pgvector binary package for PostgreSQL 15, but the
# archive's `trixie` suite has the pgvector source package, which builds against the machine's
# server headers in about a minute. The deb-src line is added only for the duration of this
# script and removed on every exit path, so nothing else is ever pulled from `trixie`.
#
# Idempotent: exits at once when PostgreSQL already offers the `vector` extension.
# Needs root (apt-get, make install). Usage: bash scripts/setup-pgvector.sh
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PGHOST="${PGHOST:-127.0.0.1}"
export PGHOST

if psql -d postgres -tAc "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'" 2>/dev/null | grep -q 1; then
  echo "pgvector: already installed in PostgreSQL ${PG_MAJOR}"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "pgvector: not installed, and installing it needs root (apt-get, make install)" >&2
  exit 1
fi

# Reuse the mirror URI the machine already trusts for bookworm.
mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror="${mirror:-http://deb.debian.org/debian}"

src_list=/etc/apt/sources.list.d/c360-pgvector-src.list
work=$(mktemp -d)
cleanup() {
  rm -f "$src_list"
  rm -rf "$work"
}
trap cleanup EXIT

echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror} trixie main" >"$src_list"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-${PG_MAJOR}" dpkg-dev >/dev/null
(
  cd "$work"
  apt-get source -qq pgvector >/dev/null
  cd pgvector-*/
  make -s PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config" >/dev/null
  make -s install PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config" >/dev/null
)
rm -f "$src_list"
apt-get update -qq

psql -d postgres -tAc "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'" |
  sed 's/^/pgvector: installed version /'
