-- Admits to this MUC component only users whose JID host is listed in
-- `muc_auth_hosts_only` (a list of domains). It stands in for the community
-- module muc_filter_access that docker-jitsi-meet loads on the internal MUC
-- (muc_filter_whitelist = the auth domain) and that Debian does not ship: the
-- brewery must be closed to anyone but focus and bridge accounts, so a bridge
-- that logs in to the wrong domain is refused exactly as it would be upstream.
--
-- Written for the Meetpad Bridge interop tests (tests/interop/prosody.py).

local st = require "util.stanza";
local jid_host = require "util.jid".host;

local allowed = module:get_option_set("muc_auth_hosts_only", {});

local function refuse(event, what)
	local from = event.stanza.attr.from;
	local host = jid_host(from);
	if host and allowed:contains(host) then
		return nil;
	end
	module:log("info", "refusing %s by %s: host %s is not one of %s", what, tostring(from), tostring(host),
		tostring(allowed));
	event.origin.send(st.error_reply(event.stanza, "auth", "forbidden",
		"Only users of the auth domain may join this MUC", module.host));
	return true;
end

-- Before mod_muc's own checks (room creation restriction, locking): the join
-- is refused no matter whether the room exists yet.
module:hook("muc-room-pre-create", function(event) return refuse(event, "room creation"); end, 100);
module:hook("muc-occupant-pre-join", function(event) return refuse(event, "join"); end, 100);
