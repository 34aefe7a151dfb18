/**
 * Why a node cannot be built on this server although its graph is valid:
 * the server's environment lacks what it needs, or refuses what it asks
 * for. Hosts report every kind alike (a session refuses to start with the
 * message, a hot reload marks the node `failed`), so a new kind needs no new
 * handling there. Messages name the node and the variable, never a value.
 */
export class NodeEnvironmentError extends Error {
  constructor(
    readonly nodeId: string,
    /** The environment variable concerned, e.g. OPENAI_API_KEY. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeEnvironmentError';
  }
}

export class MissingCredentialError extends NodeEnvironmentError {
  constructor(nodeId: string, variable: string) {
    super(
      nodeId,
      variable,
      `node '${nodeId}' needs the environment variable ${variable}, which is not set on the server`,
    );
    this.name = 'MissingCredentialError';
  }
}

/** The graph points a node's credential at a URL the server does not send it to. */
export class EndpointNotAllowedError extends NodeEnvironmentError {
  constructor(
    nodeId: string,
    variable: string,
    /** The config key that names the endpoint, e.g. baseUrl. */
    readonly configKey: string,
    /** What the graph asked for, as shown: scheme://host/path, never user info or query. */
    readonly requested: string,
    message: string,
  ) {
    super(nodeId, variable, message);
    this.name = 'EndpointNotAllowedError';
  }
}
