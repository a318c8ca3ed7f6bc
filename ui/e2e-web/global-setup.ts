import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SERVER_BIN, STATE_FILE, UI_DIR, type ServerState } from './server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a real wicket-server on a free loopback port, with a fresh data folder and an owner. */
export default async function globalSetup(): Promise<void> {
  if (!fs.existsSync(SERVER_BIN)) {
    throw new Error(`${SERVER_BIN} does not exist: build the server first (cargo build -p wicket-server)`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wicket-web-'));
  const login = 'owner';
  const password = 'web-test-password';

  const created = spawnSync(SERVER_BIN, ['--data', dataDir, 'create-owner', '--login', login], {
    input: `${password}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (created.status !== 0) {
    throw new Error(`create-owner failed (status ${created.status}): ${created.stderr || created.stdout}`);
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = path.join(dataDir, 'server.log');
  const out = fs.openSync(log, 'a');
  const child = spawn(SERVER_BIN, ['--data', dataDir, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', out, out],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' },
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error('wicket-server did not start');
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });

  const state: ServerState = { pid: child.pid, dataDir, baseUrl, login, password, log };
  fs.writeFileSync(STATE_FILE, JSON.stringify(state));
  process.env.WICKET_WEB_STATE = STATE_FILE;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== null) {
      throw new Error(`wicket-server exited with ${exited} before it was healthy:\n${fs.readFileSync(log, 'utf8')}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/v1/health`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`wicket-server was not healthy within 30 s:\n${fs.readFileSync(log, 'utf8')}`);
    }
    await sleep(200);
  }

  // The server embeds ui/dist-web when it is compiled: say so when it serves another build than this one.
  const served = await (await fetch(`${baseUrl}/s/${encodeURIComponent('build-check')}`)).text();
  const built = path.join(UI_DIR, 'dist-web', 'subscriber.html');
  const local = fs.existsSync(built) ? fs.readFileSync(built, 'utf8') : null;
  if (local === null || served.trim() !== local.trim()) {
    console.warn(
      `\n[test:web] wicket-server serves a different subscriber app than ui/dist-web${local === null ? ' (not built)' : ''}: ` +
        'run `npm run build`, then rebuild the server, to test the current UI.\n',
    );
  }
}
