import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accountIdFromPath, ApiError, createApi, newClientMsgId } from './api';
import { languageFor } from './language';

const here = { protocol: 'http:', host: '127.0.0.1:8080' } as Location;

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('paths and languages', () => {
  it('reads the account id from /s/{accountId}', () => {
    expect(accountIdFromPath('/s/acc-1')).toBe('acc-1');
    expect(accountIdFromPath('/s/acc-1/')).toBe('acc-1');
    expect(accountIdFromPath('/s/%E6%8B%9B%E5%95%86')).toBe('招商');
    expect(accountIdFromPath('/s/')).toBeNull();
    expect(accountIdFromPath('/s/api')).toBeNull();
    expect(accountIdFromPath('/other/acc-1')).toBeNull();
    expect(accountIdFromPath('/s/%E0%A4%A')).toBeNull();
  });

  it('picks Chinese for any zh, English otherwise', () => {
    expect(languageFor('zh-CN')).toBe('zh-CN');
    expect(languageFor('zh-TW')).toBe('zh-CN');
    expect(languageFor('zh')).toBe('zh-CN');
    expect(languageFor('en-US')).toBe('en');
    expect(languageFor('fr')).toBe('en');
    expect(languageFor(undefined)).toBe('en');
  });

  it('makes UUID-shaped client message ids, unique', () => {
    const a = newClientMsgId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newClientMsgId()).not.toBe(a);
  });
});

describe('HTTP calls', () => {
  const fetchMock = vi.fn<typeof fetch>();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('calls the contract paths with JSON and the same-origin cookie', async () => {
    const api = createApi('acc 1', here);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { following: true }));
    expect(await api.follow()).toEqual({ following: true });
    let [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/s/api/acc%201/follow');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{}' });
    expect((init!.headers as Record<string, string>)['Content-Type']).toBe('application/json');

    fetchMock.mockResolvedValueOnce(jsonResponse(200, { messages: [], cursor: 12 }));
    expect(await api.messages(5)).toEqual({ messages: [], cursor: 12 });
    [url, init] = fetchMock.mock.calls[1]!;
    expect(url).toBe('/s/api/acc%201/messages?after=5');
    expect(init).toMatchObject({ method: 'GET', body: undefined });

    fetchMock.mockResolvedValueOnce(jsonResponse(200, { message: { id: 'm1' } }));
    expect(await api.sendMessage('id-1', { type: 'text', text: 'hi' })).toEqual({ id: 'm1' });
    expect(JSON.parse(fetchMock.mock.calls[2]![1]!.body as string)).toEqual({
      client_msg_id: 'id-1',
      body: { type: 'text', text: 'hi' },
    });

    fetchMock.mockResolvedValueOnce(jsonResponse(200, {}));
    await api.sendEvent({ event: 'keyword', keyword: '还款' });
    expect(fetchMock.mock.calls[3]![0]).toBe('/s/api/acc%201/events');
    expect(JSON.parse(fetchMock.mock.calls[3]![1]!.body as string)).toEqual({ event: 'keyword', keyword: '还款' });
  });

  it('turns errors into ApiError with the server code, or one from the status', async () => {
    const api = createApi('acc-1', here);
    fetchMock.mockResolvedValueOnce(jsonResponse(429, { code: 'rate_limited', message: 'slow', issues: [] }));
    await expect(api.view()).rejects.toMatchObject({ code: 'rate_limited', status: 429, message: 'slow' });
    fetchMock.mockResolvedValueOnce(new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(api.view()).rejects.toMatchObject({ code: 'internal', status: 502 });
    fetchMock.mockResolvedValueOnce(new Response('nope', { status: 404 }));
    await expect(api.view()).rejects.toMatchObject({ code: 'not_found' });
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const offline = await api.view().catch((e: unknown) => e);
    expect(offline).toBeInstanceOf(ApiError);
    expect(offline).toMatchObject({ code: 'offline' });
  });
});

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close() {
    this.closed = true;
  }
}

describe('live feed', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
    // The jitter at its top: each wait is the full step.
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('signals on open and on each "messages", and reconnects with growing backoff after a close', () => {
    const onSignal = vi.fn();
    const onConnection = vi.fn();
    const stop = createApi('acc-1', here).live({ onSignal, onConnection });
    expect(FakeSocket.all).toHaveLength(1);
    const first = FakeSocket.all[0]!;
    expect(first.url).toBe('ws://127.0.0.1:8080/s/api/acc-1/live');

    first.onopen!();
    expect(onConnection).toHaveBeenLastCalledWith(true);
    expect(onSignal).toHaveBeenCalledTimes(1);
    first.onmessage!({ data: '{"type":"messages"}' });
    first.onmessage!({ data: 'not json' });
    first.onmessage!({ data: '{"type":"other"}' });
    expect(onSignal).toHaveBeenCalledTimes(2);

    first.onclose!();
    expect(onConnection).toHaveBeenLastCalledWith(false);
    vi.advanceTimersByTime(999);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);

    // Fails again before opening: the next wait is longer (2 s).
    FakeSocket.all[1]!.onclose!();
    vi.advanceTimersByTime(999);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1001);
    expect(FakeSocket.all).toHaveLength(3);

    // Open again: catch up from the cursor.
    FakeSocket.all[2]!.onopen!();
    expect(onSignal).toHaveBeenCalledTimes(3);

    stop();
    expect(FakeSocket.all[2]!.closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('uses wss on an https page', () => {
    createApi('acc-1', { protocol: 'https:', host: 'shop.example.com' } as Location).live({ onSignal: vi.fn() })();
    expect(FakeSocket.all[0]!.url).toBe('wss://shop.example.com/s/api/acc-1/live');
  });
});
