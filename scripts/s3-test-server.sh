#!/usr/bin/env bash
# A real S3-compatible server for digstore's remote tests and bench: OpenStack Swift (Debian packages) with
# its s3api middleware and tempauth, one node, objects in a plain directory, on 127.0.0.1 only.
#
#   scripts/s3-test-server.sh install   apt packages (root; ~90 s, most of it Python byte-compilation)
#   scripts/s3-test-server.sh start     configs, rings, four servers; returns when the proxy answers (~15 s)
#   scripts/s3-test-server.sh stop      stops what start started
#   scripts/s3-test-server.sh env       the variables the tests read (eval "$(… env)")
#
# Endpoint http://127.0.0.1:$DIGSTORE_S3_PORT (default 8391), region us-east-1, path-style addressing, access
# key test:tester, secret testing. Swift's S3 layer refuses conditional PUTs (501), so digstore's remote
# protocol never needs them (docs/remote.md). State lives in $DIGSTORE_S3_DIR (default /tmp/digstore-s3).
set -euo pipefail

DIR=${DIGSTORE_S3_DIR:-/tmp/digstore-s3}
PORT=${DIGSTORE_S3_PORT:-8391}
PORTS=(object:6391 container:6392 account:6393)
ETC=$DIR/etc

install_packages() {
  command -v swift-proxy-server >/dev/null && return 0
  apt-get update -qq
  # Every python3-* package byte-compiles itself on install (the slow part): divert py3compile meanwhile and
  # compile once at the end.
  dpkg-divert --local --rename --divert /usr/bin/py3compile.digstore --add /usr/bin/py3compile >/dev/null
  trap 'dpkg-divert --local --rename --remove /usr/bin/py3compile >/dev/null' EXIT
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io \
    swift swift-proxy swift-object swift-container swift-account >/dev/null
  dpkg-divert --local --rename --remove /usr/bin/py3compile >/dev/null
  trap - EXIT
  /usr/bin/python3 -m compileall -q -j 0 /usr/lib/python3/dist-packages >/dev/null 2>&1 || true
}

server_conf() { # name port pipeline-app
  cat <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $2
workers = 1
user = root
swift_dir = $ETC
devices = $DIR/srv
mount_check = false
log_name = $1

[pipeline:main]
pipeline = $1

[app:$1]
use = egg:swift#${1%-server}
CONF
}

write_configs() {
  mkdir -p "$ETC" "$DIR/srv/d1" "$DIR/run" "$DIR/log" /etc/swift
  # Swift reads its hash salts from this fixed path only.
  printf '[swift-hash]\nswift_hash_path_suffix = digstore\nswift_hash_path_prefix = digstore\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' \
    >/etc/swift/swift.conf
  for p in "${PORTS[@]}"; do server_conf "${p%%:*}-server" "${p##*:}" >"$ETC/${p%%:*}-server.conf"; done
  local filters=""
  for f in catch_errors gatekeeper healthcheck proxy_logging listing_formats copy slo dlo; do
    filters+="[filter:${f//_/-}]"$'\n'"use = egg:swift#$f"$'\n'
  done
  cat >"$ETC/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PORT
workers = 1
user = root
swift_dir = $ETC
log_name = proxy-server

[pipeline:main]
# tempauth needs the cache filter even with no memcached running (it logs that and carries on)
pipeline = catch-errors gatekeeper healthcheck proxy-logging cache listing-formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
min_segment_size = 5242880

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:11211

$filters
CONF
}

build_rings() {
  # One Python process for the three rings (a swift-ring-builder call costs seconds each).
  (cd / && /usr/bin/python3 - "$ETC" "${PORTS[@]}" <<'PY'
import sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for spec in sys.argv[2:]:
    name, port = spec.split(':')
    b = RingBuilder(8, 1, 1)
    b.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port), 'device': 'd1', 'weight': 1, 'meta': ''})
    b.rebalance()
    b.save(f'{etc}/{name}.builder')
    b.get_ring().save(f'{etc}/{name}.ring.gz')
PY
  )
}

start() {
  if curl -fsS "http://127.0.0.1:$PORT/healthcheck" >/dev/null 2>&1; then return 0; fi
  write_configs
  build_rings >"$DIR/log/rings.log" 2>&1
  for s in object container account proxy; do
    EVENTLET_NO_GREENDNS=yes nohup "swift-$s-server" "$ETC/$s-server.conf" >"$DIR/log/$s.log" 2>&1 &
    echo $! >"$DIR/run/$s.pid"
  done
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$PORT/healthcheck" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the S3 test server did not start; its logs are in $DIR/log" >&2
  return 1
}

stop() {
  for f in "$DIR"/run/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill $(pgrep -P "$pid" || true) "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  env) printf 'export DIGSTORE_TEST_S3=http://127.0.0.1:%s\n' "$PORT" ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
