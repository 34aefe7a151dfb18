import { GraphValidationError, NodeEnvironmentError } from '#engine';
import { GraphNotFoundError } from '../store/StoreErrors.ts';

export interface StartProblem {
  message: string;
  /** WebSocket close code: 4404 no such graph, 4400 the graph cannot run, 1011 anything else. */
  closeCode: number;
}

/** Turns why a session could not start into words for the client, naming the node and variable. */
export function describeStartError(error: unknown, graphName: string): StartProblem {
  // A missing credential, a refused endpoint: the message names the node and the variable.
  if (error instanceof NodeEnvironmentError)
    return { message: `graph '${graphName}' cannot start: ${error.message}`, closeCode: 4400 };
  if (error instanceof GraphValidationError) {
    const first = error.issues
      .slice(0, 5)
      .map((i) => `${i.message} (at ${i.path || 'document'})`)
      .join('; ');
    return { message: `graph '${graphName}' is invalid: ${first}`, closeCode: 4400 };
  }
  if (error instanceof GraphNotFoundError)
    return { message: `graph '${graphName}' not found`, closeCode: 4404 };
  return {
    message: `graph '${graphName}' could not start: ${error instanceof Error ? error.message : String(error)}`,
    closeCode: 1011,
  };
}
