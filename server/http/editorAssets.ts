import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * Serves the built editor (editor/dist) at `/`, with index.html for any other
 * non-API path so client-side routes survive a reload. Undefined when the
 * editor has not been built.
 */
export function editorAssets(dir: string): Router | undefined {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return undefined;
  const router = Router();
  router.use(express.static(dir, { index: 'index.html', fallthrough: true }));
  router.get(/^(?!\/api\/|\/ws\/).*/, (_req, res) => {
    res.sendFile(index);
  });
  return router;
}
