/**
 * The part of Java's SimpleDateFormat that topic names use (TimestampRouter's
 * timestamp.format), always in UTC: y M d H h k K m s S a E D u and quoted 'text'.
 * Letters Java knows but that make no sense in a topic (zones, week numbers) are refused.
 */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SUPPORTED = 'yMdHhkKmsSaEDu';

type Part = string | ((d: Date) => string);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function field(letter: string, count: number): (d: Date) => string {
  const num = (f: (d: Date) => number) => (d: Date) => pad(f(d), count);
  switch (letter) {
    case 'y': return count === 2 ? (d) => pad(d.getUTCFullYear() % 100, 2) : num((d) => d.getUTCFullYear());
    case 'M':
      if (count >= 4) return (d) => MONTHS[d.getUTCMonth()]!;
      if (count === 3) return (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3);
      return num((d) => d.getUTCMonth() + 1);
    case 'd': return num((d) => d.getUTCDate());
    case 'H': return num((d) => d.getUTCHours());
    case 'k': return num((d) => d.getUTCHours() || 24);
    case 'K': return num((d) => d.getUTCHours() % 12);
    case 'h': return num((d) => d.getUTCHours() % 12 || 12);
    case 'm': return num((d) => d.getUTCMinutes());
    case 's': return num((d) => d.getUTCSeconds());
    case 'S': return num((d) => d.getUTCMilliseconds());
    case 'a': return (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM');
    case 'E': return (d) => (count >= 4 ? DAYS[d.getUTCDay()]! : DAYS[d.getUTCDay()]!.slice(0, 3));
    case 'u': return num((d) => d.getUTCDay() || 7);
    default: return num((d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1); // D
  }
}

/** A formatter for `pattern`; throws Error("Illegal pattern character 'x'") as Java does. */
export function compileDateFormat(pattern: string): (ms: number) => string {
  const parts: Part[] = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw new Error('Unterminated quote');
      parts.push(end === i + 1 ? "'" : pattern.slice(i + 1, end));
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!SUPPORTED.includes(c)) throw new Error(`Illegal pattern character '${c}'`);
      let j = i;
      while (pattern[j] === c) j++;
      parts.push(field(c, j - i));
      i = j;
    } else {
      parts.push(c);
      i++;
    }
  }
  return (ms) => {
    const d = new Date(ms);
    return parts.map((p) => (typeof p === 'string' ? p : p(d))).join('');
  };
}
