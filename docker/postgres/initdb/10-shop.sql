-- Demo tables for docker/compose.yaml (runs once, when the data directory is created).
CREATE TABLE public.customers (
  id         bigserial PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.orders (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES public.customers (id),
  total       numeric(12, 2) NOT NULL,
  status      text NOT NULL DEFAULT 'new',
  ordered_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.customers (email, name) VALUES
  ('ada@example.com', 'Ada Lovelace'),
  ('alan@example.com', 'Alan Turing'),
  ('grace@example.com', 'Grace Hopper');

INSERT INTO public.orders (customer_id, total) VALUES (1, 12.50), (2, 99.00), (3, 7.25);
