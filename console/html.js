// The one place the console names its libraries: preact and htm, served by the API from their npm packages.
import { h, render } from '/console/vendor/preact/preact.module.js';
import htm from '/console/vendor/htm/htm.module.js';

export { render };
export { useCallback, useEffect, useMemo, useRef, useState } from '/console/vendor/preact-hooks.js';
export const html = htm.bind(h);
