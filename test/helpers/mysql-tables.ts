/**
 * Test support: MySqlTable values built the way table-schema.ts builds them from
 * information_schema rows, for unit tests of the schema history and schema change events.
 */
import { columnFromInformationSchema, type InformationSchemaColumnRow } from '../../sources/mysql/column-info.ts';
import type { MySqlTable } from '../../sources/mysql/table-schema.ts';

export function row(name: string, pos: number, dataType: string, columnType: string, extra: Partial<InformationSchemaColumnRow> = {}): InformationSchemaColumnRow {
  return {
    COLUMN_NAME: name, ORDINAL_POSITION: pos, COLUMN_DEFAULT: null, IS_NULLABLE: 'YES', DATA_TYPE: dataType, CHARACTER_MAXIMUM_LENGTH: null,
    NUMERIC_PRECISION: null, NUMERIC_SCALE: null, DATETIME_PRECISION: null, CHARACTER_SET_NAME: null, COLUMN_TYPE: columnType, EXTRA: '', COLUMN_COMMENT: '', ...extra,
  };
}

export const ORDERS: MySqlTable = {
  db: 'shop',
  name: 'orders',
  primaryKey: ['id'],
  columns: [
    columnFromInformationSchema(row('id', 1, 'bigint', 'bigint(20) unsigned', { IS_NULLABLE: 'NO', EXTRA: 'auto_increment', NUMERIC_PRECISION: 20, NUMERIC_SCALE: 0 }), 'mariadb'),
    columnFromInformationSchema(row('note', 2, 'varchar', 'varchar(255)', { CHARACTER_MAXIMUM_LENGTH: 255, CHARACTER_SET_NAME: 'utf8mb4', COLUMN_DEFAULT: "'it''s'", COLUMN_COMMENT: 'free text' }), 'mariadb'),
    columnFromInformationSchema(row('amount', 3, 'decimal', 'decimal(10,2)', { NUMERIC_PRECISION: 10, NUMERIC_SCALE: 2, IS_NULLABLE: 'NO', COLUMN_DEFAULT: '0.00' }), 'mariadb'),
    columnFromInformationSchema(row('at', 4, 'datetime', 'datetime(6)', { DATETIME_PRECISION: 6, COLUMN_DEFAULT: 'current_timestamp(6)' }), 'mariadb'),
    columnFromInformationSchema(row('state', 5, 'enum', "enum('new','it''s','a,b')", { CHARACTER_SET_NAME: 'utf8mb4' }), 'mariadb'),
    columnFromInformationSchema(row('doc', 6, 'longtext', 'longtext', { CHARACTER_SET_NAME: 'utf8mb4' }), 'mariadb', true),
  ],
};

/** ORDERS after `ALTER TABLE orders ADD COLUMN extra int(11) NOT NULL DEFAULT 7`. */
export const ORDERS_ALTERED: MySqlTable = {
  ...ORDERS,
  columns: [...ORDERS.columns, columnFromInformationSchema(row('extra', 7, 'int', 'int(11)', { IS_NULLABLE: 'NO', COLUMN_DEFAULT: '7', NUMERIC_PRECISION: 10, NUMERIC_SCALE: 0 }), 'mariadb')],
};
