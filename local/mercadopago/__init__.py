"""A local Mercado Pago (dev and tests only, never deployed): users/me, Checkout Pro preferences, payments, refunds,
a checkout page and signed notifications. Written from Mercado Pago's documentation; imports nothing from billing."""
