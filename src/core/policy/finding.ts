/** One refusal by a policy rule, named so that a face can tell the user which rule refused which name. */
export interface PolicyFinding {
  policy: 'key' | 'domain';
  rule: string;
  /** The name or key property refused. */
  subject: string;
  message: string;
}
