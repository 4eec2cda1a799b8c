import { h } from './dom';

/** A labelled form control with its own inline error, wired for assistive technology. */
export interface Field<T extends HTMLInputElement | HTMLSelectElement> {
  wrapper: HTMLDivElement;
  control: T;
  showError(message: string | null): void;
}

export function field<T extends HTMLInputElement | HTMLSelectElement>(id: string, label: string, control: T, hint?: string): Field<T> {
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const describedBy = () => [hint ? hintId : null, error.hidden ? null : errorId].filter(Boolean).join(' ');
  const wrapper = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { id: hintId, class: 'field-hint' }, hint) : null,
    error,
  );
  const update = () => {
    const value = describedBy();
    if (value) control.setAttribute('aria-describedby', value);
    else control.removeAttribute('aria-describedby');
  };
  update();
  return {
    wrapper,
    control,
    showError(message) {
      error.textContent = message ?? '';
      error.hidden = message === null;
      if (message === null) control.removeAttribute('aria-invalid');
      else control.setAttribute('aria-invalid', 'true');
      update();
    },
  };
}
