/**
 * The Kafka Connect-compatible REST server: node:http (or node:https with TLS),
 * authentication, routing, timeouts, and the one error shape. Routes live in
 * routes-*.ts and only translate HTTP to Herder calls; everything here is
 * shared by all of them.
 * Request bodies are never logged (they carry database passwords): one line per
 * request with method, path, status, duration and the authenticated principal.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { http, https } from '../runtime/node-http.ts';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger.ts';
import type { Herder } from '../runtime/herder.ts';
import { createAuthenticator } from './auth.ts';
import { readJsonBody } from './request-body.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, type RestConfig } from './rest-config.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../config/rest-fields.ts';
import { errorBody, mapError, RestError } from './rest-error.ts';
import { Router, type HttpMethod, type Route, type RouteResponse } from './router.ts';
import { connectorRoutes } from './routes-connectors.ts';
import { lifecycleRoutes } from './routes-lifecycle.ts';
import { loggerRoutes } from './routes-loggers.ts';
import { offsetRoutes } from './routes-offsets.ts';
import { pluginRoutes } from './routes-plugins.ts';
import { signalRoutes } from './routes-signals.ts';
import { HEALTH_TIMEOUT_MS, workerRoutes } from './routes-worker.ts';
import { tlsServerOptions } from './tls.ts';

export interface RestServerDeps {
  readonly herder: Herder;
  readonly log: Logger;
  readonly config: RestConfig;
}

export interface RestServer {
  /** Reads the TLS files (if any) and starts listening; resolves with the bound port. */
  listen(): Promise<{ port: number }>;
  /** Stops accepting, lets requests in flight finish for a short grace period, then cuts them. Idempotent. */
  close(): Promise<void>;
}

/** How long close() waits for requests in flight before cutting their connections. */
const CLOSE_GRACE_MS = 5_000;

export function allRoutes(herder: Herder, log: Logger, requestTimeoutMs: number): Route[] {
  return [
    ...workerRoutes({ herder, healthTimeoutMs: Math.min(HEALTH_TIMEOUT_MS, requestTimeoutMs) }),
    ...connectorRoutes({ herder, log }),
    ...lifecycleRoutes({ herder }),
    ...offsetRoutes({ herder }),
    ...signalRoutes({ herder }),
    ...pluginRoutes({ herder }),
    ...loggerRoutes({ herder, log }),
  ];
}

export function createRestServer(deps: RestServerDeps): RestServer {
  // No child logger here: the composition root binds the component, and a second binding would duplicate the key.
  const { herder, config, log } = deps;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const router = new Router(allRoutes(herder, log, timeoutMs));
  const authenticator = createAuthenticator(config.auth);
  let server: Server | null = null;

  async function answer(req: IncomingMessage, method: string, target: URL): Promise<{ response: RouteResponse; user?: string }> {
    const match = router.match(method, target.pathname);
    const isPublic = match.kind === 'route' && match.route.public === true;
    // Authenticate before saying anything about the path, so unknown and known URLs look alike to strangers.
    const user = authenticator && !isPublic ? authenticator.authenticate(req.headers) : undefined;
    if (match.kind === 'malformed') throw new RestError(400, match.message);
    if (match.kind === 'not-found') throw new RestError(404, 'HTTP 404 Not Found');
    if (match.kind === 'method-not-allowed') throw new RestError(405, 'HTTP 405 Method Not Allowed', { allow: match.allowed.join(', ') });
    const { route, params } = match;
    const handled = route.handle({
      method: route.method as HttpMethod,
      path: target.pathname,
      params,
      query: target.searchParams,
      baseUrl: baseUrlOf(req, config.tls !== undefined, config.host, config.port),
      body: () => readJsonBody(req, maxBodyBytes),
    });
    return { response: await withTimeout(handled, timeoutMs, route.doing), ...(user !== undefined ? { user } : {}) };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = parseTarget(req.url);
    let response: RouteResponse;
    let user: string | undefined;
    let failure: unknown;
    try {
      if (!target) throw new RestError(400, 'Malformed request URL');
      ({ response, user } = await answer(req, method, target));
    } catch (err) {
      failure = err;
      response = errorResponse(err);
    }
    send(res, method, response, log);
    const status = res.statusCode;
    const line = { method, path: target?.pathname ?? req.url?.split('?')[0], status, durationMs: Math.round(performance.now() - started), ...(user ? { user } : {}) };
    if (failure !== undefined && mapError(failure).unexpected) log.error({ ...line, err: failure }, 'REST request failed unexpectedly');
    // Probes ask every few seconds: their answers (503 = not ready yet, too) are debug lines.
    else if ((target?.pathname === '/health' && status < 500) || target?.pathname === '/health/live' || target?.pathname === '/health/ready') log.debug(line, 'REST request');
    else log.info(line, 'REST request');
  }

  return {
    async listen() {
      if (server) throw new Error('REST server is already listening');
      const handler = (req: IncomingMessage, res: ServerResponse): void => { void serve(req, res); };
      const s: Server = config.tls ? https.createServer(tlsServerOptions(config.tls), handler) : http.createServer(handler);
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException): void => {
          reject(new Error(`REST API cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}; fix: set rest.port to a free port or rest.host.name to an address of this machine`, { cause: err }));
        };
        s.once('error', onError);
        s.listen(config.port, config.host, () => { s.off('error', onError); resolve(); });
      });
      server = s;
      const port = (s.address() as AddressInfo).port;
      log.info({ host: config.host, port, tls: config.tls !== undefined, auth: config.auth?.type ?? 'none' }, 'REST API listening');
      return { port };
    },
    async close() {
      const s = server;
      if (!s) return;
      server = null;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => s.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        s.close(() => { clearTimeout(force); resolve(); });
        s.closeIdleConnections();
      });
    },
  };
}

/**
 * The base of absolute URLs in answers, as Jersey builds it: the scheme this server speaks
 * and the authority the client used (Host header), else the listening address.
 */
function baseUrlOf(req: IncomingMessage, tls: boolean, host: string, port: number): string {
  const scheme = tls ? 'https' : 'http';
  const authority = req.headers.host && /^[A-Za-z0-9.\-:[\]]+$/.test(req.headers.host) ? req.headers.host : `${host}:${(req.socket.localPort ?? port)}`;
  return `${scheme}://${authority}`;
}

/** The request target as a URL; "//x" stays a path (new URL would read it as a host). */
function parseTarget(raw: string | undefined): URL | null {
  try {
    return raw?.startsWith('/') ? new URL(`http://rest${raw}`) : new URL(raw ?? '');
  } catch {
    return null;
  }
}

function errorResponse(err: unknown): RouteResponse {
  const mapped = mapError(err);
  return { status: mapped.status, headers: mapped.headers, body: errorBody(mapped.status, mapped.message) };
}

function withTimeout<T>(work: Promise<T>, ms: number, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RestError(500,
      `Request timed out. The worker did not finish ${doing} within ${ms} ms; the operation may still complete, so check its result before retrying`)), ms);
  });
  // race() subscribes to `work`, so a late rejection after the timeout is not unhandled.
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function send(res: ServerResponse, method: string, response: RouteResponse, log: Logger): void {
  if (res.headersSent || res.destroyed) return;
  let payload: Buffer | undefined;
  let r = response;
  try {
    payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body), 'utf8');
  } catch (err) {
    log.error({ err }, 'REST response could not be serialized');
    r = errorResponse(err);
    payload = Buffer.from(JSON.stringify(r.body), 'utf8');
  }
  const headers: Record<string, string> = { ...r.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  } else if (r.status !== 204) {
    headers['content-length'] = '0';
  }
  res.writeHead(r.status, headers);
  res.end(method === 'HEAD' ? undefined : payload);
}
