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
/** A list: comma-separated in the environment, an array in a file. */
const listOf = <T extends z.ZodType>(item: T, min = 0) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(min),
  );
const list = listOf(z.string().min(1), 1);
/** A boolean: true/false in a file; true, 1 or yes (any case) in the environment. */
const flag = z.preprocess(
  (v) => (typeof v === 'string' ? ['1', 'true', 'yes'].includes(v.toLowerCase()) : v),
  z.boolean(),
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
  workers: key({
    schema: z.coerce.number().int().min(0).max(64),
    type: 'integer',
    default: 1,
    env: 'GATEWAY_WORKERS',
    doc: 'Server processes sharing the listeners and the database (0: one per CPU core); more than 1 needs fixed ports',
  }),
  'shutdown.timeoutMs': key({
    schema: positive,
    type: 'integer',
    default: 10000,
    env: 'GATEWAY_SHUTDOWN_TIMEOUT_MS',
    doc: 'How long SIGTERM waits for in-flight requests before closing connections',
  }),
  'acme.termsOfService': key({
    schema: url,
    type: 'url',
    default: null,
    env: 'GATEWAY_ACME_TERMS_OF_SERVICE',
    doc: 'ACME directory meta.termsOfService; when set, newAccount requires termsOfServiceAgreed',
  }),
  'acme.website': key({
    schema: url,
    type: 'url',
    default: null,
    env: 'GATEWAY_ACME_WEBSITE',
    doc: 'ACME directory meta.website',
  }),
  'acme.caaIdentities': key({
    schema: listOf(z.string().min(1)),
    type: 'list',
    default: [],
    env: 'GATEWAY_ACME_CAA_IDENTITIES',
    doc: 'Domain names (comma-separated) that CAA issue records must name for this CA (RFC 8659); listed in the directory',
  }),
  'acme.orderLifetimeSeconds': key({
    schema: positive,
    type: 'seconds',
    default: 86400,
    env: 'GATEWAY_ACME_ORDER_LIFETIME_SECONDS',
    doc: 'How long a new ACME order stays open',
  }),
  'acme.authzLifetimeSeconds': key({
    schema: positive,
    type: 'seconds',
    default: 86400,
    env: 'GATEWAY_ACME_AUTHZ_LIFETIME_SECONDS',
    doc: 'How long a pending ACME authorization waits for its challenge',
  }),
  'acme.authzReuseSeconds': key({
    schema: z.coerce.number().int().min(0),
    type: 'seconds',
    default: 2592000,
    env: 'GATEWAY_ACME_AUTHZ_REUSE_SECONDS',
    doc: 'How long a valid authorization stays valid and is reused for new orders of the same account (0: never reused)',
  }),
  'acme.retryAfterSeconds': key({
    schema: positive,
    type: 'seconds',
    default: 3,
    env: 'GATEWAY_ACME_RETRY_AFTER_SECONDS',
    doc: 'Retry-After sent with processing orders and pending challenges',
  }),
  'acme.challengeTypes': key({
    schema: listOf(z.enum(['http-01', 'dns-01', 'tls-alpn-01']), 1),
    type: 'list',
    default: ['http-01', 'dns-01', 'tls-alpn-01'],
    env: 'GATEWAY_ACME_CHALLENGE_TYPES',
    doc: 'Challenge types offered (http-01, dns-01, tls-alpn-01), in this order',
  }),
  'acme.dnsResolver': key({
    schema: optionalString,
    type: 'address',
    default: null,
    env: 'GATEWAY_ACME_DNS_RESOLVER',
    doc: 'DNS server (address:port) used for validation and CAA; empty: the system resolver',
  }),
  'acme.http01Port': key({
    schema: port,
    type: 'port',
    default: 80,
    env: 'GATEWAY_ACME_HTTP01_PORT',
    doc: 'Port http-01 validation connects to (80 per RFC 8555; change only for tests)',
  }),
  'acme.tlsAlpn01Port': key({
    schema: port,
    type: 'port',
    default: 443,
    env: 'GATEWAY_ACME_TLS_ALPN01_PORT',
    doc: 'Port tls-alpn-01 validation connects to (443 per RFC 8737; change only for tests)',
  }),
  'acme.validationTimeoutMs': key({
    schema: positive,
    type: 'integer',
    default: 10000,
    env: 'GATEWAY_ACME_VALIDATION_TIMEOUT_MS',
    doc: 'Time limit of one challenge validation attempt',
  }),
  'acme.rateLimit.newAccountsPerIpPerHour': key({
    schema: z.coerce.number().int().min(0),
    type: 'integer',
    default: 300,
    env: 'GATEWAY_ACME_RATE_LIMIT_NEW_ACCOUNTS',
    doc: 'New ACME accounts per client IP per hour, counted across instances (0: no limit); beyond it rateLimited + Retry-After',
  }),
  'acme.rateLimit.newOrdersPerAccountPerHour': key({
    schema: z.coerce.number().int().min(0),
    type: 'integer',
    default: 3000,
    env: 'GATEWAY_ACME_RATE_LIMIT_NEW_ORDERS',
    doc: 'New orders (and pre-authorizations) per ACME account per hour, counted across instances (0: no limit)',
  }),
  'acme.rateLimit.failedValidationsPerAccountPerHour': key({
    schema: z.coerce.number().int().min(0),
    type: 'integer',
    default: 100,
    env: 'GATEWAY_ACME_RATE_LIMIT_FAILED_VALIDATIONS',
    doc: 'Failed challenge validations per ACME account per hour before its new orders are refused (0: no limit)',
  }),
  'acme.alwaysValid': key({
    schema: flag,
    type: 'boolean',
    default: false,
    env: 'GATEWAY_ACME_ALWAYS_VALID',
    doc: 'TESTS AND BENCHMARKS ONLY: every challenge validates without being checked (like PEBBLE_VA_ALWAYS_VALID)',
  }),
  'smtp.host': key({
    schema: optionalString,
    type: 'string',
    default: null,
    env: 'GATEWAY_SMTP_HOST',
    doc: 'SMTP server for notification email; empty: no email (webhooks only)',
  }),
  'smtp.port': key({
    schema: port,
    type: 'port',
    default: 587,
    env: 'GATEWAY_SMTP_PORT',
    doc: 'SMTP port (587 submission with STARTTLS, 465 with smtp.secure)',
  }),
  'smtp.secure': key({
    schema: flag,
    type: 'boolean',
    default: false,
    env: 'GATEWAY_SMTP_SECURE',
    doc: 'Implicit TLS from the first byte (port 465); otherwise STARTTLS when the server offers it',
  }),
  'smtp.requireTls': key({
    schema: flag,
    type: 'boolean',
    default: false,
    env: 'GATEWAY_SMTP_REQUIRE_TLS',
    doc: 'Refuse to send when the server does not offer STARTTLS',
  }),
  'smtp.user': key({
    schema: optionalString,
    type: 'string',
    default: null,
    env: 'GATEWAY_SMTP_USER',
    doc: 'SMTP AUTH user name (empty: no authentication)',
  }),
  'smtp.password': key({
    schema: optionalString,
    type: 'string',
    default: null,
    env: 'GATEWAY_SMTP_PASSWORD',
    doc: 'SMTP AUTH password',
    secret: true,
  }),
  'smtp.from': key({
    schema: z.string().min(3),
    type: 'string',
    default: 'Enrollment Gateway <gateway@localhost>',
    env: 'GATEWAY_SMTP_FROM',
    doc: 'From address of notification email',
  }),
  'notifications.approverEmails': key({
    schema: listOf(z.email()),
    type: 'list',
    default: [],
    env: 'GATEWAY_NOTIFICATIONS_APPROVER_EMAILS',
    doc: 'Addresses (comma-separated) told of every new pending request, besides approvers whose token has an email',
  }),
  'notifications.maxAttempts': key({
    schema: positive,
    type: 'integer',
    default: 10,
    env: 'GATEWAY_NOTIFICATIONS_MAX_ATTEMPTS',
    doc: 'Delivery attempts of one email or webhook before it is kept as dead',
  }),
  'notifications.retrySeconds': key({
    schema: positive,
    type: 'seconds',
    default: 30,
    env: 'GATEWAY_NOTIFICATIONS_RETRY_SECONDS',
    doc: 'First retry delay of a failed delivery; doubled each attempt, at most an hour',
  }),
  'notifications.pollMs': key({
    schema: positive,
    type: 'integer',
    default: 2000,
    env: 'GATEWAY_NOTIFICATIONS_POLL_MS',
    doc: 'How often the outbox worker looks for notifications to send',
  }),
  'notifications.expiryWarningDays': key({
    schema: positive,
    type: 'integer',
    default: 14,
    env: 'GATEWAY_NOTIFICATIONS_EXPIRY_WARNING_DAYS',
    doc: 'Days before notAfter when the asset owner is told a certificate expires',
  }),
  'webhooks.urls': key({
    schema: listOf(z.url()),
    type: 'list',
    default: [],
    env: 'GATEWAY_WEBHOOKS_URLS',
    doc: 'URLs (comma-separated) that receive every notification event as signed JSON',
  }),
  'webhooks.secret': key({
    schema: optionalString,
    type: 'string',
    default: null,
    env: 'GATEWAY_WEBHOOKS_SECRET',
    doc: 'HMAC-SHA256 key of the X-Gateway-Signature header (sha256=hex over "<timestamp>.<body>"); webhooks are off without it',
    secret: true,
  }),
  'p12.keyTtlMinutes': key({
    schema: positive,
    type: 'integer',
    default: 60,
    env: 'GATEWAY_P12_KEY_TTL_MINUTES',
    doc: 'How long a server-generated P12 key waits (sealed) for its one download once issuable; then erased',
  }),
  'console.sessionIdleMinutes': key({
    schema: positive,
    type: 'integer',
    default: 30,
    env: 'GATEWAY_CONSOLE_SESSION_IDLE_MINUTES',
    doc: 'A console session ends after this many minutes without a call',
  }),
  'console.sessionMaxHours': key({
    schema: positive,
    type: 'integer',
    default: 12,
    env: 'GATEWAY_CONSOLE_SESSION_MAX_HOURS',
    doc: 'A console session ends this many hours after sign-in, whatever the activity',
  }),
  'console.lockoutThreshold': key({
    schema: positive,
    type: 'integer',
    default: 5,
    env: 'GATEWAY_CONSOLE_LOCKOUT_THRESHOLD',
    doc: 'Failed sign-ins in a row that lock a console user',
  }),
  'console.lockoutMinutes': key({
    schema: positive,
    type: 'integer',
    default: 15,
    env: 'GATEWAY_CONSOLE_LOCKOUT_MINUTES',
    doc: 'How long a locked console user is refused (423 account_locked), even with the right password',
  }),
} as const;

export type ConfigKey = keyof typeof configSchema;
export type Config = { -readonly [K in ConfigKey]: z.output<(typeof configSchema)[K]['schema']> };
