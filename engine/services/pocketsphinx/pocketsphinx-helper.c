/*
 * pocketsphinx-helper: a long-lived streaming speech recogniser process.
 *
 * Why a helper and not pocketsphinx_continuous: that tool cannot read a
 * socket-backed stdin (which is what Node gives a child), and it reloads the
 * models for every run. This program loads the decoder once and then serves
 * any number of utterances over a tiny binary protocol.
 *
 * Input (stdin), a sequence of frames, each:
 *   1 byte  command
 *   4 bytes payload length, little-endian uint32
 *   N bytes payload
 * Commands:
 *   'B' begin utterance   payload: uint32 LE utterance id (echoed in replies)
 *   'A' audio             payload: PCM s16le mono at 16 kHz
 *   'E' end utterance     payload: empty -> replies with a "final" line
 *   'C' cancel utterance  payload: empty -> no reply, result discarded
 *   'S' sync              payload: uint32 LE sequence -> replies {"type":"sync","seq":N}
 *                         once everything before it is decoded (lets the caller
 *                         wait for the decoder to catch up, e.g. in benchmarks)
 *   'M' set CMN state     payload: n float32 LE means [+ 1 float32 LE weight in frames]
 *                         (n = cepstrum size, 13 for en-us). Refused inside an
 *                         utterance. Weight defaults to 500 frames (sphinxbase's
 *                         CMN_WIN, what cmn_live_set uses); 0 makes the next
 *                         utterance's mean replace it outright.
 *   'G' get CMN state     payload: uint32 LE sequence -> replies
 *                         {"type":"cmn","seq":N,"mean":[...],"frames":F}
 *   'Q' quit              payload: empty
 *
 * Output (stdout), one JSON object per line:
 *   {"type":"ready","loadMs":N,"cmnSize":N}
 *   {"type":"partial","utt":N,"text":"..."}   every partial_ms of audio, only when the text changed
 *   {"type":"final","utt":N,"text":"...","decodeMs":N}
 *   {"type":"error","message":"..."}           protocol misuse; the process keeps running
 *
 * Options of our own (anything else goes to pocketsphinx, e.g. -fwdflat no):
 *   -partial_ms N     audio between partial hypotheses (0 disables them)
 *   -cmn_prior a,b,.. initial cepstral mean (n comma-separated values, weight
 *                     500 frames). Needed because -cmninit is overridden by
 *                     the model's feat.params, and because the model's own
 *                     initial state has weight 0: the first utterance is
 *                     normalised by a mean far from the caller's, and the
 *                     next one by the jumpy mean of a single utterance.
 *
 * Cepstral mean normalisation (CMN) is the only decoder state that survives an
 * utterance: sphinxbase subtracts a running mean during the utterance and
 * re-estimates it at its end (live CMN; feat.params says "batch", but
 * sphinxbase switches to live mode whenever audio is streamed).
 *
 * Host byte order is assumed little-endian (x86-64, arm64), which is what the
 * Node side writes.
 */
#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/feat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef MODELDIR
#define MODELDIR "/usr/share/pocketsphinx/model"
#endif

/* A frame larger than this means the stream is out of sync; better to die
 * loudly than to decode garbage. 10 s of audio is far above any sane chunk. */
#define MAX_PAYLOAD (16000 * 2 * 10)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int read_exact(void *buf, size_t n)
{
    return n == 0 || fread(buf, 1, n, stdin) == n;
}

/* JSON-escape into stdout; hypotheses are dictionary words, but a custom
 * dictionary could contain anything. */
static void put_json_string(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            putchar('\\');
            putchar(c);
        } else if (c < 0x20) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
}

static void emit_error(const char *message)
{
    fputs("{\"type\":\"error\",\"message\":", stdout);
    put_json_string(message);
    fputs("}\n", stdout);
    fflush(stdout);
}

static void emit_hyp(const char *type, uint32_t utt, const char *text, double decode_ms)
{
    printf("{\"type\":\"%s\",\"utt\":%u,\"text\":", type, utt);
    put_json_string(text ? text : "");
    if (decode_ms >= 0)
        printf(",\"decodeMs\":%.2f", decode_ms);
    fputs("}\n", stdout);
    fflush(stdout);
}

static uint32_t read_u32le(const void *buf)
{
    const unsigned char *p = buf;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float read_f32le(const void *buf)
{
    uint32_t bits = read_u32le(buf);
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* Sets the running mean and how many frames it counts as. cmn_live_set()
 * always uses CMN_WIN frames; a weight lets the caller restore a saved state
 * exactly or start from scratch. */
static void set_cmn(cmn_t *cmn, const float *mean, float frames)
{
    for (int i = 0; i < cmn->veclen; i++) {
        cmn->cmn_mean[i] = mean[i];
        cmn->sum[i] = mean[i] * frames;
    }
    cmn->nframe = (int32)frames;
}

/* Parses "a,b,c" into exactly n floats; returns 0 on any mismatch. */
static int parse_vector(const char *text, float *out, int n)
{
    const char *p = text;
    for (int i = 0; i < n; i++) {
        char *end;
        out[i] = strtof(p, &end);
        if (end == p)
            return 0;
        p = end;
        if (i < n - 1) {
            if (*p != ',')
                return 0;
            p++;
        }
    }
    return *p == '\0';
}

static void emit_cmn(uint32_t seq, const cmn_t *cmn)
{
    printf("{\"type\":\"cmn\",\"seq\":%u,\"mean\":[", seq);
    for (int i = 0; i < cmn->veclen; i++)
        printf("%s%.5g", i ? "," : "", (double)cmn->cmn_mean[i]);
    printf("],\"frames\":%d}\n", (int)cmn->nframe);
    fflush(stdout);
}

static int has_arg(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    double t0 = now_ms();
    long partial_ms = 200;
    const char *cmn_prior = NULL;

    /* Split our own options from the pocketsphinx ones, and add model
     * defaults the caller did not override. */
    char **ps_argv = calloc((size_t)argc + 16, sizeof(char *));
    int ps_argc = 0;
    ps_argv[ps_argc++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-partial_ms") == 0 && i + 1 < argc) {
            partial_ms = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "-cmn_prior") == 0 && i + 1 < argc) {
            cmn_prior = argv[++i];
        } else {
            ps_argv[ps_argc++] = argv[i];
        }
    }
    if (!has_arg(argc, argv, "-hmm")) {
        ps_argv[ps_argc++] = "-hmm";
        ps_argv[ps_argc++] = MODELDIR "/en-us/en-us";
    }
    if (!has_arg(argc, argv, "-lm") && !has_arg(argc, argv, "-kws") &&
        !has_arg(argc, argv, "-jsgf") && !has_arg(argc, argv, "-keyphrase")) {
        ps_argv[ps_argc++] = "-lm";
        ps_argv[ps_argc++] = MODELDIR "/en-us/en-us.lm.bin";
    }
    if (!has_arg(argc, argv, "-dict")) {
        ps_argv[ps_argc++] = "-dict";
        ps_argv[ps_argc++] = MODELDIR "/en-us/cmudict-en-us.dict";
    }
    /* pocketsphinx logs several kB at load; stdout is our protocol and the
     * caller only needs stderr for real failures. */
    if (!has_arg(argc, argv, "-logfn")) {
        ps_argv[ps_argc++] = "-logfn";
        ps_argv[ps_argc++] = "/dev/null";
    }

    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), ps_argc, ps_argv, FALSE);
    if (config == NULL) {
        fprintf(stderr, "pocketsphinx-helper: invalid arguments\n");
        return 2;
    }
    ps_decoder_t *ps = ps_init(config);
    if (ps == NULL) {
        fprintf(stderr, "pocketsphinx-helper: failed to load models from %s\n", MODELDIR);
        return 3;
    }

    cmn_t *cmn = ps_get_feat(ps)->cmn_struct;
    float *cmn_buf = calloc((size_t)cmn->veclen + 1, sizeof(float));
    if (cmn_prior != NULL) {
        if (!parse_vector(cmn_prior, cmn_buf, cmn->veclen)) {
            fprintf(stderr, "pocketsphinx-helper: -cmn_prior needs %d comma-separated numbers\n", (int)cmn->veclen);
            return 2;
        }
        set_cmn(cmn, cmn_buf, CMN_WIN);
    }

    long sample_rate = (long)cmd_ln_float32_r(config, "-samprate");
    long partial_samples = partial_ms > 0 ? sample_rate * partial_ms / 1000 : 0;

    printf("{\"type\":\"ready\",\"loadMs\":%.1f,\"cmnSize\":%d}\n", now_ms() - t0, (int)cmn->veclen);
    fflush(stdout);

    int16_t *audio = malloc(MAX_PAYLOAD);
    char *last_partial = NULL;
    int in_utt = 0;
    uint32_t utt_id = 0;
    long since_partial = 0;

    for (;;) {
        unsigned char header[5];
        if (!read_exact(header, sizeof header))
            break; /* stdin closed: the parent is gone or done with us */
        uint32_t len = read_u32le(header + 1);
        if (len > MAX_PAYLOAD) {
            fprintf(stderr, "pocketsphinx-helper: frame of %u bytes, stream out of sync\n", len);
            return 4;
        }
        if (!read_exact(audio, len))
            break;

        switch (header[0]) {
        case 'B': {
            if (in_utt)
                ps_end_utt(ps); /* an implicit cancel keeps the decoder usable */
            utt_id = len >= 4 ? read_u32le(audio) : 0;
            if (ps_start_utt(ps) < 0) {
                emit_error("ps_start_utt failed");
                break;
            }
            in_utt = 1;
            since_partial = 0;
            free(last_partial);
            last_partial = NULL;
            break;
        }
        case 'A': {
            if (!in_utt) {
                emit_error("audio outside an utterance");
                break;
            }
            size_t n = len / 2;
            ps_process_raw(ps, audio, n, FALSE, FALSE);
            since_partial += (long)n;
            if (partial_samples > 0 && since_partial >= partial_samples) {
                since_partial = 0;
                const char *hyp = ps_get_hyp(ps, NULL);
                if (hyp && *hyp && (last_partial == NULL || strcmp(hyp, last_partial) != 0)) {
                    free(last_partial);
                    last_partial = strdup(hyp);
                    emit_hyp("partial", utt_id, hyp, -1);
                }
            }
            break;
        }
        case 'E': {
            if (!in_utt) {
                emit_error("end outside an utterance");
                break;
            }
            double t = now_ms();
            ps_end_utt(ps);
            in_utt = 0;
            emit_hyp("final", utt_id, ps_get_hyp(ps, NULL), now_ms() - t);
            break;
        }
        case 'C':
            if (in_utt)
                ps_end_utt(ps);
            in_utt = 0;
            break;
        case 'S':
            printf("{\"type\":\"sync\",\"seq\":%u}\n", len >= 4 ? read_u32le(audio) : 0);
            fflush(stdout);
            break;
        case 'M': {
            size_t n = (size_t)cmn->veclen;
            if (in_utt) {
                emit_error("CMN set inside an utterance");
                break;
            }
            if (len != n * 4 && len != (n + 1) * 4) {
                emit_error("CMN set: wrong vector size");
                break;
            }
            for (size_t i = 0; i < n; i++)
                cmn_buf[i] = read_f32le((unsigned char *)audio + 4 * i);
            float frames = len == (n + 1) * 4 ? read_f32le((unsigned char *)audio + 4 * n) : CMN_WIN;
            /* Above the high-water mark sphinxbase would decay it at once anyway. */
            if (!(frames >= 0 && frames <= CMN_WIN_HWM)) {
                emit_error("CMN set: weight out of range");
                break;
            }
            set_cmn(cmn, cmn_buf, frames);
            break;
        }
        case 'G':
            emit_cmn(len >= 4 ? read_u32le(audio) : 0, cmn);
            break;
        case 'Q':
            goto done;
        default:
            fprintf(stderr, "pocketsphinx-helper: unknown command 0x%02x, stream out of sync\n", header[0]);
            return 4;
        }
    }
done:
    free(last_partial);
    free(cmn_buf);
    free(audio);
    free(ps_argv);
    ps_free(ps);
    cmd_ln_free_r(config);
    return 0;
}
