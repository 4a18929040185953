"""Every platform limit filmbot must respect, in one place.

Sources: Discord's API documentation and the Matrix client-server spec, as condensed in
the product brief. Renderers and adapters import these; nothing else hard-codes them.
"""

from __future__ import annotations

# --- Discord -------------------------------------------------------------------------
DISCORD_AUTOCOMPLETE_MAX_CHOICES = 25
DISCORD_COMMAND_DESCRIPTION_MAX = 100
DISCORD_OPTION_DESCRIPTION_MAX = 100
DISCORD_AUTOCOMPLETE_NAME_MAX = 100
DISCORD_SELECT_MAX_OPTIONS = 25
DISCORD_SELECT_LABEL_MAX = 100
DISCORD_SELECT_VALUE_MAX = 100
DISCORD_SELECT_DESCRIPTION_MAX = 100
DISCORD_CUSTOM_ID_MAX = 100
DISCORD_BUTTONS_PER_ROW = 5
DISCORD_BUTTON_LABEL_MAX = 80
DISCORD_MESSAGE_CONTENT_MAX = 2000
DISCORD_EMBEDS_PER_MESSAGE = 10
DISCORD_EMBED_TITLE_MAX = 256
DISCORD_EMBED_DESCRIPTION_MAX = 4096
DISCORD_EMBED_FIELDS_MAX = 25
DISCORD_EMBED_FIELD_NAME_MAX = 256
DISCORD_EMBED_FIELD_VALUE_MAX = 1024
DISCORD_EMBED_FOOTER_MAX = 2048
DISCORD_EMBED_AUTHOR_MAX = 256
DISCORD_EMBEDS_TOTAL_MAX = 6000

# --- Matrix --------------------------------------------------------------------------
MATRIX_COMMAND_PREFIX = "!"
MATRIX_HTML_FORMAT = "org.matrix.custom.html"
# Conservative size for one event's body; the spec caps a whole event at 65,536 bytes.
MATRIX_EVENT_MAX_BYTES = 65536
MATRIX_BODY_SOFT_MAX_BYTES = 32000
# body and formatted_body together; the rest of the 65,536 is left to the content's other
# keys, m.relates_to and what the server adds to the event (ids, hashes, signatures).
MATRIX_CONTENT_SOFT_MAX_BYTES = 60000
# What a formatted_body may use: the spec's allow-list for org.matrix.custom.html without
# tables (Element X does not render them) and images; attributes limited to what we need.
MATRIX_ALLOWED_TAGS = (
    "font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol",
    "sup", "sub", "li", "b", "i", "u", "strong", "em", "s", "code", "hr", "br", "div",
    "pre", "span", "details", "summary",
)  # fmt: skip
MATRIX_ALLOWED_ATTRIBUTES = {"a": ("href",), "span": ("data-mx-spoiler",)}
# Matrix limits only bytes; these readability caps (characters) keep one long review or
# cast list from pushing every other field of a card out of the message.
MATRIX_LINE_MAX = 256  # a card's title, a field's name, a footer
MATRIX_DESCRIPTION_MAX = 4096
MATRIX_FIELD_VALUE_MAX = 2048

# --- filmbot's own choices -----------------------------------------------------------
# How many candidates a disambiguation list shows (fits a Discord select menu).
DISAMBIGUATION_MAX_CHOICES = 10
# Longest label of a disambiguation choice (fits Discord select menus and Matrix lists).
CHOICE_LABEL_MAX = DISCORD_SELECT_LABEL_MAX
# How many suggestions autocomplete offers by default, and their longest label (what a
# Discord autocomplete takes; callers with other limits pass their own).
SUGGESTIONS_MAX = DISCORD_AUTOCOMPLETE_MAX_CHOICES
SUGGESTION_LABEL_MAX = DISCORD_AUTOCOMPLETE_NAME_MAX
# Longest piece of the user's own text quoted back in a reply ("Nothing matches “…”").
ECHO_MAX = 100
# How long a pending `!pick N` choice stays valid.
PICK_TIMEOUT_SECONDS = 5 * 60
# Terminal width the text renderer wraps to.
TERMINAL_WIDTH = 88
# How many cast members a film card lists.
FILM_CARD_CAST_MAX = 8
# Longest piece of spoiler text in one spoiler span: long spoilers are wrapped piece by
# piece, so a limit cuts between pieces (never inside one). Half a Discord field value,
# because escaping markdown can double the length of hostile text.
SPOILER_PIECE_MAX = DISCORD_EMBED_FIELD_VALUE_MAX // 2 - 16
# How many editions `editions` puts side by side (3 rows of 3 on Discord).
COMPARE_MAX_EDITIONS = 9
# How long a Discord command may work before it defers ("thinking…"): well inside the
# 3 s Discord allows for the first response, leaving room for the network.
DISCORD_ANSWER_BUDGET_SECONDS = 2.0
# Per-user cooldown of the expensive Discord commands: uses per window (seconds).
DISCORD_COOLDOWN_RATE = 5
DISCORD_COOLDOWN_SECONDS = 20.0
# Matrix sync: how long a sync request waits for news, and the longest pause between
# retries while the homeserver is unreachable.
MATRIX_SYNC_TIMEOUT_MS = 30_000
MATRIX_RETRY_MAX_SECONDS = 10.0
# Commands older than the bot's start by more than this are history, not questions.
MATRIX_START_SLACK_MS = 2_000
# Seconds a sync may take beyond its own long-poll timeout before it counts as stuck.
MATRIX_SYNC_GRACE_SECONDS = 60.0
# Pages of 100 events fetched to fill a gap when a sync's timeline was cut short.
MATRIX_GAP_PAGES = 10
# Attempts to send one reply through 5xx errors (the same transaction id every time).
MATRIX_SEND_ATTEMPTS = 6
# One syncing process per Matrix account (issue 20): the leader holds a lease in the
# database this long unless it renews it, every MATRIX_LEASE_RENEW_SECONDS; a standby tries
# again when the lease would run out, so it takes over at most this long after the leader's
# last renewal (≤ 8 s after its death, within the 10 s the issue asks). The leader stops
# answering this much before its lease runs out when no renewal got through (clock skew,
# a reply in flight).
MATRIX_LEASE_SECONDS = 8.0
MATRIX_LEASE_RENEW_SECONDS = 2.5
MATRIX_LEASE_MARGIN_SECONDS = 1.0

# --- Announcements ---------------------------------------------------------------------
ANNOUNCE_DEFAULT_TIMEZONE = "UTC"
ANNOUNCE_PLAN_SECONDS = 60.0  # how often new editions and arrived dates are looked for
ANNOUNCE_POLL_SECONDS = 5.0  # an idle delivery loop looks at the outbox this often
# Spacing of sends (on top of each platform's own rate limiter): Discord allows 5 messages
# per 5 s in a channel and 50 requests/s per bot; Synapse's default is 0.2 msg/s with a
# burst of 10 per account, so the Matrix bot's account should be exempted (see README).
ANNOUNCE_SPACING_SECONDS = {"discord": 1 / 45, "matrix": 0.2}
# Sends per second for all processes on one PostgreSQL database together (a shared token
# bucket, bot/store/shared_limits.py): Discord's global limit is 50, some left for answers.
ANNOUNCE_SHARED_RATE = {"discord": 45.0}
# What the shared bucket may hold (unused sends saved up): any one second then sees at most
# rate + burst sends from all processes. A burst of a whole second's rate let four processes
# post 90 in their first second (bench/scale.py): Discord's global 429s, whose retries
# (discord.py's own, outside the budget) kept the bot over the limit for the whole run.
ANNOUNCE_SHARED_BURST = {"discord": 2.0}
# Between two posts in one channel or room: 1.3 s keeps a channel at 4 posts in any 5 s,
# so its bucket never runs dry (at Remaining 0 discord.py waits out the whole reset; the
# benchmark measured 1.0 s spacing at half the throughput of 1.3 s for that reason).
ANNOUNCE_TARGET_SPACING_SECONDS = 1.3
# A process delivering to a channel holds its lease this long unless it renews it (every
# third of it, while the send is in flight); a dead process's channels wait this long.
ANNOUNCE_LEASE_SECONDS = 30.0
ANNOUNCE_CONCURRENCY = 32  # sends in flight at once, each to a different target
ANNOUNCE_RETRY_BASE_SECONDS = 2.0  # a failed send waits 2, 4, 8 ... seconds
ANNOUNCE_RETRY_MAX_SECONDS = 300.0
ANNOUNCE_FAILING_RETRY_SECONDS = 60.0  # no permission: tried again after 1, 2, 4 ... min
ANNOUNCE_FAILING_RETRY_MAX_SECONDS = 3600.0
ANNOUNCE_MANAGE_POWER_LEVEL = 50  # Matrix power level that may change subscriptions
SUBSCRIPTIONS_PER_TARGET_MAX = 10

# --- Release feeds -------------------------------------------------------------------
# How often a feed is polled unless `filmbot feeds add --interval` says otherwise, and
# the bounds an interval may have.
FEED_DEFAULT_INTERVAL_SECONDS = 30 * 60
FEED_MIN_INTERVAL_SECONDS = 60
FEED_MAX_INTERVAL_SECONDS = 7 * 24 * 60 * 60
# A failing feed waits its interval doubled per consecutive failure, up to this (or its
# own interval, when that is longer).
FEED_MAX_BACKOFF_SECONDS = 6 * 60 * 60
# One fetch: the whole request, and the most a feed document may weigh (a release feed
# is some kilobytes to a megabyte; more is a wrong URL or a hostile server).
FEED_TIMEOUT_SECONDS = 30.0
FEED_MAX_BYTES = 5_000_000
# Feeds fetched at the same time by one poll round.
FEED_CONCURRENCY = 4
# The poller's loop looks at the schedule at least this often, so feeds added by
# `filmbot feeds add` in another process are picked up without a restart.
FEED_RECHECK_SECONDS = 60.0
# A poll reads at most this many of a feed's items: the first ones, as feeds list the
# newest first (a release feed holds tens; a feed of thousands is broken or hostile).
FEED_MAX_ITEMS_PER_POLL = 500

# --- Outbound HTTP (bot/net) ----------------------------------------------------------
# Redirects followed by hand, each hop checked like the first request.
FETCH_MAX_REDIRECTS = 5
