import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import type { DecisionResult } from '../../core/approval/decide.js';
import { CoreError } from '../../core/errors.js';
import { actorOf } from './auth.js';

const listQuery = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'issued', 'failed', 'expired']).optional(),
  profileId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().optional(),
});
const decisionBody = z.object({ comment: z.string().max(2000).nullish() });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CoreError(
      'invalid_input',
      issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'Invalid input',
      {
        details: { issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      },
    );
  }
  return result.data;
}

function decisionView(result: DecisionResult) {
  if (result.outcome === 'issued') {
    return {
      outcome: result.outcome,
      request: result.request,
      certificate: { serialNumber: result.certificate.serialNumber, pem: result.certificate.pem },
    };
  }
  return result;
}

export function requestHandlers(core: Core) {
  return {
    list: async (req: Request, res: Response) => {
      const q = parse(listQuery, req.query);
      const page = await core.store.requests.list(q);
      res.json({ items: page.items.map(({ csrPem: _csr, ...r }) => r), next: page.next });
    },
    get: async (req: Request, res: Response) => {
      const request = await core.store.requests.get(String(req.params.id));
      if (!request) throw new CoreError('not_found', 'No such enrolment request');
      res.json({ ...request, approvals: await core.store.approvals.listFor(request.id) });
    },
    decide: (decision: 'approve' | 'reject') => async (req: Request, res: Response) => {
      const body = parse(decisionBody, req.body ?? {});
      const result = await core.decide({
        requestId: String(req.params.id),
        actor: actorOf(res.locals),
        decision,
        comment: body.comment ?? null,
      });
      res.json(decisionView(result));
    },
  };
}
