import { useEffect, useState } from './html.js';

/** `#/orders/<id>` is an order page, anything else the home page. Only order ids go in the URL, never the token. */
export function parseRoute(hash) {
  const match = /^#\/orders\/([^/?#]+)$/.exec(hash);
  return match ? { page: 'order', orderId: decodeURIComponent(match[1]) } : { page: 'home' };
}

export const orderHref = (orderId) => `#/orders/${encodeURIComponent(orderId)}`;

export function useHashRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
