import type { Kysely, Transaction } from 'kysely';
import type { Database, PostalAddress, VariantAttributes } from '../../db/database';

// ---------------------------------------------------------------- plan (pure, deterministic)

export interface PlannedSeller {
  slug: string;
  name: string;
  email: string;
  country: string;
  roots: string[];
}

export interface PlannedCategory {
  slug: string;
  name: string;
  parentSlug: string | null;
  position: number;
}

export interface PlannedBrand {
  slug: string;
  name: string;
}

export interface PlannedWarehouse {
  code: string;
  name: string;
  country: string;
  region: string;
  address: PostalAddress;
}

export interface PlannedStock {
  warehouseCode: string;
  quantity: number;
}

export interface PlannedVariant {
  sku: string;
  attributes: VariantAttributes;
  priceAmount: number;
  currency: string;
  weightGrams: number;
  active: boolean;
  stock: PlannedStock[];
}

export interface PlannedProduct {
  slug: string;
  name: string;
  description: string;
  sellerSlug: string;
  categorySlug: string;
  brandSlug: string;
  status: 'active' | 'inactive';
  imageUrl: string;
  variants: PlannedVariant[];
  ratingTenths: number | null;
  reviewCount: number;
}

export interface CatalogPlan {
  sellers: PlannedSeller[];
  brands: PlannedBrand[];
  /** Parents come before their children. */
  categories: PlannedCategory[];
  warehouses: PlannedWarehouse[];
  products: PlannedProduct[];
}

const CURRENCY = 'USD';
const SEED = 0x5eed_c47a;

/** The ledger reference of the opening stock; (reason, reference_id, sku, warehouse) makes re-seeding a no-op. */
export const SEED_MOVEMENT_REFERENCE = { type: 'seed', id: 'seed-catalog' } as const;

export const SEED_WAREHOUSES: readonly PlannedWarehouse[] = [
  {
    code: 'US-EAST-1',
    name: 'Newark Fulfillment Center',
    country: 'US',
    region: 'us-east',
    address: { line1: '1200 Port Newark Blvd', city: 'Newark', region: 'NJ', postal_code: '07114', country: 'US' },
  },
  {
    code: 'US-WEST-1',
    name: 'Reno Fulfillment Center',
    country: 'US',
    region: 'us-west',
    address: { line1: '2400 Logistics Way', city: 'Reno', region: 'NV', postal_code: '89502', country: 'US' },
  },
  {
    code: 'EU-CENTRAL-1',
    name: 'Venlo Distribution Center',
    country: 'NL',
    region: 'eu-central',
    address: { line1: 'Celsiusweg 12', city: 'Venlo', postal_code: '5928 PR', country: 'NL' },
  },
];

const SELLERS: readonly PlannedSeller[] = [
  { slug: 'urban-thread', name: 'Urban Thread', email: 'ops@urbanthread.example', country: 'US', roots: ['apparel', 'footwear'] },
  { slug: 'northwind-outfitters', name: 'Northwind Outfitters', email: 'sellers@northwind.example', country: 'US', roots: ['sports-outdoors', 'apparel', 'footwear'] },
  { slug: 'harbor-home-goods', name: 'Harbor Home Goods', email: 'hello@harborhome.example', country: 'US', roots: ['home-kitchen'] },
  { slug: 'voltline-electronics', name: 'Voltline Electronics', email: 'partners@voltline.example', country: 'US', roots: ['electronics'] },
  { slug: 'glow-beauty-co', name: 'Glow Beauty Co.', email: 'team@glowbeauty.example', country: 'FR', roots: ['beauty'] },
  { slug: 'alpine-trading', name: 'Alpine Trading GmbH', email: 'vertrieb@alpinetrading.example', country: 'DE', roots: ['sports-outdoors', 'home-kitchen', 'electronics'] },
];

const BRANDS_BY_ROOT: Readonly<Record<string, readonly string[]>> = {
  apparel: ['Urban Thread', 'Kestrel', 'Fjell', 'Meridian'],
  footwear: ['Stride', 'Kestrel', 'Ridgeway'],
  'home-kitchen': ['Alder & Oak', 'Hearthstone', 'Tidewater'],
  electronics: ['Voltline', 'Lumen Audio', 'Nimbus'],
  'sports-outdoors': ['Fjell', 'Summit Gear', 'Ridgeway', 'Velo'],
  beauty: ['Glow', 'Verde Botanics', 'Solace'],
};

type Axis = 'apparel' | 'shoes' | 'bedding' | 'capacity' | 'color';

interface Kind {
  prefix: string;
  nouns: readonly string[];
  adjectives: readonly string[];
  axis: Axis;
  /** Base price range in cents. */
  price: readonly [number, number];
  weight: readonly [number, number];
}

interface CategoryNode {
  slug: string;
  name: string;
  kind?: Kind;
  children?: readonly CategoryNode[];
}

const TOPS = ['Organic Cotton', 'Slim Fit', 'Heavyweight', 'Washed', 'Relaxed', 'Classic'];
const OUTER = ['Waterproof', 'Insulated', 'Packable', 'Quilted', 'Lightweight', 'Recycled'];
const DENIM = ['Slim', 'Straight', 'Relaxed', 'Tapered', 'Stretch', 'Selvedge'];

const TREE: readonly CategoryNode[] = [
  {
    slug: 'apparel',
    name: 'Apparel',
    children: [
      {
        slug: 'mens',
        name: "Men's",
        children: [
          { slug: 'mens-t-shirts', name: 'T-Shirts', kind: { prefix: 'MTS', nouns: ['Crew Neck Tee', 'V-Neck Tee', 'Pocket Tee', 'Henley'], adjectives: TOPS, axis: 'apparel', price: [1200, 3900], weight: [150, 260] } },
          { slug: 'mens-shirts', name: 'Shirts', kind: { prefix: 'MSH', nouns: ['Oxford Shirt', 'Flannel Shirt', 'Linen Shirt', 'Chambray Shirt'], adjectives: TOPS, axis: 'apparel', price: [3500, 8900], weight: [220, 380] } },
          { slug: 'mens-jeans', name: 'Jeans', kind: { prefix: 'MJN', nouns: ['Jeans', 'Denim Jeans', 'Five-Pocket Jeans'], adjectives: DENIM, axis: 'apparel', price: [4900, 12900], weight: [550, 800] } },
          { slug: 'mens-jackets', name: 'Jackets', kind: { prefix: 'MJK', nouns: ['Rain Jacket', 'Down Jacket', 'Field Jacket', 'Fleece Jacket'], adjectives: OUTER, axis: 'apparel', price: [7900, 24900], weight: [400, 1100] } },
        ],
      },
      {
        slug: 'womens',
        name: "Women's",
        children: [
          { slug: 'womens-dresses', name: 'Dresses', kind: { prefix: 'WDR', nouns: ['Wrap Dress', 'Midi Dress', 'Shirt Dress', 'Slip Dress'], adjectives: ['Floral', 'Linen', 'Jersey', 'Pleated', 'Satin'], axis: 'apparel', price: [4500, 14900], weight: [200, 450] } },
          { slug: 'womens-tops', name: 'Tops', kind: { prefix: 'WTP', nouns: ['Blouse', 'Tank Top', 'Boxy Tee', 'Cardigan'], adjectives: TOPS, axis: 'apparel', price: [1800, 6900], weight: [120, 350] } },
          { slug: 'womens-jeans', name: 'Jeans', kind: { prefix: 'WJN', nouns: ['High-Rise Jeans', 'Wide-Leg Jeans', 'Skinny Jeans'], adjectives: DENIM, axis: 'apparel', price: [4900, 12900], weight: [500, 750] } },
          { slug: 'womens-jackets', name: 'Jackets', kind: { prefix: 'WJK', nouns: ['Trench Coat', 'Puffer Jacket', 'Denim Jacket', 'Blazer'], adjectives: OUTER, axis: 'apparel', price: [6900, 22900], weight: [400, 1000] } },
        ],
      },
      { slug: 'kids-clothing', name: 'Kids', kind: { prefix: 'KID', nouns: ['Hoodie', 'Joggers', 'Graphic Tee', 'Pajama Set'], adjectives: ['Cozy', 'Everyday', 'Organic Cotton', 'Playground'], axis: 'apparel', price: [1200, 4500], weight: [120, 400] } },
    ],
  },
  {
    slug: 'footwear',
    name: 'Footwear',
    children: [
      { slug: 'sneakers', name: 'Sneakers', kind: { prefix: 'SNK', nouns: ['Runner', 'Court Sneaker', 'Trail Runner', 'Slip-On'], adjectives: ['Knit', 'Leather', 'Canvas', 'Retro', 'Cushioned'], axis: 'shoes', price: [5900, 17900], weight: [600, 950] } },
      { slug: 'boots', name: 'Boots', kind: { prefix: 'BOT', nouns: ['Chelsea Boot', 'Hiking Boot', 'Work Boot', 'Chukka'], adjectives: ['Waterproof', 'Suede', 'Insulated', 'Leather'], axis: 'shoes', price: [8900, 24900], weight: [900, 1600] } },
      { slug: 'sandals', name: 'Sandals', kind: { prefix: 'SND', nouns: ['Slide', 'Sport Sandal', 'Flip-Flop'], adjectives: ['Cork', 'Recycled', 'Cushioned', 'Leather'], axis: 'shoes', price: [2500, 8900], weight: [300, 600] } },
    ],
  },
  {
    slug: 'home-kitchen',
    name: 'Home & Kitchen',
    children: [
      { slug: 'cookware', name: 'Cookware', kind: { prefix: 'CKW', nouns: ['Skillet', 'Dutch Oven', 'Saucepan', 'Wok'], adjectives: ['Cast Iron', 'Stainless', 'Nonstick', 'Carbon Steel', 'Enameled'], axis: 'capacity', price: [2900, 19900], weight: [900, 5500] } },
      { slug: 'bedding', name: 'Bedding', kind: { prefix: 'BED', nouns: ['Sheet Set', 'Duvet Cover', 'Quilt', 'Pillowcase Pair'], adjectives: ['Percale', 'Sateen', 'Linen', 'Flannel', 'Organic'], axis: 'bedding', price: [3900, 22900], weight: [600, 2500] } },
      { slug: 'home-decor', name: 'Decor', kind: { prefix: 'DEC', nouns: ['Vase', 'Throw Pillow', 'Candle', 'Wall Mirror'], adjectives: ['Ceramic', 'Handmade', 'Rattan', 'Minimal', 'Glass'], axis: 'color', price: [1500, 12900], weight: [200, 4000] } },
      { slug: 'storage', name: 'Storage', kind: { prefix: 'STO', nouns: ['Storage Bin', 'Shelf Organizer', 'Laundry Basket', 'Pantry Jar Set'], adjectives: ['Stackable', 'Woven', 'Bamboo', 'Clear'], axis: 'color', price: [1200, 7900], weight: [300, 2500] } },
    ],
  },
  {
    slug: 'electronics',
    name: 'Electronics',
    children: [
      {
        slug: 'audio',
        name: 'Audio',
        children: [
          { slug: 'headphones', name: 'Headphones', kind: { prefix: 'HPH', nouns: ['Over-Ear Headphones', 'Earbuds', 'On-Ear Headphones'], adjectives: ['Wireless', 'Noise-Cancelling', 'Studio', 'Sport'], axis: 'color', price: [3900, 34900], weight: [50, 350] } },
          { slug: 'speakers', name: 'Speakers', kind: { prefix: 'SPK', nouns: ['Bluetooth Speaker', 'Bookshelf Speaker', 'Soundbar'], adjectives: ['Portable', 'Waterproof', 'Smart', 'Compact'], axis: 'color', price: [4900, 39900], weight: [400, 4500] } },
        ],
      },
      { slug: 'phone-accessories', name: 'Phone Accessories', kind: { prefix: 'PHA', nouns: ['USB-C Cable', 'Wall Charger', 'Power Bank', 'Phone Case'], adjectives: ['Braided', 'Fast', 'Slim', 'Rugged', 'MagSafe'], axis: 'capacity', price: [990, 7900], weight: [40, 400] } },
      { slug: 'wearables', name: 'Wearables', kind: { prefix: 'WRB', nouns: ['Fitness Tracker', 'Smartwatch', 'Sleep Band'], adjectives: ['GPS', 'Solar', 'Slim', 'Active'], axis: 'color', price: [4900, 39900], weight: [30, 120] } },
    ],
  },
  {
    slug: 'sports-outdoors',
    name: 'Sports & Outdoors',
    children: [
      { slug: 'camping', name: 'Camping', kind: { prefix: 'CMP', nouns: ['Tent', 'Sleeping Bag', 'Camp Stove', 'Headlamp'], adjectives: ['Ultralight', 'Four-Season', 'Backpacking', 'Family'], axis: 'capacity', price: [2500, 44900], weight: [100, 4500] } },
      { slug: 'fitness', name: 'Fitness', kind: { prefix: 'FIT', nouns: ['Yoga Mat', 'Kettlebell', 'Resistance Band Set', 'Jump Rope'], adjectives: ['Non-Slip', 'Pro', 'Eco', 'Adjustable'], axis: 'color', price: [1500, 12900], weight: [200, 16000] } },
      { slug: 'cycling', name: 'Cycling', kind: { prefix: 'CYC', nouns: ['Bike Helmet', 'Cycling Jersey', 'Bike Light Set', 'Saddle Bag'], adjectives: ['Aero', 'Commuter', 'Reflective', 'Trail'], axis: 'apparel', price: [1900, 19900], weight: [100, 600] } },
    ],
  },
  {
    slug: 'beauty',
    name: 'Beauty',
    children: [
      { slug: 'skincare', name: 'Skincare', kind: { prefix: 'SKN', nouns: ['Face Serum', 'Moisturizer', 'Cleanser', 'Sunscreen SPF 50'], adjectives: ['Hydrating', 'Vitamin C', 'Gentle', 'Fragrance-Free'], axis: 'capacity', price: [1400, 6900], weight: [60, 350] } },
      { slug: 'haircare', name: 'Haircare', kind: { prefix: 'HAI', nouns: ['Shampoo', 'Conditioner', 'Hair Oil', 'Styling Cream'], adjectives: ['Repairing', 'Volumizing', 'Sulfate-Free', 'Curl'], axis: 'capacity', price: [1200, 4900], weight: [100, 600] } },
    ],
  },
];

const COLORS: readonly (readonly [string, string])[] = [
  ['Black', 'BLK'],
  ['White', 'WHT'],
  ['Navy', 'NVY'],
  ['Heather Grey', 'GRY'],
  ['Olive', 'OLV'],
  ['Rust', 'RST'],
  ['Sand', 'SND'],
  ['Forest Green', 'FGN'],
  ['Burgundy', 'BRG'],
  ['Sky Blue', 'SKY'],
];
const APPAREL_SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const SHOE_SIZES = ['6', '7', '8', '9', '10', '11', '12', '13'];
const BED_SIZES = ['Twin', 'Full', 'Queen', 'King'];
const CAPACITIES: Readonly<Record<string, readonly string[]>> = {
  CKW: ['20 cm', '24 cm', '28 cm', '32 cm'],
  PHA: ['1 m', '2 m', '10000 mAh', '20000 mAh'],
  CMP: ['1-person', '2-person', '4-person', '6-person'],
  SKN: ['30 ml', '50 ml', '100 ml', '200 ml'],
  HAI: ['100 ml', '250 ml', '500 ml', '1 l'],
};

/** mulberry32: small, fast and good enough for demo data; never Math.random, so runs are reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(private readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

interface Leaf {
  slug: string;
  root: string;
  kind: Kind;
}

function flattenTree(): { categories: PlannedCategory[]; leaves: Leaf[] } {
  const categories: PlannedCategory[] = [];
  const leaves: Leaf[] = [];
  const visit = (nodes: readonly CategoryNode[], parentSlug: string | null, root: string | null) => {
    nodes.forEach((node, position) => {
      categories.push({ slug: node.slug, name: node.name, parentSlug, position });
      if (node.kind) leaves.push({ slug: node.slug, root: root ?? node.slug, kind: node.kind });
      if (node.children) visit(node.children, node.slug, root ?? node.slug);
    });
  };
  visit(TREE, null, null);
  return { categories, leaves };
}

/** Whole dollars minus one cent, e.g. 2499: how shops price. */
function shopPrice(dice: Dice, [min, max]: readonly [number, number]): number {
  return Math.max(99, Math.round(dice.int(min, max) / 100) * 100 - 1);
}

function variantOptions(dice: Dice, kind: Kind): { attributes: VariantAttributes; code: string; surcharge: number }[] {
  const colors = dice.shuffled(COLORS).slice(0, dice.int(1, 3));
  const sized = (sizes: readonly string[], step: number) =>
    colors.flatMap(([color, colorCode]) =>
      sizes.map((size, i) => ({
        attributes: { color, size },
        code: `${colorCode}-${size.replace(/[^A-Za-z0-9]/g, '')}`,
        surcharge: i * step,
      })),
    );
  switch (kind.axis) {
    case 'apparel':
      return sized(APPAREL_SIZES, 0).map((o) => ({ ...o, surcharge: o.attributes.size === 'XXL' ? 200 : 0 }));
    case 'shoes':
      return sized(SHOE_SIZES, 0);
    case 'bedding':
      return sized(BED_SIZES, 1000);
    case 'capacity': {
      const capacities = CAPACITIES[kind.prefix] ?? ['Standard'];
      return colors.flatMap(([color, colorCode]) =>
        capacities.map((capacity, i) => ({
          attributes: { color, capacity },
          code: `${colorCode}-${capacity.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`,
          surcharge: i * 500,
        })),
      );
    }
    case 'color':
      return colors.map(([color, colorCode]) => ({ attributes: { color }, code: colorCode, surcharge: 0 }));
  }
}

function planStock(dice: Dice): PlannedStock[] {
  const stock: PlannedStock[] = [];
  for (const warehouse of SEED_WAREHOUSES) {
    const carries = warehouse.country === 'US' ? dice.chance(0.8) : dice.chance(0.45);
    if (!carries) continue;
    // Some rows are sold out on purpose, so out-of-stock paths have data.
    stock.push({ warehouseCode: warehouse.code, quantity: dice.chance(0.08) ? 0 : dice.int(1, 250) });
  }
  if (stock.length === 0) stock.push({ warehouseCode: 'US-EAST-1', quantity: dice.int(1, 250) });
  return stock;
}

function planProduct(index: number, leaves: readonly Leaf[]): PlannedProduct {
  // Each product has its own stream, so product i is the same whatever --products says.
  const dice = new Dice(prng(SEED ^ Math.imul(index + 1, 0x9e3779b1)));
  const leaf = dice.pick(leaves);
  const { kind } = leaf;
  const seller = dice.pick(SELLERS.filter((s) => s.roots.includes(leaf.root)));
  const brandName = dice.pick(BRANDS_BY_ROOT[leaf.root] ?? ['Generic']);
  const adjective = dice.pick(kind.adjectives);
  const noun = dice.pick(kind.nouns);
  const name = `${brandName} ${adjective} ${noun}`;
  const number = String(index + 1).padStart(5, '0');
  const slug = `${slugify(name)}-${number}`;
  const basePrice = shopPrice(dice, kind.price);
  const weight = dice.int(kind.weight[0], kind.weight[1]);

  const options = dice.shuffled(variantOptions(dice, kind)).slice(0, dice.int(1, 4));
  options.sort((a, b) => a.code.localeCompare(b.code));
  const variants = options.map((o) => ({
    sku: `${kind.prefix}-${number}-${o.code}`,
    attributes: o.attributes,
    priceAmount: basePrice + o.surcharge,
    currency: CURRENCY,
    weightGrams: weight,
    active: !dice.chance(0.03),
    stock: planStock(dice),
  }));

  return {
    slug,
    name,
    description: `The ${name.toLowerCase()} by ${brandName}: ${adjective.toLowerCase()} and made to last. Ships from ${seller.name}.`,
    sellerSlug: seller.slug,
    categorySlug: leaf.slug,
    brandSlug: slugify(brandName),
    status: dice.chance(0.05) ? 'inactive' : 'active',
    imageUrl: `https://images.example.com/products/${slug}.jpg`,
    variants,
    ...planRating(dice),
  };
}

function planRating(dice: Dice): { ratingTenths: number | null; reviewCount: number } {
  if (dice.chance(0.15)) return { ratingTenths: null, reviewCount: 0 };
  return { ratingTenths: dice.int(22, 50), reviewCount: dice.int(1, 400) };
}

export function planCatalog({ products }: { products: number }): CatalogPlan {
  if (!Number.isSafeInteger(products) || products < 0) throw new RangeError(`products must be a non-negative integer, got ${products}`);
  const { categories, leaves } = flattenTree();
  const brandNames = [...new Set(Object.values(BRANDS_BY_ROOT).flat())].sort();
  return {
    sellers: SELLERS.map((s) => ({ ...s, roots: [...s.roots] })),
    brands: brandNames.map((name) => ({ slug: slugify(name), name })),
    categories,
    warehouses: SEED_WAREHOUSES.map((w) => ({ ...w, address: { ...w.address } })),
    products: Array.from({ length: products }, (_, i) => planProduct(i, leaves)),
  };
}

// ---------------------------------------------------------------- write

export interface SeedProgress {
  step: 'reference data' | 'products';
  done: number;
  total: number;
}

export interface SeedOptions {
  products?: number;
  /** Rows per INSERT statement. */
  batchSize?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedCount {
  /** Rows this seed describes. */
  planned: number;
  /** Rows this run actually inserted; 0 on a re-run. */
  inserted: number;
}

export type SeedSummary = Record<
  'sellers' | 'brands' | 'categories' | 'warehouses' | 'products' | 'productImages' | 'variants' | 'inventory' | 'movements',
  SeedCount
>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function idMap(rows: readonly { id: string; key: string }[]): Map<string, string> {
  return new Map(rows.map((r) => [r.key, r.id]));
}

function need(map: Map<string, string>, key: string, what: string): string {
  const id = map.get(key);
  if (id === undefined) throw new Error(`seed: ${what} ${key} is missing`);
  return id;
}

/**
 * Writes a deterministic demo catalog. Idempotent: everything is keyed by natural keys
 * (slug, code, sku) and inserted with ON CONFLICT DO NOTHING, so a re-run adds only what is missing
 * and never touches rows that already exist (live stock is left alone).
 */
export async function seedCatalog(db: Kysely<Database>, options: SeedOptions = {}): Promise<SeedSummary> {
  const { products: productCount = 1200, batchSize = 500, onProgress } = options;
  const plan = planCatalog({ products: productCount });
  const count = (planned: number): SeedCount => ({ planned, inserted: 0 });
  const summary: SeedSummary = {
    sellers: count(plan.sellers.length),
    brands: count(plan.brands.length),
    categories: count(plan.categories.length),
    warehouses: count(plan.warehouses.length),
    products: count(plan.products.length),
    productImages: count(plan.products.length),
    variants: count(plan.products.reduce((n, p) => n + p.variants.length, 0)),
    inventory: count(0),
    movements: count(0),
  };
  for (const p of plan.products) {
    for (const v of p.variants) {
      summary.inventory.planned += v.stock.length;
      summary.movements.planned += v.stock.filter((s) => s.quantity !== 0).length;
    }
  }

  const referenceSteps = 4;
  onProgress?.({ step: 'reference data', done: 0, total: referenceSteps });

  const ref = await db.transaction().execute(async (trx) => {
    const sellers = await trx
      .insertInto('sellers')
      .values(plan.sellers.map((s) => ({ slug: s.slug, name: s.name, email: s.email, country: s.country })))
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('id')
      .execute();
    summary.sellers.inserted = sellers.length;
    onProgress?.({ step: 'reference data', done: 1, total: referenceSteps });

    const brands = await trx
      .insertInto('brands')
      .values(plan.brands)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    summary.brands.inserted = brands.length;
    onProgress?.({ step: 'reference data', done: 2, total: referenceSteps });

    // One level at a time: a child needs its parent's id.
    const categoryIds = new Map<string, string>();
    let level = plan.categories.filter((c) => c.parentSlug === null);
    while (level.length > 0) {
      const inserted = await trx
        .insertInto('categories')
        .values(
          level.map((c) => ({
            slug: c.slug,
            name: c.name,
            position: c.position,
            parent_id: c.parentSlug === null ? null : need(categoryIds, c.parentSlug, 'category'),
          })),
        )
        .onConflict((oc) => oc.column('slug').doNothing())
        .returning('id')
        .execute();
      summary.categories.inserted += inserted.length;
      const slugs = level.map((c) => c.slug);
      const rows = await trx.selectFrom('categories').select(['id', 'slug as key']).where('slug', 'in', slugs).execute();
      for (const r of rows) categoryIds.set(r.key, r.id);
      const slugSet = new Set(slugs);
      level = plan.categories.filter((c) => c.parentSlug !== null && slugSet.has(c.parentSlug));
    }
    onProgress?.({ step: 'reference data', done: 3, total: referenceSteps });

    const warehouses = await trx
      .insertInto('warehouses')
      .values(plan.warehouses.map((w) => ({ code: w.code, name: w.name, country: w.country, region: w.region, address: w.address })))
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('id')
      .execute();
    summary.warehouses.inserted = warehouses.length;
    onProgress?.({ step: 'reference data', done: 4, total: referenceSteps });

    return {
      sellers: idMap(
        await trx.selectFrom('sellers').select(['id', 'slug as key']).where('slug', 'in', plan.sellers.map((s) => s.slug)).execute(),
      ),
      brands: idMap(
        await trx.selectFrom('brands').select(['id', 'slug as key']).where('slug', 'in', plan.brands.map((b) => b.slug)).execute(),
      ),
      categories: categoryIds,
      warehouses: idMap(
        await trx
          .selectFrom('warehouses')
          .select(['id', 'code as key'])
          .where('code', 'in', plan.warehouses.map((w) => w.code))
          .execute(),
      ),
    };
  });

  onProgress?.({ step: 'products', done: 0, total: plan.products.length });
  let done = 0;
  for (const batch of chunks(plan.products, batchSize)) {
    // One transaction per batch: stock rows and their opening movements land together or not at all.
    await db.transaction().execute((trx) => seedProductBatch(trx, batch, ref, summary, batchSize));
    done += batch.length;
    onProgress?.({ step: 'products', done, total: plan.products.length });
  }
  return summary;
}

interface ReferenceIds {
  sellers: Map<string, string>;
  brands: Map<string, string>;
  categories: Map<string, string>;
  warehouses: Map<string, string>;
}

async function seedProductBatch(
  trx: Transaction<Database>,
  batch: readonly PlannedProduct[],
  ref: ReferenceIds,
  summary: SeedSummary,
  batchSize: number,
): Promise<void> {
  if (batch.length === 0) return;
  const inserted = await trx
    .insertInto('products')
    .values(
      batch.map((p) => ({
        seller_id: need(ref.sellers, p.sellerSlug, 'seller'),
        category_id: need(ref.categories, p.categorySlug, 'category'),
        brand_id: need(ref.brands, p.brandSlug, 'brand'),
        slug: p.slug,
        name: p.name,
        description: p.description,
        status: p.status,
        rating_tenths: p.ratingTenths,
        review_count: p.reviewCount,
      })),
    )
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .execute();
  summary.products.inserted += inserted.length;

  const productIds = idMap(
    await trx.selectFrom('products').select(['id', 'slug as key']).where('slug', 'in', batch.map((p) => p.slug)).execute(),
  );

  const images = await trx
    .insertInto('product_images')
    .values(
      batch.map((p) => ({
        product_id: need(productIds, p.slug, 'product'),
        url: p.imageUrl,
        alt_text: p.name,
        position: 0,
      })),
    )
    .onConflict((oc) => oc.columns(['product_id', 'position']).doNothing())
    .returning('id')
    .execute();
  summary.productImages.inserted += images.length;

  const variants = batch.flatMap((p) => p.variants.map((v) => ({ product: p, variant: v })));
  for (const chunk of chunks(variants, batchSize)) {
    const rows = await trx
      .insertInto('product_variants')
      .values(
        chunk.map(({ product, variant }) => ({
          product_id: need(productIds, product.slug, 'product'),
          sku: variant.sku,
          attributes: variant.attributes,
          price_amount: variant.priceAmount,
          currency: variant.currency,
          weight_grams: variant.weightGrams,
          active: variant.active,
        })),
      )
      .onConflict((oc) => oc.column('sku').doNothing())
      .returning('id')
      .execute();
    summary.variants.inserted += rows.length;
  }

  const stock = variants.flatMap(({ variant }) =>
    variant.stock.map((s) => ({
      sku: variant.sku,
      warehouse_id: need(ref.warehouses, s.warehouseCode, 'warehouse'),
      on_hand: s.quantity,
    })),
  );
  for (const chunk of chunks(stock, batchSize)) {
    // Only rows created now get an opening movement; an existing row already has its own history.
    const created = await trx
      .insertInto('inventory')
      .values(chunk)
      .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doNothing())
      .returning(['sku', 'warehouse_id', 'on_hand'])
      .execute();
    summary.inventory.inserted += created.length;
    const movements = created
      .filter((row) => row.on_hand !== 0)
      .map((row) => ({
        sku: row.sku,
        warehouse_id: row.warehouse_id,
        quantity_delta: row.on_hand,
        reason: 'initial' as const,
        reference_type: SEED_MOVEMENT_REFERENCE.type,
        reference_id: SEED_MOVEMENT_REFERENCE.id,
      }));
    if (movements.length === 0) continue;
    const written = await trx
      .insertInto('inventory_movements')
      .values(movements)
      .onConflict((oc) => oc.constraint('inventory_movements_dedupe_key').doNothing())
      .returning('id')
      .execute();
    summary.movements.inserted += written.length;
  }
}
