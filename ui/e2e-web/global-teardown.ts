import fs from 'node:fs';
import { STATE_FILE, type ServerState } from './server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the server the setup started, by its PID, and removes its data folder. */
export default async function globalTeardown(): Promise<void> {
  const file = process.env.WICKET_WEB_STATE ?? STATE_FILE;
  if (!fs.existsSync(file)) return;
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerState;
  if (alive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    for (let i = 0; i < 50 && alive(state.pid); i += 1) await sleep(100);
    if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  }
  if (process.env.WICKET_WEB_KEEP_DATA) {
    console.log(`wicket-server data kept in ${state.dataDir}`);
  } else {
    fs.rmSync(state.dataDir, { recursive: true, force: true });
  }
  fs.rmSync(file, { force: true });
}
