#!/bin/sh
# Extract the messages of each domain and merge them into its .po catalogs (vi, en).
# `make i18n` runs it for every domain; `sh i18n/update.sh DOMAIN…` for some. Each domain is owned
# by one capability, so two people never edit the same catalog. Then translate the empty entries
# of vi (en is filled from the English ids by `python -m i18n.fill en - DOMAIN`).
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
for domain in ${*:-core admin airing notify records bot media alerts}; do
  ignore=""
  case "$domain" in
    core) dirs="core i18n" ;;
    admin) dirs="admin"; ignore="--ignore-dirs=airing notify records alerts exchange" ;;
    alerts) dirs="admin/views/alerts.py admin/views/exchange.py admin/templates/alerts admin/templates/exchange" ;;
    airing) dirs="admin/views/airing admin/templates/airing" ;;
    notify) dirs="bot/notify admin/views/notify admin/templates/notify" ;;
    records) dirs="admin/views/records admin/templates/records" ;;
    bot) dirs="bot"; ignore="--ignore-dirs=notify" ;;
    *) dirs="$domain" ;;
  esac
  existing=""
  for d in $dirs; do [ -e "$d" ] && existing="$existing $d"; done
  [ -n "$existing" ] || continue
  pot="$(mktemp)"
  "$PYBABEL" extract --no-default-keywords -k _ -k N_ -k gettext:2 -k ngettext:2,3 -k pgettext:1c,2 -k npgettext:1c,2,3 -k P_:1c,2 -F babel.cfg \
    ${ignore:+"$ignore"} -o "$pot" $existing >/dev/null 2>&1
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
