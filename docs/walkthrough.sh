#!/usr/bin/env bash
# A session with curl against a wicket-server: sign in, create an account,
# publish its function view, talk as a subscriber, answer as staff.
# Usage: docs/walkthrough.sh [path to wicket-server]   (needs curl and jq)
set -euo pipefail
server=${1:-target/debug/wicket-server}
data=$(mktemp -d)
jar="$data/cookies"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo 'a long password' | "$server" --data "$data" create-owner --login owner --display-name "店长" >/dev/null
"$server" --data "$data" --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid; rm -rf "$data"' EXIT
until curl -sf "$base/api/v1/health" >/dev/null; do sleep 0.1; done

step "curl -s -X POST $base/api/v1/sessions -d '{\"login\":\"owner\",\"password\":\"…\"}'"
token=$(curl -sf -X POST "$base/api/v1/sessions" -H 'content-type: application/json' \
  -d '{"login":"owner","password":"a long password"}' | tee /dev/stderr | jq -r .token)

step "create an account: push one numbered change"
curl -sf -X POST "$base/api/v1/push" -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{
  "client_id": "walkthrough",
  "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
    "id": "cmb-card", "name": "招商银行信用卡", "platform": "alipay",
    "category": "信用卡", "description": "账单、还款与用卡服务", "avatar_color": "#f5222d"}}}]}' | jq -c .

step "the same push again applies nothing (exactly once)"
curl -sf -X POST "$base/api/v1/push" -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{
  "client_id": "walkthrough",
  "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
    "id": "cmb-card", "name": "招商银行信用卡", "platform": "alipay",
    "category": "信用卡", "description": "账单、还款与用卡服务", "avatar_color": "#f5222d"}}}]}' | jq -c .
curl -sf "$base/api/v1/changes?client_id=walkthrough&after=0" -H "authorization: Bearer $token" | jq -c '{count: (.changes | length), cursor, last_mutation_id}'

step "save the credit-card starter as the draft (If-Match: 0), then publish revision 1"
layout=$(curl -sf "$base/api/v1/templates" -H "authorization: Bearer $token" | jq '.[] | select(.id == "credit_card") | .layout')
curl -sf -X PUT "$base/api/v1/accounts/cmb-card/layout/draft" -H "authorization: Bearer $token" \
  -H 'if-match: 0' -H 'content-type: application/json' -d "{\"layout\": $layout}" | jq -c '{revision, issues}'
curl -sf -X POST "$base/api/v1/accounts/cmb-card/layout/publish" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{"revision": 1}' | jq -c .

step "a stale save (If-Match: 0 again) is a conflict carrying the current draft"
curl -s -o /dev/stderr -w '%{http_code}\n' -X PUT "$base/api/v1/accounts/cmb-card/layout/draft" \
  -H "authorization: Bearer $token" -H 'if-match: 0' -H 'content-type: application/json' \
  -d "{\"layout\": $layout}" 2>/dev/null

step "a subscriber opens the account in the sandbox (a cookie is their identity)"
curl -sf -c "$jar" -b "$jar" "$base/s/api/cmb-card/view" | jq -c '{account: .account.name, version, menu: [.layout.menu.items[].label]}'
curl -sf -c "$jar" -b "$jar" -X POST "$base/s/api/cmb-card/follow" -H 'content-type: application/json' -d '{}' | jq -c .
curl -sf -c "$jar" -b "$jar" -X POST "$base/s/api/cmb-card/messages" -H 'content-type: application/json' \
  -d '{"client_msg_id":"m-1","body":{"type":"text","text":"我这个月的账单什么时候出？"}}' | jq -c '.message | {id, direction, body}'

step "staff see the conversation and answer within the reply window"
conversation=$(curl -sf "$base/api/v1/conversations?account_id=cmb-card" -H "authorization: Bearer $token" | tee /dev/stderr | jq -r '.conversations[0].id')
curl -sf -X POST "$base/api/v1/conversations/$conversation/messages" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' \
  -d '{"client_msg_id":"r-1","body":{"type":"text","text":"您好，本期账单将于每月 5 日出账。"}}' | jq -c '.message | {direction, delivery, body}'

step "the subscriber's page reads the reply"
curl -sf -c "$jar" -b "$jar" "$base/s/api/cmb-card/messages?after=0" | jq -c '[.messages[] | {direction, body: (.body.text // .body.event)}]'
