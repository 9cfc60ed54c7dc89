import { createRequestLog, type RequestLogFilter } from '../shared/request-log';

/** One API request as it reached the sandbox, with the answer it got: what tests count and check. */
export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  /** The reference of the shipment the request is about, when there is one. */
  reference: string | null;
  body: unknown;
  /** The sandbox's answer: for a lost or hung one, what it did, not what the caller saw. */
  status?: number;
  response?: unknown;
  fault?: string;
}

export interface RequestFilter extends RequestLogFilter {
  reference?: string;
}

export const createCarrierRequestLog = () => createRequestLog<RecordedRequest, RequestFilter>((r, { reference }) => !reference || r.reference === reference);
