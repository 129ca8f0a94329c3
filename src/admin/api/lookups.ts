import type { Core } from '../../core/core.js';
import type { EnrollmentRequest } from '../../core/enrollment/request.js';
import { CoreError } from '../../core/errors.js';

/** The request a route's `{id}` names, or `not_found`. */
export async function loadRequest(core: Core, id: string): Promise<EnrollmentRequest> {
  const request = await core.store.requests.get(id);
  if (!request) throw new CoreError('not_found', 'No such enrolment request');
  return request;
}
