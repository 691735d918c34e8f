import { useState, type InputHTMLAttributes } from 'react';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> {
  value: number;
  /** The number the text stands for, or undefined while it is incomplete ("", "-", "7."). */
  parse(raw: string): number | undefined;
  onCommit(value: number): void;
}

/**
 * A number input that keeps what the user is typing: a controlled input fed straight back from
 * the parsed value would swallow "7." before the "5" arrives.
 */
export function NumberField({ value, parse, onCommit, ...rest }: Props) {
  const [text, setText] = useState<string>();
  return (
    <input
      {...rest}
      type="number"
      value={text ?? String(value)}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parse(e.target.value);
        if (parsed !== undefined) onCommit(parsed);
      }}
      onBlur={() => setText(undefined)}
    />
  );
}

export function parseNumber(raw: string, integer: boolean): number | undefined {
  if (raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  return integer ? Math.round(value) : value;
}
