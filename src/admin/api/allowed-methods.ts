/**
 * 405 Method Not Allowed for a path the table serves with other methods (RFC 9110 §15.5.6: the
 * answer lists them in Allow), instead of the 404 of a path nobody serves. OPTIONS gets the same
 * Allow list with 204.
 */
import type { RequestHandler } from 'express';
import { HttpError } from '../../http/errors.js';
import type { RouteSpec } from './route-table.js';

interface PathMethods {
  segments: string[];
  /** Express matches paths case-insensitively; so does this. Literal segments: `/requests/bulk-decision` is more specific than `/requests/{id}`. */
  literals: number;
  methods: Set<string>;
}

function matches(template: string[], segments: string[]): boolean {
  return (
    template.length === segments.length &&
    template.every((t, i) =>
      t.startsWith('{') ? segments[i] !== '' : t.toLowerCase() === segments[i]?.toLowerCase(),
    )
  );
}

/** The middleware to mount after every route of `table`: only requests no route took reach it. */
export function allowedMethods(table: readonly RouteSpec[]): RequestHandler {
  const byPath = new Map<string, PathMethods>();
  for (const spec of table) {
    const segments = spec.path.split('/');
    const entry = byPath.get(spec.path) ?? {
      segments,
      literals: segments.filter((s) => !s.startsWith('{')).length,
      methods: new Set<string>(),
    };
    entry.methods.add(spec.method.toUpperCase());
    // Express answers HEAD with the GET route.
    if (spec.method === 'get') entry.methods.add('HEAD');
    byPath.set(spec.path, entry);
  }
  const paths = [...byPath.values()].sort((a, b) => b.literals - a.literals);
  return (req, res, next) => {
    const segments = req.path.replace(/(.)\/$/, '$1').split('/');
    const found = paths.find((p) => matches(p.segments, segments));
    if (!found) return next();
    const allow = [...found.methods].sort().join(', ');
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(new HttpError('method_not_allowed', `${req.method} is not allowed here; use ${allow}`, { allow }));
  };
}
