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
 *   'L' bias the LM       payload: uint32 LE sequence, float32 LE weight (0..1),
 *                         then an ARPA language model as text (<= MAX_BIAS_ARPA
 *                         bytes). The decoder then searches the general model
 *                         and this one interpolated, P = (1-w) Pgeneral + w Pbias,
 *                         so free speech is still heard. No ARPA text (or weight
 *                         0) goes back to the general model alone. Refused inside
 *                         an utterance. Replies
 *                         {"type":"bias","seq":N,"words":K,"oov":[...],"loadMs":T,"cached":B}
 *                         (oov: its words the dictionary cannot pronounce, which
 *                         the search therefore never proposes; cached: the zygote
 *                         had already built this model, see 'B' below, so it was
 *                         only switched to) or
 *                         {"type":"error","seq":N,"message":"..."}.
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
 *   -zygote SOCKET    load the models, then fork a ready decoder per request
 *                     instead of serving one: see run_zygote() below.
 *   -cmn_prior_frames N
 *                     the weight of -cmn_prior in frames (default 500): how
 *                     many frames of a caller's speech it takes to move it
 *                     halfway to theirs.
 *   -cmn_adapt_frames N
 *                     re-estimate the cepstral mean every N frames (10 ms
 *                     each) during an utterance, not only at its end; 0 (the
 *                     default) keeps sphinxbase's behaviour. See adapt_cmn().
 *
 * Cepstral mean normalisation (CMN) is the only acoustic state that survives
 * an utterance: sphinxbase subtracts a running mean during the utterance and
 * re-estimates it at its end (live CMN; feat.params says "batch", but
 * sphinxbase switches to live mode whenever audio is streamed), so a
 * session's turns keep adapting to its caller. -cmn_adapt_frames also
 * re-estimates it during an utterance. The other state a session may change
 * is the language model ('L').
 *
 * Host byte order is assumed little-endian (x86-64, arm64), which is what the
 * Node side writes.
 */
/* memfd_create: the bias LM is parsed from memory, never from a temp file. */
#define _GNU_SOURCE
#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/ngram_model.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MODELDIR
#define MODELDIR "/usr/share/pocketsphinx/model"
#endif

/* A frame larger than this means the stream is out of sync; better to die
 * loudly than to decode garbage. 10 s of audio is far above any sane chunk. */
#define MAX_PAYLOAD (16000 * 2 * 10)
/* A bias LM is a few hundred phrases; 256 KiB of ARPA is thousands. Bigger
 * would make every session's search set-up slow. */
#define MAX_BIAS_ARPA (256 * 1024)
#define MAX_OOV_REPORTED 50

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

static int write_all_fd(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t put = write(fd, buf, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return 0;
        buf += put;
        n -= (size_t)put;
    }
    return 1;
}

static void emit_cmn(uint32_t seq, const cmn_t *cmn)
{
    printf("{\"type\":\"cmn\",\"seq\":%u,\"mean\":[", seq);
    for (int i = 0; i < cmn->veclen; i++)
        printf("%s%.5g", i ? "," : "", (double)cmn->cmn_mean[i]);
    printf("],\"frames\":%d}\n", (int)cmn->nframe);
    fflush(stdout);
}

/* What one decoder serves with: the models, and how it adapts to its caller. */
typedef struct {
    ps_decoder_t *ps;
    cmn_t *cmn;
    float *cmn_buf;
    long partial_samples;
    /* Samples between in-utterance CMN re-estimates (0: only at the end). */
    long cmn_adapt_samples;
    /* The search the decoder was configured with, and its n-gram model
     * (NULL for keyword or grammar searches): what a bias is mixed into. */
    char *general_search;
    ngram_model_t *general_lm;
} decoder_t;

static int has_arg(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

/* sphinxbase's live CMN subtracts the running mean but only recomputes it at
 * the end of an utterance (or when 800 frames have piled up). So a first turn
 * from a channel far from the prior (telephone band, quiet or noisy mic) is
 * decoded entirely against the prior. The running sums are kept per frame
 * anyway; dividing them now lets the rest of the utterance use what its start
 * taught. The weight (nframe) is untouched, so the end-of-utterance update
 * and its decay behave exactly as before. */
static void adapt_cmn(cmn_t *cmn)
{
    if (cmn->nframe <= 0)
        return;
    for (int i = 0; i < cmn->veclen; i++)
        cmn->cmn_mean[i] = cmn->sum[i] / cmn->nframe;
}

static void emit_seq_error(uint32_t seq, const char *message)
{
    printf("{\"type\":\"error\",\"seq\":%u,\"message\":", seq);
    put_json_string(message);
    fputs("}\n", stdout);
    fflush(stdout);
}

/* Parses ARPA text with sphinxbase. Its reader takes a path, so the text goes
 * into an anonymous memory file: nothing on disk to clean up or to collide
 * between forked decoders. */
static ngram_model_t *read_arpa(decoder_t *d, const char *arpa, size_t n)
{
    int fd = memfd_create("parley-bias-lm", MFD_CLOEXEC);
    if (fd < 0)
        return NULL;
    ngram_model_t *lm = NULL;
    if (write_all_fd(fd, arpa, n)) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        lm = ngram_model_read(ps_get_config(d->ps), path, NGRAM_ARPA,
                              logmath_retain(ps_get_logmath(d->ps)));
    }
    close(fd);
    return lm;
}

/* sphinxbase's ARPA reader trusts its input: some malformed files crash it
 * (a unigram section shorter than its header says is a segfault). A bias LM
 * comes from a graph, so it is parsed first in a throwaway child; only text
 * that child survived is parsed here. A fork of this process costs a few ms. */
static int arpa_parses_safely(decoder_t *d, const char *arpa, size_t n)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        alarm(10); /* a reader stuck in a loop counts as a failure too */
        _exit(read_arpa(d, arpa, n) != NULL ? 0 : 1);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return 0;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Replies with the bias LM's size and the words the dictionary lacks. */
static void emit_bias(decoder_t *d, uint32_t seq, ngram_model_t *lm, double load_ms, int cached)
{
    int32 words = lm ? (int32)ngram_model_get_counts(lm)[0] : 0;
    printf("{\"type\":\"bias\",\"seq\":%u,\"words\":%d,\"oov\":[", seq, (int)words);
    int reported = 0;
    for (int32 wid = 0; wid < words && reported < MAX_OOV_REPORTED; wid++) {
        const char *word = ngram_word(lm, wid);
        if (word == NULL || word[0] == '<') /* <s>, </s>, <unk> */
            continue;
        char *phones = ps_lookup_word(d->ps, word);
        if (phones == NULL) {
            fputs(reported++ ? "," : "", stdout);
            put_json_string(word);
        }
        free(phones);
    }
    printf("],\"loadMs\":%.2f,\"cached\":%s}\n", load_ms, cached ? "true" : "false");
    fflush(stdout);
}

/* Bias models the zygote built ('B'), by search name. Forked decoders inherit
 * the table with the searches, so they find them here. */
#define MAX_ZYGOTE_BIASES 16
static struct {
    char name[32];
    ngram_model_t *lm; /* the bias model alone, for the report */
} prepared_biases[MAX_ZYGOTE_BIASES];
static int prepared_count;

static ngram_model_t *prepared_bias(const char *name)
{
    for (int i = 0; i < prepared_count; i++)
        if (strcmp(prepared_biases[i].name, name) == 0)
            return prepared_biases[i].lm;
    return NULL;
}

/* The name a bias model is cached under in the zygote: its weight and text,
 * hashed (64-bit FNV-1a), so a decoder asked for the same bias finds it. */
static void bias_search_name(float weight, const char *arpa, size_t n, char out[32])
{
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *w = (const unsigned char *)&weight;
    for (size_t i = 0; i < sizeof weight; i++)
        h = (h ^ w[i]) * 1099511628211ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)arpa[i]) * 1099511628211ULL;
    snprintf(out, 32, "bias-%016llx", (unsigned long long)h);
}

/* Interpolates `arpa` into the general model at `weight` and registers the
 * result as search `name` (not switched to). Returns NULL or what was wrong;
 * on success *bias_lm holds a reference to the bias model, for the report. */
static const char *build_bias_search(decoder_t *d, const char *name, float weight,
                                     const char *arpa, size_t arpa_len, ngram_model_t **bias_lm)
{
    ngram_model_t *lm = arpa_parses_safely(d, arpa, arpa_len) ? read_arpa(d, arpa, arpa_len) : NULL;
    if (lm == NULL)
        return "bias: not a valid ARPA language model";
    /* The set frees its members with itself; the general model must outlive it. */
    ngram_model_t *models[2] = { ngram_model_retain(d->general_lm), lm };
    char *names[2] = { "general", "bias" };
    float32 weights[2] = { 1 - weight, weight };
    ngram_model_t *set = ngram_model_set_init(ps_get_config(d->ps), models, names, weights, 2);
    if (set == NULL) {
        ngram_model_free(models[0]);
        ngram_model_free(lm);
        return "bias: cannot interpolate the language models";
    }
    ngram_model_retain(lm);
    int failed = ps_set_lm(d->ps, name, set) < 0;
    ngram_model_free(set); /* the search holds its own reference */
    if (failed) {
        ngram_model_free(lm);
        return "bias: the decoder refused the interpolated language model";
    }
    *bias_lm = lm;
    return NULL;
}

/* An 'L' or zygote 'B' payload, read and checked. */
typedef struct {
    uint32_t seq;
    float weight;
    const char *arpa;
    size_t arpa_len;
    const char *problem; /* NULL, or what was wrong */
} bias_request_t;

static bias_request_t read_bias_request(decoder_t *d, const unsigned char *payload, uint32_t len)
{
    bias_request_t r = {
        .seq = len >= 4 ? read_u32le(payload) : 0,
        .weight = len >= 8 ? read_f32le(payload + 4) : 0,
        .arpa = (const char *)payload + 8,
        .arpa_len = len >= 8 ? len - 8 : 0,
        .problem = NULL,
    };
    if (len < 8)
        r.problem = "bias: payload needs a sequence number and a weight";
    else if (d->general_lm == NULL)
        r.problem = "bias: this decoder has no n-gram language model to bias";
    else if (r.arpa_len > 0 && r.weight != 0 && !(r.weight > 0 && r.weight < 1))
        r.problem = "bias: weight must be between 0 and 1 (exclusive)";
    else if (r.arpa_len > MAX_BIAS_ARPA)
        r.problem = "bias: ARPA text larger than 256 KiB";
    return r;
}

/* 'L': see the protocol comment at the top. A model the zygote built before
 * this decoder was forked ('B') is only switched to: no parsing, no search
 * to build, and its memory stays shared with the zygote. */
static void set_bias(decoder_t *d, const unsigned char *payload, uint32_t len)
{
    double t = now_ms();
    bias_request_t r = read_bias_request(d, payload, len);
    const char *problem = r.problem;
    if (problem != NULL) {
        emit_seq_error(r.seq, problem);
        return;
    }
    /* Never leave the decoder on a search that is about to be replaced:
     * replacing it frees it. */
    ps_set_search(d->ps, d->general_search);
    if (r.arpa_len == 0 || r.weight == 0) {
        ps_unset_search(d->ps, "bias");
        emit_bias(d, r.seq, NULL, now_ms() - t, 0);
        return;
    }
    char cached_name[32];
    bias_search_name(r.weight, r.arpa, r.arpa_len, cached_name);
    ngram_model_t *cached = prepared_bias(cached_name);
    if (cached != NULL && ps_set_search(d->ps, cached_name) == 0) {
        emit_bias(d, r.seq, cached, now_ms() - t, 1);
        return;
    }
    ngram_model_t *lm = NULL;
    problem = build_bias_search(d, "bias", r.weight, r.arpa, r.arpa_len, &lm);
    if (problem == NULL && ps_set_search(d->ps, "bias") < 0)
        problem = "bias: the decoder refused the interpolated language model";
    if (problem != NULL) {
        ps_set_search(d->ps, d->general_search);
        emit_seq_error(r.seq, problem);
    } else {
        emit_bias(d, r.seq, lm, now_ms() - t, 0);
    }
    if (lm != NULL)
        ngram_model_free(lm);
}

/* Decodes utterances from stdin until it closes or says 'Q'. Returns the exit status. */
static int serve(decoder_t *d)
{
    ps_decoder_t *ps = d->ps;
    cmn_t *cmn = d->cmn;
    float *cmn_buf = d->cmn_buf;
    long partial_samples = d->partial_samples;
    int16_t *audio = malloc(MAX_PAYLOAD + MAX_BIAS_ARPA + 8);
    long since_cmn = 0;
    char *last_partial = NULL;
    int in_utt = 0;
    uint32_t utt_id = 0;
    long since_partial = 0;
    int status = 0;

    for (;;) {
        unsigned char header[5];
        if (!read_exact(header, sizeof header))
            break; /* stdin closed: the parent is gone or done with us */
        uint32_t len = read_u32le(header + 1);
        if (len > MAX_PAYLOAD + (header[0] == 'L' ? MAX_BIAS_ARPA + 8 : 0)) {
            fprintf(stderr, "pocketsphinx-helper: frame of %u bytes, stream out of sync\n", len);
            status = 4;
            goto done;
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
            since_cmn = 0;
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
            since_cmn += (long)n;
            if (d->cmn_adapt_samples > 0 && since_cmn >= d->cmn_adapt_samples) {
                since_cmn = 0;
                adapt_cmn(cmn);
            }
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
        case 'L':
            if (in_utt)
                emit_seq_error(len >= 4 ? read_u32le(audio) : 0, "bias set inside an utterance");
            else
                set_bias(d, (const unsigned char *)audio, len);
            break;
        case 'Q':
            goto done;
        default:
            fprintf(stderr, "pocketsphinx-helper: unknown command 0x%02x, stream out of sync\n", header[0]);
            status = 4;
            goto done;
        }
    }
done:
    free(last_partial);
    free(audio);
    return status;
}

static void emit_ready(double load_ms, const cmn_t *cmn)
{
    printf("{\"type\":\"ready\",\"loadMs\":%.1f,\"cmnSize\":%d}\n", load_ms, (int)cmn->veclen);
    fflush(stdout);
}

/* ---- zygote mode ---------------------------------------------------------
 *
 * Loading the models costs ~0.25 s of CPU and ~90 MB per process; a burst of
 * sessions paid it once each, all at the same time. With -zygote SOCKET the
 * helper loads them once and then only forks: each child is a decoder with
 * the models already in memory (shared copy-on-write with the zygote, since
 * decoding only reads them), connected to the parent through SOCKET.
 *
 * Zygote input (stdin), frames as above:
 *   'F' fork     payload: a token (<= 64 bytes, [0-9a-f]) -> replies
 *                {"type":"forked","token":"..","pid":N} or
 *                {"type":"forkFailed","token":"..","error":".."}
 *   'B' build a bias model once for every later child: the payload of 'L'.
 *                Replies like 'L' ({"type":"bias",...} or {"type":"error",...}).
 *                A child forked after it that is asked for the same bias ('L'
 *                with the same weight and text) switches to it at once instead
 *                of building it (~0.5 s of CPU per decoder). At most
 *                MAX_ZYGOTE_BIASES distinct models are kept.
 *   'Q' quit     (children keep running; so does stdin EOF)
 * Zygote output (stdout), JSON lines:
 *   {"type":"zygote","loadMs":N,"cmnSize":N}     models loaded, ready to fork
 *   {"type":"exit","pid":N,"code":N|null,"signal":N|null}   a child ended
 * A child connects to SOCKET, writes {"type":"hello","token":"..","pid":N} and then
 * speaks the decoder protocol above on the socket ("ready" first).
 */

#define MAX_TOKEN 64

/* 'B' in the zygote: builds the model under its cache name, leaves the zygote on the general search. */
static void prepare_bias(decoder_t *d, const unsigned char *payload, uint32_t len)
{
    double t = now_ms();
    bias_request_t r = read_bias_request(d, payload, len);
    const char *problem = r.problem;
    if (problem == NULL && r.arpa_len == 0)
        problem = "bias: nothing to prepare (no ARPA text)";
    char name[32];
    bias_search_name(r.weight, r.arpa, r.arpa_len, name);
    ngram_model_t *cached = problem == NULL ? prepared_bias(name) : NULL;
    if (cached != NULL) {
        emit_bias(d, r.seq, cached, now_ms() - t, 1);
        return;
    }
    if (problem == NULL && prepared_count >= MAX_ZYGOTE_BIASES)
        problem = "bias: the zygote keeps no more bias models (decoders build their own)";
    ngram_model_t *lm = NULL;
    if (problem == NULL)
        problem = build_bias_search(d, name, r.weight, r.arpa, r.arpa_len, &lm);
    if (problem != NULL) {
        emit_seq_error(r.seq, problem);
        return;
    }
    /* Kept (with its reference) for as long as the zygote lives. */
    snprintf(prepared_biases[prepared_count].name, sizeof prepared_biases[0].name, "%s", name);
    prepared_biases[prepared_count++].lm = lm;
    emit_bias(d, r.seq, lm, now_ms() - t, 0);
}

static int read_fd_exact(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = read(fd, p, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return 0;
        p += got;
        n -= (size_t)got;
    }
    return 1;
}

/* In the child: the socket becomes stdin and stdout, and the decoder is served on it. */
static int become_decoder(const char *socket_path, const char *token, decoder_t *d)
{
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, socket_path, sizeof addr.sun_path - 1);
    if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "pocketsphinx-helper: cannot connect to %s: %s\n", socket_path, strerror(errno));
        return 5;
    }
    char hello[MAX_TOKEN + 64];
    int n = snprintf(hello, sizeof hello, "{\"type\":\"hello\",\"token\":\"%s\",\"pid\":%d}\n", token, (int)getpid());
    if (!write_all_fd(sock, hello, (size_t)n))
        return 5;
    /* The zygote never read stdin through stdio and flushed stdout before
     * forking, so neither FILE has anything buffered: rebinding the
     * descriptors is enough. */
    if (dup2(sock, STDIN_FILENO) < 0 || dup2(sock, STDOUT_FILENO) < 0)
        return 5;
    close(sock);
    emit_ready(0, d->cmn);
    return serve(d);
}

static void emit_exits(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (WIFEXITED(status))
            printf("{\"type\":\"exit\",\"pid\":%d,\"code\":%d,\"signal\":null}\n", (int)pid, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            printf("{\"type\":\"exit\",\"pid\":%d,\"code\":null,\"signal\":%d}\n", (int)pid, WTERMSIG(status));
    }
    fflush(stdout);
}

static int run_zygote(const char *socket_path, double load_ms, decoder_t *d)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
    if (sfd < 0) {
        fprintf(stderr, "pocketsphinx-helper: signalfd: %s\n", strerror(errno));
        return 6;
    }
    printf("{\"type\":\"zygote\",\"loadMs\":%.1f,\"cmnSize\":%d}\n", load_ms, (int)d->cmn->veclen);
    fflush(stdout);

    unsigned char *payload = malloc(MAX_BIAS_ARPA + 8 + 1);
    if (payload == NULL)
        return 6;
    for (;;) {
        struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents & POLLIN) {
            struct signalfd_siginfo info;
            if (read(sfd, &info, sizeof info) > 0)
                emit_exits();
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        unsigned char header[5];
        if (!read_fd_exact(STDIN_FILENO, header, sizeof header))
            break;
        uint32_t len = read_u32le(header + 1);
        if (len > (header[0] == 'B' ? MAX_BIAS_ARPA + 8 : MAX_TOKEN)) {
            fprintf(stderr, "pocketsphinx-helper: zygote frame of %u bytes, stream out of sync\n", len);
            free(payload);
            return 4;
        }
        if (!read_fd_exact(STDIN_FILENO, payload, len))
            break;
        payload[len] = '\0';
        const char *token = (const char *)payload;
        if (header[0] == 'Q')
            break;
        if (header[0] == 'B') {
            prepare_bias(d, payload, len);
            continue;
        }
        if (header[0] != 'F') {
            fprintf(stderr, "pocketsphinx-helper: unknown zygote command 0x%02x, stream out of sync\n", header[0]);
            free(payload);
            return 4;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            close(sfd);
            sigprocmask(SIG_UNBLOCK, &chld, NULL);
            _exit(become_decoder(socket_path, token, d));
        }
        fputs(pid < 0 ? "{\"type\":\"forkFailed\",\"token\":" : "{\"type\":\"forked\",\"token\":", stdout);
        put_json_string(token);
        if (pid < 0) {
            fputs(",\"error\":", stdout);
            put_json_string(strerror(errno));
        } else {
            printf(",\"pid\":%d", (int)pid);
        }
        fputs("}\n", stdout);
        fflush(stdout);
    }
    free(payload);
    close(sfd);
    return 0;
}

int main(int argc, char **argv)
{
    double t0 = now_ms();
    long partial_ms = 200;
    const char *cmn_prior = NULL;
    const char *zygote_socket = NULL;
    long cmn_adapt_frames = 0;
    float cmn_prior_frames = CMN_WIN;

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
        } else if (strcmp(argv[i], "-cmn_prior_frames") == 0 && i + 1 < argc) {
            cmn_prior_frames = strtof(argv[++i], NULL);
        } else if (strcmp(argv[i], "-cmn_adapt_frames") == 0 && i + 1 < argc) {
            cmn_adapt_frames = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "-zygote") == 0 && i + 1 < argc) {
            zygote_socket = argv[++i];
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
        if (!(cmn_prior_frames >= 0 && cmn_prior_frames <= CMN_WIN_HWM)) {
            fprintf(stderr, "pocketsphinx-helper: -cmn_prior_frames must be 0..%d\n", CMN_WIN_HWM);
            return 2;
        }
        set_cmn(cmn, cmn_buf, cmn_prior_frames);
    }

    long sample_rate = (long)cmd_ln_float32_r(config, "-samprate");
    long partial_samples = partial_ms > 0 ? sample_rate * partial_ms / 1000 : 0;

    /* 100 frames per second of audio at any rate pocketsphinx supports (-frate). */
    long samples_per_frame = sample_rate / (long)cmd_ln_int32_r(config, "-frate");
    decoder_t decoder = {
        .ps = ps,
        .cmn = cmn,
        .cmn_buf = cmn_buf,
        .partial_samples = partial_samples,
        .cmn_adapt_samples = cmn_adapt_frames > 0 ? cmn_adapt_frames * samples_per_frame : 0,
        .general_search = strdup(ps_get_search(ps)),
    };
    decoder.general_lm = ps_get_lm(ps, decoder.general_search);

    int status;
    if (zygote_socket != NULL) {
        status = run_zygote(zygote_socket, now_ms() - t0, &decoder);
    } else {
        emit_ready(now_ms() - t0, cmn);
        status = serve(&decoder);
    }
    free(decoder.general_search);
    free(cmn_buf);
    free(ps_argv);
    ps_free(ps);
    cmd_ln_free_r(config);
    return status;
}
