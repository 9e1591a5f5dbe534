/**
 * Test support only: an in-memory stand-in for the Schema Registry REST API,
 * served through a `fetch` function, for unit tests of the converter's own
 * logic (caching, error mapping). Its compatibility rule is a crude BACKWARD
 * check (a new field without default is refused); real behaviour is pinned by
 * avro-converter.it.test.ts against a real registry.
 */

export interface FakeRegistryRequest { readonly method: string; readonly path: string; readonly authorization: string | undefined }

export class FakeSchemaRegistry {
  readonly requests: FakeRegistryRequest[] = [];
  /** When true, every request fails as an unreachable host would. */
  down = false;
  /** Expected Authorization header; requests without it get 401. */
  requiredAuth: string | undefined;
  private nextId = 1;
  private readonly ids = new Map<string, number>();
  private readonly schemas = new Map<number, string>();
  private readonly subjects = new Map<string, number[]>();
  private readonly compat = new Map<string, string>();

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const headers = (init?.headers ?? {}) as Record<string, string>;
    this.requests.push({ method, path: url.pathname + url.search, authorization: headers['Authorization'] });
    if (this.down) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    if (this.requiredAuth !== undefined && headers['Authorization'] !== this.requiredAuth) return reply(401, { error_code: 40101, message: 'Unauthorized' });
    const body = init?.body ? (JSON.parse(String(init.body)) as { schema?: string; compatibility?: string }) : {};
    return this.route(method, decodeURIComponent(url.pathname), body);
  };

  /** Registers directly (test setup). */
  put(subject: string, schema: string): number {
    const id = this.idFor(schema);
    const versions = this.subjects.get(subject) ?? [];
    if (!versions.includes(id)) versions.push(id);
    this.subjects.set(subject, versions);
    return id;
  }

  private route(method: string, path: string, body: { schema?: string; compatibility?: string }): Response {
    let m: RegExpMatchArray | null;
    if ((m = path.match(/\/subjects\/([^/]+)\/versions$/)) && method === 'POST') return this.register(m[1]!, body.schema!);
    if ((m = path.match(/\/subjects\/([^/]+)\/versions\/latest$/))) {
      const versions = this.subjects.get(m[1]!);
      if (!versions?.length) return reply(404, { error_code: 40401, message: 'Subject not found.' });
      const id = versions[versions.length - 1]!;
      return reply(200, { subject: m[1], id, version: versions.length, schema: this.schemas.get(id) });
    }
    if ((m = path.match(/\/subjects\/([^/]+)$/)) && method === 'POST') {
      const id = this.ids.get(canonical(body.schema!));
      const versions = this.subjects.get(m[1]!);
      if (id === undefined || !versions?.includes(id)) return reply(404, { error_code: 40403, message: 'Schema not found' });
      return reply(200, { subject: m[1], id, version: versions.indexOf(id) + 1, schema: body.schema });
    }
    if ((m = path.match(/\/schemas\/ids\/(\d+)$/))) {
      const schema = this.schemas.get(Number(m[1]));
      return schema === undefined ? reply(404, { error_code: 40403, message: 'Schema not found' }) : reply(200, { schema });
    }
    if ((m = path.match(/\/config\/([^/]+)$/))) {
      if (method === 'PUT') {
        this.compat.set(m[1]!, body.compatibility!);
        return reply(200, { compatibility: body.compatibility });
      }
      const level = this.compat.get(m[1]!);
      return level ? reply(200, { compatibilityLevel: level }) : reply(404, { error_code: 40408, message: 'Subject does not have subject-level compatibility configured' });
    }
    return reply(404, { error_code: 404, message: `no route ${method} ${path}` });
  }

  private register(subject: string, schema: string): Response {
    const versions = this.subjects.get(subject) ?? [];
    const existing = this.ids.get(canonical(schema));
    if (existing !== undefined && versions.includes(existing)) return reply(200, { id: existing });
    const level = this.compat.get(subject) ?? 'BACKWARD';
    const latest = versions.length ? this.schemas.get(versions[versions.length - 1]!) : undefined;
    if (latest && level.startsWith('BACKWARD') && addsRequiredField(latest, schema)) {
      return reply(409, { error_code: 409, message: `Schema being registered is incompatible with an earlier schema for subject "${subject}"` });
    }
    return reply(200, { id: this.put(subject, schema) });
  }

  private idFor(schema: string): number {
    const key = canonical(schema);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(key, id);
      this.schemas.set(id, schema);
    }
    return id;
  }
}

function canonical(schema: string): string {
  return JSON.stringify(JSON.parse(schema));
}

function addsRequiredField(oldText: string, newText: string): boolean {
  const names = (t: string) => new Map(((JSON.parse(t) as { fields?: Array<{ name: string; default?: unknown }> }).fields ?? []).map((f) => [f.name, f]));
  const before = names(oldText);
  return [...names(newText).values()].some((f) => !before.has(f.name) && !('default' in f));
}

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' } });
}
