/** A small client for the daemon's Kafka Connect REST API, for integration tests. */
export class Rest {
  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(path: string) { return this.call('GET', path); }
  post(path: string, body?: unknown) { return this.call('POST', path, body); }
  put(path: string, body?: unknown) { return this.call('PUT', path, body); }
  patch(path: string, body?: unknown) { return this.call('PATCH', path, body); }
  delete(path: string) { return this.call('DELETE', path); }

  /** Polls until fn(status body) is true. */
  async waitFor(path: string, fn: (body: any) => boolean, timeoutMs = 60_000): Promise<any> {
    const t0 = Date.now();
    let last: unknown = null;
    for (;;) {
      const r = await this.get(path).catch(() => null);
      last = r?.body;
      if (r && r.status === 200 && fn(r.body)) return r.body;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting on ${path}; last answer: ${JSON.stringify(last)}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}
