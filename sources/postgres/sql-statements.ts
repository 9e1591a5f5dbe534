/**
 * database.initial.statements as Debezium reads it: statements separated by ";", where
 * ";;" stands for one literal ";" inside a statement; blank statements are dropped and
 * each statement is trimmed. (No SQL parsing: a ";" inside a quoted string must be doubled too.)
 */
export function splitStatements(text: string | undefined): string[] {
  if (text === undefined) return [];
  const out: string[] = [];
  let current = '';
  const flush = () => {
    const s = current.trim();
    if (s !== '') out.push(s);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== ';') { current += ch; continue; }
    if (text[i + 1] === ';') { current += ';'; i++; continue; }
    flush();
  }
  flush();
  return out;
}
