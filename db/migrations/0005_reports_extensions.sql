-- Trigram similarity for report titles (pg_trgm: a contrib extension in PostgreSQL, loaded by infra/db/pglite-server.ts in PGlite).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
