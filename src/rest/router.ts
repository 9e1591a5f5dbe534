/**
 * A tiny router: exact path templates with :params, per-method handlers, and the
 * query-parameter conventions of Kafka Connect's JAX-RS resources. Paths are split
 * on "/" before percent-decoding, so a connector name holding an encoded slash
 * (%2F) stays one segment and reaches the name check instead of another route.
 * A trailing slash is ignored, as Jersey does.
 */
import { RestError } from './rest-error.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRequest {
  readonly method: HttpMethod;
  /** The path as received (still percent-encoded), for messages. */
  readonly path: string;
  /** Decoded path parameters. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** scheme://host[:port] as the client addressed this server (Host header), for absolute Location headers. */
  readonly baseUrl: string;
  /** Reads the size-limited JSON body; rejects with RestError 400, 413 or 415. */
  body(): Promise<unknown>;
}

export interface RouteResponse {
  readonly status: number;
  /** Serialized as JSON; undefined sends no body (202/204). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: HttpMethod;
  /** e.g. '/connectors/:name/tasks/:task/status' */
  readonly path: string;
  /** What the worker was doing, for "Request timed out. ..." messages: 'creating the connector'. */
  readonly doing: string;
  /** Served without authentication (health probes). */
  readonly public?: boolean;
  handle(req: RouteRequest): Promise<RouteResponse>;
}

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'malformed'; readonly message: string };

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

export class Router {
  readonly #routes: readonly Compiled[];

  constructor(routes: readonly Route[]) {
    const seen = new Set<string>();
    this.#routes = routes.map((route) => {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) throw new Error(`Router: ${key} is declared twice`);
      seen.add(key);
      return { route, segments: splitPath(route.path) };
    });
  }

  /** HEAD is served by the GET route (Jersey does the same). */
  match(method: string, rawPath: string): RouteMatch {
    let segments: string[];
    try {
      segments = splitPath(rawPath).map(decodeSegment);
    } catch (err) {
      return { kind: 'malformed', message: (err as Error).message };
    }
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allowed: string[] = [];
    for (const c of this.#routes) {
      const params = matchSegments(c.segments, segments);
      if (!params) continue;
      if (c.route.method === wanted) return { kind: 'route', route: c.route, params };
      allowed.push(c.route.method);
      if (c.route.method === 'GET') allowed.push('HEAD');
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function splitPath(path: string): string[] {
  const parts = path.split('/').slice(1);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new Error(`Malformed percent-encoding in the URL path segment "${segment}": encode names with encodeURIComponent (curl --data-urlencode does not apply to paths)`);
  }
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (template.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const a = actual[i]!;
    if (t.startsWith(':')) {
      // An empty segment (/connectors//config) is no name at all: not this route.
      if (a === '') return null;
      params[t.slice(1)] = a;
    } else if (t !== a) {
      return null;
    }
  }
  return params;
}

/**
 * A boolean query parameter. Connect (Boolean.valueOf) silently reads anything but
 * "true" as false; a typo like includeTasks=yes then restarts less than asked, so
 * we refuse values other than true/false (any case) instead.
 */
export function booleanParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  if (value === null) return fallback;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new RestError(400, `Query parameter ${name} must be true or false, not "${value}"`);
}

/** ?expand=status&expand=info: repeatable; unknown values are ignored, as in Connect. */
export function expandParam(query: URLSearchParams): { readonly present: boolean; readonly status: boolean; readonly info: boolean } {
  const values = query.getAll('expand');
  return { present: query.has('expand'), status: values.includes('status'), info: values.includes('info') };
}

/** ?scope=worker|cluster, any case; Connect falls back to worker for anything else. */
export function scopeParam(query: URLSearchParams): { readonly scope: 'worker' | 'cluster'; readonly unknown?: string } {
  const value = query.get('scope');
  if (value === null) return { scope: 'worker' };
  const v = value.toLowerCase();
  if (v === 'worker' || v === 'cluster') return { scope: v };
  return { scope: 'worker', unknown: value };
}

/**
 * A task id from the path. Jersey answers 404 when an Integer path parameter does
 * not parse; we keep the status and say why.
 */
export function taskIdParam(connector: string, raw: string): number {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id > 2147483647) {
    throw new RestError(404, `Unknown task: ${connector}-${raw} (task ids are numbers 0, 1, ... as listed by GET /connectors/${connector}/tasks)`);
  }
  return id;
}
