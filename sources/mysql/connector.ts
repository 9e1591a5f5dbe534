/**
 * The MySQL and MariaDB connector plugins as the registry sees them: Debezium's two class names
 * (io.debezium.connector.mysql.MySqlConnector, io.debezium.connector.mariadb.MariaDbConnector),
 * each with its own config definition (database.ssl.mode and snapshot.locking.mode differ), the
 * environment checks of `cdc validate`, `cdc migrate`, and one task reading one binlog.
 */
import { RETENTION_GAUGES } from './binlog-retention.ts';
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import type { SourceConnectorPlugin } from '../../src/runtime/source-task.ts';
import { MARIADB_CONFIG_DEF, MARIADB_CONNECTOR_CLASS, MYSQL_CONFIG_DEF, MYSQL_CONNECTOR_CLASS, M, type MysqlFlavour } from './config-spec.ts';
import { mysqlPartition } from './offsets.ts';
import { LazySourceTask } from '../../src/runtime/lazy-source-task.ts';

export const MYSQL_PLUGIN_VERSION = '0.1.0';

export function createMySqlPlugin(): SourceConnectorPlugin {
  return binlogPlugin('mysql');
}

export function createMariaDbPlugin(): SourceConnectorPlugin {
  return binlogPlugin('mariadb');
}

function binlogPlugin(flavour: MysqlFlavour): SourceConnectorPlugin {
  const mysql = flavour === 'mysql';
  const className = mysql ? MYSQL_CONNECTOR_CLASS : MARIADB_CONNECTOR_CLASS;
  const def = mysql ? MYSQL_CONFIG_DEF : MARIADB_CONFIG_DEF;
  const aliases = mysql ? ['MySqlConnector', 'mysql'] : ['MariaDbConnector', 'mariadb'];
  return {
    className,
    aliases,
    version: MYSQL_PLUGIN_VERSION,
    type: 'source',
    configDef: connectFrameworkConfigDef().merge(def),
    // mysql2 and zongji are loaded by what uses them (a task, cdc validate, cdc migrate), not by
    // registering the plugin: a worker without a MySQL or MariaDB connector never loads them.
    validateEnvironment: async (config, log) => (await import('./server-checks-validate.ts')).validateMysqlEnvironment(config, log),
    taskConfigs: (config) => [{ ...config.raw() }],
    createTask: () => new LazySourceTask(async () => new (await import('./task.ts')).MySqlSourceTask()),
    partitions: (config) => [mysqlPartition(config.get(M.topicPrefix))],
    migrate: async (config, opts) => (await import('./migrate.ts')).migrateMysql(config, opts),
    configReference: {
      title: mysql ? 'MySQL connector' : 'MariaDB connector',
      intro:
        `Properties of the ${mysql ? 'MySQL' : 'MariaDB'} source connector (\`connector.class: ${className}\`, or the aliases ${aliases.map((a) => `\`${a}\``).join(', ')}), ` +
        'with Debezium 3.6\'s names and defaults. The connector also accepts every connector framework property above. ' +
        'How to prepare the server, snapshots, offsets and what was tested against which server: [mysql.md](mysql.md).',
      def,
    },
    metricNames: {
      receivedPosition: { name: 'cdc_mysql_received_binlog_position', help: 'Binlog position last read: file sequence number * 2^32 + offset in the file' },
      flushedPosition: { name: 'cdc_mysql_committed_binlog_position', help: 'Binlog position committed in Kafka: file sequence number * 2^32 + offset in the file' },
      gauges: Object.values(RETENTION_GAUGES),
    },
  };
}
