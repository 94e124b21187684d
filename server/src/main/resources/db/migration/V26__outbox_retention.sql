-- The outbox clean-up (OutboxCleanup) deletes finished deliveries and then the events no delivery refers to any
-- more, oldest first: these let it find both without reading the whole tables.
create index webhook_deliveries_of_event on webhook_deliveries (tenant_id, event_id);
create index webhook_events_by_age on webhook_events (created_at);
create index webhook_deliveries_finished on webhook_deliveries (created_at) where status <> 'PENDING';
