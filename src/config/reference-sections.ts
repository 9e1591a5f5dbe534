/**
 * What docs/config-reference.md contains, in order: the one list that both
 * scripts/gen-config-docs.ts and test/config-reference.test.ts render. The worker and
 * framework sections are the runtime's; one section per connector plugin follows, from
 * the plugins themselves (SourceConnectorPlugin.configReference), in the order of
 * sources/builtin-plugins.ts. src/ never imports a plugin's spec.
 */
import type { ConfigReferenceSection } from './config-docs.ts';
import { connectFrameworkConfigDef } from './connect-framework-fields.ts';
import { workerConfigDef } from './worker-config.ts';

/** Structurally a SourceConnectorPlugin (src/runtime/source-task.ts), which src/config does not import. */
export interface DocumentedPlugin {
  readonly configReference?: ConfigReferenceSection;
}

export function referenceSections(plugins: readonly DocumentedPlugin[]): ConfigReferenceSection[] {
  return [
    {
      title: 'Worker',
      intro: 'Settings of the daemon itself: the `worker:` section of cdc.yaml, or a Kafka Connect worker `.properties` file.',
      def: workerConfigDef(),
    },
    {
      title: 'Connector framework',
      intro:
        'Properties every connector accepts, as in Kafka Connect 4.1. In `PUT /connector-plugins/{plugin}/config/validate` ' +
        'these groups come first, followed by the plugin\'s own. A plugin may redefine one of them (for example to allow only one task).',
      def: connectFrameworkConfigDef(),
    },
    ...plugins.flatMap((p) => (p.configReference ? [p.configReference] : [])),
  ];
}

export const REFERENCE_PREAMBLE = `
The daemon reads one file, usually \`cdc.yaml\` (\`.yaml\`/\`.yml\`, \`.json\`; files with another extension are
recognised by content). It has two sections:

\`\`\`yaml
worker:                       # daemon settings, see "Worker" below
  bootstrap.servers: 127.0.0.1:9092
  group.id: cdc-cluster       # daemons with the same group.id form one cluster
  schema.registry.url: http://127.0.0.1:8081
  rest.port: 8083
  metrics.port: 9404
  producer.compression.type: zstd   # Kafka client settings (docs/kafka.md)
connectors:                   # a list of {name, config} ...
  - name: inventory
    config:
      connector.class: io.debezium.connector.postgresql.PostgresConnector
      topic.prefix: shop
      database.hostname: db.internal
      database.password: \${file:/run/secrets/pg-password}
# ... or a mapping: connectors: { inventory: { connector.class: ..., ... } }
\`\`\`

- Property names are Kafka Connect's and Debezium's, unchanged. Nested mappings are read as dotted names:
  \`database: { hostname: db }\` is \`database.hostname: db\`. Values may be YAML numbers, booleans and lists,
  or strings as in \`.properties\` files (\`table.include.list: a,b\` equals \`[a, b]\`); numbers are read as written.
- \`worker.key.converter\`, \`worker.value.converter\`, \`worker.header.converter\` and their \`*.converter.*\` settings
  apply to connectors that do not choose their own converter; \`worker.schema.registry.url\` fills
  \`key.converter.schema.registry.url\` and \`value.converter.schema.registry.url\` where a connector leaves them unset.
- Kafka Connect standalone files work too: a worker \`.properties\` file instead of \`cdc.yaml\`, and one
  \`.properties\` file (with \`name=\`) or REST-style JSON file (\`{"name": ..., "config": {...}}\`) per connector.
- Every property Kafka Connect 4.1 or Debezium 3.6 defines for a connector is declared below, with one of three
  answers: it works as documented; it is **refused** with the reason and a fix (error CDC_CONFIG_UNSUPPORTED), when
  ignoring it would change events, their delivery or data safety; or it is **accepted, no effect**, with the reason,
  and \`cdc validate\` and the start-up log print one warning for it. Some are refused only for values other than
  the one that describes what the daemon does anyway; the description says which. Debezium 1.x names renamed in
  2.0 (\`database.server.name\`, \`heartbeat.topics.prefix\`, \`table.whitelist\`, ...) and renamed values
  (\`snapshot.mode: never\`) are read as their new names with one deprecation warning each; the old and the new name
  with different values is an error.
- A name that neither Kafka Connect nor Debezium knows is an error (CDC_CONFIG_UNKNOWN), with a suggestion when it
  looks like a typo. This is a deliberate difference from Kafka Connect, which ignores unknown names: a misspelt
  property would otherwise do nothing, silently. Every problem in a file is reported at once, each with its file,
  line or property and a fix.

## Secrets and placeholders

Any value may contain placeholders, resolved when the file is loaded (as Kafka's config providers do):

| Placeholder | Replaced by |
|---|---|
| \`\${env:NAME}\` | the environment variable \`NAME\` |
| \`\${file:path:key}\` | the value of \`key\` in the Java \`.properties\` file at \`path\` |
| \`\${file:path}\` | the whole content of the file at \`path\`, trimmed (Docker and Kubernetes secret files) |

Relative paths are relative to the config file's directory. A missing variable, file or key is an error naming the
property and the placeholder (never the value). Values that came from a placeholder, properties of type password,
and passthrough properties whose names mention a password, secret, token, credential or JAAS config are shown as
\`[hidden]\` in logs, errors and REST answers.
`;
