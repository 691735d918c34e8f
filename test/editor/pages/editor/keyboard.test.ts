import { describe, expect, it } from 'vitest';
import { typingIn } from '../../../../editor/src/pages/editor/keyboard.ts';

const element = (tagName: string, type?: string) => ({ tagName, type, isContentEditable: false }) as unknown as EventTarget;

describe('which focused elements keep the editor shortcuts (Ctrl+Z, Delete, ...) for themselves', () => {
  it('text fields, text areas and dropdowns do', () => {
    for (const target of [element('INPUT', 'text'), element('INPUT', 'number'), element('INPUT'), element('TEXTAREA'), element('SELECT')]) {
      expect(typingIn(target)).toBe(true);
    }
  });

  it('a slider, checkbox or button does not, so Ctrl+Z after dragging a slider undoes the drag', () => {
    for (const type of ['range', 'checkbox', 'button', 'file']) expect(typingIn(element('INPUT', type)), type).toBe(false);
    expect(typingIn(element('DIV'))).toBe(false);
    expect(typingIn(null)).toBe(false);
  });
});
