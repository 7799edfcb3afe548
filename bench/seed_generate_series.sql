-- Items for bench/list_cost.py, seeded in seconds: psql ... -v n=1000000 -f seed_generate_series.sql
-- (1,000,000 items: about 1.5 minutes). Run on a migrated, empty database of a generated project.
-- :n items, 1000 collections of 100 owners, 50 tags, item i has tags (i%3) of them.
INSERT INTO users_user (password, is_superuser, username, first_name, last_name, is_staff, is_active, date_joined, email, display_name)
SELECT '!', false, 'user' || g, '', '', false, true, now(), 'user' || g || '@example.com', '' FROM generate_series(1, 100) g;
INSERT INTO items_collection (owner_id, name, created_at)
SELECT (SELECT min(id) FROM users_user) + (g % 100), 'collection ' || g, now() FROM generate_series(1, 1000) g;
INSERT INTO items_tag (name) SELECT 'tag-' || g FROM generate_series(1, 50) g;
INSERT INTO items_item (collection_id, created_by_id, name, price, currency, metadata, created_at, updated_at)
SELECT (SELECT min(id) FROM items_collection) + (g % 1000), (SELECT min(id) FROM users_user) + (g % 100),
       'item ' || md5(g::text), (g % 100000) / 100.0, (ARRAY['EUR','USD','GBP'])[1 + g % 3], '{}',
       now() - make_interval(secs => (:n - g)), now()
FROM generate_series(1, :n) g;
INSERT INTO items_item_tags (item_id, tag_id)
SELECT i.id, (SELECT min(id) FROM items_tag) + ((i.id + k) % 50) FROM items_item i, generate_series(1, 2) k WHERE k <= i.id % 3;
-- What autovacuum does to a live table after a bulk insert: statistics, and the visibility map
-- without which every index-only scan still reads the table.
VACUUM ANALYZE;
