import { z } from 'zod';

/** One configuration key: its type for the docs, default, environment variable and a line of doc. */
interface KeySpec<S extends z.ZodType> {
  schema: S;
  type: string;
  default: z.output<S>;
  env: `GATEWAY_${string}`;
  /** Other environment names read when `env` is unset (DATABASE_URL, the common convention). */
  aliases?: string[];
  doc: string;
  secret?: boolean;
}

const key = <S extends z.ZodType>(spec: KeySpec<S>) => spec;

const port = z.coerce.number().int().min(0).max(65535);
const positive = z.coerce.number().int().positive();
const list = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string().min(1)).min(1),
);
const optionalString = z.preprocess((v) => (v === '' ? null : v), z.string().min(1).nullable());
const url = z.preprocess((v) => (v === '' ? null : v), z.url().nullable());

/** Every key the gateway reads. The README's configuration table is generated from this object. */
export const configSchema = {
  dataDir: key({
    schema: z.string().min(1),
    type: 'path',
    default: './data',
    env: 'GATEWAY_DATA_DIR',
    doc: 'Directory for the SQLite database, the generated master key and the root CA certificate',
  }),
  databaseUrl: key({
    schema: optionalString.refine((v) => v === null || /^(postgres(ql)?:\/\/|sqlite:)/.test(v), {
      message: 'expected a postgres:// URL or sqlite:<path>',
    }),
    type: 'url',
    default: null,
    env: 'GATEWAY_DATABASE_URL',
    aliases: ['DATABASE_URL'],
    doc: 'postgres://user@host:5432/db for PostgreSQL (several instances); empty: SQLite file in the data directory',
    secret: true,
  }),
  'database.poolMax': key({
    schema: positive,
    type: 'integer',
    default: 10,
    env: 'GATEWAY_DATABASE_POOL_MAX',
    doc: 'Largest PostgreSQL connection pool (SQLite always uses one connection)',
  }),
  'https.host': key({
    schema: z.string().min(1),
    type: 'string',
    default: '127.0.0.1',
    env: 'GATEWAY_HTTPS_HOST',
    doc: 'Address of the HTTPS listener (ACME, admin API); 0.0.0.0 to serve the network',
  }),
  'https.port': key({
    schema: port,
    type: 'port',
    default: 8443,
    env: 'GATEWAY_HTTPS_PORT',
    doc: 'Port of the HTTPS listener (0 picks a free port)',
  }),
  'http.host': key({
    schema: z.string().min(1),
    type: 'string',
    default: '127.0.0.1',
    env: 'GATEWAY_HTTP_HOST',
    doc: 'Address of the plain HTTP listener (SCEP, CRL and CA certificate downloads)',
  }),
  'http.port': key({
    schema: port,
    type: 'port',
    default: 8080,
    env: 'GATEWAY_HTTP_PORT',
    doc: 'Port of the plain HTTP listener (0 picks a free port)',
  }),
  'http.bodyLimit': key({
    schema: z.string().regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 256kb'),
    type: 'size',
    default: '256kb',
    env: 'GATEWAY_BODY_LIMIT',
    doc: 'Largest request body accepted on either listener',
  }),
  'http.maxHeaderSize': key({
    schema: positive,
    type: 'bytes',
    default: 65536,
    env: 'GATEWAY_MAX_HEADER_SIZE',
    doc: 'Largest request head; SCEP devices send whole PKCS#7 messages in GET URLs',
  }),
  publicUrl: key({
    schema: url,
    type: 'url',
    default: null,
    env: 'GATEWAY_PUBLIC_URL',
    doc: 'Base HTTPS URL clients use (ACME directory links); default https://localhost:<https.port>',
  }),
  publicHttpUrl: key({
    schema: url,
    type: 'url',
    default: null,
    env: 'GATEWAY_PUBLIC_HTTP_URL',
    doc: 'Base HTTP URL put in certificates for the CRL and CA issuer; default http://localhost:<http.port>',
  }),
  'tls.names': key({
    schema: list,
    type: 'list',
    default: ['localhost', '127.0.0.1'],
    env: 'GATEWAY_TLS_NAMES',
    doc: 'Names (DNS or IP, comma-separated) of the HTTPS certificate the local CA issues at each start',
  }),
  'tls.certFile': key({
    schema: optionalString,
    type: 'path',
    default: null,
    env: 'GATEWAY_TLS_CERT_FILE',
    doc: 'PEM certificate chain for HTTPS instead of one from the local CA (with tls.keyFile)',
  }),
  'tls.keyFile': key({
    schema: optionalString,
    type: 'path',
    default: null,
    env: 'GATEWAY_TLS_KEY_FILE',
    doc: 'PEM private key for tls.certFile',
  }),
  'ca.keyAlgorithm': key({
    schema: z.enum(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096']),
    type: 'enum',
    default: 'ecdsa-p256',
    env: 'GATEWAY_CA_KEY_ALGORITHM',
    doc: 'Key of the root and issuing CA made on first start: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096',
  }),
  'ca.commonName': key({
    schema: z.string().min(1).max(48),
    type: 'string',
    default: 'Enrollment Gateway',
    env: 'GATEWAY_CA_COMMON_NAME',
    doc: 'Name the CA certificates carry ("<name> Root CA", "<name> Issuing CA")',
  }),
  'ca.rootValidityDays': key({
    schema: positive,
    type: 'integer',
    default: 7300,
    env: 'GATEWAY_CA_ROOT_VALIDITY_DAYS',
    doc: 'Validity of the root CA made on first start',
  }),
  'ca.issuingValidityDays': key({
    schema: positive,
    type: 'integer',
    default: 3650,
    env: 'GATEWAY_CA_ISSUING_VALIDITY_DAYS',
    doc: 'Validity of the issuing CA made on first start',
  }),
  'ca.crlValidityHours': key({
    schema: positive,
    type: 'integer',
    default: 24,
    env: 'GATEWAY_CA_CRL_VALIDITY_HOURS',
    doc: 'nextUpdate of each CRL, in hours after thisUpdate',
  }),
  masterKey: key({
    schema: optionalString.refine((v) => v === null || Buffer.from(v, 'base64').length >= 32, {
      message: 'expected at least 32 bytes, base64-encoded',
    }),
    type: 'secret',
    default: null,
    env: 'GATEWAY_MASTER_KEY',
    doc: 'Base64 key (≥ 32 bytes) from which the CA key passphrase and code keys derive; empty: generated into <dataDir>/master.key',
    secret: true,
  }),
  defaultProfile: key({
    schema: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i),
    type: 'string',
    default: 'default',
    env: 'GATEWAY_DEFAULT_PROFILE',
    doc: 'Name of the active profile created on first start',
  }),
  'log.level': key({
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    type: 'enum',
    default: 'info',
    env: 'GATEWAY_LOG_LEVEL',
    doc: 'fatal, error, warn, info, debug, trace or silent',
  }),
  'shutdown.timeoutMs': key({
    schema: positive,
    type: 'integer',
    default: 10000,
    env: 'GATEWAY_SHUTDOWN_TIMEOUT_MS',
    doc: 'How long SIGTERM waits for in-flight requests before closing connections',
  }),
} as const;

export type ConfigKey = keyof typeof configSchema;
export type Config = { -readonly [K in ConfigKey]: z.output<(typeof configSchema)[K]['schema']> };
