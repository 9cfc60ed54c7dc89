import { html, useEffect, useRef, useState } from './html.js';
import { ProblemMessage } from './problem-message.js';

/**
 * One action's form in a modal dialog: the reason first, then the action's own fields. A refusal
 * stays in the dialog, in words; success closes it and tells the page. `target` is what the action
 * acts on (an order, an email), `path` the request's URL for it, `subject` names it in words.
 */
export function ActionDialog({ api, action, target, path, subject, onDone, onClose }) {
  const dialog = useRef(null);
  const [values, setValues] = useState(() => ({ reason: '', ...(action.initial?.(target) ?? {}) }));
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState(null);
  const fields = typeof action.fields === 'function' ? action.fields(target) : (action.fields ?? []);

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
    setProblem(null);
    // What the form can tell before asking (an amount the currency cannot hold, no line chosen).
    const mistake = action.check?.(values, target) ?? null;
    setInvalid(mistake);
    if (mistake) return;
    setBusy(true);
    try {
      const after = await api.send(action.method, path, action.body(values, target));
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
      <p id=${`action-${action.id}-description`} class="meta">${action.description} ${subject}</p>
      <div class="field">
        <label for="action-reason">Reason (recorded in the audit with your name)</label>
        <textarea id="action-reason" name="reason" rows="3" required value=${values.reason} onInput=${set('reason')}></textarea>
      </div>
      ${fields.map((f) => html`<div class="field" key=${f.name}>
        <label for=${`action-${f.name}`}>${f.label}${f.required ? '' : ' (optional)'}</label>
        ${f.options
          ? html`<select id=${`action-${f.name}`} name=${f.name} required=${!!f.required} value=${values[f.name] ?? ''} onChange=${set(f.name)}>
              ${f.options.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
            </select>`
          : html`<input id=${`action-${f.name}`} name=${f.name} type=${f.type ?? 'text'} required=${!!f.required} pattern=${f.pattern} autocomplete=${f.autocomplete ?? 'off'}
              min=${f.min} max=${f.max} step=${f.step} inputmode=${f.inputmode} value=${values[f.name] ?? ''} onInput=${set(f.name)} />`}
      </div>`)}
      ${invalid && html`<p class="problem" role="alert" id="action-invalid">${invalid}</p>`}
      <${ProblemMessage} problem=${problem} id="action-problem" />
      <div class="buttons">
        <button type="submit" class=${action.danger ? 'danger' : 'primary'} disabled=${busy}>${busy ? 'Sending…' : action.label}</button>
        <button type="button" onClick=${() => dialog.current.close()}>Close</button>
      </div>
    </form>
  </dialog>`;
}
