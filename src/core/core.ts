import type { CertificateAuthority, RevocationReason } from '../../ca/types.js';
import { decide, expirePending, type DecisionInput } from './approval/decide.js';
import { verifyStoredChain } from './audit/audit-log.js';
import { revokeCertificate } from './certificates/revoke.js';
import { gatewayTlsCertificate, type GatewayTlsInput } from './certificates/gateway-tls.js';
import { EnrollmentCodes } from './codes/codes.js';
import { changeConsoleUser, type ChangeConsoleUserInput } from './console-users/change-user.js';
import { defaultConsoleSettings, type ConsoleSettings } from './console-users/console-user.js';
import { createConsoleUser, type CreateConsoleUserInput } from './console-users/create-user.js';
import { resumeApproved } from './enrollment/resume.js';
import { submit, type SubmitInput } from './enrollment/submit.js';
import type { Clock, ListOptions, Store } from './ports.js';
import {
  submitAccountRegistration,
  type AccountRegistrationInput,
} from './registrations/register-account.js';
import { createProfile, ensureDefaultProfile, setProfileStatus } from './profiles/profiles.js';
import type { ProfileStatus } from './profiles/profile.js';
import type { ProfileSettingsPatch } from './profiles/settings.js';
import type { DerivedKeys } from './secrets/keys.js';
import { SecretBox } from './secrets/secret-box.js';
import { checkCsrf } from './sessions/csrf.js';
import { purgeSessions } from './sessions/purge-sessions.js';
import { resolveSession, type ResolvedSession } from './sessions/resolve-session.js';
import { signIn, type SignInInput } from './sessions/sign-in.js';
import { signOut } from './sessions/sign-out.js';
import { authenticateToken, createToken } from './tokens/tokens.js';
import type { Role } from './tokens/token.js';

export interface CoreDeps {
  store: Store;
  ca: CertificateAuthority;
  clock: Clock;
  keys: Pick<DerivedKeys, 'codePepper' | 'sealKey'>;
  /** Console session lifetimes and lockout; the defaults of config `console.*` when absent. */
  console?: Partial<ConsoleSettings>;
}

/**
 * The enrolment core as the faces see it: ACME, SCEP and the admin API all call these and nothing
 * below them. Each method is a use case in its own file; this object only binds the dependencies.
 */
export class Core {
  readonly store: Store;
  readonly ca: CertificateAuthority;
  readonly clock: Clock;
  readonly codes: EnrollmentCodes;
  readonly secretBox: SecretBox;
  readonly console: ConsoleSettings;

  constructor(deps: CoreDeps) {
    this.store = deps.store;
    this.console = { ...defaultConsoleSettings, ...deps.console };
    this.ca = deps.ca;
    this.clock = deps.clock;
    this.secretBox = new SecretBox(deps.keys.sealKey);
    this.codes = new EnrollmentCodes({
      store: deps.store,
      clock: deps.clock,
      codePepper: deps.keys.codePepper,
      secretBox: this.secretBox,
    });
  }

  submit(input: SubmitInput) {
    return submit(this, input);
  }

  /** A new account that may not order until approved: a pending request of kind `account`. */
  submitAccountRegistration(input: AccountRegistrationInput) {
    return submitAccountRegistration(this, input);
  }

  decide(input: DecisionInput) {
    return decide(this, input);
  }

  expirePending(batch?: number) {
    return expirePending(this, batch);
  }

  /** Issues approved requests whose issuance a crashed process left undone. */
  resumeApproved(batch?: number) {
    return resumeApproved(this, batch);
  }

  revoke(input: { serialNumber: string; reason: RevocationReason; actor: string }) {
    return revokeCertificate(this, input);
  }

  createProfile(input: {
    name: string;
    actor: string;
    status?: ProfileStatus;
    settings?: ProfileSettingsPatch;
  }) {
    return createProfile(this, input);
  }

  setProfileStatus(input: { profileId: string; status: ProfileStatus; actor: string }) {
    return setProfileStatus(this, input);
  }

  ensureDefaultProfile(name: string) {
    return ensureDefaultProfile(this, name);
  }

  createToken(input: { subject: string; role: Role; actor: string; ttlDays?: number | null }) {
    return createToken(this, input);
  }

  authenticateToken(token: string) {
    return authenticateToken(this, token);
  }

  createConsoleUser(input: CreateConsoleUserInput) {
    return createConsoleUser(this, input);
  }

  listConsoleUsers(options: ListOptions = {}) {
    return this.store.consoleUsers.list(options);
  }

  changeConsoleUser(input: ChangeConsoleUserInput) {
    return changeConsoleUser(this, input);
  }

  signIn(input: SignInInput) {
    return signIn(this, input);
  }

  /** The session of a cookie value; CoreError('unauthorized') when it is unknown, ended or expired. */
  resolveSession(token: string) {
    return resolveSession(this, token);
  }

  checkCsrf(session: ResolvedSession, header: string | undefined) {
    checkCsrf(session, header);
  }

  signOut(session: ResolvedSession, clientAddress: string | null) {
    return signOut(this, session, clientAddress);
  }

  /** Deletes console sessions that finished more than a day ago. */
  purgeSessions() {
    return purgeSessions(this);
  }

  /** The HTTPS listener's own certificate: the stored one while it serves, else a new one (gateway-tls.ts). */
  gatewayTlsCertificate(input: GatewayTlsInput) {
    return gatewayTlsCertificate(this, input);
  }

  verifyAuditChain() {
    return verifyStoredChain(this.store);
  }
}
