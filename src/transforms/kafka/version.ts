/** The Kafka release whose transforms these reproduce (the version GET /connector-plugins reports for them). */
export const KAFKA_TRANSFORMS_VERSION = '4.1.0';
export const KAFKA_TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms';
