/** The demo shop's data: identical on blue and green, so only code changes show up in a replay. */
export interface Product {
  id: number;
  name: string;
  price: number;
  currency: 'EUR';
  tags: string[];
  rating: number;
}

export interface Order {
  id: number;
  status: 'open' | 'shipped' | 'delivered';
  lines: Array<{ sku: string; productId: number; quantity: number; unitPrice: number }>;
  createdAt: string;
}

export interface Store {
  id: string;
  city: string;
  opens: string;
  closes: string;
}

const NAMES = ['kettle', 'teapot', 'mug', 'grinder', 'scale', 'filter', 'carafe', 'tray', 'spoon', 'tin'];

export const products: Product[] = Array.from({ length: 40 }, (_, i) => ({
  id: i + 1,
  name: `${NAMES[i % NAMES.length]} ${Math.floor(i / NAMES.length) + 1}`,
  price: Math.round((5 + ((i * 37) % 90) + ((i * 13) % 100) / 100) * 100) / 100,
  currency: 'EUR',
  tags: i % 3 === 0 ? ['kitchen', 'gift'] : ['kitchen'],
  rating: 3 + ((i * 7) % 20) / 10,
}));

export const orders: Order[] = Array.from({ length: 60 }, (_, i) => ({
  id: 1000 + i,
  status: (['open', 'shipped', 'delivered'] as const)[i % 3] ?? 'open',
  lines: Array.from({ length: 1 + (i % 4) }, (_, j) => {
    const product = products[(i * 3 + j * 7) % products.length] as Product;
    return {
      sku: `SKU-${product.id}-${j}`,
      productId: product.id,
      quantity: 1 + ((i + j) % 3),
      unitPrice: product.price,
    };
  }),
  createdAt: new Date(Date.UTC(2026, 10, 1 + (i % 25), 9 + (i % 8), (i * 7) % 60)).toISOString(),
}));

export const stores: Store[] = [
  { id: '3f2b8c1e-7a4d-4e8f-9b1a-2c3d4e5f6a7b', city: 'Lisbon', opens: '08:00', closes: '20:00' },
  { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', city: 'Porto', opens: '09:00', closes: '19:00' },
];
