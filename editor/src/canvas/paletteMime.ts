/** Drag payload type for palette items, so the canvas ignores unrelated drops (files, text). */
export const PALETTE_MIME = 'application/x-parley-node-type';
