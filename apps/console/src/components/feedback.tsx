// What the pages tell the user after a request: a notice when an action worked (role=status, read out politely), the
// API's message when it did not (role=alert), and the red button that starts a destructive action. One place, so
// every page words, styles and announces them alike.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api';

/** The text to show for a failed request: the API's own message when it sent one. */
export const errorText = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

const ROLE = { notice: 'status', error: 'alert' } as const;

/** A line for the user: a notice (read out politely) after an action worked, an error (read out at once). */
function Message({ kind, text }: { kind: keyof typeof ROLE; text: string | undefined }) {
  return text ? (
    <p class={kind} role={ROLE[kind]}>
      {text}
    </p>
  ) : null;
}

export const Notice = ({ text }: { text: string | undefined }) => <Message kind="notice" text={text} />;
export const ErrorAlert = ({ text }: { text: string | undefined }) => <Message kind="error" text={text} />;

/** A notice line for a page section and `run`, which runs an action and says how it went there. */
export function useNotice() {
  const [notice, setNotice] = useState<string>();
  /** runs `action`; then shows `done` and calls `after` (a reload), or shows why it failed. */
  const run = async (done: string, action: () => Promise<unknown>, after?: () => void) => {
    try {
      await action();
      setNotice(done);
      after?.();
    } catch (err) {
      setNotice(errorText(err));
    }
  };
  /** the same after the operator said yes to `question` (a destructive action: delete, disconnect). */
  const confirmed = (question: string, done: string, action: () => Promise<unknown>, after?: () => void) => {
    if (confirm(question)) void run(done, action, after);
  };
  return { notice, setNotice, run, confirmed };
}

/** A destructive action's button; `label` names what it acts on for screen readers (e.g. `delete user bob`). */
export function DangerButton(props: { label?: string; onClick: () => void; children?: ComponentChildren }) {
  return (
    <button type="button" class="danger" aria-label={props.label} onClick={props.onClick}>
      {props.children ?? 'Delete'}
    </button>
  );
}
