import { html } from './html.js';

/** A refusal in words: the problem's title, its detail, and what its type means (from /problems/<type>). */
export function ProblemMessage({ problem, id }) {
  if (!problem) return null;
  if (!problem.code) return html`<div class="problem" role="alert" id=${id}><p><strong>The API could not be reached.</strong> ${String(problem.message ?? problem)}</p></div>`;
  return html`<div class="problem" role="alert" id=${id} data-problem-type=${problem.code}>
    <p><strong>${problem.title}</strong></p>
    ${problem.detail && problem.detail !== problem.title && html`<p>${problem.detail}</p>`}
    ${problem.explanation && html`<p class="explanation">${problem.explanation}</p>`}
    <p class="meta">Reason code: <code>${problem.code}</code> (HTTP ${problem.status})${problem.retryAfter ? html` · retry after ${problem.retryAfter} s` : ''}</p>
  </div>`;
}
