// meetpad: appended to config.js by the web container on every start (docker-compose.yml mounts
// this file as /config/custom-config.js). One switch per line, so widening one is a one-line change.

// Etherpad at the centre: every room opens the pad of the same name when you join.
config.openSharedDocumentOnJoin = true;

// Offer only what meetpad-bridge forwards correctly today (docs/deployment.md, "What clients are
// offered"). Until the bridge rewrites SSRCs and selects simulcast layers:
// - no SSRC rewriting: jicofo then signals every sender's real SSRCs to the receivers;
config.flags = config.flags || {};
config.flags.ssrcRewritingEnabled = false;
// - no simulcast: each camera is sent as one VP8 stream, which every receiver can decode.
config.disableSimulcast = true;
// Codecs are restricted on the jicofo side (config/jicofo/custom-jicofo.conf): VP8 and Opus only.
