/**
 * The header converters the daemon implements (src/serde/header-converter.ts), by the
 * names Kafka Connect accepts for them: the class name or its simple name. Kept apart
 * from the implementation so config definitions do not import serde code.
 */
export type HeaderConverterKind = 'simple' | 'string';

const NAMES: Readonly<Record<string, HeaderConverterKind>> = {
  'org.apache.kafka.connect.storage.simpleheaderconverter': 'simple',
  simpleheaderconverter: 'simple',
  'org.apache.kafka.connect.storage.stringconverter': 'string',
  stringconverter: 'string',
};

/** The kind for a header.converter value; unset means Connect's default, SimpleHeaderConverter. */
export function headerConverterKind(name: string | undefined): HeaderConverterKind | undefined {
  if (name === undefined || name.trim() === '') return 'simple';
  return NAMES[name.trim().toLowerCase()];
}

export const HEADER_CONVERTER_CHECK = (v: string): true | string =>
  headerConverterKind(v) !== undefined ||
  'use org.apache.kafka.connect.storage.SimpleHeaderConverter (the default) or org.apache.kafka.connect.storage.StringConverter; other header converters are not implemented';
