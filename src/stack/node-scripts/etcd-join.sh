#!/bin/bash
# etcd-join: starts this main node's etcd member and decides how it joins. devbot's template
# ships it to every main node (src/stack/node-scripts/etcd-join.sh); devbot's tests and
# `devbot local-cluster replace` run the same script with loopback parameters.
#   data dir holds a member  -> start it again (etcd ignores the --initial-* flags then)
#   the peers have quorum    -> a replaced node: remove its stale member (same name or peer URL),
#                               add itself as a learner, start with the cluster etcd returned and
#                               `existing`, and get promoted once it has caught up
#   no peer has ever had quorum (none answers, or all still bootstrap) -> a new cluster: `new`
#   peers that had quorum once but have none now -> wait: a new cluster over their data would
#                               split the cluster (restore from a snapshot if quorum never returns)
# Parameters come from the environment (on a node: etcd-join.service, from etcd-address.env);
# values must not contain spaces. None start with ETCD_ or ETCDCTL_, which etcd and etcdctl read.
set -euo pipefail

: "${MEMBER_NAME:?MEMBER_NAME: this member name}"
: "${MEMBER_ADDRESS:=127.0.0.1}"
: "${MEMBER_PEER_URL:=http://${MEMBER_ADDRESS}:2380}"
: "${MEMBER_CLIENT_URL:=http://${MEMBER_ADDRESS}:2379}"
: "${MEMBER_LISTEN_CLIENT_URLS:=${MEMBER_CLIENT_URL},http://127.0.0.1:2379}"
: "${MEMBER_LISTEN_PEER_URLS:=${MEMBER_PEER_URL}}"
: "${MEMBER_DATA_DIR:=/var/lib/etcd}"
# Every member as name=peer URL: the cluster a bootstrap forms, and where the peers are.
: "${CLUSTER_MEMBERS:=@CLUSTER_MEMBERS@}"
: "${CLUSTER_TOKEN:=@CLUSTER_TOKEN@}"
# Optional, first boot only: bootstrap through a discovery URL instead of CLUSTER_MEMBERS
# (set it empty for none).
: "${CLUSTER_DISCOVERY=@CLUSTER_DISCOVERY@}"
# Client URLs of the other members; default: their peer URLs with port 2379.
: "${PEER_ENDPOINTS:=}"
: "${JOIN_ETCDCTL:=/usr/bin/docker run --rm --net=host --entrypoint=/usr/local/bin/etcdctl @ETCD_IMAGE@}"
# How to start etcd once MEMBER_ARGS (its flags) is exported and written to JOIN_ARGS_FILE.
: "${JOIN_START:=systemctl start etcd-member.service}"
: "${JOIN_ARGS_FILE:=/run/devbot/etcd-member.env}"
: "${JOIN_EXTRA_FLAGS:=}"
# Seconds to wait for quorum or for a membership change to be accepted (0: as long as it takes),
# and for the new learner to catch up and be promoted.
: "${JOIN_TIMEOUT:=0}"
: "${JOIN_PROMOTE_TIMEOUT:=600}"

log() { printf 'etcd-join: %s\n' "$*" >&2; }
other_peer_urls() { tr ',' '\n' <<<"$CLUSTER_MEMBERS" | cut -d= -f2- | grep -vxF "$MEMBER_PEER_URL" || true; }
[ -n "$PEER_ENDPOINTS" ] || PEER_ENDPOINTS=$(other_peer_urls | sed 's/:2380$/:2379/' | paste -sd, -)
# shellcheck disable=SC2086 # JOIN_ETCDCTL is a command line
ctl() { $JOIN_ETCDCTL --endpoints="$PEER_ENDPOINTS" --dial-timeout=2s --command-timeout=5s "$@"; }

start_member() {
  # --enable-v2: fleet keeps its state in etcd's v2 API, which etcd 3.4 and 3.5 serve only then.
  local args=(--name "$MEMBER_NAME" --data-dir "$MEMBER_DATA_DIR"
    --listen-client-urls "$MEMBER_LISTEN_CLIENT_URLS" --advertise-client-urls "$MEMBER_CLIENT_URL"
    --listen-peer-urls "$MEMBER_LISTEN_PEER_URLS" --initial-advertise-peer-urls "$MEMBER_PEER_URL"
    --initial-cluster-token "$CLUSTER_TOKEN" --enable-v2=true "$@")
  # shellcheck disable=SC2206 # flags, split on spaces
  args+=($JOIN_EXTRA_FLAGS)
  MEMBER_ARGS="${args[*]}"
  export MEMBER_ARGS
  mkdir -p "$(dirname "$JOIN_ARGS_FILE")"
  printf 'MEMBER_ARGS=%s\n' "$MEMBER_ARGS" >"$JOIN_ARGS_FILE"
  log "starting etcd $MEMBER_ARGS"
  eval "$JOIN_START"
}

# This member's line of `member list -w simple` (ID, status, name, peer URLs, client URLs, learner).
own_lines() { awk -F', ' -v n="$MEMBER_NAME" -v p="$MEMBER_PEER_URL" '$3 == n || index("," $4 ",", "," p ",")'; }

# A linearizable read succeeds only where a majority of the members answers (member list does
# not tell: etcd 3.4 answers it from any member's local copy).
has_quorum() { ctl get --consistency=l devbot/etcd-join/probe >/dev/null 2>&1; }

# A member that once had quorum lists its peers' client URLs (they are published through raft);
# one still bootstrapping lists none.
cluster_had_quorum() {
  local url
  for url in $(other_peer_urls); do
    if curl -fsS --max-time 3 "$url/members" 2>/dev/null | grep -q '"clientURLs":\["'; then return 0; fi
  done
  return 1
}

bootstrap() {
  if [ -n "$CLUSTER_DISCOVERY" ]; then
    log "no peer has had quorum yet: bootstrapping a new cluster through $CLUSTER_DISCOVERY"
    start_member --discovery "$CLUSTER_DISCOVERY" --initial-cluster-state new
  else
    log "no peer has had quorum yet: bootstrapping a new cluster of $CLUSTER_MEMBERS"
    start_member --initial-cluster "$CLUSTER_MEMBERS" --initial-cluster-state new
  fi
}

# Removes the stale member and adds this one as a learner; prints etcdctl's answer. Any failure
# (no quorum, a change etcd refuses for now) returns 1, and the caller tries again from the top.
add_learner() {
  local id
  for id in $(own_lines <<<"$1" | cut -d, -f1); do
    log "removing stale member $id (this node's name or peer URL: its disk is gone)"
    ctl member remove "$id" >&2 || return 1
  done
  ctl member add "$MEMBER_NAME" --peer-urls="$MEMBER_PEER_URL" --learner
}

# Promotes learner $1 once it has caught up (etcd refuses until then), then waits for it to be healthy.
promote() {
  local id=$1 deadline=$((SECONDS + JOIN_PROMOTE_TIMEOUT)) err
  until err=$(ctl member promote "$id" 2>&1); do
    if grep -q 'can only promote a learner member$' <<<"$err"; then break; fi # promoted already
    if ((SECONDS >= deadline)); then
      log "gave up promoting $id after ${JOIN_PROMOTE_TIMEOUT}s; it stays a learner: ${err##*Error: }"
      return 1
    fi
    sleep 1
  done
  log "member $id is a voter"
  until $JOIN_ETCDCTL --endpoints="$MEMBER_CLIENT_URL" --dial-timeout=2s endpoint health >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "member $id is a voter but not healthy after ${JOIN_PROMOTE_TIMEOUT}s"; return 1; fi
    sleep 1
  done
}

if [ -d "$MEMBER_DATA_DIR/member" ]; then
  log "$MEMBER_DATA_DIR holds a member: starting it again"
  start_member --initial-cluster "$CLUSTER_MEMBERS" --initial-cluster-state new
  # A node that stopped between starting as a learner and its promotion finishes the job now.
  line=$(ctl member list -w simple 2>/dev/null | own_lines | head -n 1 || true)
  if [ "${line##*, }" = true ]; then promote "${line%%,*}"; fi
  exit 0
fi

started=$SECONDS
while :; do
  if has_quorum; then
    if members=$(ctl member list -w simple 2>/dev/null) && added=$(add_learner "$members"); then
      # etcdctl prints the id with %16x: an id with a leading zero nibble comes space-padded ("Member  37ac…").
      id=$(sed -n 's/^Member  *\([0-9a-f]*\) added.*/\1/p' <<<"$added")
      cluster=$(sed -n 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/p' <<<"$added")
      if [ -z "$id" ] || [ -z "$cluster" ]; then log "could not read etcdctl's answer to member add: $added"; exit 1; fi
      log "added as learner $id"
      start_member --initial-cluster "$cluster" --initial-cluster-state existing
      promote "$id"
      exit
    fi
    why='etcd refused the membership change for now'
  elif ! cluster_had_quorum; then
    bootstrap
    exit 0
  else
    why='the cluster exists but has no quorum'
  fi
  if ((JOIN_TIMEOUT > 0 && SECONDS - started >= JOIN_TIMEOUT)); then
    log "$why; gave up after ${JOIN_TIMEOUT}s"
    exit 3
  fi
  log "$why; trying again in 3s"
  sleep 3
done
