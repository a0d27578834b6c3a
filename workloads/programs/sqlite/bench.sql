-- mmbench program input: a SQL script for sqlite3. The row count comes from
-- the command line: sqlite3 -cmd ".parameter set @n N" DB < bench.sql.
-- Bulk inserts, an index build, a join with aggregation, deletes, vacuum.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -16384;
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city INTEGER);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, amount INTEGER, note TEXT);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < @n / 10)
INSERT INTO customers SELECT x, 'customer-' || x || '-' || hex(x * 7919), x % 97 FROM c;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < @n)
INSERT INTO orders SELECT x, 1 + (x * 48271) % (@n / 10), (x * 16807) % 10007,
  printf('order %d of %s', x, substr(hex(randomblob(0)) || hex(x * 2654435761), 1, 24)) FROM c;
COMMIT;
CREATE INDEX orders_customer ON orders (customer, amount);
CREATE INDEX customers_city ON customers (city);
SELECT 'join', count(*), sum(o.amount) FROM customers c JOIN orders o ON o.customer = c.id WHERE c.city < 50;
SELECT 'top', c.city, sum(o.amount) AS s FROM customers c JOIN orders o ON o.customer = c.id
  GROUP BY c.city ORDER BY s DESC, c.city LIMIT 3;
SELECT 'names', count(DISTINCT substr(name, 1, 12)), max(length(note)) FROM customers, orders WHERE customers.id = orders.customer AND orders.amount < 100;
DELETE FROM orders WHERE amount % 3 = 0;
UPDATE customers SET name = name || '-updated' WHERE city % 5 = 0;
SELECT 'after', count(*), sum(amount) FROM orders;
VACUUM;
SELECT 'done', (SELECT count(*) FROM customers), (SELECT count(*) FROM orders);
