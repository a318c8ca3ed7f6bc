// Every HTTP and WebSocket call of the subscriber web app. Same origin as the
// page, JSON, identity by the cookie the server sets on the first call.
import { isErrorCode } from '../shared/errorCodes';
import type {
  ErrorCode,
  Issue,
  Message,
  SandboxFollowing,
  SandboxMessages,
  SandboxSend,
  SandboxSendBody,
  SandboxSent,
  SandboxView,
  SubscriberEvent,
} from '../shared/model';

/** Handlers of the live connection. */
export interface LiveHandlers {
  /** There may be new messages: fetch with `after`. Also called on every (re)connect, to catch up. */
  onSignal: () => void;
  /** The socket opened or closed. */
  onConnection?: (connected: boolean) => void;
}

export interface SubscriberApi {
  view(): Promise<SandboxView>;
  follow(): Promise<SandboxFollowing>;
  unfollow(): Promise<SandboxFollowing>;
  sendEvent(event: SubscriberEvent): Promise<void>;
  messages(after: number): Promise<SandboxMessages>;
  sendMessage(clientMsgId: string, body: SandboxSendBody): Promise<Message>;
  /** Opens the live feed, reconnecting with backoff until the returned function is called. */
  live(handlers: LiveHandlers): () => void;
}

/** A failed call: the server's WicketError, `offline` when it could not be reached. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: Issue[];

  constructor(code: ErrorCode, message: string, status = 0, issues: Issue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.issues = issues;
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'invalid';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limited';
  return 'internal';
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = isErrorCode(record.code) ? record.code : codeForStatus(response.status);
  const message = typeof record.message === 'string' ? record.message : `HTTP ${response.status}`;
  const issues = Array.isArray(record.issues) ? (record.issues as Issue[]) : [];
  return new ApiError(code, message, response.status, issues);
}

/** A new client message id: crypto.randomUUID(), or the same shape from getRandomValues where that is missing (plain http). */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The account id of a page at `/s/{accountId}` (a trailing slash or more segments allowed), or null. */
export function accountIdFromPath(pathname: string): string | null {
  const match = /^\/s\/([^/]+)/.exec(pathname);
  if (!match || match[1] === undefined) return null;
  try {
    const id = decodeURIComponent(match[1]);
    return id === '' || id === 'api' ? null : id;
  } catch {
    return null;
  }
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/** The real API, on the page's own origin. */
export function createApi(accountId: string, origin: Location = window.location): SubscriberApi {
  const base = `/s/api/${encodeURIComponent(accountId)}`;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        credentials: 'same-origin',
        headers:
          body === undefined
            ? { Accept: 'application/json' }
            : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError('offline', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await errorFrom(response);
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError('internal', `${method} ${path}: the answer is not JSON`, response.status);
    }
  }

  function live({ onSignal, onConnection }: LiveHandlers): () => void {
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let stopped = false;
    const scheme = origin.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${origin.host}${base}/live`;

    const schedule = () => {
      if (stopped || timer !== null) return;
      const step = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 30000;
      attempt += 1;
      const delay = Math.round(step / 2 + Math.random() * (step / 2));
      timer = setTimeout(() => {
        timer = null;
        connect();
      }, delay);
    };

    const connect = () => {
      if (stopped) return;
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch {
        schedule();
        return;
      }
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        onConnection?.(true);
        // Whatever happened while we were away: fetch from the cursor.
        onSignal();
      };
      ws.onmessage = (event: MessageEvent) => {
        try {
          const data: unknown = JSON.parse(String(event.data));
          if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'messages') onSignal();
        } catch {
          // Not JSON: ignore it, the next signal or reconnect catches up.
        }
      };
      ws.onclose = () => {
        if (socket === ws) socket = null;
        onConnection?.(false);
        schedule();
      };
    };

    // Back online: do not wait for the backoff.
    const online = () => {
      if (socket === null && timer !== null) {
        clearTimeout(timer);
        timer = null;
        attempt = 0;
        connect();
      }
    };
    window.addEventListener('online', online);
    connect();

    return () => {
      stopped = true;
      window.removeEventListener('online', online);
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
      socket = null;
    };
  }

  return {
    view: () => call<SandboxView>('GET', '/view'),
    follow: () => call<SandboxFollowing>('POST', '/follow', {}),
    unfollow: () => call<SandboxFollowing>('POST', '/unfollow', {}),
    sendEvent: async (event) => {
      await call<unknown>('POST', '/events', event);
    },
    messages: (after) => call<SandboxMessages>('GET', `/messages?after=${encodeURIComponent(String(after))}`),
    sendMessage: async (clientMsgId, body) =>
      (await call<SandboxSent>('POST', '/messages', { client_msg_id: clientMsgId, body } satisfies SandboxSend))
        .message,
    live,
  };
}
