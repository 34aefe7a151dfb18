/**
 * `#server/wire`: the server's wire contract, REST bodies and live-channel messages, for
 * clients (the editor) to import with `import type` and for the server's own routes. Types
 * only: importing it adds nothing to a bundle, and the editor still talks to the server only
 * over HTTP and WebSocket.
 */

export type * from './liveMessages.ts';
export type * from './restTypes.ts';
export type * from './scenarioWire.ts';
