/** A path pattern of the control APIs: an exact path, or a prefix ending in `*`. */
export const matchesPath = (pattern: string, path: string): boolean => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern);
