/**
 * AvroConverter settings, named as Confluent's AvroConverter names them, declared
 * as data (name, default, doc, secret) and parsed in one place. The caller strips
 * the key.converter. / value.converter. prefix and passes it back for messages.
 */
import { ConfigError } from '../errors/cdc-error.ts';
import { parseSubjectNameStrategy, type SubjectNameStrategy } from './subject-name-strategy.ts';

export interface ConverterConfigField {
  readonly name: string;
  readonly default: string | boolean | undefined;
  readonly secret?: boolean;
  readonly doc: string;
}

export const AVRO_CONVERTER_FIELDS: readonly ConverterConfigField[] = [
  { name: 'schema.registry.url', default: undefined, doc: 'Schema Registry base URL(s), comma-separated; may carry a path (Apicurio: /apis/ccompat/v7).' },
  { name: 'basic.auth.credentials.source', default: undefined, doc: 'URL (credentials in the URL) or USER_INFO (basic.auth.user.info). Unset: basic.auth.user.info when given, else the URL.' },
  { name: 'basic.auth.user.info', default: undefined, secret: true, doc: 'user:password for HTTP basic auth against the registry.' },
  { name: 'auto.register.schemas', default: true, doc: 'Register new schemas; when false, the schema must already be registered (or use.latest.version).' },
  { name: 'use.latest.version', default: false, doc: 'With auto.register.schemas=false: write with the latest registered schema of the subject.' },
  { name: 'latest.compatibility.strict', default: true, doc: 'With use.latest.version: refuse unless the latest schema can read data written with ours.' },
  { name: 'normalize.schemas', default: false, doc: 'Ask the registry to normalize schemas on register/lookup.' },
  { name: 'key.subject.name.strategy', default: 'io.confluent.kafka.serializers.subject.TopicNameStrategy', doc: 'Subject naming for keys.' },
  { name: 'value.subject.name.strategy', default: 'io.confluent.kafka.serializers.subject.TopicNameStrategy', doc: 'Subject naming for values.' },
  { name: 'ignore.default.for.nullables', default: false, doc: 'Write null (not the schema default) for a null optional value.' },
];

/** Settings that would change the schema text (and so the ids); only Confluent's defaults are implemented. */
const FIXED_SETTINGS: Readonly<Record<string, string>> = {
  'connect.meta.data': 'true',
  'enhanced.avro.schema.support': 'false',
  'scrub.invalid.names': 'false',
  'generalized.sum.type.support': 'false',
};

export interface AvroConverterConfig {
  readonly registryUrls: readonly string[];
  /** Never logged nor put in messages. */
  readonly userInfo: string | undefined;
  readonly autoRegisterSchemas: boolean;
  readonly useLatestVersion: boolean;
  readonly latestCompatibilityStrict: boolean;
  readonly normalizeSchemas: boolean;
  readonly keySubjectNameStrategy: SubjectNameStrategy;
  readonly valueSubjectNameStrategy: SubjectNameStrategy;
  readonly ignoreDefaultForNullables: boolean;
}

/** prefix: how the user spelled the keys, e.g. "value.converter.", used in `where`. */
export function parseAvroConverterConfig(raw: Readonly<Record<string, unknown>>, prefix = ''): AvroConverterConfig {
  const str = (name: string): string | undefined => {
    const v = raw[name];
    return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim();
  };
  const bool = (name: string): boolean => {
    const field = AVRO_CONVERTER_FIELDS.find((f) => f.name === name)!;
    const v = raw[name] ?? field.default;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (s === 'true' || s === 'false') return s === 'true';
    throw new ConfigError({ code: 'CDC_CONVERTER_CONFIG', what: `${prefix}${name} must be true or false, got "${String(v)}"`, where: `property ${prefix}${name}`, fix: 'use true or false' });
  };
  for (const [name, allowed] of Object.entries(FIXED_SETTINGS)) {
    const v = str(name);
    if (v !== undefined && v.toLowerCase() !== allowed) {
      throw new ConfigError({
        code: 'CDC_CONVERTER_CONFIG', what: `${prefix}${name}=${v} is not supported (it changes the Avro schemas Debezium registers)`,
        where: `property ${prefix}${name}`, fix: `remove it or set it to ${allowed}`,
      });
    }
  }
  const url = str('schema.registry.url');
  if (url === undefined) {
    throw new ConfigError({
      code: 'CDC_CONVERTER_REGISTRY_URL',
      what: 'the Avro converter needs a Schema Registry URL',
      where: `property ${prefix}schema.registry.url`,
      fix: `set ${prefix}schema.registry.url (or the shared schema.registry.url), e.g. http://localhost:8081; or set ${prefix ? prefix.replace(/\.$/, '') : 'key.converter/value.converter'}=json`,
    });
  }
  return {
    registryUrls: url.split(',').map((u) => u.trim()).filter((u) => u !== ''),
    userInfo: userInfoFor(str('basic.auth.credentials.source'), str('basic.auth.user.info'), prefix),
    autoRegisterSchemas: bool('auto.register.schemas'),
    useLatestVersion: bool('use.latest.version'),
    latestCompatibilityStrict: bool('latest.compatibility.strict'),
    normalizeSchemas: bool('normalize.schemas'),
    keySubjectNameStrategy: parseSubjectNameStrategy(str('key.subject.name.strategy'), `${prefix}key.subject.name.strategy`),
    valueSubjectNameStrategy: parseSubjectNameStrategy(str('value.subject.name.strategy'), `${prefix}value.subject.name.strategy`),
    ignoreDefaultForNullables: bool('ignore.default.for.nullables'),
  };
}

function userInfoFor(source: string | undefined, userInfo: string | undefined, prefix: string): string | undefined {
  switch (source?.toUpperCase()) {
    case undefined: return userInfo;
    case 'URL': return undefined; // credentials, if any, are in schema.registry.url
    case 'USER_INFO':
      if (userInfo === undefined || !userInfo.includes(':')) {
        throw new ConfigError({
          code: 'CDC_CONVERTER_CONFIG', what: 'basic.auth.credentials.source=USER_INFO needs basic.auth.user.info as user:password',
          where: `property ${prefix}basic.auth.user.info`, fix: `set ${prefix}basic.auth.user.info=<user>:<password>`,
        });
      }
      return userInfo;
    default:
      throw new ConfigError({
        code: 'CDC_CONVERTER_CONFIG', what: `basic.auth.credentials.source=${source} is not supported`,
        where: `property ${prefix}basic.auth.credentials.source`, fix: 'use URL or USER_INFO',
      });
  }
}
