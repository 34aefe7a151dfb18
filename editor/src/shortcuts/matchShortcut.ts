/** Maps a keydown to an editor command. Pure, so the key table is testable. */
export type Command =
  | 'undo'
  | 'redo'
  | 'delete'
  | 'duplicate'
  | 'save'
  | 'deploy'
  | 'help'
  | 'escape'
  | 'selectAll'
  | 'layout'
  | 'fit';

export interface KeyLike {
  key: string;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function matchShortcut(e: KeyLike): Command | null {
  const mod = e.metaKey || e.ctrlKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey) {
    if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && e.ctrlKey) return 'redo';
    if (key === 'd') return 'duplicate';
    if (key === 's') return 'save';
    if (key === 'Enter') return 'deploy';
    if (key === 'a') return 'selectAll';
    return null;
  }
  if (e.altKey) return null;
  if (key === 'Delete' || key === 'Backspace') return 'delete';
  if (e.key === '?') return 'help';
  if (key === 'Escape') return 'escape';
  if (key === 'l' && !e.shiftKey) return 'layout';
  if (key === 'f' && !e.shiftKey) return 'fit';
  return null;
}
