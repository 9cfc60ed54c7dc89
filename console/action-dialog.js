import { html, useEffect, useRef, useState } from './html.js';
import { ProblemMessage } from './problem-message.js';

/**
 * One action's form in a modal dialog: the reason first, then the action's own fields. A refusal
 * stays in the dialog, in words; success closes it and tells the order page.
 */
export function ActionDialog({ api, order, action, onDone, onClose }) {
  const dialog = useRef(null);
  const [values, setValues] = useState(() => ({ reason: '', ...(action.initial?.(order) ?? {}) }));
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    dialog.current.showModal();
    const closed = () => onClose();
    const node = dialog.current;
    node.addEventListener('close', closed);
    return () => node.removeEventListener('close', closed);
  }, []);

  const set = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const after = await api.send(action.method, action.path(order.orderId), action.body(values));
      onDone(action, after);
      dialog.current?.close();
    } catch (refusal) {
      setProblem(refusal);
    } finally {
      setBusy(false);
    }
  };

  const titleId = `action-${action.id}-title`;
  return html`<dialog ref=${dialog} class="action-dialog" aria-labelledby=${titleId} aria-describedby=${`action-${action.id}-description`}>
    <form onSubmit=${submit}>
      <h2 id=${titleId}>${action.label}</h2>
      <p id=${`action-${action.id}-description`} class="meta">${action.description} Order <code>${order.orderId}</code>.</p>
      <div class="field">
        <label for="action-reason">Reason (recorded in the audit with your name)</label>
        <textarea id="action-reason" name="reason" rows="3" required value=${values.reason} onInput=${set('reason')}></textarea>
      </div>
      ${(action.fields ?? []).map((f) => html`<div class="field" key=${f.name}>
        <label for=${`action-${f.name}`}>${f.label}${f.required ? '' : ' (optional)'}</label>
        <input id=${`action-${f.name}`} name=${f.name} type=${f.type ?? 'text'} required=${!!f.required} pattern=${f.pattern} autocomplete=${f.autocomplete ?? 'off'}
          value=${values[f.name] ?? ''} onInput=${set(f.name)} />
      </div>`)}
      <${ProblemMessage} problem=${problem} id="action-problem" />
      <div class="buttons">
        <button type="submit" class=${action.danger ? 'danger' : 'primary'} disabled=${busy}>${busy ? 'Sending…' : action.label}</button>
        <button type="button" onClick=${() => dialog.current.close()}>Close</button>
      </div>
    </form>
  </dialog>`;
}
