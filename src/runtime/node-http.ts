/**
 * node:http and node:https, loaded through require rather than an ES import. Node builds the ES
 * module view of a builtin by reading every one of its exports, and node:http's WebSocket,
 * CloseEvent and MessageEvent exports are getters that load undici (the implementation of
 * fetch): an `import ... from 'node:http'` anywhere in the daemon cost ~15 MiB of resident
 * memory for code it never runs (docs/benchmarks.md, "Idle cost"). node-http.test.ts keeps it so.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const http = require('node:http') as typeof import('node:http');
export const https = require('node:https') as typeof import('node:https');
