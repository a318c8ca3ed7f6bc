#!/usr/bin/env python3
"""Drives schemathesis against a running wicket-server's own OpenAPI document.

Starts the given server binary on 127.0.0.1 (a port the server picks) with a
fresh data folder, creates the first owner, signs in, adds an account with a
published layout and a sandbox subscriber who wrote in, then lets schemathesis
call every operation with the owner's bearer token and those ids (the staff
routes get a colleague's, so the owner's session lasts the run). Checks: no
5xx answer, and every answer's status, content type, headers and body are as
the document says.
Stops the server by its own pid.

    run.py --server target/debug/wicket-server --schemathesis target/schemathesis/bin/schemathesis \
        [--max-examples 10] [--seed 1] [--checks not_a_server_error,...] [-- schemathesis options]
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

OWNER_LOGIN = "owner"
OWNER_PASSWORD = "correct horse battery"
ACCOUNT = "acc-api"
# No 5xx; each answer's status, content type, headers and body as documented.
CHECKS = ",".join([
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
])


def request(opener, method, url, body=None, token=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    with opener.open(req, timeout=30) as response:
        return json.loads(response.read() or b"null")


def start_server(binary, data, log):
    """The server's process and its base URL, read from what it prints."""
    process = subprocess.Popen(
        [binary, "--data", data, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=log, text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if found:
            return process, found.group(1)
    process.kill()
    raise SystemExit(f"wicket-server did not start; its log is {log.name}")


def seed(base):
    """Signs the owner in and makes something for the routes to find."""
    staff = urllib.request.build_opener()
    signed_in = request(staff, "POST", f"{base}/api/v1/sessions",
                        {"login": OWNER_LOGIN, "password": OWNER_PASSWORD})
    token = signed_in["token"]
    create = {"name": "create_account", "args": {
        "id": ACCOUNT, "name": "接口测试银行", "platform": "wechat", "category": "银行",
        "description": "", "avatar_color": "#07c160"}}
    pushed = request(staff, "POST", f"{base}/api/v1/push",
                     {"client_id": "api-fuzz", "mutations": [{"id": 1, "mutation": create}]}, token)
    if pushed.get("rejected"):
        raise SystemExit(f"the account was refused: {pushed}")
    template = request(staff, "GET", f"{base}/api/v1/templates", token=token)[0]["layout"]
    draft = request(staff, "PUT", f"{base}/api/v1/accounts/{ACCOUNT}/layout/draft",
                    {"layout": template}, token, {"If-Match": "0"})
    request(staff, "POST", f"{base}/api/v1/accounts/{ACCOUNT}/layout/publish",
            {"revision": draft["revision"]}, token)

    visitor = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    request(visitor, "POST", f"{base}/s/api/{ACCOUNT}/follow")
    request(visitor, "POST", f"{base}/s/api/{ACCOUNT}/messages",
            {"client_msg_id": "hello-1", "body": {"type": "text", "text": "还款日是哪天？"}})
    conversations = request(staff, "GET", f"{base}/api/v1/conversations", token=token)
    conversation = conversations["conversations"][0]
    # The staff routes change or sign out this colleague, never the owner
    # whose session the run uses.
    colleague = request(staff, "POST", f"{base}/api/v1/staff",
                        {"login": "agent", "display_name": "客服小王", "role": "agent",
                         "password": "another long one"}, token)
    return token, {
        "account": ACCOUNT,
        "conversation": conversation["id"],
        "subscriber": conversation["subscriber_id"],
        "staff": colleague["id"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--schemathesis", required=True)
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--report-dir", default=None)
    parser.add_argument("--checks", default=CHECKS)
    parser.add_argument("extra", nargs="*", help="more schemathesis options, after --")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="wicket-api-fuzz-")
    data = os.path.join(work, "data")
    created = subprocess.run(
        [args.server, "--data", data, "create-owner", "--login", OWNER_LOGIN, "--display-name", "Owner"],
        input=OWNER_PASSWORD + "\n", text=True, capture_output=True,
    )
    if created.returncode != 0:
        raise SystemExit(f"cannot create the owner: {created.stderr.strip()}")

    log = open(os.path.join(work, "server.log"), "w")
    process, base = start_server(args.server, data, log)
    result = None
    try:
        token, ids = seed(base)
        config = os.path.join(work, "schemathesis.toml")
        with open(config, "w") as out:
            out.write("[parameters]\n")
            for name, value in ids.items():
                out.write(f"{name} = {json.dumps(value)}\n")
        command = [
            args.schemathesis, "--config-file", config, "run", f"{base}/api/v1/openapi.json",
            "--header", f"Authorization: Bearer {token}",
            "--checks", args.checks,
            "--max-examples", str(args.max_examples),
            # Signing out would end the session the rest of the run uses.
            "--exclude-operation-id-regex", "^sign_out(_everywhere)?$",
            "--workers", "2", "--no-color",
            "--report", "junit", "--report-dir", args.report_dir or os.path.join(work, "report"),
        ]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        command += args.extra
        print(f"schemathesis against {base} (its data and log in {work}, kept if something fails)", flush=True)
        result = subprocess.run(command)
        if result.returncode != 0:
            log.flush()
            print(f"--- the server's log ({log.name}), last lines:", file=sys.stderr)
            with open(log.name, errors="replace") as server_log:
                print("".join(server_log.readlines()[-40:]), file=sys.stderr)
        return result.returncode
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        # The server's data and log stay for a failure to be looked into.
        if result is not None and result.returncode == 0:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
