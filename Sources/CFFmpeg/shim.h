// The C surface of FFmpeg that Swift sees. Macros Swift cannot import get `static inline`
// shims here; they must be `static` (a non-static definition breaks release builds).
#ifndef SEEDANCE_CFFMPEG_SHIM_H
#define SEEDANCE_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
#include <libavutil/dict.h>
#include <libswscale/swscale.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/version_major.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t cff_nopts_value(void) { return AV_NOPTS_VALUE; }

/// AV_TIME_BASE_Q: the microsecond time base of AVFormatContext durations.
static inline AVRational cff_time_base_q(void) { AVRational q = {1, AV_TIME_BASE}; return q; }

/// AV_TIME_BASE.
static inline int64_t cff_time_base(void) { return AV_TIME_BASE; }

/// AVERROR(e) for a POSIX errno value.
static inline int cff_averror(int e) { return AVERROR(e); }

/// AVERROR_EOF.
static inline int cff_averror_eof(void) { return AVERROR_EOF; }

/// AVERROR(EAGAIN).
static inline int cff_averror_eagain(void) { return AVERROR(EAGAIN); }

/// AVERROR_INVALIDDATA.
static inline int cff_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }

/// av_err2str, written over av_strerror into a caller-provided buffer.
static inline const char *cff_err2str(int errnum, char *buf, size_t size) {
    av_strerror(errnum, buf, size);
    return buf;
}

/// snprintf(buf, size, "%.*f", places, value): one number in printf's fixed notation (Swift cannot call C's
/// variadic functions; Foundation's String(format:) can, at the cost of dynamic casts, see FixedDecimal.swift).
static inline int cff_format_fixed(char *buf, size_t size, double value, int places) {
    return snprintf(buf, size, "%.*f", places, value);
}

/// libavfilter is loaded when a filter graph is first built, not when the program starts: it links a large tree of
/// libraries (text-to-speech voices, SVG and font rendering, OCR, Vulkan) whose loading and relocation cost about a
/// quarter of every `seedance` start, and only the commands that filter (verify, concat, contact sheets, the
/// simulator) need it. The package links libavformat, libavcodec, libavutil and libswscale; the functions below
/// are looked up in libavfilter by name, their types taken from its headers.
typedef struct {
    __typeof__(&avfilter_graph_alloc) graph_alloc;
    __typeof__(&avfilter_graph_free) graph_free;
    __typeof__(&avfilter_inout_alloc) inout_alloc;
    __typeof__(&avfilter_inout_free) inout_free;
    __typeof__(&avfilter_graph_parse_ptr) graph_parse_ptr;
    __typeof__(&avfilter_graph_config) graph_config;
    __typeof__(&avfilter_get_by_name) get_by_name;
    __typeof__(&avfilter_graph_create_filter) graph_create_filter;
    __typeof__(&av_buffersrc_add_frame_flags) buffersrc_add_frame_flags;
    __typeof__(&av_buffersrc_close) buffersrc_close;
    __typeof__(&av_buffersink_get_frame) buffersink_get_frame;
    __typeof__(&av_buffersink_get_time_base) buffersink_get_time_base;
    __typeof__(&av_buffersink_get_frame_rate) buffersink_get_frame_rate;
} cff_avfilter_api;

/// Loads libavfilter and fills `api` with its functions. Returns NULL on success, else why it failed (dlerror's
/// text, valid until the next dl call on this thread: copy it at once). Holds no state of its own: Swift does not
/// emit a header's static variables, so the caller keeps the table (once, in a Swift `static let`).
static inline const char *cff_avfilter_load(cff_avfilter_api *api) {
#define CFF_STR2(x) #x
#define CFF_STR(x) CFF_STR2(x)
#ifdef __APPLE__
    const char *name = "libavfilter." CFF_STR(LIBAVFILTER_VERSION_MAJOR) ".dylib";
#else
    const char *name = "libavfilter.so." CFF_STR(LIBAVFILTER_VERSION_MAJOR);
#endif
    void *handle = NULL;
#ifdef __APPLE__
    // Next to the libavcodec this program is linked with: a Homebrew prefix is not on the loader's search path.
    Dl_info info;
    if (dladdr((void *)&avcodec_version, &info) && info.dli_fname) {
        char path[4096];
        const char *slash = strrchr(info.dli_fname, '/');
        if (slash && (size_t)(slash - info.dli_fname) + 1 + strlen(name) < sizeof(path)) {
            snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - info.dli_fname), info.dli_fname, name);
            handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        }
    }
#endif
    if (!handle) handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *reason = dlerror();
        return reason ? reason : name;
    }
#define CFF_LOAD(field, symbol) \
    if (!(*(void **)&api->field = dlsym(handle, #symbol))) return #symbol " is missing";
    CFF_LOAD(graph_alloc, avfilter_graph_alloc)
    CFF_LOAD(graph_free, avfilter_graph_free)
    CFF_LOAD(inout_alloc, avfilter_inout_alloc)
    CFF_LOAD(inout_free, avfilter_inout_free)
    CFF_LOAD(graph_parse_ptr, avfilter_graph_parse_ptr)
    CFF_LOAD(graph_config, avfilter_graph_config)
    CFF_LOAD(get_by_name, avfilter_get_by_name)
    CFF_LOAD(graph_create_filter, avfilter_graph_create_filter)
    CFF_LOAD(buffersrc_add_frame_flags, av_buffersrc_add_frame_flags)
    CFF_LOAD(buffersrc_close, av_buffersrc_close)
    CFF_LOAD(buffersink_get_frame, av_buffersink_get_frame)
    CFF_LOAD(buffersink_get_time_base, av_buffersink_get_time_base)
    CFF_LOAD(buffersink_get_frame_rate, av_buffersink_get_frame_rate)
#undef CFF_LOAD
    return NULL;
}


#endif
