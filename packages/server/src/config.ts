// The one typed configuration module: read once from environment variables, with
// defaults that make zero configuration mean the embedded profile on port 8080.
import { z } from "zod";

const profile = z.enum(["embedded", "server", "distributed", "distributed-local"]);
export type Profile = z.infer<typeof profile>;

const list = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean) : []));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("127.0.0.1"),
  FLICK_PROFILE: profile.default("embedded"),
  FLICK_DATA_DIR: z.string().default(".flick/data"),
  FLICK_PUBLIC_URL: z.string().url().optional(),
  /**
   * Public base URL of media blobs (HLS, thumbnails, sounds): a CDN in production. Unset:
   * this server's own /media route, addressed by the host each request came to.
   */
  FLICK_MEDIA_BASE_URL: z.string().url().optional(),
  POSTGRES_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  CASSANDRA_CONTACT_POINTS: z.string().optional(),
  CASSANDRA_KEYSPACE: z.string().default("flick"),
  KURRENTDB_URL: z.string().optional(),
  QDRANT_URL: z.string().optional(),
  /** PEM-encoded Ed25519 keys for access tokens; generated into the data dir when absent. */
  FLICK_JWT_PRIVATE_KEY: z.string().optional(),
  FLICK_JWT_PUBLIC_KEY: z.string().optional(),
  FLICK_JWT_ISSUER: z.string().default("flick"),
  FLICK_JWT_AUDIENCE: z.string().default("flick-api"),
  FLICK_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  /** Usernames or user ids that hold the admin role. */
  FLICK_ADMINS: list,
  FLICK_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  /** Upper bound on a client-requested deadline; server streams are not limited by it. */
  FLICK_MAX_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /**
   * Wraps the per-user data keys (crypto-shredding). Required outside the embedded
   * profile; the embedded profile falls back to a documented, insecure development key.
   */
  FLICK_MASTER_KEY: z.string().optional(),
  FLICK_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  // Identity (accounts and sessions).
  /** Refresh tokens (the session's sliding lifetime). Default 30 days. */
  FLICK_REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 86_400),
  /** How long a password reset token works. Default 1 hour. */
  FLICK_PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().min(60).default(3_600),
  /** A deleted account's username stays reserved this long before others may take it. Default 30 days. */
  FLICK_USERNAME_GRACE_SECONDS: z.coerce.number().int().min(0).default(30 * 86_400),
  /** Minimum time between two username changes. Default 30 days. */
  FLICK_USERNAME_CHANGE_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(30 * 86_400),
  /** Registration refuses a birth date younger than this. */
  FLICK_MIN_AGE_YEARS: z.coerce.number().int().min(0).max(99).default(13),
  /** scrypt cost as log2(N), r = 8, p = 1 (15: 32 MiB, ~50–100 ms per hash). */
  FLICK_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(15),
  /** Failed sign-ins per identifier, and sign-in attempts per client address, per 15 minutes. */
  FLICK_SIGNIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  FLICK_SIGNIN_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  /** Sign-ups, and password-reset or availability requests, per client address per hour. */
  FLICK_SIGNUP_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  /** SMTP server for password reset mail (smtp[s]://user:pass@host:port); unset: the local outbox. */
  FLICK_SMTP_URL: z.string().optional(),
  FLICK_MAIL_FROM: z.string().default("Flick <no-reply@flick.local>"),
  /** otlp (OTEL_EXPORTER_OTLP_ENDPOINT), console or none. */
  FLICK_TRACES: z.enum(["otlp", "console", "none"]).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().default("flick"),
});

export type Config = Readonly<
  Omit<z.infer<typeof schema>, "FLICK_TRACES"> & { FLICK_TRACES: "otlp" | "console" | "none" }
>;

/** Parses the environment; throws one readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const traces = c.FLICK_TRACES ?? (c.OTEL_EXPORTER_OTLP_ENDPOINT ? "otlp" : "none");
  return Object.freeze({ ...c, FLICK_TRACES: traces });
}
