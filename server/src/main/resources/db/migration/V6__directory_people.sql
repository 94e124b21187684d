-- The directory's read view for the other modules: who is registered in a tenant, their role and whether they
-- are active. The ledger joins it (the admin table searches and sorts names and balances in one query on
-- tenants of 100,000 users, which needs one statement, not a call per user) but never reads the directory's
-- table itself, so the directory may change how it stores people (password hashes, SSO subjects, SCIM ids)
-- without touching the ledger. A plain view: PostgreSQL flattens it into each query, indexes included.
create view people as
select tenant_id, id, name, email, role, active, search_text
  from users;
