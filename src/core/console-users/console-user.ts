import type { Role } from '../tokens/token.js';

/**
 * A person who signs in to the console with a user name and password. The user name is the actor of
 * everything they do, so it shares the namespace of API token subjects: the console user `admin` and
 * the first API token's subject `admin` are one principal (and one requester for the self-approval rule).
 */
export interface ConsoleUser {
  id: string;
  /** NFKC-normalised, as the user typed it. */
  username: string;
  /** The case-folded user name: unique, and what sign-in looks up. */
  usernameKey: string;
  role: Role;
  email: string | null;
  /** A PHC string ($scrypt$ln=…,r=…,p=…$salt$hash): the parameters travel with the hash. */
  passwordHash: string;
  disabled: boolean;
  /** Failed sign-ins since the last success or lockout. */
  failedAttempts: number;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
  lastSignInAt: Date | null;
}

/** Lockout and session lifetimes (config `console.*`). */
export interface ConsoleSettings {
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
}

export const defaultConsoleSettings: ConsoleSettings = {
  sessionIdleMinutes: 30,
  sessionMaxHours: 12,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
};
