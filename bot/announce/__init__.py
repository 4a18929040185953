"""New-release announcements: subscriptions, the outbox planner and delivery.

Platform-neutral: adapters hand the delivery loop a sender for their platform.
"""
