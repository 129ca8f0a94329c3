import type { z } from 'zod';
import { CoreError } from '../../core/errors.js';

/** Validates one part of a request; the first issue names the field, all issues go in details. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((i) =>
    // One issue per unknown key, its path naming the key ("body.settings.aproval"), not its parent.
    (i.code === 'unrecognized_keys' ? i.keys.map((key) => [...i.path, key]) : [i.path]).map((path) => ({
      path: [where, ...path.map(String)].join('.'),
      message: i.code === 'unrecognized_keys' ? 'Unknown key' : i.message,
    })),
  );
  const first = issues[0];
  throw new CoreError('invalid_input', first ? `${first.path}: ${first.message}` : 'Invalid input', {
    details: { issues },
  });
}
