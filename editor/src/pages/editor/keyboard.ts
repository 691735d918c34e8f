export interface EditorShortcuts {
  queue(): void;
  undo(): void;
  redo(): void;
  remove(): void;
  copy(): void;
  paste(): void;
  duplicate(): void;
  save(): void;
}

function typingIn(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT' || element.isContentEditable);
}

/** Editor shortcuts; Ctrl+Enter works everywhere, the rest only outside text fields. */
export function bindShortcuts(shortcuts: EditorShortcuts): () => void {
  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key === 'Enter') {
      e.preventDefault();
      shortcuts.queue();
      return;
    }
    if (mod && e.key.toLowerCase() === 's') {
      e.preventDefault();
      shortcuts.save();
      return;
    }
    if (typingIn(e.target)) return;
    const key = e.key.toLowerCase();
    const action =
      mod && key === 'z' && !e.shiftKey ? shortcuts.undo
      : mod && (key === 'y' || (key === 'z' && e.shiftKey)) ? shortcuts.redo
      : mod && key === 'c' ? shortcuts.copy
      : mod && key === 'v' ? shortcuts.paste
      : mod && key === 'd' ? shortcuts.duplicate
      : !mod && (e.key === 'Delete' || e.key === 'Backspace') ? shortcuts.remove
      : undefined;
    if (action) {
      e.preventDefault();
      action();
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
