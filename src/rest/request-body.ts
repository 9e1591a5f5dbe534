/**
 * Reads a request body as JSON, refusing it before it costs memory: a declared
 * Content-Length over the limit is answered at once, a streamed body stops
 * being buffered the moment it crosses the limit. Bodies are never logged: a
 * connector config carries database passwords.
 */
import type { IncomingMessage } from 'node:http';
import { RestError } from './rest-error.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Connect's resources consume only application/json (Jersey answers 415 otherwise).
 * A missing Content-Type is accepted: the body is parsed as JSON anyway, and a
 * curl without -H still works when the body is JSON.
 */
function checkContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type === undefined) return;
  const mediaType = type.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(mediaType)) return;
  throw new RestError(415, `HTTP 415 Unsupported Media Type: the body must be JSON sent with Content-Type: application/json, not ${mediaType || 'an empty type'}`);
}

function tooLarge(limit: number): RestError {
  // The rest of the body stays unread, so the connection cannot carry another request.
  return new RestError(413, `Request body is larger than the limit of ${limit} bytes (rest.max.body.bytes); connector configs are a few kilobytes, so check what is being sent`, { connection: 'close' });
}

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  checkContentType(req);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const bytes = await readLimited(req, limit);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new RestError(400, 'Request body is not valid UTF-8 text: send JSON encoded as UTF-8');
  }
  if (text.trim() === '') throw new RestError(400, 'Request body is empty: this endpoint needs a JSON body');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RestError(400, `Request body is not valid JSON: ${(err as Error).message}`);
  }
}

function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Keep draining (without buffering) so the client can read our 413
        // instead of a reset while it is still writing.
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => { cleanup(); resolve(Buffer.concat(chunks, size)); };
    const onError = (err: Error): void => { cleanup(); reject(new RestError(400, `Request body could not be read: ${err.message}`)); };
    const onAborted = (): void => { cleanup(); reject(new RestError(400, 'Request body was cut off: the client closed the connection while sending it')); };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
