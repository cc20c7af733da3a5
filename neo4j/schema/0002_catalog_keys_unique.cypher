// Catalog nodes mirror PostgreSQL rows and are found by their id; categories by their name.
CREATE CONSTRAINT product_id_unique IF NOT EXISTS
FOR (p:Product)
REQUIRE p.id IS UNIQUE;

CREATE CONSTRAINT content_id_unique IF NOT EXISTS
FOR (c:Content)
REQUIRE c.id IS UNIQUE;

CREATE CONSTRAINT campaign_id_unique IF NOT EXISTS
FOR (k:Campaign)
REQUIRE k.id IS UNIQUE;

CREATE CONSTRAINT category_name_unique IF NOT EXISTS
FOR (c:Category)
REQUIRE c.name IS UNIQUE;
