import type { GraphIssue } from './validateGraph.ts';

export class GraphValidationError extends Error {
  constructor(readonly issues: GraphIssue[]) {
    super(`invalid graph: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'GraphValidationError';
  }
}
