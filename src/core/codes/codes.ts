import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { Profile } from '../profiles/profile.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { CodePurpose, EnrollmentCode } from './code.js';

export interface CreateCodeInput {
  profile: Profile;
  assetId?: string | null;
  purpose: CodePurpose;
  actor: string;
  singleUse?: boolean;
  boundSubject?: string | null;
  /** Keep a sealed copy so that an admin can view it later (and so that an EAB MAC can be checked). */
  showable?: boolean;
  /** A secret chosen by the admin (a static SCEP challenge); generated when absent. */
  secret?: string;
}

/** Enrolment codes: hashed at rest, expiring, locked after too many failures (PRODUCT.md "Enrolment code"). */
export class EnrollmentCodes {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #pepper: Buffer;
  readonly #box: SecretBox;

  constructor(deps: { store: Store; clock: Clock; codePepper: Buffer; secretBox: SecretBox }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#pepper = deps.codePepper;
    this.#box = deps.secretBox;
  }

  hash(secret: string): string {
    return createHmac('sha256', this.#pepper).update(secret, 'utf8').digest('hex');
  }

  /** Creates a code; the secret is returned here once and, unless showable, never again. */
  async create(input: CreateCodeInput): Promise<{ code: EnrollmentCode; secret: string }> {
    const now = this.#clock.now();
    const secret = input.secret ?? randomBytes(24).toString('base64url');
    const id = randomUUID();
    const code: EnrollmentCode = {
      id,
      profileId: input.profile.id,
      assetId: input.assetId ?? null,
      purpose: input.purpose,
      secretHash: this.hash(secret),
      secretSealed: input.showable ? this.#box.seal(secret, `code:${id}`) : null,
      boundSubject: input.boundSubject ?? null,
      singleUse: input.singleUse ?? true,
      expiresAt: new Date(now.getTime() + input.profile.codePolicy.ttlHours * 3_600_000),
      maxAttempts: input.profile.codePolicy.maxAttempts,
      failedAttempts: 0,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    await this.#store.transaction(async (tx) => {
      await tx.codes.create(code);
      await appendAudit(tx, this.#clock, {
        actor: input.actor,
        action: 'code.created',
        targetType: 'code',
        targetId: id,
        data: {
          profileId: code.profileId,
          assetId: code.assetId,
          purpose: code.purpose,
          singleUse: code.singleUse,
        },
      });
    });
    return { code, secret };
  }

  /** The secret of a showable code; CoreError('not_found') for one shown only at creation. */
  async reveal(id: string): Promise<string> {
    const code = await this.#get(id);
    if (!code.secretSealed)
      throw new CoreError('not_found', 'This code was shown once at creation and is not stored');
    return this.#box.open(code.secretSealed, `code:${id}`).toString('utf8');
  }

  /**
   * Checks `secret` against code `id`. A wrong secret counts toward the lockout, in a transaction of
   * its own so that the count survives the caller's failure. A single-use code is consumed.
   */
  async redeem(id: string, secret: string, actor: string): Promise<EnrollmentCode> {
    const code = await this.#get(id);
    this.#assertUsable(code);
    const presented = Buffer.from(this.hash(secret), 'hex');
    if (!timingSafeEqual(presented, Buffer.from(code.secretHash, 'hex'))) {
      return this.#fail(code, actor);
    }
    return this.#consume(code, actor);
  }

  /**
   * Checks a proof made with the code's secret as a key (an ACME External Account Binding MAC,
   * RFC 8555 §7.3.4): `check` receives the secret and says whether the proof holds. A failed proof
   * counts toward the lockout like a wrong secret; a single-use code is consumed on success.
   */
  async verify(id: string, check: (secret: string) => boolean, actor: string): Promise<EnrollmentCode> {
    const code = await this.#get(id);
    this.#assertUsable(code);
    if (!code.secretSealed)
      throw new CoreError('code_invalid', 'This code is not stored and cannot act as a key');
    const secret = this.#box.open(code.secretSealed, `code:${id}`).toString('utf8');
    if (!check(secret)) return this.#fail(code, actor);
    return this.#consume(code, actor);
  }

  /** Finds the code of `profileId` whose secret is `secret` (a SCEP challengePassword) and redeems it. */
  async redeemBySecret(
    profileId: string,
    secret: string,
    actor: string,
    /** A face's own conditions on the code found (purpose, bound subject); throws to refuse it unconsumed. */
    accept: (code: EnrollmentCode) => void = () => {},
  ): Promise<EnrollmentCode> {
    const code = await this.#store.codes.findByHash(profileId, this.hash(secret));
    if (!code) throw new CoreError('code_invalid');
    accept(code);
    this.#assertUsable(code);
    return this.#consume(code, actor);
  }

  /** Reactivates an expired (or used) code for another full period. */
  async reset(id: string, actor: string): Promise<EnrollmentCode> {
    return this.#change(id, actor, 'code.reset', (code, now) => {
      if (code.status === 'revoked') throw new CoreError('invalid_state', 'A revoked code cannot be reset');
      const ttl = (code.expiresAt ?? now).getTime() - code.createdAt.getTime();
      return {
        status: 'active',
        failedAttempts: 0,
        expiresAt: new Date(now.getTime() + Math.max(ttl, 3_600_000)),
      };
    });
  }

  async unlock(id: string, actor: string, reason: string): Promise<EnrollmentCode> {
    if (!reason.trim()) throw new CoreError('invalid_input', 'A reason is required to unlock a code');
    return this.#change(
      id,
      actor,
      'code.unlocked',
      (code) => {
        if (code.status !== 'locked')
          throw new CoreError('invalid_state', 'Only a locked code can be unlocked');
        return { status: 'active', failedAttempts: 0 };
      },
      { reason },
    );
  }

  async revoke(id: string, actor: string): Promise<EnrollmentCode> {
    return this.#change(id, actor, 'code.revoked', () => ({ status: 'revoked' }));
  }

  async #get(id: string): Promise<EnrollmentCode> {
    const code = await this.#store.codes.get(id);
    if (!code) throw new CoreError('not_found', 'No such enrolment code');
    return code;
  }

  #assertUsable(code: EnrollmentCode): void {
    if (code.status === 'locked') throw new CoreError('code_locked');
    if (code.status !== 'active') throw new CoreError('code_revoked');
    if (code.expiresAt && code.expiresAt <= this.#clock.now()) throw new CoreError('code_expired');
  }

  async #fail(code: EnrollmentCode, actor: string): Promise<never> {
    const after = await this.#store.transaction(async (tx) => {
      const updated = await tx.codes.recordFailure(code.id, this.#clock.now());
      await appendAudit(tx, this.#clock, {
        actor,
        action: updated.status === 'locked' ? 'code.locked' : 'code.failed-attempt',
        targetType: 'code',
        targetId: code.id,
        data: { failedAttempts: updated.failedAttempts, maxAttempts: updated.maxAttempts },
      });
      return updated;
    });
    throw new CoreError(after.status === 'locked' ? 'code_locked' : 'code_invalid', undefined, {
      details: { failedAttempts: after.failedAttempts, maxAttempts: after.maxAttempts },
    });
  }

  async #consume(code: EnrollmentCode, actor: string): Promise<EnrollmentCode> {
    if (!code.singleUse) return code;
    const now = this.#clock.now();
    await this.#store.transaction(async (tx) => {
      // A concurrent redemption of the same single-use code loses the compare-and-set.
      if (!(await tx.codes.setStatus(code.id, 'active', { status: 'used', updatedAt: now }))) {
        throw new CoreError('code_revoked', 'The enrolment code has already been used');
      }
      await appendAudit(tx, this.#clock, {
        actor,
        action: 'code.used',
        targetType: 'code',
        targetId: code.id,
      });
    });
    return { ...code, status: 'used', updatedAt: now };
  }

  async #change(
    id: string,
    actor: string,
    action: string,
    next: (
      code: EnrollmentCode,
      now: Date,
    ) => Partial<Pick<EnrollmentCode, 'status' | 'failedAttempts' | 'expiresAt'>>,
    data: Record<string, unknown> = {},
  ): Promise<EnrollmentCode> {
    return this.#store.transaction(async (tx) => {
      const code = await tx.codes.get(id);
      if (!code) throw new CoreError('not_found', 'No such enrolment code');
      const now = this.#clock.now();
      const patch = next(code, now);
      const status = patch.status ?? code.status;
      if (!(await tx.codes.setStatus(id, code.status, { ...patch, status, updatedAt: now }))) {
        throw new CoreError('conflict', 'The code changed concurrently; try again');
      }
      await appendAudit(tx, this.#clock, { actor, action, targetType: 'code', targetId: id, data });
      return { ...code, ...patch, status, updatedAt: now };
    });
  }
}
