'use strict';
/*
 * A default jitsi-meet participant (lib-jitsi-meet in front of jicofo and a bridge), reduced to what
 * the bridge can observe. chromium_client.py drives it through selenium: `window.meetpad`.
 *
 *  - The page is the SDP answerer: the test focus turns the bridge's allocation into an offer
 *    (jingle_sdp.OfferBuilder), the page adds its camera + microphone and answers.
 *  - Local video is VP8 simulcast as lib-jitsi-meet gets it from Chromium: the answer is munged to
 *    three SSRCs in an a=ssrc-group:SIM (low -> high), each with an RTX SSRC in an FID group, the
 *    munged SSRCs are cached per mid / primary so every renegotiation keeps them (SdpSimulcast.ts,
 *    RtxModifier.js), and the sender gets three encodings (scale 4/2/1, 200k/500k/1.5M, TPCUtils.ts).
 *  - With ssrc-rewriting the focus signals no remote sources; VideoSourcesMap / AudioSourcesMap on
 *    the bridge channel add one sendonly m-line per new SSRC to the remote description and
 *    renegotiate (JingleSessionPC.processSourceMap). Without it the focus sends whole offers.
 *  - SenderSourceConstraints switch encodings on and off as TraceablePeerConnection does.
 *  - options.codec picks the sending codec (default VP8, all of the above). The client puts it first
 *    with setCodecPreferences on every video transceiver (TraceablePeerConnection with
 *    CodecSelection's list). AV1 and VP9 are sent as desktop Chrome does by default (TPCUtils full
 *    SVC): the SDP keeps the SIM group of three SSRCs + FIDs, but only the first encoding is active,
 *    with scalabilityMode L3T3_KEY at full resolution; SenderSourceConstraints pick L3T3_KEY /
 *    L2T3_KEY / L1T3 and the scale for the requested height. H264 is simulcast with L1T3 per layer.
 *  - Everything observable is recorded with Date.now() times: messages, maps, renegotiations, the
 *    first time getStats showed packets on each remote SSRC, and a stats snapshot every 250 ms.
 *
 * Nothing here is copied from lib-jitsi-meet; the SDP handling is a small line-based rewrite.
 */
(function () {
    const BRIDGE_CHANNEL_LABEL = 'JVB data channel';
    const BRIDGE_CHANNEL_PROTOCOL = 'http://jitsi.org/protocols/colibri';

    // Simulcast layers low -> high, as lib-jitsi-meet configures VP8 for a 720p camera.
    const SIM_LAYERS = [
        { scaleResolutionDownBy: 4, maxBitrate: 200000 },
        { scaleResolutionDownBy: 2, maxBitrate: 500000 },
        { scaleResolutionDownBy: 1, maxBitrate: 1500000 }
    ];
    const STATS_INTERVAL_MS = 250;

    // Desktop Chrome's codec order (CodecSelection.ts); the client's own codec is moved to the front.
    const DESKTOP_CODEC_ORDER = [ 'AV1', 'VP9', 'VP8', 'H264' ];

    // Per codec (StandardVideoQualitySettings.ts STANDARD_CODEC_SETTINGS): bitrates per quality level,
    // whether the codec runs in full SVC (one encoding, K-SVC) and whether scalabilityMode is set at all.
    const CODEC_SETTINGS = {
        AV1: { svc: true, scalability: true, bitrates: { low: 100000, standard: 300000, high: 1000000 } },
        VP9: { svc: true, scalability: true, bitrates: { low: 100000, standard: 300000, high: 1200000 } },
        H264: { svc: false, scalability: true, bitrates: { low: 400000, standard: 800000, high: 2000000 } },
        VP8: { svc: false, scalability: false, bitrates: { low: 200000, standard: 500000, high: 1500000 } }
    };

    // Height -> quality level (VIDEO_QUALITY_LEVELS), highest first; up to 720p is all a 720p camera needs.
    const QUALITY_LEVELS = [
        { height: 720, level: 'high', mode: 'L3T3_KEY' },
        { height: 360, level: 'standard', mode: 'L2T3_KEY' },
        { height: 1, level: 'low', mode: 'L1T3' }
    ];

    const state = {
        options: null,
        pc: null,
        channel: null,
        stream: null,
        audioTrack: null,
        videoTrack: null,
        tracksAdded: false,
        encodingsConfigured: false,
        queue: Promise.resolve(),
        simCache: new Map(), // mid -> [low, mid, high] primary SSRCs
        rtxCache: new Map(), // primary SSRC -> RTX SSRC
        remoteSsrcs: new Map(), // SSRC -> {owner, source, kind, rtx}
        remoteSources: new Map(), // source name -> SSRC (maps only)
        numRemoteVideo: 0,
        numRemoteAudio: 0,
        candidates: [],
        gatheringComplete: false,
        messages: [], // {t, msg}
        sent: [], // {t, msg}
        maps: [], // {t, kind, mappedSources, newSsrcs, negotiatedAt}
        negotiations: [], // {t, reason, ms}
        firstPacketAt: {}, // SSRC -> {t, previousPoll}
        senderMaxHeight: null,
        statsTimer: null,
        lastStats: null,
        lastPollAt: 0,
        errors: [],
        events: []
    };

    function note(event, detail) {
        state.events.push({ t: Date.now(), event, detail });
        if (state.events.length > 3000) {
            state.events.splice(0, 1000);
        }
    }

    function fail(where, error) {
        const text = `${where}: ${error && error.stack ? error.stack : error}`;

        state.errors.push({ t: Date.now(), text });
        note('error', text);
    }

    // ---------------------------------------------------------------------------------------------
    // SDP, line based
    // ---------------------------------------------------------------------------------------------

    function splitSdp(sdp) {
        const session = [];
        const media = [];

        for (const line of sdp.split(/\r?\n/)) {
            if (!line) {
                continue;
            }
            if (line.startsWith('m=')) {
                media.push([ line ]);
            } else if (media.length) {
                media[media.length - 1].push(line);
            } else {
                session.push(line);
            }
        }

        return { session, media };
    }

    function joinSdp(desc) {
        return `${[ ...desc.session, ...desc.media.flat() ].join('\r\n')}\r\n`;
    }

    function kindOf(section) {
        return section[0].slice(2).split(' ')[0];
    }

    function attribute(section, name) {
        const prefix = `a=${name}:`;
        const line = section.find(l => l.startsWith(prefix));

        return line === undefined ? null : line.slice(prefix.length);
    }

    function directionOf(section) {
        for (const d of [ 'sendrecv', 'sendonly', 'recvonly', 'inactive' ]) {
            if (section.includes(`a=${d}`)) {
                return d;
            }
        }

        return 'sendrecv';
    }

    function parseSsrcLines(section) {
        const out = [];

        for (const line of section) {
            const m = /^a=ssrc:(\d+) ([^:]+)(?::(.*))?$/.exec(line);

            if (m) {
                out.push({ id: Number(m[1]), attribute: m[2], value: m[3] === undefined ? '' : m[3] });
            }
        }

        return out;
    }

    function parseGroups(section) {
        const out = [];

        for (const line of section) {
            const m = /^a=ssrc-group:(\S+) (.*)$/.exec(line);

            if (m) {
                out.push({ semantics: m[1], ssrcs: m[2].trim().split(/\s+/).map(Number) });
            }
        }

        return out;
    }

    function ssrcValue(lines, ssrc, name) {
        const line = lines.find(l => l.id === ssrc && l.attribute === name);

        return line ? line.value : null;
    }

    /** Replaces the section's a=ssrc / a=ssrc-group lines: groups first, then the SSRC lines in group order. */
    function withSsrcs(section, lines, groups) {
        const kept = section.filter(l => !l.startsWith('a=ssrc:') && !l.startsWith('a=ssrc-group:'));
        const order = [];

        for (const g of groups) {
            for (const s of g.ssrcs) {
                order.includes(s) || order.push(s);
            }
        }
        for (const l of lines) {
            order.includes(l.id) || order.push(l.id);
        }
        const sorted = order.flatMap(id => lines.filter(l => l.id === id));

        return [
            ...kept,
            ...groups.map(g => `a=ssrc-group:${g.semantics} ${g.ssrcs.join(' ')}`),
            ...sorted.map(l => `a=ssrc:${l.id} ${l.attribute}:${l.value === null ? '' : l.value}`)
        ];
    }

    function randomSsrc() {
        return Math.floor(Math.random() * 0xfffffffe) + 1;
    }

    function isSendingVideo(section) {
        const d = directionOf(section);

        return kindOf(section) === 'video' && d !== 'recvonly' && d !== 'inactive';
    }

    /** Three primary SSRCs in a SIM group (the first is Chromium's own), cached per mid. */
    function mungeSimulcast(sdp) {
        const desc = splitSdp(sdp);

        desc.media = desc.media.map(section => {
            if (!isSendingVideo(section)) {
                return section;
            }
            const lines = parseSsrcLines(section);
            const ids = [ ...new Set(lines.map(l => l.id)) ];
            const groups = parseGroups(section);

            if (ids.length === 0 || ids.length > 2 || (ids.length === 2 && groups.length === 0)) {
                return section; // no sender yet, or already simulcast
            }
            let primary = ids[0];

            if (ids.length === 2) {
                const fid = groups.find(g => g.semantics === 'FID');

                if (!fid) {
                    return section;
                }
                primary = fid.ssrcs[0];
            }
            const mid = attribute(section, 'mid');
            const cname = ssrcValue(lines, primary, 'cname');
            const msid = ssrcValue(lines, primary, 'msid') || attribute(section, 'msid');
            const cached = state.simCache.get(mid);

            if (cached) {
                // The cached layers with the current msid/cname; RTX is re-added by mungeRtx.
                const cachedLines = cached.flatMap(id => [
                    { id, attribute: 'cname', value: cname },
                    { id, attribute: 'msid', value: msid }
                ]);

                return withSsrcs(section, cachedLines, [ { semantics: 'SIM', ssrcs: cached } ]);
            }
            const layers = [ primary, randomSsrc(), randomSsrc() ];
            const newLines = [ ...lines ];

            for (const id of ids) {
                if (!ssrcValue(newLines, id, 'msid') && msid) {
                    newLines.push({ id, attribute: 'msid', value: msid });
                }
            }
            for (const id of layers.slice(1)) {
                newLines.push({ id, attribute: 'cname', value: cname });
                newLines.push({ id, attribute: 'msid', value: msid });
            }
            state.simCache.set(mid, layers);
            note('simulcast-ssrcs', { mid, layers });

            return withSsrcs(section, newLines, [ ...groups, { semantics: 'SIM', ssrcs: layers } ]);
        });

        return joinSdp(desc);
    }

    /** One RTX SSRC (FID group) per primary video SSRC, cached per primary. */
    function mungeRtx(sdp) {
        const desc = splitSdp(sdp);

        desc.media = desc.media.map(section => {
            if (!isSendingVideo(section)) {
                return section;
            }
            let lines = parseSsrcLines(section);

            if (!lines.length) {
                return section;
            }
            let groups = parseGroups(section);
            const sim = groups.find(g => g.semantics === 'SIM');
            const secondaries = new Set(groups.filter(g => g.semantics === 'FID').map(g => g.ssrcs[1]));
            const primaries = sim ? sim.ssrcs : [ ...new Set(lines.map(l => l.id)) ].filter(id => !secondaries.has(id));

            for (const primary of primaries) {
                const existing = (groups.find(g => g.semantics === 'FID' && g.ssrcs[0] === primary) || { ssrcs: [] })
                    .ssrcs[1];
                let rtx = state.rtxCache.get(primary);

                if (!rtx) {
                    rtx = existing || randomSsrc();
                    state.rtxCache.set(primary, rtx);
                }
                if (existing === rtx) {
                    continue;
                }
                if (existing) {
                    lines = lines.filter(l => l.id !== existing);
                    groups = groups.filter(g => !g.ssrcs.includes(existing));
                }
                lines.push({ id: rtx, attribute: 'cname', value: ssrcValue(lines, primary, 'cname') });
                const msid = ssrcValue(lines, primary, 'msid');

                msid && lines.push({ id: rtx, attribute: 'msid', value: msid });
                groups.push({ semantics: 'FID', ssrcs: [ primary, rtx ] });
            }

            return withSsrcs(section, lines, groups);
        });

        return joinSdp(desc);
    }

    /**
     * A copy of the first m-line of `kind` with a new mid, direction sendonly and only the given SSRC
     * lines (SDP.addMlineForNewSource + updateRemoteSources), added to the BUNDLE group.
     */
    function addRemoteMline(sdp, kind, ssrcs, msid, fid) {
        const desc = splitSdp(sdp);
        const template = desc.media.find(s => kindOf(s) === kind);

        if (!template) {
            throw new Error(`remote description has no ${kind} m-line`);
        }
        const mid = String(desc.media.length);
        const section = template
            .filter(l => !l.startsWith('a=ssrc') && !l.startsWith('a=msid:') && !l.startsWith('a=mid:')
                && ![ 'a=sendrecv', 'a=sendonly', 'a=recvonly', 'a=inactive' ].includes(l));

        section.push(`a=mid:${mid}`, 'a=sendonly');
        fid && section.push(`a=ssrc-group:FID ${fid.join(' ')}`);
        for (const ssrc of ssrcs) {
            section.push(`a=ssrc:${ssrc} msid:${msid}`);
        }
        desc.media.push(section);
        desc.session = desc.session.map(l => (l.startsWith('a=group:BUNDLE') ? `${l} ${mid}` : l));

        return joinSdp(desc);
    }

    /**
     * a=ssrc lines in the order of the groups (primary before its RTX), as lib-jitsi-meet does before
     * every setRemoteDescription (TPCUtils.ensureCorrectOrderOfSsrcs): Chromium takes the first
     * a=ssrc of an m-line as the receive stream's primary SSRC, so RTX-first would lose the video.
     */
    function orderSsrcsByGroups(sdp) {
        const desc = splitSdp(sdp);

        desc.media = desc.media.map(section => {
            const groups = parseGroups(section);

            if (kindOf(section) === 'audio' || !groups.length) {
                return section;
            }

            return withSsrcs(section, parseSsrcLines(section), groups);
        });

        return joinSdp(desc);
    }

    // ---------------------------------------------------------------------------------------------
    // Negotiation (serialised like lib-jitsi-meet's modification queue)
    // ---------------------------------------------------------------------------------------------

    function enqueue(what, work) {
        const run = state.queue.then(work);

        state.queue = run.catch(error => fail(what, error));

        return run;
    }

    async function answer(offerSdp, reason) {
        const pc = state.pc;
        const started = performance.now();

        if (!state.tracksAdded) {
            // lib-jitsi-meet adds the local tracks before the first setRemoteDescription (responder).
            pc.addTrack(state.audioTrack, state.stream);
            pc.addTrack(state.videoTrack, state.stream);
            state.tracksAdded = true;
        }
        await pc.setRemoteDescription({ type: 'offer', sdp: preferCodecs(orderSsrcsByGroups(offerSdp)) });
        applyCodecPreferences();
        const created = await pc.createAnswer();
        let sdp = preferCodecs(created.sdp);

        if (state.options.simulcast) {
            sdp = mungeSimulcast(sdp);
        }
        sdp = mungeRtx(sdp);
        await pc.setLocalDescription({ type: 'answer', sdp });
        if (!state.encodingsConfigured) {
            state.encodingsConfigured = true;
            await configureEncodings();
        }
        state.negotiations.push({ t: Date.now(), reason, ms: performance.now() - started });
        note('negotiated', { reason });

        return pc.localDescription.sdp;
    }

    function videoSender() {
        return state.pc.getSenders().find(s => s.track && s.track.kind === 'video');
    }

    function codecName() {
        return (state.options.codec || 'VP8').toUpperCase();
    }

    function codecSettings() {
        return CODEC_SETTINGS[codecName()] || CODEC_SETTINGS.VP8;
    }

    /** Full SVC (AV1, VP9): one active encoding carrying every spatial and temporal layer. */
    function isFullSvc() {
        return codecSettings().svc;
    }

    /**
     * The client's codec first on every video transceiver, the others in desktop order behind it
     * (TraceablePeerConnection before createAnswer). Chromium sends with the answer's first codec.
     */
    function applyCodecPreferences() {
        const capabilities = RTCRtpReceiver.getCapabilities('video');

        if (!capabilities || typeof RTCRtpTransceiver.prototype.setCodecPreferences !== 'function') {
            return;
        }
        const order = codecOrder();
        const rank = c => {
            const i = order.indexOf(c.mimeType.slice('video/'.length).toUpperCase());

            return i < 0 ? order.length : i;
        };
        const codecs = capabilities.codecs.slice().sort((x, y) => rank(x) - rank(y));

        for (const t of state.pc.getTransceivers()) {
            const kind = (t.sender.track && t.sender.track.kind) || (t.receiver.track && t.receiver.track.kind);

            if (kind === 'video' && t.currentDirection !== 'stopped') {
                t.setCodecPreferences(codecs);
            }
        }
    }

    function codecOrder() {
        return [ codecName(), ...DESKTOP_CODEC_ORDER.filter(c => c !== codecName()) ];
    }

    /**
     * The client's codec order on every video m-line's payload list (TPCUtils.mungeCodecOrder with
     * SDPUtil.preferCodec: each codec's payload types move to the front, RTX stays put). lib-jitsi-meet
     * munges the remote offer too: as the answerer, Chromium sends with the offer's first codec it
     * supports, whatever setCodecPreferences put first in the answer.
     */
    function preferCodecs(sdp) {
        const desc = splitSdp(sdp);

        desc.media = desc.media.map(section => {
            if (kindOf(section) !== 'video') {
                return section;
            }
            const parts = section[0].split(' ');
            let payloads = parts.slice(3);

            for (const codec of codecOrder().slice().reverse()) {
                const matching = section
                    .map(l => /^a=rtpmap:(\d+) ([^/]+)\//.exec(l))
                    .filter(m => m && m[2].toUpperCase() === codec)
                    .map(m => m[1]);

                payloads = [ ...matching, ...payloads.filter(p => !matching.includes(p)) ];
            }

            return [ [ ...parts.slice(0, 3), ...payloads ].join(' '), ...section.slice(1) ];
        });

        return joinSdp(desc);
    }

    /**
     * The active encoding of a full-SVC sender for a requested height (TPCUtils
     * _calculateActiveEncodingParams for a camera): the quality level of the height picks the
     * scalability mode and bitrate; the scale brings the capture down to the height.
     */
    function svcEncoding(maxHeight) {
        const capture = captureHeight();
        const height = Math.min(maxHeight, capture);

        if (height <= 0) {
            return { active: false };
        }
        const quality = QUALITY_LEVELS.find(q => q.height <= height) || QUALITY_LEVELS[QUALITY_LEVELS.length - 1];

        return {
            active: true,
            maxBitrate: codecSettings().bitrates[quality.level],
            scalabilityMode: quality.mode,
            scaleResolutionDownBy: capture / height
        };
    }

    function captureHeight() {
        const settings = state.videoTrack.getSettings();

        return settings.height || state.options.height;
    }

    /** The three simulcast encodings (TPCUtils._getVideoStreamEncodings for a 720p camera). */
    async function configureEncodings() {
        const sender = videoSender();
        const parameters = sender.getParameters();

        note('encodings-before', parameters.encodings);
        if (!parameters.encodings || !parameters.encodings.length) {
            return;
        }
        const layers = state.options.simulcast ? SIM_LAYERS : [ SIM_LAYERS[2] ];
        const settings = codecSettings();

        parameters.encodings.forEach((encoding, i) => {
            if (isFullSvc()) {
                // TPCUtils._getVideoStreamEncodings, full SVC: only the first encoding, all layers in it.
                if (i === 0) {
                    Object.assign(encoding, svcEncoding(captureHeight()));
                } else {
                    encoding.active = false;
                    delete encoding.maxBitrate;
                    delete encoding.scalabilityMode;
                    delete encoding.scaleResolutionDownBy;
                }

                return;
            }
            const layer = layers[i];

            if (!layer) {
                return;
            }
            encoding.active = true;
            encoding.maxBitrate = codecName() === 'VP8' ? layer.maxBitrate
                : [ settings.bitrates.low, settings.bitrates.standard, settings.bitrates.high ][SIM_LAYERS.indexOf(layer)];
            encoding.scaleResolutionDownBy = layer.scaleResolutionDownBy;
            settings.scalability && (encoding.scalabilityMode = 'L1T3');
        });
        parameters.degradationPreference = 'maintain-framerate';
        await sender.setParameters(parameters);
        note('encodings', sender.getParameters().encodings);
        if (state.senderMaxHeight !== null) {
            await applySenderMaxHeight(state.senderMaxHeight);
        }
    }

    /**
     * SenderSourceConstraints: a layer stays on when its height fits, and the lowest layer always
     * (TPCUtils.calculateEncodingsActiveState for a camera); 0 turns every layer off.
     */
    async function applySenderMaxHeight(maxHeight) {
        state.senderMaxHeight = maxHeight;
        const sender = videoSender();

        if (!sender) {
            return;
        }
        const parameters = sender.getParameters();

        if (!parameters.encodings || !parameters.encodings.length) {
            return;
        }
        const height = captureHeight();
        let changed = false;

        if (isFullSvc()) {
            // One encoding: the height picks its mode, scale and bitrate; the others stay off.
            const wanted = svcEncoding(maxHeight);
            const first = parameters.encodings[0];

            for (const key of [ 'active', 'maxBitrate', 'scalabilityMode', 'scaleResolutionDownBy' ]) {
                if (wanted[key] !== undefined && first[key] !== wanted[key]) {
                    first[key] = wanted[key];
                    changed = true;
                }
            }
            changed && await sender.setParameters(parameters);
            note('sender-max-height', { maxHeight, encodings: sender.getParameters().encodings });

            return;
        }

        parameters.encodings.forEach((encoding, i) => {
            const scale = (state.options.simulcast ? SIM_LAYERS[i] : SIM_LAYERS[2]).scaleResolutionDownBy;
            const active = maxHeight > 0 && (height / scale <= maxHeight || scale === SIM_LAYERS[0].scaleResolutionDownBy);

            if (encoding.active !== active) {
                encoding.active = active;
                changed = true;
            }
        });
        if (changed) {
            await sender.setParameters(parameters);
        }
        note('sender-max-height', { maxHeight, active: sender.getParameters().encodings.map(e => e.active) });
    }

    // ---------------------------------------------------------------------------------------------
    // Source maps (ssrc-rewriting)
    // ---------------------------------------------------------------------------------------------

    function processSourceMap(message, kind) {
        const t = Date.now();
        const newSources = [];

        for (const src of message.mappedSources || []) {
            const ssrc = Number(src.ssrc);
            const known = state.remoteSsrcs.get(ssrc);

            if (!known) {
                newSources.push(src);

                // The source's previous SSRC no longer carries it (JingleSessionPC clears the owner).
                const previous = state.remoteSources.get(src.source);
                const old = previous === undefined ? null : state.remoteSsrcs.get(previous);

                if (old && previous !== ssrc && old.source === src.source) {
                    state.remoteSsrcs.set(previous, { ...old, owner: null, source: null });
                }
            }
            const rtx = src.rtx === undefined || String(src.rtx) === '-1' ? null : Number(src.rtx);

            state.remoteSsrcs.set(ssrc, { owner: src.owner, source: src.source, kind, rtx });
            state.remoteSources.set(src.source, ssrc);
        }
        const record = {
            t,
            kind,
            mappedSources: message.mappedSources,
            newSsrcs: newSources.map(s => Number(s.ssrc)),
            negotiatedAt: null
        };

        state.maps.push(record);
        if (!newSources.length) {
            return;
        }
        enqueue(`source map ${kind}`, async () => {
            let sdp = state.pc.remoteDescription.sdp;

            for (const src of newSources) {
                const ssrc = Number(src.ssrc);

                if (kind === 'video') {
                    const idx = ++state.numRemoteVideo;
                    const msid = `remote-video-${idx} remote-video-${idx}`;

                    // lib-jitsi-meet compares rtx with the string '-1'.
                    if (String(src.rtx) !== '-1' && src.rtx !== undefined) {
                        // Written RTX first as lib-jitsi-meet's source-add does; orderSsrcsByGroups fixes it before use.
                        sdp = addRemoteMline(sdp, 'video', [ Number(src.rtx), ssrc ], msid, [ ssrc, Number(src.rtx) ]);
                    } else {
                        sdp = addRemoteMline(sdp, 'video', [ ssrc ], msid, null);
                    }
                } else {
                    const idx = ++state.numRemoteAudio;

                    sdp = addRemoteMline(sdp, 'audio', [ ssrc ], `remote-audio-${idx} remote-audio-${idx}`, null);
                }
            }
            await answer(sdp, `${kind} map`);
            record.negotiatedAt = Date.now();
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Bridge channel
    // ---------------------------------------------------------------------------------------------

    function send(msg) {
        if (!state.channel || state.channel.readyState !== 'open') {
            return false;
        }
        state.channel.send(JSON.stringify(msg));
        state.sent.push({ t: Date.now(), msg });

        return true;
    }

    function onChannelMessage(event) {
        let msg;

        try {
            msg = JSON.parse(event.data);
        } catch (e) {
            msg = { colibriClass: '<unparseable>', raw: String(event.data).slice(0, 200) };
        }
        handleMessage(msg, false);
    }

    function handleMessage(msg, injected) {
        state.messages.push(injected ? { t: Date.now(), msg, injected: true } : { t: Date.now(), msg });
        switch (msg.colibriClass) {
        case 'VideoSourcesMap':
            state.options.ssrcRewriting && processSourceMap(msg, 'video');
            break;
        case 'AudioSourcesMap':
            state.options.ssrcRewriting && processSourceMap(msg, 'audio');
            break;
        case 'SenderSourceConstraints':
            if (typeof msg.maxHeight === 'number' && msg.sourceName === state.options.videoSourceName) {
                enqueue('sender constraints', () => applySenderMaxHeight(msg.maxHeight));
            }
            break;
        default:
            break;
        }
    }

    /** The receiver state the test set (jitsi-meet's subscriber.ts): re-sent whenever the channel opens. */
    function receiverConstraintsMessage() {
        const c = state.options.receiverConstraints;

        return {
            colibriClass: 'ReceiverVideoConstraints',
            lastN: c.lastN,
            defaultConstraints: c.defaultConstraints,
            constraints: c.constraints,
            onStageSources: c.onStageSources,
            selectedSources: c.selectedSources
        };
    }

    /** Re-sends the cached constraints (none until the test set some, as lib-jitsi-meet's RTC). */
    function onChannelOpen() {
        note('channel-open');
        const c = state.options.receiverConstraints;

        if (!c) {
            return;
        }
        send(receiverConstraintsMessage());
        if (c.lastN !== -1) {
            send({ colibriClass: 'LastNChangedEvent', lastN: c.lastN });
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Stats
    // ---------------------------------------------------------------------------------------------

    const INBOUND_FIELDS = [
        'kind', 'mid', 'trackIdentifier', 'packetsReceived', 'packetsLost', 'bytesReceived', 'framesDecoded',
        'framesReceived', 'framesDropped', 'keyFramesDecoded', 'frameWidth', 'frameHeight', 'framesPerSecond',
        'freezeCount', 'totalFreezesDuration', 'pauseCount', 'totalPausesDuration', 'pliCount', 'firCount',
        'nackCount', 'decoderImplementation', 'totalAudioEnergy', 'audioLevel', 'totalSamplesReceived',
        'concealedSamples', 'jitterBufferEmittedCount', 'lastPacketReceivedTimestamp', 'retransmittedPacketsReceived',
        'totalDecodeTime', 'headerBytesReceived'
    ];
    const OUTBOUND_FIELDS = [
        'kind', 'mid', 'rid', 'packetsSent', 'bytesSent', 'frameWidth', 'frameHeight', 'framesPerSecond', 'framesSent',
        'framesEncoded', 'keyFramesEncoded', 'active', 'qualityLimitationReason', 'encoderImplementation',
        'scalabilityMode', 'retransmittedPacketsSent', 'targetBitrate', 'pliCount', 'nackCount', 'firCount'
    ];

    function pick(report, fields) {
        const out = {};

        for (const f of fields) {
            if (report[f] !== undefined) {
                out[f] = report[f];
            }
        }

        return out;
    }

    async function collectStats() {
        if (!state.pc) {
            return null;
        }
        const reports = await state.pc.getStats();
        const now = Date.now();
        const inbound = {};
        const outbound = {};
        const mediaSources = {};
        let transport = null;
        let selectedPairId = null;
        const pairs = {};
        const codecs = {};

        reports.forEach(r => {
            if (r.type === 'inbound-rtp') {
                inbound[r.ssrc] = { ...pick(r, INBOUND_FIELDS), codecId: r.codecId };
            } else if (r.type === 'outbound-rtp') {
                outbound[r.ssrc] = { ...pick(r, OUTBOUND_FIELDS), codecId: r.codecId, mediaSourceId: r.mediaSourceId };
            } else if (r.type === 'media-source') {
                mediaSources[r.id] = pick(r, [ 'kind', 'audioLevel', 'totalAudioEnergy', 'width', 'height', 'framesPerSecond' ]);
            } else if (r.type === 'transport') {
                transport = pick(r, [ 'dtlsState', 'iceState', 'tlsVersion', 'dtlsCipher', 'srtpCipher',
                    'bytesSent', 'bytesReceived', 'packetsSent', 'packetsReceived', 'dtlsRole' ]);
                selectedPairId = r.selectedCandidatePairId;
            } else if (r.type === 'candidate-pair') {
                pairs[r.id] = pick(r, [ 'state', 'nominated', 'availableOutgoingBitrate', 'availableIncomingBitrate',
                    'currentRoundTripTime', 'bytesSent', 'bytesReceived' ]);
            } else if (r.type === 'codec') {
                codecs[r.id] = r.mimeType;
            }
        });
        for (const entry of [ ...Object.values(inbound), ...Object.values(outbound) ]) {
            entry.codec = codecs[entry.codecId] || null;
            delete entry.codecId;
        }
        for (const [ ssrc, entry ] of Object.entries(inbound)) {
            const owner = state.remoteSsrcs.get(Number(ssrc));

            entry.owner = owner ? owner.owner : null;
            entry.source = owner ? owner.source : null;
            if (entry.packetsReceived > 0 && !state.firstPacketAt[ssrc]) {
                state.firstPacketAt[ssrc] = { t: now, previousPoll: state.lastPollAt };
            }
        }
        for (const entry of Object.values(outbound)) {
            const source = mediaSources[entry.mediaSourceId];

            entry.source = source || null;
            delete entry.mediaSourceId;
        }
        const pair = selectedPairId ? pairs[selectedPairId] : Object.values(pairs).find(p => p.nominated);

        state.lastPollAt = now;
        state.lastStats = { t: now, inbound, outbound, transport, pair: pair || null };

        return state.lastStats;
    }

    async function statsLoop() {
        try {
            await collectStats();
        } catch (e) {
            fail('stats', e);
        }
        state.statsTimer = setTimeout(statsLoop, STATS_INTERVAL_MS);
    }

    /**
     * Remote audio plays through an <audio> element, as jitsi-meet attaches it: Chromium pulls
     * (decodes, conceals, measures energy) remote audio only for a rendered track. Video is decoded
     * without a sink, so no <video> elements (they would only cost compositing CPU).
     */
    function onTrack(event) {
        const track = event.track;

        note('track', { kind: track.kind, mid: event.transceiver.mid, id: track.id });
        if (track.kind !== 'audio') {
            return;
        }
        const element = document.createElement('audio');

        element.autoplay = true;
        element.srcObject = new MediaStream([ track ]);
        element.dataset.mid = event.transceiver.mid;
        document.getElementById('tiles').appendChild(element);
        element.play().catch(error => note('audio-play-failed', String(error)));
    }

    // ---------------------------------------------------------------------------------------------
    // The API chromium_client.py calls
    // ---------------------------------------------------------------------------------------------

    window.meetpad = {
        /** getUserMedia (fake devices) and an RTCPeerConnection without ICE servers, max-bundle. */
        async init(options) {
            state.options = options;
            state.stream = await navigator.mediaDevices.getUserMedia({
                audio: true,
                video: {
                    width: { ideal: options.width },
                    height: { ideal: options.height },
                    frameRate: { ideal: options.frameRate, max: options.frameRate }
                }
            });
            state.audioTrack = state.stream.getAudioTracks()[0];
            state.videoTrack = state.stream.getVideoTracks()[0];
            state.audioTrack.enabled = Boolean(options.speaking);
            state.videoTrack.contentHint = 'motion';
            const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });

            state.pc = pc;
            pc.addEventListener('icecandidate', e => {
                if (e.candidate && e.candidate.candidate) {
                    state.candidates.push(e.candidate.candidate);
                } else {
                    state.gatheringComplete = true;
                }
            });
            pc.addEventListener('icegatheringstatechange', () => {
                pc.iceGatheringState === 'complete' && (state.gatheringComplete = true);
            });
            pc.addEventListener('connectionstatechange', () => note('connection', pc.connectionState));
            pc.addEventListener('track', onTrack);
            state.channel = pc.createDataChannel(BRIDGE_CHANNEL_LABEL, { protocol: BRIDGE_CHANNEL_PROTOCOL });
            state.channel.addEventListener('open', onChannelOpen);
            state.channel.addEventListener('close', () => note('channel-close'));
            state.channel.addEventListener('message', onChannelMessage);
            statsLoop();
            const settings = state.videoTrack.getSettings();

            return { width: settings.width, height: settings.height, frameRate: settings.frameRate };
        },

        /** Answers a full offer from the focus (initial, or a source-add without ssrc-rewriting). */
        negotiate(offerSdp, reason) {
            return enqueue('negotiate', () => answer(offerSdp, reason || 'focus offer'));
        },

        /** Remote sources signalled by the focus (no ssrc-rewriting): SSRC -> owner for the stats. */
        setSignalledSources(sources) {
            for (const s of sources) {
                state.remoteSsrcs.set(Number(s.ssrc), { owner: s.owner, source: s.source, kind: s.kind, rtx: s.rtx });
            }
        },

        gatheringState() {
            return { complete: state.gatheringComplete, candidates: state.candidates.slice() };
        },

        localDescription() {
            return state.pc.localDescription ? state.pc.localDescription.sdp : null;
        },

        remoteDescription() {
            return state.pc.remoteDescription ? state.pc.remoteDescription.sdp : null;
        },

        setReceiverConstraints(constraints) {
            state.options.receiverConstraints = constraints;

            return Boolean(constraints) && send(receiverConstraintsMessage());
        },

        setLastN(lastN, constraints) {
            state.options.receiverConstraints = constraints;
            const sent = send(receiverConstraintsMessage());

            send({ colibriClass: 'LastNChangedEvent', lastN });

            return sent;
        },

        sendMessage(msg) {
            return send(msg);
        },

        /** Handles a message as if the bridge had sent it (recorded with injected: true): harness tests. */
        inject(msg) {
            handleMessage(msg, true);
        },

        setSpeaking(speaking) {
            state.audioTrack.enabled = Boolean(speaking);
            note('speaking', speaking);
        },

        async stats() {
            return collectStats();
        },

        /** Everything recorded since the given indexes (messages, sent, maps, events). */
        snapshot(since) {
            const s = since || {};

            return {
                now: Date.now(),
                connectionState: state.pc ? state.pc.connectionState : null,
                iceState: state.pc ? state.pc.iceConnectionState : null,
                channelState: state.channel ? state.channel.readyState : null,
                stats: state.lastStats,
                messages: state.messages.slice(s.messages || 0),
                sent: state.sent.slice(s.sent || 0),
                maps: state.maps,
                negotiations: state.negotiations,
                firstPacketAt: state.firstPacketAt,
                remoteSsrcs: Object.fromEntries(state.remoteSsrcs),
                errors: state.errors,
                senderMaxHeight: state.senderMaxHeight,
                simulcastSsrcs: Object.fromEntries(state.simCache),
                rtxSsrcs: Object.fromEntries(state.rtxCache)
            };
        },

        events() {
            return state.events;
        },

        async encodings() {
            const sender = videoSender();

            return sender ? sender.getParameters().encodings : null;
        },

        close() {
            clearTimeout(state.statsTimer);
            state.pc && state.pc.close();
            state.stream && state.stream.getTracks().forEach(t => t.stop());
        }
    };
}());
