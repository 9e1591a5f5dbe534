/**
 * The part of fetch the Schema Registry client uses (method, headers, a string body, an abort
 * signal; status and text back), over node:http and node:https. Node's global fetch is undici,
 * loaded on first use: its bundled source and WebAssembly HTTP parser cost the daemon ~13 MiB of
 * resident memory from its first registry call on, for the few calls a connector makes.
 * Failures keep fetch's shape where the client reads it: an unreachable host rejects with an
 * Error whose `cause` carries the system error's code; an aborted signal rejects with the
 * signal's reason (a TimeoutError for AbortSignal.timeout).
 */
import { http, https } from '../runtime/node-http.ts';

export interface HttpInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/** What the client calls: this module's httpFetch, or (tests) anything of fetch's shape. */
export type FetchLike = (url: string, init: HttpInit) => Promise<HttpAnswer>;

export const httpFetch: FetchLike = (url, init) => new Promise<HttpAnswer>((resolve, reject) => {
  const signal = init.signal;
  if (signal?.aborted) { reject(signal.reason); return; }
  let target: URL;
  try {
    target = new URL(url);
  } catch (err) {
    reject(err);
    return;
  }
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (client === null) { reject(new TypeError(`unsupported protocol ${target.protocol} in ${target.origin}`)); return; }
  const headers: Record<string, string | number> = { ...init.headers };
  const body = init.body === undefined ? null : Buffer.from(init.body, 'utf8');
  if (body !== null) headers['Content-Length'] = body.length;
  const req = client.request(target, { method: init.method ?? 'GET', headers, ...(signal ? { signal } : {}) }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', (err) => reject(signal?.aborted ? signal.reason : new Error('reading the answer failed', { cause: err })));
    res.on('end', () => {
      const status = res.statusCode ?? 0;
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
    });
  });
  req.on('error', (err) => reject(signal?.aborted ? signal.reason : new Error('request failed', { cause: err })));
  req.end(body ?? undefined);
});
