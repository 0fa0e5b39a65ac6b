#!/bin/bash
# etcd-address: gives this main node the name and fixed address of an etcd member. Each member has
# a network interface of its own in the stack (EtcdAddress<N>, tagged devbot:etcd-member=<name>);
# an autoscaling group cannot give an instance a fixed address, but the interface outlives its
# instance. The node attaches a free one of its zone as its second interface (on a reboot it
# keeps the one it has), routes the address's traffic through it, and writes the member's name
# and address for etcd-join. Needs ec2:DescribeNetworkInterfaces and ec2:AttachNetworkInterface
# (aws.iamInstanceProfile). With no free interface in its zone for WAIT_SECONDS it powers off,
# so its group launches another node, perhaps in the zone whose interface is free.
set -euo pipefail
STACK=@STACK_NAME@
AWS_CLI_IMAGE=@AWS_CLI_IMAGE@
OUT=/run/devbot/etcd-address.env
NETWORK_FILE=/etc/systemd/network/10-etcd-member.network
WAIT_SECONDS=${WAIT_SECONDS:-900}
# The routing table of the member's address (any number unused on the node).
TABLE=2379

log() { printf 'etcd-address: %s\n' "$*" >&2; }
TOKEN=$(curl -fsS --retry 10 --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' http://169.254.169.254/latest/api/token)
imds() { curl -fsS --retry 10 --max-time 5 -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }
INSTANCE=$(imds instance-id)
ZONE=$(imds placement/availability-zone)
REGION=$(imds placement/region)
aws() { docker run --rm --net=host -e AWS_REGION="$REGION" "$AWS_CLI_IMAGE" "$@"; }
# shellcheck disable=SC2016 # a JMESPath query, not shell
QUERY='NetworkInterfaces[].[NetworkInterfaceId,PrivateIpAddress,MacAddress,TagSet[?Key==`devbot:etcd-member`]|[0].Value]'
interfaces() { aws ec2 describe-network-interfaces --output text --query "$QUERY" --filters "Name=tag:devbot:stack,Values=$STACK" Name=tag-key,Values=devbot:etcd-member "$@"; }

# Prints "interface address mac name" of the interface this node holds, attaching a free one if needed.
claim() {
  local eni ip mac name
  read -r eni ip mac name < <(interfaces "Name=attachment.instance-id,Values=$INSTANCE") || true
  if [ -n "${eni:-}" ]; then echo "$eni $ip $mac $name"; return 0; fi
  while read -r eni ip mac name; do
    # Another node of the zone may win the race for the same interface: try the next one.
    if aws ec2 attach-network-interface --network-interface-id "$eni" --instance-id "$INSTANCE" --device-index 1 >/dev/null; then
      echo "$eni $ip $mac $name"
      return 0
    fi
  done < <(interfaces "Name=availability-zone,Values=$ZONE" Name=status,Values=available)
  return 1
}

until claimed=$(claim); do
  if ((SECONDS >= WAIT_SECONDS)); then
    log "no free etcd member interface in $ZONE after ${WAIT_SECONDS}s: powering off so the group launches another node"
    systemctl poweroff
    exit 1
  fi
  log "no free etcd member interface in $ZONE yet (a terminated node's frees up when it is gone); trying again in 10s"
  sleep 10
done
read -r eni ip mac name <<<"$claimed"
log "holding $eni: member $name at $ip"

# EC2 drops packets whose source is not the sending interface's address. Replies from the member's
# address leave through its interface (a table of its own, chosen by source address), and the
# subnet's route stays out of the main table, where it would send eth0's replies out of eth1.
until cidr=$(imds "network/interfaces/macs/$mac/subnet-ipv4-cidr-block" 2>/dev/null); do sleep 2; done
IFS=. read -r a b c d <<<"${cidr%/*}"
cat >"$NETWORK_FILE" <<EOF
[Match]
MACAddress=$mac

[Address]
Address=$ip/${cidr#*/}
AddPrefixRoute=no

[Route]
Destination=$cidr
Scope=link
Table=$TABLE

[Route]
Gateway=$a.$b.$c.$((d + 1))
Table=$TABLE

[RoutingPolicyRule]
From=$ip/32
Table=$TABLE
EOF
networkctl reload 2>/dev/null || systemctl restart systemd-networkd
until ip -o -4 addr show | grep -q " $ip/"; do sleep 1; done

mkdir -p "$(dirname "$OUT")"
printf 'MEMBER_NAME=%s\nMEMBER_ADDRESS=%s\n' "$name" "$ip" >"$OUT"
