// meetpad: appended to config.js by the web container on every start (docker-compose.yml mounts
// this file as /config/custom-config.js). One switch per line, so widening one is a one-line change.

// Etherpad at the centre: every room opens the pad of the same name when you join.
config.openSharedDocumentOnJoin = true;

// Clients keep jitsi-meet's defaults: SSRC rewriting and VP8 simulcast (meetpad-bridge maps sources
// and picks one layer per receiver, as jitsi-videobridge does). Codecs are restricted on the jicofo
// side (config/jicofo/custom-jicofo.conf) to VP8 and Opus until the bridge selects AV1/VP9 SVC layers.
