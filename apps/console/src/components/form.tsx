// Forms whose errors come from the API: a failed submit puts the API's message next to the field it names (or at the
// top of the form when it names none), linked to the input with aria-describedby so a screen reader reads it.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, fieldOf } from '../api';
import { ErrorAlert } from './feedback';

export interface FormState<V extends Record<string, string | boolean>> {
  values: V;
  set<K extends keyof V>(key: K, value: V[K]): void;
  errors: Partial<Record<keyof V | '_form', string>>;
  busy: boolean;
  /** runs `action`; an ApiError is shown at its field; true when it succeeded. */
  submit(action: (values: V) => Promise<unknown>): Promise<boolean>;
  /** shows `message` as the API would show a refusal (at the field it names): for a check made before asking. */
  fail(message: string): void;
  reset(): void;
}

export function useForm<V extends Record<string, string | boolean>>(initial: V): FormState<V> {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FormState<V>['errors']>({});
  const [busy, setBusy] = useState(false);
  const form: FormState<V> = {
    values,
    errors,
    busy,
    set(key, value) {
      setValues((v) => ({ ...v, [key]: value }));
      setErrors((e) => ({ ...e, [key]: undefined }));
    },
    async submit(action) {
      setBusy(true);
      setErrors({});
      try {
        await action(values);
        return true;
      } catch (err) {
        const message = err instanceof ApiError ? `${err.message}` : 'the request failed';
        const field = err instanceof ApiError ? fieldOf(err.message, Object.keys(values)) : undefined;
        setErrors({ [field ?? '_form']: message } as FormState<V>['errors']);
        return false;
      } finally {
        setBusy(false);
      }
    },
    fail(message) {
      void form.submit(() => Promise.reject(new ApiError(400, 'INVALID_ARGUMENT', message)));
    },
    reset() {
      setValues(initial);
      setErrors({});
    },
  };
  return form;
}

let nextId = 0;
const useId = () => useState(() => `f${++nextId}`)[0];

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => ComponentChildren;
}

export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const described = [error ? `${id}-err` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(error),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-err`} class="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** A text input bound to a form value. */
export function TextField<V extends Record<string, string | boolean>>(props: {
  form: FormState<V>;
  name: keyof V & string;
  label: string;
  type?: string;
  hint?: string;
  placeholder?: string;
  autocomplete?: string;
}) {
  const { form, name } = props;
  return (
    <Field label={props.label} error={form.errors[name]} {...(props.hint ? { hint: props.hint } : {})}>
      {(a) => (
        <input
          {...a}
          name={name}
          type={props.type ?? 'text'}
          placeholder={props.placeholder}
          autocomplete={props.autocomplete ?? 'off'}
          value={String(form.values[name])}
          onInput={(e) => form.set(name, (e.currentTarget as HTMLInputElement).value as V[typeof name])}
        />
      )}
    </Field>
  );
}

export function SelectField<V extends Record<string, string | boolean>>(props: {
  form: FormState<V>;
  name: keyof V & string;
  label: string;
  options: readonly string[];
}) {
  const { form, name } = props;
  return (
    <Field label={props.label} error={form.errors[name]}>
      {(a) => (
        <select
          {...a}
          name={name}
          value={String(form.values[name])}
          onChange={(e) => form.set(name, (e.currentTarget as HTMLSelectElement).value as V[typeof name])}
        >
          {props.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckField<V extends Record<string, string | boolean>>(props: {
  form: FormState<V>;
  name: keyof V & string;
  label: string;
}) {
  const { form, name } = props;
  return (
    <Field label={props.label} error={form.errors[name]}>
      {(a) => (
        <input
          {...a}
          name={name}
          type="checkbox"
          checked={Boolean(form.values[name])}
          onChange={(e) => form.set(name, (e.currentTarget as HTMLInputElement).checked as V[typeof name])}
        />
      )}
    </Field>
  );
}

export function Form(props: {
  title: string;
  form: { errors: { _form?: string | undefined }; busy: boolean };
  onSubmit: () => void;
  submitLabel: string;
  children: ComponentChildren;
}) {
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form class="card form" aria-label={props.title} onSubmit={onSubmit} noValidate>
      <h3>{props.title}</h3>
      <ErrorAlert text={props.form.errors._form} />
      <div class="fields">{props.children}</div>
      <button type="submit" disabled={props.form.busy}>
        {props.submitLabel}
      </button>
    </form>
  );
}
