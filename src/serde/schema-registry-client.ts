/**
 * Confluent Schema Registry REST client (also Karapace and Apicurio's ccompat
 * API, whose base URL carries a path such as /apis/ccompat/v7).
 * Plain HTTP (http-fetch.ts) rather than @kafkajs/confluent-schema-registry: that client
 * re-serialises the schema text with JSON.stringify (losing exact int64/float
 * defaults), insists on record schemas, and on first registration PUTs a
 * BACKWARD compatibility config onto the subject, which Confluent's serializer
 * never does.
 * Credentials travel only in the Authorization header; every URL that reaches
 * an error or a log is the credential-free form.
 */
import { ConfigError, SinkError, type CdcErrorInit } from '../errors/cdc-error.ts';
import { httpFetch, type FetchLike, type HttpAnswer } from './http-fetch.ts';

export interface SchemaRegistryClientOptions {
  /** One or more base URLs (schema.registry.url may be a comma-separated list); tried in order when unreachable. */
  readonly urls: readonly string[];
  /** "user:password" (basic.auth.user.info). When absent, credentials embedded in the URL are used. */
  readonly userInfo?: string;
  /** Replaces the HTTP client (tests); default http-fetch.ts. */
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
}

export interface RegisteredSchema {
  readonly id: number;
  readonly version: number;
  readonly schema: string;
}

/** A registry answer other than success, with its HTTP status and registry error code. */
export class SchemaRegistryError extends SinkError {
  readonly status: number;
  readonly registryCode: number | undefined;
  readonly registryMessage: string;
  constructor(init: CdcErrorInit & { status: number; registryCode?: number; registryMessage: string }) {
    super(init);
    this.status = init.status;
    this.registryCode = init.registryCode;
    this.registryMessage = init.registryMessage;
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5';

interface Endpoint { readonly base: string; readonly display: string; readonly auth?: string }

export class SchemaRegistryClient {
  private readonly endpoints: readonly Endpoint[];
  private readonly doFetch: FetchLike;
  private readonly timeoutMs: number;
  private preferred = 0;

  constructor(opts: SchemaRegistryClientOptions) {
    if (opts.urls.length === 0) throw new Error('SchemaRegistryClient needs at least one URL');
    this.endpoints = opts.urls.map((u) => parseEndpoint(u, opts.userInfo));
    this.doFetch = opts.fetch ?? httpFetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Registry URL(s) without credentials, for messages. */
  get displayUrl(): string {
    return this.endpoints.map((e) => e.display).join(',');
  }

  /** POST /subjects/{subject}/versions: the id of this schema, registering it if new. */
  async register(subject: string, schema: string, opts: { normalize?: boolean } = {}): Promise<number> {
    const q = opts.normalize ? '?normalize=true' : '';
    const body = await this.request('POST', `/subjects/${enc(subject)}/versions${q}`, { schema }, subject);
    return idOf(body);
  }

  /** POST /subjects/{subject}: the id if this exact schema is registered under subject, else undefined. */
  async lookup(subject: string, schema: string, opts: { normalize?: boolean } = {}): Promise<number | undefined> {
    const q = opts.normalize ? '?normalize=true' : '';
    const body = await this.request('POST', `/subjects/${enc(subject)}${q}`, { schema }, subject, true);
    return body === undefined ? undefined : idOf(body);
  }

  /** GET /subjects/{subject}/versions/latest, undefined when the subject does not exist. */
  async latest(subject: string): Promise<RegisteredSchema | undefined> {
    const body = await this.request('GET', `/subjects/${enc(subject)}/versions/latest`, undefined, subject, true);
    if (body === undefined) return undefined;
    const b = body as { id?: unknown; version?: unknown; schema?: unknown };
    return { id: Number(b.id), version: Number(b.version), schema: String(b.schema) };
  }

  /** GET /schemas/ids/{id}: the schema text. */
  async schemaById(id: number): Promise<string> {
    const body = (await this.request('GET', `/schemas/ids/${id}`, undefined, undefined)) as { schema?: unknown };
    return String(body.schema);
  }

  /** GET /config/{subject}: the subject's own compatibility level, undefined when it has none. */
  async compatibility(subject: string): Promise<string | undefined> {
    const body = (await this.request('GET', `/config/${enc(subject)}`, undefined, subject, true)) as { compatibilityLevel?: string; compatibility?: string } | undefined;
    return body?.compatibilityLevel ?? body?.compatibility;
  }

  /** PUT /config/{subject} */
  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.request('PUT', `/config/${enc(subject)}`, { compatibility: level }, subject);
  }

  private async request(method: string, path: string, body: unknown, subject: string | undefined, notFoundIsUndefined = false): Promise<unknown> {
    let lastFailure: unknown;
    for (let attempt = 0; attempt < this.endpoints.length; attempt++) {
      const index = (this.preferred + attempt) % this.endpoints.length;
      const ep = this.endpoints[index]!;
      let res: HttpAnswer;
      try {
        res = await this.doFetch(ep.base + path, {
          method,
          headers: { Accept: ACCEPT, ...(body !== undefined ? { 'Content-Type': CONTENT_TYPE } : {}), ...(ep.auth ? { Authorization: ep.auth } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        lastFailure = err;
        continue; // unreachable: try the next URL
      }
      this.preferred = index;
      const text = await res.text();
      if (res.ok) return text === '' ? {} : JSON.parse(text);
      if (res.status === 404 && notFoundIsUndefined) return undefined;
      throw httpError(res.status, text, method, path, ep.display, subject);
    }
    throw new SinkError({
      code: 'CDC_SCHEMA_REGISTRY_UNREACHABLE',
      what: `cannot reach the Schema Registry (${describeCause(lastFailure)})`,
      where: `schema registry ${this.displayUrl}`,
      fix: 'check schema.registry.url (including any path such as /apis/ccompat/v7 for Apicurio) and that the registry is running and reachable',
      retriable: true,
      cause: lastFailure,
    });
  }
}

function parseEndpoint(raw: string, userInfo: string | undefined): Endpoint {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError({ code: 'CDC_SCHEMA_REGISTRY_URL', what: 'schema.registry.url is not a valid URL', where: 'property schema.registry.url', fix: 'use http(s)://host:port[/path]' });
  }
  const fromUrl = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/+$/, '');
  const creds = userInfo ?? fromUrl;
  return { base, display: base, ...(creds ? { auth: `Basic ${Buffer.from(creds).toString('base64')}` } : {}) };
}

function httpError(status: number, text: string, method: string, path: string, display: string, subject: string | undefined): SchemaRegistryError {
  let registryCode: number | undefined;
  let registryMessage = text.slice(0, 2000);
  try {
    const b = JSON.parse(text) as { error_code?: number; message?: string };
    registryCode = b.error_code;
    registryMessage = b.message ?? registryMessage;
  } catch { /* not JSON: keep the raw text */ }
  const where = `schema registry ${display}, ${method} ${path}${subject ? ` (subject ${subject})` : ''}`;
  const base = { status, registryMessage, where, ...(registryCode !== undefined ? { registryCode } : {}) };
  if (status === 401 || status === 403) {
    return new SchemaRegistryError({ ...base, code: 'CDC_SCHEMA_REGISTRY_AUTH', what: `the Schema Registry refused our credentials (HTTP ${status})`,
      fix: 'check basic.auth.user.info / basic.auth.credentials.source for the converter' });
  }
  if (status === 409) {
    return new SchemaRegistryError({ ...base, code: 'CDC_SCHEMA_REGISTRY_CONFLICT', what: `the Schema Registry rejected the schema as incompatible: ${registryMessage}` });
  }
  const retriable = status >= 500 || status === 408 || status === 429;
  return new SchemaRegistryError({
    ...base, retriable,
    code: retriable ? 'CDC_SCHEMA_REGISTRY_UNAVAILABLE' : 'CDC_SCHEMA_REGISTRY_REJECTED',
    what: `the Schema Registry answered HTTP ${status}${registryCode !== undefined ? ` (error ${registryCode})` : ''}: ${registryMessage}`,
    ...(retriable ? { fix: 'the registry is overloaded or failing; the request will be retried' } : {}),
  });
}

function idOf(body: unknown): number {
  const id = (body as { id?: unknown }).id;
  if (typeof id !== 'number') throw new Error(`Schema Registry answer without an id: ${JSON.stringify(body)}`);
  return id;
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err.name === 'TimeoutError') return 'request timed out';
  return cause?.code ?? cause?.message ?? err.message;
}
