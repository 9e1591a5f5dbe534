/** Debezium's routers: Matcher.matches() on the whole input, then replaceFirst; null when it does not match. */
import type { JavaRegex } from '../java-regex.ts';

export function replaceWhole(re: JavaRegex, input: string, replacement: string): string | null {
  return re.matchesWhole(input) ? re.replaceFirst(input, replacement) : null;
}
