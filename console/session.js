// The token lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage.
const KEY = 'support-console.token';

export const storedToken = () => sessionStorage.getItem(KEY);
export const storeToken = (token) => sessionStorage.setItem(KEY, token);
export const forgetToken = () => sessionStorage.removeItem(KEY);

/** A pasted token, with or without its "Bearer " prefix. */
export const cleanToken = (text) => text.trim().replace(/^Bearer\s+/i, '');

/**
 * The role a token claims, read without verifying it: only to word a refusal the API already made
 * (the API alone decides who may sign in).
 */
export function claimedRole(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).role ?? null;
  } catch {
    return null;
  }
}
