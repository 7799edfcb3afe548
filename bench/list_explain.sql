\echo '== the count before: every row'
EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON) SELECT COUNT(*) FROM items_item;
\echo '== the count now: at most 10,001 rows'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT COUNT(*) FROM (SELECT id FROM items_item LIMIT 10001) s;
\echo '== a page in the default order'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM items_item ORDER BY created_at DESC, id DESC LIMIT 20;
\echo '== ordering=price'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM items_item ORDER BY price, id LIMIT 20;
\echo '== ordering=-name'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM items_item ORDER BY name DESC, id DESC LIMIT 20;
\echo '== currency=USD'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM items_item WHERE currency = 'USD' ORDER BY created_at DESC, id DESC LIMIT 20;
\echo '== the deepest page reached: offset 9,980'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM items_item ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 9980;
\echo '== a tag (each item has 0 to 2 of the 50 tags): its items, newest first'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT i.id FROM items_item i JOIN items_item_tags t ON t.item_id = i.id JOIN items_tag g ON g.id = t.tag_id WHERE UPPER(g.name) = UPPER('tag-1') ORDER BY i.created_at DESC, i.id DESC LIMIT 20;
