import { ObjectStore, type Json, type StoredObject } from '../shared/object-store';

export type { Json };
export type CarrierObject = StoredObject;

/** EasyPost's objects by id, and the sandbox's own bookkeeping (label purchases, tracker progress), journalled. */
export class CarrierStore extends ObjectStore<CarrierObject> {}
