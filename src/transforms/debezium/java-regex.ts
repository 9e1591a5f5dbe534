/**
 * Java's regex semantics as Debezium's routers use them (Pattern.matcher(topic).matches()
 * then Matcher.replaceFirst): the pattern must match the WHOLE input, and the replacement
 * uses Java syntax: `$3`, `${name}`, and `\` to escape the next character. JavaScript's
 * `$<name>` / `$$` syntax is not Java's, so replacements are expanded here, not by
 * String.prototype.replace.
 */
import { TransformError } from '../contracts.ts';

export class JavaRegex {
  readonly #re: RegExp;

  /** Throws a SyntaxError with JavaScript's message for an invalid pattern. */
  constructor(readonly source: string) {
    this.#re = new RegExp(`^(?:${source})$`, 'u');
  }

  /** Groups of a whole-input match, or null when the pattern does not match all of `input`. */
  matchAll(input: string): RegExpExecArray | null {
    return this.#re.exec(input);
  }

  /** Matcher.matches() then replaceFirst(replacement); null when the whole input does not match. */
  replaceWhole(input: string, replacement: string): string | null {
    const m = this.#re.exec(input);
    return m ? expandReplacement(m, replacement) : null;
  }
}

/** A Java replacement string expanded against one match (Matcher.appendReplacement's rules). */
export function expandReplacement(m: RegExpExecArray, replacement: string): string {
  const groupCount = m.length - 1;
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new TransformError('character to be escaped is missing');
      out += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new TransformError('Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        if (end < 0) throw new TransformError("named capturing group is missing trailing '}'");
        const name = replacement.slice(i + 1, end);
        if (!m.groups || !(name in m.groups)) throw new TransformError(`No group with name {${name}}`);
        out += m.groups[name] ?? '';
        i = end;
      } else {
        const first = replacement.charCodeAt(i) - 48;
        if (first < 0 || first > 9) throw new TransformError('Illegal group reference');
        // Java takes more digits only while the number still names an existing group.
        let ref = first;
        while (i + 1 < replacement.length) {
          const d = replacement.charCodeAt(i + 1) - 48;
          if (d < 0 || d > 9 || ref * 10 + d > groupCount) break;
          ref = ref * 10 + d;
          i++;
        }
        if (ref > groupCount) throw new TransformError(`No group ${ref}`);
        out += m[ref] ?? '';
      }
    } else {
      out += c;
    }
  }
  return out;
}
