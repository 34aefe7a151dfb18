/**
 * WebSocket close codes the server uses, in one place so every transport
 * answers the same problem the same way (server/README lists them).
 * 1xxx are RFC 6455's; 4xxx are Parley's own, patterned on HTTP statuses.
 */
export const CloseCode = {
  /** Session ended normally. */
  normal: 1000,
  /** Broken WebSocket framing (bad opcode, reserved bits, unmasked client frame): closed by `ws` itself. */
  protocolError: 1002,
  /** A text frame that is not valid UTF-8: closed by `ws` itself. */
  invalidPayload: 1007,
  /** Auth, ticket or origin problems after the upgrade. */
  policyViolation: 1008,
  /** A message over the hard size limit: closed by `ws` itself. */
  messageTooBig: 1009,
  /** Internal error while handling this connection. */
  internalError: 1011,
  /** The server is at its connection or session limit: try again later. */
  tryAgainLater: 1013,
  /** The graph exists but cannot run (invalid, missing credential, refused endpoint). */
  cannotRun: 4400,
  /** Unknown graph or session. */
  notFound: 4404,
  /** Nothing arrived from the client for the idle timeout. */
  idleTimeout: 4408,
  /** The session reached its maximum duration. */
  maxDuration: 4410,
  /** The client sent messages faster than the per-socket rate limit. */
  rateLimited: 4429,
  /** The client stopped reading: its unsent backlog passed the limit. */
  slowReader: 4503,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
