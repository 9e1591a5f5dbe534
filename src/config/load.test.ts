import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcErrorList, type CdcError } from '../errors/cdc-error.ts';
import { loadConnectorFile, loadDaemonConfig, type LoadIo } from './load.ts';
import { workerConfigDef } from './worker-config.ts';

function memoryIo(files: Record<string, string>, env: Record<string, string> = {}): LoadIo {
  return {
    env,
    readFile: (p) => {
      if (p in files) return files[p];
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
  };
}

function errorsOf(fn: () => unknown): CdcError[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CdcErrorList, String(err));
    return [...err.errors];
  }
  assert.fail('expected an error');
}

const CDC_YAML = `
worker:
  bootstrap.servers: 127.0.0.1:9092
  group.id: cdc-cluster
  rest.port: 8083
  schema.registry.url: http://sr:8081
connectors:
  - name: inventory
    config:
      connector.class: io.debezium.connector.postgresql.PostgresConnector
      topic.prefix: shop
      plugin.version: 1.10
      database:
        hostname: \${env:PGHOST}
        password: \${file:secrets/pg}
      table.include.list: [public.orders, public.users]
`;

test('loads cdc.yaml: worker, connectors with names, providers resolved, numbers kept as written', () => {
  const io = memoryIo({ '/etc/cdc/cdc.yaml': CDC_YAML, '/etc/cdc/secrets/pg': 'pw\n' }, { PGHOST: 'db' });
  const cfg = loadDaemonConfig('/etc/cdc/cdc.yaml', io);
  assert.equal(workerConfigDef().parse(cfg.worker.config, cfg.worker.where).getString('group.id'), 'cdc-cluster');
  assert.equal(cfg.worker.config['rest.port'], '8083');
  assert.equal(cfg.connectors.length, 1);
  const [c] = cfg.connectors;
  assert.equal(c.name, 'inventory');
  assert.equal(c.where, 'connector "inventory" (/etc/cdc/cdc.yaml:8)');
  assert.deepEqual(c.config, {
    name: 'inventory',
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'topic.prefix': 'shop',
    'plugin.version': '1.10',
    'database.hostname': 'db',
    'database.password': 'pw',
    'table.include.list': ['public.orders', 'public.users'],
  });
  assert.equal(c.written['database.password'], '${file:secrets/pg}');
  assert.deepEqual([...c.secretKeys].sort(), ['database.hostname', 'database.password']);
});

test('connectors may be a mapping name -> config, and JSON works the same', () => {
  const json = JSON.stringify({ worker: { 'bootstrap.servers': 'k:9092' }, connectors: { orders: { 'connector.class': 'X', 'tasks.max': 1 } } });
  const cfg = loadDaemonConfig('/c/cdc.json', memoryIo({ '/c/cdc.json': json }));
  assert.deepEqual(cfg.connectors[0].config, { name: 'orders', 'connector.class': 'X', 'tasks.max': '1' });
});

test('syntax errors carry file, line and column', () => {
  const [yamlErr] = errorsOf(() => loadDaemonConfig('/c/cdc.yaml', memoryIo({ '/c/cdc.yaml': 'worker:\n  a: 1\n  a: 2\n' })));
  assert.equal(yamlErr.code, 'CDC_CONFIG_SYNTAX');
  assert.equal(yamlErr.where, '/c/cdc.yaml, line 3, column 3');
  const [jsonErr] = errorsOf(() => loadDaemonConfig('/c/cdc.json', memoryIo({ '/c/cdc.json': '{\n  "worker": {,}\n}' })));
  assert.match(jsonErr.what, /^JSON syntax error/);
  assert.match(jsonErr.where!, /^\/c\/cdc\.json, line 2, column \d+$/);
});

test('shape problems and provider failures are all reported together', () => {
  const text = 'workers: {}\nconnectors:\n  - name: a\n    config: { x: "${env:NOPE}" }\n  - name: a\n    config: {}\n';
  const errs = errorsOf(() => loadDaemonConfig('/c/cdc.yaml', memoryIo({ '/c/cdc.yaml': text })));
  assert.deepEqual(errs.map((e) => e.code), ['CDC_CONFIG_UNKNOWN', 'CDC_CONFIG_SHAPE']);
  assert.match(errs[0].fix!, /did you mean worker\?/);
  assert.match(errs[1].what, /"a" is used twice/);
  const provider = errorsOf(() => loadDaemonConfig('/c/cdc.yaml', memoryIo({ '/c/cdc.yaml': 'connectors:\n  - name: a\n    config: { x: "${env:NOPE}" }\n' })));
  assert.equal(provider[0].code, 'CDC_CONFIG_PROVIDER');
  assert.equal(provider[0].where, 'connector "a" (/c/cdc.yaml:2), property x');
});

test('a missing file says so', () => {
  const [err] = errorsOf(() => loadDaemonConfig('/nope.yaml', memoryIo({})));
  assert.equal(err.code, 'CDC_CONFIG_FILE');
});

test('Connect standalone files: worker .properties and connector .properties / REST JSON', () => {
  const io = memoryIo({
    '/w/worker.properties': 'bootstrap.servers=k:9092\nplugin.path=/usr/share/java\n',
    '/w/pg.properties': 'name=inventory\nconnector.class=PostgresConnector\ndatabase.password=${env:PGPASSWORD}\n',
    '/w/pg.json': JSON.stringify({ name: 'inventory', config: { 'connector.class': 'PostgresConnector' } }),
    '/w/noname.properties': 'connector.class=X\n',
  }, { PGPASSWORD: 'pw' });
  assert.deepEqual(loadDaemonConfig('/w/worker.properties', io).worker.config, { 'bootstrap.servers': 'k:9092', 'plugin.path': '/usr/share/java' });
  const props = loadConnectorFile('/w/pg.properties', io);
  assert.equal(props.name, 'inventory');
  assert.equal(props.config['database.password'], 'pw');
  assert.ok(props.secretKeys.has('database.password'));
  assert.deepEqual(loadConnectorFile('/w/pg.json', io).config, { name: 'inventory', 'connector.class': 'PostgresConnector' });
  const [noName] = errorsOf(() => loadConnectorFile('/w/noname.properties', io));
  assert.match(noName.what, /has no name/);
});
