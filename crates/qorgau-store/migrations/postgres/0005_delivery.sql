-- Delivery of orders and letters (docs/delivery.md): where resource owners and
-- staff are reached. The webhook secret signs every delivery, so it is kept as
-- issued (it is shown to the owner once); on rotation the previous secret
-- keeps signing beside the new one until `webhook_previous_until`.
ALTER TABLE resource_owners ADD COLUMN email TEXT;
ALTER TABLE resource_owners ADD COLUMN webhook_url TEXT;
ALTER TABLE resource_owners ADD COLUMN webhook_secret TEXT;
ALTER TABLE resource_owners ADD COLUMN webhook_previous_secret TEXT;
ALTER TABLE resource_owners ADD COLUMN webhook_previous_until BIGINT;   -- ms since 1970 UTC

-- Reminders of deadlines go to staff who gave an address.
ALTER TABLE staff ADD COLUMN email TEXT;

-- The dead-letter list: deliveries given up, newest first.
CREATE INDEX jobs_failed ON jobs (status, updated_at);
