// A text input that writes to the filters a moment after typing stops, so each keystroke does not
// become a request. Enter writes at once; with `clearOnEscape`, Escape empties it (and leaves it
// when already empty). A value changed from outside (Clear filters) is adopted at once.
import { useEffect, useState, type InputHTMLAttributes, type KeyboardEvent, type Ref } from 'react';

export const DEBOUNCE_MS = 200;

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  value: string;
  /** Keep it stable (module-level or memoized): a new function restarts the pending wait. */
  onCommit: (value: string) => void;
  inputRef?: Ref<HTMLInputElement>;
  clearOnEscape?: boolean;
};

export function DebouncedInput({ value, onCommit, inputRef, clearOnEscape, onKeyDown, ...rest }: Props) {
  const [text, setText] = useState(value);
  const [adopted, setAdopted] = useState(value);
  // Render-time sync (React's "adjusting state when a prop changes"): no effect, so no stale frame.
  if (value !== adopted) {
    setAdopted(value);
    setText(value);
  }

  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onCommit(text), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onCommit]);

  const keyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && text !== value) onCommit(text);
    if (clearOnEscape && e.key === 'Escape') {
      e.preventDefault();
      if (text === '' && value === '') e.currentTarget.blur();
      else {
        setText('');
        onCommit('');
      }
    }
    onKeyDown?.(e);
  };

  return <input {...rest} ref={inputRef} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={keyDown} />;
}
