#!/usr/bin/env bash
# A custom-format pg_dump of DATABASE_URL into BACKUP_DIR, named by the time it started; dumps
# older than BACKUP_KEEP_DAYS are removed. Run nightly by deploy/systemd/relief-backup.timer.
# Prints the dump's path. A dump is a consistent snapshot (one transaction): the app keeps
# running while it is taken.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the database to dump}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/relief}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"

mkdir -p "$BACKUP_DIR"
target="$BACKUP_DIR/relief-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Written under a temporary name: a dump cut short never looks like a good one.
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-owner --file="$target.part"
mv "$target.part" "$target"
find "$BACKUP_DIR" -maxdepth 1 -name 'relief-*.dump' -mtime +"$KEEP_DAYS" -delete
echo "$target"
