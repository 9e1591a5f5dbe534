/**
 * Java regular expressions and Matcher replacement strings, as Kafka's and Debezium's
 * routers use them (Pattern.compile, Matcher.matches, Matcher.replaceFirst). The pattern
 * syntax users write for topics (groups, named groups, classes, quantifiers) means the
 * same in JavaScript; replacement strings differ: Java writes $1, ${name} and \$ where
 * JavaScript writes $1, $<name> and $$, so replacements are expanded here.
 */

export interface JavaRegex {
  readonly source: string;
  /** Matcher.matches(): the whole input matches. */
  matchesWhole(input: string): boolean;
  /** Matcher.replaceFirst(replacement): the first match (found from the start) replaced. */
  replaceFirst(input: string, replacement: string): string;
}

/** Compiles a Java regex; throws Error with the reason when JavaScript cannot compile it. */
export function compileJavaRegex(pattern: string): JavaRegex {
  const find = new RegExp(pattern, 'u');
  const whole = new RegExp(`^(?:${pattern})$`, 'u');
  return {
    source: pattern,
    matchesWhole: (input) => whole.test(input),
    replaceFirst: (input, replacement) => {
      const m = find.exec(input);
      if (!m) return input;
      return input.slice(0, m.index) + expandReplacement(m, replacement) + input.slice(m.index + m[0].length);
    },
  };
}

/** A check for ConfigDef: true, or why the pattern is not a usable regex. */
export function regexCheck(pattern: string): true | string {
  try {
    compileJavaRegex(pattern);
    return true;
  } catch (err) {
    return `the regular expression does not compile (${(err as Error).message}); correct it`;
  }
}

/** Java's Matcher.appendReplacement rules: $n / ${name} are groups, \x is a literal x; a lone $ is an error. */
export function expandReplacement(m: RegExpExecArray, replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new Error('character to be escaped is missing at the end of the replacement');
      out += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new Error('illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        if (end === -1) throw new Error("named capturing group is missing trailing '}'");
        const name = replacement.slice(i + 1, end);
        if (!m.groups || !(name in m.groups)) throw new Error(`No group with name {${name}}`);
        out += m.groups[name] ?? '';
        i = end;
      } else {
        if (!/[0-9]/.test(replacement[i]!)) throw new Error('Illegal group reference');
        // Java takes further digits while the group number they form exists.
        let n = Number(replacement[i]);
        if (n >= m.length) throw new Error(`No group ${n}`);
        while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1]!) && n * 10 + Number(replacement[i + 1]) < m.length) {
          n = n * 10 + Number(replacement[++i]);
        }
        out += m[n] ?? '';
      }
    } else {
      out += c;
    }
  }
  return out;
}
