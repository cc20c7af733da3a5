// Every Customer node mirrors one PostgreSQL customers row and is found by its id.
CREATE CONSTRAINT customer_id_unique IF NOT EXISTS
FOR (c:Customer)
REQUIRE c.id IS UNIQUE;
