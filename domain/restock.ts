/** A delivery of stock into one warehouse. Pure rules shared by the API, workflow and activities. */
export interface ReceiptLine {
  sku: string;
  quantity: number;
}

export interface RestockInput {
  receiptId: string;
  warehouseCode: string;
  lines: ReceiptLine[];
  receivedBy: string;
  note?: string;
}

export interface ReceivedLine extends ReceiptLine {
  onHandAfter: number;
}

export type RestockOutcome =
  | { status: 'received'; receiptId: string; warehouseCode: string; lines: ReceivedLine[]; units: number; indexedProducts: number }
  | { status: 'rejected'; receiptId: string; reason: { type: string; message: string; details?: unknown } };

export const MAX_RECEIPT_LINES = 500;
export const MAX_LINE_QUANTITY = 1_000_000;

/** Same SKU twice in one receipt is one line: the quantities add up, order kept by first sight. */
export function mergeReceiptLines(lines: ReceiptLine[]): ReceiptLine[] {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new RangeError(`quantity for ${sku} must be a positive integer`);
    merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  }
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

export function totalUnits(lines: ReceiptLine[]): number {
  return lines.reduce((units, line) => units + line.quantity, 0);
}

/** One line an operator reads in the Temporal UI list. */
export function describeRestock({ receiptId, warehouseCode, lines }: Pick<RestockInput, 'receiptId' | 'warehouseCode' | 'lines'>): string {
  const skus = lines.length === 1 ? `1 SKU` : `${lines.length} SKUs`;
  return `Receipt ${receiptId}: ${totalUnits(lines)} units of ${skus} into ${warehouseCode}`;
}
