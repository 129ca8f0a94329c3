/**
 * The linker: every URL the ACME face hands out is built here and nowhere else. All resources of a
 * profile live under `<publicUrl>/acme/<profile>/`; the route table uses the same path patterns.
 */

/** Path patterns relative to `/acme/:profile`, shared by the linker and the route table. */
export const paths = {
  directory: '/directory',
  newNonce: '/new-nonce',
  newAccount: '/new-acct',
  newOrder: '/new-order',
  newAuthz: '/new-authz',
  revokeCert: '/revoke-cert',
  keyChange: '/key-change',
  renewalInfo: '/renewal-info',
  renewalInfoOf: '/renewal-info/:id',
  account: '/acct/:id',
  orders: '/acct/:id/orders',
  order: '/order/:id',
  finalize: '/order/:id/finalize',
  authz: '/authz/:id',
  challenge: '/chall/:id/:type',
  certificate: '/cert/:id',
  alternateCertificate: '/cert/:id/:alt',
} as const;

export class Linker {
  readonly #base: string;

  /** `publicUrl` is the HTTPS base clients use, without a trailing slash. */
  constructor(publicUrl: string) {
    this.#base = publicUrl.replace(/\/$/, '');
  }

  /** The absolute URL a request arrived at: what the JWS `url` header must equal (§6.4). */
  requestUrl(originalUrl: string): string {
    return this.#base + originalUrl;
  }

  #under(profile: string, suffix: string): string {
    return `${this.#base}/acme/${encodeURIComponent(profile)}${suffix}`;
  }

  directory(profile: string): string {
    return this.#under(profile, paths.directory);
  }
  newNonce(profile: string): string {
    return this.#under(profile, paths.newNonce);
  }
  newAccount(profile: string): string {
    return this.#under(profile, paths.newAccount);
  }
  newOrder(profile: string): string {
    return this.#under(profile, paths.newOrder);
  }
  newAuthz(profile: string): string {
    return this.#under(profile, paths.newAuthz);
  }
  revokeCert(profile: string): string {
    return this.#under(profile, paths.revokeCert);
  }
  keyChange(profile: string): string {
    return this.#under(profile, paths.keyChange);
  }
  renewalInfo(profile: string, certId?: string): string {
    return this.#under(profile, paths.renewalInfo) + (certId ? `/${certId}` : '');
  }
  account(profile: string, id: string): string {
    return this.#under(profile, `/acct/${id}`);
  }
  orders(profile: string, accountId: string, cursor?: string | null): string {
    return (
      this.#under(profile, `/acct/${accountId}/orders`) +
      (cursor ? `?cursor=${encodeURIComponent(cursor)}` : '')
    );
  }
  order(profile: string, id: string): string {
    return this.#under(profile, `/order/${id}`);
  }
  finalize(profile: string, id: string): string {
    return this.#under(profile, `/order/${id}/finalize`);
  }
  authz(profile: string, id: string): string {
    return this.#under(profile, `/authz/${id}`);
  }
  challenge(profile: string, authzId: string, type: string): string {
    return this.#under(profile, `/chall/${authzId}/${type}`);
  }
  certificate(profile: string, orderId: string, alternate?: number): string {
    return this.#under(profile, `/cert/${orderId}`) + (alternate ? `/${alternate}` : '');
  }

  /** The account id at the end of a `kid` URL of this profile, or null when it is not one. */
  accountIdFromKid(profile: string, kid: string): string | null {
    const prefix = this.#under(profile, '/acct/');
    if (!kid.startsWith(prefix)) return null;
    const id = kid.slice(prefix.length);
    return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
  }
}

/** RFC 8288 Link header value. */
export function link(url: string, rel: string): string {
  return `<${url}>;rel="${rel}"`;
}
