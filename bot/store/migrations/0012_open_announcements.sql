-- 0012: the announcements still to deliver, indexed apart from the delivered ones.
--
-- Every delivery pass reads each channel's first undelivered item (a post, or the edit of
-- a posted one whose date moved). With announcements_due alone that read walked every
-- item the channel was ever sent; this partial index holds only the open ones, which the
-- read names with the same condition (bot/store/announcements.py, outbox_leases.py).
CREATE INDEX announcements_open ON announcements(subscription_id, id)
    WHERE state = 'pending' OR posted_date IS NOT release_date;
