#!/bin/sh
# Extract the messages of each domain (one per package) and merge them into the .po catalogs.
# `make i18n` runs this; translators then fill the new entries of vi (and en where ids differ).
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
for domain in ${*:-core admin bot media}; do
  case "$domain" in
    core) dirs="core i18n" ;;
    *) dirs="$domain" ;;
  esac
  [ -d "$domain" ] || continue
  pot="$(mktemp)"
  "$PYBABEL" extract --no-default-keywords -k _ -k N_ -k gettext:2 -k ngettext:2,3 -F babel.cfg -o "$pot" $dirs >/dev/null 2>&1
  for lang in vi en; do
    po="i18n/locale/$lang/LC_MESSAGES/$domain.po"
    if [ -f "$po" ]; then
      "$PYBABEL" update --no-fuzzy-matching -i "$pot" -o "$po" -l "$lang" >/dev/null
    else
      "$PYBABEL" init -i "$pot" -o "$po" -l "$lang" >/dev/null
    fi
  done
  rm -f "$pot"
done
