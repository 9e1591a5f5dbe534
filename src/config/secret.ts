/**
 * A secret config value (type 'password'). Wrapping the string means a stray
 * console.log, JSON.stringify or template literal prints "[hidden]" instead of
 * the credential; only an explicit reveal() hands out the real value, so every
 * place that needs it is greppable.
 */

const HIDDEN = '[hidden]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value: pass it to the driver, never to a log line or an error message. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  // node:util.inspect (console.log, pino's fallback) looks this symbol up.
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return HIDDEN;
  }
}

/** What a secret looks like wherever it is shown (Kafka Connect renders passwords the same way). */
export const HIDDEN_VALUE = HIDDEN;
