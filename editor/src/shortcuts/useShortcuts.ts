/**
 * Global keyboard shortcuts, plus copy/paste through the browser's own
 * clipboard events (no permission prompt, and it works across tabs).
 */
import { useEffect, useRef } from 'react';
import { isTypingTarget } from './isTypingTarget.ts';
import { type Command, matchShortcut } from './matchShortcut.ts';

export interface ShortcutHandlers {
  command(command: Command): void;
  copy(): string | null;
  cut(): string | null;
  paste(text: string | null): void;
}

export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target)) {
        // ⌘S and ⌘Enter still work from a field: saving while typing a prompt is the common case.
        const command = matchShortcut(e);
        if (command === 'save' || command === 'deploy') {
          e.preventDefault();
          ref.current.command(command);
        }
        return;
      }
      const command = matchShortcut(e);
      if (!command) return;
      e.preventDefault();
      ref.current.command(command);
    };
    const onCopy = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target) || hasTextSelection()) return;
      const text = ref.current.copy();
      if (text && e.clipboardData) {
        e.clipboardData.setData('text/plain', text);
        e.preventDefault();
      }
    };
    const onCut = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target) || hasTextSelection()) return;
      const text = ref.current.cut();
      if (text && e.clipboardData) {
        e.clipboardData.setData('text/plain', text);
        e.preventDefault();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target)) return;
      e.preventDefault();
      ref.current.paste(e.clipboardData?.getData('text/plain') ?? null);
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  }, []);
}

function hasTextSelection(): boolean {
  const selection = window.getSelection?.();
  return !!selection && !selection.isCollapsed && selection.toString().length > 0;
}
