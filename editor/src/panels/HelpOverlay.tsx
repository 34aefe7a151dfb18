/** `?`: the keyboard shortcuts. */
import { uiStore, useUi } from '../store/uiStore.ts';

const mod =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

const SHORTCUTS: Array<[string, string]> = [
  [`${mod} S`, 'Save'],
  [`${mod} Enter`, 'Deploy to live sessions'],
  [`${mod} Z`, 'Undo'],
  [`${mod} ⇧ Z  /  Ctrl Y`, 'Redo'],
  [`${mod} C / ${mod} V`, 'Copy / paste nodes (with the wires between them)'],
  [`${mod} D`, 'Duplicate selection'],
  ['Del / Backspace', 'Delete selection'],
  [`${mod} A`, 'Select all'],
  ['L', 'Auto-layout'],
  ['F', 'Fit view'],
  [`Shift / ${mod} click`, 'Add to selection'],
  ['Double-click a wire', 'Delete it'],
  ['?', 'This help'],
  ['Esc', 'Close dialogs, clear selection'],
];

export function HelpOverlay() {
  const open = useUi((s) => s.helpOpen);
  if (!open) return null;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes the overlay (shortcuts/useShortcuts)
    // biome-ignore lint/a11y/noStaticElementInteractions: a click on the backdrop closes it, as Escape does
    <div
      className="overlay"
      onClick={() => uiStore.getState().set({ helpOpen: false })}
      data-testid="help-overlay"
    >
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only stops a click inside from closing the overlay */}
      <div
        className="dialog"
        onClick={(e) => e.stopPropagation()}
        role="dialog"
        aria-label="Keyboard shortcuts"
      >
        <h2>Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Shortcuts are ignored while you type in a field.</p>
        <button type="button" onClick={() => uiStore.getState().set({ helpOpen: false })}>
          Close
        </button>
      </div>
    </div>
  );
}
