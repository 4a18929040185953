"""Outbound HTTP that stays off the machine's own network.

`policy` says which addresses may be fetched (global unicast only, unless the operator
names a host in FILMBOT_FETCH_ALLOW_HOSTS) and redacts URLs for printing; `client` is the
one way filmbot fetches a URL: every hop of a redirect is checked, names are resolved
once and the connection goes to the addresses that were checked.
"""
