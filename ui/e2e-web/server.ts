// Where the test server runs, shared by the global setup, the teardown and the tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BIN = path.resolve(UI_DIR, '../target/debug/wicket-server');
export const SCREENSHOTS = path.join(UI_DIR, 'test-results');
/** The setup writes here what the tests and the teardown need. */
export const STATE_FILE = path.join(os.tmpdir(), `wicket-web-e2e-${process.ppid}-${process.pid}.json`);

export interface ServerState {
  pid: number;
  dataDir: string;
  baseUrl: string;
  login: string;
  password: string;
  log: string;
}

/** The state the setup saved; its path travels in WICKET_WEB_STATE (workers inherit the environment). */
export function readState(): ServerState {
  const file = process.env.WICKET_WEB_STATE;
  if (!file) throw new Error('WICKET_WEB_STATE is not set: run through `npm run test:web` (global setup)');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ServerState;
}
