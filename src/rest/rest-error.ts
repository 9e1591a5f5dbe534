/**
 * The REST API's one error shape, Kafka Connect's {"error_code": <status>, "message": "..."}
 * (error_code always equals the HTTP status), and how anything a handler throws
 * becomes one. HerderError carries its own status; anything else is a bug or an
 * outage, answered 500 with a message that names the cause. Stacks go to the log,
 * never to the client.
 */
import { HerderError } from '../runtime/herder.ts';

export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export interface ErrorBody {
  readonly error_code: number;
  readonly message: string;
}

export function errorBody(status: number, message: string): ErrorBody {
  return { error_code: status, message };
}

export interface MappedError {
  readonly status: number;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  /** true when the error was not raised on purpose (log it with its stack). */
  readonly unexpected: boolean;
}

export function mapError(err: unknown): MappedError {
  if (err instanceof RestError) return { status: err.status, message: err.message, headers: err.headers, unexpected: false };
  if (err instanceof HerderError) return { status: err.status, message: err.message, headers: {}, unexpected: false };
  return { status: 500, message: describeUnexpected(err), headers: {}, unexpected: true };
}

/** "TypeError: x is undefined; caused by Error: socket hang up", without stack lines. */
export function describeUnexpected(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  // A cause chain is short in practice; the bound only guards against cycles.
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${withoutStack(current.message)}` : withoutStack(String(current)));
    current = current instanceof Error ? current.cause : undefined;
  }
  return `Unexpected error: ${parts.join('; caused by ') || 'unknown'}`;
}

// Some libraries embed a stack in the message itself; cut at the first frame.
function withoutStack(message: string): string {
  const frame = message.search(/\n\s+at /);
  return (frame >= 0 ? message.slice(0, frame) : message).trim();
}
